"""The build cache: what a rebuild renders again, what it carries over, bad caches distrusted."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import WITH_PDF, age, snapshot
from jinja2 import Environment
from PIL import Image as Pillow

from bulletin_gen import templates
from bulletin_gen.build import BuildOptions, build
from bulletin_gen.errors import ContentError
from bulletin_gen.incremental import cache as cache_module
from bulletin_gen.incremental.cache import ANALYSES, BuildCache
from bulletin_gen.incremental.fingerprint import ISSUE_ITEMS
from bulletin_gen.incremental.uptodate import (
    OUTPUTS,
    RECORDS,
    SPARE_RECORDS,
    code_digest,
    output_state,
    stamp_inputs,
)
from bulletin_gen.layout import CACHE_DIR, THEME_DIR
from bulletin_gen.model import Issue
from bulletin_gen.pipeline import load_site

Rendered = Callable[..., list[int]]


def rendered_count(site: Path, **options: object) -> int:
    """Build `site` and return how many pages were rendered (not carried over)."""
    seen: list[int] = [0]

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "render":
            seen[0] = total

    build(site, BuildOptions(progress=progress, jobs=1, **options))  # type: ignore[arg-type]
    return seen[0]


# clean_tree's outputs in this process, by the digest of the site's files and the options: a
# clean build's output depends on those alone (test_determinism*.py), and tests that end with
# the same files (the parameters of one test, most often) need one clean build between them.
CLEAN_TREES: dict[str, dict[str, bytes]] = {}


def clean_tree(site: Path, tmp_path: Path, **options: Any) -> dict[str, bytes]:
    """The output of a clean build of a copy of `site` (with `options`), for comparison."""
    key = _inputs_digest(site, options)
    if key is not None and key in CLEAN_TREES:
        return CLEAN_TREES[key]
    copy = tmp_path / "reference"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("output", ".output.*", CACHE_DIR))
    tree = snapshot(build(copy, BuildOptions(jobs=1, clean=True, **options)).output)
    if key is not None:
        CLEAN_TREES[key] = tree
    return tree


def _inputs_digest(site: Path, options: dict[str, Any]) -> str | None:
    """A digest of every file clean_tree copies (path and bytes) and of `options`; None when
    the site holds a symbolic link or anything but files and folders (nothing is kept then)."""
    digest = hashlib.sha256(repr(sorted(options.items())).encode())
    for path in sorted(site.rglob("*")):
        parts = path.relative_to(site).parts
        if parts[0] in ("output", CACHE_DIR) or parts[0].startswith(".output."):
            continue
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            return None
        name = "/".join(parts).encode()
        data = path.read_bytes() if path.is_file() else b"<folder>"
        digest.update(b"%d:%s%d:%s" % (len(name), name, len(data), data))
    return digest.hexdigest()


def total_pages(site: Path) -> int:
    return rendered_count(site, clean=True)


def test_nothing_changed_renders_nothing_and_leaves_output_alone(
        make_site: Callable[..., Path]) -> None:
    site = make_site()
    age(site)  # saved a minute ago: a build can vouch for files saved before its clock tick
    rendered_count(site)
    before = {path: os.stat(site / "output" / path).st_ino for path in snapshot(site / "output")}
    assert rendered_count(site) == 0
    assert {path: os.stat(site / "output" / path).st_ino
            for path in snapshot(site / "output")} == before
    assert (site / CACHE_DIR).is_dir() and not (site / "output" / CACHE_DIR).exists()


def test_after_an_edit_a_build_with_nothing_changed_is_up_to_date(
        make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # An edit's build keeps the theme's assets from the spare folder; their records must
    # describe the files there, or the next build finds the output changed and loads the site.
    site = make_site()
    age(site)
    rendered_count(site)
    item = site / "content/issues/2026-01-winter/01-lead.md"
    item.write_text(item.read_text("utf-8").replace("The **lead**", "The *new* lead"), "utf-8")
    age(item.parent)
    assert rendered_count(site) > 0

    def load_site(*args: object, **kwargs: object) -> None:
        raise AssertionError("nothing changed, yet the build loaded the site")

    monkeypatch.setattr("bulletin_gen.pipeline.load_site", load_site)
    assert rendered_count(site) == 0


STAGES = ("jinja2", "markdown_it", "babel", "yaml", "bulletin_gen.pipeline")
IMPORTED = """
import sys
from pathlib import Path
from bulletin_gen.build import BuildOptions, build
from bulletin_gen.errors import ContentError
report = build(Path(sys.argv[1]), BuildOptions(jobs=1))
print(report.pages, *sorted(name for name in sys.modules if name.startswith({stages})))
"""


def test_a_build_with_nothing_changed_imports_no_stage(make_site: Callable[..., Path]) -> None:
    # Importing the stages costs more than the rest of such a build (incremental/uptodate.py).
    site = make_site()
    age(site)
    pages = build(site, BuildOptions(jobs=1)).pages
    script = IMPORTED.format(stages=STAGES)
    again = subprocess.run([sys.executable, "-c", script, str(site)], capture_output=True,
                           text=True, check=True)
    assert again.stdout.split() == [str(pages)]
    (site / "content/issues/2026-01-winter/01-lead.md").touch()
    changed = subprocess.run([sys.executable, "-c", script, str(site)], capture_output=True,
                             text=True, check=True)
    assert set(changed.stdout.split()) >= {str(pages), *STAGES}


def test_editing_an_item_renders_only_pages_that_show_it(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site()
    total = total_pages(site)
    item = site / "content/issues/2026-01-winter/01-lead.md"
    item.write_text(item.read_text("utf-8").replace("The **lead**", "The *new* lead"), "utf-8")
    again = rendered_count(site)
    assert 0 < again < total
    page = (site / "output/issues/2026-01-winter/lead/index.html").read_text("utf-8")
    assert "<em>new</em> lead" in page
    assert snapshot(site / "output") == clean_tree(site, tmp_path)


def test_unchanged_pages_are_hard_links_or_kept(make_site: Callable[..., Path]) -> None:
    site = make_site()
    rendered_count(site)
    item = site / "content/issues/2026-01-winter/01-lead.md"
    item.write_text(item.read_text("utf-8") + "\nMore.\n", "utf-8")
    about = site / "output/pages/about/index.html"
    inode = about.stat().st_ino
    rendered_count(site)
    assert about.stat().st_ino == inode  # carried by hard link, not written again
    assert about.stat().st_nlink >= 2


def test_a_changed_template_renders_what_uses_it(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site()
    total = total_pages(site)
    theme = Path(__file__).parent.parent / "bulletin_gen/theme/templates/page.html"
    (site / "templates").mkdir()
    (site / "templates/page.html").write_text(
        theme.read_text("utf-8").replace("<h1>", "<p>OVERRIDE</p><h1>", 1), "utf-8")
    assert rendered_count(site) < total
    assert "OVERRIDE" in (site / "output/pages/about/index.html").read_text("utf-8")
    assert snapshot(site / "output") == clean_tree(site, tmp_path)


def test_compiled_templates_are_kept_and_an_edited_one_is_compiled_again(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site()
    theme = Path(__file__).parent.parent / "bulletin_gen/theme/templates/page.html"
    (site / "templates").mkdir()
    override = site / "templates/page.html"
    override.write_text(theme.read_text("utf-8").replace("<h1>", "<p>FIRST</p><h1>", 1), "utf-8")
    rendered_count(site)
    compiled = list((site / CACHE_DIR / "templates").rglob("*.cache"))
    assert compiled, "the compiled templates are kept in the cache"
    override.write_text(override.read_text("utf-8").replace("FIRST", "SECOND"), "utf-8")
    rendered_count(site)
    page = (site / "output/pages/about/index.html").read_text("utf-8")
    assert "SECOND" in page and "FIRST" not in page
    assert snapshot(site / "output") == clean_tree(site, tmp_path)


def test_compiled_templates_are_kept_apart_by_the_settings_that_compiled_them(
        tmp_path: Path) -> None:
    from bulletin_gen.templates import compile_settings, make_environment

    env, same, other = (make_environment(None) for _ in range(3))
    other.trim_blocks = False
    assert compile_settings(env) == compile_settings(same)
    assert compile_settings(env) != compile_settings(other)


def test_a_changed_setting_renders_every_page(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site()
    total = total_pages(site)
    config = site / "bulletin.yaml"
    config.write_text(config.read_text("utf-8").replace("Test Bulletin", "Renamed"), "utf-8")
    assert rendered_count(site) == total
    assert snapshot(site / "output") == clean_tree(site, tmp_path)


def test_deleted_sources_lose_their_pages(make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site()
    rendered_count(site)
    (site / "content/issues/2026-01-winter/01-lead.md").unlink()
    rendered_count(site)
    assert not (site / "output/issues/2026-01-winter/lead").exists()
    assert snapshot(site / "output") == clean_tree(site, tmp_path)


def test_a_renamed_link_target_renders_the_linking_item_again(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site({"content/issues/2026-01-winter/03-see.md":
                      "---\ntitle: See\n---\nRead [the lead](01-lead.md).\n"})
    rendered_count(site)
    lead = site / "content/issues/2026-01-winter/01-lead.md"
    lead.write_text(lead.read_text("utf-8").replace("kind: feature", "slug: main-story"),
                    "utf-8")
    rendered_count(site)
    page = (site / "output/issues/2026-01-winter/see/index.html").read_text("utf-8")
    assert "main-story/" in page
    assert snapshot(site / "output") == clean_tree(site, tmp_path)


def test_a_hand_edited_output_file_is_rendered_again(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site()
    rendered_count(site)
    page = site / "output/pages/about/index.html"
    page.write_text("tampered", "utf-8")
    item = site / "content/issues/2026-01-winter/01-lead.md"
    item.write_text(item.read_text("utf-8") + "\nMore.\n", "utf-8")
    rendered_count(site)
    assert snapshot(site / "output") == clean_tree(site, tmp_path)


def records(site: Path, name: str = RECORDS) -> dict[str, Any]:
    """What the cache keeps of the pages of the last build into output/ (or of the one
    before: SPARE_RECORDS)."""
    return pickle.loads((state(site) / name).read_bytes())  # type: ignore[no-any-return]


def keep_records(site: Path, data: object, name: str = RECORDS) -> None:
    (state(site) / name).write_bytes(pickle.dumps(data))


def state(site: Path) -> Path:
    """The folder of the cache that keeps what the builds into output/ wrote."""
    return output_state(site / CACHE_DIR, site / "output")


class Foreign:
    """A class the records are never written with."""


@pytest.mark.parametrize("damage", [
    lambda cache: (state(cache.parent) / RECORDS).write_text("{not a pickle", "utf-8"),
    lambda cache: keep_records(cache.parent, {"version": "another program", "output": "",
                                              "pages": {}, "aside": {}}),
    lambda cache: keep_records(cache.parent, {"version": 3}),
    lambda cache: keep_records(cache.parent, {**records(cache.parent),
                                              "pages": {"a.html": ["x", 1]}}),
    lambda cache: keep_records(cache.parent, {**records(cache.parent), "aside": Foreign()}),
    lambda cache: keep_records(cache.parent, {**records(cache.parent, SPARE_RECORDS),
                                              "pages": Foreign()}, SPARE_RECORDS),
    lambda cache: keep_records(cache.parent, {"version": 3}, SPARE_RECORDS),
    lambda cache: (state(cache.parent) / "inputs.json").write_bytes(b"\xff\xfe"),
])
def test_a_corrupt_or_foreign_cache_is_discarded(make_site: Callable[..., Path], tmp_path: Path,
                                                 damage: Callable[[Path], object]) -> None:
    site = make_site()
    rendered_count(site)
    damage(site / CACHE_DIR)
    item = site / "content/issues/2026-01-winter/01-lead.md"
    item.write_text(item.read_text("utf-8") + "\nMore.\n", "utf-8")
    rendered_count(site)
    assert snapshot(site / "output") == clean_tree(site, tmp_path)
    assert records(site)["pages"]


def test_a_language_taken_away_and_given_back_builds_what_a_clean_build_does(
        fixture_site: Callable[[str], Path], tmp_path: Path) -> None:
    # Without 'es', its translation files are items of their issues, which the model memo keeps
    # without their fields; with 'es' back, they are translations again, and need them.
    site = fixture_site("multilingual")
    settings = site / "bulletin.yaml"
    listed = settings.read_text("utf-8")
    age(site)
    rendered_count(site, pdf=False)
    settings.write_text(listed.replace("\n  es: ", "\n  es-x-other: "), "utf-8")
    with pytest.raises(ContentError):  # a language code Babel does not know
        rendered_count(site, pdf=False)
    settings.write_text(listed, "utf-8")
    rendered_count(site, pdf=False)
    assert snapshot(site / "output") == clean_tree(site, tmp_path, pdf=False)


def test_clean_renders_every_page(make_site: Callable[..., Path]) -> None:
    site = make_site()
    total = total_pages(site)
    assert rendered_count(site) == 0
    assert rendered_count(site, clean=True) == total


def test_clean_on_the_command_line(make_site: Callable[..., Path], runner: CliRunner) -> None:
    from bulletin_gen.cli import main

    site = make_site()
    assert runner.invoke(main, ["build", str(site)]).exit_code == 0
    keep_records(site, {})
    result = runner.invoke(main, ["build", str(site), "--clean", "--verbose"])
    assert result.exit_code == 0, result.output
    assert records(site)["pages"]


SECOND_ISSUE = {
    "content/issues/2026-02-second/issue.yaml": "title: February 2026\ndate: 2026-02-15\n",
    "content/issues/2026-02-second/01-story.md": "---\ntitle: A story\ntags: [water]\n---\nText.\n",
}


# The print edition on, and the issue without its briefs: laying out their two columns is
# most of the time of a PDF, and these tests are about which PDFs a build makes or keeps.
PRINTED = {**WITH_PDF, "content/issues/2026-01-winter/02-briefs.yaml": None}


def edit_lead(site: Path, words: str) -> None:
    item = site / "content/issues/2026-01-winter/01-lead.md"
    item.write_text(item.read_text("utf-8") + f"\n{words}\n", "utf-8")


def test_a_deleted_issue_leaves_nothing_behind_once_its_output_is_the_spare(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site(SECOND_ISSUE)
    rendered_count(site)
    assert (site / "output/issues/2026-02-second/email.html").is_file()
    shutil.rmtree(site / "content/issues/2026-02-second")
    rendered_count(site)  # the first output, with the issue, is now the spare folder
    edit_lead(site, "More.")
    rendered_count(site)  # updates that spare folder: the issue's pages and editions must go
    assert not (site / "output/issues/2026-02-second").exists()
    assert snapshot(site / "output") == clean_tree(site, tmp_path)


def test_the_spare_folder_is_read_when_the_cache_describes_another(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site()
    rendered_count(site)
    edit_lead(site, "More.")
    rendered_count(site)
    # As if a build had stopped after publishing and before noting what it published.
    data = records(site, SPARE_RECORDS)
    keep_records(site, {**data, "folder": data["folder"] + 1}, SPARE_RECORDS)
    (site / ".output.spare/stray.html").write_text("not from this build", "utf-8")
    edit_lead(site, "Even more.")
    rendered_count(site)
    assert not (site / "output/stray.html").exists()
    assert snapshot(site / "output") == clean_tree(site, tmp_path)


def test_a_tag_list_read_with_and_without_issues_items_is_hashed_for_each(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    # 404.html reads the tags and never an issue's items; the tags page lists the items of the
    # first entry's issue: an edit to another item of that issue must render the tags page.
    site = make_site({
        "content/issues/2026-01-winter/03-other.md": "---\ntitle: Other story\n---\nText.\n",
        "templates/404.html": "{% extends 'theme/404.html' %}{% block main %}"
                              "{{ site.tags | length }} tags{% endblock %}",
        "templates/terms.html": "{% extends 'theme/terms.html' %}{% block main %}{{ super() }}"
                                "<p id='titles'>{% for index in terms %}{{ index.entries[0]"
                                ".issue.items | map(attribute='title') | join(';') }}"
                                "{% endfor %}</p>{% endblock %}"})
    rendered_count(site)
    other = site / "content/issues/2026-01-winter/03-other.md"
    other.write_text("---\ntitle: Renamed story\n---\nText.\n", "utf-8")
    rendered_count(site)
    assert "Renamed story" in (site / "output/tags/index.html").read_text("utf-8")
    assert snapshot(site / "output") == clean_tree(site, tmp_path)


@pytest.mark.parametrize("reads_items", ["entry.issue.regions | map(attribute='name') | join(';')",
                                         "entry.issue.outcomes | length"])
def test_a_tag_page_reading_what_an_issue_gathers_from_its_items_follows_them(
        make_site: Callable[..., Path], tmp_path: Path, reads_items: str) -> None:
    # Issue.regions and Issue.outcomes read every item of the issue without the template
    # naming 'items': an edit to another item of the issue must render the tag page again.
    site = make_site({
        "content/issues/2026-01-winter/03-other.md": "---\ntitle: Other story\n---\nText.\n",
        "templates/term.html": "{% extends 'theme/term.html' %}{% block main %}{{ super() }}"
                               "<p id='gathered'>{% for entry in entries %}{{ " + reads_items +
                               " }};{% endfor %}</p>{% endblock %}"})
    rendered_count(site)
    other = site / "content/issues/2026-01-winter/03-other.md"
    other.write_text("---\ntitle: Other story\nkind: roundtable\nregions: [Armenia]\n---\n"
                     "## Conclusions\n\n- Agreed on Yerevan.\n", "utf-8")
    rendered_count(site)
    assert snapshot(site / "output") == clean_tree(site, tmp_path)


def test_a_file_saved_within_the_clock_tick_before_a_build_is_looked_at_again(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    # The editor saves twice within one tick of the file system's clock, a build in between:
    # same size, same time. The second save must not pass for "nothing changed".
    site = make_site()
    lead = site / "content/issues/2026-01-winter/01-lead.md"
    text = lead.read_text("utf-8")
    lead.write_text(text.replace("The **lead**", "The **LEAD**"), "utf-8")
    saved = lead.stat().st_mtime_ns
    rendered_count(site)
    lead.write_text(text.replace("The **lead**", "The **Lead**"), "utf-8")
    os.utime(lead, ns=(saved, saved))
    rendered_count(site)
    page = (site / "output/issues/2026-01-winter/lead/index.html").read_text("utf-8")
    assert "<strong>Lead</strong>" in page
    assert snapshot(site / "output") == clean_tree(site, tmp_path)


def png(colour: tuple[int, int, int], size: tuple[int, int] = (300, 200)) -> bytes:
    buffer = io.BytesIO()
    Pillow.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def rewrite(path: Path, data: bytes, how: str) -> None:
    """Save `data` at `path` as a tool that keeps the file's stamp would: in place with the time
    set back (`cp -p` onto it), as a new file with the old time (`exiftool -P`), or again
    within the same second of a clock in whole seconds."""
    before = path.stat()
    if how == "new file, time kept":
        path.with_name("new").write_bytes(data)
        os.replace(path.with_name("new"), path)
    else:
        path.write_bytes(data)
    assert how != "same second" or before.st_mtime_ns % 10**9 == 0
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


@pytest.mark.parametrize("how", ["in place, time kept", "new file, time kept", "same second"])
@pytest.mark.parametrize("name", ["static/logo.png", "content/issues/2026-01-winter/map.png"])
def test_a_copied_file_saved_again_with_the_same_stamp_is_copied_again(
        make_site: Callable[..., Path], tmp_path: Path, how: str, name: str) -> None:
    """A picture (resized) or a file of static/ saved again with the same size and time: each
    of its copies is the new one's."""
    lead = "content/issues/2026-01-winter/01-lead.md"
    site = make_site({name: png((255, 0, 0)), **({lead: "---\ntitle: Lead\nimage: map.png\n"
                      "image_alt: A map\n---\nText.\n"} if "content" in name else {})})
    path = site / name
    if how == "same second":  # just saved, on a file system that keeps whole seconds
        second = os.stat(path).st_mtime_ns // 10**9 * 10**9
        os.utime(path, ns=(second, second))
    else:
        age(site)
    build(site, BuildOptions(jobs=1, pdf=False))
    rewrite(path, png((0, 128, 0)), how)  # as many bytes as the red one
    build(site, BuildOptions(jobs=1, pdf=False))
    assert snapshot(site / "output") == clean_tree(site, tmp_path)


