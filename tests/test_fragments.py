"""fragments.py: rendered Markdown in one SQLite file, written by the main process only."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.errors import ContentError
from bulletin_gen.incremental.fragments import MarkdownCache
from bulletin_gen.layout import CACHE_DIR
from bulletin_gen.markdown import Rendered


def same(url: str, kind: str) -> str:
    return url


def test_fragments_are_written_by_flush_and_read_by_the_next_build(tmp_path: Path) -> None:
    path = tmp_path / "markdown.sqlite"
    first = MarkdownCache(path)
    first.put("k1", Rendered("<p>one</p>"), [("a.md", "link", "@root/a/")])
    first.put("k2", Rendered("<p>two</p>", points=("<em>point</em>",)), [])
    first.put("k3", Rendered('<p><img src="m.png" alt=""></p>',
                             unlabelled=((4, "m.png", "image"),)), [])
    assert MarkdownCache(path).get("k1", same) is None  # not written yet
    first.flush()
    second = MarkdownCache(path)
    assert second.get("k1", lambda url, kind: "@root/a/") == Rendered("<p>one</p>")
    assert second.get("k1", lambda url, kind: "@root/elsewhere/") is None  # link moved
    assert second.get("k2", same) == Rendered("<p>two</p>", points=("<em>point</em>",))
    # an image without alt text is warned about on every build, not only the first
    assert second.get("k3", same) == Rendered('<p><img src="m.png" alt=""></p>',
                                              unlabelled=((4, "m.png", "image"),))


def test_what_a_worker_rendered_reaches_the_file_through_the_main_process(
        tmp_path: Path) -> None:
    path = tmp_path / "markdown.sqlite"
    main, worker = MarkdownCache(path), MarkdownCache(path)
    worker.put("k", Rendered("<p>w</p>"), [])
    main.absorb(worker.take_learned())
    assert worker.fresh == {} and not worker.used
    main.prune()
    assert MarkdownCache(path).get("k", same) == Rendered("<p>w</p>")


def test_prune_keeps_only_what_the_build_used(tmp_path: Path) -> None:
    path = tmp_path / "markdown.sqlite"
    first = MarkdownCache(path)
    first.put("old", Rendered("<p>old</p>"), [])
    first.put("kept", Rendered("<p>kept</p>"), [])
    first.prune()
    second = MarkdownCache(path)
    assert second.get("kept", same) is not None
    second.prune()
    third = MarkdownCache(path)
    assert third.get("kept", same) is not None and third.get("old", same) is None


def test_a_file_that_is_no_database_is_deleted_and_the_build_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "markdown.sqlite"
    path.write_bytes(b"not a database " * 100)
    cache = MarkdownCache(path)
    assert cache.get("k", same) is None
    cache.put("k", Rendered("<p>k</p>"), [])
    cache.prune()
    assert not path.exists()


def test_a_failed_build_keeps_what_it_rendered(make_site: Callable[..., Path]) -> None:
    site = make_site({"content/issues/2026-01-winter/03-bad.md":
                      "---\ntitle: Bad\ndate: 2026-13-01\n---\nSome **text**.\n"})
    with pytest.raises(ContentError):
        build(site, BuildOptions(jobs=1))
    with sqlite3.connect(site / CACHE_DIR / "markdown.sqlite") as database:
        (count,) = database.execute("SELECT COUNT(*) FROM fragments").fetchone()
    assert count >= 3  # the items' fragments, the bad one's among them
