"""The Atom feeds: the issues' (feed.xml), every item's (items.xml), and one per tag and region,
checked with an XML parser against the rules of RFC 4287 that a validator applies."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import html5lib
from click.testing import CliRunner
from conftest import ATOM, SETTINGS, one, parse_html

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.cli import main

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")

BRIEF_SITE = {
    "content/issues/2026-01-winter/02-briefs.yaml": """\
        title: Other news
        kind: briefs
        items:
          - headline: Pécs opens its budget
            regions: [Hungary]
            tags: [budgets]
            body: The council of **Pécs** & its districts publish the budget.
          - regions: [Tajikistan, Uzbekistan]
            body: A [shared programme](../2026-01-winter/01-lead.md) closes.
        """,
}


def feed_of(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag == f"{ATOM}feed"
    return root


def assert_valid_atom(feed: ET.Element) -> None:
    """RFC 4287's requirements: the feed's id, title, updated, an author for every entry, and
    each entry's id, title, updated, alternate link and content; ids absolute and unique."""
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{ATOM}{name}")) == 1, name
    assert RFC3339.match(feed.findtext(f"{ATOM}updated", ""))
    assert feed.find(f"{ATOM}link[@rel='self']") is not None
    has_author = feed.find(f"{ATOM}author/{ATOM}name") is not None
    ids = []
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        assert entry.findtext(f"{ATOM}title", "").strip()
        assert RFC3339.match(entry.findtext(f"{ATOM}updated", ""))
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        assert entry.find(f"{ATOM}content[@type='html']") is not None
        assert has_author or entry.find(f"{ATOM}author") is not None
        ids.append(entry.findtext(f"{ATOM}id", ""))
    assert all(re.match(r"^https?://", entry_id) for entry_id in ids), ids
    assert len(ids) == len(set(ids))


def entries(feed: ET.Element) -> dict[str, ET.Element]:
    return {entry.findtext(f"{ATOM}title", ""): entry for entry in feed.findall(f"{ATOM}entry")}


def content_html(entry: ET.Element) -> ET.Element:
    """The entry's content, unescaped and parsed as the HTML a feed reader shows."""
    return html5lib.parse(entry.findtext(f"{ATOM}content", ""), namespaceHTMLElements=False)


def test_every_tag_and_region_has_a_valid_feed_of_its_entries_in_full(
        make_site: Callable[..., Path], build_site: Callable[..., Path]) -> None:
    output = build_site(make_site(BRIEF_SITE))
    hungary = feed_of(output / "regions/hungary/feed.xml")
    assert_valid_atom(hungary)
    assert hungary.findtext(f"{ATOM}title") == "Test Bulletin: Hungary"
    assert one(hungary, f"{ATOM}link[@rel='alternate']").get("href") == \
        "https://example.org/news/regions/hungary/"
    brief = entries(hungary)["Pécs opens its budget"]
    assert brief.findtext(f"{ATOM}id") == \
        "https://example.org/news/issues/2026-01-winter/briefs/#briefs-1"
    assert brief.findtext(f"{ATOM}updated") == "2026-01-15T00:00:00Z"  # the issue's date
    assert "".join(content_html(brief).itertext()).strip() == \
        "The council of Pécs & its districts publish the budget."
    assert [c.get("term") for c in brief.findall(f"{ATOM}category")] == ["budgets"]
    # A brief without a headline is named by its item and regions; its link is absolute.
    tajik = feed_of(output / "regions/tajikistan/feed.xml")
    unnamed = entries(tajik)["Other news: Tajikistan, Uzbekistan"]
    link = content_html(unnamed).find(".//a")
    assert link is not None
    assert link.get("href") == "https://example.org/news/issues/2026-01-winter/lead/"
    peru = feed_of(output / "regions/peru/feed.xml")
    assert_valid_atom(peru)
    lead = entries(peru)["Lead story"]
    assert "The lead story text." in "".join(content_html(lead).itertext())


