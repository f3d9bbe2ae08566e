"""Tags and regions: the names items give them, and the address each name's page takes.

A term's page is at the slug of its name (markdown.slugify), which keeps only letters and
digits, in lower case and without the accents of Latin letters. Names that differ only in case,
accents, width or quotation marks are one name written two ways ('Water', 'water', and 'Water'
in full-width letters), and share their page on purpose. Names that differ in anything else
('C++' and 'C#', 'R&D <lab>' and 'R D lab') are different names that one page would silently
merge: a warning at the line that writes the later one. A name of symbols alone ('+++', '?')
makes no address, so its item would lose it without a word: an error, as is a `slug:` or a
brief's `id:` without a letter.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from .content import Sources, parse_file
from .errors import Location, Problems
from .fields import FieldReader
from .markdown import MarkdownRenderer, slugify
from .model import Issue, Item, Term
from .yamlio import Mapping

TERM_KEYS = ("tags", "regions")
# Quotation marks, apostrophes and hyphens are typography: one name is “quoted” in English
# and « quoted » in French, and 'Post-conflict' is 'post conflict' written another way (as
# 'Côte d'Ivoire' is 'Cote d Ivoire'): each is read as a space.
_MARKS = dict.fromkeys(map(ord, "\"'\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f"
                                 "\u00ab\u00bb\u2039\u203a-\u2010\u2011\u2012\u2013\u2014"),
                       " ")


def spelling(name: str) -> str:
    """`name` with what only changes how it is written set aside: compatibility forms and
    width (NFKC: 'Water' in full-width letters is 'Water'), case, the accents of Latin
    letters (as slugify drops them), quotation marks, apostrophes and hyphens, and runs of
    spaces. Two names with one spelling are one name."""
    kept: list[str] = []
    latin = False
    for char in unicodedata.normalize("NFD", unicodedata.normalize("NFKC", name)):
        if unicodedata.combining(char):
            if not latin:  # the marks of other scripts are part of their letters
                kept.append(char)
            continue
        latin = "LATIN" in unicodedata.name(char, "")
        kept.append(char)
    text = unicodedata.normalize("NFC", "".join(kept)).translate(_MARKS).casefold()
    return " ".join(text.split())


def read_terms(fields: FieldReader, key: str, renderer: MarkdownRenderer) -> tuple[Term, ...]:
    """The tags or regions (`key`) of an item or brief, one for each address: 'Water' and
    'water' are one tag, and the first spelling is kept. Two different names with one address
    are warned of, and a name without an address is an error."""
    terms: dict[str, Term] = {}
    written: dict[str, str] = {}  # the first name given for each slug, as written
    for name in fields.names(key):
        slug = slugify(name)
        if not slug:
            fields.error(key, f"{fields.label(key)}: '{name}' has no letter or digit to make "
                              "an address from, so it would have no page",
                         f"name the {key[:-1]} with a word, or leave it out")
            continue
        first = written.setdefault(slug, name)
        if first != name and spelling(first) != spelling(name):
            fields.problems.warn(fields.at(key), *shared_address(
                fields.label(key), f"'{name}' and '{first}' are different names with one "
                f"address, {key}/{slug}/: only '{first}' is shown", key))
        terms.setdefault(slug, Term(slug, renderer.typographic(name)))
    return tuple(terms.values())


def shared_address(label: str, what: str, key: str) -> tuple[str, str]:
    """The message and hint of a warning about two names of `key` with one address."""
    return (f"{label}: {what}",
            f"use one name for one {key[:-1]}; for two {key}, names that differ in their "
            "letters or digits: an address leaves out every other character")


# Where one of an item's tags or regions was written: the item, and the number of the brief
# in its file when a brief names it.
Place = tuple[Item, int | None]


def check_term_names(issues: Sequence[Issue], sources: Sources, problems: Problems) -> None:
    """A warning for each name of a tag (or region) that another item or brief of the site
    writes differently, beyond spelling, for the same address ('R D lab' after 'R&D <lab>'):
    at the first place that writes it, naming the first name the site gives and where. One
    item's own names were checked as it was read (`read_terms`). The issues this build
    publishes, oldest first, so that the name written first stays unwarned."""
    locate = _locator(sources)
    for key in TERM_KEYS:
        first: dict[str, tuple[str, Place]] = {}
        said: set[tuple[str, str]] = set()
        for term, place in _written_terms(issues, key):
            name, where = first.setdefault(term.slug, (term.name, place))
            if term.name == name:  # as most are: no spelling to compare
                continue
            written = (term.slug, spelling(term.name))
            if spelling(name) == written[1] or written in said:
                continue
            said.add(written)
            problems.warn(locate(place, key), *shared_address(
                key, f"'{term.name}' and '{name}' ({locate(where, key)}) are different names "
                f"with one address, {key}/{term.slug}/, whose page lists both", key))


def _written_terms(issues: Sequence[Issue], key: str) -> Iterator[tuple[Term, Place]]:
    """Every tag (or region) of `issues`, oldest issue first (they come newest first), in the
    order of the items and of their briefs; one at a time, as a build of 10,000 items keeps
    to its memory."""
    for issue in reversed(issues):
        for item in issue.items:
            yield from ((term, (item, None)) for term in getattr(item, key))
            for number, brief in enumerate(item.briefs):
                yield from ((term, (item, number)) for term in getattr(brief, key))


def _locator(sources: Sources) -> Callable[[Place, str], Location]:
    """Where a place writes its tags (or regions): the line of the field in its file, which
    is read again, as the model keeps no lines (and a rebuild may have kept only the item).
    The files are looked up only once one is asked for: most builds say nothing."""
    read: dict[str, Mapping] = {}
    paths: dict[str, Path] = {}

    def locate(place: Place, key: str) -> Location:
        item, brief = place
        if not paths:
            paths.update((doc.rel, doc.path) for issue in sources.issues for doc in issue.items)
        path = paths.get(item.source)
        if path is None:
            return Location(item.source)
        if item.source not in read:
            read[item.source] = parse_file(path, item.source, Problems()).meta
        fields = read[item.source]
        if brief is not None:  # the briefs are the mappings of `items:`, in order (_briefs)
            entries = fields.get("items")
            briefs = [entry for entry in entries if isinstance(entry, Mapping)] \
                if isinstance(entries, list) else []
            fields = briefs[brief] if brief < len(briefs) else fields
        return Location(item.source, fields.line_of(key))

    return locate
