"""Stage 4: plan every page of the web edition, then render each one to bytes.

`plan_pages` decides what files the site has and which template and model objects each gets;
`render_page` is pure (a plan in, an `Artifact` out), so pages can be rendered in any order or
in parallel, and the result never depends on which.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, TemplateError, TemplateNotFound, TemplateSyntaxError
from markupsafe import escape

from . import config, model
from .console import plural
from .errors import ContentError, Location, Problem, Problems, did_you_mean
from .i18n import format_names, language_name
from .model import EncodedHtml, Entry, Image, Issue, Pager, Site, TermIndex
from .pool import map_chunks, split_by_weight
from .search import search_bundles
from .templates import THEME_TEMPLATES, speech_for

CHUNK = 32  # pages per task sent to a worker: enough to hide the cost of the round trip
# What one sitemap may hold (sitemaps.org), the bytes with room to spare: more go to files of
# their own, listed by a sitemap index.
SITEMAP_URLS = 50_000
SITEMAP_BYTES = 45_000_000
TEMPLATE_SUFFIXES = (".html", ".xml", ".txt")
# The template frames a RecursionError's traceback ends with that are read as a circle of
# templates: far fewer than the hundreds a circle goes round, more than one page's nesting.
CIRCLE_FRAMES = 50
T = TypeVar("T")
Finish = Callable[[str, Problems], bytes]


@dataclass(frozen=True)
class PagePlan:
    """One output file: where it goes, its URL, its template and what the template receives."""

    path: str  # relative to the output folder
    url: str  # the site path readers see ('' for the home page)
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    # An edition's step after the template (inlining CSS, laying out a PDF): the rendered text
    # in, the file's bytes out, its warnings added to the Problems it is given.
    finish: Finish | None = None
    reads: tuple[Path, ...] = ()  # files the finished file is made from besides the model
    weight: int = 1  # its cost in pages, so that a PDF is not sent to a worker with 31 others

    def with_context(self, added: dict[str, Any]) -> PagePlan:
        """This plan with `added` in its context. Not `dataclasses.replace`, which costs three
        times as much: a site in ten languages plans 35,000 pages."""
        return PagePlan(self.path, self.url, self.template, {**self.context, **added},
                        self.finish, self.reads, self.weight)


@dataclass(frozen=True)
class Artifact:
    """A finished output file: its bytes, or the file that holds them (a cached PDF), which
    is linked into the output rather than read and written again."""

    path: str
    data: bytes
    source: Path | None = None
    warnings: tuple[Problem, ...] = ()  # found while making it (an email too large to send)


@dataclass(frozen=True)
class Neighbour:
    """The issue before or after the one a page shows, as its link names it: only these, so
    that an edit of its items leaves the page alone."""

    title: str
    url: str
    date: dt.date
    number: int | None

    @classmethod
    def of(cls, issue: Issue | None) -> Neighbour | None:
        return cls(issue.title, issue.url, issue.date, issue.number) if issue else None


@dataclass(frozen=True)
class Version:
    """A page in one language, for its alternate links and the language menu."""

    language: str  # the language's code
    name: str  # the language named in itself: 'Español'
    url: str  # the page in that language, or that language's home where it has none
    exists: bool  # whether the page exists in that language, translated


class TemplateProblem(ContentError):
    """A template failed while rendering a page: said as a problem of the template, at its
    line, with the page ('templates/item.html:12: error: ... (while rendering ...)').
    `read_pages` raises one with every template's problem, each once."""

    def __init__(self, problem: Problem, *more: Problem) -> None:
        super().__init__([problem, *more])

    @property
    def problem(self) -> Problem:
        """The first page's problem (the one page's, as `render_page` raises it)."""
        return self.problems[0]

    def __reduce__(self) -> tuple[type[TemplateProblem], tuple[Problem, ...]]:
        return TemplateProblem, self.problems  # raised in a worker, given to the build


def plan_pages(site: Site) -> list[PagePlan]:
    """Every page of the web edition, in a fixed order: the main language's, then each
    translation's under its code, each page told its versions in the other languages."""
    plans = _site_plans(site, site)
    if not site.translations:
        return plans
    for translation in site.translations:
        plans.extend(_site_plans(site, translation))
    return with_versions(site, plans)


