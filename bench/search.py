"""The search index's cost: Pagefind over the bench corpus, against the build it is part of.

For each size of BENCH_SIZES (default 1000,10000) it generates the synthetic corpus
(corpus.py), then measures, in this process, the median of three runs of
`search.search_artifacts` (the whole index: there is no partial one), the bundle's size per
1,000 items, and, from the command line, one edited item's rebuild with search on and off.
Prints a Markdown table; nothing is written outside the corpus folder.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from corpus import edit_one, generate  # noqa: E402

from bulletin_gen.build import load_site  # noqa: E402
from bulletin_gen.search import search_artifacts, search_documents  # noqa: E402

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
    runs, bundle = [], []
    for _ in range(3):
        started = time.perf_counter()
        bundle = search_artifacts(site)
        runs.append(time.perf_counter() - started)
    size_mb = sum(len(artifact.data) for artifact in bundle) / 1e6
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
    return (f"| {size} | {documents} | {statistics.median(runs):.2f} s | "
            f"{size_mb / size * 1000:.2f} MB | {edits['on']:.2f} s | {edits['off']:.2f} s |")


def main() -> None:
    sizes = [int(n) for n in os.environ.get("BENCH_SIZES", "1000,10000").split(",")]
    print("| items | documents | index (median of 3) | bundle per 1,000 items "
          "| edit rebuild, search on | search off |")
    print("|---|---|---|---|---|---|")
    for size in sizes:
        print(measure(size), flush=True)


if __name__ == "__main__":
    main()
