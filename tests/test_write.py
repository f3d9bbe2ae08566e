"""write.py: the staging folder, the atomic swap, and the output-folder safety checks."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import snapshot

from bulletin_gen import write
from bulletin_gen.build import BuildOptions, build
from bulletin_gen.render import Artifact
from bulletin_gen.templates import THEME_STATIC
from bulletin_gen.write import (
    MARKER,
    MARKER_TEXT,
    Copy,
    OutputError,
    check_file_target,
    check_output_dir,
    publish,
    static_copies,
)


def test_publish_writes_artifacts_copies_and_the_marker(tmp_path: Path) -> None:
    source = tmp_path / "logo.png"
    source.write_bytes(b"\x89PNG")
    output = tmp_path / "out"
    count = publish(output, [Artifact("a/index.html", b"<p>a</p>")],
                    [Copy(source, "img/logo.png")])
    assert count == 2
    assert snapshot(output) == {MARKER: MARKER_TEXT, "a/index.html": b"<p>a</p>",
                                  "img/logo.png": b"\x89PNG"}


def test_publish_replaces_the_previous_output_entirely(tmp_path: Path) -> None:
    output = tmp_path / "out"
    publish(output, [Artifact("old.html", b"old")], [])
    publish(output, [Artifact("new.html", b"new")], [])
    assert snapshot(output) == {MARKER: MARKER_TEXT, "new.html": b"new"}
    # the output before last is kept, for the next build to update in place
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.spare", "out"]


def test_the_spare_output_is_updated_in_place_and_never_through_links(tmp_path: Path) -> None:
    output = tmp_path / "out"
    publish(output, [Artifact("a/index.html", b"a1"), Artifact("b/index.html", b"b1")], [])
    publish(output, [Artifact("a/index.html", b"a2")],
            [Copy(output / "b/index.html", "b/index.html", link=True)])
    assert (tmp_path / ".out.spare/b/index.html").stat().st_ino == \
        (output / "b/index.html").stat().st_ino  # shared by a hard link
    # the spare (first build) becomes the staging folder: b is written, a kept, c dropped
    publish(output, [Artifact("b/index.html", b"b3"), Artifact("c/d/index.html", b"c")], [],
            keep={"a/index.html"})
    assert snapshot(output) == {MARKER: MARKER_TEXT, "a/index.html": b"a1",
                                "b/index.html": b"b3", "c/d/index.html": b"c"}
    # writing b in the staging folder did not write through the link into the old output
    assert snapshot(tmp_path / ".out.spare")["b/index.html"] == b"b1"
    publish(output, [Artifact("x.html", b"x")], [])
    assert snapshot(output) == {MARKER: MARKER_TEXT, "x.html": b"x"}
    assert not (output / "c").exists()


def test_a_failure_while_writing_leaves_the_previous_output_and_no_staging(
        tmp_path: Path) -> None:
    output = tmp_path / "out"
    publish(output, [Artifact("index.html", b"first")], [])

    def artifacts() -> object:
        yield Artifact("index.html", b"second")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        publish(output, artifacts(), [])  # type: ignore[arg-type]
    assert snapshot(output) == {MARKER: MARKER_TEXT, "index.html": b"first"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_failure_during_the_swap_puts_the_previous_output_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = tmp_path / "out"
    publish(output, [Artifact("index.html", b"first")], [])
    real_rename = os.rename

    def rename(source: Path, target: Path) -> None:
        if Path(source).name.endswith(".staging"):
            raise OSError("interrupted")
        real_rename(source, target)

    monkeypatch.setattr("bulletin_gen.write.os.rename", rename)
    monkeypatch.setattr(write, "_exchange", lambda *_: False)  # the two-rename fallback
    with pytest.raises(write.OutputError, match="interrupted"):
        publish(output, [Artifact("index.html", b"second")], [])
    monkeypatch.undo()
    assert snapshot(output) == {MARKER: MARKER_TEXT, "index.html": b"first"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_leftovers_of_an_interrupted_build_are_cleared(tmp_path: Path) -> None:
    (tmp_path / ".out.staging").mkdir()
    (tmp_path / ".out.staging/stale.html").write_bytes(b"stale")
    publish(tmp_path / "out", [Artifact("index.html", b"new")], [])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize(("name", "reason"), [
    (".", "the site folder itself"),
    ("content", "the content folder"),
    ("templates", "the templates folder"),
    ("static", "the static folder"),
    ("translations", "the translations folder"),
])
def test_output_may_not_be_a_folder_of_the_site(tmp_path: Path, name: str, reason: str) -> None:
    site = tmp_path / "site"
    site.mkdir()
    with pytest.raises(OutputError) as caught:
        check_output_dir(site / name, site)
    assert caught.value.message == (f"refusing to write the site into {(site / name).resolve()}"
                                    f" ({reason}). Choose an empty or new folder such as output/.")


def test_output_may_not_be_inside_another_builds_output(tmp_path: Path) -> None:
    """Nothing removed it: every later build of the outer output published it too."""
    site = tmp_path / "site"
    (site / "output").mkdir(parents=True)
    (site / "output" / MARKER).write_text("", "utf-8")
    with pytest.raises(OutputError, match=r"it is inside .*output, the output of a build"):
        check_output_dir(site / "output/sub", site)
    with pytest.raises(OutputError, match=r"it is inside .*output, the output of a build"):
        check_file_target(site / "output/x.pdf", site, "PDF", lambda start: True)
    check_output_dir(site / "preview", site)  # beside it


def test_output_may_not_contain_the_site(tmp_path: Path) -> None:
    site = tmp_path / "a" / "site"
    site.mkdir(parents=True)
    with pytest.raises(OutputError, match="it contains the site"):
        check_output_dir(tmp_path / "a", site)


@pytest.mark.parametrize(("name", "said"), [
    (".output.spare", "it is a folder a build keeps beside its output"),
    (".out.staging", "it is a folder a build keeps beside its output"),
    (".git/out", "inside a git repository's own .git folder"),
])
def test_output_may_not_be_a_builds_own_folder_or_in_git(tmp_path: Path, name: str,
                                                         said: str) -> None:
    """`-o .output.spare` made ..output.spare.spare beside it; `-o .git/x` wrote into git."""
    site = tmp_path / "site"
    site.mkdir()
    with pytest.raises(OutputError, match=said):
        check_output_dir(site / name, site)
    check_output_dir(site / "git-output", site)  # as a name, fine


def test_output_may_not_be_a_file(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        check_output_dir(target, tmp_path / "site")


def test_a_foreign_non_empty_folder_is_never_replaced(make_site: Callable[..., Path],
                                                     tmp_path: Path) -> None:
    site = make_site()
    mine = tmp_path / "photos"
    mine.mkdir()
    (mine / "holiday.jpg").write_bytes(b"precious")
    with pytest.raises(OutputError) as caught:
        build(site, BuildOptions(output=mine))
    assert caught.value.message == (f"{mine.resolve()} is not empty and was not written by "
                                    f"bulletin build (no {MARKER} in it). Empty it or choose "
                                    "another folder.")
    assert snapshot(mine) == {"holiday.jpg": b"precious"}


def test_an_output_folder_written_by_a_build_can_be_rebuilt(make_site: Callable[..., Path],
                                                           tmp_path: Path) -> None:
    site = make_site()
    output = tmp_path / "public"
    build(site, BuildOptions(output=output))
    build(site, BuildOptions(output=output))
    assert (output / MARKER).is_file()


def test_static_copies_skip_hidden_files_and_backups(tmp_path: Path) -> None:
    (tmp_path / "css").mkdir()
    (tmp_path / "css/site.css").write_text("a{}", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"")
    for backup in ("site.css~", "#site.css#", "site.css.bak", "site.css.orig"):
        (tmp_path / "css" / backup).write_text("a{}", encoding="utf-8")
    assert static_copies(tmp_path, "assets/") == [Copy(tmp_path / "css/site.css",
                                                       "assets/css/site.css")]
    assert static_copies(tmp_path / "missing") == []


def test_theme_and_site_static_files_are_copied_byte_for_byte(
        make_site: Callable[..., Path]) -> None:
    site = make_site({"static/favicon.ico": "icon", "static/docs/guide.txt": "guide"})
    output = build(site, BuildOptions()).output
    for path in THEME_STATIC.rglob("*"):
        if path.is_file():
            copied = output / "assets" / path.relative_to(THEME_STATIC)
            assert copied.read_bytes() == path.read_bytes()
    assert (output / "favicon.ico").read_text(encoding="utf-8") == "icon"
    assert (output / "docs/guide.txt").read_text(encoding="utf-8") == "guide"


def test_a_build_never_touches_content(make_site: Callable[..., Path]) -> None:
    site = make_site()
    before = snapshot(site / "content")
    build(site, BuildOptions())
    assert snapshot(site / "content") == before


@pytest.mark.parametrize("spare", [False, True])
def test_later_files_win_a_path_and_a_folder_replaces_a_file(tmp_path: Path,
                                                             spare: bool) -> None:
    static, theme = tmp_path / "static.css", tmp_path / "theme.css"
    static.write_bytes(b"site")
    theme.write_bytes(b"theme")
    output = tmp_path / "out"
    if spare:  # two builds before: the third updates the spare folder instead of a fresh one
        publish(output, [Artifact("a/b", b"old"), Artifact("x.html", b"x")], [])
        publish(output, [Artifact("y.html", b"y")], [])
    publish(output, [Artifact("page", b"a file first"), Artifact("page/index.html", b"then")],
            [Copy(theme, "assets/style.css"), Copy(static, "assets/style.css")])
    assert snapshot(output) == {MARKER: MARKER_TEXT, "assets/style.css": b"site",
                                "page/index.html": b"then"}


def test_a_file_replaces_a_folder_and_a_link_in_the_spare_folder(tmp_path: Path) -> None:
    output, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    publish(output, [Artifact("p/index.html", b"p"), Artifact("q.html", b"q")], [])
    publish(output, [Artifact("r.html", b"r")], [])
    (tmp_path / ".out.spare/q.html").unlink()
    (tmp_path / ".out.spare/q.html").symlink_to(elsewhere)  # a link to a folder: goes, alone
    # The spare folder (the first output) becomes the staging folder: a folder and a link
    # stand where this build's files go.
    publish(output, [Artifact("p", b"now a file"), Artifact("q.html", b"q2")], [])
    assert snapshot(output) == {MARKER: MARKER_TEXT, "p": b"now a file", "q.html": b"q2"}
    assert elsewhere.is_dir()


def test_a_first_build_can_lay_out_the_spare_folder_too(tmp_path: Path) -> None:
    output = tmp_path / "out"
    publish(output, [Artifact("a/index.html", b"a"), Artifact("b/index.html", b"b")], [],
            mirror=True)
    spare = write.spare_folder(output)
    assert snapshot(spare) == snapshot(output)
    assert (spare / "a/index.html").samefile(output / "a/index.html")
    # The next build updates the spare (never through its links) and swaps it in.
    publish(output, [Artifact("a/index.html", b"a2")], [], keep={"b/index.html"},
            spare_files=["a/index.html", "b/index.html", MARKER], mirror=True)
    assert snapshot(output) == {MARKER: MARKER_TEXT, "a/index.html": b"a2", "b/index.html": b"b"}
    assert snapshot(spare)["a/index.html"] == b"a"


def test_no_spare_folder_is_mirrored_over_an_existing_output(tmp_path: Path) -> None:
    output = tmp_path / "out"
    publish(output, [Artifact("x.html", b"x")], [])
    publish(output, [Artifact("y.html", b"y")], [], mirror=True)
    assert snapshot(write.spare_folder(output)) == {MARKER: MARKER_TEXT, "x.html": b"x"}


def test_a_fresh_staging_folder_is_not_walked_for_files_to_prune(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first build's staging folder holds only what the build wrote (a leftover one is
    removed first): walking it for files to remove took half a second at 10,000 items."""
    output = tmp_path / "out"
    (tmp_path / ".out.staging/old").mkdir(parents=True)
    (tmp_path / ".out.staging/old/index.html").write_bytes(b"old")

    def walked(*args: object) -> int:
        raise AssertionError("a fresh staging folder was walked")

    monkeypatch.setattr(write, "_prune", walked)
    publish(output, [Artifact("a/index.html", b"a")], [], mirror=True)
    assert snapshot(output) == {MARKER: MARKER_TEXT, "a/index.html": b"a"}
    assert snapshot(write.spare_folder(output)) == snapshot(output)
