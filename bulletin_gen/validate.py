"""Stage 3: validate the raw sources and assemble the content model (`Site`).

Every field is read through a `FieldReader`, so a mistake anywhere becomes a `Problem` with its
file and line and the loading goes on; the caller raises them all at the end. Markdown is
rendered here, once, because link targets are only known when every source has an identity
(links.py gives each one and resolves links against them).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote

from . import links
from .config import SiteConfig, read_contact
from .console import plural
from .content import (
    INHERITED,
    MARKDOWN_SUFFIXES,
    SHOWN_TEXT,
    YAML_SUFFIXES,
    IssueSource,
    SourceDoc,
    Sources,
    read_text,
)
from .errors import Location, Problems, did_you_mean
from .fields import FieldReader, describe
from .i18n import DEFAULT_SESSION, section_meant, section_role
from .links import Identity
from .markdown import (
    ALT_ATTRIBUTE,
    NO_ALT,
    ROOT_MARKER,
    Anchors,
    MarkdownRenderer,
    Rendered,
    Resolver,
    is_external,
    slugify,
)
from .model import (
    ITEM_KINDS,
    OUTCOME_ROLES,
    Asset,
    Brief,
    Entry,
    Image,
    Issue,
    Item,
    Outcome,
    Page,
    RoundTable,
    Section,
    Site,
    Term,
    TermIndex,
    recency,
)
from .pool import CHUNKS_PER_JOB, Learner, map_chunks, split_by_weight
from .sitepaths import leaving_site
from .terms import read_terms
from .yamlio import Mapping


class Reuse(Learner, Protocol):
    """What an earlier build made (the incremental layer's model memo). Given what an issue
    or item is made from besides its files, each gives back the one kept when nothing of that
    changed and every link it holds resolves as it did, or else calls `build`."""

    def issue(self, source: IssueSource, made_from: object, resolve: Resolver,
              resolver_of: Callable[[SourceDoc], Resolver], problems: Problems,
              build: Callable[[Resolver, Problems], Issue]) -> Issue: ...

    def item(self, doc: SourceDoc, made_from: object, resolve: Resolver, problems: Problems,
             build: Callable[[SourceDoc, Resolver, Problems], Item]) -> Item:
        """`build(doc, ...)` is given the whole document: the one kept may lack its body."""
        ...

    def has_item(self, doc: SourceDoc) -> bool:
        """Whether an item (or a single-file issue) may be kept for `doc`: a hint for
        sharing out the work."""
        ...


# Fewer items than this are built in the main process: starting workers would cost more.
PARALLEL_ITEMS = 200
# A round table's roles, by the plural its field is named with and the singular an editor
# who read 'Presenter:' on a page writes.
ROLES = (("presenters", "presenter"), ("facilitators", "facilitator"),
         ("secretaries", "secretary"), ("participants", "participant"))
# The fields that only some kinds of item read: with a misspelt kind, they are no typos.
KIND_FIELDS = ("items", "session", "venue", *(name for pair in ROLES for name in pair))
_H2 = re.compile(r"^##\s+(.+?)\s*#*\s*$")
_COMMENT = re.compile(r"<!--.*?(-->|$)", re.DOTALL)
# A brief's body as `bulletin new` writes it (scaffold.py), for an editor to replace.
BRIEF_PLACEHOLDER = "Write the brief here in Markdown, with **bold** place names."


@dataclass(frozen=True)
class Originals:
    """What a language's site takes from the originals (languages.py): the slugs of the items
    of each single-file issue it translates, by the issue's slug (its original's, by position:
    its headings are translated); the language each original is written in, by its file,
    whose typography one shown untranslated keeps; and by each translation's file, the
    language of its original, for the fields it takes from it (at the line INHERITED)."""

    item_slugs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    written_in: dict[str, str] = field(default_factory=dict)
    translated_from: dict[str, str] = field(default_factory=dict)
    main: str = ""  # the main site's language, of an original that site leaves out
    # By a translation's file, its original's heading ids, which its headings take.
    heading_names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    language: str = ""  # the translated site's: an original written in it needs no translation

    def inherited(self, doc: SourceDoc) -> tuple[tuple[str, str], ...]:
        """(field, language) for each shown field (SHOWN_TEXT) the translation `doc` took
        from its original, which the theme marks with the original's language."""
        if doc.rel not in self.translated_from:
            return ()
        language = self.translated_from[doc.rel] or self.main
        return tuple((key, language) for key in SHOWN_TEXT if _inherited(doc.meta, key))

    def shown_untranslated(self, doc: SourceDoc) -> str:
        """The language `doc` is written in when a translated site shows it untranslated
        (an original: the main site gives its language, or, when it leaves the original out,
        a draft, the site's main language); '' on the main site, for a translation, and for
        an original written in the site's language (`lang: ar`, on the Arabic pages)."""
        if not self.main or doc.rel in self.translated_from:
            return ""
        written = self.written_in.get(doc.rel) or self.main
        return "" if written.lower() == self.language.lower() else written

    def written(self, doc: SourceDoc, renderer: MarkdownRenderer) -> MarkdownRenderer:
        """The renderer for `doc`: in its language where the site shows it untranslated (an
        original), else `renderer`."""
        return renderer.in_language(self.shown_untranslated(doc))

    def speaking(self, doc: SourceDoc, key: str, renderer: MarkdownRenderer) -> MarkdownRenderer:
        """The renderer for the field `key` of `doc`: in its original's language where a
        translation took the field from its original, else `renderer`."""
        if doc.meta.line_of(key) != INHERITED:
            return renderer
        return renderer.in_language(self.translated_from.get(doc.rel, ""))