def _site_plans(main: Site, site: Site) -> list[PagePlan]:
    """The pages of one language's `site`; the sitemap is the main language's only. A
    translation's pages receive their own site, whose settings carry their language, title
    and tagline."""
    home = site.prefix
    own = {"site": site} if site is not main else {}
    issues = site.issues  # newest first
    pictures = [_pictures(issue) for issue in issues]
    plans = [
        PagePlan(f"{home}index.html", home, "index.html",
                 {"issue": site.latest, **(pictures[0] if issues else {})}),
        PagePlan(f"{home}archive/index.html", f"{home}archive/", "archive.html"),
    ]
    plans.append(PagePlan(f"{home}404.html", f"{home}404.html", "404.html",
                          {"link_base": site.config.base_path}))
    # Feeds and the sitemap are read away from the site, where only absolute addresses lead
    # back to it: without base_url they would be invalid (`<id>/</id>`), so they are left out.
    absolute = bool(site.config.base_url)
    if absolute:
        plans += [
            PagePlan(f"{home}feed.xml", f"{home}feed.xml", "feed.xml"),
            # Its title is left to the theme ('').
            _entries_feed(site, f"{home}items.xml", home, "", site_entries(site)),
        ]
    if site is main:
        if absolute:
            plans += _sitemap_plans(_sitemap(site))
        plans.append(PagePlan("robots.txt", "robots.txt", "robots.txt"))
    plans += [
        PagePlan(f"{home}tags/index.html", f"{home}tags/", "terms.html",
                 {"kind": "tags", "terms": site.tags}),
        PagePlan(f"{home}regions/index.html", f"{home}regions/", "terms.html",
                 {"kind": "regions", "terms": site.regions}),
    ]
    if site.config.search.enabled:
        plans.append(PagePlan(f"{home}search/index.html", f"{home}search/", "search.html",
                              {"bundles": search_bundles(site)}))
    heads = [Neighbour.of(issue) for issue in issues]  # each made once, hashed once
    for issue, shown, (newer, _, older) in zip(issues, pictures, _around(heads), strict=True):
        plans.append(PagePlan(f"{issue.url}index.html", issue.url, "issue.html",
                              {"issue": issue, "older": older, "newer": newer, **shown}))
        plans.extend(_item_plans(issue, shown))
    for kind, terms in (("tags", site.tags), ("regions", site.regions)):
        for index in terms:
            plans.extend(_term_plans(kind, index, site.config.per_page))
            if absolute:
                plans.append(_entries_feed(site, f"{index.url}feed.xml", index.url,
                                           f"{site.config.title}: {index.term.name}",
                                           index.entries))
    plans.extend(PagePlan(f"{page.url}index.html", page.url, "page.html", {"page": page})
                 for page in site.pages)
    return [plan.with_context(own) for plan in plans] if own else plans


def _pictures(issue: Issue) -> dict[str, dict[str, Image]]:
    """What a web page of `issue` needs to give the pictures its texts place their size
    (templates.local_filter), so that it does not move as they load. Only web pages: the
    email sizes them to its column, and paper to its own."""
    return {"pictures": {image.url: image for image in issue.pictures}} if issue.pictures else {}


def _around(sequence: Sequence[T]) -> Iterator[tuple[T | None, T, T | None]]:
    """Each of `sequence` with the one before it and the one after it (None at the ends)."""
    for position, each in enumerate(sequence):
        yield (sequence[position - 1] if position else None, each,
               sequence[position + 1] if position + 1 < len(sequence) else None)


def _item_plans(issue: Issue, pictures: dict[str, dict[str, Image]]) -> list[PagePlan]:
    plans = []
    for previous, item, following in _around(issue.items):
        plans.append(PagePlan(f"{item.url}index.html", item.url, "item.html",
                              {"issue": issue, "item": item, "previous": previous,
                               "next": following, **pictures}))
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
                    {"entries": entries[:site.config.feed_entries], "feed_title": title,
                     "feed_url": path,
                     "html_url": html_url, "link_base": site.config.base_url or "/"})