def test_the_feed_of_items_lists_items_and_briefs_newest_issue_first(
        fixture_site: Callable[[str], Path], build_site: Callable[..., Path]) -> None:
    output = build_site(fixture_site("minimal"))
    feed = feed_of(output / "items.xml")
    assert_valid_atom(feed)
    updated = [entry.findtext(f"{ATOM}updated", "") for entry in feed.findall(f"{ATOM}entry")]
    assert updated == sorted(updated, reverse=True)
    assert feed.findtext(f"{ATOM}updated") == updated[0]
    ids = [entry.findtext(f"{ATOM}id", "") for entry in feed.findall(f"{ATOM}entry")]
    assert any("#" in entry_id for entry_id in ids)  # the briefs, one by one
    assert not any(entry_id.endswith("/briefs/") for entry_id in ids)  # not the whole file


def test_a_round_table_entry_carries_its_roles_and_parts(
        fixture_site: Callable[[str], Path], build_site: Callable[..., Path]) -> None:
    output = build_site(fixture_site("minimal"))
    feed = feed_of(output / "items.xml")
    roundtables = [entry for entry in feed.findall(f"{ATOM}entry")
                   if "roundtable" in entry.findtext(f"{ATOM}id", "")]
    assert roundtables
    text = " ".join(content_html(roundtables[0]).itertext())
    assert "Presenter" in text and "Conclusions" in text


def test_term_pages_link_their_feed(make_site: Callable[..., Path],
                                    build_site: Callable[..., Path]) -> None:
    output = build_site(make_site(BRIEF_SITE))
    page = parse_html(output / "regions/hungary/index.html")
    alternates = [link.get("href") for link in page.iter("link")
                  if link.get("rel") == "alternate"
                  and link.get("type") == "application/atom+xml"]
    assert "../../regions/hungary/feed.xml" in alternates
    assert (output / "regions/hungary/feed.xml").is_file()
    home = parse_html(output / "index.html")
    assert "items.xml" in [link.get("href") for link in home.iter("link")]