def _inherited(meta: Mapping, key: str) -> bool:
    """Whether a translation's field `key` (SHOWN_TEXT) shows its original's text: the field
    taken whole, or a contact's role, when the contact it gives has none of its own."""
    if key not in meta:
        return False
    value = meta[key]
    return meta.line_of(key) == INHERITED or (
        key == "contact" and isinstance(value, Mapping) and "role" in value
        and value.line_of("role") == INHERITED)


def build_site(config: SiteConfig, sources: Sources, renderer: MarkdownRenderer,
               problems: Problems, drafts: bool = False, memo: Reuse | None = None,
               jobs: int = 1, identities: dict[Path, Identity] | None = None,
               originals: Originals | None = None) -> Site:
    """Turn every source into the typed model; problems are recorded, not raised.

    With a `memo`, an issue or item that nothing it was built from has changed is taken from
    it. With `jobs` > 1, issues are built by that many worker processes (their Markdown is most
    of a cold build's time); the model and the order of the problems do not depend on it.
    `identities` (a translation's, languages.py) replaces where the sources are published,
    and `originals` says what such a site takes from its originals."""
    originals = originals or Originals()
    renderer = renderer.in_language(config.language)
    if identities is None:
        identities = links.identities(sources, problems)
    assets = links.asset_urls(sources, identities)
    # Published text must not link into a draft issue that this build leaves out.
    hidden = set() if drafts else {identities[s.meta.path].issue_slug for s in sources.issues
                                   if _marked_draft(s)}
    public = ({path: identity for path, identity in identities.items()
               if identity.issue_slug not in hidden},
              {path: url for path, url in assets.items() if url.split("/")[1] not in hidden})

    def build_issues(indices: Sequence[int]) -> list[tuple[Issue, Problems]]:
        built = []
        for index in indices:
            source, found = sources.issues[index], Problems()
            known = ((identities, assets) if identities[source.meta.path].issue_slug in hidden
                     else public)
            built.append((_issue(source, *known, originals.written(source.meta, renderer), found,
                                 memo, originals), found))
        return built

    work = [_work(source, memo) for source in sources.issues]
    pooled = _in_workers(build_issues, work, jobs, (memo,) if memo else ())
    issues = []
    for index in range(len(sources.issues)):
        issue, found = pooled[index] if index in pooled else build_issues([index])[0]
        problems.extend(found)
        if drafts or not issue.is_draft:
            issues.append(issue)
    issues.sort(key=recency, reverse=True)
    pages = tuple(_build_page(doc, *public, originals.written(doc, renderer), problems, originals)
                  for doc in sources.pages)
    _check_nav(config, pages, problems)
    if config.links.missing == "warning":
        links.lower_broken_links(problems)
    return Site(config, tuple(issues), pages, *term_indexes(issues),
                drafts_left_out=len(sources.issues) - len(issues))


def _in_workers(build_issues: Callable[[Sequence[int]], list[tuple[Issue, Problems]]],
                work: list[int], jobs: int,
                learners: Sequence[Learner]) -> dict[int, tuple[Issue, Problems]]:
    """The issues with items to build, built by worker processes when there are enough, by
    index. Those the memo gives whole are left to the main process, so that a rebuild does not
    send every item of the site back through a pipe."""
    if jobs <= 1 or sum(work) < PARALLEL_ITEMS:
        return {}
    busy = [index for index, amount in enumerate(work) if amount]
    chunks = [[busy[at] for at in part]
              for part in split_by_weight([work[index] for index in busy], CHUNKS_PER_JOB * jobs)]
    built: dict[int, tuple[Issue, Problems]] = {}
    for chunk, issues in zip(chunks, map_chunks(build_issues, chunks, jobs, learners),
                             strict=True):
        built.update(zip(chunk, issues, strict=True))
    return built


def _work(source: IssueSource, memo: Reuse | None) -> int:
    """About how many items of `source` must be built: those the memo cannot give."""
    if source.folder is None:
        kept = memo is not None and memo.has_item(source.meta)
        return 0 if kept else 1 + source.meta.body.count("\n## ")
    return sum(1 for doc in source.items if memo is None or not memo.has_item(doc))


def _check_nav(config: SiteConfig, pages: tuple[Page, ...], problems: Problems) -> None:
    """Every slug of `nav:` must name a page."""
    for slug in config.nav:
        if not any(page.slug == slug for page in pages):
            problems.add(Location("bulletin.yaml", config.key_lines.get("nav", 0)),
                         f"nav: no page '{slug}' in content/pages/",
                         did_you_mean(slug, [p.slug for p in pages]) or
                         f"add content/pages/{slug}.md")


