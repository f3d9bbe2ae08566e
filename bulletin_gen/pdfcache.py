"""Print editions kept between builds: each issue's PDF, keyed by everything it is made from.

A PDF takes WeasyPrint a second or so, far longer than the issue's web pages; most rebuilds
change one issue, or none. The key (made by editions/pdf.py) hashes the print HTML of the
issue, every file the PDF may load, the WeasyPrint version and bulletin-gen's: equal keys give
the same bytes. Each entry is `pdf/<key>.pdf` with `<key>.json`, the URLs the PDF had to leave
out (they are warned about again when the PDF is taken from here) and a hash of the PDF. A PDF
taken from here is linked into the output, not written again. What a successful build did not
use is deleted; an entry that cannot be read, or whose PDF does not match its hash, is made
again.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from .fingerprint import bytes_digest
from .write import write_atomic


class PdfCache:
    """PDFs by key; `prune` keeps those this build used."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder  # None: keep nothing
        self.used: set[str] = set()

    def get(self, key: str) -> tuple[Path, list[str]] | None:
        """The file of the PDF stored under `key` and the URLs it left out; None when there is
        none."""
        if self.folder is None:
            return None
        try:
            entry = json.loads((self.folder / f"{key}.json").read_text("utf-8"))
            data = (self.folder / f"{key}.pdf").read_bytes()
            left_out, digest = entry["left_out"], entry["digest"]
        except (OSError, ValueError, TypeError, KeyError):
            return None
        if digest != bytes_digest(data) or not isinstance(left_out, list) or not all(
                isinstance(url, str) for url in left_out):
            return None  # damaged: made again
        self.used.add(key)
        return self.folder / f"{key}.pdf", left_out

    def put(self, key: str, data: bytes, left_out: list[str]) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.folder / f"{key}.pdf", data)
        write_atomic(self.folder / f"{key}.json", json.dumps(  # written last: the entry is
            {"left_out": left_out, "digest": bytes_digest(data)}))  # complete once it is there
        self.used.add(key)

    def keep_all(self) -> None:
        """Keep every stored PDF through this build's `prune`: a build that makes no PDF
        (`pdf_later`) must leave them for the build after it."""
        if self.folder is not None and self.folder.is_dir():
            self.used.update(path.stem for path in self.folder.iterdir())

    def prune(self) -> None:
        """Delete the PDFs this build did not use."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.stem not in self.used:
                with contextlib.suppress(OSError):
                    path.unlink()
