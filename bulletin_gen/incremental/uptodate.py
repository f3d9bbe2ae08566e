"""Whether a build has anything to do: the stamp of every input, and the output as written.

A rebuild with nothing changed should cost little more than Python's start. So this module,
which answers it before any stage is imported, imports only the standard library and the
package's light modules (layout, errors, write): Jinja, markdown-it and Babel are imported
only by a build that has something to do.

Two files of the output's own folder of the cache (`output_state`) are read: `inputs.json`,
the input stamp of the last build into it that succeeded, with the counts and warnings of its
report (written by `remember`), and the page records (`pages.pickle`, cache.py), of which only
each output file's size and time are used.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import Any, NamedTuple

from .. import __version__
from ..errors import Location, Problem
from ..filestamp import settled
from ..layout import CONFIG_FILE, INPUT_FOLDERS, LOCALES_DIR, THEME_DIR
from ..write import write_atomic


def code_digest(package: str) -> str:
    """A digest of the Python code of the `package` folder. What an earlier build kept
    (items, pages, fingerprints) was made by the code of that build: one made by other code,
    after an upgrade or an edit of bulletin-gen, is not taken, though no version number says
    so. By the files' bytes, not their times: a checkout that leaves them as they were costs
    no build from nothing (1-2 ms for the package's 44 modules)."""
    digest = hashlib.blake2b(digest_size=16)
    for folder, folders, names in os.walk(package):
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        for name in sorted(names):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                digest.update(os.path.relpath(path, package).encode() + b"\0")
                with open(path, "rb") as code:
                    digest.update(code.read())
    return digest.hexdigest()


VERSION = (f"bulletin-gen {__version__}, cache 17, "
           f"python {sys.version_info[0]}.{sys.version_info[1]}, "
           f"code {code_digest(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))}")
INPUTS = "inputs.json"
RECORDS = "pages.pickle"  # of the last build: the files of the output
SPARE_RECORDS = "spare.pickle"  # of the build before: the files of the spare folder
OUTPUTS = "outputs"  # in the cache folder: the records of each output folder, apart
# size, mtime_ns, inode, ctime_ns: as git does, the inode and the time of the last change of
# any kind, which no tool sets back (a file rewritten with its time kept: `exiftool -P`,
# `cp -p` onto it)
Stamp = tuple[int, int, int, int]
def bytes_digest(data: bytes) -> str:
    """The hash every part of the cache uses."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def text_hash(*parts: str) -> str:
    """A hash of several strings, each ended by a NUL, so that each is kept apart from the next."""
    return bytes_digest(("\0".join(parts) + "\0").encode("utf-8", "surrogatepass"))


@dataclass(frozen=True)
class InputStamp:
    """What a build reads, stamped before it reads it."""

    digest: str  # of the name, size and time of every input file, and of the settings
    stamps: dict[str, Stamp]  # of each regular file, by path, for the model memo
    # False when a file was saved within the clock tick before the stamp: it could be saved
    # again without its stamp changing, so the stamp cannot vouch that nothing changed.
    trusted: bool


class Remembered(NamedTuple):
    """What a build that found nothing changed says again of the build before it."""

    counts: list[int]
    warnings: tuple[Problem, ...]


def stamp_inputs(site_dir: Path, *settings: object) -> InputStamp:
    """The stamp of bulletin.yaml, the site's input folders, the theme and the catalogues."""
    stamped_at = time.time_ns()
    folders = [site_dir / folder for folder in INPUT_FOLDERS] + [THEME_DIR, LOCALES_DIR]
    stamps: dict[str, Stamp] = {}
    entries = [VERSION, *(repr(setting) for setting in settings),
               _stat_entry(str(site_dir / CONFIG_FILE), stamps)]
    seen: set[str] = set()
    for folder in folders:
        name = str(folder)
        _stamp_folder(name, os.path.realpath(name), entries, seen, stamps)
    trusted = all(settled(stamp[1], stamped_at) for stamp in stamps.values())
    return InputStamp(text_hash(*entries), stamps, trusted)


def _stamp_folder(folder: str, real: str, entries: list[str], seen: set[str],
                  stamps: dict[str, Stamp]) -> None:
    """The stat entries of every file below `folder`, whose real path is `real`; files in
    name order, each folder's files before its subfolders. A link to a folder is followed,
    once."""
    try:
        with os.scandir(folder) as listing:
            found = sorted(listing, key=lambda entry: entry.name)
    except OSError:  # missing or unreadable: as if empty
        return
    entries.append(f"{folder} -> {real}")  # a folder, or a link to one, counts too
    if real in seen:  # a link back up the tree: do not go round again
        return
    seen.add(real)
    # Strings, not Paths, and a real path asked for only at a link: a Path per file, or a
    # realpath (a system call per level) per folder, would cost more than the stat calls.
    subfolders = []
    for entry in found:
        if entry.is_dir():
            subfolders.append(entry)
        else:
            entries.append(_stat_entry(entry.path, stamps))
    for entry in subfolders:
        inside = (os.path.realpath(entry.path) if entry.is_symlink()
                  else os.path.join(real, entry.name))
        _stamp_folder(entry.path, inside, entries, seen, stamps)


def _stat_entry(path: str, stamps: dict[str, Stamp]) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return f"{path}:missing"
    if S_ISREG(info.st_mode):
        stamps[path] = (info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns)
    return f"{path}:{info.st_size}:{info.st_mtime_ns}:{info.st_ino}:{info.st_ctime_ns}"


def output_state(cache: Path, output: Path) -> Path:
    """The folder of the cache that keeps what the builds into `output` wrote there (their
    input stamp and page records). Each output folder has its own, so that a build into
    another one (`bulletin serve`'s private folder, `-o`) does not make the next build into
    this one start again from nothing."""
    return cache / OUTPUTS / text_hash(str(output.resolve()))[:16]


def last_build(folder: Path, output: Path, inputs: InputStamp) -> Remembered | None:
    """What `remember` kept of the last build, when it read these inputs and every file of
    its output is still as it was written; None when there is anything to build."""
    try:
        data = json.loads((folder / INPUTS).read_text("utf-8"))
        if data["version"] != VERSION or data["inputs"] != inputs.digest:
            return None
        counts = [int(number) for number in data["summary"]]
        warnings = tuple(Problem(Location(str(path), int(line)), str(message), str(hint))
                         for path, line, message, hint in data["warnings"])
        records = read_records(folder / RECORDS)
        if records["version"] != VERSION or records["output"] != str(output.resolve()):
            return None
        live = records["pages"]
        folder_at = f"{output}{os.sep}"  # joined as strings: 35,000 files on a weekly archive
        if not live or not all(same_file(folder_at + path, size, mtime_ns)
                               for path, (_, size, mtime_ns, _) in live.items()):
            return None
    except Exception:  # a cache that cannot be read, in any way, vouches for nothing
        return None
    return Remembered(counts, warnings)


def forget(folder: Path) -> None:
    """Drop what `remember` noted: the output it vouched for is being replaced."""
    (folder / INPUTS).unlink(missing_ok=True)


def remember(folder: Path, inputs: InputStamp, counts: list[int],
             warnings: tuple[Problem, ...]) -> None:
    """Note the inputs of a build that succeeded, with the counts and warnings of its report,
    for `last_build`, when its input stamp can vouch for them. Otherwise what an earlier build
    noted goes: its files may come back as they were, and its output is gone."""
    if not inputs.trusted:
        forget(folder)
        return
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / INPUTS, json.dumps(
        {"version": VERSION, "inputs": inputs.digest, "summary": counts,
         "warnings": [(warning.location.path, warning.location.line, warning.message,
                       warning.hint) for warning in warnings]}))


def same_file(path: str, size: int, mtime_ns: int) -> bool:
    """True when the file at `path` has the size and time it was written with."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    return info.st_size == size and info.st_mtime_ns == mtime_ns


def read_records(path: Path) -> Any:
    """The page records as pickled, made of built-in values only (never anything that could
    run code); raises when the file cannot be read."""
    with path.open("rb") as file:
        return _RecordUnpickler(file).load()


class _RecordUnpickler(pickle.Unpickler):
    """Makes the built-in values the records are written with, and nothing else."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} is not part of the records")
