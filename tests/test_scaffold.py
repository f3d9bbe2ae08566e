"""`bulletin new issue` and `bulletin new item` through the command line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import SETTINGS

from bulletin_gen.cli import main
from bulletin_gen.content import split_front_matter
from bulletin_gen.pipeline import load_site

ISSUE = "content/issues/2026-01-winter"


def front_matter(path: Path) -> dict[str, object]:
    front, _, _ = split_front_matter(path.read_text("utf-8"))
    assert front is not None
    return dict(yaml.safe_load(front))


def test_new_issue_is_a_numbered_draft_that_builds(make_site: Callable[..., Path],
                                                   runner: CliRunner) -> None:
    site = make_site()
    result = runner.invoke(main, ["new", "issue", "July/August 2026", str(site),
                                  "--date", "2026-07-20"])
    assert result.exit_code == 0, result.output
    path = site / "content/issues/2026-07-july-august-2026/issue.yaml"
    assert result.stdout.strip() == str(path)
    fields = yaml.safe_load(path.read_text("utf-8"))
    assert fields == {"title": "July/August 2026", "date": dt.date(2026, 7, 20), "number": 2,
                      "summary": "", "status": "draft"}
    built, _ = load_site(site, drafts=True)
    assert [issue.slug for issue in built.issues] == ["2026-07-july-august-2026", "2026-01-winter"]
    published, _ = load_site(site)
    assert len(published.issues) == 1  # a new issue stays out of the site until published


def test_new_single_file_issue_has_an_introduction_and_an_item(make_site: Callable[..., Path],
                                                               runner: CliRunner) -> None:
    site = make_site()
    result = runner.invoke(main, ["new", "issue", "Conférence 2026", str(site), "--single-file",
                                  "--date", "2026-09-01"])
    assert result.exit_code == 0, result.output
    path = site / "content/issues/2026-09-conference-2026.md"
    assert result.stdout.strip() == str(path)
    assert front_matter(path)["title"] == "Conférence 2026"
    built, _ = load_site(site, drafts=True)
    issue = next(i for i in built.issues if i.slug == "2026-09-conference-2026")
    assert [item.title for item in issue.items] == ["First item title"]


def test_new_issue_defaults_to_today(make_site: Callable[..., Path], runner: CliRunner) -> None:
    site = make_site()
    result = runner.invoke(main, ["new", "issue", "Next", str(site)])
    assert result.exit_code == 0, result.output
    today = dt.date.today()
    assert Path(result.stdout.strip()).parent.name == f"{today:%Y-%m}-next"
    assert result.stderr == (f"note: dated today, {today:%Y-%m-%d} (its name begins with the "
                             "month): for another date, give --date YYYY-MM-DD\n")


def test_new_issue_says_a_wrong_date_as_content_files_do(make_site: Callable[..., Path],
                                                         runner: CliRunner) -> None:
    result = runner.invoke(main, ["new", "issue", "Spring", str(make_site()), "--date",
                                  "20-03-2026"])
    assert result.exit_code == 2
    assert "Invalid value for '--date': expected a date YYYY-MM-DD, got '20-03-2026'" in \
        result.stderr
    result = runner.invoke(main, ["new", "issue", "Spring", str(make_site()), "--date",
                                  "2026-02-30"])
    assert result.exit_code == 2
    assert ("Invalid value for '--date': 2026-02-30 is not a real date: February has 28 "
            "days in 2026") in result.stderr


def test_new_issue_refuses_to_overwrite(make_site: Callable[..., Path], runner: CliRunner) -> None:
    site = make_site()
    args = ["new", "issue", "Spring", str(site), "--date", "2026-03-01"]
    assert runner.invoke(main, args).exit_code == 0
    path = site / "content/issues/2026-03-spring/issue.yaml"
    path.write_text("title: Spring, edited\ndate: 2026-03-01\n")
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    assert f"{path.parent} already exists" in result.stderr
    assert path.read_text() == "title: Spring, edited\ndate: 2026-03-01\n"
    single = runner.invoke(main, [*args, "--single-file"])  # same name as the folder issue
    assert single.exit_code == 1 and "already exists" in single.stderr


@pytest.mark.parametrize(("kind", "suffix"), [("feature", ".md"), ("news", ".md"),
                                              ("roundtable", ".md"), ("notice", ".md"),
                                              ("briefs", ".yaml")])
def test_new_item_of_each_kind_builds(make_site: Callable[..., Path], runner: CliRunner, kind: str,
                                      suffix: str) -> None:
    site = make_site()
    result = runner.invoke(main, ["new", "item", "2026-01-winter", "Água para todos", str(site),
                                  "--kind", kind])
    assert result.exit_code == 0, result.output
    path = site / ISSUE / f"03-agua-para-todos{suffix}"
    assert result.stdout.strip() == str(path)
    built, problems = load_site(site)
    # Added to a published issue, the skeleton is warned of until it is written.
    [warning] = problems.warnings
    assert warning.location.path == f"{ISSUE}/03-agua-para-todos{suffix}"
    assert ("placeholder" if kind == "briefs" else "no text yet") in warning.message
    item = built.issues[0].items[-1]
    assert (item.slug, item.title, item.kind) == ("agua-para-todos", "Água para todos", kind)
    if kind == "roundtable":
        assert item.roundtable is not None
        assert [s.role for s in item.roundtable.sections] == [
            "summary", "discussion", "conclusions", "recommendations"]
        fields = front_matter(path)
        assert {"presenters", "facilitators", "secretaries", "participants", "venue",
                "session"} <= set(fields)
    if kind == "briefs":
        assert len(item.briefs) == 1


def test_what_is_still_the_skeleton_is_warned_of_at_its_line_until_written(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    site = make_site()
    for title, kind in (("Talks", "news"), ("Forum", "roundtable"), ("More", "briefs")):
        assert runner.invoke(main, ["new", "item", "2026-01-winter", title, str(site),
                                    "--kind", kind]).exit_code == 0
    single = site / "content/issues/2026-02-single.md"
    assert runner.invoke(main, ["new", "issue", "Single", str(site), "--single-file",
                                "--date", "2026-02-01"]).exit_code == 0
    single.write_text(single.read_text("utf-8").replace("status: draft", "status: published")
                      + "\n## Second\n\nWritten.\n", "utf-8")
    # Left empty on purpose, with no comment: not the skeleton's.
    (site / ISSUE / "06-empty.md").write_text("---\ntitle: Empty\n---\n", "utf-8")

    def warned() -> list[str]:
        """What build says, and check the same once (it warns of any text left empty too)."""
        result = runner.invoke(main, ["build", str(site)])
        assert result.exit_code == 0, result.output
        said = [line.split(" (")[0] for line in result.stderr.splitlines() if "warning" in line]
        checked = runner.invoke(main, ["check", str(site)])
        assert [line.split(" (")[0] for line in checked.stderr.splitlines()
                if "warning" in line and "06-empty.md" not in line] == said
        return said

    assert warned() == [
        f"{ISSUE}/03-talks.md:12: warning: the item has no text yet: only <!-- comments -->, "
        "which are not shown",
        f"{ISSUE}/04-forum.md:14: warning: '## Summary', '## Discussion', "
        "'## Conclusions', '## Recommendations' have no text yet: only <!-- comments -->, "
        "which are not shown",
        f"{ISSUE}/05-more.yaml:10: warning: brief 1's body is still the placeholder that "
        "`bulletin new` wrote",
        "content/issues/2026-02-single.md:10: warning: '## First item title' has no text yet: "
        "only <!-- comments -->, which are not shown"]
    news, roundtable = site / ISSUE / "03-talks.md", site / ISSUE / "04-forum.md"
    news.write_text(news.read_text("utf-8") + "The talks began.\n", "utf-8")
    text = roundtable.read_text("utf-8").replace("## Summary\n", "## Summary\n\nHeld in Pécs.\n")
    roundtable.write_text(text.replace("## Discussion\n", "## Discussion\n\nLong.\n"), "utf-8")
    briefs = site / ISSUE / "05-more.yaml"
    briefs.write_text(briefs.read_text("utf-8").replace(
        "Write the brief here in Markdown, with **bold** place names.", "A clinic opened."),
        "utf-8")
    single.write_text(single.read_text("utf-8").replace("## First item title\n",
                                                        "## First item title\n\nDone.\n"))
    assert warned() == [
        f"{ISSUE}/04-forum.md:26: warning: '## Conclusions', '## Recommendations' have "
        "no text yet: only <!-- comments -->, which are not shown"]


def test_new_items_are_numbered_after_the_last(make_site: Callable[..., Path],
                                               runner: CliRunner) -> None:
    site = make_site({f"{ISSUE}/09-late.md": "---\ntitle: Late\n---\nText.\n"})
    first = runner.invoke(main, ["new", "item", "2026-01-winter", "One", str(site)])
    second = runner.invoke(main, ["new", "item", ISSUE, "Two", str(site)])  # a path works too
    assert Path(first.stdout.strip()).name == "10-one.md"
    assert Path(second.stdout.strip()).name == "11-two.md"
    built, _ = load_site(site)
    assert [i.slug for i in built.issues[0].items] == ["lead", "briefs", "late", "one", "two"]


def test_a_long_title_names_its_file_by_its_first_words(make_site: Callable[..., Path],
                                                       runner: CliRunner) -> None:
    """A whole title of Arabic is more than the 255 bytes a file name may hold."""
    site = make_site()
    title = " ".join(["الشبكة"] * 20) + " (تقرير)"
    result = runner.invoke(main, ["new", "item", "2026-01-winter", title, str(site)])
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path.name == "03-" + "-".join(["الشبكة"] * 8) + ".md"
    built, _ = load_site(site)
    assert built.issues[0].items[-1].title == title


def test_a_title_of_two_lines_is_refused(make_site: Callable[..., Path],
                                        runner: CliRunner) -> None:
    site = make_site()
    result = runner.invoke(main, ["new", "issue", "Spring\nnews", str(site)])
    assert result.exit_code == 1
    assert "holds a line break; a title is one line" in result.stderr
    assert sorted(p.name for p in (site / "content/issues").iterdir()) == ["2026-01-winter"]


def test_new_item_refuses_a_slug_in_use(make_site: Callable[..., Path], runner: CliRunner) -> None:
    site = make_site()
    result = runner.invoke(main, ["new", "item", "2026-01-winter", "Lead", str(site)])
    assert result.exit_code == 1
    assert "01-lead.md already has the slug 'lead'" in result.stderr
    assert sorted(p.name for p in (site / ISSUE).iterdir()) == [
        "01-lead.md", "02-briefs.yaml", "issue.yaml"]


def test_new_item_needs_a_folder_issue(make_site: Callable[..., Path], runner: CliRunner) -> None:
    site = make_site({"content/issues/2026-02-short.md": "---\ntitle: Feb\ndate: 2026-02-01\n"
                                                         "---\n## News\nText.\n"})
    single = runner.invoke(main, ["new", "item", "2026-02-short", "More", str(site)])
    assert single.exit_code == 1 and "is a single-file issue" in single.stderr
    missing = runner.invoke(main, ["new", "item", "2026-01-wintr", "More", str(site)])
    assert missing.exit_code == 1
    assert "no issue '2026-01-wintr'" in missing.stderr
    assert "did you mean 2026-01-winter?" in missing.stderr
    bad_kind = runner.invoke(main, ["new", "item", "2026-01-winter", "X", str(site),
                                    "--kind", "essay"])
    assert bad_kind.exit_code == 2 and "essay" in bad_kind.stderr


def test_an_unknown_issue_is_answered_with_the_newest_ones(make_site: Callable[..., Path],
                                                           runner: CliRunner) -> None:
    months = {f"content/issues/2025-{month:02}-m.md": f"---\ntitle: M{month}\n"
              f"date: 2025-{month:02}-01\n---\n## News\nText.\n" for month in range(1, 8)}
    site = make_site(months)
    for command in (["new", "item", "2024", "T", str(site)], ["pdf", "2024", str(site)]):
        result = runner.invoke(main, command)
        assert result.exit_code == 1
        assert result.stderr.endswith("The newest: 2026-01-winter, 2025-07-m, 2025-06-m, "
                                      "2025-05-m, 2025-04-m (8 in all).\n"), result.stderr
    # the beginning of a slug (its year and month) is a near miss too
    result = runner.invoke(main, ["pdf", "2026", str(site)])
    assert "(did you mean 2026-01-winter?)" in result.stderr, result.stderr
    result = runner.invoke(main, ["new", "item", "2025-07", "T", str(site)])
    assert "(did you mean 2025-07-m?)" in result.stderr, result.stderr
    # a translation's file and a hidden one are no issues of their own
    (site / "content/issues/2025-07-m.es.md").write_text("---\ntitle: J\n---\n## N\nT.\n")
    (site / "content/issues/.DS_Store").write_bytes(b"")
    result = runner.invoke(main, ["new", "item", "2025-07", "T", str(site)])
    assert "(did you mean 2025-07-m?)" in result.stderr and ".es" not in result.stderr
    assert "DS_Store" not in result.stderr


def test_a_misspelt_issue_path_from_outside_its_site_is_answered_in_that_site(
        make_site: Callable[..., Path], runner: CliRunner, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Not with 'no bulletin.yaml here', about the folder the command was run in."""
    site = make_site()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    for command in ("pdf", "email"):
        result = runner.invoke(main, [command, f"{site}/content/issues/2026-01-wintr/"])
        assert result.exit_code == 1
        assert "(did you mean 2026-01-winter?)" in result.stderr, result.stderr
        assert "bulletin.yaml" not in result.stderr


