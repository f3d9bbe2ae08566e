"""Where content may point and what it is called: slugs, and paths that must stay in the site.

Slugs come from names the editor chose; links and images are paths relative to the file they are
written in. Both must name something inside the site: a slug that is a path, or a link that
climbs out of the site folder or starts at the file system's root, is a problem with its line.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote

from .content import SourceDoc
from .errors import Location, Problems
from .markdown import slugify

V = TypeVar("V")


def named_slug(name: str, doc: SourceDoc, what: str, problems: Problems) -> str:
    """The slug from `slug:` (items, pages) or else `name`; a problem when it comes out empty."""
    written = doc.meta.get("slug") if what != "issue" else None
    source = str(written) if written else name
    if written and ("/" in source or "\\" in source or ".." in source):
        problems.add(Location(doc.rel, doc.meta.line_of("slug")),
                     f"slug: '{source}' is a path; a slug names one page inside the site",
                     "write a single name such as 'annual-report', without '/' or '..'")
    slug = slugify(source)
    if not slug:
        problems.add(Location(doc.rel, doc.meta.line_of("slug") if written else 0),
                     f"the {what} slug '{source}' has no letter or digit to make a URL from",
                     "set 'slug:' to a word such as 'news'")
        return f"{what}-{slugify(doc.rel) or 'untitled'}"
    return slug


def leaving_site(doc: SourceDoc, url: str, what: str) -> tuple[str, str] | None:
    """The message and hint when a link or image path leads out of the site, else None."""
    path = unquote(url.partition("#")[0].split("?")[0])
    if path.startswith("/") or Path(path).is_absolute():
        return (f"{what} to an absolute path: {url}",
                "write the path relative to this file, such as images/map.png")
    if os.path.normpath(Path(doc.rel).parent / path).split(os.sep)[0] == "..":
        return (f"{what} points outside the site: {url}",
                "link only to files inside the site folder")
    return None


def with_nfc_keys(by_path: dict[Path, V]) -> dict[Path, V]:
    """Also key each entry by its NFC path: a link typed 'hélène/' then finds a folder whose
    name was stored decomposed (as macOS does), since links are NFC like all text."""
    for path, value in list(by_path.items()):
        text = str(path)
        if not unicodedata.is_normalized("NFC", text):  # most paths are: nothing to add
            by_path.setdefault(Path(unicodedata.normalize("NFC", text)), value)
    return by_path


def nfc_path(path: Path) -> Path:
    """The path with its text in Unicode NFC."""
    return Path(unicodedata.normalize("NFC", str(path)))
