"""Fingerprints: stable hashes of what each output page is built from.

A page's fingerprint covers its output path and URL, its template and every template that one
loads (found by parsing them), the parts of `site` those templates read, the site's settings,
the catalogue of its language's words, and the page's own context values. Equal fingerprints
mean that rendering the page again would give the same bytes; `cache.py` uses them to decide
what a rebuild renders. An item kept by the model memo (memo.py) brings its hash with it, so
that an unchanged item is not hashed again.
"""

from __future__ import annotations

import dataclasses
import io
import os
import pickle
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import TemplateError, TemplateNotFound, meta, nodes

from ..filestamp import file_version
from ..layout import CACHE_DIR, MADE_DIR
from ..model import Entry, Issue, Site, TermIndex
from ..search import SearchShard
from ..templates import ThemeEnvironment
from .uptodate import VERSION, bytes_digest, text_hash

# Methods and properties of Site, and the field each one reads.
SITE_READS = {"page": "pages", "issues_by_year": "issues", "latest": "issues"}
# Properties of Site hashed by their value: a template asking whether there are tags depends
# on the answer, not on every tag (the menu of every page asks).
SITE_VALUES = ("has_tags", "has_regions")
SITE_FIELDS = tuple(field.name for field in dataclasses.fields(Site))
# Model objects that hold others shared across pages: hashed field by field, so that each
# item is hashed once however many pages show it. Any other object is hashed by its pickle,
# which is equal only for equal values (a difference at worst renders a page for nothing).
COMPOSITES = (Site, Issue, TermIndex)
ISSUE_FIELDS = tuple(field.name for field in dataclasses.fields(Issue) if field.name != "assets")
# Those that hold tag and region entries, whose hash depends on whether the page's templates
# can read the entries' issues' items (`Fingerprinter._entry`).
HOLDING_ENTRIES = (Site, TermIndex)
# The names by which a template reaches an issue's items: the field, and the properties of
# `Issue` that gather from its items. A template that names none of them cannot read the items.
ISSUE_ITEMS = frozenset({"items", "outcomes", "regions", "labels_news"})
# The sections of the settings that switch editions and services on and off: a page depends on
# one only when its templates read it (`config.pdf.enabled`), so that a build with `--no-pdf`,
# or a new publishing target, does not render every page again. Elsewhere they are read only to
# plan the pages and their contexts, which the fingerprints cover; an edition's finishing step
# (render.PagePlan.finish) must not read them.
SWITCHES = frozenset({"pdf", "email", "search", "publish", "links"})
# Among a template's names (`analyse`), those that say it reads every one of them.
EVERY_SWITCH = frozenset(f"config.{section}" for section in SWITCHES)
# The theme's filters whose text argument names a field only to ask its language
# (`item | lang_attrs('items')`, model.lang_of): it reads no field of that name.
LANGUAGE_FILTERS = frozenset({"lang_attrs"})
# What parsing a template found: the fields of `site` it reads, the attribute names and strings
# it contains, the templates it loads (None: a name computed at run time).
Analysis = tuple[list[str], list[str], list[str | None]]


