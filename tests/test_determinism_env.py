"""The output's bytes depend on the content alone: not on the order the file system lists
files in, PYTHONHASHSEED, the clock, the locale or the time zone.

The demo site is built twice in fresh interpreters, each time under a different environment,
from two copies whose files were created in opposite orders with different mtimes, and every
output file is compared byte for byte.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import Built, snapshot

# Runs the build with the clock moved by argv[3] seconds: `datetime`'s now/today and
# `time.time` are shifted before bulletin_gen is imported, so a build that stamps the time
# (or the local date) into a file gives different bytes in the two runs.
BUILD_WITH_SHIFTED_CLOCK = """
import datetime, sys, time
from pathlib import Path

SHIFT = datetime.timedelta(seconds=float(sys.argv[3]))

class ShiftedDateTime(datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return super().now(tz) + SHIFT
    @classmethod
    def utcnow(cls):
        return super().utcnow() + SHIFT
    @classmethod
    def today(cls):
        return super().today() + SHIFT

class ShiftedDate(datetime.date):
    @classmethod
    def today(cls):
        return super().today() + SHIFT

datetime.datetime, datetime.date = ShiftedDateTime, ShiftedDate
_time = time.time
time.time = lambda: _time() + SHIFT.total_seconds()

from bulletin_gen.build import BuildOptions, build
build(Path(sys.argv[1]), BuildOptions(output=Path(sys.argv[2])))
"""


def other_locale() -> str:
    """A locale other than C.UTF-8 that this machine has, preferring a real language."""
    try:
        found = subprocess.run(["locale", "-a"], capture_output=True, text=True,
                               check=False).stdout.split()
    except OSError:
        found = []
    preferred = [name for name in found if name.lower().endswith(("utf-8", "utf8"))
                 and not name.lower().startswith(("c.", "posix"))]
    return (preferred or ["POSIX"])[0]


def copy_in_order(source: Path, target: Path, reverse: bool, mtime: int) -> Path:
    """Copy the site's files one by one, in (reverse) sorted order, all with `mtime`."""
    files = sorted((p for p in source.rglob("*") if p.is_file()), reverse=reverse)
    for path in files:
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        os.utime(destination, (mtime, mtime))
    return target


def build_in(site: Path, output: Path, env: dict[str, str], shift_seconds: int) -> None:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("LC_", "LANG", "TZ", "PYTHONHASHSEED"))}
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "-c", BUILD_WITH_SHIFTED_CLOCK, str(site), str(output),
         str(shift_seconds)],
        capture_output=True, text=True, env=environment, check=False)
    assert result.returncode == 0, result.stderr


def test_demo_site_bytes_do_not_depend_on_the_environment(demo_site: Path,
                                                          tmp_path: Path) -> None:
    first = copy_in_order(demo_site, tmp_path / "first", reverse=False, mtime=1_000_000_000)
    second = copy_in_order(demo_site, tmp_path / "second", reverse=True, mtime=1_700_000_000)
    locale = other_locale()
    build_in(first, tmp_path / "out-first",
             {"PYTHONHASHSEED": "1", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8",
              "TZ": "Etc/GMT+12"}, shift_seconds=0)
    build_in(second, tmp_path / "out-second",
             {"PYTHONHASHSEED": "4242", "LC_ALL": locale, "LANG": locale,
              "TZ": "Etc/GMT-14"},  # 26 hours ahead of the first: the local date differs
             shift_seconds=400 * 86400 + 12345)
    one, two = snapshot(tmp_path / "out-first"), snapshot(tmp_path / "out-second")
    assert len(one) > 30
    assert sorted(one) == sorted(two)
    differing = [name for name in one if one[name] != two[name]]
    assert differing == []


def test_demo_site_twice_in_one_process_is_identical(demo_built: Built,
                                                     demo_built_again: Built) -> None:
    first = snapshot(demo_built.output)
    second = snapshot(demo_built_again.output)
    assert first == second
