"""config.py: bulletin.yaml -> SiteConfig, its defaults, and every problem it can have."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from bulletin_gen.cli import main
from bulletin_gen.config import (
    Colours,
    Contact,
    EmailConfig,
    Organisation,
    PdfConfig,
    SiteConfig,
    load_config,
)
from bulletin_gen.errors import ContentError, Problems


def config_of(tmp_path: Path, text: str, base_url: str | None = None) -> SiteConfig:
    (tmp_path / "bulletin.yaml").write_text(text, encoding="utf-8")
    return load_config(tmp_path, base_url)[0]


def problems_of(tmp_path: Path, text: str | bytes, base_url: str | None = None) -> list[str]:
    path = tmp_path / "bulletin.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_config(tmp_path, base_url)
    return [str(problem) for problem in caught.value.problems]


def test_only_the_title_is_required_and_everything_else_has_a_default(tmp_path: Path) -> None:
    config = config_of(tmp_path, "title: Common Ground\n")
    assert config == SiteConfig(title="Common Ground")
    assert (config.language, config.base_url, config.nav, config.recent_issues,
            config.per_page) == ("en", "", (), 6, 50)
    assert config.pdf == PdfConfig() and config.email == EmailConfig()
    assert not config.contact and not config.unsafe_html


def test_every_documented_key_is_read(tmp_path: Path) -> None:
    config = config_of(tmp_path, """\