def test_feeds_are_stable_across_builds_and_take_their_dates_from_content(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site(BRIEF_SITE)
    first = build(site, BuildOptions(output=tmp_path / "one", jobs=1))
    second = build(site, BuildOptions(output=tmp_path / "two", jobs=1, clean=True))
    for name in ("items.xml", "regions/hungary/feed.xml", "tags/budgets/feed.xml"):
        assert (first.output / name).read_bytes() == (second.output / name).read_bytes()
        dates = {element.text for element in feed_of(first.output / name).iter()
                 if element.tag in (f"{ATOM}updated", f"{ATOM}published")}
        assert dates == {"2026-01-15T00:00:00Z"}


def test_an_item_dated_before_its_issue_is_published_with_the_issue(
        make_site: Callable[..., Path], build_site: Callable[..., Path]) -> None:
    # A round table's date is its meeting's, a month before the issue that reports it.
    output = build_site(make_site({"content/issues/2026-01-winter/03-talk.md":
                                   "---\ntitle: The December talk\nkind: roundtable\n"
                                   "date: 2025-12-10\ntags: [water]\n---\nText.\n"}))
    for name in ("items.xml", "tags/water/feed.xml"):
        talk = entries(feed_of(output / name))["The December talk"]
        assert talk.findtext(f"{ATOM}published") == talk.findtext(f"{ATOM}updated") == \
            "2026-01-15T00:00:00Z", name


def test_a_feed_keeps_only_the_newest_entries(make_site: Callable[..., Path],
                                              build_site: Callable[..., Path]) -> None:
    briefs = "\n".join(f"  - regions: [Peru]\n    body: Brief number {n}." for n in range(60))
    output = build_site(make_site({
        "content/issues/2026-01-winter/02-briefs.yaml":
            "title: Other news\nkind: briefs\nitems:\n" + briefs + "\n"}))
    feed = feed_of(output / "regions/peru/feed.xml")
    assert len(feed.findall(f"{ATOM}entry")) == 50
    assert_valid_atom(feed)
    # A weekly of forty items kept hardly more than its last issue: a reader away for two
    # weeks lost items. `feed_entries` sets how many.
    site = make_site({"bulletin.yaml": SETTINGS + "feed_entries: 55\n"}, name="longer")
    (site / "content/issues/2026-01-winter/02-briefs.yaml").write_text(
        "title: Other news\nkind: briefs\nitems:\n" + briefs + "\n", "utf-8")
    output = build_site(site)
    for path in ("regions/peru/feed.xml", "items.xml"):
        assert len(feed_of(output / path).findall(f"{ATOM}entry")) == 55


def test_an_issue_summary_a_translation_leaves_out_is_marked_with_its_language_in_the_feed(
        make_site: Callable[..., Path]) -> None:
    """As the pages and the email mark it: the Spanish feed said the English summary was
    Spanish."""
    site = make_site({
        "bulletin.yaml": SETTINGS + "pdf: {enabled: false}\n        languages: {es: {}}\n",
        "content/issues/2026-01-winter/issue.es.yaml": "title: Enero\n"})
    output = build(site, BuildOptions(jobs=1)).output
    entry = ET.parse(output / "es/feed.xml").getroot().find(f"{ATOM}entry")
    assert entry is not None
    summary = entry.find(f"{ATOM}summary")
    assert summary is not None and summary.text == "The first test issue."
    assert summary.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    english = ET.parse(output / "feed.xml").getroot().find(f"{ATOM}entry/{ATOM}summary")
    assert english is not None and english.get("{http://www.w3.org/XML/1998/namespace}lang") \
        is None


def test_without_base_url_what_needs_it_is_left_out_and_said_once(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    """The feeds said `<id>/</id>` and the sitemap `<loc>/</loc>`, which feed readers and
    search engines reject; the only warning was of the email edition, once per language."""
    settings = SETTINGS.replace("        base_url: https://example.org/news/\n", "")
    site = make_site({
        "bulletin.yaml": settings + "pdf: {enabled: false}\n        languages: {es: {}}\n",
        "content/issues/2026-01-winter/issue.es.yaml": "title: Enero\n"})
    result = runner.invoke(main, ["build", str(site)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "warning:" in line]
    assert warnings == [
        "bulletin.yaml: warning: base_url is not set, and every address read away from the site "
        "must be absolute: left out the feeds, the sitemap, the canonical links, the hreflang "
        "links between languages, the pictures of link previews and the email edition (add "
        "'base_url: https://example.org/bulletin/' to bulletin.yaml or pass --base-url)"]
    output = site / "output"
    assert not list(output.rglob("*.xml"))  # no feed, in either language, and no sitemap
    assert not list(output.rglob("email.*"))
    assert "Sitemap" not in (output / "robots.txt").read_text("utf-8")
    for page in ("index.html", "es/index.html", "regions/hungary/index.html",
                 "es/issues/2026-01-winter/lead/index.html"):
        root = parse_html(output / page)
        links = [(link.get("rel"), link.get("href")) for link in root.iter("link")]
        assert not [link for link in root.iter("link") if link.get("hreflang")
                    or link.get("rel") in ("canonical", "alternate")], (page, links)
        assert not [meta for meta in root.iter("meta")
                    if meta.get("property") in ("og:url", "og:image")], page
        hrefs = [a.get("href", "") for a in root.iter("a")]
        assert not [href for href in hrefs if href.endswith(".xml")], page  # no link to a feed
    # With base_url, all of it is made.
    assert runner.invoke(main, ["build", str(site), "--base-url",
                                "https://example.org/news/"]).exit_code == 0
    for made in ("feed.xml", "items.xml", "es/feed.xml", "sitemap.xml",
                 "regions/hungary/feed.xml", "issues/2026-01-winter/email.html"):
        assert (output / made).is_file(), made
