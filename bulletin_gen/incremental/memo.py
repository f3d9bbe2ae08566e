"""The parsed sources and validated items of the last build, kept per issue.

A rebuild after one edit should not read and validate every unchanged file. `ModelMemo`
keeps, in `.bulletin-cache/model/`, one pickle per issue (a folder issue, a single-file issue,
or the folder of the pages), so that an edit rewrites one small file:

- every content file as `content.read_document` parsed it, keyed by the file's path and stamp
  (size, modification time, inode), with a digest of what was read. An item file whose item
  is kept is written without its Markdown body and without its fields, all but the slug that
  the identities read (links.py): a third of the memo's objects, unpickled by every rebuild.
  Its body alone is left out when worker processes read it for other workers to build
  (`without_body`). What was left out is read again only by whoever builds the item;
- every item as `validate` built it, keyed by its file's digest and everything else it was
  built from (its issue, slug and URL, the issue's date; the Markdown setting is the memo's
  own, in every file's header), with the links and images it resolved (an entry is used only
  while each still resolves the same way) and its fingerprint (fingerprint.py), so that an
  unchanged item is not hashed again. A digest, not a stamp: a file saved again as it was (a
  checkout, a copy, a cache restored on CI) is read again, but not rendered again;
- the issue as `validate` built it, with its items, keyed by the digests of all its files and
  where each is published, so that an issue none of whose files changed comes back whole
  (while every link in it resolves the same way) instead of item by item.

A file's stamp is the one the build's input stamp took (uptodate.py) when there is one, so that
each content file is asked about once.

Only what produced no error is kept (an error can depend on other files, such as whether a link's
target exists), and a file modified within the file system's clock tick before it was read is
not kept, because a second edit within that tick would leave its stamp unchanged (git's "racy"
rule; `settled`). Each file opens with a small header (version, format, settings, issue): a
file of another version or of other settings is discarded without reading its entries, and
so is one that cannot be read. It is read with an unpickler that only makes the model's own
types.

A worker process that reads or builds issues hands back what it did, one small picklable
`MemoPart` per issue (`take_learned`), and the build's memo takes the parts in (`absorb`) before
`save`.
"""

from __future__ import annotations

import dataclasses
import io
import os
import pickle
import stat
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import IO, Any, NamedTuple, TypeVar

from ..content import IssueSource, SourceDoc, parse_file, read_body
from ..errors import Problem, Problems
from ..filestamp import settled
from ..markdown import Resolver
from ..model import Issue, Item, Term
from ..write import write_atomic
from ..yamlio import Mapping
from .fingerprint import object_digest
from .uptodate import VERSION, Stamp, text_hash

MEMO_DIR = "model"
FORMAT = 17  # of the entries below; another format is discarded
# What a document was kept without, to be read again if its item must be built.
WHOLE, NO_BODY, NAME_ONLY = 0, 1, 2  # NAME_ONLY: no body, and no fields but its slug
ADOPTED: Stamp = (0, 0, 0, 0)  # the stamp of a document made, not read (`ModelMemo.adopting`)
Link = tuple[str, str, str | None]  # url, kind, what it resolved to


class DocEntry(NamedTuple):
    """A document this build read or took, with the stamp of its file and the digest of what
    was read from it."""

    stamp: Stamp
    digest: str
    doc: SourceDoc
    left_out: int  # what it is kept without: WHOLE, NO_BODY or NAME_ONLY


# A document as kept on disk, without its path (the reader knows it, and a path is slow to
# unpickle): stamp, digest, rel, meta, body, body_line, readable, what it was kept without. A
# plain tuple: there is one for every content file, and each is unpickled by every rebuild.
StoredDoc = tuple[Stamp, str, str, Mapping, str, int, bool, int]


class ItemEntry(NamedTuple):
    """An item as built, with what it was built from."""

    key: str  # its file's digest, name and `made_from`
    links: list[Link]  # every link it resolved, and to what
    item: Item
    warnings: list[Problem]
    digest: str  # its fingerprint (fingerprint.py)


