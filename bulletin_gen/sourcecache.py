"""The parsed sources and validated items of the last build, kept by file stamp.

A rebuild after one edit should not read and validate ten thousand unchanged files. `ModelMemo`
keeps, in `.bulletin-cache/model.pickle`:

- every content file as `content.read_document` parsed it, keyed by the file's path and stamp
  (size, modification time, inode);
- every item as `validate` built it, keyed by its file's stamp and everything else it was built
  from (its issue, slug and URL, the issue's date, the Markdown settings), with the links and
  images it resolved: an entry is used only while each of them still resolves the same way.

Only what produced no error is kept (an error can depend on other files, such as whether a link's
target exists), and a file modified less than `RACY_NS` before it was read is not kept, because
a second edit within the file system's clock tick would leave its stamp unchanged (git's "racy"
rule). A pickle of another version, or one that cannot be read, is discarded; it is read with an
unpickler that only makes the model's own types.
"""

from __future__ import annotations

import io
import pickle
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .content import SourceDoc
from .errors import Problem, Problems
from .fingerprint import VERSION
from .markdown import Resolver
from .model import Item
from .write import write_atomic

MEMO_FILE = "model.pickle"
FORMAT = 2  # of the entries below; another format is discarded
RACY_NS = 2_000_000_000
Stamp = tuple[int, int, int]  # size, mtime_ns, inode
Link = tuple[str, str, str | None]  # url, kind, what it resolved to
# The only things the unpickler makes: the model's dataclasses and the values inside them.
_ALLOWED = {"bulletin_gen.model", "bulletin_gen.config", "bulletin_gen.content",
            "bulletin_gen.yamlio", "bulletin_gen.errors", "pathlib", "datetime"}


def file_stamp(path: Path) -> Stamp | None:
    """Size, modification time and inode of a regular file; None for anything else."""
    try:
        info = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino


class _ModelUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of the model")
        return super().find_class(module, name)


class ModelMemo:
    """Documents and items of the last build; `save` keeps those this build used."""

    def __init__(self, folder: Path | None, settings: str, journal: list[str] | None = None,
                 fragments: set[str] | None = None) -> None:
        self.path = folder / MEMO_FILE if folder else None
        self.settings = settings  # what every entry depends on: version, Markdown settings
        # The Markdown cache's keys in the order used, and the set it keeps: an item taken from
        # the memo marks its fragments used, so that they stay for when it must be built again.
        self.journal = journal if journal is not None else []
        self.fragments = fragments if fragments is not None else set()
        self.started = time.time_ns()
        self.old_docs, self.old_items = self._load()
        self.docs: dict[str, tuple[Stamp, SourceDoc]] = {}
        self.items: dict[str, tuple[str, list[Link], Item, list[Problem], list[str]]] = {}
        self.changed = False

    def _load(self) -> tuple[dict[str, Any], dict[str, Any]]:
        if self.path is None:
            return {}, {}
        try:
            with self.path.open("rb") as file:
                data = _ModelUnpickler(io.BufferedReader(file)).load()
            if (data["version"], data["format"], data["settings"]) != (VERSION, FORMAT,
                                                                       self.settings):
                return {}, {}
            docs, items = data["docs"], data["items"]
            if not _well_formed(docs, (tuple, SourceDoc)) or not _well_formed(
                    items, (str, list, Item, list, list)):
                return {}, {}
            return docs, items
        except Exception:  # a cache that cannot be read (any way) only makes a slower build
            return {}, {}

    def document(self, path: Path, read: Callable[[Problems], SourceDoc],
                 problems: Problems) -> SourceDoc:
        """The document at `path`: from the memo when its stamp is unchanged, else `read`."""
        name = str(path)
        stamp = file_stamp(path)
        old = self.old_docs.get(name)
        if stamp is not None and old is not None and old[0] == stamp:
            self.docs[name] = old
            return old[1]  # type: ignore[no-any-return]
        self.changed = True
        found = Problems()
        doc = read(found)
        problems.extend(found)
        if (stamp is not None and not found.errors and not found.warnings
                and self._settled(stamp) and file_stamp(path) == stamp):
            self.docs[name] = (stamp, doc)
        return doc

    def item(self, doc: SourceDoc, context: str, resolve: Resolver, problems: Problems,
             build: Callable[[Resolver, Problems], Item]) -> Item:
        """The item of `doc` built in `context`, from the memo when nothing it read changed."""
        name = str(doc.path)
        entry = self.docs.get(name)
        if entry is None or entry[1] is not doc:  # read afresh and not kept: build it
            return build(resolve, problems)
        key = repr((entry[0], doc.rel, context))
        old = self.old_items.get(name)
        if old is not None and old[0] == key and all(
                resolve(url, kind) == target for url, kind, target in old[1]):
            self.items[name] = old
            problems.warnings.extend(old[3])
            self.fragments.update(old[4])
            return old[2]  # type: ignore[no-any-return]
        self.changed = True
        links: list[Link] = []

        def recording(url: str, kind: str) -> str | None:
            target = resolve(url, kind)
            links.append((url, kind, target))
            return target

        found = Problems()
        start = len(self.journal)
        item = build(recording, found)
        problems.extend(found)
        if not found.errors:
            self.items[name] = (key, links, item, list(found.warnings), self.journal[start:])
        return item

    def has_item(self, doc: SourceDoc) -> bool:
        """True when the memo may hold `doc`'s item: its file is as the last build read it.
        (`item` still checks everything else the item was built from.)"""
        entry = self.docs.get(str(doc.path))
        return entry is not None and entry[1] is doc and str(doc.path) in self.old_items

    def take_learned(self) -> tuple[dict[str, Any], bool]:
        """The items used or built since the last call and whether any changed, forgotten
        here: what a worker process's copy of the memo hands back (pool.Learner)."""
        learned = self.items, self.changed
        self.items, self.changed = {}, False
        return learned

    def absorb(self, learned: tuple[dict[str, Any], bool]) -> None:
        """Add what a worker's copy of the memo learned."""
        items, changed = learned
        self.items.update(items)
        self.changed = self.changed or changed

    def _settled(self, stamp: Stamp) -> bool:
        """False when the file changed so shortly before this build that a second change
        could keep the same stamp."""
        return stamp[1] < self.started - RACY_NS

    def save(self) -> None:
        """Keep the entries this build used, when they differ from those it found."""
        if self.path is None:
            return
        if not self.changed and self.docs.keys() == self.old_docs.keys() \
                and self.items.keys() == self.old_items.keys():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, pickle.dumps(
            {"version": VERSION, "format": FORMAT, "settings": self.settings,
             "docs": self.docs, "items": self.items}, protocol=pickle.HIGHEST_PROTOCOL))


def _well_formed(entries: object, shape: tuple[type, ...]) -> bool:
    """True when `entries` maps names to tuples of the types of `shape`."""
    return isinstance(entries, dict) and all(
        isinstance(name, str) and isinstance(entry, tuple) and len(entry) == len(shape)
        and all(isinstance(part, kind) for part, kind in zip(entry, shape, strict=True))
        for name, entry in entries.items())