title: Common Ground
tagline: News
base_url: https://example.org/bulletin
language: es
organisation: {name: Meridian, url: https://example.org/}
contact: {name: Ana, email: ana@example.org}
nav: [about, team]
recent_issues: 3
per_page: 20
unsafe_html: true
pdf: {enabled: false, paper: Letter}
email: {enabled: false, mode: digest, from: news@example.org, unsubscribe_url: https://x.org/u}
""")
    assert config == SiteConfig(
        title="Common Ground", tagline="News", base_url="https://example.org/bulletin/",
        language="es", organisation=Organisation("Meridian", "https://example.org/"),
        contact=Contact(name="Ana", email="ana@example.org"), nav=("about", "team"),
        recent_issues=3, per_page=20, unsafe_html=True, pdf=PdfConfig(False, "Letter"),
        email=EmailConfig(False, "digest", "news@example.org", "https://x.org/u"))


def test_recent_issues_may_be_zero(tmp_path: Path) -> None:
    assert config_of(tmp_path, "title: T\nrecent_issues: 0\n").recent_issues == 0


def test_key_lines_are_kept_for_later_messages(tmp_path: Path) -> None:
    config = config_of(tmp_path, "# comment\ntitle: T\n\nnav: [about]\n")
    assert config.key_lines == {"title": 2, "nav": 4}


@pytest.mark.parametrize(("base_url", "path", "absolute", "base_path"), [
    ("https://example.org", "issues/a/", "https://example.org/issues/a/", "/"),
    ("https://example.org/sub/path", "", "https://example.org/sub/path/", "/sub/path/"),
    ("https://example.org/sub/path/", "/feed.xml", "https://example.org/sub/path/feed.xml",
     "/sub/path/"),
    ("https://example.org/b/", "https://cdn.example.org/x.png", "https://cdn.example.org/x.png",
     "/b/"),
])
def test_base_url_gives_absolute_urls_and_the_sub_path(
        tmp_path: Path, base_url: str, path: str, absolute: str, base_path: str) -> None:
    config = config_of(tmp_path, f"title: T\nbase_url: {base_url}\n")
    assert config.absolute(path) == absolute
    assert config.base_path == base_path


def test_base_url_option_replaces_the_file_s(tmp_path: Path) -> None:
    config = config_of(tmp_path, "title: T\nbase_url: https://example.org/\n",
                       base_url="https://example.com/sub/path")
    assert config.base_url == "https://example.com/sub/path/"
    assert config.base_path == "/sub/path/"


def test_a_site_without_base_url_links_from_the_root(tmp_path: Path) -> None:
    config = config_of(tmp_path, "title: T\n")
    assert config.base_path == "/"
    assert config.absolute("feed.xml") == "/feed.xml"


@pytest.mark.parametrize(("text", "expected"), [
    ("tagline: x\n", ["bulletin.yaml:1: missing required field 'title' (add 'title: ...')"]),
    ("title: [a, b]\n", ["bulletin.yaml:1: title: expected text, got a list"]),
    ("title: T\nrecent_issues: many\n",
     ["bulletin.yaml:2: recent_issues: expected a whole number, got 'many'"]),
    ("title: T\nrecent_issues: -2\n",
     ["bulletin.yaml:2: recent_issues: expected 0 or more, got -2"]),
    ("title: T\nper_page: 0\n", ["bulletin.yaml:2: per_page: expected 1 or more, got 0 (the "
                                  "entries on each page of a tag or region, e.g. 'per_page: 50')"]),
    ("title: T\nper_page: all\n",
     ["bulletin.yaml:2: per_page: expected a whole number, got 'all'"]),
    ("title: T\nunsafe_html: sometimes\n",
     ["bulletin.yaml:2: unsafe_html: expected true or false, got 'sometimes'"]),
    ("title: T\norganisation: Meridian\n",
     ["bulletin.yaml:2: organisation: expected a mapping (key: value lines), got 'Meridian'"]),
    ("title: T\ncontact: {name: A, email: nobody}\n",
     ["bulletin.yaml:2: contact.email: 'nobody' is not an email address "
      "(write it as name@example.org)"]),
    ("title: T\npdf: {paper: A5}\n",
     ["bulletin.yaml:2: pdf.paper: unknown value 'A5' (one of: A4, Letter)"]),
    ("title: T\nbase_url: /bulletin/\n",
     ["bulletin.yaml:2: base_url: '/bulletin/' is not an absolute http(s) URL "
      "(write it as https://example.org/bulletin/)"]),
    ("title: T\npublish: {x: {type: ftp}}\n",
     ["bulletin.yaml:2: publish.x.type: unknown value 'ftp' (one of: s3, github-pages)"]),
    # boto3 failed with a traceback when it was first used, by `bulletin publish`
    ('title: T\npublish: {production: {bucket: b, endpoint_url: "127.0.0.1:45123"}}\n',
     ["bulletin.yaml:2: publish.production.endpoint_url: '127.0.0.1:45123' is not an http(s) "
      "URL (write it as http://127.0.0.1:9000)"]),
    # git and GitHub refused them only at the end of a publish
    ('title: T\npublish: {p: {type: github-pages, branch: "gh pages..x"}}\n',
     ["bulletin.yaml:2: publish.p.branch: 'gh pages..x' is not a name git allows for a branch "
      "(write e.g. 'branch: gh-pages' (no spaces, '..', ':', '~', '^', '?', '*', '[' or '\\'))"]),
    ('title: T\npublish: {p: {type: github-pages, cname: "https://news.example.org/"}}\n',
     ["bulletin.yaml:2: publish.p.cname: 'https://news.example.org/' is an address, and GitHub "
      "Pages wants the domain alone (write 'cname: news.example.org')"]),
    ("title: T\nbase_url: https://\n",
     ["bulletin.yaml:2: base_url: 'https://' is not an absolute http(s) URL "
      "(write it as https://example.org/bulletin/)"]),
    # the canonical link was 'https://example.org/news/?x=1/', every page's the home's
    ("title: T\nbase_url: https://example.org/news/?x=1\n",
     ["bulletin.yaml:2: base_url: 'https://example.org/news/?x=1' has a query ('?x=1'): a "
      "page's path cannot follow it (write it as https://example.org/news/)"]),
    ("title: T\nbase_url: 'https://example.org/news#top'\n",
     ["bulletin.yaml:2: base_url: 'https://example.org/news#top' has a fragment ('#top'): a "
      "page's path cannot follow it (write it as https://example.org/news/)"]),
    ("title: T\nbase_url: https://example.org/?\n",  # an empty query is one too
     ["bulletin.yaml:2: base_url: 'https://example.org/?' has a query ('?'): a page's path "
      "cannot follow it (write it as https://example.org/)"]),
    ("title: T\nlanguage: english\n",
     ["bulletin.yaml:2: language: 'english' is not a language code (did you mean en?)"]),
    ("title: T\nlanguage: Español\n",
     ["bulletin.yaml:2: language: 'Español' is not a language code (did you mean es?)"]),
    ("title: T\nlanguage: fra\n",  # ISO 639-2: a tag takes the two-letter code
     ["bulletin.yaml:2: language: 'fra' is not a language code (did you mean fr?)"]),
    ("title: T\nlanguage: pt_BR\n",
     ["bulletin.yaml:2: language: 'pt_BR' is not a language code (did you mean pt-BR? (a tag "
      "is written with '-'))"]),
    ("title: T\nlanguage: kz\n",  # Kazakhstan's country code, not Kazakh's
     ["bulletin.yaml:2: language: 'kz' is not a language code (did you mean kk?)"]),
    ("title: T\nlanguage: xx\n",
     ["bulletin.yaml:2: language: 'xx' is not a language code (write a BCP 47 code such as "
      "'en', 'es', 'fr' or 'pt-BR')"]),
    ("- just a list\n",  # one mistake: its fields are not also said missing
     ["bulletin.yaml:1: expected a mapping of fields, got a list (write one 'key: value' "
      "per line)"]),
    ("title: T\n  nav: x\n",
     ["bulletin.yaml:2: this line is indented further than line 1, so it is read as more of "
      "that line's value, where ': ' cannot start a field (start it at the line's beginning, "
      "as line 1; if it is more of that value, put the whole value in quotes)"]),
    ("title: T\ntitle: U\n", ["bulletin.yaml:2: title: given twice, first on line 1 (keep one "
                               "of them)"]),
    # the starter's settings with the tagline's quote left open: a comment's quote closes it
    ('title: T\ntagline: "News of the network\nbase_url: https://example.org/\n'
     '# colours: {accent: "#2f5d3a"}\n',
     ['bulletin.yaml:2: the " that opens this value is closed only on line 4, by the " of '
      '\'"#2f5d3a"}\' (end the value with " where it ends; inside it, write a quote as \\")']),
])
def test_config_problems(tmp_path: Path, text: str, expected: list[str]) -> None:
    assert problems_of(tmp_path, text) == expected


@pytest.mark.parametrize("code", ["en", "es", "pt-BR", "zh-Hant", "sr-Latn", "zh-Hant-TW",
                                  "ca-valencia", "haw", "EN"])
def test_a_bcp_47_language_tag_is_a_language(tmp_path: Path, code: str) -> None:
    assert config_of(tmp_path, f"title: T\nlanguage: {code}\n").language == code


def test_every_config_problem_is_reported_at_once(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "recent_issues: x\nunsafe_html: 1\n") == [
        "bulletin.yaml:1: missing required field 'title' (add 'title: ...')",
        "bulletin.yaml:1: recent_issues: expected a whole number, got 'x'",
        "bulletin.yaml:2: unsafe_html: expected true or false, got '1'",
    ]


def test_bad_base_url_option_is_a_problem(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "title: T\n", base_url="example.org") == [
        "--base-url: 'example.org' is not an absolute http(s) URL "
        "(write it as https://example.org/bulletin/)"]


def test_missing_or_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        load_config(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'bulletin.yaml'}: no bulletin.yaml here "
        "(run 'bulletin init DIR' to start a site, or pass its folder)"]
    assert problems_of(tmp_path, b"title: Caf\xe9\n") == [
        "bulletin.yaml:1: not valid UTF-8 text (save the file with UTF-8 encoding)"]


def test_unknown_keys_are_warnings_with_a_suggestion(tmp_path: Path) -> None:
    (tmp_path / "bulletin.yaml").write_text("title: T\ntagilne: x\n", encoding="utf-8")
    config, problems = load_config(tmp_path)
    assert config.title == "T"
    assert [str(w) for w in problems.warnings] == [
        "bulletin.yaml:2: unknown field 'tagilne' (did you mean tagline?)"]


def test_an_unknown_key_is_not_told_to_be_one_the_file_gives_already(tmp_path: Path) -> None:
    """'languagse' is nearest 'language', which the file gives: following that hint made the
    error 'language: given twice'. The field meant is one the file does not give."""
    (tmp_path / "bulletin.yaml").write_text("title: T\nlanguage: en\nlanguagse:\n  fr: {}\n",
                                            encoding="utf-8")
    _, problems = load_config(tmp_path)
    assert [str(w) for w in problems.warnings] == [
        "bulletin.yaml:3: unknown field 'languagse' (did you mean languages?)"]


def test_a_language_named_instead_of_coded_is_one_error_without_its_fields(
        tmp_path: Path) -> None:
    (tmp_path / "bulletin.yaml").write_text(
        "title: T\nlanguages:\n  arabic: {title: X, tagline: Y}\n", encoding="utf-8")
    _, problems = load_config(tmp_path, problems=Problems())
    assert [str(p) for p in problems.errors + problems.warnings] == [
        "bulletin.yaml:3: languages: 'arabic' is not a language code (did you mean ar?)"]


def test_problems_can_be_collected_instead_of_raised(tmp_path: Path) -> None:
    (tmp_path / "bulletin.yaml").write_text("tagline: x\n", encoding="utf-8")
    problems = Problems()
    config, returned = load_config(tmp_path, problems=problems)
    assert returned is problems
    assert config.title == ""
    assert [str(p) for p in problems.errors] == [
        "bulletin.yaml:1: missing required field 'title' (add 'title: ...')"]


def test_colours_are_hex_and_dark_enough_for_white_text(tmp_path: Path) -> None:
    (tmp_path / "bulletin.yaml").write_text(
        'title: T\ncolours: {accent: "#2F5D3A", highlight: "#a40"}\n', encoding="utf-8")
    config, problems = load_config(tmp_path, problems=Problems())
    assert config.colours == Colours("#2f5d3a", "#aa4400") and config.colours.changed
    assert not problems.errors and not problems.warnings
    assert not SiteConfig(title="T").colours.changed
    (tmp_path / "bulletin.yaml").write_text(
        'title: T\ncolours:\n  accent: "#f0c040"\n  highlight: green\n  link: "#000"\n',
        encoding="utf-8")
    _, problems = load_config(tmp_path, problems=Problems())
    assert [str(p) for p in problems.errors] == [
        "bulletin.yaml:4: colours.highlight: 'green' is not a colour written as #rrggbb "
        '(write it in hex, in quotes: highlight: "#2f5d3a")']
    assert [str(p) for p in problems.warnings] == [
        "bulletin.yaml:3: colours.accent: #f0c040 against white has a contrast of 1.7:1, "
        "under the 4.5:1 readers need (choose a darker colour)",
        "bulletin.yaml:5: unknown field 'colours.link' (colours: takes accent and highlight; "
        "the theme's other colours, such as --paper and --ink, are CSS custom properties: set "
        "them for the web pages in a <style> in the head block of templates/base.html, as "
        "docs/templates.md shows)"]
    (tmp_path / "bulletin.yaml").write_text("title: T\ncolours:\n  accent: #2f5d3a\n",
                                            encoding="utf-8")
    _, problems = load_config(tmp_path, problems=Problems())
    assert [str(p) for p in problems.errors] == [
        "bulletin.yaml:3: colours.accent: no colour given (put it in quotes, as YAML reads a # "
        'as a comment: accent: "#2f5d3a")']
    # On one line, the comment hides the closing brace too: YAML's own error would be "not
    # closed", which sends the editor looking for the wrong mistake.
    (tmp_path / "bulletin.yaml").write_text("title: T\ncolours: {accent: #2f5d3a}\n",
                                            encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        load_config(tmp_path, problems=Problems())
    assert [str(p) for p in raised.value.problems] == [
        "bulletin.yaml:2: the mapping that '{' opens here is cut short by '#2f5d3a': after a "
        "space, YAML reads a # as the start of a comment, to the end of the line (put it in "
        'quotes: "#2f5d3a")']


@pytest.mark.parametrize(("text", "said"), [
    ("title: T\nlanguages:\nfr: {}\n",
     ["bulletin.yaml:3: unknown field 'fr': a language of the site is listed under "
      "'languages:' (indent it there: 'languages:' on a line, then '  fr: {}')"]),
    ("title: T\nlanguages:\n",
     ["bulletin.yaml:2: languages: lists no language (list each other language indented below "
      "it, as '  fr: {}', or leave 'languages:' out)"]),
    ("title: T\nlanguages:\n  fr: {}\n", []),
    ("title: T\nnv: [about]\n",  # shaped as a code, but no language's value
     ["bulletin.yaml:2: unknown field 'nv' (did you mean nav?)"]),
])
def test_a_language_not_under_languages_is_said_to_belong_there(
        tmp_path: Path, text: str, said: list[str]) -> None:
    """An unindented `fr: {}` was only an unknown field, and an empty `languages:` nothing."""
    (tmp_path / "bulletin.yaml").write_text(text, encoding="utf-8")
    _, problems = load_config(tmp_path)
    assert [str(w) for w in problems.warnings] == said


def test_a_second_merge_in_one_mapping_is_said_at_its_line_with_the_way_to_merge_both(
        tmp_path: Path) -> None:
    """PyYAML's words were 'could not determine a constructor for the tag
    tag:yaml.org,2002:merge', at the first '<<'."""
    text = ("title: T\nbase: &base {recent_issues: 4}\nmore: &more {per_page: 20}\n"
            "pdf:\n  <<: *base\n  <<: *more\n")
    assert problems_of(tmp_path, text) == [
        "bulletin.yaml:6: a second '<<' in one mapping: YAML merges once in a mapping (merge "
        "them all in one, as a list: <<: [*first, *second])"]


def test_a_base_url_option_with_a_query_stops_the_build(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    site = make_site()
    result = runner.invoke(main, ["build", str(site), "--base-url",
                                  "https://example.org/news/?x=1"])
    assert result.exit_code == 1
    assert "--base-url: error: 'https://example.org/news/?x=1' has a query ('?x=1'): a page's " \
        "path cannot follow it (write it as https://example.org/news/)" in result.output
    assert not (site / "output").exists()


def test_the_title_is_set_as_the_tagline_is(tmp_path: Path) -> None:
    """"Partners' Dispatch" kept its straight apostrophe in the masthead, the running header
    and the PDF's title, while the tagline had a curly one."""
    config = config_of(tmp_path, "title: Partners' Dispatch\ntagline: Our partners' news\n"
                                 "languages: {fr: {title: \"L'Écho : partenaires\"}, es: {}}\n")
    assert (config.title, config.tagline) == ("Partners\u2019 Dispatch", "Our partners\u2019 news")
    assert [(language.code, language.title) for language in config.languages] == [
        ("fr", "L\u2019Écho\u00a0: partenaires"), ("es", "Partners\u2019 Dispatch")]
