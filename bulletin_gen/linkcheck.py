"""Links of the built site: every page's links, anchors and images, checked inside the site, and
external links checked over HTTP, concurrently, with a timeout and a cache.

Pages are scanned once (`scan_page`); `internal_problems` resolves every relative link against
the set of files a build writes, and every `#anchor` against the ids of its target page.
`check_external` asks each external URL once (HEAD, then GET where HEAD is refused) and
remembers good answers in a JSON cache for a day; a corrupt cache counts as empty.
"""

from __future__ import annotations

import json
import posixpath
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .markdown import decorative
from .write import write_atomic

USER_AGENT = "bulletin-gen link checker (+https://pypi.org/project/bulletin-gen/)"
CACHE_TTL = 24 * 3600.0
SKIPPED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:")
_LINK_ATTRS = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src"}


@dataclass(frozen=True)
class Link:
    """A URL as written in a page, with the line of the page it is on."""

    page: str
    url: str
    line: int
    tag: str


@dataclass(frozen=True)
class ImageRef:
    """An <img> of a page; `alt` is None when the attribute is missing."""

    page: str
    src: str
    line: int
    alt: str | None
    hidden: bool  # aria-hidden or role=presentation: decoration that needs no text


@dataclass
class PageScan:
    """What a page offers (ids) and what it points at (links, images)."""

    path: str
    ids: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)
    images: list[ImageRef] = field(default_factory=list)


@dataclass(frozen=True)
class LinkProblem:
    """A link that does not lead where it says."""

    link: Link
    message: str
    ids: frozenset[str] = frozenset()  # of a missing anchor: the ids its page has


@dataclass(frozen=True)
class LinkStatus:
    """The answer for one external URL: its HTTP status, or why there was none."""

    url: str
    status: int | None
    ok: bool
    error: str = ""
    cached: bool = False


class _Scanner(HTMLParser):
    def __init__(self, scan: PageScan) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = scan

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        line = self.getpos()[0]
        if "id" in values:
            self.scan.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.scan.ids.add(values["name"])
        attr = _LINK_ATTRS.get(tag)
        if attr and values.get(attr) and "canonical" not in values.get("rel", ""):
            self.scan.links.append(Link(self.scan.path, values[attr], line, tag))
        if tag == "img":
            alt = dict(attrs).get("alt")
            self.scan.images.append(ImageRef(self.scan.path, values.get("src", ""), line,
                                             alt, decorative(values)))


def scan_page(path: str, html: str) -> PageScan:
    """The ids, links and images of one HTML page."""
    scan = PageScan(path)
    scanner = _Scanner(scan)
    scanner.feed(html)
    scanner.close()
    return scan


def names_server(url: str) -> bool:
    """True for a URL that names a server ('https://...', '//...'); unlike markdown.is_external,
    'mailto:' and other schemes do not count (SKIPPED_SCHEMES passes over those)."""
    return "://" in url.split("?")[0].split("#")[0] or url.startswith("//")


def site_path(page: str, url: str, base_url: str = "") -> str | None:
    """The output path a link of `page` leads to ('' = the root), or None when outside."""
    if base_url and url.startswith(base_url):
        url = (urlsplit(base_url).path or "/") + url[len(base_url):]
    elif names_server(url) or url.startswith(SKIPPED_SCHEMES):
        return None
    path = unquote(urlsplit(url).path)
    if path.startswith("/"):
        base_path = urlsplit(base_url).path or "/"
        if not path.startswith(base_path):
            return None  # elsewhere on the same server: not this site's to check
        joined = posixpath.normpath(path[len(base_path):] or ".")
    else:
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), path or
                                                   posixpath.basename(page)))
    if joined.startswith(".."):
        return "../"  # above the site root: never a file of the site
    folder = path.endswith("/") or joined == "."
    joined = "" if joined == "." else joined
    return joined + "/index.html" if folder and joined else "index.html" if folder else joined


def internal_problems(scans: Iterable[PageScan], files: set[str],
                      base_url: str = "") -> list[LinkProblem]:
    """Links to files the build does not write, and anchors missing from their page."""
    scans = list(scans)
    ids = {scan.path: scan.ids for scan in scans}
    problems = []
    for scan in scans:
        for link in scan.links:
            target = site_path(scan.path, link.url, base_url)
            if target is None:
                continue
            if target not in files and f"{target}/index.html" in files:
                target = f"{target}/index.html"  # servers add the slash
            if target not in files:
                problems.append(LinkProblem(link, f"link to a page that does not exist: "
                                                  f"{link.url}"))
                continue
            fragment = urlsplit(link.url).fragment
            if fragment and fragment != "top" and target in ids \
                    and unquote(fragment) not in ids[target]:
                problems.append(LinkProblem(link, f"link to a missing anchor #{fragment}",
                                            frozenset(ids[target])))
    return problems


def external_urls(scans: Iterable[PageScan], base_url: str = "") -> dict[str, list[Link]]:
    """Every http(s) URL the pages link to (outside the site itself), with where it is used."""
    found: dict[str, list[Link]] = {}
    for scan in scans:
        for link in scan.links:
            url = link.url.split("#")[0]
            if url.startswith(("http://", "https://")) and link.tag in ("a", "img") and not (
                    base_url and url.startswith(base_url)):
                found.setdefault(url, []).append(link)
    return found


def probe(url: str, timeout: float) -> LinkStatus:
    """Ask for `url` once: HEAD, and GET when the server refuses HEAD."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method,
                                         headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return LinkStatus(url, response.status, 200 <= response.status < 400)
        except urllib.error.HTTPError as error:
            if method == "HEAD" and error.code in (403, 405, 501):
                continue
            return LinkStatus(url, error.code, False, error.reason or "")
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            return LinkStatus(url, None, False, str(reason) or type(error).__name__)
    return LinkStatus(url, None, False, "no answer")  # pragma: no cover - loop always returns


def check_external(urls: Iterable[str], cache_file: Path | None, timeout: float = 10.0,
                   workers: int = 8, ttl: float = CACHE_TTL,
                   now: Callable[[], float] = time.time) -> list[LinkStatus]:
    """The status of every URL, sorted by URL; good answers younger than `ttl` come from cache."""
    cache = _load_cache(cache_file)
    moment = now()
    results: dict[str, LinkStatus] = {}
    pending = []
    for url in sorted(set(urls)):
        entry = cache.get(url)
        if isinstance(entry, dict) and moment - float(entry.get("checked", 0)) < ttl:
            results[url] = LinkStatus(url, entry.get("status"), True, cached=True)
        else:
            pending.append(url)
    if pending:
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(pending)))) as pool:
            for status in pool.map(lambda url: probe(url, timeout), pending):
                results[status.url] = status
    fresh = {url: {"status": s.status, "checked": moment} for url, s in results.items()
             if s.ok and not s.cached}
    if cache_file is not None and fresh:
        _save_cache(cache_file, {**cache, **fresh})
    return [results[url] for url in sorted(results)]


def _load_cache(cache_file: Path | None) -> dict[str, object]:
    if cache_file is None:
        return {}
    try:
        data = json.loads(cache_file.read_text("utf-8"))
    except (OSError, ValueError):
        return {}  # missing or corrupt: check everything again
    return data if isinstance(data, dict) else {}


def _save_cache(cache_file: Path, data: dict[str, object]) -> None:
    """Write the cache atomically, so that an interrupted check never leaves half a file."""
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(cache_file, json.dumps(data, indent=1, sort_keys=True))