def site_entries(site: Site) -> tuple[Entry, ...]:
    """The site's news, newest issue first: each item, and each brief of a briefs file, in
    the order of its issue, up to the length of a feed (`feed_entries`)."""
    entries: list[Entry] = []
    for issue in site.issues:
        for item in issue.items:
            if item.kind == "briefs":
                entries.extend(Entry(issue, item, brief) for brief in item.briefs)
            else:
                entries.append(Entry(issue, item))
        if len(entries) >= site.config.feed_entries:
            break
    return tuple(entries[:site.config.feed_entries])


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
    """The site paths of every HTML page of one language's site, for the sitemap."""
    return list(dated_urls(site))


def dated_urls(site: Site) -> dict[str, dt.date | None]:
    """Every HTML page of one language's site, in the sitemap's order, with the date of the
    newest issue or item it shows: its `lastmod`, taken from the content, never from the
    clock. A page without a date of its own (about, search) has None."""
    home, latest = site.prefix, site.latest.date if site.latest else None
    urls: dict[str, dt.date | None] = dict.fromkeys(
        (home, f"{home}archive/", f"{home}tags/", f"{home}regions/"), latest)
    if site.config.search.enabled:
        urls[f"{home}search/"] = None
    for issue in site.issues:
        urls[issue.url] = issue.date
        urls.update((item.url, item.date) for item in issue.items)
    for index in site.tags + site.regions:
        newest = max((entry.item.date for entry in index.entries), default=None)
        urls.update(dict.fromkeys(page_urls(index.url, len(index.entries),
                                            site.config.per_page), newest))
    urls.update((page.url, None) for page in site.pages)
    return urls


def _sitemap(site: Site) -> dict[str, Any]:
    """The sitemap's context: every page of every language, the date of the newest content
    each shows, and each page's versions."""
    sites = (site, *site.translations)
    dated = [(each, dated_urls(each)) for each in sites]
    dates = {url: date for _, urls in dated for url, date in urls.items() if date}
    if not site.translations:
        return {"all_urls": list(dated[0][1]), "url_dates": dates}
    pages: list[tuple[Site, str, bool]] = []
    for each, urls in dated:
        shown = _untranslated_urls(each)
        pages += [(each, url, url not in shown) for url in urls]
    versions = _versions_by_key(sites, pages)
    # A page that shows its original untranslated names the original's page as canonical
    # (base.html): the sitemap lists that one, unless the main site leaves it out (a draft).
    listed = [(each, url) for each, url, own in pages
              if own or not versions[_key(each, url)][0].exists]
    return {"all_urls": [url for _, url in listed], "url_dates": dates,
            "url_versions": {url: versions[_key(each, url)] for each, url in listed}}


