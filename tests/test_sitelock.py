"""One build of a site at a time (sitelock.py): a second build waits, or says plainly who holds
the site, and never touches the output; a lock whose holder died is taken over."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import snapshot
from test_serve import Served

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.cli import main
from bulletin_gen.errors import ContentError
from bulletin_gen.sitelock import LOCK_FILE, SiteLocked, site_lock

WAIT = 60  # seconds before a test that hangs is failed; never a measure of speed
HOLD = """\
import sys
from pathlib import Path
from bulletin_gen.sitelock import site_lock
with site_lock(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()
"""


class Holder:
    """Another process holding the site's lock until `release` (or until it is killed)."""

    def __init__(self, site: Path) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", HOLD, str(site)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)
        assert self.process.stdout and self.process.stdout.readline() == "held\n"

    def release(self) -> None:
        assert self.process.stdin
        self.process.stdin.close()
        assert self.process.wait(timeout=WAIT) == 0

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=WAIT)


def refusal(site: Path, pid: int) -> str:
    return f"Error: another build (pid {pid}) holds {site}; try again when it ends.\n"


def test_a_build_refuses_a_held_site_and_leaves_the_output_alone(make_site: Callable[..., Path],
                                                                 runner: CliRunner) -> None:
    site = make_site()
    runner.invoke(main, ["build", str(site), "--no-pdf"], catch_exceptions=False)
    before = snapshot(site / "output")
    holder = Holder(site)
    try:
        result = runner.invoke(main, ["build", str(site), "--clean", "--no-pdf", "--wait", "0"])
    finally:
        holder.release()
    assert result.exit_code == 1
    assert result.output == refusal(site, holder.process.pid)
    assert snapshot(site / "output") == before
    assert sorted(path.name for path in site.glob(".output*")) == [".output.spare"]


def test_a_waiting_build_builds_when_the_holder_ends(make_site: Callable[..., Path],
                                                     runner: CliRunner) -> None:
    site = make_site()
    holder = Holder(site)
    threading.Timer(0.5, holder.release).start()
    result = runner.invoke(main, ["build", str(site), "--no-pdf", "--wait", str(WAIT)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"Waiting for another build of this site (pid {holder.process.pid}) to end...\n")
    assert "Built 1 issue" in result.output
    assert (site / "output/index.html").is_file()


def test_a_lock_left_by_a_killed_build_is_taken_over(make_site: Callable[..., Path],
                                                     runner: CliRunner) -> None:
    site = make_site()
    holder = Holder(site)
    holder.kill()  # kill -9: no chance to release anything
    assert (site / LOCK_FILE).read_text().split()[0] == str(holder.process.pid)
    result = runner.invoke(main, ["build", str(site), "--no-pdf", "--wait", "0"])
    assert result.exit_code == 0, result.output
    assert (site / LOCK_FILE).read_text() == ""  # released, and no holder named any more


def test_the_lock_is_released_when_a_build_fails(make_site: Callable[..., Path]) -> None:
    site = make_site({"content/pages/about.md": "---\ntitle: [About\n---\n"})
    with pytest.raises(ContentError):
        build(site, BuildOptions(pdf=False, wait=0))
    with site_lock(site):  # taken at once: the failed build let go
        pass


def test_a_second_lock_in_the_same_process_is_refused_too(make_site: Callable[..., Path]) -> None:
    site = make_site()
    with site_lock(site), pytest.raises(SiteLocked, match=rf"\(pid {os.getpid()}\) holds"):
        build(site, BuildOptions(pdf=False, wait=0.2))


def test_serve_waits_for_a_build_of_its_site(make_site: Callable[..., Path]) -> None:
    pytest.importorskip("watchfiles")
    site = make_site()
    holder = Holder(site)
    # Let go once serve says it waits (a timer raced a slow start: serve found the site free).
    server = Served(site, "--no-pdf", on_saying=("Waiting for another build", holder.release))
    try:
        assert server.get("")[0] == 200
    finally:
        assert server.stop() == 0
    assert (f"Waiting for another build of this site (pid {holder.process.pid}) to end...\n"
            in server.output)


def many_items(count: int) -> dict[str, str]:
    return {f"content/issues/2026-01-winter/{10 + n:02d}-story-{n}.md":
            f"---\ntitle: Story {n}\ntags: [tag{n % 7}]\nregions: [Region {n % 5}]\n---\n"
            + f"Paragraph {n} of a story with **bold** words.\n\n" * 20 for n in range(count)}


def test_builds_at_once_and_serve_beside_them_leave_a_clean_build(make_site: Callable[..., Path],
                                                                  tmp_path: Path) -> None:
    """The issue's case: `build --clean` and plain builds of one site at once (some waiting,
    some not), with `bulletin serve` rebuilding beside them. Each builds or says plainly that
    another build holds the site; the output is then what a clean build of the site makes."""
    pytest.importorskip("watchfiles")
    site = make_site(many_items(150))
    reference = tmp_path / "reference"
    shutil.copytree(site, reference)
    server = Served(site, "--no-pdf")
    try:
        commands = [["--clean"], [], ["--clean", "--wait", "0"], ["--wait", "0"], ["--clean"],
                    ["-j", "1", "--wait", "0"]]
        builds = []
        for extra in commands:
            builds.append(subprocess.Popen(
                [sys.executable, "-m", "bulletin_gen", "build", str(site), "--no-pdf", *extra],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
            time.sleep(0.2)
            if extra == []:  # a save while they run: serve builds too
                item = site / "content/issues/2026-01-winter/10-story-0.md"
                item.write_bytes(item.read_bytes())
        outcomes = [(process.wait(timeout=WAIT), *process.communicate()) for process in builds]
        while not any(line.endswith(" changed: 10-story-0.md\n") for line in server.output):
            server.next_line()
        while not server.output[-1].startswith(("Built", "Build failed")):
            server.next_line()
        assert server.output[-1].startswith("Built")
        assert server.get("")[0] == 200
    finally:
        assert server.stop() == 0
    built = refused = 0
    for code, out, errors in outcomes:
        assert "Traceback" not in out + errors
        if code == 0:
            assert out.startswith("Built 1 issue")
            built += 1
        else:
            assert code == 1
            assert errors.startswith("Error: another build (pid ")
            assert errors.endswith(f") holds {site}; try again when it ends.\n")
            refused += 1
    assert built >= 3  # the three that wait
    print(f"{built} built, {refused} found the site held")
    build(reference, BuildOptions(pdf=False, clean=True))
    assert snapshot(site / "output") == snapshot(reference / "output")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs kill -9")
def test_a_build_killed_while_holding_the_lock_does_not_block_the_next(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    site = make_site(many_items(60))
    process = subprocess.Popen([sys.executable, "-m", "bulletin_gen", "build", str(site),
                                "--no-pdf", "--clean"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    lock = site / LOCK_FILE
    deadline = time.monotonic() + WAIT
    while not (lock.is_file() and lock.read_text().startswith(f"{process.pid} ")):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.01)
    process.kill()
    process.wait(timeout=WAIT)
    result = runner.invoke(main, ["build", str(site), "--no-pdf", "--wait", "0"])
    assert result.exit_code == 0, result.output
    reference = make_site(many_items(60), name="reference")
    build(reference, BuildOptions(pdf=False))
    assert snapshot(site / "output") == snapshot(reference / "output")
