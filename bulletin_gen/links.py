"""Where every source ends up, and how links between sources resolve.

Before any Markdown is rendered, each source file gets an `Identity` (its issue, its slug and its
site path) and each issue asset a URL. `resolver` then turns a relative link or image of one
file into the `@root/` URL of the page or asset it names, and `broken_link` says what is wrong
with one that names nothing the build publishes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import quote, unquote

from .content import SourceDoc, Sources
from .errors import Location, Problems, closest
from .markdown import ROOT_MARKER, Resolver, address, slugify
from .model import Site
from .sitepaths import leaving_site, named_slug, nfc_path, with_nfc_keys

_ORDER_PREFIX = re.compile(r"^\d+[-_.]")


@dataclass(frozen=True)
class Identity:
    """Where a source file ends up: its issue, its slug and its site path."""

    issue_slug: str
    slug: str
    url: str


def item_slug(path: Path) -> str:
    """'01-socios-peru.md' -> 'socios-peru': the file name without its order prefix."""
    return slugify(_ORDER_PREFIX.sub("", path.stem)) or slugify(path.stem)


def identities(sources: Sources, problems: Problems) -> dict[Path, Identity]:
    """The identity of every issue (file and folder), item and page; clashing slugs are
    problems."""
    found: dict[Path, Identity] = {}
    issue_slugs: dict[str, str] = {}
    for issue in sources.issues:
        slug = named_slug(issue.name, issue.meta, "issue", problems)
        if slug in issue_slugs:
            problems.add(Location(issue.meta.rel), f"two issues have the slug '{slug}'",
                         f"rename this one or {issue_slugs[slug]}")
        issue_slugs[slug] = issue.meta.rel
        issue_url = f"issues/{slug}/"
        found[issue.meta.path] = Identity(slug, "", issue_url)
        if issue.folder:
            found[issue.folder] = Identity(slug, "", issue_url)
        item_slugs: dict[str, str] = {}
        for doc in issue.items:
            # A file name without letters falls back to its position; a written slug must work.
            own = (named_slug(doc.stem, doc, "item", problems) if doc.meta.get("slug")
                   else item_slug(doc.path)) or f"item-{len(item_slugs) + 1}"
            _claim(item_slugs, own, doc, f"two items of issue '{slug}'", problems)
            found[doc.path] = Identity(slug, own, f"{issue_url}{own}/")
    page_slugs: dict[str, str] = {}
    for doc in sources.pages:
        slug = named_slug(doc.stem, doc, "page", problems)
        _claim(page_slugs, slug, doc, "two pages", problems)
        found[doc.path] = Identity("", slug, f"pages/{slug}/")
    return with_nfc_keys(found)


def _claim(taken: dict[str, str], slug: str, doc: SourceDoc, what: str,
           problems: Problems) -> None:
    """Note that `doc` uses `slug`; a problem when another file of `taken` has it already."""
    if slug in taken:
        problems.add(Location(doc.rel, doc.meta.line_of("slug")),
                     f"{what} have the slug '{slug}'",
                     f"the other is {taken[slug]}; set a different 'slug:'")
    taken[slug] = doc.rel


def asset_urls(sources: Sources, found: dict[Path, Identity]) -> dict[Path, str]:
    """The site path of every file copied beside an issue's pages."""
    urls: dict[Path, str] = {}
    for issue in sources.issues:
        if issue.folder:
            slug = found[issue.meta.path].issue_slug
            for relative in issue.assets:
                urls[issue.folder / relative] = f"issues/{slug}/{relative.as_posix()}"
    return with_nfc_keys(urls)


def linked_files(sites: Iterable[Site], files: Iterable[str]) -> set[str]:
    """Those of `files` (site paths of files of issues' folders) that the sites' texts link or
    show, or that are an issue's or item's `image:`: the files a reader can reach."""
    files = set(files)
    if not files:
        return set()
    named: set[str] = set()
    for site in sites:
        for issue in site.issues:
            named.update(image.url for image in (issue.image, *(item.image for item in
                                                                 issue.items)) if image)
        for _, html in site.fragments():
            named |= files_named(html)
    return files & named


def files_named(html: str) -> set[str]:
    """The site paths of the files of issues' folders that a rendered text links to or shows
    (as the links stage writes them: `@root/issues/...`, escaped for HTML)."""
    if _ISSUES_MARK not in html:
        return set()
    named = set()
    for written in _FILE_ADDRESS.findall(html):
        written = unescape(written).strip()
        named.add(unquote(written))
        # In a `srcset`, each address is followed by its width, and the next one by a comma.
        named.update(unquote(part.split()[0].removeprefix(ROOT_MARKER))
                     for part in written.split(",") if part.strip())
    return named


_ISSUES_MARK = f"{ROOT_MARKER}issues/"
# An address up to the end of its attribute, or to its fragment or query.
_FILE_ADDRESS = re.compile(re.escape(ROOT_MARKER) + r"""(issues/[^"'#?<>]+)""")


