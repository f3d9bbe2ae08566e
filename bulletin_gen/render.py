"""Stage 4: plan every page of the web edition, then render each one to bytes.

`plan_pages` decides what files the site has and which template and model objects each gets;
`render_page` is pure (a plan in, an `Artifact` out), so pages can be rendered in any order or
in parallel, and the result never depends on which.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, TemplateError, TemplateNotFound

from .errors import BulletinError
from .model import Entry, Issue, Pager, Site, TermIndex
from .pool import map_chunks, split
from .search import merged_bundles
from .templates import THEME_TEMPLATES

CHUNK = 32  # pages per task sent to a worker: enough to hide the cost of the round trip
FEED_ENTRIES = 50  # the newest items and briefs in each feed of items (Pelican's and Hugo's order)
TEMPLATE_SUFFIXES = (".html", ".xml", ".txt")
T = TypeVar("T")


@dataclass(frozen=True)
class PagePlan:
    """One output file: where it goes, its URL, its template and what the template receives."""

    path: str  # relative to the output folder
    url: str  # the site path readers see ('' for the home page)
    template: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Artifact:
    """A finished output file: its bytes, or the file that holds them (a cached PDF), which
    is linked into the output rather than read and written again."""

    path: str
    data: bytes
    source: Path | None = None


class TemplateProblem(BulletinError):
    """A template failed while rendering a page: names the template, its line, and the page."""


def plan_pages(site: Site) -> list[PagePlan]:
    """Every page of the web edition, in a fixed order."""
    plans = [
        PagePlan("index.html", "", "index.html", {"issue": site.latest}),
        PagePlan("archive/index.html", "archive/", "archive.html"),
        PagePlan("404.html", "404.html", "404.html",
                 {"link_base": site.config.base_path}),
        PagePlan("feed.xml", "feed.xml", "feed.xml"),
        _entries_feed(site, "items.xml", "", "", site_entries(site)),  # the theme names it
        PagePlan("sitemap.xml", "sitemap.xml", "sitemap.xml", {"all_urls": site_urls(site)}),
        PagePlan("tags/index.html", "tags/", "terms.html",
                 {"kind": "tags", "terms": site.tags}),
        PagePlan("regions/index.html", "regions/", "terms.html",
                 {"kind": "regions", "terms": site.regions}),
    ]
    if site.config.search.enabled:
        plans.append(PagePlan("search/index.html", "search/", "search.html",
                              {"merged_bundles": merged_bundles(site)}))
    for issue in site.issues:
        plans.append(PagePlan(f"{issue.url}index.html", issue.url, "issue.html", {"issue": issue}))
        plans.extend(_item_plans(issue))
    for kind, terms in (("tags", site.tags), ("regions", site.regions)):
        for index in terms:
            plans.extend(_term_plans(kind, index, site.config.per_page))
            plans.append(_entries_feed(site, f"{index.url}feed.xml", index.url,
                                       f"{site.config.title}: {index.term.name}", index.entries))
    plans.extend(PagePlan(f"{page.url}index.html", page.url, "page.html", {"page": page})
                 for page in site.pages)
    return plans


def speaking(plans: list[PagePlan], words: str) -> list[PagePlan]:
    """The plans with `words` (i18n.catalogue_digest) in their context, so that the
    fingerprint of each page changes with the catalogue of the theme's words it speaks."""
    return [replace(plan, context={**plan.context, "theme_words": words}) for plan in plans]


def _item_plans(issue: Issue) -> list[PagePlan]:
    plans = []
    for position, item in enumerate(issue.items):
        previous = issue.items[position - 1] if position > 0 else None
        following = issue.items[position + 1] if position + 1 < len(issue.items) else None
        plans.append(PagePlan(f"{item.url}index.html", item.url, "item.html",
                              {"issue": issue, "item": item, "previous": previous,
                               "next": following}))
    return plans


def _term_plans(kind: str, index: TermIndex, per_page: int) -> list[PagePlan]:
    """The pages of one tag or region. Each receives only its own entries, not the whole
    index, so that an edit elsewhere on the term leaves its fingerprint (and bytes) alone."""
    return [PagePlan(f"{pager.url}index.html", pager.url, "term.html",
                     {"kind": kind, "term": index.term, "entries": entries, "pager": pager})
            for entries, pager in paginate(index.entries, index.url, per_page)]


def _entries_feed(site: Site, path: str, html_url: str, title: str,
                  entries: tuple[Entry, ...]) -> PagePlan:
    """An Atom feed of the newest `entries` in full, with every link absolute."""
    return PagePlan(path, path, "entries_feed.xml",
                    {"entries": entries[:FEED_ENTRIES], "feed_title": title, "feed_url": path,
                     "html_url": html_url, "link_base": site.config.base_url or "/"})


def site_entries(site: Site) -> tuple[Entry, ...]:
    """The site's news, newest issue first: each item, and each brief of a briefs file, in
    the order of its issue, up to the length of a feed."""
    entries: list[Entry] = []
    for issue in site.issues:
        for item in issue.items:
            if item.kind == "briefs":
                entries.extend(Entry(issue, item, brief) for brief in item.briefs)
            else:
                entries.append(Entry(issue, item))
        if len(entries) >= FEED_ENTRIES:
            break
    return tuple(entries[:FEED_ENTRIES])