def object_digest(value: object) -> str:
    """A hash of `value`'s pickle, written without back-references: equal values give equal
    bytes whichever of their strings happen to be one object (a cached item shares fewer)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, 5)
    pickler.fast = True
    pickler.dump(value)
    return bytes_digest(buffer.getvalue())


class Fingerprinter:
    """Hashes of what a page is built from. Model objects are hashed once each, by identity;
    `known` gives the hashes of objects already hashed (the model memo's items), with the
    objects, which are kept alive so that no other object can take their identity."""

    def __init__(self, env: ThemeEnvironment, site: Site,
                 known: Mapping[int, tuple[object, str]] | None = None,
                 analyses: Mapping[str, Analysis] | None = None,
                 words: Callable[[str], str] | None = None) -> None:
        self.env = env
        self.site = site
        self.words = words  # the digest of the catalogue of a language (i18n.catalogue_digest)
        self.spoken: dict[str, str] = {}  # `words`, by language
        self.term_names: dict[str, str] = {}  # `_term_names`, by language prefix
        self.known = known or {}
        self.memo: dict[int, str] = {key: digest for key, (_, digest) in self.known.items()}
        self.templates: dict[tuple[str, int], str] = {}  # by name and the site's identity
        self.sources: dict[str, str] = {}  # each template's text, by name
        self.parsed: dict[str, tuple[set[str], set[str], list[str | None]] | None] = {}
        # Templates parsed by an earlier build, by the hash of their text (a parse is most of
        # the time a template takes here); `analysed` gets those this build used.
        self.analyses = analyses or {}
        self.analysed: dict[str, Analysis] = {}
        # The field names of each dataclass; an issue's without its files (`Issue.assets`),
        # which only a template naming them reads (`_template`): a note beside its texts,
        # published by none, made its pages and PDF again.
        self.shapes: dict[type, tuple[str, ...] | None] = {Issue: ISSUE_FIELDS}
        # Templates that never name an issue's items (ISSUE_ITEMS): the issues they show, their
        # entries' too, are hashed without their items, so that the archive and a tag page
        # change only with what they show.
        self.itemless: dict[str, bool] = {}
        # Hashes of tag and region entries, by `without_items`, then by identity.
        self.entries: dict[bool, dict[int, str]] = {False: {}, True: {}}
        self.heads: dict[int, str] = {}  # issues without their items, by identity
        self.by_items: dict[tuple[int, bool], str] = {}  # HOLDING_ENTRIES, by identity and flag
        self.without_items = False  # while hashing the context of such a template
        self.reads_hashed: dict[int, tuple[tuple[Path, ...], str]] = {}  # `_files`, by identity
        self.sequences: dict[tuple[int, bool], tuple[tuple[Any, ...], str]] = {}  # `_sequence`

    def page(self, path: str, url: str, template: str, context: dict[str, Any],
             reads: tuple[Path, ...] = ()) -> str:
        """The fingerprint of one page: template closure, site parts read, its own context,
        and the name, size and time of each file it reads. A page of a translation has its
        language's site in its context: the parts its templates read are that site's."""
        site = context.get("site", self.site)
        known = self.templates.get((template, id(site)))
        if known is None:
            known = self.templates[template, id(site)] = self._template(template, site)
        self.without_items = self.itemless[template]
        keys = sorted(key for key in context if key != "site")
        values = [self.value(context[key]) for key in keys]
        return text_hash(path, url, known, *keys, *values, self._files(reads))

    def _files(self, reads: tuple[Path, ...]) -> str:
        """The name, size and time of each file of `reads`, hashed: one tuple is shared by every
        PDF of a build, hashed once."""
        known = self.reads_hashed.get(id(reads))
        if known is None or known[0] is not reads:
            known = self.reads_hashed[id(reads)] = (reads, text_hash(*map(file_entry, reads)))
        return known[1]

    def _entry(self, entry: Entry) -> str:
        """An entry of a tag or region page; its issue without the issue's items when the
        page's templates cannot read them."""
        # One entry stands for an item (or brief) on all its term pages and in `site.tags`
        # and `site.regions` (validate.py): hashed once for each kind of page.
        known = self.entries[self.without_items].get(id(entry))
        if known is None:
            issue = self.value(entry.issue)  # its head only, when `without_items` (`value`)
            item = self.value(entry.item)
            # The parts' hashes side by side, not hashed again: an entry is only ever a part
            # of a sequence's hash, and hashing each again would cost more than all the rest.
            known = f"Entry:{issue}:{item}:{self._brief(entry, item)}"
            self.entries[self.without_items][id(entry)] = known
        return known

    def _brief(self, entry: Entry, item: str) -> str:
        """An entry's brief: none for an item's own entry; one of its item's briefs is named by
        the item's hash and its place there, which say all of it, instead of being hashed
        again."""
        if entry.brief is None:
            return ""
        position = next((number for number, brief in enumerate(entry.item.briefs)
                         if brief is entry.brief), None)
        if position is None:
            return self.value(entry.brief)
        return f"Brief:{item}#{position}"

    def _head(self, issue: Issue) -> str:
        """An issue's hash without its items."""
        known = self.heads.get(id(issue))
        if known is None:
            known = self.heads[id(issue)] = text_hash("Issue", *[
                self.value(getattr(issue, name)) for name in ISSUE_FIELDS if name != "items"])
        return known

    def value(self, value: Any) -> str:
        """A stable hash of a model value: dataclasses, containers, dates, strings, numbers."""
        # Only model objects of the site (alive while it is) are remembered by identity, so
        # that no other live object can have one of these identities.
        kind = type(value)
        if kind is Entry:  # tens of thousands, never in `memo`
            return self._entry(value)
        if kind is Issue and self.without_items:  # the page's templates cannot reach its items
            return self._head(value)
        known = self.memo.get(id(value))
        if known is not None:
            return known
        if kind is str or value is None:
            return f"{kind.__name__}:{value!r}"
        if isinstance(value, (tuple, list)):  # before the dataclass questions: the commonest
            return self._sequence(value)
        fields = self.shapes.get(kind, ())
        if fields == ():
            fields = self.shapes[kind] = (tuple(field.name for field in dataclasses.fields(kind))
                                          if dataclasses.is_dataclass(kind) else None)
        if kind in HOLDING_ENTRIES:  # hashed apart for pages with and without issues' items
            key = (id(value), self.without_items)
            known = self.by_items.get(key)
            if known is None:
                known = self.by_items[key] = text_hash(
                    kind.__name__, *[self.value(getattr(value, name)) for name in fields or ()])
            return known
        if fields is not None:
            known = (text_hash(kind.__name__, *[self.value(getattr(value, name))
                                                for name in fields])
                     if kind in COMPOSITES else object_digest(value))
            self.memo[id(value)] = known
            return known
        if isinstance(value, dict):
            return text_hash("map", *[f"{key}={self.value(value[key])}" for key in sorted(value)])
        if callable(value) and hasattr(value, "__qualname__"):  # a helper the template calls
            return f"code:{value.__module__}.{value.__qualname__}"
        if hasattr(value, "__dict__"):  # a helper object: its class and what it holds
            return text_hash(kind.__qualname__, self.value(vars(value)))
        return f"{kind.__name__}:{value!r}"

    def _sequence(self, value: tuple[Any, ...] | list[Any]) -> str:
        """A tuple or list's hash. A tuple is hashed once however many pages show it (a
        page's `versions` in every language are one tuple, shown by each of them), and kept
        alive with its hash, so that no other tuple can take its identity."""
        key = (id(value), self.without_items)
        known = self.sequences.get(key) if type(value) is tuple else None
        if known is not None:
            return known[1]
        # A part already hashed is found without a call: most are entries of tag and region
        # pages, 100,000 at 10,000 items, each hashed once but listed twice.
        entries = self.entries[self.without_items]
        digest = text_hash("seq", *[entries.get(id(part)) or self.value(part) for part in value])
        if type(value) is tuple:
            self.sequences[key] = (value, digest)
        return digest

    def _template(self, name: str, site: Site) -> str:
        """The hash of a template, every template it loads, and the parts of the site and of
        its settings they read."""
        loaded, reads, names = self._closure(name)
        self.itemless[name] = self.without_items = names.isdisjoint(ISSUE_ITEMS)
        sources = [f"{each}:{self._source(each)}" for each in sorted(loaded)]
        # The settings (`site.config`) are hashed by `_settings`, those sections only that
        # the templates read.
        site_parts = [f"{part}={self.value(getattr(site, part))}" for part in sorted(reads)
                      if part != "config"]
        if "assets" in names:  # it may list an issue's files: every issue's are its input
            site_parts.append(text_hash(*[f"{asset.url}:{asset.source}" for issue in site.issues
                                          for asset in issue.assets]))
        return text_hash(VERSION, *sources, self._settings(site, names), *site_parts,
                         self._spoken(site.config.language))

    def _settings(self, site: Site, names: set[str]) -> str:
        """The hash of the site's settings, of the SWITCHES only those in `names`."""
        config = site.config
        # Not the lines of bulletin.yaml's keys (`compare=False`): they only place its errors.
        return text_hash(*[f"{field.name}={self.value(getattr(config, field.name))}"
                           for field in dataclasses.fields(config) if field.compare
                           and (field.name not in SWITCHES or f"config.{field.name}" in names)])

    def _spoken(self, language: str) -> str:
        if language not in self.spoken:
            self.spoken[language] = self.words(language) if self.words else ""
        return self.spoken[language]

    def shard(self, shard: SearchShard, made_by: str) -> str:
        """The fingerprint of a search shard's bundle (search.py): its issues, its language's
        settings, place and words, `made_by`, and this version of bulletin-gen, which writes
        the documents. Unlike the shard's own digest it makes no documents: a rebuild would
        make every shard's to index one."""
        site = shard.site
        self.without_items = False  # a bundle indexes every item
        return text_hash("search", VERSION, made_by, site.prefix,
                         self._settings(site, {"config.search"}),
                         self._spoken(site.config.language), self._term_names(site),
                         *[self.value(issue) for issue in shard.issues])

    def _term_names(self, site: Site) -> str:
        """The hash of the names of `site`'s tag and region pages, which every bundle's
        filters take (search.Words), whichever issues' items spell them."""
        if site.prefix not in self.term_names:
            self.term_names[site.prefix] = text_hash(*[
                f"{index.term.slug}={index.term.name}" for index in site.tags + site.regions])
        return self.term_names[site.prefix]

    def _closure(self, name: str) -> tuple[set[str], set[str], set[str]]:
        """The templates `name` loads, the fields of `site` they read, and every attribute
        name or string they contain (`x.items`, `x['items']`, `attribute='items'`)."""
        loaded: set[str] = set()
        reads: set[str] = set()
        names: set[str] = set()
        waiting = [name]
        while waiting:
            current = waiting.pop()
            if current in loaded:
                continue
            loaded.add(current)
            parts = self._parts(current)
            if parts is None:  # rendering will report it; until then, assume the worst
                return set(self.env.list_templates()), set(SITE_FIELDS), {"items", *EVERY_SWITCH}
            reads |= parts[0]
            names |= parts[1]
            for referenced in parts[2]:
                if referenced is None:  # a name computed at run time: assume any template
                    waiting.extend(self.env.list_templates())
                else:
                    waiting.append(referenced)
        return loaded, reads, names

    def _parts(self, name: str) -> tuple[set[str], set[str], list[str | None]] | None:
        """What one template reads of `site`, the names it contains and the templates it
        loads; None when it cannot be found or parsed. Parsed once, however many templates
        load it."""
        if name not in self.parsed:
            try:
                source = self._source(name)
            except TemplateNotFound:  # loaded by a template, but not there: as unparsable
                self.parsed[name] = None
                return None
            key = text_hash(VERSION, source)  # an analysis of another version is not taken
            found = self.analyses.get(key)
            if found is None:
                try:
                    found = analyse(self.env.parse_to_compile(source, name))
                except TemplateError:
                    self.parsed[name] = None
                    return None
            self.analysed[key] = found
            self.parsed[name] = (set(found[0]), set(found[1]), list(found[2]))
        return self.parsed[name]

    def _source(self, name: str) -> str:
        if name not in self.sources:
            loader = self.env.loader
            assert loader is not None
            self.sources[name] = loader.get_source(self.env, name)[0]
        return self.sources[name]


# A file of a made folder (layout.MADE_DIR) never changes: its path says it all. Its stamp
# would not: made just before, it is keyed by its bytes, and settled by the next build, by
# its stamp, which made its PDF again.
_MADE = f"{os.sep}{CACHE_DIR}{os.sep}{MADE_DIR}{os.sep}"


def file_entry(path: str | Path) -> str:
    """What a file read or copied is to a fingerprint: its path and its version
    (`file_version`), or 'missing'; a file of a made folder, its path alone (`_MADE`)."""
    name = str(path)
    if _MADE in name:
        return name
    try:
        return f"{name}:{file_version(path)}"
    except OSError:
        return f"{name}:missing"


def analyse(tree: nodes.Template) -> Analysis:
    """What a parsed template reads of `site`, the names it contains and what it loads. Among
    the names, `config.pdf` says that it reads that section of the settings."""
    names: set[str] = set()
    reads: set[str] = set()
    sites: list[nodes.Node] = []  # every use of the name `site`
    settings: list[nodes.Node] = []  # every use of `config` and `site.config`
    followed = set()  # the identities of those followed by an attribute: `site.issues`
    asked: set[int] = set()  # the identities of LANGUAGE_FILTERS' arguments (met before them)
    # One walk, as it is slow; a node is met before the nodes inside it.
    for node in tree.find_all((nodes.Getattr, nodes.Const, nodes.Name, nodes.Filter)):
        if isinstance(node, nodes.Filter):
            if node.name in LANGUAGE_FILTERS:
                asked.update(id(each) for argument in node.args
                             for each in _constant_choices(argument))
        elif isinstance(node, nodes.Getattr):
            names.add(node.attr)
            inner = node.node
            if _is_settings(inner):
                names.add(f"config.{node.attr}")
                followed.add(id(inner))
            if isinstance(inner, nodes.Name) and inner.name == "site":
                reads.add(SITE_READS.get(node.attr, node.attr))
                followed.add(id(inner))
                if node.attr == "config":
                    settings.append(node)
        elif isinstance(node, nodes.Const):
            if isinstance(node.value, str) and id(node) not in asked:
                names.add(node.value)
        elif isinstance(node, nodes.Name) and node.name == "site":
            sites.append(node)
        elif isinstance(node, nodes.Name) and node.name == "config":
            settings.append(node)
    # A template using `site` as a whole, or a field it does not have, may read any field; one
    # using the settings as a whole may read any section of them.
    whole_site = any(id(node) not in followed for node in sites)
    if whole_site or not reads <= {*SITE_FIELDS, *SITE_VALUES}:
        reads = set(SITE_FIELDS)
    if whole_site or any(id(node) not in followed for node in settings):
        names |= EVERY_SWITCH
    return sorted(reads), sorted(names), list(meta.find_referenced_templates(tree))


def _constant_choices(node: nodes.Node) -> list[nodes.Const]:
    """The constants an argument is one of: 'items', or each branch of `'a' if x else 'b'`;
    none when it is computed otherwise."""
    if isinstance(node, nodes.Const):
        return [node]
    if isinstance(node, nodes.CondExpr):
        return _constant_choices(node.expr1) + (
            _constant_choices(node.expr2) if node.expr2 is not None else [])
    return []


def _is_settings(node: nodes.Node) -> bool:
    """True for `config` and `site.config`."""
    return (isinstance(node, nodes.Name) and node.name == "config") or (
        isinstance(node, nodes.Getattr) and node.attr == "config"
        and isinstance(node.node, nodes.Name) and node.node.name == "site")
