"""The content model: frozen dataclasses that templates and editions receive.

URLs are site paths without a leading slash ('issues/2026-03-spring/new-centre/'); templates
turn them into links with the `url` filter. HTML fields hold rendered, sanitised fragments whose
internal links use the `@root/` marker (see markdown.py). The Markdown bodies of items, briefs,
sections and pages, most of a site's text, are kept as UTF-8 bytes (`html_utf8`) and read as
text through `html`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .config import NO_CONTACT, Contact, SiteConfig
from .excerpt import describe
from .yamlio import NO_EXTRA, Extra

ITEM_KINDS = ("feature", "news", "roundtable", "notice", "briefs")
SECTION_ROLES = ("summary", "discussion", "conclusions", "recommendations")
OUTCOME_ROLES = ("conclusions", "recommendations")


class EncodedHtml:
    """A model object whose rendered fragment is kept as UTF-8 bytes. As a `str`, a fragment
    with one character beyond Latin-1 (a curly quote, 'İzmir') takes two bytes a character,
    and writing it to the cache adds a UTF-8 copy that the string keeps for good: three times
    the memory, at ten thousand items a hundred megabytes."""

    html_utf8: bytes

    @property
    def html(self) -> str:
        """The fragment, as templates read it."""
        return self.html_utf8.decode("utf-8")


@dataclass(frozen=True, order=True)
class Term:
    """A tag or a region, with the slug of its page."""

    slug: str
    name: str


@dataclass(frozen=True)
class Brief(EncodedHtml):
    """One short news brief of a briefs file."""

    headline: str
    html_utf8: bytes
    regions: tuple[Term, ...]
    tags: tuple[Term, ...]
    anchor: str  # the id of the brief on its pages
    # Of a brief with an `id:`, the id its place in the file gives too ('briefs-3'): a link by
    # its number (`02-briefs.yaml#3`, as a brief without an id is linked) still reaches it.
    number_anchor: str = ""


@dataclass(frozen=True)
class Section(EncodedHtml):
    """A part of a round-table summary: Summary, Discussion, Conclusions, Recommendations."""

    role: str  # one of SECTION_ROLES, or 'other'
    title: str  # the heading as the editor wrote it
    html_utf8: bytes
    anchor: str


@dataclass(frozen=True)
class Outcome:
    """A conclusion or recommendation, listed among the issue's key outcomes."""

    role: str  # 'conclusions' or 'recommendations'
    html: str