def check_issue_numbers(issues: Sequence[Issue], sources: Sources, problems: Problems) -> None:
    """Two issues of one volume (or both without one) with one number would print the same
    masthead, 'Volume 1 · Number 2': an error at the later one's `number:`, naming the first.
    Only the issues this build publishes count. When one of the two is a draft, built with
    --drafts (`serve`, a proof PDF), it is a warning: the draft may be renumbered before it is
    published, and meanwhile its preview must not stop."""
    lines = {source.meta.rel: source.meta.meta.line_of("number") for source in sources.issues}
    first: dict[tuple[int | None, int], Issue] = {}
    for issue in sorted(issues, key=recency):
        if issue.number is None:
            continue
        earlier = first.setdefault((issue.volume, issue.number), issue)
        if earlier is issue:
            continue
        volume = "" if issue.volume is None else f" of volume {issue.volume}"
        say = problems.warn if issue.is_draft or earlier.is_draft else problems.add
        say(Location(issue.source, lines.get(issue.source, 0)),
            f"number: {issue.number}{volume} is also the number of "
            f"{Location(earlier.source, lines.get(earlier.source, 0))}",
            "give each issue of a volume its own number: renumber the later issues")


def check_future_dates(issues: Sequence[Issue], sources: Sources, problems: Problems,
                       today: dt.date) -> None:
    """A warning at the `date:` of each published issue dated after `today`: it is published
    now, at the top of the home page and the feeds (a year mistyped, '2062', would keep it
    there). Said on every build, not kept with the issue: tomorrow it may be right."""
    lines = {source.meta.rel: source.meta.meta.line_of("date") for source in sources.issues}
    for issue in issues:
        if issue.date > today and not issue.is_draft:
            problems.warn(Location(issue.source, lines.get(issue.source, 0)),
                          f"date: {issue.date.isoformat()} is after today, yet the issue is "
                          "published now, as the newest",
                          "check the year; to publish it on that day, keep it 'status: draft' "
                          "until then")


def in_drafts(sources: Sources, codes: Sequence[str]) -> Callable[[str], bool]:
    """Whether a file (its path as the editor knows it) belongs to an issue marked as a draft:
    its folder, or its file and that file's translations into the languages `codes`
    (`ISSUE.es.md`)."""
    folders, files = [], set()
    for source in sources.issues:
        if not _marked_draft(source):
            continue
        rel = source.meta.rel
        if source.folder is None:
            stem = rel[:-len(source.meta.path.suffix)]
            files |= {rel, *(f"{stem}.{code}{suffix}" for code in codes
                             for suffix in MARKDOWN_SUFFIXES)}
        else:
            folders.append(rel.rpartition("/")[0] + "/")
    starts = tuple(folders)
    return lambda path: path in files or path.startswith(starts)


# What an item's editor may mean by a field only an issue has.
_DRAFT_HINT = ("only a whole issue can be a draft: put 'status: draft' in its issue.yaml, or "
               "in a single-file issue's fields")
ISSUE_ONLY = {"status": _DRAFT_HINT, "draft": _DRAFT_HINT}
# The names of a meeting's roles and parts that a round table calls otherwise.
_LEADS = "a round table's roles are presenters, facilitators, secretaries and participants"
_PARTS = ("a round table's {0} are a section of its text: '## {1}', with a '- ' line for "
          "each")
NAMED_OTHERWISE = {
    **{name: f"{_LEADS}: write the {name} under facilitators:"
       for name in ("moderator", "moderators", "chair", "chairs", "host", "hosts")},
    **{name: f"{_LEADS}: write the {name} under secretaries:"
       for name in ("rapporteur", "rapporteurs", "minutes", "note_taker", "notetaker")},
    **{name: f"{_LEADS}: write them under presenters:" for name in ("speaker", "speakers")},
    **{name: f"{_LEADS}: write them under participants:"
       for name in ("attendees", "attendee", "members", "panelists", "panellists")},
    "conclusions": _PARTS.format("conclusions", "Conclusions"),
    "recommendations": _PARTS.format("recommendations", "Recommendations"),
}


def without_drafts(sources: Sources) -> Sources:
    """`sources` without the issues marked as drafts."""
    return Sources(tuple(issue for issue in sources.issues if not _marked_draft(issue)),
                   sources.pages)


def _marked_draft(source: IssueSource) -> bool:
    return str(source.meta.meta.get("status", "")).strip() == "draft"


def _fields(doc: SourceDoc, problems: Problems) -> FieldReader:
    """A reader of `doc`'s fields; an unreadable file's (already reported) say nothing more,
    nor do an empty file's: that is one mistake, not its title missing too. (A translation
    is never empty here: it holds its original's fields.)"""
    if doc.readable and not doc.meta and not doc.body.strip():
        problems.add(Location(doc.rel, 1), "the file has no fields and no text",
                     "write them, or remove the file")
        return FieldReader(doc.meta, doc.rel, Problems())
    return FieldReader(doc.meta, doc.rel, problems if doc.readable else Problems())


