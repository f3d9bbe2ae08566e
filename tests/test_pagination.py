"""Tag and region pages split into pages of `per_page` entries: built for real, read as HTML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SITEMAP, by_class, html_pages, page_path, parse_html, resolve_ref, text_of
from test_site_build import broken_links

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.i18n import SHIPPED_LANGUAGES, translations_for
from bulletin_gen.pipeline import load_site
from bulletin_gen.render import plan_pages, site_urls


def item(title: str, region: str = "Peru") -> str:
    return f"---\ntitle: {title}\ntags: [water]\nregions: [{region}]\n---\n{title} text.\n"


# Seven entries tagged 'water', newest issue first: with per_page 3 they fill pages of 3, 3
# and 1, and each page holds the entries of one issue.
PAGED_SITE = {
    "bulletin.yaml": "title: Paged Bulletin\nbase_url: https://example.org/news/\n"
                     "per_page: 3\npdf: {enabled: false}\nemail: {enabled: false}\n",
    "content/issues/i1/issue.yaml": "title: Issue one\ndate: 2026-01-10\n",
    "content/issues/i1/01-oldest.md": item("Oldest well", "Bolivia"),
    "content/issues/i2/issue.yaml": "title: Issue two\ndate: 2026-02-10\n",
    "content/issues/i2/01-canal.md": item("Canal"),
    "content/issues/i2/02-dam.md": item("Dam"),
    "content/issues/i2/03-pump.md": item("Pump", "Bolivia"),
    "content/issues/i3/issue.yaml": "title: Issue three\ndate: 2026-03-10\n",
    "content/issues/i3/01-river.md": item("River", "Hungary"),
    "content/issues/i3/02-rain.md": item("Rain"),
    "content/issues/i3/03-briefs.yaml": "title: Briefs\nkind: briefs\nitems:\n"
                                        "  - headline: Tap brief\n    tags: [water]\n"
                                        "    body: A tap.\n",
}
NEWEST_FIRST = ["River", "Rain", "Tap brief", "Canal", "Dam", "Pump", "Oldest well"]
WATER_PAGES = ["tags/water/", "tags/water/page/2/", "tags/water/page/3/"]


@pytest.fixture
def paged(make_site: Callable[..., Path]) -> Path:
    return make_site(PAGED_SITE, base={})


def entry_titles(root: ET.Element) -> list[str]:
    return [text_of(a) for a in root.findall(".//ul[@class='entries']/li/a")]


def head_link(root: ET.Element, rel: str) -> str | None:
    link = root.find(f"./head/link[@rel='{rel}']")
    return link.get("href") if link is not None else None


def reaches(output: Path, url: str, href: str | None) -> str | None:
    """The site path of the page that `href`, on the page at `url`, leads to."""
    target = resolve_ref(output, f"{url}index.html", href) if href else None
    return target.relative_to(output).as_posix().removesuffix("index.html") if target else None


def test_entries_fill_pages_in_order_without_gaps_or_repeats(paged: Path) -> None:
    output = build(paged).output
    assert sorted(p.relative_to(output / "tags/water").as_posix()
                  for p in (output / "tags/water").rglob("index.html")) == [
        "index.html", "page/2/index.html", "page/3/index.html"]
    pages = [entry_titles(parse_html(output / url / "index.html")) for url in WATER_PAGES]
    assert pages == [NEWEST_FIRST[0:3], NEWEST_FIRST[3:6], NEWEST_FIRST[6:]]
    model = load_site(paged)[0].tags[0]
    assert [e.brief.headline if e.brief else e.item.title for e in model.entries] == NEWEST_FIRST


def test_each_page_says_where_it_is_and_links_to_its_neighbours(paged: Path) -> None:
    output = build(paged).output
    first, middle, last = (parse_html(output / url / "index.html") for url in WATER_PAGES)
    assert text_of(by_class(middle, "pagination-status")[0]) == \
        "Page 2 of 3 (entries 4\u20136 of 7)"
    assert text_of(by_class(last, "pagination-status")[0]) == "Page 3 of 3 (entry 7 of 7)"
    assert text_of(first.find(".//title")) == "water (page 1 of 3) | Paged Bulletin"
    assert text_of(last.find(".//title")) == "water (page 3 of 3) | Paged Bulletin"

    for number, (page, url) in enumerate(zip((first, middle, last), WATER_PAGES, strict=True)):
        previous = WATER_PAGES[number - 1] if number else None
        following = WATER_PAGES[number + 1] if number < 2 else None
        assert reaches(output, url, head_link(page, "prev")) == previous
        assert reaches(output, url, head_link(page, "next")) == following
        assert head_link(page, "canonical") == f"https://example.org/news/{url}"
        links = {a.get("class"): reaches(output, url, a.get("href"))
                 for a in by_class(page, "pagination", "nav")[0].iter("a")}
        assert links.get("pagination-previous") == previous
        assert links.get("pagination-next") == following
    assert text_of(by_class(last, "pagination", "nav")[0].find(".//ul")) == "« Newest \u2039 Newer"
    assert text_of(by_class(first, "pagination", "nav")[0].find(".//ul")) == "Older \u203a Oldest »"


# The arrows around the links' words, and the space that sets them apart.
ARROWS = "\u00ab\u2039\u203a\u00bb "
PAGINATION_LINKS = ["pagination-first", "pagination-last", "pagination-next",
                    "pagination-previous"]


def pagination_names(output: Path, url: str) -> dict[str, set[str]]:
    """The names of the pagination's links on every page of the term at `url`, by the link's
    class: the label a screen reader says, else the words the link shows, less its arrows."""
    names: dict[str, set[str]] = {}
    for page in sorted((output / url).rglob("index.html")):
        for link in by_class(parse_html(page), "pagination", "nav")[0].iter("a"):
            name = link.get("aria-label") or text_of(link).strip(ARROWS)
            names.setdefault(link.get("class") or "", set()).add(name)
    return names


def test_the_four_pagination_links_have_four_names(make_site: Callable[..., Path]) -> None:
    """Two links of one name led to different pages: in French '\u00ab Plus récents' to the
    first page, '\u2039 Plus récents' to the one before. Seven pages: one of them has all four.
    The names in every shipped language, from its catalogue; as the pages show them, in
    French."""
    for language in SHIPPED_LANGUAGES:
        words = {translations_for(language).gettext(word)
                 for word in ("Newest", "Newer", "Older", "Oldest")}
        assert len(words) == 4, (language, words)
    config = PAGED_SITE["bulletin.yaml"].replace("per_page: 3", "per_page: 1")
    site = make_site({"bulletin.yaml": config + "language: fr\n"}, base=PAGED_SITE)
    output = build(site, BuildOptions(jobs=1)).output
    names = pagination_names(output, "tags/water/")
    assert sorted(names) == PAGINATION_LINKS
    # The arrows of the links without a label are not read out ("single left-pointing angle
    # quotation mark, Plus récents").
    nav = by_class(parse_html(output / "tags/water/page/3/index.html"), "pagination", "nav")[0]
    for link in nav.iter("a"):
        if not link.get("aria-label"):
            assert [span.get("aria-hidden") for span in link.iter("span")] == ["true"], link
    assert all(len(each) == 1 for each in names.values()), names
    assert len(set().union(*names.values())) == 4, names


def test_one_page_terms_have_no_pagination(paged: Path) -> None:
    root = parse_html(build(paged).output / "regions/peru/index.html")
    assert entry_titles(root) == ["Rain", "Canal", "Dam"]
    assert not by_class(root, "pagination") and head_link(root, "next") is None
    assert not (paged / "output/regions/peru/page").exists()
    assert text_of(root.find(".//title")) == "Peru | Paged Bulletin"


def test_terms_index_counts_every_entry_not_one_page(paged: Path) -> None:
    root = parse_html(build(paged).output / "tags/index.html")
    assert text_of(root.find(".//ul[@class='term-list']/li")) == "water (7)"


def test_sitemap_lists_every_page_of_a_term(paged: Path) -> None:
    sitemap = ET.parse(build(paged).output / "sitemap.xml").getroot()
    locs = [url.findtext(f"{SITEMAP}loc") for url in sitemap.findall(f"{SITEMAP}url")]
    assert [loc for loc in locs if "/water/" in (loc or "")] == [
        f"https://example.org/news/{url}" for url in WATER_PAGES]


def test_site_urls_stay_in_step_with_the_plan_of_a_paginated_site(paged: Path) -> None:
    site = load_site(paged)[0]
    planned = [p.url for p in plan_pages(site) if p.path.endswith("index.html")]
    assert sorted(site_urls(site)) == sorted(planned)


def test_a_page_context_holds_only_its_own_entries(paged: Path) -> None:
    plans = {p.url: p.context for p in plan_pages(load_site(paged)[0])}
    last = plans["tags/water/page/3/"]
    assert sorted(last) == ["entries", "kind", "pager", "term"]
    assert [e.item.title for e in last["entries"]] == ["Oldest well"]
    assert (last["pager"].number, last["pager"].count, last["pager"].total) == (3, 3, 7)


def rendered_paths(site: Path) -> set[str]:
    """Build `site` incrementally and return the paths of the pages it rendered again."""
    return set(build(site, BuildOptions(jobs=1)).rewritten)


@pytest.mark.parametrize(("edited", "page"), [
    ("content/issues/i1/01-oldest.md", "tags/water/page/3/index.html"),
    ("content/issues/i2/02-dam.md", "tags/water/page/2/index.html"),
])
def test_an_edit_renders_only_the_term_page_that_shows_the_item(
        paged: Path, make_site: Callable[..., Path], edited: str, page: str) -> None:
    build(paged, BuildOptions(jobs=1))
    path = paged / edited
    path.write_text(path.read_text("utf-8").replace("title: ", "title: Edited "), "utf-8")
    rendered = rendered_paths(paged)
    # the term's feed lists its newest entries, the edited one among them
    assert {p for p in rendered if p.startswith("tags/water/")} == {page, "tags/water/feed.xml"}
    assert "Edited " in (paged / "output" / page).read_text("utf-8")
    clean = build(make_site({edited: path.read_text("utf-8")}, base=PAGED_SITE, name="clean"),
                  BuildOptions(jobs=1)).output
    assert {page_path(clean, p): p.read_bytes() for p in html_pages(clean)} == \
        {page_path(paged / "output", p): p.read_bytes() for p in html_pages(paged / "output")}


def test_a_paginated_full_site_is_valid_with_working_links(
        fixture_site: Callable[[str], Path]) -> None:
    site = fixture_site("full")
    with (site / "bulletin.yaml").open("a", encoding="utf-8") as config:
        config.write("per_page: 1\n")
    output = build(site).output
    assert (output / "tags/water/page/2/index.html").is_file()
    for path in html_pages(output):
        assert len(parse_html(path).findall(".//h1")) == 1, path
    assert broken_links(output, "/full/") == []


@pytest.mark.parametrize(("value", "message"), [
    ("0", "per_page: expected 1 or more, got 0"),
    ("-5", "per_page: expected 1 or more, got -5"),
    ("ten", "per_page: expected a whole number, got 'ten'"),
    ("2.5", "per_page: expected a whole number, got '2.5'"),
])
def test_a_bad_per_page_names_the_file_and_line(refused: Callable[..., object], value: str,
                                                 message: str) -> None:
    bad = "title: Test Bulletin\nbase_url: https://example.org/news/\n" \
          f"per_page: {value}\nnav: [about]\n"
    refused({"bulletin.yaml": bad}, "bulletin.yaml", 3, message)


def edit_canal_text(site: Path) -> None:
    path = site / "content/issues/i2/01-canal.md"
    path.write_text(path.read_text("utf-8").replace("Canal text.", "Canal text, longer."),
                    "utf-8")


def test_a_term_page_does_not_change_with_other_items_of_an_issue_it_lists(paged: Path) -> None:
    build(paged, BuildOptions(jobs=1))
    edit_canal_text(paged)
    rendered = rendered_paths(paged)
    assert "issues/i2/canal/index.html" in rendered
    # Bolivia lists Pump, of the same issue as Canal, and not Canal: it stays as it was.
    assert "regions/bolivia/index.html" not in rendered


def test_a_term_template_that_reads_an_issues_items_sees_them_change(paged: Path) -> None:
    (paged / "templates").mkdir()
    (paged / "templates/term.html").write_text(
        "{% extends 'theme/term.html' %}{% block main %}{% for entry in entries %}"
        "{{ entry.issue.items | length }}{% endfor %}{{ super() }}{% endblock %}", "utf-8")
    build(paged, BuildOptions(jobs=1))
    edit_canal_text(paged)
    assert "regions/bolivia/index.html" in rendered_paths(paged)