class IssueEntry(NamedTuple):
    """An issue as built, with its items, and what it was built from."""

    key: str  # the digests of its files and `made_from`
    links: list[Link]  # every link its own file resolved, and to what
    issue: Issue
    warnings: list[Problem]  # its own and its items'
    # The fingerprint of each of its items (fingerprint.py): those of a single-file issue
    # have no ItemEntry, and pickling each again to hash it was a tenth of a weekly's edit.
    digests: list[str]
Reader = Callable[[Problems], SourceDoc]
Built = TypeVar("Built", Issue, Item)
# The only things the unpickler makes: the model's dataclasses and the values inside them.
_ALLOWED = {"bulletin_gen.model", "bulletin_gen.config", "bulletin_gen.content",
            "bulletin_gen.yamlio", "bulletin_gen.errors", "pathlib", "datetime"}


@dataclasses.dataclass
class Group:
    """The entries of one issue (or of the pages) that this build used or made."""

    docs: dict[str, DocEntry] = dataclasses.field(default_factory=dict)
    items: dict[str, ItemEntry] = dataclasses.field(default_factory=dict)
    issue: IssueEntry | None = None
    changed: bool = False  # something in it was read or built again: write its file
    # The fields of the documents a translation needs whole (`ModelMemo.whole`), by path:
    # kept with them, though their items are kept too, so that the next build reads only
    # their bodies again.
    fields: dict[str, Mapping] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Stored:
    """The entries of one issue as the last build kept them in one file."""

    docs: dict[str, StoredDoc] = dataclasses.field(default_factory=dict)
    items: dict[str, ItemEntry] = dataclasses.field(default_factory=dict)
    issue: IssueEntry | None = None


@dataclasses.dataclass(frozen=True)
class MemoPart:
    """What a worker process did with the items of one issue, for the build's memo to absorb."""

    group: str
    reused: tuple[str, ...]  # items taken from the memo as they were
    built: dict[str, ItemEntry]  # items built again and worth keeping
    docs: dict[str, DocEntry]  # documents the worker read
    changed: bool  # something of the issue was read or built again
    issue: IssueEntry | None = None  # the issue built again and worth keeping
    issue_reused: bool = False  # the issue taken from the memo whole
    read: tuple[str, ...] = ()  # the issue's files the worker read (`ModelMemo.read`)


