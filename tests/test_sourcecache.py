"""The model memo: unchanged sources are not read again (the build reports the files it read),
and nothing stale survives an edit, a rename, a deletion, a changed link target or a changed
setting: each rebuild's output equals a clean build's."""

from __future__ import annotations

import os
import pickle
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import age, snapshot
from test_cache import clean_tree

from bulletin_gen import content, filestamp, validate
from bulletin_gen.build import BuildOptions, build
from bulletin_gen.errors import ContentError, Problems
from bulletin_gen.incremental.cache import BuildCache
from bulletin_gen.incremental.memo import FORMAT, MEMO_DIR, ModelMemo
from bulletin_gen.incremental.uptodate import VERSION, InputStamp, stamp_inputs
from bulletin_gen.layout import CACHE_DIR

ISSUE = "content/issues/2026-01-winter"
LINKING = f"{ISSUE}/03-linking.md"
LINKING_TEXT = "---\ntitle: Linking\n---\nSee [the lead](01-lead.md) and [more](04-target.md).\n"
TARGET_TEXT = "---\ntitle: Target\n---\nThe target.\n"


def write(site: Path, name: str, text: str, seconds: int = 30) -> None:
    """Write a file as an editor would, then age it (by less than `age`, so its time differs)."""
    path = site / name
    path.write_text(text, "utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - seconds * 10**9))


def memo_files(site: Path) -> list[Path]:
    """The memo's files: one per issue (and one for the pages)."""
    files = sorted((site / CACHE_DIR / MEMO_DIR).iterdir())
    assert files
    return files


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    folder = make_site({LINKING: LINKING_TEXT, f"{ISSUE}/04-target.md": TARGET_TEXT})
    age(folder)
    build(folder, BuildOptions(jobs=1))
    return folder


def test_a_first_build_reads_every_content_file(make_site: Callable[..., Path]) -> None:
    report = build(make_site(), BuildOptions(jobs=2))
    assert report.read == (f"{ISSUE}/01-lead.md", f"{ISSUE}/02-briefs.yaml",
                           f"{ISSUE}/issue.yaml", "content/pages/about.md")


def test_only_the_edited_file_is_read_again(site: Path, tmp_path: Path) -> None:
    write(site, f"{ISSUE}/04-target.md", TARGET_TEXT.replace("The target.", "Edited text."))
    report = build(site, BuildOptions(jobs=1))
    output = report.output
    assert report.read == (f"{ISSUE}/04-target.md",)
    assert build(site, BuildOptions(jobs=1)).read == ()  # nothing changed: nothing read
    assert b"Edited text." in (output / "issues/2026-01-winter/target/index.html").read_bytes()
    assert snapshot(output) == clean_tree(site, tmp_path)


def test_an_edit_of_the_same_size_is_seen(site: Path, tmp_path: Path) -> None:
    write(site, f"{ISSUE}/04-target.md", TARGET_TEXT.replace("target.", "tarGet."))
    output = build(site, BuildOptions(jobs=1)).output
    assert b"The tarGet." in (output / "issues/2026-01-winter/target/index.html").read_bytes()
    assert snapshot(output) == clean_tree(site, tmp_path)


def test_a_renamed_item_moves_and_links_to_it_follow(site: Path, tmp_path: Path) -> None:
    (site / f"{ISSUE}/04-target.md").rename(site / f"{ISSUE}/04-moved.md")
    write(site, LINKING, LINKING_TEXT.replace("04-target.md", "04-moved.md"))
    output = build(site, BuildOptions(jobs=1)).output
    assert not (output / "issues/2026-01-winter/target").exists()
    assert (output / "issues/2026-01-winter/moved/index.html").is_file()
    assert snapshot(output) == clean_tree(site, tmp_path)


def test_an_unchanged_item_that_links_to_a_deleted_one_is_refused(site: Path) -> None:
    (site / f"{ISSUE}/04-target.md").unlink()
    missing = re.escape("03-linking.md:4: error: link to a missing file: 04-target")
    with pytest.raises(ContentError, match=missing):
        build(site, BuildOptions(jobs=1))


def test_an_unchanged_item_follows_a_renamed_issue(site: Path, tmp_path: Path) -> None:
    (site / ISSUE).rename(site / "content/issues/2026-01-renamed")
    output = build(site, BuildOptions(jobs=1)).output
    assert not (output / "issues/2026-01-winter").exists()
    page = (output / "issues/2026-01-renamed/linking/index.html").read_text("utf-8")
    assert '<a href="../../../issues/2026-01-renamed/target/">more' in page
    assert snapshot(output) == clean_tree(site, tmp_path)


def test_an_item_built_again_from_an_unchanged_file_reads_its_body_again(
        site: Path, tmp_path: Path) -> None:
    """The memo keeps an item's file without its body and fields; a new issue date builds the
    item again, from the file read again (its title and text are on its page)."""
    meta = (site / ISSUE / "issue.yaml").read_text("utf-8")
    write(site, f"{ISSUE}/issue.yaml", meta.replace("2026-01-15", "2026-01-20"))
    report = build(site, BuildOptions(jobs=1))
    output = report.output
    assert f"{ISSUE}/issue.yaml" in report.read and f"{ISSUE}/04-target.md" in report.read
    assert b"The target." in (output / "issues/2026-01-winter/target/index.html").read_bytes()
    assert snapshot(output) == clean_tree(site, tmp_path)


def test_an_item_kept_by_the_memo_keeps_the_url_its_slug_gives(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    """The memo keeps of an item's file only what other items need of it (its slug)."""
    named = f"{ISSUE}/05-named.md"
    folder = make_site({named: "---\ntitle: Named\nslug: chosen\ntags: [water]\n---\nText.\n"})
    age(folder)
    build(folder, BuildOptions(jobs=1))
    write(folder, f"{ISSUE}/01-lead.md",
          (folder / ISSUE / "01-lead.md").read_text("utf-8") + "More.\n")
    report = build(folder, BuildOptions(jobs=1))
    output = report.output
    assert report.read == (f"{ISSUE}/01-lead.md",)
    assert b">Named<" in (output / "issues/2026-01-winter/chosen/index.html").read_bytes()
    assert snapshot(output) == clean_tree(folder, tmp_path)


def test_a_changed_setting_builds_the_items_again(site: Path, tmp_path: Path) -> None:
    write(site, LINKING, LINKING_TEXT + "\n<iframe src=\"https://example.org/\"></iframe>\n")
    build(site, BuildOptions(jobs=1))
    config = (site / "bulletin.yaml").read_text("utf-8")
    (site / "bulletin.yaml").write_text(config + "unsafe_html: true\n", "utf-8")
    output = build(site, BuildOptions(jobs=1)).output
    assert b"<iframe" in (output / "issues/2026-01-winter/linking/index.html").read_bytes()
    assert snapshot(output) == clean_tree(site, tmp_path)


@pytest.mark.parametrize("damage", [b"", b"not a pickle", pickle.dumps({"version": "old"}),
                                    pickle.dumps({"version": VERSION, "settings": 3}),
                                    pickle.dumps((VERSION, FORMAT, 3, 4))])
def test_a_corrupt_memo_is_discarded(site: Path, tmp_path: Path, damage: bytes) -> None:
    write(site, f"{ISSUE}/04-target.md", TARGET_TEXT.replace("The target.", "Edited text."))
    for path in memo_files(site):
        path.write_bytes(damage)
    output = build(site, BuildOptions(jobs=1)).output
    assert snapshot(output) == clean_tree(site, tmp_path)


EVERY_FILE = (f"{ISSUE}/01-lead.md", f"{ISSUE}/02-briefs.yaml", LINKING, f"{ISSUE}/04-target.md",
              f"{ISSUE}/issue.yaml", "content/pages/about.md")


def test_a_memo_of_other_settings_or_another_format_has_nothing_to_give(
        site: Path, tmp_path: Path) -> None:
    config = (site / "bulletin.yaml").read_text("utf-8")
    (site / "bulletin.yaml").write_text(config + "unsafe_html: true\n", "utf-8")
    assert build(site, BuildOptions(jobs=1)).read == EVERY_FILE
    for path in memo_files(site):  # as an older bulletin-gen wrote it: one pickle, no header
        path.write_bytes(pickle.dumps({"version": VERSION, "format": FORMAT - 1}))
    write(site, LINKING, LINKING_TEXT + "\nMore.\n")
    report = build(site, BuildOptions(jobs=1))
    assert report.read == EVERY_FILE
    assert snapshot(report.output) == clean_tree(site, tmp_path)


def test_a_memo_of_the_right_version_with_malformed_entries_is_discarded(
        site: Path, tmp_path: Path) -> None:
    cache = BuildCache.open(site, site / "output", stamp_inputs(site))
    memo = cache.model_memo(site, unsafe_html=False)
    group = memo.group(site / LINKING)
    for number, docs in enumerate(
            ({"x": 1}, {str(site / LINKING): ((1, 2, 3), "not a document", False)})):
        for path in memo_files(site):
            path.write_bytes(pickle.dumps((VERSION, FORMAT, memo.settings, group))
                             + pickle.dumps({"docs": docs, "items": {}}))
        write(site, LINKING, LINKING_TEXT + f"\n{number} more.\n")
        output = build(site, BuildOptions(jobs=1)).output
        assert snapshot(output) == clean_tree(site, tmp_path)


def test_a_file_saved_again_as_it_was_is_read_but_not_rendered_again(
        site: Path, tmp_path: Path, rendered_markdown: list[str]) -> None:
    rendered_markdown.clear()  # (the pages are rendered on every build)
    write(site, LINKING, LINKING_TEXT, seconds=20)  # a checkout, a copy: a new time, same text
    report = build(site, BuildOptions(jobs=1))
    assert report.read == (LINKING,)
    assert not any("See [the lead]" in text for text in rendered_markdown)
    assert snapshot(report.output) == clean_tree(site, tmp_path)
    write(site, LINKING, LINKING_TEXT + "\nMore.\n")  # and one changed is built again
    assert build(site, BuildOptions(jobs=1)).read == (LINKING,)
    assert any("More." in text for text in rendered_markdown)


class _Payload:
    """What a hostile memo could hold: an object whose unpickling runs a command."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, ...]]:
        return os.system, (f"touch {self.marker}",)


def test_a_memo_naming_other_code_is_not_run(site: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    for path in memo_files(site):
        path.write_bytes(pickle.dumps({"version": VERSION, "docs": _Payload(marker)}))
    write(site, LINKING, LINKING_TEXT + "\nMore.\n")
    output = build(site, BuildOptions(jobs=1)).output
    assert not marker.exists()
    assert snapshot(output) == clean_tree(site, tmp_path)


def test_a_file_changed_just_before_the_build_is_not_kept(tmp_path: Path) -> None:
    fresh, settled = tmp_path / "fresh.md", tmp_path / "settled.md"
    fresh.write_text("new", "utf-8")
    write(tmp_path, "settled.md", "old")
    memo = ModelMemo(tmp_path / "cache", "settings")
    problems = Problems()
    for path in (fresh, settled):
        content.read_document(tmp_path, path, problems, memo)
    assert sorted(memo.docs) == [str(settled)]
    memo.save()
    for settings, kept in (("settings", [str(settled)]), ("other settings", [])):
        again = ModelMemo(tmp_path / "cache", settings)
        for path in (fresh, settled):
            content.read_document(tmp_path, path, problems, again)
        assert sorted(again.old_docs) == kept
        again.save()  # which lets go of what the memo loaded


def test_a_file_keeping_whole_seconds_is_given_the_longer_window() -> None:
    now = 1_800_000_000 * 10**9 + 700_000_000
    assert filestamp.settled(now - 500_000_001, now)  # a fine time, half a second old
    assert not filestamp.settled(now - 50_000_001, now)  # within a Linux clock tick or so
    assert not filestamp.settled(now - 1_700_000_000, now)  # whole seconds: maybe FAT's
    assert filestamp.settled(now - 3_700_000_000, now)


def test_a_file_a_moment_old_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "moment.md"
    path.write_text("text", "utf-8")
    moment = time.time_ns() - 500_000_001
    os.utime(path, ns=(moment, moment if moment % 10**9 else moment + 1))
    memo = ModelMemo(tmp_path / "cache", "settings")
    content.read_document(tmp_path, path, Problems(), memo)
    assert sorted(memo.docs) == [str(path)]


def test_what_a_worker_built_is_kept_by_the_build(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "PARALLEL_ITEMS", 0)  # build the issue's items in workers
    write(site, f"{ISSUE}/04-target.md", TARGET_TEXT.replace("The target.", "Edited text."))
    assert build(site, BuildOptions(jobs=2)).read == (f"{ISSUE}/04-target.md",)
    write(site, "content/pages/about.md", "---\ntitle: About\n---\nAbout us, again.\n")
    report = build(site, BuildOptions(jobs=1))
    assert report.read == ("content/pages/about.md",)  # the worker's item was kept
    assert b"Edited text." in (
        report.output / "issues/2026-01-winter/target/index.html").read_bytes()
    assert snapshot(report.output) == clean_tree(site, tmp_path)


def test_a_build_started_from_another_folder_takes_everything_from_the_memo(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(site)
    write(site, LINKING, LINKING_TEXT + "Edited.\n")
    assert build(Path("."), BuildOptions(jobs=1)).read == (LINKING,)  # the fixture: absolute
    monkeypatch.chdir(site.parent)
    write(site, LINKING, LINKING_TEXT + "Edited again.\n")
    report = build(Path(site.name), BuildOptions(jobs=1))
    assert report.read == (LINKING,)
    assert report.output == site / "output"
    assert "Edited again." in (site / "output/issues/2026-01-winter/linking/index.html"
                               ).read_text("utf-8")


def test_a_file_saved_after_the_input_stamp_is_built_by_the_next_build(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def saving_meanwhile(site_dir: Path, *settings: object) -> InputStamp:
        taken = stamp_inputs(site_dir, *settings)
        write(site, f"{ISSUE}/04-target.md", TARGET_TEXT.replace("target.", "tarGet."), 10)
        return taken

    monkeypatch.setattr("bulletin_gen.build.stamp_inputs", saving_meanwhile)
    build(site, BuildOptions(jobs=1))
    monkeypatch.undo()
    output = build(site, BuildOptions(jobs=1)).output
    assert b"The tarGet." in (output / "issues/2026-01-winter/target/index.html").read_bytes()
    assert snapshot(output) == clean_tree(site, tmp_path)


SPRING = "content/issues/2026-02-spring"
SPRING_FILES = {
    f"{SPRING}/issue.yaml": "title: February 2026\ndate: 2026-02-15\nsubtitle: A warning\n",
    f"{SPRING}/01-follow-up.md": "---\ntitle: Follow-up\n---\n"
                                 "As [the winter issue](../2026-01-winter/04-target.md) said.\n",
}


@pytest.fixture
def two_issues(make_site: Callable[..., Path]) -> Path:
    """Two issues; the spring one links into the winter one, and its issue.yaml has a field
    nobody reads (a warning)."""
    folder = make_site({LINKING: LINKING_TEXT, f"{ISSUE}/04-target.md": TARGET_TEXT,
                        **SPRING_FILES})
    age(folder)
    build(folder, BuildOptions(jobs=1))
    return folder


def test_an_issue_none_of_whose_files_changed_comes_back_whole(
        two_issues: Path, tmp_path: Path) -> None:
    write(two_issues, f"{ISSUE}/01-lead.md",
          (two_issues / f"{ISSUE}/01-lead.md").read_text("utf-8") + "One more line.\n")
    report = build(two_issues, BuildOptions(jobs=1))
    assert report.read == (f"{ISSUE}/01-lead.md",)
    # Its warning is reported again, as a clean build reports it.
    assert [problem.message for problem in report.warnings] == ["unknown field 'subtitle'"]
    assert snapshot(report.output) == clean_tree(two_issues, tmp_path)
    write(two_issues, f"{ISSUE}/01-lead.md",
          (two_issues / f"{ISSUE}/01-lead.md").read_text("utf-8") + "And another.\n", 20)
    report = build(two_issues, BuildOptions(jobs=1))  # the winter issue, built again, was kept
    assert report.read == (f"{ISSUE}/01-lead.md",)
    assert snapshot(report.output) == clean_tree(two_issues, tmp_path)


def test_an_unchanged_issue_follows_a_link_target_in_another_issue(
        two_issues: Path, tmp_path: Path) -> None:
    write(two_issues, f"{ISSUE}/04-target.md", TARGET_TEXT.replace("---\n\n", "---\n", 1)
          .replace("title: Target\n", "title: Target\nslug: aim\n"))
    report = build(two_issues, BuildOptions(jobs=1))
    output = report.output
    # The items linking to the target are built again, from their files read again.
    assert report.read == (LINKING, f"{ISSUE}/04-target.md", f"{SPRING}/01-follow-up.md")
    page = (output / "issues/2026-02-spring/follow-up/index.html").read_text("utf-8")
    assert '<a href="../../../issues/2026-01-winter/aim/">the winter issue' in page
    assert snapshot(output) == clean_tree(two_issues, tmp_path)


def test_an_unchanged_issue_linking_to_a_deleted_item_is_refused(two_issues: Path) -> None:
    (two_issues / f"{ISSUE}/04-target.md").unlink()
    write(two_issues, LINKING, LINKING_TEXT.replace(" and [more](04-target.md)", ""))
    missing = re.escape("01-follow-up.md:4: error: link to a missing file: "
                        "../2026-01-winter/04-target")
    with pytest.raises(ContentError, match=missing):
        build(two_issues, BuildOptions(jobs=1))


def test_a_file_added_beside_an_unchanged_issue_is_published_once_a_text_links_to_it(
        two_issues: Path, tmp_path: Path) -> None:
    (two_issues / SPRING / "map.txt").write_text("A map.\n", "utf-8")
    report = build(two_issues, BuildOptions(jobs=1))
    assert report.read == ()
    assert [warning.location.path for warning in report.warnings
            if "no published text links to it" in warning.message] == [f"{SPRING}/map.txt"]
    assert not (report.output / "issues/2026-02-spring/map.txt").exists()
    # linked from the other issue, which changed: the unchanged one's file is published
    write(two_issues, f"{ISSUE}/04-target.md",
          TARGET_TEXT + "\n[A map](../2026-02-spring/map.txt)\n")
    output = build(two_issues, BuildOptions(jobs=1)).output
    assert (output / "issues/2026-02-spring/map.txt").read_text("utf-8") == "A map.\n"
    assert snapshot(output) == clean_tree(two_issues, tmp_path)


def test_an_issue_a_worker_built_comes_back_whole(
        two_issues: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "PARALLEL_ITEMS", 0)  # build the issues in workers
    write(two_issues, f"{ISSUE}/04-target.md", TARGET_TEXT.replace("The target.", "Edited."))
    build(two_issues, BuildOptions(jobs=2))
    write(two_issues, "content/pages/about.md", "---\ntitle: About\n---\nAbout us, again.\n")
    report = build(two_issues, BuildOptions(jobs=1))
    assert report.read == ("content/pages/about.md",)
    assert snapshot(report.output) == clean_tree(two_issues, tmp_path)



def test_whole_issues_follow_drafts_shown_and_hidden(two_issues: Path, tmp_path: Path) -> None:
    # The spring issue becomes a draft, linked from the winter issue: with --drafts both are
    # published; without, the link is refused, then (once removed) the draft is left out.
    write(two_issues, f"{SPRING}/issue.yaml",
          "title: February 2026\ndate: 2026-02-15\nstatus: draft\n")
    ahead = "---\ntitle: Ahead\n---\nSee [the follow-up](../2026-02-spring/01-follow-up.md).\n"
    write(two_issues, f"{ISSUE}/05-ahead.md", ahead)

    output = build(two_issues, BuildOptions(jobs=1, drafts=True)).output
    assert (output / "issues/2026-02-spring/follow-up/index.html").is_file()
    assert snapshot(output) == clean_tree(two_issues, tmp_path, drafts=True)
    refused = re.escape("05-ahead.md:4: error: link to a file that is not")
    with pytest.raises(ContentError, match=refused):
        build(two_issues, BuildOptions(jobs=1))
    write(two_issues, f"{ISSUE}/05-ahead.md", "---\ntitle: Ahead\n---\nNo link now.\n", 20)
    output = build(two_issues, BuildOptions(jobs=1)).output
    assert not (output / "issues/2026-02-spring").exists()
    assert snapshot(output) == clean_tree(two_issues, tmp_path)
    output = build(two_issues, BuildOptions(jobs=1, drafts=True)).output
    assert snapshot(output) == clean_tree(two_issues, tmp_path, drafts=True)
