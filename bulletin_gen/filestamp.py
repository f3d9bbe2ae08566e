"""When a file can be taken as unchanged since the last build: its size, time and inode, unless
it was saved so shortly before that a second save could leave all three as they were.

Standard library only: the check that a build has nothing to do (incremental/uptodate.py)
uses it before any stage is imported.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

# How long after its modification a file could still change without its time changing: a file
# system that keeps whole seconds (FAT's are two seconds), and one that keeps finer times (a
# Linux clock tick is at most 10 ms).
RACY_NS = 2_000_000_000
FINE_RACY_NS = 100_000_000


def settled(mtime_ns: int, now_ns: int) -> bool:
    """False when a file modified at `mtime_ns` could have changed again by `now_ns` without its
    modification time changing (git's "racy" rule). A time in whole seconds may come from a
    file system that keeps no finer ones (or from a copy that kept whole seconds): it gets the
    longer window."""
    window = RACY_NS if mtime_ns % 1_000_000_000 == 0 else FINE_RACY_NS
    return mtime_ns < now_ns - window


def file_version(path: str | Path) -> str:
    """What tells this version of a file from others, for the key of what is made from it (a
    copy, a picture's resized copies, a PDF): its size, time, inode and time of last change
    of any kind, which no tool sets back (a tool that rewrites a file and keeps its time, as
    `exiftool -P` does), as git does; or its bytes' digest when it is not `settled`. Raises
    OSError when it cannot be read."""
    info = os.stat(path)
    if settled(info.st_mtime_ns, time.time_ns()):
        return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}:{info.st_ctime_ns}"
    with open(path, "rb") as file:
        return "bytes:" + hashlib.file_digest(file, "blake2b").hexdigest()[:40]