def _render(renderer: MarkdownRenderer, text: str, doc: SourceDoc, resolve: Resolver,
            problems: Problems, id_prefix: str = "", first_line: int = 0,
            doc_id: str = "", anchors: Anchors = (),
            place: Callable[[SourceDoc, int, str], int] | None = None,
            heading_names: tuple[str, ...] = ()) -> str:
    return _rendered(renderer, text, doc, resolve, problems, id_prefix, first_line, doc_id,
                     anchors=anchors, place=place, heading_names=heading_names).html


def _rendered(renderer: MarkdownRenderer, text: str, doc: SourceDoc, resolve: Resolver,
              problems: Problems, id_prefix: str = "", first_line: int = 0, doc_id: str = "",
              points: bool = False, anchors: Anchors = (),
              place: Callable[[SourceDoc, int, str], int] | None = None,
              heading_names: tuple[str, ...] = ()) -> Rendered:
    """`text` rendered, its problems added at their lines: counted from `first_line`, or
    found by `place(doc, line, url)` (a text YAML joined from several lines)."""
    place = place or _counted
    rendered = renderer.render(text, resolve, id_prefix, first_line or doc.body_line, doc_id,
                               points, anchors, heading_names)
    if rendered.error:
        problems.add(Location(doc.rel, rendered.error_line), rendered.error, rendered.hint)
    for line, url, kind in rendered.broken:
        what = "image" if kind == "image" else "link"
        problems.add(Location(doc.rel, place(doc, line, url)),
                     *links.broken_link(doc, url, what))
    if rendered.unmatched_headings:
        own, original, line = rendered.unmatched_headings
        problems.warn(Location(doc.rel, (first_line or doc.body_line) + line),
                      f"{plural(own, 'heading')} where its original has {original}: they keep "
                      "ids of their own words, so a link to one of the original's headings "
                      "leads nowhere here",
                      "give it the original's headings, in their order; one not yet "
                      "translated may stay in the original's words")
    for line, url, kind in rendered.unlabelled:
        problems.warn(Location(doc.rel, place(doc, line, url)), f"{NO_ALT}: {url}",
                      ALT_ATTRIBUTE if kind == "html" else
                      f"describe the picture in the brackets: ![what it shows]({url})")
    return rendered


def _issue(source: IssueSource, identities: dict[Path, Identity], assets: dict[Path, str],
           renderer: MarkdownRenderer, problems: Problems, memo: Reuse | None,
           originals: Originals) -> Issue:
    """An issue built, or taken whole from what the last build made (`Reuse`)."""
    resolve = links.resolver(source.meta, identities, assets)

    def build(resolve: Resolver, found: Problems) -> Issue:
        return _build_issue(source, identities, assets, resolve, renderer, found, memo,
                            originals)
    if memo is None:
        return build(resolve, problems)
    # Where the issue's files are published (a URL says its issue's slug and its own), and
    # what it takes from its originals: an original item's language is its issue's.
    made_from = ([identities[doc.path].url for doc in (source.meta, *source.items)],
                 source.assets, renderer.language,
                 [(originals.written_in.get(doc.rel), originals.translated_from.get(doc.rel),
                   originals.heading_names.get(doc.rel))
                  for doc in (source.meta, *source.items)],
                 originals.item_slugs.get(identities[source.meta.path].issue_slug))
    return memo.issue(source, made_from, resolve,
                      lambda doc: links.resolver(doc, identities, assets), problems, build)


def _build_issue(source: IssueSource, identities: dict[Path, Identity],
                 assets: dict[Path, str], resolve: Resolver, renderer: MarkdownRenderer,
                 problems: Problems, memo: Reuse | None, originals: Originals) -> Issue:
    """`resolve` serves the issue's own file; each item gets its own."""
    doc = source.meta
    identity = identities[doc.path]
    fields = _fields(doc, problems)
    date = fields.date("date", required=True)
    issue_contact = read_contact(fields)
    image = _image(fields, resolve, doc)
    lang = fields.language("lang")
    renderer = renderer.in_language(lang)  # its items' language too, unless they say theirs
    # Its own fields first, so that their warnings come before its items'; the items after.
    issue = Issue(
        slug=identity.issue_slug,
        title=originals.speaking(doc, "title", renderer).typographic(
            fields.line("title", required=True)),
        date=date,
        url=identity.url,
        source=doc.rel,
        number=fields.integer("number"),
        volume=fields.integer("volume"),
        summary=_summary(fields, originals.speaking(doc, "summary", renderer)),
        status=fields.choice("status", ("published", "draft"), "published"),
        email_subject=renderer.typographic(fields.line("email_subject")),
        lang=lang,
        inherited=originals.inherited(doc),
        image=image,
        contact=issue_contact,
        extra=fields.extra(),
    )
    fields.finish()
    if source.folder is None:
        intro, items = _single_file_items(doc, identity, date, resolve, renderer, problems,
                                          originals.item_slugs.get(identity.issue_slug, ()))
    else:
        intro = ""
        items = tuple(_item(item, identities[item.path], date,
                            links.resolver(item, identities, assets),
                            originals.written(item, renderer), problems, memo, originals)
                      for item in source.items)
        if not items:
            problems.warn(Location(doc.rel), "issue has no items",
                          "add a Markdown or YAML item file beside issue.yaml")
    issue_assets = tuple(Asset(source.folder / rel, assets[source.folder / rel])
                         for rel in source.assets) if source.folder else ()
    return replace(issue, intro_html=intro, items=items, assets=issue_assets)


