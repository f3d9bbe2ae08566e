"""Script injection into the email edition: escaped values stay escaped when links are made
absolute, and the settings written into the message cannot carry a script."""

from __future__ import annotations

import email
import json
from collections.abc import Callable
from email import policy
from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner
from test_email import EMAIL_FILES, ISSUE

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.cli import main
from bulletin_gen.editions.email import absolute_links
from bulletin_gen.errors import ContentError

pytest.importorskip("css_inline", reason="the email extra is not installed")

HOSTILE = """\
    ---
    title: Lead story
    ---
    Look: <img src="x.png&quot; onerror=&quot;alert(1)" alt="a"> and
    <a href="#&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;">a link</a> and
    <a href="p.html&quot; onmouseover=&quot;alert(3)">hover</a>.

    Text that shows markup: href="#&gt;&lt;script&gt;alert(4)&lt;/script&gt;" in a sentence.
    """
WINTER = "issues/2026-01-winter/"


def _attributes(html: str) -> list[tuple[str, dict[str, str]]]:
    """Every element and its attributes, as a browser's parser builds them."""
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    return [(element.tag, dict(element.attrib)) for element in tree.iter()
            if isinstance(element.tag, str)]


def _assert_no_script(html: str) -> None:
    for tag, attrs in _attributes(html):
        assert tag != "script", tag
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src"):
            assert not attrs.get(name, "").lower().startswith("javascript:"), attrs


def test_escaped_quotes_in_links_stay_inside_the_attribute(make_site: Callable[..., Path],
                                                           runner: CliRunner) -> None:
    site = make_site({**EMAIL_FILES, ISSUE + "01-lead.md": HOSTILE})
    output = build(site, BuildOptions(pdf=False)).output
    page = (output / WINTER / "email.html").read_text(encoding="utf-8")
    _assert_no_script(page)
    values = {attrs.get("src") or attrs.get("href") for _, attrs in _attributes(page)}
    base = "https://example.org/news/" + WINTER
    assert base + 'x.png"%20onerror=%22alert(1)' in values or \
        base + 'x.png" onerror="alert(1)' in values
    # a fragment of the item's text leads to the item's page (the `local` filter's item_page)
    assert base + "lead/#\"><script>alert(2)</script>" in values
    assert "&lt;script&gt;alert(4)" in page  # text is left as it was written
    eml = site / "w.eml"
    result = runner.invoke(main, ["email", "2026-01-winter", str(site), "--eml", str(eml)])
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    html_part = message.get_body(("html",))
    assert html_part is not None
    _assert_no_script(html_part.get_content())


def test_absolute_links_rewrites_tags_not_text() -> None:
    html = ('<p>say href="a.html" here</p><img src="i.png" alt=\'q"\' />'
            '<a href="*|UNSUB|*">u</a><a href="https://x.org/?a=1&amp;b=2">x</a>'
            '<a class="k"\nhref="b.html?x=1&amp;y=&quot;">b</a>')
    assert absolute_links(html, "https://e.org/i/") == (
        '<p>say href="a.html" here</p><img src="https://e.org/i/i.png" alt="q&quot;" />'
        '<a href="*|UNSUB|*">u</a><a href="https://x.org/?a=1&amp;b=2">x</a>'
        '<a class="k" href="https://e.org/i/b.html?x=1&amp;y=&quot;">b</a>')


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)",
                                 " java\tscript:alert(1)", "&#106;avascript:alert(1)",
                                 "data:text/html,<script>alert(1)</script>",
                                 "vbscript:msgbox(1)"])
def test_script_unsubscribe_links_are_refused_at_load(make_site: Callable[..., Path],
                                                      url: str) -> None:
    yaml = str(EMAIL_FILES["bulletin.yaml"]).replace('"*|UNSUB|*"', json.dumps(url))
    site = make_site({**EMAIL_FILES, "bulletin.yaml": yaml})
    with pytest.raises(ContentError) as error:
        build(site, BuildOptions(pdf=False))
    assert "bulletin.yaml:10: error: email.unsubscribe_url: " in str(error.value)
    assert "links are not allowed" in str(error.value)


@pytest.mark.parametrize("base_url", ['https://example.org/"><script>alert(1)</script>',
                                      'https://example.org/" onmouseover="alert(1)',
                                      "https://example.org/a b/"])
def test_base_url_with_a_quote_is_refused(make_site: Callable[..., Path], runner: CliRunner,
                                          base_url: str) -> None:
    yaml = str(EMAIL_FILES["bulletin.yaml"]).replace("https://example.org/news/", "x")
    site = make_site({**EMAIL_FILES, "bulletin.yaml": yaml.replace(
        "base_url: x", "base_url: '" + base_url.replace("'", "''") + "'")})
    with pytest.raises(ContentError) as error:
        build(site, BuildOptions(pdf=False))
    assert "bulletin.yaml:3: error: base_url: " in str(error.value)
    assert "which a URL cannot hold" in str(error.value)
    result = runner.invoke(main, ["build", str(site), "--base-url", base_url])
    assert result.exit_code == 1 and "--base-url: " in result.output
    assert not (site / "output").exists()


def test_merge_tags_and_mail_links_are_still_allowed(make_site: Callable[..., Path]) -> None:
    for url in ("*|UNSUB|*", "{{ unsubscribe }}", "<%asm_group_unsubscribe_raw_url%>",
                "mailto:leave@example.org", "https://x.org/u?a=1&b=2"):
        yaml = str(EMAIL_FILES["bulletin.yaml"]).replace('"*|UNSUB|*"', json.dumps(url))
        site = make_site({**EMAIL_FILES, "bulletin.yaml": yaml}, name=f"s{len(url)}")
        output = build(site, BuildOptions(pdf=False)).output
        assert Path(output / WINTER / "email.html").is_file()