def test_new_issue_is_numbered_by_date_order(make_site: Callable[..., Path],
                                             runner: CliRunner) -> None:
    site = make_site({  # an archive filled in after the newest issues: 2006 after 2026
        "content/issues/2026-01-winter/issue.yaml": "title: Winter\ndate: 2026-01-15\n"
                                                    "number: 600\n",
        "content/issues/2006-01-old/issue.yaml": "title: Old\ndate: 2006-01-10\nnumber: 7\n"
                                                 "volume: 3\n",
        "content/issues/2006-05-older/issue.yaml": "title: Older\ndate: 2006-05-10\nnumber: 8\n"
                                                   "volume: 3\n",
    })

    def numbered(title: str, date: str) -> dict[str, object]:
        result = runner.invoke(main, ["new", "issue", title, str(site), "--date", date])
        assert result.exit_code == 0, result.output
        return dict(yaml.safe_load(Path(result.stdout.strip()).read_text("utf-8")))

    september = numbered("September 2006", "2006-09-30")
    assert (september["number"], september["volume"]) == (9, 3)
    assert numbered("Summer 2026", "2026-07-01")["number"] == 601
    assert numbered("First", "2005-01-01")["number"] == 1


def test_a_new_issue_before_later_ones_takes_the_next_number_and_says_it_is_taken(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    site = make_site({
        "content/issues/2026-01-winter/issue.yaml": "title: January 2026\ndate: 2026-01-15\n"
                                                    "number: 1\nvolume: 1\n",
        "content/issues/2026-07-summer/issue.yaml": "title: July 2026\ndate: 2026-07-20\n"
                                                    "number: 2\nvolume: 1\n",
        "content/issues/2026-07-summer/01-note.md": "---\ntitle: Note\n---\nText.\n"})
    result = runner.invoke(main, ["new", "issue", "March 2026", str(site), "--date",
                                  "2026-03-05", "--single-file"])
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert "number: 2\nvolume: 1\n" in path.read_text("utf-8")
    assert result.stderr == (
        "note: number 2 of volume 1 is already that of "
        "content/issues/2026-07-summer/issue.yaml, dated after this issue: renumber the "
        "issues after this one before it is published (two issues of a volume cannot share "
        "a number)\n")
    # While it is a draft, a build with the drafts (as `serve` makes) warns and goes on.
    drafts = runner.invoke(main, ["build", str(site), "--drafts", "--no-pdf"])
    assert drafts.exit_code == 0, drafts.output
    assert ("content/issues/2026-07-summer/issue.yaml:3: warning: number: 2 of volume 1 is also "
            "the number of content/issues/2026-03-march-2026.md:4") in drafts.stderr
    # Published as it is, the two would say 'Volume 1 · Number 2': the build refuses.
    path.write_text(path.read_text("utf-8").replace("status: draft", "status: published"),
                    "utf-8")
    check = runner.invoke(main, ["check", str(site)])
    assert check.exit_code == 1
    assert ("content/issues/2026-07-summer/issue.yaml:3: error: number: 2 of volume 1 is also "
            "the number of content/issues/2026-03-march-2026.md:4 (give each issue of a volume "
            "its own number: renumber the later issues)") in check.stderr.splitlines()
    after = runner.invoke(main, ["new", "issue", "December 2026", str(site), "--date",
                                 "2026-12-01"])
    assert after.exit_code == 0 and after.stderr == ""


@pytest.mark.parametrize(("language", "advice"), [
    ("arabic", "did you mean ar?"),
    ("fra", "did you mean fr?"),  # the three-letter code
    ("de", "add it under 'languages:' in bulletin.yaml first"),
    ("gr", "add it under 'languages:' in bulletin.yaml first"),  # Greek (el) is not listed
])
def test_new_translation_into_a_language_not_listed_says_which_was_meant(
        make_site: Callable[..., Path], runner: CliRunner, language: str, advice: str) -> None:
    site = make_site({"bulletin.yaml": SETTINGS + "languages: {fr: {}, ar: {}}\n"})
    result = runner.invoke(main, ["new", "translation", "2026-01-winter", language, str(site)])
    assert result.exit_code == 1
    assert result.output == (f"Error: '{language}' is not one of the site's languages "
                             f"(fr, ar); {advice}\n")


def test_new_translation_into_a_countrys_code_names_its_language(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    site = make_site({"bulletin.yaml": SETTINGS + "languages: {kk: {}, uk: {}}\n"})
    for typed, meant in (("kz", "kk"), ("ua", "uk")):
        result = runner.invoke(main, ["new", "translation", "2026-01-winter", typed, str(site)])
        assert result.exit_code == 1
        assert result.output == (f"Error: '{typed}' is not one of the site's languages "
                                 f"(kk, uk); did you mean {meant}?\n")


def test_new_translation_into_the_main_language_says_its_files_are_the_originals(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    """'add it under languages: first' sent the editor to an error: the main language may not
    be listed there."""
    site = make_site({"bulletin.yaml": SETTINGS + "languages: {fr: {}}\n"})
    result = runner.invoke(main, ["new", "translation", "2026-01-winter", "en", str(site)])
    assert (result.exit_code, result.output) == (
        1, "Error: 'en' is the site's main language ('language:' in bulletin.yaml): its files "
           "are the originals, which the translations translate\n")