def _single_file_items(doc: SourceDoc, identity: Identity, date: dt.date,
                       resolve: Resolver, renderer: MarkdownRenderer, problems: Problems,
                       given: tuple[str, ...] = ()) -> tuple[str, tuple[Item, ...]]:
    """A single-file issue: text before the first '## ' is the introduction, each '## ' an
    item, whose slug is made from its heading, or `given` (a translation's: its original's)
    when that holds one for each."""
    chunks = _split_h2(doc.body)
    intro_text = chunks[0][2] if chunks and chunks[0][0] is None else ""
    intro = _render(renderer, intro_text, doc, resolve, problems, "intro") if intro_text else ""
    sections = [(heading, offset, text) for heading, offset, text in chunks if heading is not None]
    if given and len(given) != len(sections):
        problems.warn(Location(doc.rel, doc.body_line + (sections[0][1] if sections else 0)),
                      f"'## ' sections: {len(sections)} here, {len(given)} in the original: "
                      "they are matched by their order, so none can be, and their pages "
                      "take addresses of their own, not linked to the original's",
                      "give every section of the original, in its order; one not yet "
                      "translated can stay in the original's words")
        given = ()
    items: list[Item] = []
    taken: set[str] = set()
    for number, (heading, offset, text) in enumerate(sections):
        # Two sections with the same heading would write the same page: number the later ones.
        slug = given[number] if given else _unique(slugify(heading) or f"item-{number + 1}",
                                                   taken)
        taken.add(slug)
        if _unwritten(text):
            _warn_unwritten(Location(doc.rel, doc.body_line + offset), f"'## {heading}'",
                            "write the item under its heading, or remove the section", problems)
        items.append(Item(
            issue_slug=identity.issue_slug, slug=slug, title=renderer.typographic(heading),
            kind="news",
            date=date, url=f"{identity.url}{slug}/", source=doc.rel,
            html_utf8=_render(renderer, text, doc, resolve, problems, slug,
                              doc.body_line + offset + 1).encode(),
        ))
    return intro, tuple(items)


def _unique(slug: str, taken: set[str]) -> str:
    """`slug`, or `slug-2`, `slug-3`... when it is taken."""
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug}-{number}"
    return candidate


def _split_h2(body: str) -> list[tuple[str | None, int, str]]:
    """Split Markdown at level-2 headings: (heading or None, line offset, text after it)."""
    chunks: list[tuple[str | None, int, list[str]]] = [(None, 0, [])]
    fence = ""
    for offset, line in enumerate(body.split("\n")):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fence = "" if fence and stripped.startswith(fence) else (fence or stripped[:3])
        match = None if fence else _H2.match(line)
        if match:
            chunks.append((match.group(1).strip().strip("*_").strip(), offset, []))
        else:
            chunks[-1][2].append(line)
    result = [(heading, offset, "\n".join(lines)) for heading, offset, lines in chunks]
    return [chunk for chunk in result if chunk[0] is not None or chunk[2].strip()]


def _unwritten(text: str) -> bool:
    """Whether `text` holds comments and nothing else, as `bulletin new`'s skeletons leave it:
    its page and the email would show a heading alone."""
    return "<!--" in text and not _COMMENT.sub("", text).strip()


UNWRITTEN = "no text yet: only <!-- comments -->, which are not shown"


def _warn_unwritten(where: Location, what: str, hint: str, problems: Problems,
                    verb: str = "has") -> None:
    problems.warn(where, f"{what} {verb} {UNWRITTEN}", hint)


# Markdown an editor may expect in a summary: **bold**, __bold__, *emphasis*, _emphasis_,
# [a link](url) and `code`. A lone '*' or '_' (a footnote mark, snake_case) is not one.
_MARKDOWN_IN_TEXT = re.compile(r"\*\*\S[^*]*\*\*|__\S[^_]*__|(?<![\w*])\*\S[^*]*\*(?![\w*])"
                               r"|(?<![\w_])_\S[^_]*_(?![\w_])|\[[^\]]+\]\([^)]*\)|`[^`]+`")


def _summary(fields: FieldReader, renderer: MarkdownRenderer) -> str:
    """`summary:`, plain text: it is also the description of feeds and link previews, which
    show text only. Markdown in it would come out as written: a warning at its line."""
    summary = fields.text("summary")
    markdown = _MARKDOWN_IN_TEXT.search(summary)
    if markdown:
        fields.problems.warn(fields.at("summary"), f"summary: '{markdown.group()}' is Markdown, "
                             "which a summary shows as written",
                             "a summary is plain text: write it without ** _ ` or [](...)")
    return renderer.typographic(summary)


