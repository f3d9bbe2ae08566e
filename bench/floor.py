"""The floor under any build that renders with markdown-it-py: the corpus's Markdown alone.

`python bench/floor.py SITE` renders the body of every Markdown file under SITE/content with
markdown-it-py's CommonMark preset (no plugins, no templates, no YAML, nothing written), on one
process per core, and exits. `make bench` times it beside the cold builds: no build of the
corpus with markdown-it-py can be faster on this machine, which is what the Hugo-relative
cold-build target is measured against in the results.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path

from markdown_it import MarkdownIt


def render_files(paths: list[str]) -> int:
    md = MarkdownIt("commonmark")
    size = 0
    for path in paths:
        text = Path(path).read_text("utf-8")
        if text.startswith("---\n"):  # front matter is YAML, not Markdown
            text = text.split("\n---\n", 1)[-1]
        size += len(md.render(text))
    return size


def main(site: Path) -> None:
    paths = sorted(str(path) for path in (site / "content").rglob("*.md"))
    jobs = os.cpu_count() or 1
    chunks = [paths[start::jobs] for start in range(jobs)]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pool.map(render_files, chunks)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