def page_urls(url: str, total: int, per_page: int) -> list[str]:
    """The site paths of the pages of a list of `total` entries whose first page is at `url`:
    'tags/water/', 'tags/water/page/2/', ... (one page even for an empty list)."""
    count = max(1, -(-total // per_page))
    return [url] + [f"{url}page/{number}/" for number in range(2, count + 1)]


def paginate(entries: tuple[T, ...], url: str,
             per_page: int) -> list[tuple[tuple[T, ...], Pager]]:
    """Split `entries` into pages of `per_page`, in order, each with its `Pager`."""
    urls = page_urls(url, len(entries), per_page)
    pages = []
    for number, here in enumerate(urls, start=1):
        start = (number - 1) * per_page
        chunk = entries[start:start + per_page]
        pages.append((chunk, Pager(
            number=number, count=len(urls), url=here, first_url=urls[0], last_url=urls[-1],
            previous_url=urls[number - 2] if number > 1 else "",
            next_url=urls[number] if number < len(urls) else "",
            start=start + 1 if chunk else 0, end=start + len(chunk), total=len(entries))))
    return pages


def site_urls(site: Site) -> list[str]:
    """The site paths of every HTML page, for the sitemap."""
    urls = ["", "archive/", "tags/", "regions/"] + (["search/"] if site.config.search.enabled
                                                     else [])
    for issue in site.issues:
        urls.append(issue.url)
        urls.extend(item.url for item in issue.items)
    for index in site.tags + site.regions:
        urls.extend(page_urls(index.url, len(index.entries), site.config.per_page))
    urls.extend(page.url for page in site.pages)
    return urls


def render_page(env: Environment, site: Site, plan: PagePlan) -> Artifact:
    """Render one planned page; a template failure names the template, line and page."""
    context = {"site": site, "config": site.config, "page_url": plan.url, "link_base": "",
               **plan.context}
    try:
        text = env.get_template(plan.template).render(context)
    except (TemplateError, TypeError, AttributeError, ValueError) as error:
        # A filter given the wrong value fails with a plain Python error inside a template:
        # that is a template mistake too. Outside any template frame it is a bug: re-raise.
        if not isinstance(error, TemplateError) and _template_frame(error) is None:
            raise
        raise TemplateProblem(describe_template_error(error, plan.path)) from None
    return Artifact(plan.path, text.encode("utf-8"))


def describe_template_error(error: Exception, page: str) -> str:
    """'templates/item.html:12: 'x' is undefined (while rendering issues/a/b/index.html)'."""
    where = getattr(error, "filename", None) or getattr(error, "name", None)
    line = getattr(error, "lineno", None)
    if not line:  # runtime errors (undefined names) carry the template frame in the traceback
        where, line = _template_frame(error) or (where, None)
    location = f"{template_display(where)}:{line}" if where and line else template_display(where)
    if isinstance(error, TemplateNotFound):
        message = f"template '{error.name}' not found"
    elif isinstance(error, TemplateError):
        message = error.message or str(error)
    else:
        message = f"{type(error).__name__}: {error}"
    return f"{location}: {message} (while rendering {page})"


def _template_frame(error: BaseException) -> tuple[str, int] | None:
    """The file and line of the innermost template frame in the error's traceback."""
    found = None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(TEMPLATE_SUFFIXES):
            found = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    return found


def template_display(filename: str | None) -> str:
    """A template file as an editor knows it: 'templates/item.html' or 'theme/item.html'."""
    if not filename:
        return "template"
    path = Path(filename)
    if path.is_relative_to(THEME_TEMPLATES):
        return "theme/" + path.relative_to(THEME_TEMPLATES).as_posix()
    parts = path.parts
    if "templates" in parts:  # the site's templates/ folder: show it from there
        index = len(parts) - 1 - parts[::-1].index("templates")
        return "/".join(parts[index:])
    return filename


def render_pages(env: Environment, site: Site, plans: list[PagePlan],
                 progress: Callable[[str, int, int], None] | None = None,
                 jobs: int = 1) -> Iterator[Artifact]:
    """Render every plan, yielding artifacts in the order of `plans` whatever `jobs` is.

    `progress('render', done, total)` is called after each page. With `jobs` > 1 the pages are
    rendered by that many forked worker processes (pool.py), which start with the environment,
    the site and the plans; only page numbers and finished bytes travel after that.
    """
    def render_chunk(indices: range) -> list[Artifact]:
        return [render_page(env, site, plans[index]) for index in indices]

    done = 0
    for artifacts in map_chunks(render_chunk, split(len(plans), CHUNK), jobs):
        for artifact in artifacts:
            done += 1
            yield artifact
            if progress:
                progress("render", done, len(plans))
    if progress and not plans:  # every page was unchanged: still say so
        progress("render", 0, 0)