def _image(fields: FieldReader, resolve: Resolver, doc: SourceDoc) -> Image | None:
    """`image:` (a file relative to `doc`, or an http(s) URL) with its `image_alt:`."""
    src = fields.text("image")
    alt = fields.text("image_alt")
    if not src:
        return None
    if is_external(src) and not src.startswith(("https://", "http://")):
        fields.error("image", f"image: '{src}' is neither a file nor an http(s) URL",
                     "write a path relative to this file, or an https:// address")
        return None
    target = src if is_external(src) else resolve(src, "image")
    named = "" if is_external(src) else unquote(target or "")
    # The theme's `url` filter writes a file's '#' and '?' as they are, which breaks its address.
    if "#" in named or "?" in named or links.named_as_address(doc, src):
        fields.error("image", f"image: the file's name holds '#' or '?', which an address "
                     f"reads as its fragment or query: {src}", "rename the file")
        return None
    if target is None:
        fields.error("image", *leaving_site(doc, src, "image:") or (
            f"image: no file '{src}'", links.missing_file_hint(doc, src)))
        return None
    # Image.url is a site path, like every model URL: the file's name as it is, not encoded.
    target = unquote(target.removeprefix(ROOT_MARKER))
    if not alt:
        fields.problems.warn(fields.at("image"), NO_ALT,
                             "add 'image_alt:' describing the picture")
    return Image(target, alt)


def _item(doc: SourceDoc, identity: Identity, issue_date: dt.date, resolve: Resolver,
          renderer: MarkdownRenderer, problems: Problems, memo: Reuse | None,
          originals: Originals) -> Item:
    """An item built, or taken from what the last build made (`Reuse`)."""
    def build(whole: SourceDoc, resolve: Resolver, found: Problems) -> Item:
        return _build_item(whole, identity, issue_date, resolve, renderer, found, originals)
    if memo is None:
        return build(doc, resolve, problems)
    # The issue's language too (an item that names none is written in it), and its
    # original's, for what a translation takes from it.
    return memo.item(doc, (identity, issue_date, renderer.language,
                           originals.translated_from.get(doc.rel),
                           originals.heading_names.get(doc.rel)), resolve, problems, build)


def _build_item(doc: SourceDoc, identity: Identity, issue_date: dt.date, resolve: Resolver,
                renderer: MarkdownRenderer, problems: Problems, originals: Originals) -> Item:
    fields = _fields(doc, problems)
    default = default_kind(doc.path)
    is_yaml = default == "briefs"
    known_kind = _known_kind(fields.data.get("kind"))
    kind = fields.choice("kind", ITEM_KINDS, default)
    if is_yaml and kind != "briefs":
        fields.error("kind", f"kind: a YAML item file holds briefs, not '{kind}'",
                     "write 'kind: briefs', or make it a .md file")
        kind = "briefs"  # read as what it holds: its briefs' own mistakes said in this run
    elif kind == "briefs" and doc.body.strip():
        fields.error("kind", "kind: briefs are read from 'items:' alone, so the text below the "
                     "front matter would be lost", "move it into a brief's 'body:', or choose "
                     "another kind")
    fields.raw("slug")
    lang = fields.language("lang")
    renderer = renderer.in_language(lang)
    shown_in = originals.shown_untranslated(doc)
    item = Item(
        issue_slug=identity.issue_slug, slug=identity.slug, url=identity.url, source=doc.rel,
        title=originals.speaking(doc, "title", renderer).typographic(
            fields.line("title", required=True, default=identity.slug)),
        kind=kind,
        date=fields.date("date", default=issue_date),
        summary=_summary(fields, originals.speaking(doc, "summary", renderer)),
        lang=lang or shown_in,
        untranslated=bool(shown_in),
        inherited=originals.inherited(doc),
        authors=fields.names("authors"),
        tags=read_terms(fields, "tags", renderer),
        regions=read_terms(fields, "regions", renderer),
        image=_image(fields, resolve, doc),
        contact=read_contact(fields),
        extra=fields.extra(),
    )
    briefs: tuple[Brief, ...] = ()
    roundtable = None
    html = ""
    if kind == "briefs":
        briefs = _briefs(fields, doc, identity, resolve, originals.speaking(doc, "items", renderer),
                         problems)
    elif kind == "roundtable":
        roundtable, html = _roundtable(fields, doc, identity, resolve, renderer, problems)
    else:
        if _unwritten(doc.body):
            _warn_unwritten(Location(doc.rel, doc.body_line), "the item",
                            "write its text below the front matter", problems)
        html = _render(renderer, doc.body, doc, resolve, problems, identity.slug,
                       heading_names=originals.heading_names.get(doc.rel, ()))
    # A misspelt kind is one error: the fields its right spelling reads are not warned of too.
    fields.finish(() if known_kind else KIND_FIELDS, {**NAMED_OTHERWISE, **ISSUE_ONLY})
    return replace(item, html_utf8=html.encode(), briefs=briefs, roundtable=roundtable)


def default_kind(path: Path) -> str:
    """The kind of an item file that names none: a YAML file holds briefs, Markdown news."""
    return "briefs" if path.suffix.lower() in YAML_SUFFIXES else "news"


