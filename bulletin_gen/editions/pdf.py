"""The print edition: each issue -> print HTML (theme/templates/print.html) -> PDF by WeasyPrint.

WeasyPrint is an optional extra with system libraries (Pango) of its own, so it is imported
inside `load_weasyprint`; when it is missing, the build goes on without PDFs and says what to
install. The PDF never reaches the network: the fetcher serves only the site's own files
(issue assets, the theme's and the site's static files). The dates a PDF carries are the
issue's date, so the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import html
import mimetypes
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jinja2 import Environment

from ..errors import BulletinError, Location, Problems
from ..i18n import direction_of, missing_font
from ..layout import edition_files
from ..links import files_named
from ..markdown import Attrs, rewrite_start_tags, shows_its_target
from ..model import PRINT_WIDTH, Issue, Site
from ..render import PagePlan, render_page
from ..templates import THEME_STATIC
from ..write import static_copies

PRINT_TEMPLATE = "print.html"
PDF_WEIGHT = 32  # a PDF takes about as long as 32 web pages: a worker's chunk of its own
# Where the print HTML pretends to live when the site has no base_url: links in the PDF need an
# absolute URL, and a fixed one keeps the bytes the same from one machine to the next.
LOCAL_ROOT = "http://localhost/"
INSTALL_HINT = (
    "install WeasyPrint and its system libraries: pip install 'bulletin-gen[pdf]' and, on "
    "Debian or Ubuntu, apt-get install libpango-1.0-0 libpangoft2-1.0-0 (see "
    "https://doc.courtbouillon.org/weasyprint/stable/first_steps.html); or skip the print "
    "edition with --no-pdf or 'pdf: {enabled: false}' in bulletin.yaml"
)
_LINK = re.compile(r'<a href="([^"]*)"([^>]*)>(.*?)</a>', re.S)  # links do not nest
_TAG = re.compile(r"<[^>]*>")
_ISOLATE = re.compile(r"<bdi>([^<]*)</bdi>")  # a name, tag or address (templates.isolate)
# White space just before the start tag of an inline element of running text (not code: a
# monospace space is wider).
# Not into an element that draws on its text (a line through <s> and <del>, under <u>, <ins>
# and <abbr>, a <mark>'s background) or starts with a mark (<q>'s quotation mark): the space
# would be struck through, underlined or quoted.
_SPACE_BEFORE_INLINE = re.compile(
    r"([ \t\n]+)(<(?:a|b|cite|em|i|small|span|strong|sub|sup|time)\b[^>]*>)")


class PdfUnavailable(BulletinError):
    """WeasyPrint or the system libraries it needs cannot be loaded."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"cannot write the print edition: {reason}. To fix it, {INSTALL_HINT}.")
        self.reason = reason


def load_weasyprint() -> Any:
    """The weasyprint module; `PdfUnavailable` names what is missing when it cannot load."""
    try:
        import weasyprint  # type: ignore[import-untyped]
    except ImportError as error:
        raise PdfUnavailable(f"WeasyPrint is not installed ({error})") from None
    except OSError as error:  # WeasyPrint is there, but Pango or another library is not
        raise PdfUnavailable(f"a system library WeasyPrint needs is missing ({error})") from None
    if not hasattr(weasyprint, "URLFetcher"):
        raise PdfUnavailable(f"WeasyPrint {weasyprint.__version__} is too old (68 or later "
                             "is needed)")
    return weasyprint


def pdf_path(issue: Issue) -> str:
    """Where an issue's PDF goes in the output: 'issues/<issue>/<issue>.pdf'."""
    return edition_files(issue.url, issue.slug)[0]


def pdf_plans(site_dir: Path, site: Site, problems: Problems, lay_out: bool = True,
              pictures: Mapping[str, Path] | None = None) -> list[PagePlan]:
    """The plan of every issue's PDF; raises `PdfUnavailable` when WeasyPrint cannot be
    loaded. A language no installed font can print is a warning. Without `lay_out`, the plan
    of its print HTML alone (`bulletin check`, which renders every template and writes
    nothing, and need not wait seconds an issue for WeasyPrint). `pictures`: the copies of
    the site's images (images.image_files), by site path, which the print HTML shows."""
    if not lay_out:  # `check`: what a PDF would leave out, found in the model instead
        for issue in site.issues:
            _warn_left_out(issue, _remote_pictures(issue), problems, site_dir)
        return [print_plan(site, issue) for issue in site.issues]
    weasyprint = load_weasyprint()
    files = site_files(site_dir, site, pictures)  # the same for every issue: listed once
    warn_missing_fonts(site, site.issues, problems)
    folders = by_folder(files)
    return [pdf_plan(weasyprint, files, issue_reads(folders, issue), site, issue, site_dir)
            for issue in site.issues]


