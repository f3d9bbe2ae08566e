"""Incremental builds: what a previous build made, kept in `.bulletin-cache/` beside the site.

Four things are kept, each keyed by its inputs:

- for each output folder, in a folder of its own under `outputs/` (so that a build into
  `bulletin serve`'s private folder leaves the site's output/ as incremental as it was):
  a record (`pages.pickle`) of every file of the last build and one (`spare.pickle`) of the
  build before, whose files are kept as the spare output folder: the fingerprint of what each
  file was built from (fingerprint.py) and the size and time of the file written, with the
  list of every file the folder holds (editions included), so that updating the spare folder
  needs no walk through it; the PDFs of the last build with the print edition on, while
  builds skip it (`--no-pdf`); and a stamp of every input file (`inputs.json`, uptodate.py),
  so that a rebuild with nothing changed does nothing;
- the folders made from the content (search bundles, image renditions) under `made/`, each
  named by a digest of what it is made from (`made_folder`);
- the parsed sources and validated items, one file per issue under `model/` (memo.py);
  an item's entry also holds its fingerprint, which `sort` takes instead of hashing it again;
- the compiled templates under `templates/` (Jinja's bytecode cache, which checks each
  template's source; templates.py), and beside them what each template reads and loads, as
  the fingerprints found by parsing it, keyed by its text (`analyses.json`).

A page whose fingerprint is unchanged and whose file is still in the output as it was written
is carried into the new output by hard link instead of being rendered again. A cache of another
version, or one that cannot be read, is discarded: the build then starts from nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import os
import pickle
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from jinja2 import Environment, FileSystemBytecodeCache

from ..content import CONTENT_DIR, SourceDoc
from ..errors import Location, Problem
from ..layout import CACHE_DIR, MADE_DIR
from ..model import Site
from ..render import Artifact, PagePlan
from ..search import ShardKey
from ..templates import ThemeEnvironment, compile_settings, keep_latest
from ..write import MARKER, Copy, Make, naming, spare_folder, write_atomic
from .fingerprint import Analysis, Fingerprinter, file_entry
from .memo import MEMO_DIR, ModelMemo
from .uptodate import (
    OUTPUTS,
    RECORDS,
    SPARE_RECORDS,
    VERSION,
    InputStamp,
    Stamp,
    forget,
    output_state,
    read_records,
    same_file,
    text_hash,
)

ANALYSES = "analyses.json"
MADE = MADE_DIR  # the folders of `made_folder`, by key
# In an output's own folder of the cache: the output's path, and the made folders it uses.
OUTPUT_PATH = "output.txt"
MADE_USED = "made.json"
ASIDE = "aside"  # the costly files of an edition skipped (`BuildCache._set_aside`)


# What this process analysed of templates (`fingerprint.analyse`), for every site it builds,
# as templates.COMPILED keeps their code; by `Fingerprinter._parts`' key, a few hundred.
ANALYSED: dict[str, Analysis] = {}
KEPT_ANALYSED = 500


StoredWarning = tuple[str, int, str, str]  # a Problem as kept: path, line, message, hint


class PageRecord(NamedTuple):
    """What one output file was built from, the file as it was written, and the warnings
    making it gave, said again by each build that carries it. (A named tuple: one per output
    file is read and made by every build, and a dataclass costs twice as much.)"""

    fingerprint: str
    size: int
    mtime_ns: int
    warnings: tuple[StoredWarning, ...] = ()


Record = dict[str, PageRecord]
# A record as kept: plain tuples pickle fastest.
StoredRecord = dict[str, tuple[str, int, int, tuple[StoredWarning, ...]]]


@dataclasses.dataclass(frozen=True)
class Files:
    """Every file of the output and of the spare folder when last published; None: unknown.

    Knowing what the spare folder holds spares the next build a walk through its folders to
    find what to remove."""

    live: list[str] | None = None
    spare: list[str] | None = None
    # The inode of each folder: a build that stopped between publishing and noting what it
    # published leaves lists that describe other folders, and they must not be believed.
    live_folder: int | None = None
    spare_folder: int | None = None
    costly: list[str] | None = None  # the output's costly files (`PagePlan.weight`: the PDFs)


@dataclasses.dataclass(frozen=True)
class Work:
    """What a build has left to do once the cache has been asked."""

    render: list[PagePlan]  # pages whose inputs changed, in plan order
    links: list[Copy]  # unchanged pages, hard-linked from the live output (or set aside)
    keep: frozenset[str]  # unchanged pages already right in the spare folder
    record: Record  # every page and copied file of this build, fingerprints only
    untouched: bool  # the live output is already exactly what this build would write
    warnings: tuple[Problem, ...] = ()  # of the unchanged pages, when they were made
    aside: Record = dataclasses.field(default_factory=dict)  # the files set aside, after it
    taken: frozenset[str] = frozenset()  # files linked from those set aside, still right


class BuildCache:
    """The cache of one site: open it, sort the pages, publish through it."""

    def __init__(self, folder: Path | None, output: Path, live: Record | None = None,
                 spare: Record | None = None, files: Files | None = None,
                 aside: Record | None = None, stamps: dict[str, Stamp] | None = None) -> None:
        self.folder = folder  # None: a build that neither reads nor keeps a cache
        self.output = output
        # The cache's folder for this output (records, input stamp, files set aside).
        self.state = output_state(folder, output) if folder else None
        self.live = live or {}  # the files of the output, as the last build wrote them
        self.spare = spare or {}  # the files of the spare folder (the output before last)
        self.aside = aside or {}  # the costly files set aside (`_set_aside`), by output path
        # Every file of the output and of the spare folder, editions included, as published.
        self.files = files or Files()
        # The folders of `made_folder` this build used, with what each was made for; and,
        # by what it was made for, the one the last build into this output used.
        self.made: dict[str, str] = {}
        self.made_before: dict[str, str] = {}
        self.postponed: list[str] = []  # the purposes `made_earlier` left stale
        self.memo: ModelMemo | None = None
        self.translated: list[ModelMemo] = []  # `translation_memo`, one for each language
        self.adopted: dict[int, tuple[SourceDoc, str]] = {}  # their documents' digests
        # The stamp of every file the input stamp looked at, for the model memo: a rebuild
        # would otherwise ask the file system about each content file twice.
        self.stamps = stamps or {}
        self.written: dict[str, tuple[StoredWarning, ...]] = {}  # by `noting`, with warnings
        self.costly: list[str] = []  # the costly files this build plans (`sort`)
        self.printer: Fingerprinter | None = None  # `fingerprints`
        self.analyses: dict[str, Analysis] = {}  # what parsing the templates found, as kept

    @classmethod
    def open(cls, site_dir: Path, output: Path, inputs: InputStamp,
             clean: bool = False) -> BuildCache:
        """The site's cache, for a build of `inputs`; `clean` empties it first, so that every
        page is rendered."""
        output = output.resolve()
        folder = site_dir / CACHE_DIR
        if clean:
            shutil.rmtree(folder, ignore_errors=True)
        records = _read_records(output_state(folder, output), output)
        if records is None:  # foreign or corrupt: nothing in it can be trusted
            shutil.rmtree(folder, ignore_errors=True)
            records = ({}, {}, Files(), {})
        cache = cls(folder, output, *records, stamps=dict(inputs.stamps))
        cache.made_before = {purpose: key for key, purpose in _made_used(cache.state).items()
                             if purpose}
        return cache

    def model_memo(self, site_dir: Path, unsafe_html: bool,
                   languages: tuple[str, ...] = ()) -> ModelMemo:
        """The parsed sources and validated items of the last build (memo.py). Every
        item depends on the Markdown setting, and every file on the site's `languages` (the
        main one first, whose typography its texts get; the others say whether a file is an
        item or a translation, and the memo keeps an item's file without what a translation
        needs of it), so a memo kept under others has nothing to give: the worker processes
        read and build everything, as on a first build."""
        self.memo = ModelMemo(self.folder, repr((str(site_dir), unsafe_html, languages)),
                              site_dir / CONTENT_DIR / "issues", self.stamps)
        return self.memo

    def translation_memo(self, code: str) -> ModelMemo:
        """The items of the site in the language `code` as the last build built them, from
        translations read as their originals (languages.py): documents made, not read, each
        kept by its digest. Without them, every build would render every translation."""
        assert self.memo is not None
        memo = ModelMemo(self.folder, repr((self.memo.settings, code)),
                         Path(self.memo.issues_dir), name=f"{MEMO_DIR}.{code}",
                         adopting=self.adopted)
        self.translated.append(memo)
        return memo

    def keep_model(self) -> None:
        """Save the memos of this build (`model_memo`, `translation_memo`); those of the
        languages the site no longer has go."""
        memos = [memo for memo in (self.memo, *self.translated) if memo is not None]
        for memo in memos:
            memo.save()
        if self.folder is None or not self.folder.is_dir():
            return
        kept = {memo.folder.name for memo in memos if memo.folder}
        for entry in self.folder.iterdir():
            if entry.name.startswith(f"{MEMO_DIR}.") and entry.name not in kept:
                shutil.rmtree(entry, ignore_errors=True)

    def made_folder(self, key: str, make: Make, purpose: str = "") -> Path:
        """The folder `make(folder, earlier)` fills, made once and kept under `key` (a digest
        of what it is made from) while builds use it; a half-made one is never taken for
        made. `earlier` is the folder the last build used for the same `purpose` (a search
        bundle's place), if any: most of an edited year's bundle is the same files."""
        assert self.folder is not None
        folder = self.folder / MADE / key
        self.made[key] = purpose
        if folder.is_dir():
            return folder
        scratch = self.folder / MADE / f"{key}.partial"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        before = self.made_before.get(purpose) if purpose else None
        earlier = self.folder / MADE / before if before else None
        with naming(scratch):
            make(scratch, earlier if earlier is not None and earlier.is_dir() else None)
        scratch.rename(folder)
        return folder

    def made_earlier(self, key: str, make: Make, purpose: str = "") -> Path:
        """`made_folder`'s folder, or while it is still to be made, the one the last build
        used for `purpose`, left stale (`postponed`): what `serve` shows until its next build
        makes the new one (a year's search bundle takes Pagefind most of a second)."""
        assert self.folder is not None
        before = self.made_before.get(purpose) if purpose else None
        if before and not (self.folder / MADE / key).is_dir() \
                and (self.folder / MADE / before).is_dir():
            self.made[before] = purpose
            self.postponed.append(purpose)
            return self.folder / MADE / before
        return self.made_folder(key, make, purpose)

    def keep_compiled(self, env: Environment) -> None:
        """Let `env` take the templates an earlier build compiled, in this process or kept in
        the cache."""
        if self.folder is None:
            return
        folder = self.folder / "templates" / compile_settings(env)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:  # a folder that cannot be written only makes a slower build
            return
        env.bytecode_cache = FileSystemBytecodeCache(str(folder))

    def fingerprints(self, env: ThemeEnvironment, site: Site,
                     words: Callable[[str], str] | None = None) -> Fingerprinter:
        """The fingerprints of this build's pages and search shards, one hasher for both, so
        that each model object is hashed once. `words(language)` is the digest of the
        catalogue a page of that language speaks."""
        if self.printer is None:
            analyses_file = _analyses_file(env)
            self.analyses = _read_analyses(analyses_file) if analyses_file else {}
            known = {key: value for memo in (self.memo, *self.translated) if memo
                     for key, value in memo.digests().items()}
            self.printer = Fingerprinter(env, site, known, {**ANALYSED, **self.analyses}, words)
        return self.printer

    def search_key(self, env: ThemeEnvironment, site: Site,
                   words: Callable[[str], str] | None = None) -> ShardKey:
        """The key of a search shard's bundle (search.start_search) from its issues'
        fingerprints, instead of from its documents."""
        return self.fingerprints(env, site, words).shard

    def fingerprint(self, env: ThemeEnvironment, site: Site, plans: list[PagePlan],
                    words: Callable[[str], str] | None = None) -> dict[str, str]:
        """The fingerprint of each page and edition file, by its path, for `sort`."""
        printer = self.fingerprints(env, site, words)
        self.printer = None  # its hashes go before the page workers fork: they need none
        printed = {plan.path: printer.page(plan.path, plan.url, plan.template, plan.context,
                                           plan.reads) for plan in plans}
        keep_latest(ANALYSED, printer.analysed, KEPT_ANALYSED)
        analyses_file = _analyses_file(env)
        if analyses_file and printer.analysed != self.analyses:  # only those used: no old ones
            write_atomic(analyses_file, json.dumps(printer.analysed, sort_keys=True))
        return printed

    def sort(self, plans: list[PagePlan], fingerprints: dict[str, str], copies: list[Copy],
             keep_aside: bool = False) -> Work:
        """Split the pages into those to render, to link from the output and to keep, by their
        `fingerprints`. `keep_aside`: this build skips the PDFs the settings ask for
        (`--no-pdf`), so those of the last build are set aside for the next (`_set_aside`);
        else they are let go."""
        record = {path: PageRecord(fingerprint, 0, 0) for path, fingerprint in fingerprints.items()}
        record.update((copy.path, PageRecord(file_entry(copy.source), 0, 0)) for copy in copies)
        spare = spare_folder(self.output)
        spare_at = f"{spare}{os.sep}"
        keep = ({path for path, page in record.items()
                 if _same(self.spare.get(path), page, spare_at, path)}
                if spare.is_dir() else set())
        # A page kept in the spare folder needs no second look in the output, unless there
        # is nothing to render: then it tells whether the output is already what it would be.
        output = f"{self.output}{os.sep}"
        live = {path for path, page in record.items() if path not in keep
                and _same(self.live.get(path), page, output, path)}
        render = [plan for plan in plans if plan.path not in keep and plan.path not in live]
        links = [Copy(os.path.join(self.output, plan.path), plan.path, link=True)
                 for plan in plans if plan.path in live]
        untouched = False
        if not render and len(record) == len(self.live):
            live |= {path for path in keep if _same(self.live.get(path), record[path],
                                                    output, path)}
            untouched = len(live) == len(record)
        self.costly = [plan.path for plan in plans if plan.weight > 1]
        aside, taken = self.aside, set()
        if self.costly:
            taken = {plan.path for plan in render if self._still_right(plan.path, record)}
            render = [plan for plan in render if plan.path not in taken]
            # Linked: the files set aside go once this build is saved, and one damaged in
            # the output meanwhile no longer has the size and time `_still_right` asks for.
            links += [Copy(self._aside_file(path), path, link=True) for path in sorted(taken)]
            aside = {}
        elif keep_aside:
            aside = self._set_aside(record)
        else:  # the settings switched the edition off: nothing will take them back
            aside = {}
        untouched = untouched and aside.keys() == self.aside.keys()  # or it must be saved
        carried = [self.spare[path] if path in keep else self.live[path]
                   for path in sorted(keep | live)] + [self.aside[path] for path in sorted(taken)]
        warnings = tuple(Problem(Location(path, line), message, hint) for record in carried
                         for path, line, message, hint in record.warnings)
        return Work(render, links, frozenset(keep), record, untouched, warnings, aside,
                    frozenset(taken))

    def postpone(self, work: Work, later: set[str]) -> Work:
        """`work` without rendering the files `later` (`serve`'s PDFs, which its next build
        makes). Meanwhile the last build's files stand in for them, under their own records,
        so that the pages' links to them hold and the next build still makes them."""
        output = f"{self.output}{os.sep}"
        stale = {path: self.live[path] for path in sorted(later) if path in self.live
                 and same_file(output + path, self.live[path].size, self.live[path].mtime_ns)}
        return dataclasses.replace(
            work, render=[plan for plan in work.render if plan.path not in later],
            links=work.links + [Copy(output + path, path, link=True) for path in stale],
            record={**work.record, **stale})

    def _set_aside(self, record: Record) -> Record:
        """The costly files of the last build (its PDFs) that this one, which makes none,
        leaves out: the edition skipped (`--no-pdf`). They are kept, by hard link, until
        a build makes such files again and takes those still right (`_still_right`), so that
        switching the edition back on does not make every one again."""
        aside = dict(self.aside)
        if self.state is None or not self.files.costly:
            return aside
        (self.state / ASIDE).mkdir(parents=True, exist_ok=True)
        for path in self.files.costly:
            old = self.live.get(path)
            if path in record or old is None or path in aside:
                continue
            source, target = self.output / path, self._aside_file(path)
            if not same_file(str(source), old.size, old.mtime_ns):
                continue
            with contextlib.suppress(OSError):  # another file system: the file is not kept
                target.unlink(missing_ok=True)
                os.link(source, target)
                aside[path] = old
        return aside

    def _still_right(self, path: str, record: Record) -> bool:
        """True when the file set aside for `path` is what this build would make there."""
        old = self.aside.get(path)
        return (old is not None and old.fingerprint == record[path].fingerprint
                and same_file(str(self._aside_file(path)), old.size, old.mtime_ns))

    def _aside_file(self, path: str) -> Path:
        assert self.state is not None
        return self.state / ASIDE / text_hash(path)

    def noting(self, files: Iterator[Artifact]) -> Iterator[Artifact]:
        """`files` as they are written, each noted with its warnings for `save`."""
        for artifact in files:
            self.written[artifact.path] = tuple(
                (warning.location.path, warning.location.line, warning.message, warning.hint)
                for warning in artifact.warnings)
            yield artifact

    def spare_files(self) -> list[str] | None:
        """Every file of the spare folder, when the last build left the list (write.publish)."""
        return self.files.spare if (_folder_id(spare_folder(self.output))
                                    == self.files.spare_folder) else None

    def files_read(self) -> tuple[str, ...]:
        """The content files this build read (the others came from the model memo)."""
        return self.memo.files_read() if self.memo else ()

    def rewritten(self) -> tuple[str, ...]:
        """The files this build rendered and wrote, in path order."""
        return tuple(sorted(self.written))

    def save(self, work: Work, copies: list[Copy]) -> None:
        """Record the output just published (`noting` saw what was written)."""
        self._save(work, {*self.written, *(copy.path for copy in copies + work.links),
                          *work.keep}, self.written)

    def _save(self, work: Work, files: set[str],
              written: dict[str, tuple[StoredWarning, ...]]) -> None:
        """Record the pages just published.

        A page carried from the output or kept in the spare folder is the file its record
        describes (`sort` checked it); only the files written anew are asked their size and time."""
        if self.folder is None:
            return
        linked = {copy.path for copy in work.links} - work.taken
        live: StoredRecord = {}
        for path, page in work.record.items():
            old = self.spare.get(path) if path in work.keep else (
                self.live.get(path) if path in linked else None)
            if old is not None:
                live[path] = (page.fingerprint, old.size, old.mtime_ns, old.warnings)
                continue
            try:
                stat = (self.output / path).stat()
            except OSError:
                continue
            said = self.aside[path].warnings if path in work.taken else written.get(path, ())
            live[path] = (page.fingerprint, stat.st_size, stat.st_mtime_ns, said)
        state = self.state
        assert state is not None
        state.mkdir(parents=True, exist_ok=True)
        # The last build's input stamp no longer vouches for this output: a build stopped
        # before `remember` notes this one's would otherwise take the output for up to date.
        forget(state)
        # A pickle of plain values, not JSON: every rebuild reads and writes every page's
        # record, and a pickle does it in a quarter of JSON's time (bench/profile.md). Written
        # as it is made: held whole, its bytes were the build's peak of memory.
        records = {"version": VERSION, "output": str(self.output), "pages": live,
                   "files": sorted(files), "folder": _folder_id(self.output),
                   "costly": self.costly,
                   "aside": {path: tuple(page) for path, page in work.aside.items()}}
        if _mirrored(self.output):  # a first build: the spare folder holds the same files
            write_atomic(state / SPARE_RECORDS, functools.partial(
                pickle.dump, {**records, "folder": _folder_id(spare_folder(self.output))},
                protocol=pickle.HIGHEST_PROTOCOL))
        elif (state / RECORDS).exists():
            # The last build's output is the spare folder now: its record, as it was written,
            # is the spare's, instead of pickling every page's record a second time.
            os.replace(state / RECORDS, state / SPARE_RECORDS)
        else:
            (state / SPARE_RECORDS).unlink(missing_ok=True)
        write_atomic(state / RECORDS,
                     functools.partial(pickle.dump, records, protocol=pickle.HIGHEST_PROTOCOL))
        kept = {self._aside_file(path).name for path in work.aside}
        if (state / ASIDE).is_dir():
            for entry in (state / ASIDE).iterdir():
                if entry.name not in kept:
                    entry.unlink()
        write_atomic(state / OUTPUT_PATH, os.fsencode(self.output))  # any name the system allows
        write_atomic(state / MADE_USED, json.dumps(self.made, sort_keys=True))
        self._prune_made(self._other_outputs())

    def _other_outputs(self) -> list[Path]:
        """The folders of the cache kept for other outputs that still exist; those of the
        outputs that are gone (a `bulletin serve` that ended) are deleted."""
        assert self.folder is not None
        others = []
        for state in sorted((self.folder / OUTPUTS).iterdir()):
            if state == self.state:
                continue
            try:
                output = Path(os.fsdecode((state / OUTPUT_PATH).read_bytes()))
            except OSError:  # a build into it stopped before it was noted
                output = None
            if output is not None and output.is_dir():
                others.append(state)
            else:
                shutil.rmtree(state, ignore_errors=True)
        return others

    def _prune_made(self, others: list[Path]) -> None:
        """Delete the made folders that neither this build nor the last build into another
        output used."""
        made = self.folder / MADE if self.folder else None
        if made is None or not made.is_dir():
            return
        used = set(self.made)
        for state in others:
            used.update(_made_used(state))
        for path in made.iterdir():
            if path.name not in used:
                shutil.rmtree(path, ignore_errors=True)


def _made_used(state: Path | None) -> dict[str, str]:
    """The made folders the last build into an output used (its cache folder `state`), with
    what each was made for."""
    try:
        used = json.loads((state / MADE_USED).read_text("utf-8")) if state else {}
    except (OSError, ValueError):
        return {}
    if not isinstance(used, dict):
        return {}
    return {str(key): str(purpose) for key, purpose in used.items()}


def _same(old: PageRecord | None, new: PageRecord, folder: str, path: str) -> bool:
    """True when the file at `path` in `folder` (which ends with a separator) was built from
    the same inputs and is as it was written."""
    return (old is not None and old.fingerprint == new.fingerprint
            and same_file(folder + path, old.size, old.mtime_ns))


def _read_records(state: Path, output: Path) -> tuple[Record, Record, Files, Record] | None:
    """The live, spare and set-aside records, empty when there are none, None when foreign or
    corrupt."""
    last, before = _read_build(state / RECORDS, output), _read_build(state / SPARE_RECORDS, output)
    if last is None or before is None:
        return None
    files = Files(_names(last.get("files")), _names(before.get("files")),
                  _number(last.get("folder")), _number(before.get("folder")),
                  _names(last.get("costly")))
    return last.get("pages", {}), before.get("pages", {}), files, last.get("aside", {})


def _read_build(path: Path, output: Path) -> dict[str, Any] | None:
    """One build's records as `_save` kept them, its pages and files set aside as `Record`s;
    empty when there are none or they are of another output, None when foreign or corrupt."""
    if not path.exists():
        return {}
    try:
        data = read_records(path)
        if data["version"] != VERSION:
            return None
        if data["output"] != str(output):
            return {}  # built elsewhere: its files are not there to carry
        return {**data, "pages": _record(data["pages"]), "aside": _record(data["aside"])}
    except Exception:  # a record that cannot be read, in any way, is not believed
        return None


def _record(stored: dict[str, Any]) -> Record:
    """The page records kept as `StoredRecord`. The records unpickler makes built-in values
    only, and a record of this cache's version is of this shape: one that is not raises,
    and the cache is not believed (`_read_build`)."""
    return dict(zip(stored, map(PageRecord._make, stored.values()), strict=True))


def _analyses_file(env: Environment) -> Path | None:
    """Where the template analyses are kept: beside the compiled templates, in the folder named
    by everything that shapes how a template parses (templates.py); None without one."""
    directory = getattr(env.bytecode_cache, "directory", None)
    return Path(directory) / ANALYSES if isinstance(directory, str) else None


def _read_analyses(path: Path) -> dict[str, Analysis]:
    """The analyses kept by the last build; those not of the right shape are left out."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    found: dict[str, Analysis] = {}
    for key, value in data.items():
        if not isinstance(value, list) or len(value) != 3:
            continue
        reads, names, loads = value
        if _names(reads) is not None and _names(names) is not None and isinstance(loads, list) \
                and all(name is None or isinstance(name, str) for name in loads):
            found[key] = (reads, names, loads)
    return found


def _number(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _mirrored(output: Path) -> bool:
    """True when the spare folder is of hard links to the output's files (`publish(mirror)`)."""
    try:
        return (spare_folder(output) / MARKER).samefile(output / MARKER)
    except OSError:
        return False


def _folder_id(folder: Path) -> int | None:
    try:
        return folder.stat().st_ino
    except OSError:
        return None


def _names(value: object) -> list[str] | None:
    """A list of file names as stored, or None when there is none."""
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        return None
    return value
