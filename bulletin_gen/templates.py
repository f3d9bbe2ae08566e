"""The Jinja environment: template search path, filters, and how links are written.

Templates are looked up first in the site's `templates/`, then in the built-in theme; the theme
is also reachable as `theme/<name>` so that an override can extend what it replaces.

Links between pages are relative ('../../archive/'), so a site works from any sub-path and from
the file system. Pages that are served from anywhere (404) and the email edition use absolute
URLs instead; a template says which by setting `link_base` in its context.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from markupsafe import Markup, escape

from .markdown import ROOT_MARKER, relative_html
from .model import EMAIL_WIDTH, PRINT_WIDTH

THEME_DIR = Path(__file__).parent / "theme"
THEME_TEMPLATES = THEME_DIR / "templates"
THEME_STATIC = THEME_DIR / "static"


def make_environment(site_dir: Path | None) -> Environment:
    """A Jinja environment searching `site_dir/templates`, then the built-in theme."""
    theme = FileSystemLoader(THEME_TEMPLATES)
    loaders = [FileSystemLoader(site_dir / "templates")] if site_dir else []
    env = Environment(
        loader=ChoiceLoader([*loaders, theme, PrefixLoader({"theme": theme})]),
        autoescape=select_autoescape(disabled_extensions=("txt",), default=True,
                                     default_for_string=True),  # plain text is never escaped
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one environment serves one build: no need to stat each template
    )
    env.globals.update(email_width=EMAIL_WIDTH, print_width=PRINT_WIDTH)
    env.tests["same_contact"] = same_contact
    env.filters.update(
        url=url_filter,
        local=local_filter,
        date=format_date,
        isodate=lambda d: d.isoformat(),
        rfc3339=lambda d: f"{d.isoformat()}T00:00:00Z",
        names=join_names,
        demote=demote_headings,
        direction=text_direction,
    )
    return env


def relative_root(page_url: str) -> str:
    """The path from a page's folder back to the site root: '' -> './', 'a/b/' -> '../../'."""
    folder = page_url if page_url.endswith("/") else posixpath.dirname(page_url)
    depth = len([part for part in folder.split("/") if part])
    return "../" * depth or "./"


def link(target: str, page_url: str, link_base: str = "") -> str:
    """The href from the page at `page_url` to the site path `target` (or `@root/` + path)."""
    target = target.removeprefix(ROOT_MARKER)
    if "://" in target or target.startswith(("mailto:", "#")):
        return target
    if link_base:
        return link_base + target.lstrip("/")
    root = relative_root(page_url)
    return (root if root != "./" else "") + target.lstrip("/") or "./"


@pass_context
def url_filter(context: Context, target: str) -> str:
    """`{{ item.url | url }}`: a link from the page being rendered to a site path."""
    return link(target, context.get("page_url", ""), context.get("link_base", ""))


@pass_context
def local_filter(context: Context, html: str) -> Markup:
    """`{{ item.html | local }}`: a rendered fragment with its internal links made to fit."""
    base = context.get("link_base", "") or relative_root(context.get("page_url", ""))
    return Markup(relative_html(html, base if base != "./" else ""))


RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku-arab", "nqo",
                           "ps", "sd", "syr", "ug", "ur", "yi"})


def same_contact(contact: Any, other: Any) -> bool:
    """`{% if item.contact is same_contact(issue.contact) %}`: the same person (name and
    address), whatever role each gives, so that a page shows one contact once."""
    return bool(contact) and bool(other) and (contact.name, contact.email) == (
        other.name, other.email)


def text_direction(lang: str) -> str:
    """'rtl' for languages written right to left ('ar', 'he-IL', 'fa'), else 'ltr'."""
    tag = lang.strip().lower().replace("_", "-")
    return "rtl" if tag in RTL_LANGUAGES or tag.split("-")[0] in RTL_LANGUAGES else "ltr"


_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")


def demote_headings(html: str, levels: int = 1) -> Markup:
    """Shift a fragment's headings down (h2 -> h3) to fit under the heading that contains it."""
    # Only an already-safe fragment (from `local`) is trusted; plain text is escaped first.
    html = html if isinstance(html, Markup) else str(escape(html))
    if levels <= 0:
        return Markup(html)
    return Markup(_HEADING_TAG.sub(
        lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + levels, 6)}", html))


def format_date(value: dt.date, style: str = "long") -> str:
    """'5 March 2026' (long) or '5 Mar 2026' (short); locale-independent, so builds agree."""
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
    month = months[value.month - 1]
    return f"{value.day} {month if style == 'long' else month[:3]} {value.year}"


def join_names(names: Any) -> str:
    """('A', 'B', 'C') -> 'A, B and C'."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] \
        if names else ""
