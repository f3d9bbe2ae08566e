"""Workers die with the main process: killed (kill -9) or stopped (SIGTERM) in the middle of a
`bulletin build -j 2` whose output goes to a pipe, it leaves no worker process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

WAIT = 60  # seconds before a test that hangs is failed; never a measure of speed
GONE_WITHIN = 5.0  # seconds a worker may take to end once its parent is gone

# Each item page spins for a while, so that the workers are surely busy when the main
# process is killed.
SLOW_ITEM = ("{% extends 'theme/item.html' %}{% block main %}"
             "{% for i in range(1500000) %}{% endfor %}{{ super() }}{% endblock %}")


def slow_site(make_site: Callable[..., Path]) -> Path:
    items = {f"content/issues/2026-01-winter/{10 + n:02d}-story-{n}.md":
             f"---\ntitle: Story {n}\n---\nText of story **{n}**.\n" for n in range(60)}
    return make_site({**items, "templates/item.html": SLOW_ITEM})


def children(pid: int) -> set[int]:
    """The processes whose parent is `pid`, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie, dead and not yet reaped, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def survivors(pids: set[int], within: float) -> set[int]:
    deadline = time.monotonic() + within
    while (left := {pid for pid in pids if alive(pid)}) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def workers_of(process: subprocess.Popen[bytes], count: int) -> set[int]:
    deadline = time.monotonic() + WAIT
    while len(found := children(process.pid)) < count:
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the build started {len(found)} workers, not {count}")
        time.sleep(0.02)
    return found


pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists() or not hasattr(os, "fork"),
                                reason="needs fork and /proc (Linux)")


@pytest.mark.parametrize(("signum", "group"), [(signal.SIGKILL, False), (signal.SIGTERM, False),
                                               (signal.SIGTERM, True)],
                         ids=["kill-9", "sigterm", "sigterm-to-the-group"])
def test_no_worker_outlives_the_main_process(make_site: Callable[..., Path], signum: int,
                                             group: bool) -> None:
    site = slow_site(make_site)
    # Output to a pipe (as `bulletin build -j 2 | cat`) that is read only at the end.
    build = subprocess.Popen([sys.executable, "-m", "bulletin_gen", "build", str(site),
                              "-j", "2", "--no-pdf"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, start_new_session=group)
    workers = workers_of(build, 2)
    try:
        time.sleep(0.3)  # the workers at work on their first chunks
        # To the main process alone, or to the whole group as a terminal or CI runner does.
        (os.killpg if group else os.kill)(build.pid, signum)
        build.wait(timeout=WAIT)
        left = survivors(workers, GONE_WITHIN)
    finally:
        for pid in workers:  # what the test started, if the fix did not work
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert left == set()
    # With every worker gone, nothing holds the pipe open: the pipeline ends.
    _, errors = build.communicate(timeout=WAIT)
    # SIGTERM ends the build as an exception does, with the status of a process it killed.
    assert build.returncode == (-signum if signum == signal.SIGKILL else 128 + signum)
    if signum == signal.SIGTERM:  # stopped cleanly: no traceback, no half-written output
        assert b"Traceback" not in errors
        assert not (site / "output").exists()
        assert not list(site.glob(".output*"))


def test_a_worker_without_the_system_s_help_watches_its_parent(tmp_path: Path) -> None:
    """The fallback where prctl does not exist: a child whose parent exits ends by itself."""
    script = tmp_path / "orphan.py"
    script.write_text(f"""\
import os, sys, time
sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})
from bulletin_gen.pool import watch_parent
parent = os.getpid()
child = os.fork()
if child == 0:
    watch_parent(parent, interval=0.05)
    time.sleep(600)
    os._exit(0)
print(child, flush=True)
os._exit(0)
""")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            timeout=WAIT, check=True)
    orphan = int(result.stdout)
    try:
        assert survivors({orphan}, GONE_WITHIN) == set()
    finally:
        if alive(orphan):
            os.kill(orphan, signal.SIGKILL)