def file_stamp(path: str | Path) -> Stamp | None:
    """A regular file's `Stamp`; None for anything else."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns


def shared_term(slug: str, name: str) -> Term:
    """A tag or region as the memo writes it; reading makes one of each (`_term_maker`)."""
    return Term(slug, name)


class _ModelPickler(pickle.Pickler):
    """Writes each tag and region by its slug and name, so that reading makes one `Term` of each
    for the whole memo instead of one for every item that names it."""

    def reducer_override(self, obj: Any) -> Any:
        # Asked only about objects other than strings, numbers and plain containers: cheaper
        # than `persistent_id`, which is asked about every object.
        if type(obj) is Term:
            return shared_term, (obj.slug, obj.name)
        return NotImplemented


class _ModelUnpickler(pickle.Unpickler):
    def __init__(self, file: IO[bytes], terms: dict[tuple[str, str], Term]) -> None:
        super().__init__(file)
        # Not a method of the unpickler: its memo would hold it, and the unpickler would be
        # in a cycle, kept (with every object it made) until a collection, or for good once
        # `gc.freeze` has run.
        self.make_term = _term_maker(terms)  # terms: shared by every file of the memo

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == (__name__, shared_term.__name__):
            return self.make_term
        if module == __name__ and name in (ItemEntry.__name__, IssueEntry.__name__):
            return super().find_class(module, name)
        if module not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of the model")
        return super().find_class(module, name)


def _term_maker(terms: dict[tuple[str, str], Term]) -> Callable[[object, object], Term]:
    """What reading the memo makes a written tag or region with: one `Term` of each."""
    known: dict[Any, Term] = terms

    def term(slug: object, name: object) -> Term:
        term = known.get((slug, name))
        if term is None:
            if not isinstance(slug, str) or not isinstance(name, str):
                raise pickle.UnpicklingError("not a term")
            term = terms[slug, name] = Term(slug, name)
        return term

    return term


class ModelMemo:
    """Documents and items of the last build; `save` keeps those this build used."""

    def __init__(self, folder: Path | None, settings: str, issues_dir: Path | None = None,
                 stamps: dict[str, Stamp] | None = None, name: str = MEMO_DIR,
                 adopting: dict[int, tuple[SourceDoc, str]] | None = None) -> None:
        self.folder = folder / name if folder else None
        self.settings = settings  # what every entry depends on: version, Markdown settings
        self.issues_dir = str(issues_dir)  # a file directly in it is an issue of its own
        self.started = time.time_ns()
        self.old: dict[str, Stored] = {}  # the last build's entries, by group, loaded as needed
        self.new: dict[str, Group] = {}  # the entries this build used or made
        self.terms: dict[tuple[str, str], Term] = {}  # one of each tag and region read
        self.kept: dict[int, tuple[Item, str]] = {}  # `digests`, once `save` has let go
        self.fresh: dict[str, set[str]] = {}  # documents read since `take_learned`, by group
        # The content files this build read (site-relative), by group: what the build reports.
        self.read: dict[str, set[str]] = {}
        # Stamps taken just before this build (the input stamp's, uptodate.py), each used once.
        self.stamps = stamps if stamps is not None else {}
        # A translation's memo: its documents are made, not read (a translation read as its
        # original, languages.py), and each is taken as it comes (`_entry`), with its digest,
        # by identity, in this dict that every language's memo shares.
        self.adopting = adopting

    def group(self, path: Path) -> str:
        """The issue a content file belongs to: its folder, or itself when it is an issue."""
        return self._place(path)[1]

    def _place(self, path: Path) -> tuple[str, str]:
        """A content file's path as a string, and its group."""
        name = str(path)
        folder = os.path.dirname(name)  # (strings: asked for every file, pathlib is slower)
        return name, name if folder == self.issues_dir else folder

    def _file(self, group: str) -> Path:
        assert self.folder is not None
        return self.folder / f"{text_hash(group)}.pickle"

    def _old(self, group: str) -> Stored:
        if group not in self.old:
            self.old[group] = self._load(group)
        return self.old[group]

    def _new(self, group: str) -> Group:
        found = self.new.get(group)  # (not `setdefault`: asked per file, a Group each time)
        if found is None:
            found = self.new[group] = Group()
        return found

    def is_empty(self) -> bool:
        """True when the memo has nothing to give this build: a first or a clean build, or one
        whose settings (`unsafe_html`, which every item depends on) or version changed. One
        file's header tells: a build writes every file it keeps under its own settings."""
        if self.folder is None:
            return True
        try:
            first = next((name for name in os.listdir(self.folder) if name.endswith(".pickle")),
                         None)
            if first is None:
                return True
            with (self.folder / first).open("rb") as file:
                return self._header(file) is None
        except Exception:  # a cache that cannot be read (any way) has nothing to give
            return True

    def _header(self, file: IO[bytes]) -> str | None:
        """The group of the memo file being read, when it was written by this version with
        these settings; else None. (The header is a pickle of its own, before the entries,
        so that a file of other settings is not unpickled whole to find that out.)"""
        header = _ModelUnpickler(file, self.terms).load()
        if not isinstance(header, tuple) or len(header) != 4 or \
                header[:3] != (VERSION, FORMAT, self.settings):
            return None
        return header[3] if isinstance(header[3], str) else None

    def _load(self, group: str) -> Stored:
        if self.folder is None:
            return Stored()
        return self._read(group, self._file(group))

    def _read(self, group: str, path: Path) -> Stored:
        try:
            with path.open("rb") as file:
                if self._header(file) != group:
                    return Stored()
                data = _ModelUnpickler(file, self.terms).load()
            docs, items, issue = data["docs"], data["items"], data["issue"]
            if not _well_formed(docs, tuple, (tuple, str, str, Mapping, str, int, bool, int)) or \
                    not _well_formed(items, ItemEntry, (str, list, Item, list, str)) or \
                    not (issue is None or
                         _well_formed({"": issue}, IssueEntry,
                                      (str, list, Issue, list, list))):
                return Stored()
            return Stored(docs, items, issue)
        except Exception:  # a cache that cannot be read (any way) only makes a slower build
            return Stored()

    @property
    def docs(self) -> dict[str, DocEntry]:
        """Every document this build keeps, by path."""
        return {name: entry for group in self.new.values() for name, entry in group.docs.items()}

    @property
    def old_docs(self) -> dict[str, StoredDoc]:
        """Every document of the last build loaded so far, by path."""
        return {name: entry for group in self.old.values() for name, entry in group.docs.items()}

    def document(self, path: Path, read: Reader, problems: Problems) -> SourceDoc:
        """The document at `path`: from the memo when its stamp is unchanged, else `read`.

        A document from the memo may come without its body; `item` reads it when it needs it."""
        name, group = self._place(path)
        stamp = self.stamps.pop(name, None) or file_stamp(name)
        old = self._old(group).docs.get(name)
        if stamp is not None and old is not None and old[0] == stamp:  # a StoredDoc
            _, digest, rel, meta, body, body_line, readable, left_out = old
            doc = SourceDoc(path, rel, meta, body, body_line, readable)
            self._new(group).docs[name] = DocEntry(stamp, digest, doc, left_out)
            return doc
        found = Problems()
        doc = read(found)
        self.read.setdefault(group, set()).add(doc.rel)
        problems.extend(found)
        new = self._new(group)
        new.changed = True
        self.fresh.setdefault(group, set())
        if (stamp is not None and not found.errors and not found.warnings
                and self._settled(stamp) and file_stamp(name) == stamp):
            new.docs[name] = DocEntry(stamp, _document_digest(doc), doc, WHOLE)
            self.fresh[group].add(name)
        return doc

    def issue(self, source: IssueSource, made_from: object, resolve: Resolver,
              resolver_of: Callable[[SourceDoc], Resolver], problems: Problems,
              build: Callable[[Resolver, Problems], Issue]) -> Issue:
        """The issue of `source` built in `context`, whole from the memo when none of its files
        changed and every link in it resolves as it did; else `build` (which can still take
        its unchanged items from the memo, one by one). `resolve` serves the issue's own file,
        `resolver_of(doc)` one of its items."""
        group = self.group(source.meta.path)
        context = repr(made_from)
        key = self._issue_key(source, group, context)
        kept = self._old(group).issue
        if key is not None and kept is not None and kept.key == key and \
                self._reuse_issue(source, group, kept, resolve, resolver_of):
            problems.warnings.extend(kept.warnings)
            return kept.issue
        issue, links, found = self._build_recorded(build, resolve, problems)
        # The key again: a file that changed while this build read it is not kept (`item`).
        if key is not None and not found.errors and self._issue_key(source, group, context) == key:
            self._keep_issue(group, source,
                             IssueEntry(key, links, issue, list(found.warnings), []))
        return issue

    def _reuse_issue(self, source: IssueSource, group: str, kept: IssueEntry, resolve: Resolver,
                     resolver_of: Callable[[SourceDoc], Resolver]) -> bool:
        """Take the kept issue and its items into this build, if every link in them resolves
        as it did."""
        if not _resolve_same(kept.links, resolve):
            return False
        old = self._old(group).items
        names = [str(doc.path) for doc in source.items]
        for doc, name in zip(source.items, names, strict=True):
            entry = old.get(name)
            if entry is None or (entry.links and
                                 not _resolve_same(entry.links, resolver_of(doc))):
                return False
        new = self._new(group)
        new.items.update((name, old[name]) for name in names)
        new.issue = kept
        return True

    def _issue_key(self, source: IssueSource, group: str, context: str) -> str | None:
        """What an issue is built from besides `context`: the digests of its files, when this
        build took each from the memo or kept it; else None (nothing to keep or reuse)."""
        digests = []
        for doc in (source.meta, *source.items):
            entry = self._entry(doc, *self._place(doc.path))
            if entry is None:
                return None
            digests.append(entry.digest)
        return repr((context, digests))

    def _keep_issue(self, group: str, source: IssueSource, entry: IssueEntry) -> None:
        """Keep a built issue when every one of its items is kept too: reusing it whole gives
        the items back to the memo."""
        new = self._new(group)
        items = [new.items.get(str(doc.path)) for doc in source.items]
        digests = {}
        for item in items:
            if item is None:
                return
            digests[id(item.item)] = item.digest
        new.issue = entry._replace(digests=[
            digests.get(id(item)) or object_digest(item) for item in entry.issue.items])
        new.changed = True

    def item(self, doc: SourceDoc, made_from: object, resolve: Resolver, problems: Problems,
             build: Callable[[SourceDoc, Resolver, Problems], Item]) -> Item:
        """The item of `doc` made from its file and `made_from`, from the memo when nothing
        it read changed; else `build` is given the whole document, read again if it was kept
        without its body or fields."""
        name, group = self._place(doc.path)
        new = self._new(group)
        entry = self._entry(doc, name, group)
        if entry is None:  # read afresh and not kept: build it
            return _with_shared_terms(build(doc, resolve, problems), self.terms)
        key = repr((entry.digest, doc.rel, made_from))
        old = self._old(group).items.get(name)
        if old is not None and old.key == key and _resolve_same(old.links, resolve):
            new.items[name] = old
            problems.warnings.extend(old.warnings)
            return old.item
        new.changed = True
        if entry.left_out != WHOLE:
            self.read.setdefault(group, set()).add(doc.rel)
        whole, keep = ((doc, True) if entry.left_out == WHOLE
                       else self._read_again(doc, entry.stamp, entry.left_out, problems))
        if not keep:  # changed while this build ran: build what was read, keep nothing
            del new.docs[name]
        built, links, found = self._build_recorded(partial(build, whole), resolve, problems)
        item = _with_shared_terms(built, self.terms)
        if keep and not found.errors:
            new.items[name] = ItemEntry(key, links, item, list(found.warnings),
                                        object_digest(item))
        return item

    def _build_recorded(self, build: Callable[[Resolver, Problems], Built], resolve: Resolver,
                        problems: Problems) -> tuple[Built, list[Link], Problems]:
        """`build(resolve, ...)`, its problems added to `problems`; with what an entry keeps of
        it: every link it resolved and to what, and its own problems."""
        links: list[Link] = []

        def recording(url: str, kind: str) -> str | None:
            target = resolve(url, kind)
            links.append((url, kind, target))
            return target

        found = Problems()
        built = build(recording, found)
        problems.extend(found)
        return built, links, found

    def without_body(self, doc: SourceDoc) -> SourceDoc:
        """`doc` without its Markdown body when the memo keeps it, so the body can be read again
        if its item must be built (`item` does); else `doc` itself."""
        name, group = self._place(doc.path)
        docs = self._new(group).docs
        entry = docs.get(name)
        if entry is None or entry.doc is not doc or entry.left_out or not doc.body:
            return doc
        slim = dataclasses.replace(doc, body="")
        docs[name] = entry._replace(doc=slim, left_out=NO_BODY)
        return slim

    def whole(self, doc: SourceDoc) -> SourceDoc:
        """`doc` with what the memo gave it without (its fields, its body), read again from
        its file: a translation is read as its original, whose every field and text it needs.
        Its fields are kept with it from now on, so that a later build reads only its body.
        The problems of its file are the main site's, which read it."""
        name, group = self._place(doc.path)
        new = self._new(group)
        entry = new.docs.get(name)
        if entry is None or entry.doc is not doc or entry.left_out == WHOLE:
            return doc
        whole, same = self._read_again(doc, entry.stamp, entry.left_out, Problems())
        if same:
            new.fields[name] = whole.meta
            new.changed = new.changed or entry.left_out == NAME_ONLY
        return whole

    def has_item(self, doc: SourceDoc) -> bool:
        """True when the memo may hold `doc`'s item, or the issue of a single-file issue's
        `doc`: its file is as the last build read it. (`item` and `issue` still check
        everything else it was built from.)"""
        name, group = self._place(doc.path)
        if self._entry(doc, name, group) is None:
            return False
        old = self._old(group)
        return name in old.items or (name == group and old.issue is not None)

    def _entry(self, doc: SourceDoc, name: str, group: str) -> DocEntry | None:
        """The entry of `doc` (whose path is `name`, in `group`) when this build read it
        through the memo or (`adopting`) took it; None when it is not to be kept."""
        new = self._new(group)
        entry = new.docs.get(name)
        if entry is not None and entry.doc is doc:
            return entry
        if self.adopting is None:
            return None
        # An original shown untranslated is the same document in every language: hashed once.
        known = self.adopting.get(id(doc))
        if known is None or known[0] is not doc:
            known = self.adopting[id(doc)] = (doc, _document_digest(doc))
        entry = new.docs[name] = DocEntry(ADOPTED, known[1], doc, WHOLE)
        self.fresh.setdefault(group, set()).add(name)  # for the main process, from a worker
        return entry

    def take_learned(self) -> list[MemoPart]:
        """What this process read and did with items since the last call, one part for each
        issue, forgotten here: what a worker process's copy of the memo hands back
        (pool.Learner). Sent in one pickle with the sources or issues, the parts share their
        documents and items with them."""
        parts = [self._part(group) for group, entries in self.new.items()
                 if entries.items or entries.issue or group in self.fresh or group in self.read]
        for group in self.new.values():
            group.items = {}
            group.issue = None
        self.fresh = {}
        self.read = {}
        return parts

    def absorb(self, parts: list[MemoPart]) -> None:
        """Take in what a worker's copy of the memo did with the items of some issues."""
        for part in parts:
            new, old = self._new(part.group), self._old(part.group)
            for name in part.reused:
                if name in old.items:
                    new.items[name] = old.items[name]
            new.items.update(part.built)
            new.docs.update(part.docs)
            if part.issue_reused and old.issue is not None:
                new.issue = old.issue
            elif part.issue is not None:
                new.issue = part.issue
            new.changed = new.changed or part.changed
            self.read.setdefault(part.group, set()).update(part.read)

    def _read_again(self, doc: SourceDoc, stamp: Stamp, left_out: int,
                    problems: Problems) -> tuple[SourceDoc, bool]:
        """`doc` with what it was kept without, read again from its file, and whether the file
        is still what it was when the memo kept it. Kept without its body alone, its front
        matter is not parsed again: as everywhere in the memo, an unchanged stamp says the
        file is unchanged. The problems of a file that changed since are this build's."""
        if left_out == NAME_ONLY:
            found = Problems()
            again = parse_file(doc.path, doc.rel, found)
            problems.extend(found)
            same = again.readable and not found.errors and not found.warnings and \
                again.body_line == doc.body_line
            whole = dataclasses.replace(doc, meta=again.meta, body=again.body,
                                        readable=again.readable)
        else:
            read = read_body(doc.path, doc.rel)
            body, body_line = read or ("", doc.body_line)
            same = read is not None and body_line == doc.body_line
            whole = dataclasses.replace(doc, body=body)
        return whole, same and file_stamp(doc.path) == stamp

    def _settled(self, stamp: Stamp) -> bool:
        """False when the file changed so shortly before this build that a second change
        could keep the same stamp."""
        return settled(stamp[1], self.started)

    def digests(self) -> dict[int, tuple[Item, str]]:
        """The fingerprint of every item this build keeps, by the identity of the item."""
        if self.kept:
            return self.kept
        found: dict[int, tuple[Item, str]] = {}
        for group in self.new.values():
            found.update((id(entry.item), (entry.item, entry.digest))
                         for entry in group.items.values())
            if group.issue is not None:
                found.update((id(item), (item, digest)) for item, digest
                             in zip(group.issue.issue.items, group.issue.digests, strict=True))
        return found

    def _part(self, group: str) -> MemoPart:
        new, stored = self._new(group), self._old(group)
        old = stored.items
        reused = tuple(name for name, entry in new.items.items() if old.get(name) is entry)
        built = {name: entry for name, entry in new.items.items() if old.get(name) is not entry}
        docs = {name: new.docs[name] for name in self.fresh.get(group, ())}
        issue_reused = new.issue is not None and new.issue is stored.issue
        return MemoPart(group, reused, built, docs, new.changed or bool(built),
                        None if issue_reused else new.issue, issue_reused,
                        tuple(sorted(self.read.get(group, ()))))

    def files_read(self) -> tuple[str, ...]:
        """The content files this build read, site-relative, in path order."""
        return tuple(sorted(name for names in self.read.values() for name in names))

    def save(self) -> None:
        """Keep the entries this build used, rewriting only the issues whose entries changed,
        and forget the issues this build did not see. The memo then lets go of its documents
        (the rest of the build needs only the items' `digests`)."""
        self._write()
        self.kept = self.digests()
        self.old, self.new = {}, {}
        self.stamps.clear()

    def _write(self) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for group, entries in self.new.items():
            old = self.old.get(group, Stored())
            if not entries.changed and entries.docs.keys() == old.docs.keys() \
                    and entries.items.keys() == old.items.keys():
                continue
            if not entries.docs and not entries.items:
                self._file(group).unlink(missing_ok=True)
                continue
            buffer = io.BytesIO()
            # Two pickles, each with a pickler of its own: the header, then the entries.
            _ModelPickler(buffer, pickle.HIGHEST_PROTOCOL).dump(
                (VERSION, FORMAT, self.settings, group))
            _ModelPickler(buffer, pickle.HIGHEST_PROTOCOL).dump(
                {"docs": _slim(entries, self.adopting is not None), "items": entries.items,
                 "issue": entries.issue})
            write_atomic(self._file(group), buffer.getvalue())
        seen = {self._file(group).name for group in self.new}
        for name in os.listdir(self.folder):
            if name not in seen and not name.startswith("."):
                (self.folder / name).unlink(missing_ok=True)


