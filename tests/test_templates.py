"""templates.py: the search path (site overrides, theme, theme/ prefix), filters and links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINIMAL_SITE, parse_html, text_of
from jinja2 import UndefinedError
from markupsafe import Markup

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.errors import ContentError
from bulletin_gen.i18n import DEFAULT_SESSION, format_date, format_names
from bulletin_gen.model import Item, RoundTable
from bulletin_gen.templates import (
    demote_headings,
    link,
    make_environment,
    relative_root,
    session_attributes,
)


@pytest.mark.parametrize(("page_url", "root"), [
    ("", "./"),
    ("404.html", "./"),
    ("archive/", "../"),
    ("issues/a/", "../../"),
    ("issues/a/b/", "../../../"),
    ("issues/a/email.html", "../../"),
])
def test_relative_root(page_url: str, root: str) -> None:
    assert relative_root(page_url) == root


@pytest.mark.parametrize(("target", "page_url", "link_base", "expected"), [
    ("archive/", "", "", "archive/"),
    ("", "", "", "./"),
    ("", "issues/a/", "", "../../"),
    ("tags/x/", "issues/a/b/", "", "../../../tags/x/"),
    ("archive/", "404.html", "/sub/path/", "/sub/path/archive/"),
    ("archive/", "issues/a/", "https://example.org/news/", "https://example.org/news/archive/"),
    ("https://example.org/", "issues/a/", "", "https://example.org/"),
    ("mailto:a@example.org", "issues/a/", "", "mailto:a@example.org"),
    ("#top", "issues/a/", "", "#top"),
])
def test_link(target: str, page_url: str, link_base: str, expected: str) -> None:
    assert link(target, page_url, link_base) == expected


def test_filters() -> None:
    assert format_date(dt.date(2026, 3, 5)) == "5 March 2026"
    assert format_date(dt.date(2026, 3, 5), "en", "short") == "5 Mar 2026"
    assert format_names([]) == ""
    assert format_names(["A"]) == "A"
    assert format_names(["A", "B"]) == "A and B"
    assert format_names(["A", "B", "C"]) == "A, B and C"
    assert demote_headings(Markup("<h2 id='x'>T</h2><h6>S</h6>")) == \
        "<h3 id='x'>T</h3><h6>S</h6>"
    assert demote_headings("<h2>plain text is escaped</h2>") == \
        "&lt;h2&gt;plain text is escaped&lt;/h2&gt;"
    assert demote_headings(Markup("<h2>T</h2>"), 0) == "<h2>T</h2>"


@pytest.mark.parametrize(("session", "expected"), [
    ("Plenary", ' lang="en" dir="ltr"'),
    (DEFAULT_SESSION, ""),  # the `session` filter says it in the page's language
])
def test_a_session_a_translation_takes_from_its_original_is_marked_but_the_default_name(
        session: str, expected: str) -> None:
    table = RoundTable(session, (), (), (), (), "", (), ())
    item = Item("winter", "table", "L'eau", "roundtable", dt.date(2026, 1, 15), "fr/x/", "x.md",
                roundtable=table, inherited=(("session", "en"),))
    assert session_attributes(item) == expected


def test_names_tags_and_addresses_are_isolated_in_html_only() -> None:
    """In <bdi>, so that a name or tag reads in its own direction whatever the text around it
    ("Lucía Mamani Quispe و Nurlan Abenov" broke across the Arabic "and")."""
    env = make_environment(None, "ar")
    shown = "{{ ['Lucía <Mamani>', 'Nurlan'] | names }} · {{ '#rivers' | isolate }}"
    assert env.from_string(shown).render() == (
        "<bdi>Lucía &lt;Mamani&gt;</bdi> و\u00a0<bdi>Nurlan</bdi> · <bdi>#rivers</bdi>")
    text = env.from_string("{% autoescape false %}" + shown + "{% endautoescape %}")
    assert text.render() == "Lucía <Mamani> و\u00a0Nurlan · #rivers"  # the text email
    assert env.from_string("{{ [] | names }}|{{ ['A'] | names }}").render() == "|<bdi>A</bdi>"


def test_a_list_of_counts_is_joined_as_the_language_joins_a_list() -> None:
    """'استنتاجان و توصيتان' had a space after the Arabic 'and', which joins the word after it."""
    shown = "{{ ['2 <b>', '1 ج'] | and_list }}|{{ ['1 ج'] | and_list }}"
    assert make_environment(None, "ar").from_string(shown).render(language="ar") == \
        "2 &lt;b&gt; و1 ج|1 ج"
    assert make_environment(None, "fr").from_string(shown).render(language="fr") == \
        "2 &lt;b&gt; et 1 ج|1 ج"


def test_url_and_local_filters_follow_the_page(tmp_path: Path) -> None:
    env = make_environment(None)
    template = env.from_string("{{ 'tags/x/' | url }} {{ html | local }}")
    html = '<a href="@root/issues/a/">a</a>'
    assert template.render(page_url="issues/a/b/", link_base="", html=html) == \
        '../../../tags/x/ <a href="../../../issues/a/">a</a>'
    assert template.render(page_url="", link_base="", html=html) == \
        'tags/x/ <a href="issues/a/">a</a>'
    assert template.render(page_url="404.html", link_base="/sub/", html=html) == \
        '/sub/tags/x/ <a href="/sub/issues/a/">a</a>'


def test_undefined_names_are_errors() -> None:
    with pytest.raises(UndefinedError):
        make_environment(None).from_string("{{ missing }}").render()


def test_site_template_overrides_the_theme_by_name(make_site: Callable[..., Path]) -> None:
    site = make_site({"templates/page.html": """\
        <!DOCTYPE html><html lang="en"><head><title>{{ page.title }}</title></head>
        <body><h1>Custom: {{ page.title }}</h1></body></html>
        """})
    output = build(site, BuildOptions()).output
    assert text_of(parse_html(output / "pages/about/index.html").find(".//h1")) == "Custom: About"
    issue = parse_html(output / "issues/2026-01-winter/index.html")  # other pages unchanged
    assert text_of(issue.find(".//h1")) == "January 2026"


def test_an_override_can_extend_the_theme_template_it_replaces(
        make_site: Callable[..., Path]) -> None:
    site = make_site({"templates/base.html": """\
        {% extends "theme/base.html" %}
        {% block head %}<meta name="x-test" content="extended">{% endblock %}
        """})
    output = build(site, BuildOptions()).output
    for page in ("index.html", "pages/about/index.html", "issues/2026-01-winter/index.html"):
        root = parse_html(output / page)
        meta = root.find(".//meta[@name='x-test']")
        assert meta is not None and meta.get("content") == "extended", page
        assert root.find(".//main") is not None  # the rest of the theme's base is kept


def test_a_block_no_extended_template_has_is_warned_of(make_site: Callable[..., Path],
                                                       tmp_path: Path) -> None:
    """Jinja leaves out such a block without a word: the override changed nothing, and the
    editor was not told why."""
    site = make_site({"templates/item.html": """\
        {% extends "theme/item.html" %}
        {% block content %}Never shown{% endblock %}
        {% block main %}{{ super() }}{% block inner %}Shown{% endblock %}{% endblock %}
        """, "templates/page.html": '{% extends "base.html" %}\n{% block mian %}{% endblock %}\n',
        # a block of its own that it shows itself: no warning
        "templates/term.html": '{% extends "theme/term.html" %}\n{% block head %}<meta '
                               'name="x" content="{{ self.note() }}">{% endblock %}\n'
                               '{% block note %}Side note{% endblock %}\n'})
    report = build(site, BuildOptions(output=tmp_path / "out"))
    said = [str(warning) for warning in report.warnings if "block" in warning.message]
    assert said == [
        "templates/item.html:2: block 'content' is in no template this one extends "
        "(theme/item.html): it is never shown (write it as one of their blocks: description, "
        "head, main, og_type, title)",
        "templates/page.html:2: block 'mian' is in no template this one extends (base.html): "
        "it is never shown (write it as one of their blocks: description, head, main, "
        "og_type, title)"]
    page = (tmp_path / "out/issues/2026-01-winter/lead/index.html").read_text(encoding="utf-8")
    assert "Shown" in page and "Never shown" not in page


def test_overriding_one_partial_changes_every_page_that_uses_it(
        make_site: Callable[..., Path]) -> None:
    site = make_site({"templates/partials/contact.html": """\
        <aside class="contact" aria-label="Contact"><p>Write to {{ contact.name }}</p></aside>
        """})
    output = build(site, BuildOptions()).output
    issue = parse_html(output / "issues/2026-01-winter/index.html")
    assert [text_of(a) for a in issue.iter("aside")] == [
        "Write to Hélène Bélanger", "Write to Ana Editor"]


def test_theme_templates_are_reachable_with_the_theme_prefix() -> None:
    env = make_environment(None)
    assert env.get_template("theme/page.html").filename == env.get_template("page.html").filename


EXTRA_SITE = {
    "bulletin.yaml": MINIMAL_SITE["bulletin.yaml"] + "        extra: {instagram: fieldnotes, "
                                                     "partners: [Pécs office, Almaty office]}\n",
    "content/issues/2026-01-winter/issue.yaml": str(MINIMAL_SITE[
        "content/issues/2026-01-winter/issue.yaml"]) + "extra: {theme: winter}\n",
    "content/issues/2026-01-winter/01-lead.md": "---\ntitle: Lead story\nextra:\n  banner: sunrise"
                                                "\n  order: 2\n---\nThe lead.\n",
    "templates/partials/site_footer.html": '{% include "theme/partials/site_footer.html" %}\n'
        '<p class="social">{{ config.extra.instagram }}: {{ config.extra.partners | join(", ") '
        '}}</p>\n',
    "templates/partials/item.html": '<p class="banner">{{ item.extra.banner | default("none") '
        '}} {{ issue.extra.theme }}</p>\n{% include "theme/partials/item.html" %}\n',
}


def test_extra_gives_the_templates_values_of_the_sites_own(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    """A designer's social profile or an item's banner had no field: 'unknown field', and
    lost. `extra:` of bulletin.yaml, an issue and an item reach the templates, and a change
    to them reaches the pages of a rebuild."""
    site = make_site(EXTRA_SITE)
    report = build(site, BuildOptions(pdf=False, jobs=1))
    assert not report.warnings
    page = parse_html(report.output / "issues/2026-01-winter/index.html")
    shown = {element.get("class"): text_of(element) for element in page.iter("p")
             if element.get("class") in ("social", "banner")}
    assert shown == {"social": "fieldnotes: Pécs office, Almaty office",
                     "banner": "none winter"}  # the briefs' item has no banner
    banners = [text_of(element) for element in page.iter("p")
               if element.get("class") == "banner"]
    assert banners == ["sunrise winter", "none winter"]
    settings = site / "bulletin.yaml"
    settings.write_text(settings.read_text("utf-8").replace("fieldnotes", "notes.field"), "utf-8")
    output = build(site, BuildOptions(pdf=False, jobs=1)).output
    clean = build(site, BuildOptions(pdf=False, jobs=1, clean=True,
                                     output=tmp_path / "clean")).output
    for path in ("index.html", "issues/2026-01-winter/lead/index.html"):
        assert "notes.field:" in (output / path).read_text("utf-8")
        assert (output / path).read_bytes() == (clean / path).read_bytes()


def test_extra_that_is_not_a_mapping_is_an_error_at_its_line(
        make_site: Callable[..., Path]) -> None:
    site = make_site({"content/issues/2026-01-winter/01-lead.md":
                      "---\ntitle: Lead story\nextra: [banner]\n---\nThe lead.\n"})
    with pytest.raises(ContentError) as caught:
        build(site, BuildOptions(pdf=False, jobs=1))
    assert [str(problem) for problem in caught.value.problems] == [
        "content/issues/2026-01-winter/01-lead.md:3: extra: expected a mapping (key: value "
        "lines) of values for your templates, got a list (write one 'name: value' per line "
        "under it, indented)"]