def resolver(doc: SourceDoc, found: dict[Path, Identity], assets: dict[Path, str]) -> Resolver:
    """Links to .md sources become their pages' URLs; links to files become asset URLs."""

    def resolve(url: str, kind: str) -> str | None:
        _, hash_mark, fragment = url.partition("#")
        target = _target(doc, url)
        if target is None:
            return url
        target = nfc_path(target)  # links are NFC text; file names may not be
        if target in assets:
            # A link keeps its query and fragment ('annex.pdf#page=2'); a picture is its file.
            tail = url[len(url.partition("#")[0].split("?")[0]):] if kind == "link" else ""
            return ROOT_MARKER + address(assets[target], file_name=True) + tail
        identity = found.get(target)
        if identity and kind == "link":
            if fragment and identity.slug and identity.issue_slug:
                fragment = f"{identity.slug}-{fragment}"  # heading ids carry the item's slug
            return ROOT_MARKER + identity.url + hash_mark + fragment
        return None

    return resolve


def _target(doc: SourceDoc, url: str) -> Path | None:
    """The file a relative link of `doc` points at; None for a link within the page."""
    path_part = url.partition("#")[0].split("?")[0]
    return Path(os.path.normpath(doc.path.parent / unquote(path_part))) if path_part else None


def broken_link(doc: SourceDoc, url: str, what: str) -> tuple[str, str]:
    """What is wrong with a link or image that resolved to nothing, and the hint."""
    leaving = leaving_site(doc, url, what)
    if leaving:
        return leaving
    target = _target(doc, url)
    shown = as_written(url)
    if target and target.exists():
        return (f"{what} to a file that is not published: {shown}",
                "link to an item's or page's .md file or to a file in an issue's "
                "folder; a draft issue is published only with --drafts")
    if url.lower().startswith("www."):
        return f"{what} to a missing file: {shown}", f"did you mean https://{url}?"
    return f"{what} to a missing file: {shown}", missing_file_hint(doc, url)


def missing_file_hint(doc: SourceDoc, url: str) -> str:
    """What to do about a path of `doc` that names no file: the file it likely meant."""
    if named_as_address(doc, url):
        return (f"the file's name holds '#' or '?', which an address reads as its fragment or "
                f"query: rename the file, or write {quote(unquote(url))}")
    target = _target(doc, url)
    meant = _meant_file(target, url) if target else ""
    if not meant and "@" in url and "/" not in url:  # logo@2x.png is a file, not an address
        meant = f"mailto:{url}"
    return (f"did you mean {meant}?" if meant else
            "the path is relative to this file; check the name and folder")


def named_as_address(doc: SourceDoc, url: str) -> bool:
    """Whether `url` is the name of a file beside `doc` that holds a '#' or '?'."""
    return ("#" in url or "?" in url) and (doc.path.parent / unquote(url)).is_file()


def as_written(url: str) -> str:
    """A link's address as its editor wrote it: Markdown percent-encodes each letter beyond
    ASCII ('Hélène' as 'H%C3%A9l%C3%A8ne'), and keeps the escapes written ('%20')."""
    return _NON_ASCII_ESCAPES.sub(lambda found: unquote(found[0]), url)


_NON_ASCII_ESCAPES = re.compile(r"(?:%[89a-fA-F][0-9a-fA-F])+")


# A translation's file name ('01-x.fr.md', 'issue.pt-BR.yaml'), which no link names.
_TRANSLATION_NAME = re.compile(r".+\.[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*\.(?:md|markdown|yaml|yml)",
                               re.IGNORECASE)


def _meant_file(target: Path, url: str) -> str:
    """`url` as it likely meant to be written, '' when nothing near it exists: its .md left
    off (a page's address written for its file), a name in other capitals ('Map.png' for
    map.png, which a case-sensitive web server does not serve), or a near spelling."""
    written, mark, fragment = url.partition("#")
    folder, _, name = written.rpartition("/")
    for suffix in (".md", ".yaml"):
        if target.with_name(target.name + suffix).is_file():
            return f"{written}{suffix}{mark}{fragment}"
    try:
        # Links are written to originals: a translation's file ('01-x.fr.md') is never meant.
        names = [entry.name for entry in os.scandir(target.parent)
                 if not _TRANSLATION_NAME.fullmatch(entry.name)]
    except OSError:
        return ""
    by_case = {each.casefold(): each for each in names}
    near = by_case.get(unquote(name).casefold()) or closest(unquote(name), names, cutoff=0.8)
    if not near:
        return ""
    near = near.replace(" ", "%20")  # a link's path holds no space
    return f"{folder}/{near}{mark}{fragment}" if folder else f"{near}{mark}{fragment}"


_BROKEN_LINKS = ("link to a missing file: ", "link to a file that is not published: ")


def lower_broken_links(problems: Problems) -> None:
    """Make the broken links of `problems` warnings (`links: {missing: warning}`): a real
    archive has placeholders and dead addresses in old issues, and must still publish."""
    broken = [p for p in problems.errors if p.message.startswith(_BROKEN_LINKS)]
    problems.errors[:] = [p for p in problems.errors if not p.message.startswith(_BROKEN_LINKS)]
    problems.warnings.extend(broken)