def _document_digest(doc: SourceDoc) -> str:
    """What a document was read as, hashed: a file saved again as it was (a checkout, a copy)
    has a new stamp, but its items and issue are taken from the memo all the same."""
    return object_digest((doc.rel, doc.meta, doc.body, doc.body_line, doc.readable))


def _resolve_same(links: list[Link], resolve: Resolver) -> bool:
    """True when every link resolves to what it did."""
    return all(resolve(url, kind) == target for url, kind, target in links)


def _with_shared_terms(item: Item, terms: dict[tuple[str, str], Term]) -> Item:
    """`item` with one `Term` of each tag and region for the whole memo, as reading it makes
    them: the items that worker processes build would otherwise reach the main process with
    a copy of each for every item that names it."""
    def shared(found: tuple[Term, ...]) -> tuple[Term, ...]:
        return tuple(terms.setdefault((term.slug, term.name), term) for term in found)

    briefs = tuple(dataclasses.replace(brief, tags=shared(brief.tags),
                                       regions=shared(brief.regions)) for brief in item.briefs)
    return dataclasses.replace(item, tags=shared(item.tags), regions=shared(item.regions),
                               briefs=briefs)


def _slim(group: Group, adopted: bool) -> dict[str, StoredDoc]:
    """The documents of a group as kept on disk, those of kept items with nothing but what
    the identities read; all of them so when they are `adopted` (never read back: they are
    made again by every build)."""
    stored = {}
    bare: dict[int, Mapping] = {}  # `_name_only`'s front matters without a slug
    for name, (stamp, digest, doc, left_out) in group.docs.items():
        meta = group.fields.get(name, doc.meta)
        if name in group.fields:
            left_out = NO_BODY
        elif adopted or name in group.items:
            left_out = NAME_ONLY
        meta = _name_only(meta, bare) if left_out == NAME_ONLY else meta
        stored[name] = (stamp, digest, doc.rel, meta, "" if left_out else doc.body, doc.body_line,
                        doc.readable, left_out)
    return stored


def _name_only(meta: Mapping, bare: dict[int, Mapping]) -> Mapping:
    """The fields of a kept item's file that are read before its item is taken from the memo:
    its slug, for the identities (links.py). Most have none: those of a memo file share one
    empty Mapping for each first line (`bare`), which the file then writes once."""
    if "slug" not in meta:
        if meta.start_line not in bare:
            bare[meta.start_line] = Mapping(start_line=meta.start_line)
        return bare[meta.start_line]
    kept = Mapping(start_line=meta.start_line)
    kept["slug"] = meta["slug"]
    kept.lines["slug"] = meta.line_of("slug")
    return kept


def _well_formed(entries: object, kind: type, shape: tuple[type, ...]) -> bool:
    """True when `entries` maps names to tuples of class `kind` with fields of the types of
    `shape`."""
    return isinstance(entries, dict) and all(
        isinstance(name, str) and isinstance(entry, tuple) and type(entry) is kind
        and len(entry) == len(shape)
        and all(map(isinstance, entry, shape)) for name, entry in entries.items())
