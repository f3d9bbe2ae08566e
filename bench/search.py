"""The search index's cost: Pagefind over the bench corpus, against the build it is part of.

For each size of BENCH_SIZES (default 1000,10000) it generates the synthetic corpus
(corpus.py), then measures, in this process, indexing every bundle (a full index, as a
first build makes it), one year's (what an edit of an older issue costs) and the newest
issue's (an edit of the issue being written), medians of three, and the bundles'
size per 1,000 items; then, from the command line, one edited item's rebuild with search on
and off (medians of three edits, after a cold build of each setting).

Then languages: the corpus of BENCH_LANGUAGE_SIZE items (default 1000) with every item
translated into two more languages (es, fr: copies of the originals, as the cost is Pagefind's
per document, whatever the words), against the monolingual corpus of as many documents (three
times the items): a full index of every language's bundles, one year of one language's (what
editing a translation costs), and the bundles' size per 1,000 items.
Prints Markdown tables; nothing is written outside the corpus folders.
"""

from __future__ import annotations

import os
import shutil
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

from bulletin_gen.pipeline import load_site  # noqa: E402
from bulletin_gen.search import (  # noqa: E402
    SearchShard,
    bundle_files,
    search_documents,
    search_shards,
    write_bundle,
)

# The settings `make bench-speed` times: the web and email editions, the PDF edition off.
BULLETIN = [sys.executable, "-m", "bulletin_gen", "build", "-q", "--no-pdf"]


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
    full, one, size_mb = index_times(shards, shards[len(shards) // 2])
    _, newest, _ = index_times([], shards[0])
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
    return (f"| {size} | {documents} | {len(shards)} | {full:.2f} s | "
            f"{one:.2f} s ({sum(1 for _ in shards[len(shards) // 2].documents())}) | "
            f"{newest:.2f} s ({sum(1 for _ in shards[0].documents())}) | "
            f"{size_mb / size * 1000:.2f} MB | "
            f"{edits['on']:.2f} s | {edits['off']:.2f} s |")


def index_times(shards: list[SearchShard], edited: SearchShard
                ) -> tuple[float, float, float]:
    """Medians of three: indexing every shard, and `edited` alone, in seconds; and the size in
    MB of what the bundles put in the output (a merged or translated bundle leaves out scripts
    that the main one has)."""
    full, one, size_mb = [], [], 0.0
    for _ in range(3):
        with tempfile.TemporaryDirectory() as scratch:
            started = time.perf_counter()
            for number, shard in enumerate(shards):
                write_bundle(shard, Path(scratch) / str(number))
            full.append(time.perf_counter() - started)
            size_mb = sum(os.stat(source).st_size for number, shard in enumerate(shards)
                          for source, _ in bundle_files(shard, Path(scratch) / str(number))) / 1e6
        with tempfile.TemporaryDirectory() as scratch:
            started = time.perf_counter()
            write_bundle(edited, Path(scratch) / "one")
            one.append(time.perf_counter() - started)
    return statistics.median(full), statistics.median(one), size_mb


def translate(site_dir: Path, codes: list[str]) -> None:
    """Every issue and item of the corpus translated into `codes`: each file copied beside
    itself as its translation, and the languages named in bulletin.yaml."""
    with (site_dir / "bulletin.yaml").open("a", encoding="utf-8") as config:
        config.write("languages:\n" + "".join(f"  {code}: {{}}\n" for code in codes))
    for path in sorted((site_dir / "content" / "issues").glob("*/*")):
        for code in codes:
            shutil.copyfile(path, path.with_name(f"{path.stem}.{code}{path.suffix}"))


def measure_languages(size: int, codes: list[str]) -> list[str]:
    """The rows of the languages table: the monolingual corpus of as many documents, then
    `size` items in 1 + len(codes) languages."""
    rows = []
    for label, items, languages in (("monolingual", size * (1 + len(codes)), []),
                                    (f"{1 + len(codes)} languages", size, codes)):
        root = HERE / f"corpus-search-languages-{len(languages)}"
        generate(root, items)
        site_dir = root / "bulletin"
        translate(site_dir, languages)
        site, _ = load_site(site_dir)
        shards = search_shards(site)
        documents = sum(1 for shard in shards for _ in shard.documents())
        edited = next(shard for shard in reversed(shards) if shard.folder.endswith("pagefind/"))
        full, one, size_mb = index_times(shards, edited)
        rows.append(f"| {label} | {len(site.issues) * (1 + len(languages))} | {documents} | "
                    f"{len(shards)} | {full:.2f} s | {full / documents * 1000:.2f} s | "
                    f"{one:.2f} s ({sum(1 for _ in edited.documents())} documents) | "
                    f"{size_mb / (size * (1 + len(codes))) * 1000:.2f} MB |")
    return rows


def main() -> None:
    sizes = [int(n) for n in os.environ.get("BENCH_SIZES", "1000,10000").split(",")]
    print("| items | documents | bundles | full index | one year's index (documents) | "
          "the newest issue's index (documents) | bundles per 1,000 items | "
          "edit rebuild, search on | search off |")
    print("|---|---|---|---|---|---|---|---|---|")
    for size in sizes:
        print(measure(size), flush=True)
    print()
    print("| site | issues (all languages) | documents | bundles | full index | "
          "per 1,000 documents | one bundle (the newest of the last language) | "
          "output per 1,000 items (of all languages) |")
    print("|---|---|---|---|---|---|---|---|")
    for row in measure_languages(int(os.environ.get("BENCH_LANGUAGE_SIZE", "1000")),
                                 ["es", "fr"]):
        print(row, flush=True)


if __name__ == "__main__":
    main()
