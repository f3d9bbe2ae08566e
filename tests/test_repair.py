"""A build repairs what was deleted or damaged in its output, editions included, and the
published files are copies: damaging one never damages the cache it came from."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import WITH_PDF, age

from bulletin_gen.build import BuildOptions, build

ISSUE = "issues/2026-01-winter/"


def files(output: Path) -> dict[str, bytes]:
    return {path.relative_to(output).as_posix(): path.read_bytes()
            for path in sorted(output.rglob("*")) if path.is_file()}


@pytest.mark.parametrize(("path", "damage"), [
    (ISSUE + "email.html", "delete"),
    (ISSUE + "email.txt", "overwrite"),
    (ISSUE + "index.html", "delete"),
])
def test_a_deleted_or_damaged_file_is_repaired_by_the_next_build(
        make_site: Callable[..., Path], path: str, damage: str) -> None:
    site = make_site()
    age(site)
    options = BuildOptions(jobs=1, pdf=False)
    output = build(site, options).output
    before = files(output)
    target = output / path
    if damage == "delete":
        target.unlink()
    else:
        target.write_text("damaged\n", encoding="utf-8")
    build(site, options)
    assert files(output) == before


def test_a_damaged_pdf_is_repaired(
        make_site: Callable[..., Path]) -> None:
    pytest.importorskip("weasyprint")
    site = make_site(WITH_PDF)
    age(site)
    output = build(site, BuildOptions(jobs=1)).output
    pdf = output / ISSUE / "2026-01-winter.pdf"
    original = pdf.read_bytes()
    with pdf.open("r+b") as handle:  # damaged in place: the same file, other bytes
        handle.write(b"%damaged")
    build(site, BuildOptions(jobs=1))
    assert pdf.read_bytes() == original
