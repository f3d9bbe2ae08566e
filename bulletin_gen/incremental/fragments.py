"""Rendered Markdown kept between builds: one SQLite file of fragments, keyed by their inputs.

A fragment's key hashes its text, the renderer's settings and where it sits (cache.py makes it).
Its entry holds the HTML, the links it resolved with their targets (it is used only while each
one still resolves the same way), the links that were broken, the images without alt text, and
the key points of a round table's conclusions or recommendations.

Worker processes only read the file: what they render reaches the main process with the rest of
their work (`take_learned`), which writes it in one transaction (`flush`) and, once a build has
succeeded, removes what that build did not use (`prune`). One file, not one per fragment:
creating a file per fragment was a large part of a first build on a slow disk. A file that
cannot be read is deleted, and the build goes on without it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from ..markdown import Rendered, Resolver

Link = tuple[str, str, str | None]  # url, kind, what it resolved to
FLUSH_AFTER = 500  # fragments from workers held before they are written


class MarkdownCache:
    """Rendered fragments, keyed by their inputs; `used` keeps the live entries."""

    def __init__(self, path: Path | None) -> None:
        self.path = path  # None: keep nothing
        self.used: set[str] = set()
        self.journal: list[str] = []  # `used` in the order of use, for ModelMemo
        self.fresh: dict[str, str] = {}  # rendered by this process, not written yet
        self.connection: sqlite3.Connection | None = None
        self.pid = 0  # of the process that opened `connection`: never used across a fork

    def use(self, key: str) -> None:
        self.used.add(key)
        self.journal.append(key)

    def take_learned(self) -> tuple[set[str], dict[str, str]]:
        """The fragments used and rendered since the last call, forgotten here
        (pool.Learner)."""
        learned = set(self.used), self.fresh
        self.used.clear()  # (the journal stays: the memo counts its way through it)
        self.fresh = {}
        return learned

    def absorb(self, learned: tuple[set[str], dict[str, str]]) -> None:
        used, fresh = learned
        self.used |= used
        self.fresh.update(fresh)
        if len(self.fresh) >= FLUSH_AFTER:  # written as they come, not all held till the end
            self.flush()

    def get(self, key: str, resolve: Resolver) -> Rendered | None:
        """The cached fragment, if there is one and its links still resolve as they did."""
        entry = self._load(key)
        try:
            links = [(str(url), str(kind), target) for url, kind, target in entry["links"]]
            html, broken = str(entry["html"]), tuple((int(line), str(url), str(kind))
                                                      for line, url, kind in entry["broken"])
            points = entry.get("points")
            points = None if points is None else tuple(str(point) for point in points)
            unlabelled = tuple((int(line), str(url), str(kind))
                               for line, url, kind in entry["unlabelled"])
        except (ValueError, TypeError, KeyError, AttributeError):
            return None  # missing or malformed: render again
        if any(resolve(url, kind) != target for url, kind, target in links):
            return None
        self.use(key)
        return Rendered(html, broken, points=points, unlabelled=unlabelled)

    def put(self, key: str, rendered: Rendered, links: list[Link]) -> None:
        self._store(key, json.dumps({"html": rendered.html, "links": links,
                                     "broken": rendered.broken, "points": rendered.points,
                                     "unlabelled": rendered.unlabelled}))

    def flush(self) -> None:
        """Write the fragments rendered since the last flush (by this process or its workers)."""
        if not self.fresh:
            return
        with self._writing() as database:
            if database is not None:
                database.executemany("INSERT OR REPLACE INTO fragments VALUES (?, ?)",
                                     self.fresh.items())
        self.fresh = {}

    def prune(self) -> None:
        """Write what is new and delete the fragments this build did not use."""
        self.flush()
        with self._writing() as database:
            if database is not None:
                # Reading every key is cheaper than writing every used one into a table to
                # compare with: after an edit, only the edited items' fragments go.
                gone = [(key,) for (key,) in database.execute("SELECT key FROM fragments")
                        if key not in self.used]
                database.executemany("DELETE FROM fragments WHERE key = ?", gone)

    def _load(self, key: str) -> Any:
        """The JSON stored under `key`; None when there is none or it cannot be read."""
        text = self.fresh.get(key)
        if text is None:
            database = self._open()
            if database is None:
                return None
            try:
                row = database.execute("SELECT value FROM fragments WHERE key = ?",
                                       (key,)).fetchone()
            except sqlite3.Error:
                self._discard()
                return None
            if row is None:
                return None
            text = row[0]
        try:
            return json.loads(text)
        except ValueError:
            return None

    def _store(self, key: str, text: str) -> None:
        if self.path is not None:
            self.fresh[key] = text
            self.use(key)

    def _open(self) -> sqlite3.Connection | None:
        if self.path is None:
            return None
        if self.connection is None or self.pid != os.getpid():
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                database = sqlite3.connect(self.path, timeout=30)
                database.execute("CREATE TABLE IF NOT EXISTS fragments "
                                 "(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                database.commit()
            except (OSError, sqlite3.Error):
                self._discard()
                return None
            self.connection, self.pid = database, os.getpid()
        return self.connection

    @contextlib.contextmanager
    def _writing(self) -> Any:
        """One transaction on the file (None when there is no file to write)."""
        database = self._open()
        if database is None:
            yield None
            return
        try:
            with database:  # commits, or rolls back on an error
                yield database
        except sqlite3.Error:
            self._discard()

    def _discard(self) -> None:
        """Forget a file that cannot be used; the next build starts a new one."""
        if self.connection is not None and self.pid == os.getpid():
            with contextlib.suppress(sqlite3.Error):
                self.connection.close()
        self.connection = None
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()
            self.path = None  # for the rest of this build, keep nothing
