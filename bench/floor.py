"""The floor under any build that renders with markdown-it-py: the Markdown, and the writing.

`python bench/floor.py SITE MANIFEST SCRATCH` renders the body of every Markdown file under
SITE/content with markdown-it-py's CommonMark preset (no plugins, no templates, no YAML) and
writes the files MANIFEST lists (a JSON list of [relative path, size in bytes], made from a
build's output) under SCRATCH with as many bytes each, both shared out over one process per
core. No build of the corpus with markdown-it-py that writes those files can be faster on this
machine: `make bench` reports the cold build as a multiple of it.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
from pathlib import Path

from markdown_it import MarkdownIt


def work(share: tuple[list[str], list[tuple[str, int]], str]) -> int:
    """Render one process's share of the Markdown files and write its share of the output."""
    sources, outputs, scratch = share
    md = MarkdownIt("commonmark")
    size = 0
    for path in sources:
        text = Path(path).read_text("utf-8")
        if text.startswith("---\n"):  # front matter is YAML, not Markdown
            text = text.split("\n---\n", 1)[-1]
        size += len(md.render(text))
    for rel, length in outputs:
        target = Path(scratch, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"x" * length)
    return size


def main(site: Path, manifest: Path, scratch: Path) -> None:
    sources = sorted(str(path) for path in (site / "content").rglob("*.md"))
    outputs = [(rel, size) for rel, size in json.loads(manifest.read_text("utf-8"))]
    jobs = os.cpu_count() or 1
    shares = [(sources[start::jobs], outputs[start::jobs], str(scratch)) for start in range(jobs)]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pool.map(work, shares)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
