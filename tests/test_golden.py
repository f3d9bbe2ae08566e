"""Golden output: tests/fixtures/sites/minimal must build to exactly tests/golden/minimal/.

When a change to the theme or the renderer is meant to change the output, regenerate the
expected files with `make golden` (BULLETIN_REFRESH_GOLDEN=1), look at `git diff
tests/golden/`, and commit them with the change. The theme's own static files (assets/) are
copied byte for byte and tested in test_write.py, so they are left out here.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

from conftest import copy_fixture, snapshot

from bulletin_gen.build import build

GOLDEN = Path(__file__).resolve().parent / "golden" / "minimal"
REFRESH = os.environ.get("BULLETIN_REFRESH_GOLDEN") == "1"


def rendered_files(output: Path) -> dict[str, bytes]:
    """The files the theme and the rendering make: not the copied assets, nor Pagefind's
    bundle (its own files; test_search.py checks that its bytes do not change between builds)."""
    return {name: data for name, data in snapshot(output).items()
            if not name.startswith(("assets/", "pagefind/"))}


def first_difference(name: str, expected: bytes, actual: bytes) -> str:
    diff = difflib.unified_diff(expected.decode("utf-8", "replace").splitlines(),
                                actual.decode("utf-8", "replace").splitlines(),
                                f"golden/minimal/{name}", f"built/{name}", lineterm="", n=2)
    return "\n".join(list(diff)[:40])


def test_minimal_site_matches_the_golden_output(tmp_path: Path) -> None:
    actual = rendered_files(build(copy_fixture("minimal", tmp_path)).output)
    if REFRESH:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for name, data in actual.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(data)
    expected = snapshot(GOLDEN)
    hint = "if the change is intended, run `make golden` and commit tests/golden/"
    assert sorted(actual) == sorted(expected), hint
    changed = [name for name in expected if actual[name] != expected[name]]
    assert not changed, (f"{len(changed)} files differ from the golden output ({hint}):\n"
                         + first_difference(changed[0], expected[changed[0]], actual[changed[0]]))
