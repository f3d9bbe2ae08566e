"""What the command line shows while it works: the progress bar, --verbose lines, summaries.

A rich progress bar appears only on a terminal (stderr is a TTY), with NO_COLOR unset, and for
builds of many pages; scripts and CI logs get plain lines. The build itself knows nothing of
this: it calls the `BuildProgress` object it is given as `BuildOptions.progress`.
"""

from __future__ import annotations

import os
import sys
import time
from types import TracebackType
from typing import Any, TextIO

import click

MIN_PAGES_FOR_BAR = 50  # smaller builds finish before a bar is worth drawing
STAGE_NAMES = {"load": "read content", "pdf": "loaded the PDF library",
               "render": "rendered pages and editions", "write": "wrote files"}
STAGE_UNITS = {"load": "issue"}  # what a stage's count counts, where its name does not say
UNCOUNTED_STAGES = {"pdf"}  # shown by name alone


def fancy_output(stream: TextIO) -> bool:
    """True when `stream` is a terminal and the user has not asked for plain output."""
    return stream.isatty() and "NO_COLOR" not in os.environ


BAR_LABELS = {"render": "Rendering pages", "upload": "Uploading"}  # the stages drawn as a bar


class BuildProgress:
    """The `progress` callback of a build run from the command line; use it as a context."""

    def __init__(self, verbose: bool = False, bar: bool | None = None) -> None:
        self.verbose = verbose
        self.bar = fancy_output(sys.stderr) if bar is None else bar
        self.started = time.perf_counter()
        self._progress: Any = None  # rich.progress.Progress, once a bar is drawn
        self._task: Any = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage in BAR_LABELS and self.bar and total >= MIN_PAGES_FOR_BAR:
            self._advance(BAR_LABELS[stage], done, total)
        if done == total and self.verbose:
            elapsed = time.perf_counter() - self.started
            click.echo(f"  {stage_line(stage, total)} in {elapsed:.2f} s", err=True)
            self.started = time.perf_counter()

    def _advance(self, label: str, done: int, total: int) -> None:
        if self._progress is None:
            try:
                from rich.console import Console
                from rich.progress import Progress
            except ImportError:  # the `progress` extra is not installed: no bar, no fuss
                self.bar = False
                return
            self._progress = Progress(console=Console(stderr=True), transient=True)
            self._progress.start()
            self._task = self._progress.add_task(label, total=total)
        self._progress.update(self._task, completed=done)
        if done == total:
            self.close()

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def __enter__(self) -> BuildProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def stage_line(stage: str, total: int) -> str:
    """'read content: 3 issues', 'rendered pages: 41', 'loaded the PDF library'."""
    name = STAGE_NAMES.get(stage, stage)
    if stage in UNCOUNTED_STAGES:
        return name
    return f"{name}: {plural(total, STAGE_UNITS[stage]) if stage in STAGE_UNITS else total}"


def plural(count: int, word: str, many: str = "") -> str:
    """'1 issue', '3 issues'."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def work_line(read: tuple[str, ...], rewritten: tuple[str, ...], named: int = 3) -> str:
    """'Read 1 content file (content/issues/x/01-lead.md), rewrote 11 files': what a rebuild
    did, naming the files read when they are few (the rest came from earlier builds)."""
    line = f"Read {plural(len(read), 'content file')}"
    if 0 < len(read) <= named:
        line += f" ({', '.join(read)})"
    return f"{line}, rewrote {plural(len(rewritten), 'file')}"


def build_summary(issues: int, pages: int, pdfs: int, emails: int, seconds: float,
                  drafts: int = 0) -> str:
    """'Built 3 issues, 41 pages, 3 PDFs in 1.4 s': what the build wrote, zero parts left out;
    then the drafts it left out, if any, so that an editor does not look for one in vain."""
    parts = [plural(issues, "issue"), plural(pages, "page")]
    if pdfs:
        parts.append(plural(pdfs, "PDF"))
    if emails:
        parts.append(plural(emails, "email"))
    left_out = f"; {drafts_left_out(drafts, 'builds')}" if drafts else ""
    return f"Built {', '.join(parts)} in {seconds:.1f} s{left_out}"


def drafts_left_out(drafts: int, verb: str) -> str:
    """'1 draft left out (--drafts builds it)', so that nobody looks for a draft in vain."""
    return f"{plural(drafts, 'draft')} left out (--drafts {verb} {'it' if drafts == 1 else 'them'})"
