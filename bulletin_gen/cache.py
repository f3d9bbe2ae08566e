"""Incremental builds: what a previous build made, kept in `.bulletin-cache/` beside the site.

Three things are kept, each keyed by its inputs:

- rendered Markdown, one JSON file per fragment under `markdown/`, keyed by the text, the
  renderer's settings and where it sits (id prefix, first line); an entry also lists the links
  it resolved and their targets, and is used only while every one still resolves the same way;
- a record (`pages.json`) of every file of the last build and of the one before (kept as the
  spare output folder): the fingerprint of what it was built from (fingerprint.py) and the size
  and time of the file written; and a stamp of every input file (`inputs.json`), so that a
  rebuild with nothing changed does nothing;
- the parsed sources and validated items, one file per issue under `model/` (sourcecache.py);
  an item's entry also holds its fingerprint, which `sort` takes instead of hashing it again.

A page whose fingerprint is unchanged and whose file is still in the output as it was written
is carried into the new output by hard link instead of being rendered again. A cache of another
version, or one that cannot be read, is discarded: the build then starts from nothing.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import Any

from jinja2 import Environment

from .content import CONTENT_DIR
from .fingerprint import VERSION, Fingerprinter, text_hash
from .markdown import MarkdownRenderer, Rendered, Resolver
from .model import Site
from .render import Artifact, PagePlan
from .sourcecache import ModelMemo
from .write import Copy, publish, spare_folder, write_atomic

CACHE_DIR = ".bulletin-cache"
class MarkdownCache:
    """Rendered fragments on disk, keyed by their inputs; `used` keeps the live entries."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.used: set[str] = set()
        self.journal: list[str] = []  # `used` in the order of use, for ModelMemo

    def use(self, key: str) -> None:
        self.used.add(key)
        self.journal.append(key)

    def points(self, key: str) -> list[str] | None:
        """Cached key points (inline HTML, no links resolved), if there are any."""
        points = self._load(key)
        if not isinstance(points, list) or not all(isinstance(p, str) for p in points):
            return None
        self.use(key)
        return points

    def put_points(self, key: str, points: list[str]) -> None:
        self._store(key, json.dumps(points))

    def get(self, key: str, resolve: Resolver) -> Rendered | None:
        """The cached fragment, if there is one and its links still resolve as they did."""
        entry = self._load(key)
        try:
            links = [(str(url), str(kind), target) for url, kind, target in entry["links"]]
            html, broken = str(entry["html"]), tuple((int(line), str(url), str(kind))
                                                      for line, url, kind in entry["broken"])
        except (ValueError, TypeError, KeyError):
            return None  # missing or malformed: render again
        if any(resolve(url, kind) != target for url, kind, target in links):
            return None
        self.use(key)
        return Rendered(html, broken)

    def put(self, key: str, rendered: Rendered,
            links: list[tuple[str, str, str | None]]) -> None:
        self._store(key, json.dumps({"html": rendered.html, "links": links,
                                     "broken": rendered.broken}))

    def _load(self, key: str) -> Any:
        """The JSON stored under `key`; None when there is none or it cannot be read."""
        if self.folder is None:
            return None
        try:
            return json.loads((self.folder / key[:2] / key).read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def _store(self, key: str, text: str) -> None:
        if self.folder is None:
            return
        path = self.folder / key[:2] / key
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
        self.use(key)

    def prune(self) -> None:
        """Delete the fragments this build did not use."""
        if self.folder is None or not self.folder.is_dir():
            return
        for shard in self.folder.iterdir():
            for entry in shard.iterdir():
                if entry.name not in self.used:
                    entry.unlink()


class CachingRenderer(MarkdownRenderer):
    """A MarkdownRenderer that looks in the cache first and records what it renders."""

    def __init__(self, unsafe_html: bool, store: MarkdownCache) -> None:
        super().__init__(unsafe_html=unsafe_html)
        self.store = store

    def render(self, text: str, resolve: Resolver, id_prefix: str = "",
               first_line: int = 1, doc_id: str = "") -> Rendered:
        key = text_hash(VERSION, str(self.unsafe_html), id_prefix, doc_id, str(first_line), text)
        cached = self.store.get(key, resolve)
        if cached is not None:
            return cached
        links: list[tuple[str, str, str | None]] = []

        def recording(url: str, kind: str) -> str | None:
            target = resolve(url, kind)
            links.append((url, kind, target))
            return target

        rendered = super().render(text, recording, id_prefix, first_line, doc_id)
        self.store.put(key, rendered, links)
        return rendered

    def key_points(self, text: str) -> list[str]:
        key = text_hash(VERSION, "points", str(self.unsafe_html), text)
        points = self.store.points(key)
        if points is None:
            points = super().key_points(text)
            self.store.put_points(key, points)
        return points


@dataclasses.dataclass(frozen=True)
class PageRecord:
    """What one output file was built from, and the file as it was written."""

    fingerprint: str
    size: int
    mtime_ns: int


Record = dict[str, PageRecord]


@dataclasses.dataclass(frozen=True)
class Work:
    """What a build has left to do once the cache has been asked."""

    render: list[PagePlan]  # pages whose inputs changed, in plan order
    links: list[Copy]  # unchanged pages, hard-linked from the live output
    keep: frozenset[str]  # unchanged pages already right in the spare folder
    record: Record  # every page and copied file of this build, fingerprints only
    untouched: bool  # the live output is already exactly what this build would write


class BuildCache:
    """The cache of one site: open it, sort the pages, publish through it."""

    def __init__(self, folder: Path | None, output: Path, live: Record | None = None,
                 spare: Record | None = None) -> None:
        self.folder = folder  # None: a build that neither reads nor keeps a cache
        self.output = output
        self.live = live or {}  # the files of the output, as the last build wrote them
        self.spare = spare or {}  # the files of the spare folder (the output before last)
        self.markdown = MarkdownCache(folder / "markdown" if folder else None)
        self.memo: ModelMemo | None = None

    @classmethod
    def open(cls, site_dir: Path, output: Path, clean: bool = False) -> BuildCache:
        """The site's cache; `clean` empties it first, so that every page is rendered."""
        output = output.resolve()
        folder = site_dir / CACHE_DIR
        if clean:
            shutil.rmtree(folder, ignore_errors=True)
        records = _read_records(folder / "pages.json", output)
        if records is None:  # foreign or corrupt: nothing in it can be trusted
            shutil.rmtree(folder, ignore_errors=True)
            records = ({}, {})
        return cls(folder, output, *records)

    def up_to_date(self, inputs: str) -> list[int] | None:
        """The counts `remember` kept of the last build, when it had these inputs and its
        output is still as written; None when there is anything to build."""
        if self.folder is None:
            return None
        try:
            data = json.loads((self.folder / "inputs.json").read_text("utf-8"))
            if data["version"] != VERSION or data["inputs"] != inputs:
                return None
            counts = [int(number) for number in data["summary"]]
        except (OSError, ValueError, TypeError, KeyError):
            return None
        if not self.live or not all(_same(record, record, self.output / path)
                                    for path, record in self.live.items()):
            return None
        return counts

    def remember(self, inputs: str, counts: list[int]) -> None:
        """Note the inputs (and the counts of its report) of a build that succeeded without
        warnings, for `up_to_date`."""
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(self.folder / "inputs.json", json.dumps(
                {"version": VERSION, "inputs": inputs, "summary": counts}))

    def model_memo(self, site_dir: Path) -> ModelMemo:
        """The parsed sources and validated items of the last build (sourcecache.py)."""
        self.memo = ModelMemo(self.folder, repr((os.getcwd(), str(site_dir))),
                              self.markdown.journal, self.markdown.used,
                              site_dir / CONTENT_DIR / "issues")
        return self.memo

    def renderer(self, unsafe_html: bool) -> MarkdownRenderer:
        return CachingRenderer(unsafe_html, self.markdown)

    def sort(self, env: Environment, site: Site, plans: list[PagePlan],
             copies: list[Copy]) -> Work:
        """Split the pages into those to render, to link from the output and to keep."""
        printer = Fingerprinter(env, site, self.memo.digests() if self.memo else None)
        record = {plan.path: PageRecord(printer.page(plan.path, plan.url, plan.template,
                                                     plan.context), 0, 0) for plan in plans}
        record.update((copy.path, PageRecord(_stamp(copy.source), 0, 0)) for copy in copies)
        spare = spare_folder(self.output)
        keep = {path for path, page in record.items()
                if _same(self.spare.get(path), page, spare / path)} if spare.is_dir() else set()
        live = {path for path, page in record.items()
                if _same(self.live.get(path), page, self.output / path)}
        render = [plan for plan in plans if plan.path not in keep and plan.path not in live]
        links = [Copy(self.output / plan.path, plan.path, link=True) for plan in plans
                 if plan.path in live and plan.path not in keep]
        untouched = len(live) == len(record) == len(self.live)
        return Work(render, links, frozenset(keep), record, untouched)

    def publish(self, files: Iterator[Artifact], copies: list[Copy], work: Work) -> int:
        """Publish the build (write.publish) unless the output is already what it would be."""
        if work.untouched:
            first = next(files, None)  # renders nothing, but makes the editions
            if first is None:
                return len(work.record)
            files = chain([first], files)
        count = publish(self.output, files, copies + work.links, work.keep)
        self._save(work)
        return count

    def _save(self, work: Work) -> None:
        """Record the pages just published and drop the fragments this build did not use.

        A page carried from the output or kept in the spare folder is the file its record
        describes (`sort` checked it); only the files written anew are asked their size and time."""
        if self.folder is None:
            return
        linked = {copy.path for copy in work.links}
        live: dict[str, list[Any]] = {}
        for path, page in work.record.items():
            old = self.spare.get(path) if path in work.keep else (
                self.live.get(path) if path in linked else None)
            if old is not None:
                live[path] = [page.fingerprint, old.size, old.mtime_ns]
                continue
            try:
                stat = (self.output / path).stat()
            except OSError:
                continue
            live[path] = [page.fingerprint, stat.st_size, stat.st_mtime_ns]
        spare = {path: [page.fingerprint, page.size, page.mtime_ns]
                 for path, page in self.live.items()}
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.folder / "pages.json", json.dumps(
            {"version": VERSION, "output": str(self.output), "live": live, "spare": spare}))
        self.markdown.prune()


