"""`bulletin init`: file writers for new sites. Never overwrites an existing file."""

from __future__ import annotations

import shutil
from pathlib import Path

from .errors import BulletinError

STARTER = Path(__file__).parent / "starter"


def init_site(directory: Path) -> list[Path]:
    """Copy the starter site into `directory`, which must be new or empty."""
    if directory.exists() and not directory.is_dir():
        raise BulletinError(f"{directory} is a file; choose a new folder for the site.")
    if directory.exists() and any(directory.iterdir()):
        raise BulletinError(f"{directory} is not empty; choose a new folder for the site.")
    written = []
    for source in sorted(STARTER.rglob("*")):
        if source.is_file():
            target = directory / source.relative_to(STARTER)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            written.append(target)
    return written