@dataclass(frozen=True)
class RoundTable:
    """Who led a round-table or meeting, and its recognised parts."""

    session: str
    presenters: tuple[str, ...]
    facilitators: tuple[str, ...]
    secretaries: tuple[str, ...]
    participants: tuple[str, ...]
    venue: str
    sections: tuple[Section, ...]
    outcomes: tuple[Outcome, ...]

    @property
    def written(self) -> tuple[Section, ...]:
        """Its sections with text, as the editions show them: a heading with nothing under it
        is warned of (`bulletin check`), not drawn as an empty box."""
        return tuple(section for section in self.sections if section.html_utf8.strip())

    @property
    def roles(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(label, names) for each role that has names, singular or plural as fits."""
        pairs = [("Presenter", self.presenters), ("Facilitator", self.facilitators),
                 ("Secretary", self.secretaries)]
        return tuple((label if len(names) == 1 else _plural(label), names)
                     for label, names in pairs if names)


# The widths of the copies of an image that the build makes (images.py): for screens of every
# size, for the email (shown 600 px wide, twice as sharp on dense screens) and for print (about
# 300 dpi across a page's text).
WEB_WIDTHS = (480, 800, 1200, 1600)
EMAIL_WIDTH = 1200
PRINT_WIDTH = 2400
EMAIL_COLUMN = 536  # px: the email's 600 px column less its padding, as its pictures show


@dataclass(frozen=True)
class Image:
    """An image with its site path and alt text, and its size in pixels once measured (upright:
    its EXIF orientation applied); 0 for an image on another site, which has no copies."""

    url: str
    alt: str
    width: int = 0
    height: int = 0
    # Copies of it are made at smaller widths: a still JPEG, PNG or WebP. A GIF, an animation
    # or an SVG is published as it is, at its own size.
    scaled: bool = True

    def widths(self) -> tuple[int, ...]:
        """The widths it is published at, for `srcset`: the web widths it is wider than, and
        its own width when that is not above the largest."""
        if not (self.width and self.scaled):
            return ()
        smaller = tuple(width for width in WEB_WIDTHS if width < self.width)
        return smaller + ((self.width,) if self.width <= WEB_WIDTHS[-1] else ())

    def at(self, width: int) -> str:
        """The site path of its copy `width` pixels wide; itself when it is not wider."""
        if not (self.width and self.scaled) or width >= self.width:
            return self.url
        stem, dot, suffix = self.url.rpartition(".")
        return f"{stem}.{width}w.{suffix}" if dot else f"{self.url}.{width}w"

    def height_at(self, width: int) -> int:
        """The height of its copy `width` pixels wide."""
        width = min(width, self.width)
        return round(self.height * width / self.width) if self.width else 0

    def fitted(self, width: int, height: int) -> tuple[int, int]:
        """Its size shown within `width` x `height`, never larger than it is (a small picture
        blown up is blurred) and in its proportions; the box itself when it is not measured."""
        if not (self.width and self.height):
            return width, height
        scale = min(1, width / self.width, height / self.height)
        return max(1, round(self.width * scale)), max(1, round(self.height * scale))


@dataclass(frozen=True)
class Item(EncodedHtml):
    """An article of an issue: a feature, news, notice, round table or a file of briefs."""

    issue_slug: str
    slug: str
    title: str
    kind: str
    date: dt.date
    url: str
    source: str  # the file it came from, relative to the site
    html_utf8: bytes = b""
    summary: str = ""
    lang: str = ""  # when the item is in another language than its issue
    untranslated: bool = False  # shown in a translated issue in its original language
    # (field, language) for each front-matter field a translation took from its original
    # (languages.py): shown in the original's language, and marked with it (`lang_of`).
    inherited: tuple[tuple[str, str], ...] = ()
    authors: tuple[str, ...] = ()
    tags: tuple[Term, ...] = ()
    regions: tuple[Term, ...] = ()
    image: Image | None = None
    contact: Contact = NO_CONTACT
    extra: Extra = NO_EXTRA  # `extra:`, for the site's own templates
    briefs: tuple[Brief, ...] = ()
    roundtable: RoundTable | None = None

    @property
    def anchor(self) -> str:
        """The id of the item on its issue's page."""
        return f"item-{self.slug}"

    @property
    def description(self) -> str:
        """What a link preview or a search engine shows of the item (its page's meta
        description): its `summary:`, else the plain text of its first paragraph, or of its
        first brief's or round-table section's, shortened at a word (excerpt.py). Not its
        issue's summary, which says nothing of this item in particular."""
        return self.summary or describe(self._texts())

    def _texts(self) -> Iterator[str]:
        """Its rendered fragments in reading order, each decoded only when asked for: the
        first paragraph is most often in the first."""
        yield self.html
        yield from (brief.html for brief in self.briefs)
        if self.roundtable:
            yield from (section.html for section in self.roundtable.sections)


@dataclass(frozen=True)
class Asset:
    """A file copied beside an issue's pages."""

    source: Path
    url: str


@dataclass(frozen=True)
class Issue:
    """One bulletin issue and its items, in order."""

    slug: str
    title: str  # the period as printed, e.g. "July/August 2026"
    date: dt.date
    url: str
    source: str
    number: int | None = None
    volume: int | None = None
    summary: str = ""
    status: str = "published"
    email_subject: str = ""  # the email edition's subject; '' for the site's and the issue's
    lang: str = ""
    # (field, language) for each front-matter field a translation took from its original
    # (languages.py): shown in the original's language, and marked with it (`lang_of`).
    inherited: tuple[tuple[str, str], ...] = ()
    intro_html: str = ""
    image: Image | None = None
    contact: Contact = NO_CONTACT
    extra: Extra = NO_EXTRA  # `extra:`, for the site's own templates
    items: tuple[Item, ...] = ()
    assets: tuple[Asset, ...] = ()
    # The pictures of its folder that its texts place (not an `image:`), measured
    # (images.measure_images): their size goes on every <img> that shows them.
    pictures: tuple[Image, ...] = ()

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def labels_news(self) -> bool:
        """Whether a news item says its kind, as other kinds do (contents, item headers): when
        the issue has items of other kinds, beside which it would seem to belong to the label
        above it."""
        return any(item.kind != "news" for item in self.items)

    @property
    def outcomes(self) -> tuple[tuple[Item, Outcome], ...]:
        """Every round-table conclusion and recommendation of the issue, in order."""
        return tuple((item, outcome) for item in self.items if item.roundtable
                     for outcome in item.roundtable.outcomes)

    @property
    def regions(self) -> tuple[Term, ...]:
        """Every region named in the issue, items and briefs alike, sorted."""
        found = {term for item in self.items for term in item.regions}
        found |= {term for item in self.items for brief in item.briefs for term in brief.regions}
        return tuple(sorted(found))

    def fragments(self) -> Iterator[tuple[str, str]]:
        """(source file, rendered fragment) of every text written for the issue: its
        introduction, and each item's body, briefs and sections."""
        yield self.source, self.intro_html
        for item in self.items:
            yield item.source, item.html
            yield from ((item.source, brief.html) for brief in item.briefs)
            sections = item.roundtable.sections if item.roundtable else ()
            yield from ((item.source, section.html) for section in sections)


def recency(issue: Issue) -> tuple[dt.date, int, int, str]:
    """An issue's place in time, the key of every list of issues (`Site.issues` is sorted by
    it, newest first): its date; on one date, its volume and then its number, the higher the
    newer (an issue without one is the older); the slug last, only so that the order never
    depends on the order the files were found in, never as a clue to which is newer."""
    return (issue.date, issue.volume or 0, -1 if issue.number is None else issue.number,
            issue.slug)


@dataclass(frozen=True)
class Page(EncodedHtml):
    """A standalone page such as About."""

    slug: str
    title: str
    html_utf8: bytes
    url: str
    source: str
    summary: str = ""
    lang: str = ""  # when the page is in another language than its site
    untranslated: bool = False  # shown in a translated site in its original language
    # (field, language) for each front-matter field a translation took from its original
    # (languages.py): shown in the original's language, and marked with it (`lang_of`).
    inherited: tuple[tuple[str, str], ...] = ()

    @property
    def description(self) -> str:
        """Its page's meta description: its `summary:`, else its first paragraph's text, as
        an item's (`Item.description`), not the site's tagline on every page."""
        return self.summary or describe((self.html,))


@dataclass(frozen=True)
class Entry:
    """Something listed on a tag or region page: an item, or one brief of it."""

    issue: Issue
    item: Item
    brief: Brief | None = None

    @property
    def published(self) -> dt.date:
        """When readers got it: with its issue, or on its own date when that is later. An
        item's date may be its event's (a meeting held before the issue came out), which in
        a feed would file it among older entries."""
        return max(self.item.date, self.issue.date)


@dataclass(frozen=True)
class TermIndex:
    """A tag or region page: the term and everything that names it, newest first."""

    term: Term
    entries: tuple[Entry, ...]
    url: str


@dataclass(frozen=True)
class Pager:
    """Where one page of a list split over several pages stands, and the pages around it."""

    number: int  # this page, from 1
    count: int  # how many pages the list has
    url: str  # this page's site path
    first_url: str  # the site path of page 1 (the list's own URL)
    previous_url: str  # the page before, '' on page 1
    next_url: str  # the page after, '' on the last
    last_url: str
    start: int  # the position of this page's first entry in the whole list, from 1
    end: int  # ... and of its last
    total: int  # entries in the whole list


@dataclass(frozen=True)
class Site:
    """The whole bulletin, as every template and edition sees it."""

    config: SiteConfig
    issues: tuple[Issue, ...]  # newest first
    pages: tuple[Page, ...]
    tags: tuple[TermIndex, ...]
    regions: tuple[TermIndex, ...]
    prefix: str = ""  # where its pages are: '' for the main language, 'es/' for another
    # The other languages' sites, in the order of the language menu (the main site's only).
    translations: tuple[Site, ...] = ()
    drafts_left_out: int = 0  # issues with `status: draft` that this build does not publish

    @property
    def language(self) -> str:
        return self.config.language

    @property
    def has_tags(self) -> bool:
        """Whether any item has a tag: a template asking this depends on the answer alone,
        not on the tags (incremental/fingerprint.py, SITE_VALUES)."""
        return bool(self.tags)

    @property
    def has_regions(self) -> bool:
        """Whether any item has a region (as `has_tags`)."""
        return bool(self.regions)

    @property
    def latest(self) -> Issue | None:
        return self.issues[0] if self.issues else None

    def issues_by_year(self) -> tuple[tuple[int, tuple[Issue, ...]], ...]:
        years: dict[int, list[Issue]] = {}
        for issue in self.issues:
            years.setdefault(issue.date.year, []).append(issue)
        return tuple((year, tuple(issues)) for year, issues in years.items())

    def page(self, slug: str) -> Page | None:
        return next((page for page in self.pages if page.slug == slug), None)

    def fragments(self) -> Iterator[tuple[str, str]]:
        """(source file, rendered fragment) of every text written for its issues and pages."""
        for issue in self.issues:
            yield from issue.fragments()
        yield from ((page.source, page.html) for page in self.pages)


def lang_of(shown: Issue | Item | Page, field: str) -> str:
    """The language of a field of `shown` ('summary', 'image_alt', 'items'): its original's
    where a translation left it out, else the language `shown` is marked with ('' when none)."""
    # Asked for each field of each item on every page that shows it: most have inherited
    # nothing, and need no dict made.
    if not shown.inherited:
        return shown.lang
    return dict(shown.inherited).get(field, shown.lang)


def _plural(label: str) -> str:
    return label[:-1] + "ies" if label.endswith("y") else label + "s"
