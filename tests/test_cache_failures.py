"""The build's cache cannot be written (a full disk) or something else holds its name: a clear
message and the output left whole, never a traceback."""

from __future__ import annotations

import builtins
import errno
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import snapshot

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.cli import main

LEAD = "content/issues/2026-01-winter/01-lead.md"
CACHE = ".bulletin-cache"


def _disk_full_in(folder: Path, monkeypatch: pytest.MonkeyPatch, only: str = "") -> None:
    """Every file written below `folder` (whose name contains `only`) fails with ENOSPC, as
    write() does: without naming the file. Files are opened by `open` and by pathlib (through
    `io.open`): both are watched."""
    real = io.open

    def watched_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, Path)) and any(flag in mode for flag in "wax") \
                and Path(file).is_relative_to(folder) and only in Path(file).name:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(file, mode, *args, **kwargs)

    monkeypatch.setattr(io, "open", watched_open)
    monkeypatch.setattr(builtins, "open", watched_open)


@pytest.mark.parametrize("only", ["", "pickle", "pagefind-entry.json"])
def test_full_disk_while_the_cache_is_written_is_a_clear_error(make_site: Callable[..., Path],
                                                               runner: CliRunner,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               only: str) -> None:
    site = make_site()
    output = build(site, BuildOptions(pdf=False, email=False, jobs=1)).output
    (site / LEAD).write_text("---\ntitle: Lead story\n---\nNew text.\n", encoding="utf-8")
    _disk_full_in(site / CACHE, monkeypatch, only)
    result = runner.invoke(main, ["build", str(site), "--no-pdf", "-j", "1"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    assert f"cannot write the build cache {site / CACHE}/" in result.output
    assert "No space left on device. The output folder was left whole" in result.output
    page = (output / "issues/2026-01-winter/lead/index.html").read_text(encoding="utf-8")
    assert "<title>" in page and "</html>" in page  # whole: the old page or the new one
    monkeypatch.undo()
    rebuilt = build(site, BuildOptions(pdf=False, email=False, jobs=1)).output
    assert "New text." in (rebuilt / "issues/2026-01-winter/lead/index.html").read_text()


@pytest.mark.parametrize("what", ["file", "symlink"])
def test_a_file_where_the_cache_belongs_is_a_clear_error(make_site: Callable[..., Path],
                                                         runner: CliRunner, what: str) -> None:
    site = make_site()
    output = build(site, BuildOptions(pdf=False, email=False)).output
    before = snapshot(output)
    cache = site / CACHE
    os.rename(cache, site / "old-cache")
    if what == "file":
        cache.write_text("not a folder\n", encoding="utf-8")
    else:
        cache.symlink_to(site / "nowhere")
    (site / LEAD).write_text("---\ntitle: Lead story\n---\nNew text.\n", encoding="utf-8")
    result = runner.invoke(main, ["build", str(site)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    assert f"{cache} is not a folder: builds keep their cache there; delete or rename it" \
        in result.output
    assert snapshot(output) == before