FilesByFolder = dict[str, list[tuple[str, Path]]]


def by_folder(files: Mapping[str, Path]) -> FilesByFolder:
    """`files` (site path -> file) by the issue's folder they are in ('issues/x/'), the
    theme's and the site's own under ''; made once for all the issues' `issue_reads`."""
    folders: FilesByFolder = {}
    for path, file in files.items():
        folders.setdefault(_issue_folder(path), []).append((path, file))
    return folders


def _issue_folder(path: str) -> str:
    first, _, rest = path.partition("/")
    return f"issues/{rest.partition('/')[0]}/" if first == "issues" and "/" in rest else ""


# What no print layout loads (WeasyPrint is served any file of the site, and a stylesheet may
# name a picture or font of any format): texts, data, documents and media. A file of these
# added to static/ or beside an issue's texts made its PDFs again.
NOT_PRINTED = frozenset((".txt", ".md", ".markdown", ".yaml", ".yml", ".json", ".csv", ".xml",
                         ".html", ".htm", ".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx",
                         ".ods", ".ppt", ".pptx", ".odp", ".rtf", ".zip", ".gz", ".tar",
                         ".7z", ".mp3", ".mp4", ".m4a", ".mov", ".webm", ".ogg", ".wav",
                         ".epub", ".ics", ".vcf", ".po", ".mo"))


def issue_reads(folders: FilesByFolder, issue: Issue) -> tuple[Path, ...]:
    """The files (`by_folder`) that the PDF of `issue` may load: the theme's and the site's
    own and those of its issue's folder, but those no print layout loads (`NOT_PRINTED`), and
    of the other issues' folders those it shows or links to, with their copies. Not every
    file: a picture added to one issue made every PDF again. Only the folders it names are
    looked through: every file for every issue took 1.8 s at 600 issues of 20 files each."""
    named = {url for _, fragment in issue.fragments() for url in files_named(fragment)}
    named |= {image.url for image in (issue.image, *(item.image for item in issue.items))
              if image}
    stems = tuple(f"{url.rpartition('.')[0]}." for url in named)  # and copies: 'map.800w.png'
    chosen = {file for path, file in (*folders.get("", ()), *folders.get(issue.url, ()))
              if os.path.splitext(path)[1].lower() not in NOT_PRINTED}
    for folder in {_issue_folder(url) for url in named} - {"", issue.url}:
        chosen.update(file for path, file in folders.get(folder, ())
                      if path in named or path.startswith(stems))
    return tuple(sorted(chosen))


def pdf_plan(weasyprint: Any, files: dict[str, Path], reads: tuple[Path, ...], site: Site,
             issue: Issue, site_dir: Path | None = None) -> PagePlan:
    """The print HTML of `issue`, laid out by WeasyPrint, which may load any of `files`
    (`site_dir`: where its sources are, whose lines a warning names)."""
    # Paper cannot follow a link: one to a page of the site is written whole (base_url), so
    # that print.css can print its address, as it does an outside link's; one to an item of
    # this issue leads to it in the document, and prints its page (templates.local_filter).
    plan = print_plan(site, issue, weasyprint.__version__)
    return PagePlan(plan.path, plan.url, plan.template, plan.context,
                    finish=partial(_finish_pdf, weasyprint, files, site, issue, site_dir),
                    reads=reads,
                    weight=PDF_WEIGHT)


def print_plan(site: Site, issue: Issue, weasyprint_version: str = "") -> PagePlan:
    """The print HTML of `issue`, before WeasyPrint lays it out (whose version its context
    names: a PDF is made again by another)."""
    return PagePlan(pdf_path(issue), issue.url, PRINT_TEMPLATE,
                    {"issue": issue, "weasyprint": weasyprint_version,
                     "link_base": site.config.base_url,
                     "items_held": {item.url: item.anchor for item in issue.items}})


