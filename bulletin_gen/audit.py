"""`bulletin check`: every finding about a site, with its file and line, for people and for CI.

It validates the content (the build's own stages), renders every page in memory, and then looks
at the result as a reader would: links and anchors inside the site, images without alt text,
sections with nothing under their heading, items with no text, and (when asked) external links.
A finding in rendered HTML is traced back to the source file that holds the offending text; what
no source holds comes from a template and names the page instead.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .build import Progress
from .console import drafts_left_out, plural
from .content import MARKDOWN_SUFFIXES, YAML_SUFFIXES, read_text
from .errors import ContentError, Problem, Problems, closest
from .images import copy_paths
from .languages import TEXTLESS, language_sites
from .layout import CONFIG_FILE, edition_files
from .linkcheck import (
    Link,
    LinkStatus,
    PageScan,
    check_external,
    external_urls,
    internal_problems,
    names_server,
    scan_page,
)
from .links import item_slug
from .markdown import ALT_ATTRIBUTE, NO_ALT, shown_src, srcs_without_alt
from .model import Site
from .pipeline import RenderedSite, render_in_memory
from .render import Artifact
from .search import UI_FILES
from .validate import UNWRITTEN

LINK_CACHE = Path(".bulletin-cache") / "links.json"
_CONTENT_TAGS = {"img", "table", "hr", "iframe", "video", "audio", "pre", "figure", "svg"}
# A character that would make an address (or a word) longer, before it or after it: '…/report'
# is not written in '…/report-2025', nor '#part' in '01-lead.md#part'. Punctuation after it
# ends a sentence, a Markdown link or a quoted value, unless more of an address follows ('.pdf').
# The files a link to another item names: its Markdown, or a briefs file's YAML.
_LINKED_FILE = "|".join(suffix[1:] for suffix in (*MARKDOWN_SUFFIXES, *YAML_SUFFIXES))
_LONGER_BEFORE = r"(?<![\w/%~=&+@.:#-])"
_LONGER_AFTER = r"(?![.,:;!?*'$()]*[\w/%~=&+@-])"


@dataclass(frozen=True, order=True)
class Finding:
    """One thing `check` found: where, what kind, how serious, and what would be right."""

    path: str
    line: int
    kind: str  # content | broken-link | missing-anchor | missing-alt | empty-section | external
    severity: str  # error | warning
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.severity}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


@dataclass(frozen=True)
class Audit:
    """Everything `check` found, and the answer for each external URL when asked."""

    findings: tuple[Finding, ...]
    external: tuple[LinkStatus, ...] = ()
    issues: int = 0
    pages: int = 0
    drafts: int = 0  # draft issues left out (`--drafts` checks them)
    # The content's errors stopped the check before any page was rendered, so the pages
    # and their links were not looked at.
    stopped: bool = False

    def failed(self, strict: bool = False) -> bool:
        return any(f.severity == "error" or strict for f in self.findings)

    def as_json(self, strict: bool = False) -> dict[str, Any]:
        """The report for scripts: stable keys, findings sorted by file and line."""
        return {
            "ok": not self.failed(strict),
            "issues": self.issues,
            "pages": self.pages,
            "drafts_left_out": self.drafts,
            "errors": sum(f.severity == "error" for f in self.findings),
            "warnings": sum(f.severity == "warning" for f in self.findings),
            "findings": [asdict(f) for f in self.findings],
            "external": [asdict(s) for s in self.external],
        }


def audit_site(site_dir: Path, external: bool = False, strict: bool = False,
               timeout: float = 10.0, drafts: bool = False,
               progress: Progress | None = None) -> Audit:
    """Check `site_dir` without writing the site; only the external-link cache is written.
    `progress('render', done, total)` is told of each page rendered and read. `strict` says
    every warning as an error; it stops the check no sooner, so that it finds as much.

    Drafts are left out unless asked for, exactly as `bulletin build` does, so that a link from
    a published item into a draft is found here too.
    """
    audit = _audit(site_dir, external, timeout, drafts, progress)
    if not strict:
        return audit
    return replace(audit, findings=tuple(replace(finding, severity="error")
                                         for finding in audit.findings))


def _audit(site_dir: Path, external: bool, timeout: float, drafts: bool,
           progress: Progress | None) -> Audit:
    try:
        rendered = render_in_memory(site_dir, _read_page, drafts=drafts, progress=progress)
    except ContentError as error:
        findings = [_from_problem(p, "error") for p in error.problems]
        findings += [_from_problem(w, "warning") for w in error.warnings]
        return Audit(_in_file_order(findings), stopped=True)
    site = rendered.site
    scans = [scan for scan in rendered.pages if scan is not None]
    tracer = Tracer(site_dir, site, rendered)
    findings = [_from_problem(p, "warning") for p in rendered.problems.warnings]
    findings += _said_once(_link_findings(scans, rendered, tracer))
    findings += _alt_findings(scans, site, tracer)
    # A file still the skeleton of `bulletin new`, or a translation that gives no text, was
    # warned of as it was read: once is enough.
    unwritten = {problem.location.path for problem in rendered.problems.warnings
                 if problem.message.endswith((UNWRITTEN, TEXTLESS))}
    findings += [finding for finding in _empty_findings(site, tracer)
                 if not (finding.path in unwritten and finding.message.endswith("has no text"))]
    statuses: list[LinkStatus] = []
    if external:
        used = external_urls(scans, site.config.base_url)
        statuses = check_external(used, site_dir / LINK_CACHE, timeout=timeout)
        for status in statuses:
            if not status.ok:
                what = status.status or status.error
                findings += tracer.findings(used[status.url][0], status.url, "external",
                                            "error", f"external link fails ({what}): "
                                            f"{status.url}", "fix or remove the link")
    return Audit(_in_file_order(findings), tuple(statuses), len(site.issues),
                 len(rendered.plans), site.drafts_left_out)


def _in_file_order(findings: list[Finding]) -> tuple[Finding, ...]:
    """Each finding once, by file and line; on one line in the order found, as it reads."""
    return tuple(sorted(dict.fromkeys(findings), key=lambda found: (found.path, found.line)))


def _from_problem(problem: Problem, severity: str) -> Finding:
    # Loading finds the images without alt text (it knows their line): the same kind as the
    # rendered pages' own, for the scripts that read --format json.
    kind = "missing-alt" if problem.message.startswith(NO_ALT) else "content"
    return Finding(problem.location.path, problem.location.line, kind, severity,
                   problem.message, problem.hint)


class Tracer:
    """Finds the source file and line behind something seen in a rendered page."""

    def __init__(self, site_dir: Path, site: Site, rendered: RenderedSite[PageScan | None]) -> None:
        self.texts: dict[str, list[str]] = {}
        sources: list[str] = []
        # The files whose texts each page shows: a link seen on a translation's page is
        # looked for in the translation first, not in the original that says the same.
        # Any other page of a language (a tag's, which shows briefs) shows that language's.
        self.shown: dict[str, list[str]] = {}
        self.in_language: dict[str, list[str]] = {}  # by the language's prefix ('es/')
        for each in language_sites(site):  # a finding in a translation names its file
            own = self.in_language[each.prefix] = []
            for issue in each.issues:
                items = [item.source for item in issue.items]
                self.shown[f"{issue.url}index.html"] = [issue.source, *items]
                self.shown.update((f"{item.url}index.html", [item.source])
                                  for item in issue.items)
                own += [issue.source, *items]
            self.shown.update((f"{page.url}index.html", [page.source]) for page in each.pages)
            own += [page.source for page in each.pages]
            sources += own
        sources.append(CONFIG_FILE)  # organisation.url and the like are on every page
        for rel in dict.fromkeys(sources):
            text = read_text(site_dir / rel, rel, Problems())
            self.texts[rel] = (text or "").split("\n")
        self.templates = {plan.path: plan.template for plan in rendered.plans}

    def locate(self, needle: str, only: str = "") -> tuple[str, int] | None:
        """The first source file (or line of `only`) where `needle` is written whole."""
        return next(self._places(needle, only), None)

    def _places(self, needle: str, only: str = "") -> Iterator[tuple[str, int]]:
        forms, written = _written(needle)
        for rel, lines in self.texts.items():
            if only and rel != only:
                continue
            for number, line in enumerate(lines, start=1):
                # The pattern only matches a line holding one of its forms: looking for them
                # first spares the pattern's lookarounds most lines (15x faster on the weekly).
                if any(form in line for form in forms) and written.search(line):
                    yield rel, number

    def written_anchor(self, url: str) -> tuple[str, str] | None:
        """The anchor of a link to another item or page as its editor wrote it
        ('01-lead.md#part', '02-briefs.yaml#3', 'about.md#team'), and the message naming it,
        for a rendered `url` ('../lead/#lead-part'): the build puts the target item's slug,
        the last part of its path, before every heading id, so the rendered one is found in no
        source. None for a link to an anchor of its own page, whose fragment is as written
        (another link's anchor may end the same way)."""
        fragment = unquote(url).partition("#")[2]
        slug = _linked_slug(url)
        if not slug:
            return None
        # A page's ids are as written: its anchor is taken only from a link to its own file.
        of_item = fragment.startswith(f"{slug}-")
        candidate = fragment[len(slug) + 1:] if of_item else fragment
        pattern = re.compile(rf"\(<?([^()\s<>]*\.(?:{_LINKED_FILE}))#{re.escape(candidate)}[)>\s]")
        written = [match.group(1) for lines in self.texts.values() for line in lines
                   for match in pattern.finditer(line)]
        # Links to two items with the same wrong anchor: each names the file of its own item.
        mine = [name for name in written if item_slug(Path(name)) == slug]
        name = next(iter(mine or (written if of_item else [])), None)
        if name is None:
            return None
        return (f"{name}#{candidate}",
                f"link to a missing anchor #{candidate} in {posixpath.basename(name)}")

    def findings(self, link: Link, needle: str, kind: str, severity: str, message: str,
                 hint: str = "") -> list[Finding]:
        """Findings at the sources holding `needle`, or else one at the page and its template.

        An address that names its server leads to the same place from every page, so each
        line that writes it is named, as a compiler names each use. A relative link or an
        anchor may lead elsewhere from another page: only its first line is named.
        """
        if names_server(needle):
            places = list(self._places(needle))
        else:
            shown = (self.locate(needle, only=rel) for rel in self._shown_on(link.page))
            found = (next(filter(None, shown), None) or self.locate(needle)) if needle else None
            places = [found] if found else []
        if not places:
            return [self.on_page(link, kind, severity, message, hint)]
        return [Finding(path, line, kind, severity, message, hint) for path, line in places]

    def language_of(self, page: str) -> str:
        """' on the 'es' pages' for a page of a translation, whose texts (a translated briefs
        file of fewer briefs) may lack what the original's have; '' for the main language's."""
        prefix = self._prefix(page)
        return f" on the '{prefix[:-1]}' pages" if prefix else ""

    def _shown_on(self, page: str) -> list[str]:
        """The source files whose texts the page at `page` may show, the likeliest first."""
        return self.shown.get(page) or self.in_language.get(self._prefix(page), [])

    def _prefix(self, page: str) -> str:
        """The folder of the translation a page is of ('es/'); '' for the main language's."""
        prefix = page.partition("/")[0] + "/"
        return prefix if prefix in self.in_language else ""

    def on_page(self, link: Link, kind: str, severity: str, message: str,
                hint: str = "") -> Finding:
        """A finding at the rendered page, naming the template that made it."""
        template = self.templates.get(link.page, "a template")
        return Finding(link.page, link.line, kind, severity, message,
                       f"{hint}; it comes from {template}" if hint else
                       f"it comes from {template}")


def _said_once(findings: list[Finding]) -> list[Finding]:
    """`findings` with one a template wrote on many pages said once, at the first, with the
    count of the others (a stylesheet missing from base.html was an error on every page); its
    address is the same but for the way up to the site's root ('../../style.css')."""
    kept: dict[tuple[str, str, str], list[Finding]] = {}
    said: list[Finding] = []
    for finding in findings:
        if "it comes from" not in finding.hint:
            said.append(finding)
            continue
        key = (finding.kind, finding.severity, _UP.sub("", finding.message))
        if key not in kept:
            kept[key] = []
            said.append(finding)
        kept[key].append(finding)
    return [_with_others(finding, kept) for finding in said]


def _with_others(finding: Finding, kept: dict[tuple[str, str, str], list[Finding]]) -> Finding:
    same = kept.get((finding.kind, finding.severity, _UP.sub("", finding.message)), [finding])
    if len(same) < 2 or same[0] is not finding:
        return finding
    return replace(finding, hint=f"{finding.hint}, and on {plural(len(same) - 1, 'other page')}")


_UP = re.compile(r"(?<![\w.])(\.\./)+")


def _written(needle: str) -> tuple[tuple[str, ...], re.Pattern[str]]:
    """The forms of `needle`, and a pattern of them as a whole, not as a part of a longer
    address or word: an address also as its editor spelt it, which Markdown percent-encodes
    in the page ('año' as 'a%C3%B1o')."""
    forms = tuple(dict.fromkeys((needle, unquote(needle))))
    pattern = "|".join(re.escape(form) for form in forms)
    return forms, re.compile(f"{_LONGER_BEFORE}(?:{pattern}){_LONGER_AFTER}")


def _link_findings(scans: list[PageScan], rendered: RenderedSite[PageScan | None],
                   tracer: Tracer) -> list[Finding]:
    files = {plan.path for plan in rendered.plans} | {c.path for c in rendered.copies}
    if rendered.site.config.search.enabled:
        files |= set(UI_FILES)
    files |= copy_paths(rendered.site)
    # The editions are not rendered by check (PDFs are slow); PRODUCT.md fixes their names.
    for issue in (issue for each in language_sites(rendered.site) for issue in each.issues):
        files |= set(edition_files(issue.url, issue.slug))
    findings = []
    base_url = rendered.site.config.base_url
    for problem in internal_problems(scans, files, base_url):
        url = problem.link.url
        anchor = "#" in url and "anchor" in problem.message
        needle = "#" + url.split("#", 1)[1] if anchor else url
        message, hint = problem.message, ("the address starts at the server's root; check the name"
                                          if url.startswith("/") else
                                          "the address is relative to the page; check the name")
        if anchor:
            hint = "an anchor is the id of a heading or element on the page it links to"
            written = tracer.written_anchor(url)
            if written:
                needle, message = written
                message += tracer.language_of(problem.link.page)
                target, _, fragment = needle.partition("#")
                if target.endswith(YAML_SUFFIXES) and fragment.isdigit():
                    hint = f"a brief's number is its place in the file: {target}#1 for the first"
                elif near := _near_anchor(fragment, problem.ids, _linked_slug(url)):
                    hint = f"did you mean {target}#{near}?"
                elif target.endswith(YAML_SUFFIXES):  # a briefs file: its briefs' id or number
                    hint = (f"a brief's anchor is its id, or its number in the file: "
                            f"{target}#1 for the first")
            else:  # '#part' of its own text: the ids there begin with its item's slug
                for finding in tracer.findings(problem.link, needle, "missing-anchor", "error",
                                               message, hint):
                    source = finding.path.endswith((*MARKDOWN_SUFFIXES, *YAML_SUFFIXES))
                    near = _near_anchor(needle[1:], problem.ids,
                                        item_slug(Path(finding.path))) if source else ""
                    findings.append(replace(finding, hint=f"did you mean #{near}?") if near
                                    else finding)  # a template's keeps the template named
                continue
        elif base_url and url.startswith(base_url):
            message = f"link to a page the site does not have: {url}"
            hint = f"the address is under base_url ({base_url}); check the page's path"
        findings += tracer.findings(problem.link, needle,
                                    "missing-anchor" if anchor else "broken-link", "error",
                                    message, hint)
    return findings


def _near_anchor(fragment: str, ids: Iterable[str], slug: str) -> str:
    """The id of the item `slug`'s text closest to the `fragment` an editor wrote, as written:
    without the slug, which the build puts before each id of an item's text (the theme's ids,
    another item's, are no answer)."""
    written = [each.removeprefix(f"{slug}-") for each in ids if each.startswith(f"{slug}-")]
    return closest(unquote(fragment), written)


def _linked_slug(url: str) -> str:
    """The slug of the item a rendered link leads to: the last part of its page's path."""
    return unquote(url).partition("#")[0].rstrip("/").rpartition("/")[2]


def _alt_findings(scans: list[PageScan], site: Site, tracer: Tracer) -> list[Finding]:
    """The templates' images with no alt attribute at all, at their page. The text's (raw
    HTML's <img>, Markdown's `![](file)`) and an `image:` without `image_alt:` loading has
    reported at their own line; an empty alt="" is a template's decoration, marked so on
    purpose."""
    written = srcs_without_alt(html for each in language_sites(site)
                               for _, html in each.fragments())
    findings = []
    for scan in scans:
        for image in scan.images:
            if image.hidden or image.alt is not None or shown_src(image.src) in written:
                continue
            name = posixpath.basename(image.src.split("?")[0])
            link = Link(image.page, image.src, image.line, "img")
            findings.append(tracer.on_page(link, "missing-alt", "warning", f"{NO_ALT}: {name}",
                                           ALT_ATTRIBUTE))
    return findings


def _empty_findings(site: Site, tracer: Tracer) -> list[Finding]:
    """Items with no text, and headings with nothing under them, in what editors wrote."""
    findings: list[Finding] = []

    def has_text(source: str, html: str) -> bool:
        """Note the fragment's empty headings; say whether it has any text at all."""
        events = _outline(html)
        findings.extend(_empty_at(tracer, source, heading, "empty-section",
                                  f"heading '{heading}' has nothing under it")
                        for heading in _empty_headings(events))
        return any(level == 0 for level, _ in events)

    for issue in (issue for each in language_sites(site) for issue in each.issues):
        for item in issue.items:
            for brief in item.briefs:
                has_text(item.source, brief.html)
            if item.kind == "briefs":
                continue
            sections = item.roundtable.sections if item.roundtable else ()
            if not has_text(item.source, item.html) and not sections:  # sections say their own
                # in a single-file issue the item is a '## ' section of the issue's file
                needle = f"## {item.title}" if item.source == issue.source else item.title
                findings.append(_empty_at(tracer, item.source, needle, "empty-section",
                                          f"item '{item.title}' has no text"))
            for section in sections:
                if not has_text(item.source, section.html):
                    findings.append(_empty_at(tracer, item.source, f"## {section.title}",
                                              "empty-section",
                                              f"section '{section.title}' has no text"))
    for page in (page for each in language_sites(site) for page in each.pages):
        if not has_text(page.source, page.html):
            findings.append(_empty_at(tracer, page.source, "", "empty-section",
                                      f"page '{page.title}' has no text"))
    return findings


def _empty_at(tracer: Tracer, source: str, needle: str, kind: str, message: str) -> Finding:
    found = tracer.locate(needle, only=source) if needle else None
    return Finding(source, found[1] if found else 0, kind, "warning", message,
                   "write something or remove it")


class _Outline(HTMLParser):
    """Headings and whether anything but headings follows each one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[int, str]] = []  # (level, heading text); level 0 = content
        self.heading: list[str] | None = None
        self.level = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.heading, self.level = [], int(tag[1])
        elif tag in _CONTENT_TAGS and self.heading is None:
            self.events.append((0, ""))

    def handle_endtag(self, tag: str) -> None:
        if self.heading is not None and tag == f"h{self.level}":
            self.events.append((self.level, " ".join("".join(self.heading).split())))
            self.heading = None

    def handle_data(self, data: str) -> None:
        if self.heading is not None:
            self.heading.append(data)
        elif data.strip():
            self.events.append((0, ""))


def _outline(html: str) -> list[tuple[int, str]]:
    """The fragment's headings (level, text) and its content (0, '') in document order."""
    outline = _Outline()
    outline.feed(html)
    outline.close()
    return outline.events


def empty_headings(html: str) -> list[str]:
    """Headings followed by a heading of the same or a higher level, or by nothing at all."""
    return _empty_headings(_outline(html))


def _empty_headings(events: list[tuple[int, str]]) -> list[str]:
    empty = []
    for index, (level, text) in enumerate(events):
        if not level:
            continue
        following = next((lvl for lvl, _ in events[index + 1:] if lvl == 0 or lvl <= level),
                         None)
        if following is None or following != 0:
            empty.append(text)
    return empty


def format_text(audit: Audit) -> list[str]:
    """One line per finding, for people."""
    return [str(finding) for finding in audit.findings]


def format_external(audit: Audit) -> list[str]:
    """The status of each external URL: '200 https://...', 'ERR https://... (reason)'."""
    lines = []
    for status in audit.external:
        code = str(status.status) if status.status else "ERR"
        note = f" ({status.error})" if status.error else " (cached)" if status.cached else ""
        lines.append(f"{code:>3} {status.url}{note}")
    return lines


def _read_page(page: Artifact) -> PageScan | None:
    """What a check keeps of a rendered page: the ids, links and images of an HTML one (read
    in the worker that rendered it, the page's bytes left there)."""
    if not page.path.endswith(".html"):
        return None
    return scan_page(page.path, page.data.decode("utf-8"))


def check_summary(audit: Audit) -> str:
    """'No problems found in 3 issues (41 pages).' or the count of errors and warnings."""
    pages = f"{plural(audit.issues, 'issue')} ({plural(audit.pages, 'page')})"
    left_out = f" {drafts_left_out(audit.drafts, 'checks')}." if audit.drafts else ""
    if not audit.findings:
        return f"No problems found in {pages}.{left_out}"
    errors = sum(f.severity == "error" for f in audit.findings)
    counts = f"{plural(errors, 'error')}, {plural(len(audit.findings) - errors, 'warning')}"
    if audit.stopped:  # at the content, or at a template that could not render a page
        where = ("the templates" if all(f.path.startswith(("templates/", "theme/"))
                                        for f in audit.findings if f.severity == "error")
                 else "the content")
        return (f"Stopped at {where}: {counts}. Fix them and check again, to check the "
                "pages and their links too.")
    return f"Checked {pages}: {counts}.{left_out}"