def _known_kind(written: object) -> bool:
    """Whether the `kind:` written is one of ITEM_KINDS, or none is written."""
    return written is None or written == "" or \
        (isinstance(written, str) and written.strip() in ITEM_KINDS)


def _briefs(fields: FieldReader, doc: SourceDoc, identity: Identity, resolve: Resolver,
            renderer: MarkdownRenderer, problems: Problems) -> tuple[Brief, ...]:
    raw = fields.raw("items")
    if not isinstance(raw, list) or not raw:
        fields.error("items", "a briefs file needs 'items:', a list of briefs",
                     "write '- body: ...' entries under 'items:'")
        return ()
    named: dict[str, int] = {}  # the briefs' own ids (`id:`), by the brief that gave each
    read = []
    for number, entry in enumerate(raw, start=1):
        if not isinstance(entry, Mapping):  # a line of text, say: one error, at the list
            text = isinstance(entry, str)
            what = "empty" if entry is None else f"text, not fields: {describe(entry)}" \
                if text else f"{describe(entry)}, not fields"
            problems.add(fields.at("items"), f"brief {number} is {what}",
                         f"write it as '- body: {entry}'" if text else
                         "write each brief as '- body: ...', with its other fields under it")
            continue
        reader = FieldReader(entry, doc.rel, problems, what=f"brief {number}")
        body = reader.text("body", required=True)
        if body.strip() == BRIEF_PLACEHOLDER:
            problems.warn(reader.at("body"), f"brief {number}'s body is still the placeholder that "
                          "`bulletin new` wrote", "write the brief, or remove it")
        own = _brief_id(reader, number, named)
        by_number = ((str(number), f"{identity.slug}-{number}") if own != str(number)
                     else None)  # a brief with an id is reached by its number too
        read.append((reader, entry, body, (own, f"{identity.slug}-{own}"), by_number))
    # Every brief's anchor before any body is rendered: one may link to another ('#3').
    anchors = (*(named for *_, named, _ in read), *(number for *_, number in read if number))
    briefs = []
    for reader, entry, body, (_, anchor), by_number in read:
        line = entry.line_of("body") + (1 if "\n" in str(entry.get("body", "")) else 0)
        briefs.append(Brief(
            headline=renderer.typographic(reader.text("headline")),
            html_utf8=_render(renderer, body, doc, resolve, problems, anchor, line,
                              anchors=anchors, place=_written_at).encode(),
            regions=read_terms(reader, "regions", renderer),
            tags=read_terms(reader, "tags", renderer),
            anchor=anchor,
            number_anchor=by_number[1] if by_number else "",
        ))
        reader.finish()
    return tuple(briefs)


def _counted(doc: SourceDoc, line: int, url: str) -> int:
    """The line Markdown counted: the text is laid out as its file."""
    return line


def _written_at(doc: SourceDoc, line: int, url: str) -> int:
    """The line of `doc`'s file that writes `url`, from `line` (its value's, counted by
    Markdown) on. A brief's body written as a block (`body: |`) keeps its lines, and the
    address is on `line` itself; one folded (`>`), or wrapped over lines, in quotes or not,
    is joined into one line by YAML, and the address is further down."""
    lines = (read_text(doc.path, doc.rel, Problems()) or "").split("\n")
    shown = links.as_written(url)
    return next((number for number, written in enumerate(lines[line - 1:], start=line)
                 if shown in written), line)


def _brief_id(reader: FieldReader, number: int, named: dict[str, int]) -> str:
    """What a brief's anchor ends with: its `id:`, which stays when briefs are added or moved
    (links to it, its entry in the feeds); else its number in the file."""
    written = reader.text("id")
    if not written:
        return str(number)
    own = slugify(written)
    if not own or own.isdigit():
        reader.error("id", f"id: '{written}' names no brief (a number is a brief's place)",
                     "write a word or two, e.g. 'id: pecs-budget'")
        return str(number)
    if own in named:
        reader.error("id", f"id: '{own}' is brief {named[own]}'s too",
                     "give each brief of the file an id of its own")
        return str(number)
    named[own] = number
    return own


