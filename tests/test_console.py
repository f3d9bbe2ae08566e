"""What `bulletin build` prints: the summary, --quiet, --verbose, and the progress bar on a TTY."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import WITH_PDF, age

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.cli import main
from bulletin_gen.console import build_summary, fancy_output


def many_items(count: int) -> dict[str, str | bytes | None]:
    return {f"content/issues/2026-01-winter/{n + 10:02d}-note-{n}.md":
            f"---\ntitle: Note {n}\n---\nText {n}.\n" for n in range(count)}


def test_summary_counts_what_was_written(make_site: Callable[..., Path], runner: CliRunner) -> None:
    result = runner.invoke(main, ["build", str(make_site()), "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Built 1 issue, 24 pages, 1 email in ")
    assert result.stderr == ""


def test_summary_wording() -> None:
    assert build_summary(3, 41, 3, 0, 1.42) == "Built 3 issues, 41 pages, 3 PDFs in 1.4 s"
    assert build_summary(1, 1, 0, 1, 0.04) == "Built 1 issue, 1 page, 1 email in 0.0 s"
    assert build_summary(2, 9, 0, 0, 0.5, drafts=2) == \
        "Built 2 issues, 9 pages in 0.5 s; 2 drafts left out (--drafts builds them)"


def test_quiet_prints_nothing_but_warnings(make_site: Callable[..., Path],
                                           runner: CliRunner) -> None:
    site = make_site({"content/issues/2026-01-winter/03-x.md":
                      "---\ntitle: X\ntagz: [a]\n---\nT\n"})
    result = runner.invoke(main, ["build", str(site), "--quiet"])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "unknown field 'tagz'" in result.stderr


STAGE_LINE = re.compile(r"  (.+?)(?:: (.+))? in \d+\.\d\d s")


def test_verbose_reports_each_stage(make_site: Callable[..., Path], runner: CliRunner) -> None:
    """Each stage with what it counted and its time. Loading the PDF library (half a second)
    is a stage of its own, not part of reading the content, and only when PDFs are made."""
    site = make_site(WITH_PDF)
    age(site)  # settled files: the memo keeps them for the rebuild
    result = runner.invoke(main, ["build", str(site), "--verbose"])
    assert result.exit_code == 0
    stages = [STAGE_LINE.fullmatch(line).groups()  # type: ignore[union-attr]
              for line in result.stderr.splitlines()]
    assert [name for name, _ in stages] == ["read content", "loaded the PDF library",
                                            "rendered pages and editions", "wrote files"]
    assert stages[0][1] == "1 issue" and stages[1][1] is None
    assert all(count.isdigit() for _, count in stages[2:])
    assert "Output: " in result.stdout
    assert "Read 4 content files, rewrote " in result.stdout
    lead = site / "content/issues/2026-01-winter/01-lead.md"
    lead.write_text(lead.read_text("utf-8") + "More.\n", "utf-8")
    result = runner.invoke(main, ["build", str(site), "--verbose"])  # the lead, kept or not
    assert "Read 1 content file (content/issues/2026-01-winter/01-lead.md), rewrote " \
        in result.stdout
    result = runner.invoke(main, ["build", str(site), "--verbose", "--no-pdf"])
    assert result.exit_code == 0
    assert [STAGE_LINE.fullmatch(line).group(1)  # type: ignore[union-attr]
            for line in result.stderr.splitlines()] == [
        "read content", "rendered pages and editions", "wrote files"]


def test_errors_go_to_stderr(make_site: Callable[..., Path], runner: CliRunner) -> None:
    site = make_site({"content/issues/2026-01-winter/issue.yaml": "title: Jan\n"})
    result = runner.invoke(main, ["build", str(site)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "issue.yaml:1: error: missing required field 'date'" in result.stderr


def test_progress_callback_sees_every_page_and_edition(make_site: Callable[..., Path]) -> None:
    calls: list[tuple[str, int, int]] = []
    report = build(make_site({**WITH_PDF, **many_items(3)}),
                   BuildOptions(progress=lambda *call: calls.append(call)))
    renders = [call for call in calls if call[0] == "render"]
    made = report.pages + report.pdfs + 2 * report.emails  # an email is HTML and text
    assert report.pdfs == 1
    assert renders == [("render", n, made) for n in range(1, made + 1)]
    assert calls[0] == ("load", report.issues, report.issues)
    assert calls[-1] == ("write", report.files, report.files)


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_fancy_output_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert fancy_output(FakeTerminal())
    assert not fancy_output(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not fancy_output(FakeTerminal())


def run_on_terminal(site: Path, **env: str) -> str:
    """Run `bulletin build` with stderr on a pseudo-terminal; what the terminal showed."""
    master, slave = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | env
    # --no-pdf: the bar is the pages' and the PDFs would only make the build longer
    process = subprocess.Popen([sys.executable, "-m", "bulletin_gen", "build", str(site),
                                "--no-pdf"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave,
                               env=environment)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert process.wait(timeout=120) == 0
    assert process.stdout is not None and b"Built 1 issue" in process.stdout.read()
    return shown.decode("utf-8", "replace")


def test_progress_bar_on_a_terminal_only(make_site: Callable[..., Path]) -> None:
    pytest.importorskip("rich")
    site = make_site(many_items(60))
    assert "Rendering pages" in run_on_terminal(site)
    assert "Rendering pages" not in run_on_terminal(site, NO_COLOR="1")
