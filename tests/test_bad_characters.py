"""Characters no page, feed or mail header can hold: control characters and lone surrogates
(typed, or written as YAML escapes), and line breaks in one-line fields. Each is refused at
load with its file and line, by `build`, `check` and `email --eml` alike, never a traceback."""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MINIMAL_SITE

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.cli import main

ISSUE = "content/issues/2026-01-winter/issue.yaml"
LEAD = "content/issues/2026-01-winter/01-lead.md"
BRIEFS = "content/issues/2026-01-winter/02-briefs.yaml"
CONFIG = textwrap.dedent(MINIMAL_SITE["bulletin.yaml"])
XML_FORBIDDEN = "U+001B is a control character, which pages and feeds cannot hold; delete it"


def _problems(runner: CliRunner, site: Path, command: str) -> str:
    result = runner.invoke(main, [command, str(site)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception  # an error message, not a traceback
    return result.output


@pytest.mark.parametrize(("files", "where", "message"), [
    ({ISSUE: 'title: "a\\x1bb\\0"\ndate: 2026-01-15\n'}, ISSUE + ":1", XML_FORBIDDEN),
    ({ISSUE: 'title: "x\\ud800y"\ndate: 2026-01-15\n'}, ISSUE + ":1",
     "U+D800 is half of a surrogate pair, not a character"),
    ({LEAD: '---\ntitle: Lead\nsummary: "s\\x07"\n---\nBody.\n'}, LEAD + ":3",
     "U+0007 is a control character"),
    ({LEAD: "---\ntitle: Lead\n---\nBody\n\nwith an \x1b escape.\n"}, LEAD + ":6",
     XML_FORBIDDEN),
    ({BRIEFS: 'title: T\nkind: briefs\nitems:\n  - body: "b\\x1b"\n'}, BRIEFS + ":4",
     XML_FORBIDDEN),
    ({BRIEFS: 'title: T\nkind: briefs\nitems:\n  - {body: b, tags: ["\\uffff"]}\n'},
     BRIEFS + ":4", "U+FFFF is a control character"),
    ({"bulletin.yaml": CONFIG.replace("tagline: News for testing", 'tagline: "t\\x1b"')},
     "bulletin.yaml:2", XML_FORBIDDEN),
])
@pytest.mark.parametrize("command", ["build", "check"])
def test_characters_xml_forbids_are_refused_with_file_and_line(make_site: Callable[..., Path],
                                                               runner: CliRunner,
                                                               files: dict[str, str], where: str,
                                                               message: str, command: str) -> None:
    site = make_site(files)
    output = _problems(runner, site, command)
    assert f"{where}: " in output and message in output, output
    assert not (site / "output").exists()


def test_each_line_with_such_a_character_is_named_up_to_ten(make_site: Callable[..., Path],
                                                            runner: CliRunner) -> None:
    """One fix, one build: not a build for each line a paste from a terminal left them on."""
    lines = "".join(f"Line {number} has an \x1b[1mescape\x1b[0m.\n\n" for number in range(12))
    site = make_site({LEAD: "---\ntitle: Lead\n---\n" + lines})
    said = [line for line in _problems(runner, site, "build").splitlines()
            if line.startswith(LEAD)]
    assert said == [f"{LEAD}:{4 + 2 * number}: error: {XML_FORBIDDEN}" for number in range(10)] + [
        f"{LEAD}:24: error: more characters that pages and feeds cannot hold, from this line on "
        "(delete them too)"]


def test_character_references_in_raw_html_do_not_reach_the_output(
        make_site: Callable[..., Path]) -> None:
    site = make_site({LEAD: "---\ntitle: Lead\n---\nRaw <b>&#x1b;x&#0;</b> and "
                            '<span title="&#x1b;">t</span> &#x1b; &#xffff;.\n'})
    output = build(site, BuildOptions(pdf=False)).output
    for page in output.rglob("*"):
        if page.suffix in (".html", ".xml", ".txt"):
            text = page.read_text(encoding="utf-8")
            assert "\x1b" not in text and "\x00" not in text and "\uffff" not in text, page
    ET.parse(output / "feed.xml")
    ET.parse(output / "sitemap.xml")


@pytest.mark.parametrize(("files", "where", "message"), [
    ({ISSUE: 'title: "January\\n2026"\ndate: 2026-01-15\n'}, ISSUE + ":1",
     "title: a line break in 'January\\n2026'"),
    ({ISSUE: "title: |\n  January\n  2026\ndate: 2026-01-15\n"}, ISSUE + ":1",
     "title: a line break in"),
    ({ISSUE: 'title: January\ndate: 2026-01-15\nlang: "en\\nBcc: x@evil.example"\n'},
     ISSUE + ":3", "lang: a line break in"),
    ({"bulletin.yaml": CONFIG + 'email: {from: "News <n@example.org>\\nBcc: x@evil.example"}\n'},
     "bulletin.yaml:8", "email.from: a line break in"),
    ({"bulletin.yaml": CONFIG + 'language: "en\\rfr"\n'}, "bulletin.yaml:8",
     "language: a line break in"),
    ({LEAD: '---\ntitle: "Lead\\u2028story"\n---\nBody.\n'}, LEAD + ":2",
     "title: a line break in"),
])
def test_line_breaks_in_one_line_fields_are_refused(make_site: Callable[..., Path],
                                                    runner: CliRunner, files: dict[str, str],
                                                    where: str, message: str) -> None:
    site = make_site(files)
    for command in (["build", str(site)], ["check", str(site)],
                    ["email", "2026-01-winter", str(site), "--eml", str(site / "x.eml")]):
        result = runner.invoke(main, command)
        assert result.exit_code == 1, (command, result.output)
        assert isinstance(result.exception, SystemExit), (command, result.exception)
        said = result.output.replace(": error: ", ": ")  # `check` marks errors and warnings
        assert f"{where}: {message}" in said, (command, result.output)
    assert not (site / "x.eml").exists()


def test_folded_titles_are_one_line_and_still_allowed(make_site: Callable[..., Path],
                                                      build_site: Callable[..., Path]) -> None:
    site = make_site({ISSUE: "title: >-\n  January\n  2026\ndate: 2026-01-15\n"})
    page = build_site(site, pdf=False, email=False) / "issues/2026-01-winter/index.html"
    assert "January 2026" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize(("files", "where"), [
    ({ISSUE: "title: T\ndate: 2026-01-15\n\tnumber: 1\n"}, ISSUE + ":3"),
    ({LEAD: "---\ntitle: Lead\ntags:\n\t- water\n---\nBody.\n"}, LEAD + ":4"),
    ({"bulletin.yaml": CONFIG + "tagline:\n\tnews\n"}, "bulletin.yaml:9"),
])
def test_a_tab_in_yaml_is_named_with_its_line(make_site: Callable[..., Path], runner: CliRunner,
                                              files: dict[str, str], where: str) -> None:
    output = _problems(runner, make_site(files), "build")
    said = f"{where}: error: YAML syntax (column 1): a tab, where YAML allows only spaces"
    assert said in output, output
