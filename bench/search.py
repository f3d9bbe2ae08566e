"""The search index's cost: Pagefind over the bench corpus, against the build it is part of.

For each size of BENCH_SIZES (default 1000,10000) it generates the synthetic corpus
(corpus.py), then measures, in this process, indexing every year's bundle (a full index, as a
first build makes it) and one year's (what an edit costs), medians of three, and the bundles'
size per 1,000 items; then, from the command line, one edited item's rebuild with search on
and off (medians of three edits, after a cold build of each setting).
Prints a Markdown table; nothing is written outside the corpus folder.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from corpus import edit_one, generate  # noqa: E402

from bulletin_gen.build import load_site  # noqa: E402
from bulletin_gen.search import search_documents, search_shards, write_bundle  # noqa: E402

BULLETIN = [sys.executable, "-m", "bulletin_gen", "build", "-q"]


def timed_build(site: Path) -> float:
    started = time.perf_counter()
    subprocess.run([*BULLETIN, str(site)], check=True)
    return time.perf_counter() - started


def measure(size: int) -> str:
    root = HERE / f"corpus-search-{size}"
    issues = generate(root, size)
    site_dir = root / "bulletin"
    site, _ = load_site(site_dir)
    documents = len(search_documents(site))
    shards = search_shards(site)
    full, one, size_mb = [], [], 0.0
    for _ in range(3):
        with tempfile.TemporaryDirectory() as scratch:
            started = time.perf_counter()
            for number, shard in enumerate(shards):
                write_bundle(shard, Path(scratch) / str(number))
            full.append(time.perf_counter() - started)
            size_mb = sum(path.stat().st_size for path in Path(scratch).rglob("*")
                          if path.is_file()) / 1e6
        with tempfile.TemporaryDirectory() as scratch:
            started = time.perf_counter()
            write_bundle(shards[len(shards) // 2], Path(scratch) / "one")
            one.append(time.perf_counter() - started)
    config = site_dir / "bulletin.yaml"
    plain = config.read_text(encoding="utf-8")
    edits = {}
    for label, extra in (("on", ""), ("off", "search: {enabled: false}\n")):
        config.write_text(plain + extra, encoding="utf-8")
        timed_build(site_dir)  # the cold build of this setting
        time.sleep(2.5)  # past the file system's clock tick, as an editor's next save is
        times = []
        for round_ in range(3):
            edit_one(root / "", issues, round_=round_ + 1)
            times.append(timed_build(site_dir))
        edits[label] = statistics.median(times)
    return (f"| {size} | {documents} | {len(shards)} | {statistics.median(full):.2f} s | "
            f"{statistics.median(one):.2f} s | {size_mb / size * 1000:.2f} MB | "
            f"{edits['on']:.2f} s | {edits['off']:.2f} s |")


def main() -> None:
    sizes = [int(n) for n in os.environ.get("BENCH_SIZES", "1000,10000").split(",")]
    print("| items | documents | years | full index | one year's index | bundles per 1,000 "
          "items | edit rebuild, search on | search off |")
    print("|---|---|---|---|---|---|---|---|")
    for size in sizes:
        print(measure(size), flush=True)


if __name__ == "__main__":
    main()
