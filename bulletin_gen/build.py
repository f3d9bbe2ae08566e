"""`bulletin build`: what a build is asked and what it reports, and the way in.

`build` holds the site's lock and asks the incremental layer whether anything changed since
the last build (incremental/uptodate.py); only then does it import and run the stages
(pipeline.py). A build with nothing to do so imports no stage at all: Jinja, markdown-it and
Babel take longer to import than the rest of such a build.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import BulletinError, ContentError, Location, Problem
from .incremental.uptodate import (
    VERSION,
    InputStamp,
    Remembered,
    last_build,
    output_state,
    remember,
    stamp_inputs,
)
from .layout import BUILD_RECORD, CACHE_DIR, OUTPUT_DIR, missing_site, site_root
from .sitelock import site_lock
from .write import check_output_dir, write_atomic

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): 'load' once (total: the issues), 'pdf' once when the PDF
library is loaded, 'render' after each page or edition file, 'write'."""


@dataclass(frozen=True)
class BuildOptions:
    """What `bulletin build` was asked to do."""

    output: Path | None = None  # default: SITE/output
    drafts: bool = False
    base_url: str | None = None
    strict: bool = False  # warnings fail the build
    pdf: bool = True  # the print edition, when bulletin.yaml does not switch it off
    email: bool = True  # the email edition, likewise
    # What takes seconds waits for a second build: this one leaves out the PDFs it would make
    # (the pages still link to them) and keeps the last search bundles it would index again,
    # so that `bulletin serve` shows an edit first.
    finish_later: bool = False
    # A private preview (`bulletin serve`): not the build `bulletin publish` takes.
    preview: bool = False
    progress: Progress | None = None  # told how the build advances (progress bar, --verbose)
    jobs: int = os.cpu_count() or 1  # processes rendering pages
    clean: bool = False  # ignore (and empty) the cache of earlier builds
    wait: float = 60.0  # seconds to wait for another build of the site to end (sitelock.py)
    waiting: Callable[[str], None] | None = None  # told who holds the site, if this one waits

    def settings(self) -> tuple[object, ...]:
        """The options that change what a build writes, for the input stamp."""
        return (self.drafts, self.base_url, self.strict, self.pdf, self.email, self.finish_later)


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the one-line summary."""

    output: Path
    issues: int
    pages: int
    files: int
    seconds: float
    warnings: tuple[Problem, ...]
    pdfs: int = 0
    pdfs_later: int = 0  # PDFs left for the next build (`finish_later`), not in `pdfs`
    search_later: int = 0  # search bundles left stale for the next build (`finish_later`)
    emails: int = 0
    drafts: int = 0  # draft issues left out (`--drafts` builds them)
    # The pages and edition files this build rendered or made and wrote, in path order;
    # empty when the output was already up to date. Copied and carried files are not in it.
    rewritten: tuple[str, ...] = ()
    # The content files this build read (site-relative, in path order): all on a first build;
    # on a rebuild those changed and those whose items it built again, the rest remembered.
    # Not in it: the originals a translation shows, which every build reads (languages.py).
    read: tuple[str, ...] = ()


# The counts of a report that the cache keeps, so that a rebuild with nothing to do can repeat it.
# Another list is another cache: change uptodate.VERSION with it.
REMEMBERED = ("issues", "pages", "files", "pdfs", "emails", "drafts")


def build(site_dir: Path, options: BuildOptions | None = None) -> BuildReport:
    """Build the whole site of `site_dir` into its output folder, holding the site's lock: two
    builds of one site at once would share its cache and staging folder."""
    options = options or BuildOptions()
    # One form from here on (layout.site_root), so that what the cache keeps by path (every
    # source, the output) is found again whichever folder the next build is started from.
    site_dir = site_root(site_dir)
    check_site_dir(site_dir)
    output = Path(os.path.abspath(options.output or site_dir / OUTPUT_DIR))
    check_output_dir(output, site_dir)  # a folder refused is refused before anything is made
    check_cache_dir(site_dir)
    with site_lock(site_dir, options.wait, options.waiting), _cache_errors(site_dir), \
            _fewer_collections():
        started = time.perf_counter()
        check_output_dir(output, site_dir)  # again: another build may have changed it meanwhile
        folder = site_dir / CACHE_DIR
        record = None if options.preview else folder / BUILD_RECORD
        if record:
            record.unlink(missing_ok=True)  # until this build has finished, it has not
        inputs = stamp_inputs(site_dir, *options.settings())
        state = output_state(folder, output)
        last = None if options.clean else last_build(state, output, inputs)
        if last is None:
            report = _run_stages(site_dir, output, options, inputs, started)
            remember(state, inputs, [getattr(report, count) for count in REMEMBERED],
                     report.warnings)
        else:
            report = _unchanged(output, last, started)
        if record:
            _record_build(record, output, options, inputs.digest)
        return report


def check_site_dir(site_dir: Path) -> None:
    """Refuse a folder that holds no site before anything is written there (the site's lock)."""
    missing = missing_site(site_dir)
    if missing:
        raise ContentError([Problem(Location(missing[0]), *missing[1:])])


def _run_stages(site_dir: Path, output: Path, options: BuildOptions, inputs: InputStamp,
                started: float) -> BuildReport:
    from .pipeline import run_stages  # the stages' imports: see the module's docstring

    return run_stages(site_dir, output, options, inputs, started)


def _unchanged(output: Path, last: Remembered, started: float) -> BuildReport:
    """The last build's report again, when nothing changed since that build."""
    issues, pages, files, pdfs, emails, drafts = last.counts  # in the order of REMEMBERED
    return BuildReport(output, issues, pages, files, time.perf_counter() - started,
                       last.warnings, pdfs=pdfs, emails=emails, drafts=drafts)


def _record_build(record: Path, output: Path, options: BuildOptions, inputs: str) -> None:
    """Note a finished build for `bulletin publish`: where it wrote (and which folder it left
    there), with which settings, and the stamp of the content it read, so that a later change
    to the content shows."""
    record.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(record, json.dumps({
        "output": str(output), "folder": output_folder_id(output), "inputs": inputs,
        "code": VERSION,
        "drafts": options.drafts,
        "base_url": options.base_url, "strict": options.strict, "pdf": options.pdf,
        "email": options.email}, sort_keys=True).encode("utf-8"))


def output_folder_id(output: Path) -> int | None:
    """What tells the folder a build wrote from one put in its place: each build writes its
    output anew and moves it there (write.publish), so the folder's inode is its own."""
    try:
        return output.stat().st_ino
    except OSError:
        return None


def what_changed(site_dir: Path, record: dict[str, object]) -> str:
    """What changed since the recorded build: 'bulletin-gen' (upgraded, or its code edited),
    'site' (its files, stamped from the same form of the site's path as `build` stamps
    them, however `site_dir` is written), or nothing ('')."""
    if record.get("code") != VERSION:
        return "bulletin-gen"
    return "site" if content_changed(site_dir, record) else ""


def saved_since(site_dir: Path, built_at_ns: int, most: int = 5) -> list[str]:
    """The site's input files saved after `built_at_ns` (the recorded build's end), by their
    path in the site, at most `most`: what a publish refused for a change names. A file
    deleted or renamed since leaves no trace here."""
    root = site_root(site_dir)
    newer = sorted(path for path, (_, mtime_ns, *_) in stamp_inputs(root).stamps.items()
                   if mtime_ns > built_at_ns and Path(path).is_relative_to(root))
    return [Path(path).relative_to(root).as_posix() for path in newer[:most]]


def content_changed(site_dir: Path, record: dict[str, object]) -> bool:
    """Whether the site's files differ from what the recorded build read."""
    base_url = record.get("base_url")
    options = BuildOptions(drafts=bool(record.get("drafts")), strict=bool(record.get("strict")),
                           pdf=bool(record.get("pdf", True)), email=bool(record.get("email", True)),
                           base_url=base_url if isinstance(base_url, str) else None)
    return stamp_inputs(site_root(site_dir), *options.settings()).digest != record.get("inputs")


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Let Python collect garbage less often while the build runs. A rebuild reads hundreds of
    thousands of objects that live to its end (the model, the records of every output file),
    and the default threshold has the collector walk them again and again: a tenth of an
    edit's time on the weekly benchmark (bench/profile.md, "Garbage collection")."""
    before = gc.get_threshold()
    gc.set_threshold(50_000, *before[1:])  # from 700 objects allocated
    try:
        yield
    finally:
        gc.set_threshold(*before)


class CacheError(BulletinError):
    """The build's cache (.bulletin-cache) cannot be written or is in the way."""


def check_cache_dir(site_dir: Path) -> None:
    """Refuse a site where something other than a folder holds the cache's name."""
    folder = site_dir / CACHE_DIR
    if os.path.lexists(folder) and not folder.is_dir():
        raise CacheError(f"{folder} is not a folder: builds keep their cache there; "
                         "delete or rename it")


@contextlib.contextmanager
def _cache_errors(site_dir: Path) -> Iterator[None]:
    """A cache file that cannot be written (a full disk) is a message, not a traceback. The
    output stays whole either way: the cache is written beside it, never into it."""
    folder = site_dir / CACHE_DIR
    try:
        yield
    except OSError as error:
        name = error.filename if isinstance(error.filename, str) else ""
        if not name or not Path(name).is_relative_to(folder):
            raise
        raise CacheError(f"cannot write the build cache {name}: {error.strerror}. The output "
                         "folder was left whole; free some space (or delete "
                         f"{folder}) and build again") from None
