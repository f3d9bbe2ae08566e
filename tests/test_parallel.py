"""Work over processes (-j/--jobs): the same model, problems and bytes as one process."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import age, snapshot

from bulletin_gen import content, validate
from bulletin_gen.build import BuildOptions, build
from bulletin_gen.cli import main
from bulletin_gen.config import load_config
from bulletin_gen.content import read_sources
from bulletin_gen.errors import Problems
from bulletin_gen.incremental.cache import BuildCache
from bulletin_gen.incremental.uptodate import stamp_inputs
from bulletin_gen.markdown import MarkdownRenderer
from bulletin_gen.pipeline import load_site
from bulletin_gen.render import CHUNK, plan_pages, render_page
from bulletin_gen.templates import make_environment


def many_items(count: int) -> dict[str, str]:
    """Enough items for several chunks of pages, so that the pool really is used."""
    return {f"content/issues/2026-01-winter/{10 + n:02d}-story-{n}.md":
            f"---\ntitle: Story {n}\ntags: [tag{n % 7}]\nregions: [Region {n % 5}]\n---\n"
            f"Text of story **{n}**.\n" for n in range(count)}


def test_jobs_do_not_change_a_byte(make_site: Callable[..., Path]) -> None:
    one = make_site(many_items(3 * CHUNK), name="one")
    two = make_site(many_items(3 * CHUNK), name="two")
    serial = build(one, BuildOptions(jobs=1, clean=True))
    parallel = build(two, BuildOptions(jobs=3, clean=True))
    assert serial.pages > 2 * CHUNK
    assert snapshot(serial.output) == snapshot(parallel.output)


def test_plans_and_artifacts_survive_pickling(make_site: Callable[..., Path]) -> None:
    site_dir = make_site()
    site, _ = load_site(site_dir)
    env = make_environment(site_dir)
    for plan in plan_pages(site):
        again = pickle.loads(pickle.dumps(plan))
        assert again.path == plan.path and again.context == plan.context
        artifact = render_page(env, site, plan)
        assert pickle.loads(pickle.dumps(artifact)) == artifact


def test_a_template_error_in_a_worker_names_template_and_page(make_site: Callable[..., Path],
                                                              runner: CliRunner) -> None:
    site = make_site({**many_items(2 * CHUNK),
                      "templates/item.html": "{% extends 'theme/item.html' %}"
                                             "{% block main %}{{ item.nonsense() }}"
                                             "{% endblock %}"})
    result = runner.invoke(main, ["build", str(site), "--jobs", "2"])
    assert result.exit_code == 1
    assert "item.html" in result.output and "(while rendering issues/2026-01-winter/" in \
        result.output
    assert "Traceback" not in result.output
    assert not (site / "output").exists()


def test_jobs_must_be_positive(make_site: Callable[..., Path], runner: CliRunner) -> None:
    result = runner.invoke(main, ["build", str(make_site()), "-j", "0"])
    assert result.exit_code == 2
    assert "0 is not in the range x>=1" in result.output


def several_issues(issues: int, items: int) -> dict[str, str]:
    files = {}
    for number in range(issues):
        folder = f"content/issues/2025-{number + 1:02d}-issue-{number}"
        files[f"{folder}/issue.yaml"] = f"title: Issue {number}\ndate: 2025-{number + 1:02d}-01\n"
        for n in range(items):
            following = (n + 1) % items
            files[f"{folder}/{10 + n:02d}-story-{n}.md"] = (
                f"---\ntitle: Story {number}.{n}\ntags: [tag{n % 3}]\n---\n"
                f"Text of story **{number}.{n}**, see [the next]({10 + following:02d}-story-"
                f"{following}.md) and example.org.\n")
    return files


def test_issues_built_in_workers_give_the_same_model_and_problems(
        make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "PARALLEL_ITEMS", 0)  # use the pool even for a small site
    site_dir = make_site({**several_issues(6, 4),
                          "content/issues/2025-03-issue-2/issue.yaml":
                              "title: Three\ndate: 2025-13-01\n",
                          "content/issues/2025-05-issue-4/12-story-2.md": "---\ntitle: X\n"
                          "image: missing.png\n---\n[gone](nowhere.md)\n"})
    results = []
    for jobs in (1, 3):
        config, problems = load_config(site_dir, None, problems=Problems())
        sources = read_sources(site_dir, problems)
        site = validate.build_site(config, sources, MarkdownRenderer(), problems, jobs=jobs)
        results.append((site, problems.errors, problems.warnings))
    assert len(results[0][1]) >= 3  # the bad date, the missing image and the broken link
    assert results[0] == results[1]


def test_a_rebuild_uses_what_workers_built(make_site: Callable[..., Path],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "PARALLEL_ITEMS", 0)
    site_dir = make_site(several_issues(4, 5))
    age(site_dir)  # files saved just before a build are not memoised (racy)
    build(site_dir, BuildOptions(jobs=2))
    edited = site_dir / "content/issues/2025-02-issue-1/12-story-2.md"
    edited.write_text(edited.read_text("utf-8") + "One more sentence.\n", "utf-8")
    report = build(site_dir, BuildOptions(jobs=2))
    assert report.read == (str(edited.relative_to(site_dir)),)
    clean = make_site(several_issues(4, 5), name="clean")
    (clean / edited.relative_to(site_dir)).write_text(edited.read_text("utf-8"), "utf-8")
    assert snapshot(report.output) == snapshot(build(clean, BuildOptions(jobs=1)).output)


def story(issue: int, n: int) -> str:
    return f"content/issues/2025-0{issue + 1}-issue-{issue}/{10 + n}-story-{n}.md"


def test_issues_with_items_to_build_are_built_in_workers(make_site: Callable[..., Path],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "PARALLEL_ITEMS", 3)
    site_dir = make_site(several_issues(4, 5))
    age(site_dir)  # files saved just before a build are not memoised (racy)
    build(site_dir, BuildOptions(jobs=2))
    edited = [story(number, n) for number in (1, 3) for n in (0, 1)]  # as after a checkout
    for relative in edited:
        (site_dir / relative).write_text((site_dir / relative).read_text("utf-8") + "Edited.\n",
                                         "utf-8")
    report = build(site_dir, BuildOptions(jobs=2))
    assert report.read == tuple(sorted(edited))
    clean = make_site(several_issues(4, 5), name="clean")
    for relative in edited:
        (clean / relative).write_text((site_dir / relative).read_text("utf-8"), "utf-8")
    assert snapshot(report.output) == snapshot(build(clean, BuildOptions(jobs=1)).output)


def test_after_a_changed_setting_the_workers_build_every_item(make_site: Callable[..., Path],
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    # Every item depends on `unsafe_html`: the memo of the other setting cannot give one, so
    # each is work for the workers, not for the main process alone.
    monkeypatch.setattr(validate, "PARALLEL_ITEMS", 3)
    site_dir = make_site(several_issues(3, 2))
    age(site_dir)
    options = BuildOptions(jobs=2)
    every_file = build(site_dir, options).read
    edited = site_dir / story(0, 0)  # so that the next build loads the memo's files
    edited.write_text(edited.read_text("utf-8") + "Edited.\n", "utf-8")
    build(site_dir, options)
    config = site_dir / "bulletin.yaml"
    config.write_text(config.read_text("utf-8") + "unsafe_html: true\n", "utf-8")
    report = build(site_dir, options)
    assert report.read == every_file
    assert snapshot(report.output) == snapshot(build(site_dir, BuildOptions(clean=True)).output)


def test_issues_read_in_workers_give_the_same_sources_and_problems(
        make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(content, "PARALLEL_ISSUES", 2)
    site_dir = make_site({**several_issues(6, 3),
                          "content/issues/2025-02-issue-1/11-story-1.md": "---\ntitle: [x\n---\n",
                          "content/issues/2025-05-issue-4/10-story-0.md": b"\xff\xfe bad",
                          "content/issues/2025-06-issue-5/notes/map.png": b"PNG"})
    results = []
    for jobs in (1, 3):
        problems = Problems()
        results.append((read_sources(site_dir, problems, jobs=jobs), problems.errors,
                        problems.warnings))
    assert [issue.name for issue in results[0][0].issues][:2] == ["2025-01-issue-0",
                                                                  "2025-02-issue-1"]
    assert len(results[0][1]) == 2  # the unreadable YAML and the bytes that are not UTF-8
    assert results[0] == results[1]


def test_the_memo_keeps_what_workers_read_for_the_next_build(
        make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(content, "PARALLEL_ISSUES", 2)
    site_dir = make_site(several_issues(4, 3))
    age(site_dir)  # files saved just before a build are not memoised (racy)
    # Four issues of three items, the minimal site's issue (three files) and its page.
    assert len(build(site_dir, BuildOptions(jobs=2)).read) == 4 * (3 + 1) + 3 + 1
    edited = site_dir / "content/issues/2025-02-issue-1/12-story-2.md"
    edited.write_text(edited.read_text("utf-8") + "Edited.\n", "utf-8")
    report = build(site_dir, BuildOptions(jobs=2))
    assert report.read == (str(edited.relative_to(site_dir)),)
    clean = make_site(several_issues(4, 3), name="clean")
    (clean / edited.relative_to(site_dir)).write_text(edited.read_text("utf-8"), "utf-8")
    assert snapshot(report.output) == snapshot(build(clean, BuildOptions(jobs=1)).output)


def test_bodies_read_by_workers_stay_out_of_the_main_process(
        make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(content, "PARALLEL_ISSUES", 2)
    site_dir = make_site(several_issues(4, 3))
    age(site_dir)  # files saved just before a build are not memoised (racy)
    fresh = site_dir / story(2, 1)  # saved now: not kept by the memo, so read with its body
    fresh.write_text(fresh.read_text("utf-8") + "Fresh.\n", "utf-8")
    edited = site_dir / story(0, 0)
    cache = BuildCache.open(site_dir, site_dir / "output", stamp_inputs(site_dir))
    memo = cache.model_memo(site_dir, unsafe_html=False)
    sources = read_sources(site_dir, Problems(), memo, jobs=2)
    items = {doc.path: doc for issue in sources.issues for doc in issue.items}
    assert [path for path, doc in items.items() if doc.body] == [fresh]
    assert all(issue.meta.meta for issue in sources.issues)
    # Saved between reading and building, as an editor may: the item is built from what its
    # file holds then, and not kept, so that the next build reads it again.
    edited.write_text(edited.read_text("utf-8") + "Saved during the build.\n", "utf-8")
    config, problems = load_config(site_dir, problems=Problems())
    site = validate.build_site(config, sources, MarkdownRenderer(config.unsafe_html), problems,
                               memo=memo, jobs=1)
    built = {item.source: item for issue in site.issues for item in issue.items}
    assert "Saved during the build." in built[str(edited.relative_to(site_dir))].html
    assert "Fresh." in built[str(fresh.relative_to(site_dir))].html
    assert str(edited) not in memo.docs and str(items[edited].path.parent / "11-story-1.md") \
        in memo.docs
    memo.save()
    clean = make_site(several_issues(4, 3), name="clean")
    for changed in (fresh, edited):
        (clean / changed.relative_to(site_dir)).write_text(changed.read_text("utf-8"), "utf-8")
    report = build(site_dir, BuildOptions(jobs=2))
    assert snapshot(report.output) == snapshot(build(clean, BuildOptions(jobs=1)).output)


def test_items_built_by_the_memo_share_each_tag(make_site: Callable[..., Path]) -> None:
    site_dir = make_site(several_issues(3, 4))
    cache = BuildCache.open(site_dir, site_dir / "output", stamp_inputs(site_dir))
    site, _ = load_site(site_dir, cache=cache)
    tagged: dict[str, set[int]] = {}
    for issue in site.issues:
        for item in issue.items:
            assert isinstance(item.html_utf8, bytes) and item.html == item.html_utf8.decode()
            for term in item.tags:
                tagged.setdefault(term.slug, set()).add(id(term))
    assert {"tag0", "tag1", "tag2"} <= tagged.keys()
    assert all(len(ids) == 1 for ids in tagged.values())
