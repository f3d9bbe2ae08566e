"""Errors an editor can meet: where they are, what is wrong, and what would be right.

Every stage collects `Problem`s instead of stopping at the first one, then raises a single
`ContentError` that prints them all. Anything that is not a `BulletinError` is a bug in
bulletin-gen and keeps its traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import click

from .console import plural


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file: the path as the editor knows it, and a 1-based line (0 = whole file)."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, with what would be right."""

    location: Location
    message: str
    hint: str = ""

    def __str__(self) -> str:
        return self.said_as("")

    def said_as(self, severity: str) -> str:
        """'path:line: warning: message (hint)': as compilers, and `bulletin check`, say it;
        without a severity, 'path:line: message (hint)'."""
        said = f"{severity}: " if severity else ""
        text = f"{self.location}: {said}{self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class BulletinError(click.ClickException):
    """The root of every error bulletin-gen reports to the user without a traceback."""

    exit_code = 1


class ContentError(BulletinError):
    """One or more problems in the site's settings, content or templates.

    Shown as `bulletin check` shows them, a line each ('path:line: error: message (hint)', as
    compilers say it, so that an editor's problem matcher finds them), then a count."""

    def __init__(self, problems: Iterable[Problem], warnings: Iterable[Problem] = ()) -> None:
        self.problems = in_file_order(problems)
        # Warnings found in the same run are shown too, so that one run lists everything.
        errors = set(self.problems)
        self.warnings = in_file_order(warning for warning in warnings if warning not in errors)
        lines = [problem.said_as("error") for problem in self.problems]
        lines += [warning.said_as("warning") for warning in self.warnings]
        also = f" (and {plural(len(self.warnings), 'warning')})" if self.warnings else ""
        lines.append(f"Error: {plural(len(self.problems), 'error')} found{also}.")
        super().__init__("\n".join(lines))

    def show(self, file: IO[str] | None = None) -> None:
        click.echo(self.format_message(), file=file, err=True)


def in_file_order(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """`problems` once each, by file and line, and on one line in the order they were found:
    as the line reads, left to right."""
    return tuple(sorted(dict.fromkeys(problems), key=lambda problem: problem.location))


@dataclass
class Problems:
    """Gathers the problems and warnings of a stage; `raise_if_any` ends the stage."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def add(self, location: Location, message: str, hint: str = "") -> None:
        self.errors.append(Problem(location, message, hint))

    def warn(self, location: Location, message: str, hint: str = "") -> None:
        self.warnings.append(Problem(location, message, hint))

    def extend(self, other: Problems) -> None:
        """Take over the problems and warnings gathered apart (e.g. for one cached item)."""
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)

    def forget(self, located: Callable[[str], bool]) -> None:
        """Drop the problems and warnings in the files that `located(path)` accepts."""
        self.errors = [problem for problem in self.errors if not located(problem.location.path)]
        self.warnings = [problem for problem in self.warnings
                         if not located(problem.location.path)]

    def warnings_once(self) -> tuple[Problem, ...]:
        """The warnings, each said once, in the order first said: every PDF that loads a
        template's misspelt file finds it missing."""
        return tuple(dict.fromkeys(self.warnings))

    def raise_if_any(self, strict: bool = False) -> None:
        if strict and (self.errors or self.warnings):  # said as errors, as gcc's -Werror does
            raise ContentError(self.errors + self.warnings)
        if self.errors:
            raise ContentError(self.errors, self.warnings)


def no_such_issue(name: str, wanted: str, where: str, slugs: list[str]) -> BulletinError:
    """The error for the issue `name` (`wanted`, as a slug) that `where` does not have, with
    the closest of `slugs` (newest first) and the newest few: an archive has hundreds."""
    # The beginning of a slug ('2026-03') is a better guess than difflib's closest.
    starting = [slug for slug in slugs if slug.startswith(wanted)] if wanted else []
    hint = (f"did you mean {starting[0]}?" if len(starting) == 1 else
            f"did you mean one of {', '.join(starting)}?" if 1 < len(starting) <= 5 else
            did_you_mean(wanted, slugs))
    shown = ", ".join(slugs[:5]) + (f" ({len(slugs)} in all)" if len(slugs) > 5 else "")
    known = (f"The newest: {shown}." if len(slugs) > 5 else f"Issues: {shown}.") if slugs else \
        "There is none yet: start one with 'bulletin new issue TITLE'."
    return BulletinError(f"no issue '{name}' in {where}{' (' + hint + ')' if hint else ''}. "
                         f"{known}")


def closest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """The one of `choices` closest to a mistyped `word`, or an empty string."""
    return next(iter(difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)), "")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest of `choices` to a mistyped `word`, or an empty string."""
    close = closest(word, choices)
    return f"did you mean {close}?" if close else ""


def display_path(path: Path, root: Path) -> str:
    """The path as the editor sees it: relative to the site when it is inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
