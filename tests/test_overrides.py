"""Mistakes a designer makes overriding the theme's templates, said as `path:line: message
(hint)` by `bulletin build`, `check` and `serve`, never as a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from bulletin_gen.build import BuildOptions
from bulletin_gen.cli import main
from bulletin_gen.serve import LiveState, _built

# Each template text is compiled once in the module's process (conftest.compile_once).
pytestmark = pytest.mark.usefixtures("compile_once")


def run(runner: CliRunner, *args: str | Path) -> tuple[int, str]:
    """The exit code and what the command said (stdout and stderr); a bug's traceback is
    raised, not read as output."""
    result = runner.invoke(main, [str(arg) for arg in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout + result.stderr


def served(site: Path) -> list[str]:
    """What `bulletin serve` says in the terminal of a build of `site`."""
    said: list[str] = []
    _built(site, BuildOptions(pdf=False, jobs=1), LiveState(), lambda text, _: said.append(text))
    return said


MISSING = ("templates/partials/masthead.html:2: error: template 'partials/ribbon.html' not "
           "found (while rendering index.html, and 1 other page)")


def test_a_template_that_loads_a_missing_one_is_said_by_build_check_and_serve(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    """The build's fingerprints read every template a page loads: a missing one was a
    TemplateNotFound traceback, which check, rendering, said well."""
    site = make_site()
    assert run(runner, "build", site)[0] == 0
    before = (site / "output/index.html").read_bytes()
    (site / "templates/partials").mkdir(parents=True)
    (site / "templates/partials/masthead.html").write_text(
        '<header>\n{% include "partials/ribbon.html" %}\n</header>\n', encoding="utf-8")
    code, said = run(runner, "build", site)
    assert code == 1
    assert said == MISSING + "\nError: 1 error found.\n"
    assert (site / "output/index.html").read_bytes() == before  # the last good site stays
    code, said = run(runner, "check", site)
    assert code == 1 and MISSING in said.splitlines()
    assert served(site) == [MISSING + "\nError: 1 error found."]
