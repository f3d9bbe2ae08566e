"""Stage 5: write the output folder safely. The only module that writes the site.

Everything goes into a fresh staging folder beside the output; only when every file is written
is the old output swapped out and the new one in (in one step where the system can). A failure
at any point removes the staging folder and leaves the previous output as it was. A marker file
records that a folder is ours, so a build never empties a folder it did not create.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .errors import BulletinError, ContentError, Location, Problem
from .layout import CACHE_DIR, CONFIG_FILE, INPUT_FOLDERS, editor_temporary
from .libc import linux_call

if TYPE_CHECKING:  # at run time only its objects are met: importing it would import Jinja
    from .render import Artifact

# A folder made from the content and kept between builds (a search bundle, an image's copies):
# `made_folder(key, make, purpose)` gives the folder kept under `key`, made when there is none
# by `make(folder, earlier)`. `earlier`, when given, is the folder made for the same `purpose`
# by the last build, whose unchanged files `make` may link instead of writing them again.
Make = Callable[[Path, "Path | None"], None]
MadeFolder = Callable[[str, Make, str], Path]



def made_in(folder: Path, kept: Path | None = None) -> MadeFolder:
    """A `MadeFolder` that makes each folder anew under `folder`, for a command that keeps
    nothing between runs (`bulletin pdf`); one that the builds made already under `kept` (the
    cache's made folders, named by the same keys) is taken as it is, and never written to."""

    def made(key: str, make: Make, purpose: str = "") -> Path:
        if kept is not None and (kept / key).is_dir():
            return kept / key
        target = folder / key
        if not target.is_dir():
            target.mkdir(parents=True)
            with naming(target):
                make(target, None)
        return target

    return made


MARKER = ".bulletin-output"
MARKER_TEXT = b"Written by `bulletin build`; edits here are lost on the next build.\n"


@dataclass(frozen=True)
class Copy:
    """A file copied into the output as it is: a static file or an issue's asset."""

    # A string where there are thousands (a search bundle's files, the pages carried): making
    # a Path costs more than linking the file.
    source: str | Path
    path: str  # relative to the output folder
    link: bool = False  # a hard link will do: an unchanged page carried from the last output


class OutputError(BulletinError):
    """The output folder cannot be used safely."""




def check_output_dir(output: Path, site_dir: Path) -> None:
    """Refuse output folders whose replacement would destroy something else."""
    output, site = output.resolve(), site_dir.resolve()
    forbidden = {
        site: "the site folder itself",
        **{site / folder: f"the {folder} folder" for folder in INPUT_FOLDERS},
        site / CACHE_DIR: "the build cache, which `build --clean` deletes",
        Path.home().resolve(): "your home folder",
        Path(output.anchor): "the root of the file system",
    }
    if output in forbidden:
        raise OutputError(f"refusing to write the site into {output} ({forbidden[output]})."
                          " Choose an empty or new folder such as output/.")
    for folder in (*INPUT_FOLDERS, CACHE_DIR):
        if (site / folder) in output.parents:
            raise OutputError(f"refusing to write the site into {output}: it is inside the"
                              f" site's {folder}/ folder. Choose a folder such as output/.")
    holder = _inside_an_output(output)
    if holder:
        raise OutputError(f"refusing to write the site into {output}: it is inside {holder},"
                          " the output of a build, which would publish it. Choose a folder"
                          " beside it.")
    if output in site.parents:
        raise OutputError(f"refusing to write the site into {output}: it contains the site."
                          " Choose a folder inside or beside the site, such as output/.")
    if _beside_an_output(output.name):
        raise OutputError(f"refusing to write the site into {output}: it is a folder a build "
                          "keeps beside its output. Choose a folder such as output/.")
    if ".git" in output.parts:
        raise OutputError(f"refusing to write the site into {output}: it is inside a git "
                          "repository's own .git folder. Choose a folder such as output/.")
    if output.is_file():
        raise OutputError(f"{output} is a file, not a folder. Choose another output path.")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise OutputError(f"{output} is not empty and was not written by bulletin build"
                          f" (no {MARKER} in it). Empty it or choose another folder.")


# The folders a build makes beside its output, by role: the spare (the output before last,
# kept so that the next build can update it) stays; the others last only while a build runs
# (or are left by a build that was killed, and removed by the next).
BESIDE_OUTPUT = ("spare", "staging", "old", "mirror")


def _beside_an_output(name: str) -> bool:
    """Whether `name` is that of a folder a build keeps beside its output (`.output.spare`)."""
    return name.startswith(".") and name.rpartition(".")[2] in BESIDE_OUTPUT


def beside_output(output: Path, role: str) -> Path:
    """The folder of `role` (one of BESIDE_OUTPUT) beside `output`: hidden, and named after it."""
    return output.parent / f".{output.name}.{role}"


def spare_folder(output: Path) -> Path:
    """The output before last, kept beside the output so the next build can update it."""
    return beside_output(output.resolve(), "spare")


def publish(output: Path, artifacts: Iterable[Artifact], copies: Iterable[Copy],
            keep: Collection[str] = frozenset(), spare_files: Collection[str] | None = None,
            mirror: bool = False) -> int:
    """Write every file into a staging folder, then swap it in for `output`. Returns the count.

    The staging folder starts as the spare folder (the output before last) when there is one,
    because updating a tree is much cheaper than making and deleting thousands of folders:
    the files named in `keep` are already right there and stay; every other file is written
    again or removed. The old output then becomes the spare. Without a spare, `keep` is empty.
    `spare_files`, when known, lists every file of the spare folder, so that what must be
    removed from it is found without reading every folder. `mirror`, when there is neither an
    output nor a spare yet: make the spare too, of hard links to the new files, so that the
    next build updates it instead of laying out every folder again.
    """
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = beside_output(output, "staging")
    retired = beside_output(output, "old")
    spare = spare_folder(output)
    if retired.exists() and not output.exists():
        os.rename(retired, output)  # an earlier build stopped between its two renames
    twin = beside_output(output, "mirror")
    for leftover in (staging, retired, twin):
        if leftover.exists():
            shutil.rmtree(leftover)
    fresh = not spare.is_dir()
    if fresh:
        keep = frozenset()
    else:
        os.rename(spare, staging)
    # A kept file is left as it is, a copy too: copying it again would give it a new time, and
    # the next build would take the output for changed.
    copies = [copy for copy in copies if copy.path not in keep]
    mirror = mirror and fresh and not output.exists()
    try:
        written = _write_all(staging, artifacts, copies, fresh, twin if mirror else None)
        if fresh:  # it holds only what this build wrote (a walk took 0.5 s at 10,000 items)
            kept = 0
        elif spare_files is None:
            kept = _prune(staging, written, keep)
        else:
            kept = _prune_known(staging, written, keep, spare_files)
        exchanged = output.exists() and _exchange(staging, output)
        if not exchanged:
            if output.exists():
                os.rename(output, retired)
            os.rename(staging, output)
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(twin, ignore_errors=True)
        if retired.exists() and not output.exists():
            os.rename(retired, output)
        if isinstance(error, OSError):
            raise OutputError(_describe_os_error(error, output)) from None
        raise
    old = staging if exchanged else retired  # the previous output: the next build's spare
    if old.exists():
        os.rename(old, spare)
    elif mirror:
        os.rename(twin, spare)
    return len(written) + kept


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step, so the output is never missing, not even for a moment.

    Linux's renameat2(RENAME_EXCHANGE) does it; elsewhere (or on file systems without it) this
    returns False and the caller renames twice.
    """
    renameat2 = linux_call("renameat2")
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second),
                       rename_exchange)
    return bool(result == 0)


def _describe_os_error(error: OSError, output: Path) -> str:
    reason = error.strerror or str(error)
    hint = {errno.ENOSPC: "free some disk space and build again",
            errno.EACCES: "check the permissions of the output folder and its parent",
            errno.EROFS: "the file system is read-only; choose another output folder"}
    where = f" ({error.filename})" if error.filename else ""
    return (f"cannot write the site into {output}: {reason}{where}. The previous output was"
            f" left as it was; {hint.get(error.errno or 0, 'fix the cause and build again')}.")


def _write_all(staging: Path, artifacts: Iterable[Artifact], copies: Iterable[Copy],
               fresh: bool = False, mirror: Path | None = None) -> set[str]:
    """Write the files into `staging`. `fresh`: it was made empty just now, so that only what
    this build writes can be in the way (and a folder made once needs no second look).
    `mirror`: a fresh folder that gets a hard link to every file too."""
    staging.mkdir(exist_ok=True)
    if mirror:
        mirror.mkdir()
    written: set[str] = set()
    folders: set[tuple[str, str]] = set()

    # Folders and links by strings: a first build writes ten thousand files, and a Path for
    # each folder and link was much of the main process's own time while it wrote.
    staging_dir, mirror_dir = str(staging), str(mirror) if mirror else ""

    def room(base: str, path: str) -> str:
        if not fresh or path in written:
            # Most often the file of the build before last is there, in its folder: unlinking
            # it is all there is to do. After a template change, `_make_room`'s four calls for
            # each of ten thousand pages took seconds on a slow file system.
            target = os.path.join(base, path)
            try:
                os.unlink(target)
                return target
            except OSError:  # nothing there, a folder, or a file where a folder must go
                return str(_make_room(Path(base), path))
        # Only the folders this build has not made yet, each with one mkdir: `os.makedirs`
        # also asks about the parent of each, 20,000 more calls into a slow file system.
        missing = []
        folder = os.path.dirname(path)
        while folder and (base, folder) not in folders:
            missing.append(folder)
            folder = os.path.dirname(folder)
        for folder in reversed(missing):
            try:
                os.mkdir(os.path.join(base, folder))
            except (FileExistsError, NotADirectoryError):  # a file of this build in the way
                return str(_make_room(Path(base), path))
            folders.add((base, folder))
        return os.path.join(base, path)

    def place(path: str, data: bytes | None = None, copy: Copy | None = None) -> None:
        target = room(staging_dir, path)
        if copy:
            _copy(copy, Path(target))
        else:
            _write_new(target, data or b"")
        if mirror:
            os.link(target, room(mirror_dir, path))
        written.add(path)

    place(MARKER, MARKER_TEXT)
    written.discard(MARKER)
    for copy in copies:
        place(copy.path, copy=copy)
    for artifact in artifacts:
        if artifact.source:
            # Copied, not linked: a published PDF damaged in place must not damage the
            # cache's copy it came from.
            place(artifact.path, copy=Copy(artifact.source, artifact.path))
        else:
            place(artifact.path, artifact.data)
    return written


def _write_new(target: str, data: bytes) -> None:
    """Write a file by its path, without the buffered file object (and its `fstat`) that
    `open` makes: a first build writes ten thousand of them."""
    handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0),
                     0o666)
    try:
        view = memoryview(data)
        while view:  # a write may take only part of the bytes
            view = view[os.write(handle, view):]
    finally:
        os.close(handle)


def _make_room(staging: Path, path: str) -> Path:
    """The place of `path` in staging, emptied: a file there may be a hard link to the live
    output, so it is unlinked rather than overwritten; a folder or file in the way goes."""
    target = staging / path
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):  # a file where a folder must go
        for parent in reversed(target.relative_to(staging).parents):
            if (staging / parent).is_file():
                (staging / parent).unlink()
        target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    else:
        target.unlink(missing_ok=True)
    return target


def _prune(staging: Path, written: set[str], keep: Collection[str]) -> int:
    """Remove what this build neither wrote nor kept; returns how many kept files remain."""
    kept = 0
    for folder, subfolders, files in os.walk(staging, topdown=False):
        relative = Path(folder).relative_to(staging).as_posix()
        prefix = "" if relative == "." else relative + "/"
        for name in files:
            path = prefix + name
            if path in keep and path not in written:
                kept += 1
            elif path not in written and path != MARKER:
                os.unlink(os.path.join(folder, name))
        for name in subfolders:
            with contextlib.suppress(OSError):  # not empty: it holds files of this build
                os.rmdir(os.path.join(folder, name))
    return kept


def _prune_known(staging: Path, written: set[str], keep: Collection[str],
                 files: Collection[str]) -> int:
    """`_prune` for a staging folder known to hold `files`: remove those neither written nor
    kept, and the folders that leaves empty."""
    kept = 0
    emptied: set[str] = set()
    for path in files:
        if path in written or path == MARKER:
            continue
        if path in keep:
            kept += 1
            continue
        # Gone already, or a folder of this build now stands where the file was.
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, NotADirectoryError):
            os.unlink(staging / path)
        parent = os.path.dirname(path)
        while parent and parent not in emptied:
            emptied.add(parent)
            parent = os.path.dirname(parent)
    for folder in sorted(emptied, key=lambda name: name.count("/"), reverse=True):
        with contextlib.suppress(OSError):  # not empty: it holds files of this build
            os.rmdir(staging / folder)
    return kept


def _copy(copy: Copy, target: Path) -> None:
    if copy.link:
        try:
            os.link(copy.source, target)
            return
        except OSError:  # another file system, or links not allowed: copy the bytes instead
            pass
    shutil.copyfile(copy.source, target)


def check_file_target(target: Path, site_dir: Path, kind: str,
                      same_kind: Callable[[bytes], bool]) -> None:
    """Refuse a place to write one file of `kind` (`bulletin pdf`'s 'PDF', `bulletin email`'s)
    where it would destroy something: among the site's sources (the build would publish it,
    or read it as content), over what is no file, or over a file that `same_kind` (given its
    first bytes) says is not one of `kind` (a mistyped `-o`)."""
    _refuse_sources(target, site_dir, kind)
    if target.exists() or target.is_symlink():
        if not target.is_file():
            raise OutputError(f"refusing to write the {kind} to {target}: it is not a file."
                              " Give the name of a file to write (-o).")
        try:
            with open(target, "rb") as file:
                start = file.read(4096)
        except OSError as error:
            raise OutputError(f"cannot write {target}: {error.strerror}") from None
        if start and not same_kind(start):  # an empty file (mktemp's) is as good as new
            article = "an" if kind[0].lower() in "aeiou" else "a"
            raise OutputError(f"refusing to replace {target}: it is not {article} {kind}. Give "
                              "the name of a new file, or of one this command wrote (-o).")


def write_file(target: Path, data: bytes) -> None:
    """Write one file (`bulletin pdf`'s, once `check_file_target` let it) whole or not at all."""
    if not target.parent.is_dir():
        raise OutputError(f"cannot write {target}: there is no folder {target.parent}")
    try:
        write_atomic(target, data)
    except OSError as error:
        raise OutputError(f"cannot write {target}: {error.strerror}") from None


def _refuse_sources(target: Path, site_dir: Path, kind: str) -> None:
    """Refuse a file of the site's own: bulletin.yaml, or one inside its content, templates,
    static files, catalogues or cache."""
    target, site = target.resolve(), site_dir.resolve()
    if target == site / CONFIG_FILE:
        raise OutputError(f"refusing to write the {kind} over the site's {CONFIG_FILE}."
                          " Give another file (-o).")
    for folder in (*INPUT_FOLDERS, CACHE_DIR):
        if (site / folder) in target.parents:
            raise OutputError(f"refusing to write the {kind} to {target}: it is inside the "
                              f"site's {folder}/ folder, which the build reads. Write it "
                              "elsewhere (-o), or run the command outside that folder.")
    holder = _inside_an_output(target)
    if holder:
        raise OutputError(f"refusing to write the {kind} to {target}: it is inside {holder}, "
                          "the output of a build, which would publish it. Write it elsewhere "
                          "(-o).")


def _inside_an_output(path: Path) -> Path | None:
    """The build output (a folder holding the MARKER) that `path` lies inside, if any."""
    return next((folder for folder in path.parents if (folder / MARKER).is_file()), None)


def write_atomic(path: Path, data: bytes | str | Callable[[IO[bytes]], object]) -> None:
    """Write `data` whole or not at all: a temporary file beside `path` is renamed over it.
    `data` may be a function that writes into the open file (`pickle.dump`), so that a large
    file is never held whole in memory.

    The temporary file is named by process, so two builds of one site never share one.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with naming(path), open(temporary, "wb") as file:
            if callable(data):
                data(file)
            else:
                file.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


@contextlib.contextmanager
def naming(path: Path) -> Iterator[None]:
    """Errors of the system raised inside that name no file name `path`: write() names none,
    so a full disk would say only ENOSPC, and the caller could not tell whose disk it was."""
    try:
        yield
    except OSError as error:
        if error.filename is None:
            raise OSError(error.errno, error.strerror, str(path)) from error
        raise


def static_copies(folder: Path, prefix: str = "") -> list[Copy]:
    """Every file below `folder`, to be copied to `prefix` + its relative path; but hidden
    files, and editors' temporary files and backups (layout.editor_temporary).

    A symbolic link that leads out of `folder` is refused: it would publish a file from
    elsewhere on the machine.
    """
    if not folder.is_dir():
        return []
    root = folder.resolve()
    files = [path for path in sorted(folder.rglob("*"))
             if path.is_file() and not path.name.startswith(".")
             and not editor_temporary(path.name)]
    leaving = [path for path in files if not path.resolve().is_relative_to(root)]
    if leaving:
        raise ContentError(Problem(Location(f"{folder.name}/{path.relative_to(folder).as_posix()}"),
                                   "symbolic link to a file outside the folder",
                                   "copy the file into the folder instead of linking it")
                           for path in leaving)
    return [Copy(path, prefix + path.relative_to(folder).as_posix()) for path in files]
