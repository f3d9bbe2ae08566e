"""The `bulletin` command line, driven through click's CliRunner."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MINIMAL_SITE, html_pages, parse_html, snapshot, text_of

from bulletin_gen.cli import main


def run(runner: CliRunner, *args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(main, [str(arg) for arg in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception  # a bug: show its traceback
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", [[], ["build"], ["check"], ["init"]])
def test_every_command_has_help(runner: CliRunner, command: list[str]) -> None:
    code, out, _ = run(runner, *command, "--help")
    assert code == 0
    assert out.startswith("Usage: ")


@pytest.mark.parametrize("group", [[], ["new"]])
def test_help_lists_each_commands_description_whole(runner: CliRunner, group: list[str]) -> None:
    """click cut a description from a docstring mid-sentence ('email  Write the email edition
    of ISSUE (its folder or file name) as...', 'issue  ... (the period, e.g.')."""
    _, out, _ = run(runner, *group, "--help")
    commands = main.commands["new"].commands if group else main.commands  # type: ignore[attr-defined]
    listed = " ".join(out.split("Commands:")[1].split())
    assert "..." not in listed
    for name, command in commands.items():
        assert command.short_help and command.short_help.endswith("."), name
        assert f"{name} {command.short_help}" in listed


def test_build_help_lists_its_options(runner: CliRunner) -> None:
    _, out, _ = run(runner, "build", "--help")
    for option in ("--output", "--drafts", "--base-url", "--strict"):
        assert option in out


def test_version(runner: CliRunner) -> None:
    code, out, _ = run(runner, "--version")
    assert code == 0 and out.startswith("bulletin, version ")


def test_build_writes_the_site_and_says_so(make_site: Callable[..., Path],
                                           runner: CliRunner) -> None:
    site = make_site()
    code, out, err = run(runner, "build", site)
    assert code == 0, err
    assert out.startswith("Built 1 issue, 24 pages")
    assert err == ""
    assert (site / "output/issues/2026-01-winter/index.html").is_file()


def test_build_options_output_drafts_and_base_url(make_site: Callable[..., Path],
                                                 runner: CliRunner, tmp_path: Path) -> None:
    site = make_site({
        "content/issues/2026-02-next/issue.yaml": "title: February 2026\ndate: 2026-02-01\n"
                                                  "status: draft\n",
        "content/issues/2026-02-next/01-plan.md": "---\ntitle: Plan\n---\nText.\n",
    })
    # Without --drafts the draft is left out, and the summary says so (again when nothing
    # changed), so that nobody looks for it in the output in vain.
    for _ in range(2):
        code, out, err = run(runner, "build", site, "--no-pdf")
        assert code == 0, err
        assert out.splitlines()[-1].endswith("; 1 draft left out (--drafts builds it)")
    assert not (site / "output/issues/2026-02-next").exists()
    out_dir = tmp_path / "elsewhere"
    code, out, err = run(runner, "build", site, "-o", out_dir, "--drafts",
                         "--base-url", "https://example.com/sub/path")
    assert code == 0, err
    assert "left out" not in out
    assert not (site / "output/issues/2026-02-next").exists()  # -o: not written there
    assert (out_dir / "issues/2026-02-next/plan/index.html").is_file()
    canonical = parse_html(out_dir / "index.html").find(".//link[@rel='canonical']")
    assert canonical is not None and canonical.get("href") == "https://example.com/sub/path/"


def test_build_rejects_a_base_url_that_is_not_absolute(make_site: Callable[..., Path],
                                                      runner: CliRunner) -> None:
    code, _, err = run(runner, "build", make_site(), "--base-url", "example.org")
    assert code == 1
    assert "--base-url: error: 'example.org' is not an absolute http(s) URL" in err


def test_build_and_check_refuse_a_language_that_is_no_language_code(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    settings = MINIMAL_SITE["bulletin.yaml"] + "        language: english\n"  # its indent
    site = make_site({"bulletin.yaml": settings})
    message = "bulletin.yaml:8: language: 'english' is not a language code (did you mean en?)"
    code, _, err = run(runner, "build", site)
    said = message.replace(": language", ": error: language", 1)
    assert code == 1 and err == f"{said}\nError: 1 error found.\n"
    assert not (site / "output").exists()
    code, _, err = run(runner, "check", site)
    assert code == 1 and err == f"{said}\n"  # the same line, the count on stdout


def test_build_prints_warnings_and_strict_makes_them_fatal(make_site: Callable[..., Path],
                                                          runner: CliRunner) -> None:
    site = make_site({"content/pages/about.md": "---\ntitle: About\ntitel: x\n---\nText.\n"})
    warning = "content/pages/about.md:3: unknown field 'titel' (did you mean title?)"
    code, _, err = run(runner, "build", site)
    assert code == 0
    assert err == warning.replace(":3: ", ":3: warning: ") + "\n"
    before = snapshot(site / "output")
    code, _, err = run(runner, "build", site, "--strict")
    assert code == 1
    assert err == f"{warning.replace(':3: ', ':3: error: ')}\nError: 1 error found.\n"
    assert snapshot(site / "output") == before


def test_a_command_run_inside_a_site_acts_on_that_site(make_site: Callable[..., Path],
                                                      runner: CliRunner,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Without SITE, the site is the current folder or the nearest above it with a
    bulletin.yaml, as git finds its repository."""
    site = make_site()
    monkeypatch.chdir(site / "content/issues")
    code, out, _ = run(runner, "new", "issue", "Winter", "--date", "2026-11-01")
    assert code == 0 and out == "../../content/issues/2026-11-winter/issue.yaml\n"
    code, out, _ = run(runner, "new", "item", "2026-11-winter", "Snow in Almaty")
    assert code == 0 and out == "../../content/issues/2026-11-winter/01-snow-in-almaty.md\n"
    assert not (site / "content/issues/content").exists()
    code, _, _ = run(runner, "build", "--drafts")
    assert code == 0 and (site / "output/issues/2026-11-winter/snow-in-almaty/index.html").is_file()
    assert not (site / "content/issues/output").exists()


def test_build_of_a_folder_without_a_site_explains_and_writes_nothing(
        runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("mine", encoding="utf-8")
    code, _, err = run(runner, "build", tmp_path)
    assert code == 1
    assert err == (f"{tmp_path / 'bulletin.yaml'}: error: no bulletin.yaml here (run 'bulletin "
                   "init DIR' to start a site, or pass its folder)\nError: 1 error found.\n")
    assert [path.name for path in tmp_path.iterdir()] == ["a.txt"]  # not even the site's lock


def test_check_validates_and_writes_nothing(make_site: Callable[..., Path],
                                           runner: CliRunner) -> None:
    site = make_site()
    before = snapshot(site)
    code, out, _ = run(runner, "check", site)
    assert code == 0
    assert out == "No problems found in 1 issue (24 pages).\n"
    assert snapshot(site) == before
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"]


def test_check_writes_nothing_when_it_finds_problems(make_site: Callable[..., Path],
                                                    runner: CliRunner) -> None:
    site = make_site({"content/pages/about.md": "---\ntitle: About\n---\n[x](gone.md)\n"})
    before = snapshot(site)
    code, _, err = run(runner, "check", site)
    assert code == 1
    assert "content/pages/about.md:4: error: link to a missing file: gone.md" in err
    assert snapshot(site) == before


def test_check_reports_template_errors(make_site: Callable[..., Path],
                                       runner: CliRunner) -> None:
    site = make_site({"templates/page.html": "{% extends 'theme/base.html' %}\n"
                                             "{% block main %}{{ page.nope }}{% endblock %}\n"})
    code, out, err = run(runner, "check", site)
    assert code == 1
    # as a content error is said, so that an editor's problem matcher finds it
    assert err == ("templates/page.html:2: error: Page has no field 'nope'; its fields: "
                   "description, html, inherited, lang, slug, source, summary, "
                   "title, untranslated, url (while rendering pages/about/index.html)\n")
    assert out.startswith("Stopped at the templates: 1 error, 0 warnings.")
    # The settings' objects too: an American spelling was a Python repr without a hint.
    site = make_site({"templates/page.html": "{% extends 'theme/base.html' %}\n"
                                             "{% block main %}{{ config.organization.name }}"
                                             "{{ config.organisation.nam }}{% endblock %}\n"})
    code, out, err = run(runner, "check", site)
    assert err == ("templates/page.html:2: error: SiteConfig has no field 'organization'; did "
                   "you mean organisation? (while rendering pages/about/index.html)\n")


def test_every_templates_error_is_said_once(make_site: Callable[..., Path],
                                            runner: CliRunner) -> None:
    """The first page's error alone was said: an editor fixed one template, built again, and
    met the next. One template failing on many pages is said once."""
    site = make_site({
        "templates/page.html": "{% extends 'theme/base.html' %}\n"
                               "{% block main %}{{ page.nope }}{% endblock %}\n",
        "templates/issue.html": "{% extends 'theme/base.html' %}\n{% if %}\n",
        "templates/partials/contact.html": "<aside>\n{{ contact.phone }}\n"})
    code, _, err = run(runner, "build", site)
    assert code == 1
    lines = err.splitlines()
    assert lines[-1] == "Error: 3 errors found."
    assert [line.split(": error: ")[0] for line in lines[:-1]] == [
        "templates/issue.html:2", "templates/page.html:2", "templates/partials/contact.html:2"]
    assert lines[2].endswith("(while rendering issues/2026-01-winter/lead/index.html, and 1 "
                             "other page)")  # the lead's page and the briefs'
    # A message that names its page is still one mistake, at one line of one template.
    (site / "templates/issue.html").unlink()
    (site / "templates/partials/contact.html").unlink()
    (site / "templates/page.html").write_text(
        "{% extends 'theme/base.html' %}\n{% block main %}{{ config.nav[page_url] }}"
        "{% endblock %}\n", encoding="utf-8")
    (site / "templates/term.html").write_text(
        (site / "templates/page.html").read_text(encoding="utf-8"), encoding="utf-8")
    code, _, err = run(runner, "build", site)
    lines = err.splitlines()
    assert code == 1 and lines[-1] == "Error: 2 errors found.", lines


def test_a_template_that_is_not_utf8_is_an_error_at_its_line(make_site: Callable[..., Path],
                                                             runner: CliRunner) -> None:
    """Jinja's loader failed with a traceback, and check named the theme's template."""
    site = make_site({"templates/base.html": "{% extends 'theme/base.html' %}\n"})
    (site / "templates/base.html").write_bytes(b"{% extends 'theme/base.html' %}\n{# caf\xe9 #}\n")
    for command in ("build", "check"):
        code, _, err = run(runner, command, site)
        assert code == 1
        assert err.startswith("templates/base.html:2: error: not valid UTF-8 text (save the "
                              "file with UTF-8 encoding)\n"), command


def test_init_creates_a_site_that_builds_as_it_is(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "my-bulletin"
    code, out, _ = run(runner, "init", target)
    assert code == 0
    assert out == f"Created a new bulletin in {target}. Next: bulletin build {target}\n"
    assert (target / "bulletin.yaml").is_file()
    code, _, err = run(runner, "check", target, "--strict")
    assert code == 0, err
    code, _, err = run(runner, "build", target, "--strict")
    assert code == 0, err
    assert err == ""
    pages = html_pages(target / "output")
    assert len(pages) > 5
    for page in pages:
        parse_html(page)
    issue = parse_html(target / "output/issues/2026-01-first-issue/index.html")
    assert text_of(issue.find(".//h1")) == "January 2026"


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


def test_init_writes_a_gitignore_of_what_builds_make(runner: CliRunner, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "my-bulletin"
    assert run(runner, "init", site)[0] == 0
    started = {path.name for path in site.iterdir()}
    assert ".gitignore" in started
    code, _, err = run(runner, "build", site, "--no-pdf")
    assert code == 0, err
    assert run(runner, "build", site, "--no-pdf")[0] == 0  # the second build makes the spare
    # and what a build that was killed midway leaves, until the next removes it
    for leftover in (".output.staging", ".output.old", ".output.mirror"):
        (site / leftover / "index.html").parent.mkdir()
        (site / leftover / "index.html").write_text("<p>half written</p>", encoding="utf-8")
    # and the editions of one issue, written where the commands are run
    issue = next((site / "content/issues").iterdir())
    monkeypatch.chdir(site)
    assert run(runner, "email", issue.name, ".")[0] == 0
    (site / f"{issue.stem}.pdf").write_bytes(b"%PDF-1.7")  # as `bulletin pdf` would, slowly
    made = {path.name for path in site.iterdir()} - started
    assert {"output", ".output.spare", ".bulletin-cache", ".bulletin.lock",
            f"{issue.stem}.eml", f"{issue.stem}.pdf"} <= made
    git("init", "-q", cwd=site)
    git("add", "-A", cwd=site)
    added = {name.split("/")[0] for name in git("diff", "--cached", "--name-only",
                                                 cwd=site).splitlines()}
    assert added == started - {".git"}


def test_init_keeps_a_gitignore_it_finds(tmp_path: Path) -> None:
    from bulletin_gen.scaffold import _write_gitignore

    (tmp_path / ".gitignore").write_text("notes/\n", encoding="utf-8")
    assert _write_gitignore(tmp_path) is None
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "notes/\n"


def test_init_into_an_empty_existing_folder(runner: CliRunner, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(runner, "init", tmp_path)
    assert code == 0
    assert (tmp_path / "content/pages/about.md").is_file()
    assert out == f"Created a new bulletin in {tmp_path}. Next: bulletin build {tmp_path}\n"
    spaced = tmp_path / "Mon Bulletin é"
    code, out, _ = run(runner, "init", spaced)
    assert code == 0 and out.endswith(f"Next: bulletin build '{spaced}'\n")  # to paste
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    code, out, _ = run(runner, "init", ".")
    assert code == 0 and out == "Created a new bulletin in this folder. Next: bulletin build\n"


def test_build_of_a_folder_that_does_not_exist_says_so(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = run(runner, "build", tmp_path / "nosuchdir")
    assert code == 1 and err.startswith(f"{tmp_path / 'nosuchdir'}: error: no such folder (")


def test_init_writes_beside_a_fresh_clone(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".github/workflows").mkdir(parents=True)
    (tmp_path / ".github/workflows/lint.yml").write_text("on: push\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("Our bulletin.\n", encoding="utf-8")
    code, _, err = run(runner, "init", tmp_path)
    assert code == 0, err
    assert (tmp_path / "bulletin.yaml").is_file() and (tmp_path / ".gitignore").is_file()
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "Our bulletin.\n"
    assert (tmp_path / ".github/workflows/publish.yml").is_file()


def test_init_refuses_a_folder_that_holds_a_site(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "bulletin.yaml").write_text("title: Mine\n", encoding="utf-8")
    (tmp_path / "content").mkdir()
    code, _, err = run(runner, "init", tmp_path)
    assert code == 1
    assert err == (f"Error: {tmp_path} already has bulletin.yaml, content: a site may be "
                   "there; choose a new folder for the site.\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bulletin.yaml", "content"]
    assert (tmp_path / "bulletin.yaml").read_text(encoding="utf-8") == "title: Mine\n"


def test_init_refuses_a_file(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "bulletin.txt"
    target.write_text("x", encoding="utf-8")
    code, _, err = run(runner, "init", target)
    assert code == 1
    assert err == f"Error: {target} is a file; choose a new folder for the site.\n"


def test_a_broken_template_fails_the_build_and_keeps_the_previous_output(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    site = make_site()
    assert run(runner, "build", site)[0] == 0
    before = snapshot(site / "output")
    (site / "templates").mkdir()
    (site / "templates/item.html").write_text(
        "{% extends 'theme/base.html' %}\n{% block main %}\n{% if %}\n{% endblock %}\n",
        encoding="utf-8")
    code, _, err = run(runner, "build", site)
    assert code == 1
    assert err.startswith("templates/item.html:3: error: Expected an expression, got 'end of "
                          "statement block' (while rendering issues/2026-01-winter/")
    assert err.endswith(")\nError: 1 error found.\n")
    assert "Traceback" not in err
    assert snapshot(site / "output") == before
    assert sorted(p.name for p in site.iterdir()) == [
        ".bulletin-cache", ".bulletin.lock", "bulletin.yaml", "content", "output",
        "templates"]  # no staging folder left behind (the cache and lock file are kept)