def issue_pdf(site_dir: Path, site: Site, env: Environment, issue: Issue,
              problems: Problems, pictures: Mapping[str, Path] | None = None) -> bytes:
    """One issue's PDF; raises `PdfUnavailable` when WeasyPrint cannot be loaded.
    `pictures`: as for `pdf_plans`."""
    warn_missing_fonts(site, (issue,), problems)
    files = site_files(site_dir, site, pictures)
    plan = pdf_plan(load_weasyprint(), files, (), site, issue, site_dir)
    made = render_page(env, site, plan)
    problems.warnings.extend(made.warnings)
    return made.data


def _finish_pdf(weasyprint: Any, files: dict[str, Path], site: Site, issue: Issue,
                site_dir: Path | None, page: str, problems: Problems) -> bytes:
    """Lay out the print HTML `page`; each file the PDF had to leave out (an image on another
    site) is a warning."""
    data, left_out = _write_pdf(weasyprint, files, site, issue,
                                 spaces_into_inlines(mark_bare_links(directed_isolates(page))))
    _warn_left_out(issue, left_out, problems, site_dir, site.config.base_url or LOCAL_ROOT)
    return data


def _write_pdf(weasyprint: Any, files: dict[str, Path], site: Site, issue: Issue,
               page: str) -> tuple[bytes, list[str]]:
    """The PDF of the print HTML `page`, and the URLs it had to leave out."""
    root = site.config.base_url or LOCAL_ROOT
    refused: list[str] = []
    fetcher = site_fetcher(weasyprint, root, files, refused)
    document = weasyprint.HTML(string=page, base_url=root + issue.url, url_fetcher=fetcher)
    with source_date(issue.date):
        # Tagged for screen readers; no file identifier, which would be random otherwise; and
        # the size an editor gives a picture (`<img width="90">`) kept, as on the web.
        data: bytes = document.write_pdf(pdf_tags=True, pdf_identifier=False,
                                         presentational_hints=True)
    return data, sorted(set(refused))


def warn_missing_fonts(site: Site, issues: Iterable[Issue], problems: Problems) -> None:
    """A warning for each language of the issues (theirs, or their items') that no installed
    font writes: its PDF would print empty boxes. Said once, where the language first appears."""
    seen: set[str] = set()
    for issue in issues:
        languages = [(issue.lang or site.config.language, issue.source)]
        languages += [(item.lang, item.source) for item in issue.items if item.lang]
        for lang, source in languages:
            if lang not in seen:
                seen.add(lang)
                if message := missing_font(lang):
                    problems.warn(Location(source), message)


def _warn_left_out(issue: Issue, left_out: list[str], problems: Problems,
                   site_dir: Path | None = None, root: str = LOCAL_ROOT) -> None:
    """A warning for each address the PDF left out, at the item that shows it and the line
    that writes it (a single-file issue's items share one file). One of the site's own that
    no text shows is a template's, misspelt: a file of static/ it names, say."""
    for url in left_out:
        source = next((item.source for item in issue.items if html.escape(url) in item.html
                       or (item.image and item.image.url == url)), None)
        if source is None and url.startswith(root):
            problems.warn(Location("templates/"), f"the print edition found no file at "
                          f"{url.removeprefix(root)}, which a template names",
                          "check the name against the files of static/, which a template "
                          "links as {{ 'brand.css' | url }}, and the theme's assets/")
            continue
        source = source or issue.source
        problems.warn(Location(source, _line_of(site_dir / source, url) if site_dir else 0),
                      f"the print edition leaves out {url}: a PDF "
                      "loads only the site's own files, never from the network",
                      "save the file in the issue's folder and link to it by its path")


def _remote_pictures(issue: Issue) -> list[str]:
    """The pictures on other sites that the issue's PDF would show, which it leaves out: its
    items' `image:`s and those their texts place."""
    found = {item.image.url for item in issue.items
             if item.image and item.image.url.startswith(("https://", "http://"))}

    def note(tag: str, attrs: Attrs) -> None:  # reads the tags, changes none
        src = dict(attrs).get("src") or "" if tag == "img" else ""
        if src.startswith(("https://", "http://")):
            found.add(src)

    for _, fragment in issue.fragments():
        if "<img" in fragment:
            rewrite_start_tags(fragment, note)
    return sorted(found)


def _line_of(path: Path, text: str) -> int:
    """The first line of the file at `path` that holds `text`; 0 when none does."""
    try:
        lines = path.read_text("utf-8", errors="replace").split("\n")
    except OSError:
        return 0
    return next((number for number, line in enumerate(lines, start=1) if text in line), 0)