def input_stamp(files: list[Path], folders: list[Path], *settings: object) -> str:
    """A hash of the name, size and time of every file a build reads, and of its settings.

    Equal stamps mean that nothing a build reads has changed since the stamp was taken.
    """
    entries = [VERSION, *(repr(setting) for setting in settings)]
    for path in files:
        entries.append(_stat_entry(path))
    seen: set[str] = set()
    for folder in folders:
        for parent, subfolders, names in os.walk(folder, followlinks=True):
            real = os.path.realpath(parent)
            entries.append(f"{parent} -> {real}")  # a folder, or a link to one, counts too
            if real in seen:  # a link back up the tree: do not go round again
                subfolders.clear()
                continue
            seen.add(real)
            subfolders.sort()
            entries.extend(_stat_entry(Path(parent, name)) for name in sorted(names))
    return text_hash(*entries)


def _stat_entry(path: Path) -> str:
    try:
        stat = path.stat()
    except OSError:
        return f"{path}:missing"
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


def _same(old: PageRecord | None, new: PageRecord, path: Path) -> bool:
    """True when the file at `path` was built from the same inputs and is as it was written."""
    if old is None or old.fingerprint != new.fingerprint:
        return False
    try:
        stat = path.stat()
    except OSError:
        return False
    return stat.st_size == old.size and stat.st_mtime_ns == old.mtime_ns


def _stamp(source: Path) -> str:
    """A copied file's fingerprint: where it comes from, its size and its time."""
    stat = source.stat()
    return text_hash(str(source), str(stat.st_size), str(stat.st_mtime_ns))


def _read_records(path: Path, output: Path) -> tuple[Record, Record] | None:
    """The live and spare records, empty when there are none, None when foreign or corrupt."""
    if not path.exists():
        return {}, {}
    try:
        data = json.loads(path.read_text("utf-8"))
        if data["version"] != VERSION:
            return None
        if data["output"] != str(output):
            return {}, {}  # built elsewhere: its files are not there to carry
        return tuple(  # type: ignore[return-value]
            {str(page): PageRecord(str(fp), int(size), int(mtime))
             for page, (fp, size, mtime) in data[which].items()} for which in ("live", "spare"))
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
