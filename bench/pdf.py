"""Benchmark of the print edition: seconds per issue PDF, against the HTML build of the site.

Usage: python bench/pdf.py [SITE] [--repeat N]   (default: the demo site at the repo root)

Both are measured in the same run on the same machine, so the ratio (PDF time / HTML build
time) compares across machines better than the seconds do. Each figure is the best of N runs.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.editions.pdf import issue_pdf
from bulletin_gen.model import Issue
from bulletin_gen.pipeline import load_site
from bulletin_gen.templates import make_environment

REPO = Path(__file__).resolve().parent.parent


def best_of(repeat: int, run: Callable[[], object]) -> float:
    """The fastest of `repeat` timed calls of `run`, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, default=REPO)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        # clean: each run a whole build, not the cache's "nothing changed"
        options = BuildOptions(output=Path(scratch) / "output", pdf=False, email=False,
                               clean=True)
        html_seconds = best_of(args.repeat, lambda: build(args.site, options))
    site, problems = load_site(args.site)
    env = make_environment(args.site)
    print(f"HTML build of {args.site.resolve()} (no editions): {html_seconds:.3f} s")
    print(f"{'issue':<28} {'PDF KB':>9} {'PDF s':>8} {'x HTML build':>13}")
    total = 0.0
    for issue in site.issues:
        def run(issue: Issue = issue) -> bytes:
            return issue_pdf(args.site, site, env, issue, problems)

        size = len(run())  # the first run also warms WeasyPrint's fonts and caches
        seconds = best_of(args.repeat, run)
        total += seconds
        print(f"{issue.slug:<28} {size / 1024:>9.0f} {seconds:>8.3f} "
              f"{seconds / html_seconds:>13.1f}")
    print(f"{'all issues':<28} {'':>9} {total:>8.3f} {total / html_seconds:>13.1f}")


if __name__ == "__main__":
    main()