def _roundtable(fields: FieldReader, doc: SourceDoc, identity: Identity, resolve: Resolver,
                renderer: MarkdownRenderer, problems: Problems) -> tuple[RoundTable, str]:
    sections: list[Section] = []
    outcomes: list[Outcome] = []
    unwritten: list[tuple[int, str]] = []  # the sections of comments alone: line, heading
    intro = ""
    parts = [(heading, slugify(heading or ""), offset, text)
             for heading, offset, text in _split_h2(doc.body)]
    # A link in one section to another ('#recommendations') names it as its heading does.
    anchors = tuple((slug, f"{identity.slug}-{slug}") for heading, slug, _, _ in parts if heading)
    for heading, heading_slug, offset, text in parts:
        line = doc.body_line + offset + (1 if heading else 0)
        if heading is None:
            intro = _render(renderer, text, doc, resolve, problems, identity.slug, line,
                            anchors=anchors)
            continue
        role = section_role(heading_slug)
        meant = section_meant(heading) if role == "other" else ""
        if meant:
            problems.warn(Location(doc.rel, line - 1), f"'## {heading}' is a section of its own, "
                          "not one of the round table's parts", f"did you mean {meant}?")
        if _unwritten(text):
            unwritten.append((line - 1, f"'## {heading}'"))
        anchor = f"{identity.slug}-{heading_slug}"  # a heading of marks alone has no name
        rendered = _rendered(renderer, text, doc, resolve, problems, identity.slug, line, anchor,
                             points=role in OUTCOME_ROLES, anchors=anchors)
        sections.append(Section(role, heading, rendered.html.encode(), anchor))
        outcomes.extend(Outcome(role, point) for point in rendered.points or ())
    if unwritten:  # one warning for the skeleton's four parts
        _warn_unwritten(Location(doc.rel, unwritten[0][0]),
                        ", ".join(heading for _, heading in unwritten),
                        "write each under its heading, or remove it", problems,
                        "has" if len(unwritten) == 1 else "have")
    if not sections:
        problems.warn(Location(doc.rel, doc.body_line), "round table without sections",
                      "add '## Summary', '## Discussion', '## Conclusions', '## Recommendations'")
    roundtable = RoundTable(
        session=fields.text("session", DEFAULT_SESSION),
        **{plural: fields.role_names(plural, singular) for plural, singular in ROLES},
        venue=fields.text("venue"),
        sections=tuple(sections),
        outcomes=tuple(outcomes),
    )
    return roundtable, intro


def _build_page(doc: SourceDoc, identities: dict[Path, Identity], assets: dict[Path, str],
                renderer: MarkdownRenderer, problems: Problems, originals: Originals) -> Page:
    fields = _fields(doc, problems)
    identity = identities[doc.path]
    fields.raw("slug")
    shown_in = originals.shown_untranslated(doc)
    page = Page(
        slug=identity.slug,
        title=originals.speaking(doc, "title", renderer).typographic(
            fields.line("title", required=True, default=identity.slug)),
        summary=_summary(fields, originals.speaking(doc, "summary", renderer)),
        html_utf8=_render(renderer, doc.body, doc, links.resolver(doc, identities, assets),
                          problems, heading_names=originals.heading_names.get(doc.rel, ())
                          ).encode(),
        url=identity.url,
        source=doc.rel,
        lang=shown_in,
        untranslated=bool(shown_in),
        inherited=originals.inherited(doc),
    )
    fields.finish()
    return page


def term_indexes(issues: Sequence[Issue], prefix: str = "") -> tuple[tuple[TermIndex, ...],
                                                                      tuple[TermIndex, ...]]:
    """The tag and the region pages of `issues`, under `prefix` ('es/' for a translation)."""
    listings = _listings(issues)
    return _index(listings, "tags", prefix), _index(listings, "regions", prefix)


def _listings(issues: Sequence[Issue]) -> list[tuple[Entry, Item | Brief]]:
    """What tag and region pages can list, newest issue first: each item, then each of its
    briefs, with the entry that lists it. One entry for all the term pages that list it: equal
    entries, so one object will do, and the pages' fingerprints find its hash by identity."""
    return [(Entry(issue, item, brief), brief or item) for issue in issues
            for item in issue.items for brief in (None, *item.briefs)]


def _index(listings: list[tuple[Entry, Item | Brief]], key: str,
           prefix: str) -> tuple[TermIndex, ...]:
    """Tag or region pages: every item and brief that names a term, newest issue first."""
    entries: dict[str, list[Entry]] = {}
    # Its name: the spelling written most, and of those the first written, as
    # terms.check_term_names takes the first name for the page's own. `listings` are newest
    # issue first, each issue's items and briefs in their order: of one spelling, the place
    # written first is in the latest issue met, at the first place met in it.
    spellings: dict[str, dict[str, list[int]]] = {}  # count, issue number, -place
    issue_number, last = -1, None
    for place, (entry, listed) in enumerate(listings):
        if entry.issue is not last:
            issue_number, last = issue_number + 1, entry.issue
        for term in getattr(listed, key):
            entries.setdefault(term.slug, []).append(entry)
            seen = spellings.setdefault(term.slug, {}).setdefault(
                term.name, [0, issue_number, -place])
            seen[0] += 1
            if issue_number > seen[1]:
                seen[1:] = [issue_number, -place]
    terms = [Term(slug, max(spellings[slug].items(), key=lambda name: name[1])[0])
             for slug in entries]
    return tuple(TermIndex(term, tuple(entries[term.slug]), f"{prefix}{key}/{term.slug}/")
                 for term in sorted(terms, key=_alphabetical))


def _alphabetical(term: Term) -> tuple[str, str]:
    """A term's place in its index: by the name readers see, in the language they read
    ('agua' before 'sociedad civil' on a Spanish site, whatever the slugs), accents and case
    set aside ('Épinal' among the e's)."""
    letters = unicodedata.normalize("NFKD", term.name)
    return "".join(char for char in letters if not unicodedata.combining(char)).casefold(), \
        term.slug

