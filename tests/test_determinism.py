"""The same input gives byte-identical output, whatever the build's circumstances."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from conftest import SITES, copy_fixture, snapshot

from bulletin_gen.build import BuildOptions, build


def build_tree(site: Path, output: Path, **options: object) -> dict[str, bytes]:
    build(site, BuildOptions(output=output, **options))  # type: ignore[arg-type]
    return snapshot(output)


def test_a_second_build_is_byte_identical(tmp_path: Path) -> None:
    site, output = copy_fixture("full", tmp_path), tmp_path / "out"
    first = build_tree(site, output)
    second = build_tree(site, output)
    assert len(first) > 30
    assert first == second


def test_drafts_build_is_byte_identical_too(tmp_path: Path) -> None:
    site = copy_fixture("full", tmp_path)
    first = build_tree(site, tmp_path / "a", drafts=True)
    second = build_tree(site, tmp_path / "b", drafts=True)
    assert first == second


def test_output_does_not_depend_on_folder_file_order_or_times(tmp_path: Path) -> None:
    """Two copies of the site, made in opposite file order and with other mtimes."""
    source = SITES / "full"
    files = sorted(p for p in source.rglob("*") if p.is_file())
    copies = []
    for name, order in (("one", files), ("two", list(reversed(files)))):
        site = tmp_path / name / "deeper" if name == "two" else tmp_path / name
        for path in order:
            target = site / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            if name == "two":
                os.utime(target, (1_000_000_000, 1_000_000_000))
        copies.append(build_tree(site, tmp_path / f"{name}-out"))
    assert copies[0] == copies[1]