@contextmanager
def source_date(day: dt.date) -> Iterator[None]:
    """Set SOURCE_DATE_EPOCH to `day` while a PDF is written, unless the caller set it: without
    HarfBuzz-subset, WeasyPrint subsets fonts with fontTools, which stamps each font with the
    current time otherwise, and the bytes would change from one build to the next."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    moment = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))
    try:
        yield
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]


def spaces_into_inlines(text: str) -> str:
    """Move the white space before an inline element's start tag inside it ("funded <strong>Civil"
    -> "funded<strong> Civil"): the same text, but no run of text then ends in a space before an
    element. WeasyPrint (70) breaks such a run after its first word when the run fits a line
    only without its last space ("June" alone on a line, then "marks the final month of ..."),
    which in two narrow columns happens to about one paragraph in twenty."""
    return _SPACE_BEFORE_INLINE.sub(r"\2\1", text)


def directed_isolates(text: str) -> str:
    """Give each <bdi> the direction of its text, as browsers do ("#rivers" -> <bdi dir="ltr">):
    WeasyPrint (70) knows no dir="auto", and lays out an element without a direction of its own
    in its parent's, so that in an Arabic issue a tag printed "rivers#" and an address
    "/https://example.org/ar"."""

    def direct(match: re.Match[str]) -> str:
        direction = direction_of(html.unescape(match.group(1)))
        return f'<bdi dir="{direction}">{match.group(1)}</bdi>' if direction else match.group(0)

    return _ISOLATE.sub(direct, text)


def mark_bare_links(text: str) -> str:
    """Give class 'bare' to links whose text already shows their target, so print CSS does not
    print the URL a second time: the templates' (the Markdown's have it already). A mail link
    that does not gets its address (without 'mailto:') in `data-address`, for print CSS."""

    def mark(match: re.Match[str]) -> str:
        href, rest, label = match.group(1), match.group(2), match.group(3)
        target, shown = html.unescape(href), html.unescape(_TAG.sub("", label)).strip()
        shows = shows_its_target(target, shown)
        if shows and "class=" not in rest:
            return f'<a href="{href}" class="bare"{rest}>{label}</a>'
        if not shows and target.startswith("mailto:") and "data-address=" not in rest:
            address = html.escape(target.removeprefix("mailto:").partition("?")[0])
            return f'<a href="{href}" data-address="{address}"{rest}>{label}</a>'
        return match.group(0)

    return _LINK.sub(mark, text)


def site_files(site_dir: Path, site: Site,
               pictures: Mapping[str, Path] | None = None) -> dict[str, Path]:
    """Site path -> file, for every file the print HTML may load: theme assets, site static
    files, issue assets and the copies of their pictures (the later ones win, as in the
    output folder: a photo's copy without its camera's metadata stands in its place)."""
    # The lists the build copies, so that a symbolic link leading out of static/ is refused
    # here as there (`bulletin pdf` once embedded the file it led to).
    copies = static_copies(THEME_STATIC, "assets/") + static_copies(site_dir / "static")
    files = {copy.path: Path(copy.source) for copy in copies}
    files.update({asset.url: asset.source for issue in site.issues for asset in issue.assets})
    files.update(pictures or {})
    # A picture a text places is read at the print copy's size, as an `image:` is shown:
    # a phone's photo of 6000 pixels made a PDF of 19 MB.
    files.update({image.url: files[image.at(PRINT_WIDTH)] for issue in site.issues
                  for image in issue.pictures if image.at(PRINT_WIDTH) in files})
    return files


def site_fetcher(weasyprint: Any, root: str, files: dict[str, Path], refused: list[str]) -> Any:
    """A WeasyPrint URL fetcher that serves the site's own files and refuses everything else
    (noting it in `refused`), so a PDF never depends on the network."""

    class SiteFetcher(weasyprint.URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            site_path = unquote(urlsplit(url).path).removeprefix(urlsplit(root).path)
            if not url.startswith(root) or site_path not in files:
                refused.append(url)
                raise ValueError(f"not part of the site, so not fetched for the PDF: {url}")
            kind = mimetypes.guess_type(site_path)[0] or "application/octet-stream"
            return weasyprint.urls.URLFetcherResponse(
                url, files[site_path].read_bytes(), {"Content-Type": kind})

    return SiteFetcher()