def test_a_file_no_text_names_renders_nothing_but_for_a_template_listing_the_files(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    """A note left beside an issue's texts made its pages again; a template that lists an
    issue's files (`issue.assets`) shows it, and is rendered again."""
    site = make_site()
    age(site)
    build(site, BuildOptions(jobs=1, pdf=False))
    (site / "content/issues/2026-01-winter/notes.txt").write_text("to do\n", "utf-8")
    assert build(site, BuildOptions(jobs=1, pdf=False)).rewritten == ()
    (site / "templates/partials").mkdir(parents=True)
    (site / "templates/partials/masthead.html").write_text(
        '{% include "theme/partials/masthead.html" %}\n<p class="files">'
        '{{ issue.assets | map(attribute="url") | join(" ") }}</p>\n', "utf-8")
    build(site, BuildOptions(jobs=1, pdf=False))
    (site / "content/issues/2026-01-winter/more.txt").write_text("later\n", "utf-8")
    report = build(site, BuildOptions(jobs=1, pdf=False))
    assert "issues/2026-01-winter/index.html" in report.rewritten
    assert "more.txt" in (report.output / "issues/2026-01-winter/index.html").read_text("utf-8")
    assert snapshot(report.output) == clean_tree(site, tmp_path)


def test_every_property_of_an_issue_that_reads_its_items_is_known_to_the_fingerprints(
        make_site: Callable[..., Path]) -> None:
    site = make_site({"content/issues/2026-01-winter/03-talk.md":
                      "---\ntitle: Talk\nkind: roundtable\nregions: [Armenia]\n---\n"
                      "## Conclusions\n\n- Agreed.\n"})
    issue = load_site(site)[0].issues[0]
    emptied = dataclasses.replace(issue, items=())
    gathering = {name for name, member in vars(Issue).items() if isinstance(member, property)
                 and getattr(issue, name) != getattr(emptied, name)}
    assert gathering == {"outcomes", "regions", "labels_news"} and gathering < ISSUE_ITEMS


def test_the_input_stamp_follows_linked_folders_once_and_sees_every_change(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content/a/b").mkdir(parents=True)
    (site / "elsewhere").mkdir()
    (site / "content/a/b/item.md").write_text("one", "utf-8")
    (site / "elsewhere/linked.md").write_text("two", "utf-8")
    (site / "content/a/b/up").symlink_to("../..")  # a loop back up the tree
    (site / "content/outside").symlink_to(site / "elsewhere")
    (site / "content/broken").symlink_to("nowhere")

    def stamp() -> str:
        return stamp_inputs(site, 1).digest

    first = stamp()
    assert stamp() == first
    (site / "elsewhere/linked.md").write_text("changed", "utf-8")  # seen through the link
    second = stamp()
    assert second != first
    (site / "content/a/b/new.md").write_text("", "utf-8")
    third = stamp()
    assert third != second
    (site / "static").mkdir()  # a folder that appears counts, even empty
    assert stamp() != third


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources Jinja's parser reads from now on, for compiling and for the fingerprints."""
    parsed: list[str] = []
    parse = Environment._parse

    def counting(self: Environment, source: str, *args: object) -> object:
        parsed.append(source)
        return parse(self, source, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Environment, "_parse", counting)
    return parsed


def forget_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a new process: nothing compiled or analysed by this one's earlier builds."""
    monkeypatch.setattr(templates, "COMPILED", {})
    monkeypatch.setattr(cache_module, "ANALYSED", {})


def test_templates_are_parsed_again_only_when_their_text_changes(
        make_site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site()
    rendered_count(site)
    forget_compiled(monkeypatch)  # the next builds are as a new process's
    parsed = count_parses(monkeypatch)
    edit_lead(site, "More.")
    rendered_count(site)
    assert parsed == []
    override = "{% extends 'theme/item.html' %}{% block title %}{{ item.title }}!{% endblock %}"
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates/item.html").write_text(override, "utf-8")
    rendered_count(site)
    assert parsed == [override]
    assert snapshot(site / "output") == clean_tree(site, tmp_path)


def test_a_first_build_parses_each_template_once(
        make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The fingerprints read what a template loads from the tree that compiling it takes."""
    parsed = count_parses(monkeypatch)
    forget_compiled(monkeypatch)
    rendered_count(make_site())
    assert len(parsed) > 10
    assert len(set(parsed)) == len(parsed)


def test_a_second_site_built_in_one_process_parses_only_its_own_templates(
        make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The theme's templates compiled for one site serve the next (the tests, a program that
    builds several sites), whose cache is empty."""
    rendered_count(make_site(name="first"))
    parsed = count_parses(monkeypatch)
    override = "{% extends 'theme/item.html' %}{% block title %}{{ item.title }}?{% endblock %}"
    second = make_site({"templates/item.html": override}, name="second")
    rendered_count(second)
    assert parsed == [override]
    monkeypatch.undo()
    assert snapshot(second / "output") == clean_tree(second, tmp_path)
    lead = (second / "output/issues/2026-01-winter/lead/index.html").read_text("utf-8")
    assert "<title>Lead story?</title>" in lead


def test_unreadable_template_analyses_are_parsed_again(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site()
    rendered_count(site)
    [kept] = (site / CACHE_DIR / "templates").glob(f"*/{ANALYSES}")
    kept.write_text('{"x": [["a"], [1], []], "y": 3}', "utf-8")
    edit_lead(site, "More.")
    rendered_count(site)
    assert snapshot(site / "output") == clean_tree(site, tmp_path)
    assert "x" not in json.loads(kept.read_text("utf-8"))


@pytest.mark.parametrize("damage", ["delete", "overwrite"])
def test_a_deleted_or_damaged_edition_is_made_again(make_site: Callable[..., Path], tmp_path: Path,
                                                    weasyprint: Any, damage: str) -> None:
    site = make_site(PRINTED)
    age(site)  # so that the build can vouch for "nothing changed" when nothing did
    build(site, BuildOptions(jobs=1))
    issue = site / "output/issues/2026-01-winter"
    for name in ("email.html", "email.txt", "2026-01-winter.pdf"):
        if damage == "delete":
            (issue / name).unlink()
        else:
            (issue / name).write_bytes(b"damaged")
    build(site, BuildOptions(jobs=1))
    assert snapshot(site / "output") == clean_tree(site, tmp_path)


def test_the_published_pdf_shares_no_file_with_the_cache(
        make_site: Callable[..., Path], tmp_path: Path, weasyprint: Any) -> None:
    site = make_site({**PRINTED, **SECOND_ISSUE})
    build(site, BuildOptions(jobs=1))
    edit_lead(site, "Another word.")
    build(site, BuildOptions(jobs=1))  # the unchanged issue's PDF comes from the cache
    pdfs = list((site / "output/issues").glob("*/*.pdf"))
    assert len(pdfs) == 2
    cached = list((site / CACHE_DIR).rglob("*.pdf"))
    for pdf in pdfs:
        assert not any(pdf.samefile(entry) for entry in cached), pdf
    for pdf in pdfs:
        pdf.write_bytes(b"damaged")
    build(site, BuildOptions(jobs=1))
    assert snapshot(site / "output") == clean_tree(site, tmp_path)


def test_the_report_names_the_files_a_build_rewrote(make_site: Callable[..., Path]) -> None:
    site = make_site(SECOND_ISSUE)
    age(site)
    first = build(site, BuildOptions(jobs=1))
    assert "issues/2026-02-second/index.html" in first.rewritten
    assert list(first.rewritten) == sorted(first.rewritten)
    assert build(site, BuildOptions(jobs=1)).rewritten == ()  # up to date
    edit_lead(site, "One more sentence.")
    pages = {path for path in build(site, BuildOptions(jobs=1)).rewritten
             if path.endswith(".html") and not path.endswith("email.html")}
    assert "issues/2026-01-winter/index.html" in pages
    assert not any(path.startswith("issues/2026-02-second/") for path in pages)
    assert "archive/index.html" not in pages  # it lists issues, not what their items say


def test_files_put_back_as_they_were_two_builds_ago_are_built_again(make_site: Callable[..., Path],
                                                                      tmp_path: Path) -> None:
    """A build whose input stamp cannot vouch for its files (one saved just now) forgets what
    the build before it noted: the files may come back as they were then, and the output of
    then is gone."""
    site = make_site()
    age(site)
    build(site, BuildOptions(jobs=1, pdf=False))
    added = site / "content/issues/2026-01-winter/09-added.md"
    added.write_text("---\ntitle: Added just now\n---\nText.\n", "utf-8")
    build(site, BuildOptions(jobs=1, pdf=False))
    assert (site / "output/issues/2026-01-winter/added/index.html").exists()
    added.unlink()
    build(site, BuildOptions(jobs=1, pdf=False))
    assert not (site / "output/issues/2026-01-winter/added/index.html").exists()


def test_a_build_into_another_folder_leaves_the_output_incremental(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    # As `bulletin serve` does: it builds into a private folder of its own, then deletes it.
    site = make_site(SECOND_ISSUE)
    age(site)
    build(site, BuildOptions(jobs=1))
    preview = tmp_path / "preview"
    assert build(site, BuildOptions(jobs=1, output=preview, drafts=True)).rewritten
    assert build(site, BuildOptions(jobs=1)).rewritten == ()
    edit_lead(site, "Seen in the preview first.")
    assert build(site, BuildOptions(jobs=1, output=preview, drafts=True)).rewritten
    rewritten = build(site, BuildOptions(jobs=1)).rewritten
    assert "issues/2026-01-winter/lead/index.html" in rewritten
    assert not any(path.startswith("issues/2026-02-second/") for path in rewritten)
    assert snapshot(site / "output") == clean_tree(site, tmp_path)
    # What the preview's records say it uses is read, damaged or not.
    (output_state(site / CACHE_DIR, preview) / "made.json").write_text("5", "utf-8")
    edit_lead(site, "Damaged.")
    assert build(site, BuildOptions(jobs=1)).rewritten
    # What the cache kept for the preview goes with the preview.
    shutil.rmtree(preview)
    edit_lead(site, "And once more.")
    build(site, BuildOptions(jobs=1))
    assert [path.name for path in (site / CACHE_DIR / OUTPUTS).iterdir()] == [
        state(site).name]


def test_switching_the_print_edition_off_and_on_renders_only_what_it_changes(
        make_site: Callable[..., Path], tmp_path: Path, weasyprint: Any) -> None:
    # `--no-pdf` for a quick look, then the full build: the pages that do not link to the
    # PDFs, the emails and the search index are not made again.
    site = make_site({**PRINTED, **SECOND_ISSUE})
    age(site)
    build(site, BuildOptions(jobs=1, pdf=False))
    rewritten = build(site, BuildOptions(jobs=1)).rewritten
    slugs = ("2026-01-winter", "2026-02-second")
    # the home page too: it links to the latest issue's PDF
    assert set(rewritten) == {"index.html"} | {f"issues/{slug}/{name}" for slug in slugs
                                               for name in ("index.html", f"{slug}.pdf")}
    with_pdfs = clean_tree(site, tmp_path)  # the site's files do not change from here on
    assert snapshot(site / "output") == with_pdfs
    # The output before last is kept beside the output: switching back renders nothing.
    assert build(site, BuildOptions(jobs=1, pdf=False)).rewritten == ()
    assert snapshot(site / "output") == clean_tree(site, tmp_path, pdf=False)
    assert build(site, BuildOptions(jobs=1)).rewritten == ()
    assert snapshot(site / "output") == with_pdfs


def test_the_pdfs_of_an_edition_switched_off_are_not_made_again(
        make_site: Callable[..., Path], tmp_path: Path, weasyprint: Any) -> None:
    # Quick builds with `--no-pdf` while writing, then the full build: only the edited
    # issue's PDF is made again, though neither the output nor the spare folder holds one.
    site = make_site({**PRINTED, **SECOND_ISSUE})
    age(site)
    build(site, BuildOptions(jobs=1))
    for words in ("A first change.", "A second change."):
        edit_lead(site, words)
        build(site, BuildOptions(jobs=1, pdf=False))
    assert not list((site / "output/issues").glob("*/*.pdf"))
    rewritten = build(site, BuildOptions(jobs=1)).rewritten
    assert "issues/2026-01-winter/2026-01-winter.pdf" in rewritten
    assert "issues/2026-02-second/2026-02-second.pdf" not in rewritten
    assert snapshot(site / "output") == clean_tree(site, tmp_path)


def test_a_changed_email_setting_makes_only_the_emails_again(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site()
    age(site)
    build(site, BuildOptions(jobs=1))
    settings = site / "bulletin.yaml"
    settings.write_text("# The site's settings.\n" + settings.read_text("utf-8"), "utf-8")
    assert build(site, BuildOptions(jobs=1)).rewritten == ()  # its keys' lines moved, no more
    settings.write_text(settings.read_text("utf-8")
                        + "email: {unsubscribe_url: 'https://example.org/leave'}\n", "utf-8")
    rewritten = build(site, BuildOptions(jobs=1)).rewritten
    assert set(rewritten) == {"issues/2026-01-winter/email.html",
                              "issues/2026-01-winter/email.txt"}
    assert snapshot(site / "output") == clean_tree(site, tmp_path)


def test_an_output_folder_of_any_name_the_system_allows_builds_again(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    if sys.platform == "darwin":
        pytest.skip("macOS file systems take only UTF-8 names")
    site = make_site()
    output = Path(os.fsdecode(os.fsencode(tmp_path) + b"/sortie-\xe9t\xe9"))  # Latin-1 bytes
    build(site, BuildOptions(jobs=1, output=output))
    edit_lead(site, "Once more.")
    assert "issues/2026-01-winter/lead/index.html" in build(
        site, BuildOptions(jobs=1, output=output)).rewritten


def test_a_build_stopped_after_publishing_is_not_taken_for_up_to_date(
        make_site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site()
    age(site)
    build(site, BuildOptions(jobs=1))

    def stopped(*args: object) -> None:
        raise KeyboardInterrupt

    # Ctrl-C after the output was swapped in and its records were written, before the build
    # noted the inputs it read: the output is of the options of the build that stopped.
    with monkeypatch.context() as patch:
        patch.setattr(BuildCache, "_prune_made", stopped)
        with pytest.raises(KeyboardInterrupt):
            build(site, BuildOptions(jobs=1, email=False))
    build(site, BuildOptions(jobs=1))
    assert snapshot(site / "output") == clean_tree(site, tmp_path)


def test_a_template_reading_site_config_depends_on_the_sections_it_reads(
        make_site: Callable[..., Path]) -> None:
    page = (THEME_DIR / "templates/page.html").read_text("utf-8")
    site = make_site({"templates/page.html": page.replace("config.", "site.config.")})
    age(site)
    build(site, BuildOptions(jobs=1))
    assert (site / "output/issues/2026-01-winter/email.html").exists()
    rewritten = build(site, BuildOptions(jobs=1, email=False)).rewritten
    assert "pages/about/index.html" not in rewritten  # it reads no email setting
    assert not (site / "output/issues/2026-01-winter/email.html").exists()


def test_pdfs_switched_off_in_the_settings_are_not_kept(
        make_site: Callable[..., Path], weasyprint: Any) -> None:
    # Unlike `--no-pdf`, no later build will take them back: the cache lets them go.
    site = make_site(PRINTED)
    build(site, BuildOptions(jobs=1))
    build(site, BuildOptions(jobs=1, pdf=False))
    assert len(list(state(site).glob("aside/*"))) == 1  # kept for the next build with PDFs
    settings = site / "bulletin.yaml"
    settings.write_text(settings.read_text("utf-8") + "pdf: {enabled: false}\n", "utf-8")
    build(site, BuildOptions(jobs=1))
    assert not list(state(site).glob("aside/*"))


def test_the_cache_belongs_to_the_code_that_wrote_it(tmp_path: Path) -> None:
    """An upgrade, or an edit of bulletin-gen, that leaves its version number as it was made
    the memo give back items rendered by the code before (typography, links): the cache's
    version names the code's bytes, not their files' times."""
    package = tmp_path / "bulletin_gen"
    shutil.copytree(Path(__file__).parent.parent / "bulletin_gen", package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    first = code_digest(str(package))
    os.utime(package / "markdown.py", ns=(0, 0))  # a checkout: the same bytes, a new time
    (package / "__pycache__").mkdir(exist_ok=True)
    (package / "__pycache__" / "x.py").write_text("# byte-code's folder: not the code\n")
    assert code_digest(str(package)) == first
    with (package / "editions" / "email.py").open("a") as module:
        module.write("# changed\n")
    assert code_digest(str(package)) != first
