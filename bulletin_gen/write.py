"""Stage 5: write the output folder safely. The only module that writes the site.

Everything goes into a fresh staging folder beside the output; only when every file is written
is the old output swapped out and the new one in. A failure at any point removes the staging
folder and leaves the previous output as it was. A marker file records that a folder is ours,
so a build never empties a folder it did not create.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import BulletinError
from .render import Artifact

MARKER = ".bulletin-output"
MARKER_TEXT = b"Written by `bulletin build`; edits here are lost on the next build.\n"


@dataclass(frozen=True)
class Copy:
    """A file copied into the output as it is: a static file or an issue's asset."""

    source: Path
    path: str  # relative to the output folder


class OutputError(BulletinError):
    """The output folder cannot be used safely."""


def check_output_dir(output: Path, site_dir: Path) -> None:
    """Refuse output folders whose replacement would destroy something else."""
    output, site = output.resolve(), site_dir.resolve()
    forbidden = {
        site: "the site folder itself",
        site / "content": "the content folder",
        site / "templates": "the templates folder",
        site / "static": "the static folder",
        Path.home().resolve(): "your home folder",
        Path(output.anchor): "the root of the file system",
    }
    if output in forbidden:
        raise OutputError(f"refusing to write the site into {output} ({forbidden[output]})."
                          " Choose an empty or new folder such as output/.")
    if output in site.parents:
        raise OutputError(f"refusing to write the site into {output}: it contains the site."
                          " Choose a folder inside or beside the site, such as output/.")
    if output.is_file():
        raise OutputError(f"{output} is a file, not a folder. Choose another output path.")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise OutputError(f"{output} is not empty and was not written by bulletin build"
                          f" (no {MARKER} in it). Empty it or choose another folder.")


def publish(output: Path, artifacts: Iterable[Artifact], copies: Iterable[Copy]) -> int:
    """Write every file into a staging folder, then swap it in for `output`. Returns the count."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = output.parent / f".{output.name}.staging"
    retired = output.parent / f".{output.name}.old"
    for leftover in (staging, retired):
        if leftover.exists():
            shutil.rmtree(leftover)
    try:
        count = _write_all(staging, artifacts, copies)
        if output.exists():
            os.rename(output, retired)
        os.rename(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if retired.exists() and not output.exists():
            os.rename(retired, output)
        raise
    shutil.rmtree(retired, ignore_errors=True)
    return count


def _write_all(staging: Path, artifacts: Iterable[Artifact], copies: Iterable[Copy]) -> int:
    staging.mkdir()
    (staging / MARKER).write_bytes(MARKER_TEXT)
    count = 0
    for copy in copies:
        target = staging / copy.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(copy.source, target)
        count += 1
    for artifact in artifacts:
        target = staging / artifact.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(artifact.data)
        count += 1
    return count


def write_file(target: Path, data: bytes) -> None:
    """Write one file (such as `bulletin pdf`'s) whole or not at all: a temporary file beside
    it is renamed over it."""
    if target.is_dir():
        raise OutputError(f"{target} is a folder. Give the name of the file to write.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def static_copies(folder: Path, prefix: str = "") -> list[Copy]:
    """Every file below `folder`, to be copied to `prefix` + its relative path."""
    if not folder.is_dir():
        return []
    return [Copy(path, prefix + path.relative_to(folder).as_posix())
            for path in sorted(folder.rglob("*"))
            if path.is_file() and not path.name.startswith(".")]