def _sitemap_plans(context: dict[str, Any]) -> list[PagePlan]:
    """sitemap.xml; past what one sitemap may hold (50,000 addresses or 50 MB), files of
    them, sitemap-1.xml ..., which sitemap.xml then lists (a sitemap index): search engines
    refuse a larger one. A page's versions in every language make its entry longer."""
    urls = context["all_urls"]
    languages = max((len(each) for each in context.get("url_versions", {}).values()), default=1)
    per_file = min(SITEMAP_URLS, SITEMAP_BYTES // (300 + 150 * languages))
    if len(urls) <= per_file:
        return [PagePlan("sitemap.xml", "sitemap.xml", "sitemap.xml", context)]
    dates, versions = context["url_dates"], context.get("url_versions")
    plans, listed = [], []
    for number, start in enumerate(range(0, len(urls), per_file), start=1):
        part = urls[start:start + per_file]
        name = f"sitemap-{number}.xml"
        plans.append(PagePlan(name, name, "sitemap.xml", {
            "all_urls": part, "url_dates": {url: dates[url] for url in part if url in dates},
            **({"url_versions": {url: versions[url] for url in part}} if versions else {})}))
        listed.append((name, max((dates[url] for url in part if url in dates), default=None)))
    return [PagePlan("sitemap.xml", "sitemap.xml", "sitemap_index.xml", {"sitemaps": listed}),
            *plans]


def _untranslated_urls(site: Site) -> set[str]:
    """The pages of a translation that show an item or page in its original language: in the
    sitemap, as in each page's head (`_untranslated`), no alternate in the site's language."""
    items = {item.url for issue in site.issues for item in issue.items if item.untranslated}
    return items | {page.url for page in site.pages if page.untranslated}


def _key(site: Site, url: str) -> str:
    """A page's language-neutral key: its site path without the language's folder."""
    return url.removeprefix(site.prefix)


def _versions_by_key(sites: tuple[Site, ...], pages: list[tuple[Site, str, bool]]
                     ) -> dict[str, tuple[Version, ...]]:
    """For each page's key, its `Version` in each language, in the menu's order. `pages`:
    (the site, the URL, whether the page is in the site's language) of every page."""
    where: dict[str, dict[str, tuple[str, bool]]] = {}
    for site, url, translated in pages:
        where.setdefault(_key(site, url), {})[site.language] = url, translated
    return {key: tuple(_version(each, *found.get(each.language, (each.prefix, False)))
                       for each in sites)
            for key, found in where.items()}


def _version(site: Site, url: str, translated: bool) -> Version:
    return Version(site.language, language_name(site.language), url, translated)


def with_versions(site: Site, plans: list[PagePlan]) -> list[PagePlan]:
    """Each HTML page with `versions`: every language's version of it, or that language's home
    where it has none, for the alternate links and the language menu."""
    sites = (site, *site.translations)
    owners = {id(plan): plan.context.get("site", site) for plan in plans
              if plan.template.endswith(".html") and plan.template != "404.html"}
    versions = _versions_by_key(sites, [(owners[id(plan)], plan.url, not _untranslated(plan))
                                        for plan in plans if id(plan) in owners])
    # A page not found has no version in another language: its menu leads to their homes.
    homes = tuple(_version(each, each.prefix, False) for each in sites)

    def versions_of(plan: PagePlan) -> tuple[Version, ...] | None:
        if id(plan) in owners:
            return versions[_key(owners[id(plan)], plan.url)]
        return homes if plan.template == "404.html" and site.translations else None

    return [plan if (shown := versions_of(plan)) is None
            else plan.with_context({"versions": shown}) for plan in plans]


def _untranslated(plan: PagePlan) -> bool:
    """Whether the page shows an item or page in its original language (it is then no
    alternate: search engines are told only of translations)."""
    shown = plan.context.get("item") or plan.context.get("page")
    return bool(getattr(shown, "untranslated", False))


def render_page(env: Environment, site: Site, plan: PagePlan) -> Artifact:
    """Render one planned page; a template failure names the template, line and page."""
    own = plan.context.get("site", site)  # a translation's page: its language's site
    speech = speech_for(env, own.config.language) if own is not site else {}
    context = {"site": own, "config": own.config, "page_url": plan.url, "link_base": "",
               "home": own.prefix, "versions": (), **speech, **plan.context}
    try:
        text = env.get_template(plan.template).render(context)
    except RecursionError as error:  # templates that extend or include each other in a circle
        problem = circle_problem(error, plan.path)
        if problem is None:
            raise
        raise TemplateProblem(problem) from None
    except (TemplateError, TypeError, AttributeError, ValueError) as error:
        # A filter given the wrong value fails with a plain Python error inside a template:
        # that is a template mistake too. Outside any template frame it is a bug: re-raise.
        if not isinstance(error, TemplateError) and _template_frame(error) is None:
            raise
        raise TemplateProblem(template_problem(error, plan.path, env)) from None
    shown = _shown_as_source(text, plan.context)
    if plan.finish is None:  # a web page: no problems' lists made for each of thousands
        return Artifact(plan.path, text.encode("utf-8"), warnings=tuple(shown))
    found = Problems()
    found.warnings += shown
    data = plan.finish(text, found)
    return Artifact(plan.path, data, warnings=tuple(found.warnings))


def _shown_as_source(text: str, context: dict[str, Any]) -> list[Problem]:
    """A warning when the page shows a text's HTML as text, its tags escaped: a template wrote
    `{{ item.html }}` for `{{ item.html | local }}` (which fits the text's links to the page,
    and marks it as HTML), and every item read '<p>The <strong>...'."""
    if "&lt;" not in text:  # no tag written as text at all: most pages
        return []
    issue = context.get("issue")
    shown = [context.get("item"), context.get("page"), *(issue.items if issue else ())]
    for each in shown:
        if not isinstance(each, EncodedHtml) or not each.html_utf8.startswith(b"<"):
            continue
        start = each.html_utf8[:40].decode("utf-8", "ignore")
        if str(escape(start)) in text:
            return [Problem(Location("templates/"), "a page shows the HTML of a text as "
                            "text, its tags and all ('<p>...'): a template writes a text's "
                            "html without the `local` filter",
                            "write {{ item.html | local }}, as the theme does")]
    return []


def chunks(plans: list[PagePlan]) -> list[range]:
    """The plans cut into consecutive runs of about CHUNK pages' worth of work."""
    weights = [plan.weight for plan in plans]
    return split_by_weight(weights, -(-sum(weights) // CHUNK))


def template_problem(error: Exception, page: str, env: Environment | None = None) -> Problem:
    """'templates/item.html:12: 'x' is undefined (while rendering issues/a/b/index.html)'.
    A misspelt filter, test or field of the model gets the name it was likely meant for."""
    where = getattr(error, "filename", None) or getattr(error, "name", None)
    line = getattr(error, "lineno", None)
    if not line:  # runtime errors (undefined names) carry the template frame in the traceback
        where, line = _template_frame(error) or (where, None)
    location = Location(template_display(where), line if where and line else 0)
    if isinstance(error, TemplateNotFound):
        message = f"template '{error.name}' not found"
    elif isinstance(error, TemplateSyntaxError) and env is not None and error.source and \
            "innermost block that needs to be closed" in (error.message or "") and \
            (unclosed := _innermost_unclosed(env, error.source)):
        # Jinja says it where it noticed: the end of the template, or the next block's end.
        name, opened = unclosed
        message = (f"'{{% {name} %}}' is never closed: write its '{{% end{name} %}}' (Jinja "
                   f"noticed at line {location.line})")
        location = replace(location, line=opened)
    elif isinstance(error, TemplateError):
        message = _meant(error.message or str(error), env)
    else:
        message = f"{type(error).__name__}: {error}"
    return Problem(location, message, f"while rendering {page}")


# The tags that open a block, closed by 'end' and their name ('set' too, but only without '=').
_BLOCK_TAGS = {"if", "for", "block", "macro", "call", "filter", "with", "trans", "autoescape"}


def _innermost_unclosed(env: Environment, source: str) -> tuple[str, int] | None:
    """The innermost block tag of `source` left open at its end, and its line."""
    try:
        tokens = list(env.lex(source))
    except TemplateSyntaxError:
        return None
    opened: list[tuple[str, int]] = []
    after_begin = False
    for line, kind, value in tokens:
        if kind == "block_begin":
            after_begin = True
            continue
        if kind == "whitespace" or not after_begin:
            continue
        after_begin = False
        if kind != "name":
            continue
        if value in _BLOCK_TAGS:
            opened.append((value, line))
        elif value.startswith("end") and opened and opened[-1][0] == value[3:]:
            opened.pop()
    return opened[-1] if opened else None


_NO_SUCH = re.compile(r"^No (filter|test) named '([^']+)'")
_NO_FIELD = re.compile(r"^'bulletin_gen\.(model|config)\.(\w+) object' has no attribute "
                       r"'([^']+)'")
# The modules of the objects templates receive: the content model and the settings (`config`).
_TYPES = {"model": model, "config": config}


def _meant(message: str, env: Environment | None) -> str:
    """Jinja's `message` of a name no filter, test or model field has, in a designer's words,
    with the closest name that is one ('uppper': 'did you mean upper?')."""
    if (found := _NO_SUCH.match(message)) and env is not None:
        names = env.filters if found[1] == "filter" else env.tests
        return f"no {found[1]} named '{found[2]}'; {did_you_mean(found[2], names) or _NONE}"
    if (found := _NO_FIELD.match(message)) and isinstance(
            kind := getattr(_TYPES[found[1]], found[2], None), type):
        own = {field.name for field in dataclasses.fields(kind)} \
            if dataclasses.is_dataclass(kind) else set()
        # Not the bytes a text is kept in (`html_utf8`): a template reads it as `html`.
        fields = sorted(name for name in own | set(dir(kind))
                        if not name.startswith("_") and not name.endswith("_utf8"))
        return (f"{found[2]} has no field '{found[3]}'; "
                f"{did_you_mean(found[3], fields) or 'its fields: ' + ', '.join(fields)}")
    return message


_NONE = "see docs/templates.md for the theme's filters and tests"


def circle_problem(error: RecursionError, page: str) -> Problem | None:
    """The problem of templates that load each other in a circle (a.html extends b.html,
    which extends a.html), said at the first of them, at the line that loads the next; None
    when the error's traceback does not end in template frames (not a template's error)."""
    frames = _template_frames(error)
    if len(frames) < CIRCLE_FRAMES:
        return None
    # The innermost frames are the circle's alone: it went round hundreds of times.
    inner = {filename for filename, _ in frames[-CIRCLE_FRAMES:]}
    circle = [filename for filename in dict.fromkeys(name for name, _ in frames)
              if filename in inner]
    names = [template_display(filename) for filename in circle]
    if len(names) == 1:  # a template loading itself is found before rendering (overrides.py)
        innermost = frames[-1]
        return Problem(Location(template_display(innermost[0]), innermost[1]),
                       "a macro or a template calls itself here without end",
                       f"make it stop under a condition that comes to be false, while "
                       f"rendering {page}")
    first = next(frame for frame in frames if frame[0] in circle)
    what = f"{format_names(names)} extend or include each other in a circle"
    own = [name.removeprefix("templates/") for name in names if name.startswith("templates/")]
    theme = [name for name in own if (THEME_TEMPLATES / name).is_file()]
    instead = f", such as the theme's own: theme/{theme[0]}" if theme else ""
    fix = f"make one of them extend or include another template{instead}"
    return Problem(Location(template_display(first[0]), first[1]),
                   f"{what}, which never ends: {fix}", f"while rendering {page}")


def _template_frames(error: BaseException) -> list[tuple[str, int]]:
    """The file and line of each template frame in the error's traceback, outermost first."""
    frames = []
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(TEMPLATE_SUFFIXES):
            frames.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno))
        tb = tb.tb_next
    return frames


def _template_frame(error: BaseException) -> tuple[str, int] | None:
    """The file and line of the innermost template frame in the error's traceback."""
    frames = _template_frames(error)
    return frames[-1] if frames else None


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
    return read_pages(env, site, plans, _whole, jobs=jobs, progress=progress)


def read_pages(env: Environment, site: Site, plans: list[PagePlan],
               read: Callable[[Artifact], T], *, jobs: int = 1,
               progress: Callable[[str, int, int], None] | None = None) -> Iterator[T]:
    """`read(artifact)` of every page, in the order of `plans`, each read by the process that
    renders it: what `bulletin check` keeps of a page travels back, not the page."""
    def render_chunk(indices: range) -> list[T | Problem]:
        results: list[T | Problem] = []
        failed = False
        for index in indices:
            if failed and plans[index].weight > 1:
                break  # a PDF, for a build that fails: see below
            results.append(_read_or_problem(env, site, plans[index], read))
            failed = failed or isinstance(results[-1], Problem)
        return results

    done = 0
    # The failures by the template's line, not by message: a message may name its page.
    failed: dict[Location, list[Problem]] = {}
    for results in map_chunks(render_chunk, chunks(plans), jobs):
        for result in results:
            done += 1
            if isinstance(result, Problem):
                failed.setdefault(result.location, []).append(result)
            else:
                yield result
            if progress:
                progress("render", done, len(plans))
        if failed and done < len(plans) and plans[done].weight > 1:
            break  # PDFs next, seconds each: the build fails, so its mistakes are said now
    if failed:  # every template's mistake, once, and not only the first page's
        raise TemplateProblem(*(_said_once(same) for same in failed.values()))
    if progress and not plans:  # every page was unchanged: still say so
        progress("render", 0, 0)


def _read_or_problem(env: Environment, site: Site, plan: PagePlan,
                     read: Callable[[Artifact], T]) -> T | Problem:
    """`read` of the rendered page, or the problem of the template that failed to render it:
    the other pages are rendered still, so that every template's mistake is found."""
    try:
        return read(render_page(env, site, plan))
    except TemplateProblem as error:
        return error.problem


def _said_once(same: list[Problem]) -> Problem:
    """One template's problem found on several pages, said once: at the first page."""
    first = same[0]
    return first if len(same) == 1 else replace(
        first, hint=f"{first.hint}, and {plural(len(same) - 1, 'other page')}")


def _whole(artifact: Artifact) -> Artifact:
    return artifact
