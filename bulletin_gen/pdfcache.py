"""Print editions kept between builds: each issue's PDF, keyed by everything it is made from.

A PDF takes WeasyPrint a second or so, far longer than the issue's web pages; most rebuilds
change one issue, or none. The key, made here from what editions/pdf.py hands over (`pdf`),
hashes the print HTML of the issue, every file the PDF may load, the WeasyPrint version and
bulletin-gen's: equal keys give the same bytes. Each entry is `pdf/<key>.pdf` with
`<key>.json`, the URLs the PDF had to leave out (they are warned about again when the PDF is
taken from here) and a hash of the PDF. A PDF taken from here is copied into the output, not
made again (a copy, so that damaging the published file leaves this one whole). What a
successful build did not use is deleted; an entry that cannot be read, or whose PDF does not
match its hash, is made again.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path

from .fingerprint import VERSION, bytes_digest, text_hash
from .sourcecache import file_stamp
from .write import write_atomic


class PdfCache:
    """PDFs by key; `prune` keeps those this build used."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder  # None: keep nothing
        self.used: set[str] = set()
        self.files_key: tuple[Mapping[str, Path], str] | None = None

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

    def pdf(self, made_from: tuple[str, ...], files: Mapping[str, Path],
            make: Callable[[], tuple[bytes, list[str]]]) -> tuple[bytes, Path | None, list[str]]:
        """The PDF made from `made_from` and `files` (editions/pdf.PdfStore): the kept file,
        or the bytes `make` returns, kept for the next build."""
        key = text_hash(VERSION, self._files_key(files), *made_from)
        kept = self.get(key)
        if kept:
            return b"", kept[0], kept[1]
        data, left_out = make()
        self.put(key, data, left_out)
        return data, None, left_out

    def _files_key(self, files: Mapping[str, Path]) -> str:
        """A hash of every file a PDF may load, by its stamp; the same for every issue of a
        build, so it is made once."""
        if self.files_key is None or self.files_key[0] is not files:
            self.files_key = (files, text_hash(*(f"{url}:{file_stamp(path)}"
                                                 for url, path in sorted(files.items()))))
        return self.files_key[1]

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
