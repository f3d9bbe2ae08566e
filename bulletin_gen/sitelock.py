"""One build of a site at a time: a lock file, `SITE/.bulletin.lock`, held while a build runs.

Two builds of one site share its cache and the staging folder beside its output; run at once,
they undo each other's work. Every build (`bulletin build`, each rebuild of `bulletin serve`)
takes the lock first. The lock is the operating system's lock on the open file (flock), not
the file's existence: the system releases it however its holder ends, kill -9 included, so a
lock left by a dead build is simply taken over. The file itself stays (deleting it would let a
third build lock a new file while the second still holds the old one); while held, it names
its holder's process id and host, so that the build that finds it taken can say who holds it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import BulletinError

LOCK_FILE = ".bulletin.lock"
POLL_SECONDS = 0.1  # how often a waiting build tries the lock again
UNLOCKABLE = {errno.ENOENT, errno.ENOTDIR, errno.EACCES, errno.EPERM, errno.EROFS}


class SiteLocked(BulletinError):
    """Another build of the site holds its lock, and did not let go in time."""


@contextlib.contextmanager
def site_lock(site_dir: Path, wait: float = 0.0,
              waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the site's build lock for the block.

    Args:
        site_dir: the site's folder; the lock file is made there.
        wait: seconds to wait for another build to end before giving up with `SiteLocked`.
        waiting: told once, with the holder ('pid 123'), when this build has to wait.
    """
    path = site_dir / LOCK_FILE
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as error:
        if error.errno not in UNLOCKABLE:
            raise
        # No site folder (the build says so, with the fix), or one nobody may write to: such
        # a site has no cache for two builds to share, and its build runs unlocked, as before.
        yield
        return
    try:
        _acquire(handle, site_dir, wait, waiting)
        try:
            _write_holder(handle)
            yield
        finally:
            # Emptied before it is released: the next reader finds a holder's name only while
            # there is a holder.
            with contextlib.suppress(OSError):
                os.ftruncate(handle, 0)
            _unlock(handle)
    finally:
        os.close(handle)


def _acquire(handle: int, site_dir: Path, wait: float,
             waiting: Callable[[str], None] | None) -> None:
    """Take the lock, trying again every POLL_SECONDS for up to `wait` seconds. Polled rather
    than blocking, so that Ctrl-C and the time limit both interrupt the wait."""
    deadline = time.monotonic() + wait
    told = False
    while not _try_lock(handle):
        if time.monotonic() >= deadline:
            raise SiteLocked(f"another build ({holder(handle)}) holds {site_dir}; try again "
                             "when it ends.")
        if waiting and not told:
            waiting(holder(handle))
            told = True
        time.sleep(POLL_SECONDS)


def holder(handle: int) -> str:
    """'pid 123' (or 'pid 123 on othermachine') as the holder wrote it in the lock file."""
    for _ in range(10):  # a holder that has just taken the lock writes its name a moment later
        try:
            os.lseek(handle, 0, os.SEEK_SET)
            text = os.read(handle, 200).decode("utf-8", "replace").split()
        except OSError:
            break
        if len(text) == 2 and text[0].isdigit():
            pid, host = text
            return f"pid {pid}" if host == socket.gethostname() else f"pid {pid} on {host}"
        time.sleep(POLL_SECONDS / 10)
    return "pid unknown"


def _write_holder(handle: int) -> None:
    data = f"{os.getpid()} {socket.gethostname()}\n".encode()
    os.ftruncate(handle, 0)
    os.lseek(handle, 0, os.SEEK_SET)
    os.write(handle, data)


if sys.platform == "win32":  # no flock: a lock on one byte far past the holder's name
    import msvcrt

    _FAR = 1 << 30

    def _try_lock(handle: int) -> bool:
        os.lseek(handle, _FAR, os.SEEK_SET)
        try:
            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: int) -> None:
        os.lseek(handle, _FAR, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(handle, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: int) -> bool:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError as error:
            # A file system without locks (some network mounts): a build there runs unlocked,
            # as every build did before the lock, rather than not at all.
            if error.errno in (errno.ENOLCK, errno.EOPNOTSUPP):
                return True
            raise
        return True

    def _unlock(handle: int) -> None:
        with contextlib.suppress(OSError):  # not locked after all: see `_try_lock`
            fcntl.flock(handle, fcntl.LOCK_UN)
