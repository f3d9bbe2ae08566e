"""Build the `full` fixture site for real and assert on its parsed HTML and XML."""

from __future__ import annotations

import gc
import io
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import PIL.Image
import pytest
from conftest import (
    ATOM,
    SITEMAP,
    SITES,
    TINY_PNG,
    Built,
    age,
    by_class,
    copy_fixture,
    html_pages,
    internal_refs,
    one,
    page_path,
    parse_html,
    resolve_ref,
    text_of,
)

from bulletin_gen import render
from bulletin_gen.build import BuildOptions, build
from bulletin_gen.errors import BulletinError

PUBLISHED = ["issues/2026-04-spring/", "issues/2026-02-forum/", "issues/2025-10-autumn/"]


@pytest.fixture(scope="module")
def output(full_built: Built) -> Path:
    """The `full` fixture site, built once for the session (the tests only read it)."""
    return full_built.output


@pytest.fixture(scope="module")
def subpath_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same site published under a sub-path, as `--base-url` would ask."""
    site = copy_fixture("full", tmp_path_factory.mktemp("sub"))
    return build(site, BuildOptions(base_url="https://example.org/sub/path/")).output


def page(output: Path, url: str) -> ET.Element:
    return parse_html(output / url / "index.html")


def titles(elements: list[ET.Element]) -> list[str]:
    return [text_of(element) for element in elements]


# --- Issues and items -----------------------------------------------------------------------


def test_issue_page_shows_every_item_in_file_name_order(output: Path) -> None:
    root = page(output, "issues/2025-10-autumn")
    articles = root.findall(".//main//article")
    assert [a.get("id") for a in articles] == ["item-arequipa", "item-briefs", "item-notice"]
    headings = [text_of(a.find("./header/h2")) for a in articles]
    assert headings == ["Arequipa joins the network", "News from around the network",
                        "Fellowship applications open"]


def test_issue_contents_list_every_item_in_order_and_link_to_it(output: Path) -> None:
    root = page(output, "issues/2026-02-forum")
    toc = by_class(root, "toc", "nav")[0]
    links = toc.findall("./ol/li/a")
    assert titles(links) == ["Shared water, shared rules", "Mesa redonda sobre presupuestos",
                             "Table ronde sur la jeunesse", "Report from the forum"]
    ids = {element.get("id") for element in root.iter()}
    assert all(link.get("href", "")[1:] in ids for link in links)


def test_masthead_shows_title_tagline_period_number_and_date(output: Path) -> None:
    root = page(output, "issues/2025-10-autumn")
    masthead = by_class(root, "masthead", "header")[0]
    assert text_of(by_class(masthead, "masthead-title")[0]) == "Full Fixture Bulletin"
    tagline = text_of(by_class(masthead, "masthead-tagline")[0])
    assert tagline == "Every shape of content, for testing"
    assert text_of(masthead.find(".//h1")) == "October 2025"
    meta = text_of(by_class(masthead, "masthead-meta")[0])
    assert "Volume 1" in meta and "Number 1" in meta and "1 October 2025" in meta


def test_single_file_issue_has_its_introduction_and_one_item_per_section(output: Path) -> None:
    root = page(output, "issues/2026-04-spring")
    # The apostrophe has become a typographic one.
    assert text_of(by_class(root, "intro")[0]) == "The spring issue\u2019s introduction."
    assert [a.get("id") for a in root.findall(".//main//article")] == [
        "item-graduates-in-irbid", "item-annual-report"]
    item = page(output, "issues/2026-04-spring/annual-report")
    assert text_of(item.find(".//h1")) == "Annual report"


def test_item_page_has_its_issue_context_and_previous_and_next_links(output: Path) -> None:
    root = page(output, "issues/2025-10-autumn/briefs")
    breadcrumb = by_class(root, "breadcrumb", "nav")[0].find("a")
    assert breadcrumb is not None and breadcrumb.get("href") == "../../../issues/2025-10-autumn/"
    # the number never wraps away from its label ('No.' at a line's end, '7' below it)
    assert "".join(by_class(root, "breadcrumb", "nav")[0].itertext()).rstrip().endswith(
        " · No.\xa01")
    archive = "".join(by_class(page(output, "archive"), "byline")[0].itertext())
    assert "No.\xa0" in archive and "No. " not in archive
    pager = by_class(root, "pager", "nav")[0]
    rels = {a.get("rel"): a.get("href") for a in pager.findall("a")}
    assert rels == {"prev": "../../../issues/2025-10-autumn/arequipa/",
                    "next": "../../../issues/2025-10-autumn/notice/"}



def pager_links(output: Path, url: str) -> list[tuple[str | None, str | None]]:
    pager = by_class(page(output, url), "pager", "nav")[0]
    return [(a.get("rel"), a.get("href")) for a in pager.findall("a")]


def test_the_first_and_last_items_lead_back_to_their_issue(output: Path) -> None:
    issue = "../../../issues/2025-10-autumn/"
    assert pager_links(output, "issues/2025-10-autumn/arequipa") == [
        (None, issue), ("next", f"{issue}briefs/")]
    assert pager_links(output, "issues/2025-10-autumn/notice") == [
        ("prev", f"{issue}briefs/"), (None, issue)]


def test_an_issue_leads_to_the_issues_before_and_after_it(output: Path) -> None:
    """By date, drafts left out: the newest has none after it, the oldest none before."""
    assert pager_links(output, "issues/2026-02-forum") == [
        ("prev", "../../issues/2025-10-autumn/"), ("next", "../../issues/2026-04-spring/")]
    assert pager_links(output, "issues/2026-04-spring") == [
        ("prev", "../../issues/2026-02-forum/")]
    assert pager_links(output, "issues/2025-10-autumn") == [
        ("next", "../../issues/2026-02-forum/")]
    pager = by_class(page(output, "issues/2026-02-forum"), "pager", "nav")[0]
    assert pager.get("aria-label") == "Other issues"
    assert [text_of(a) for a in pager.findall("a")] == [
        "Previous issue October 2025", "Next issue April 2026"]


def test_the_only_item_of_an_issue_leads_back_to_it_once(make_site: Callable[..., Path]) -> None:
    site = make_site({"content/issues/2026-01-winter/02-briefs.yaml": None})
    output = build(site, BuildOptions(pdf=False)).output
    assert pager_links(output, "issues/2026-01-winter/lead") == [
        (None, "../../../issues/2026-01-winter/")]

# --- Round tables ---------------------------------------------------------------------------


def roles_of(article: ET.Element) -> dict[str, str]:
    roles = by_class(article, "roles", "dl")[0]
    return {text_of(pair.find("dt")): text_of(pair.find("dd")) for pair in roles.findall("div")}


def test_roundtable_shows_session_and_roles_as_a_block(output: Path) -> None:
    article = page(output, "issues/2026-02-forum").find(".//article[@id='item-water']")
    assert article is not None
    # The session is the label above the title: the block does not say it again.
    assert [text_of(label) for label in by_class(article, "kind-label")] == ["Round Table"]
    assert roles_of(article) == {
        "Presenters": "Rosa Quispe and Dilnoza Yusupova",
        "Facilitator": "Ana Editor",
        "Secretary": "Mia Chen",
        "Venue": "Pécs",
        "Participants": "Luis Ortega and Réka Szőke",
    }


def test_many_participants_are_a_list_a_name_a_line(
        make_site: Callable[..., Path], build_site: Callable[..., Path]) -> None:
    """Fourteen participants, each with who they are, were one sentence joined by 'and'."""
    people = ["Zoltán Kovács (City of Pécs, planning)", "Aigerim Nurlanovna (Almaty)",
              "José María Quispe", "Rania Haddad (Irbid)"]
    # Two presenters said who they are were one bold run, joined by 'and': a name a line too.
    presenters = ["Ewa Łęcka (City of Łódź)", "Mehmet Ali Kaya (Gaziantep)"]
    site = make_site({"content/issues/2026-01-winter/03-talk.md":
                      "---\ntitle: Talk\nkind: roundtable\nparticipants:\n"
                      + "".join(f"  - {name}\n" for name in people) + "presenters:\n"
                      + "".join(f"  - {name}\n" for name in presenters)
                      + "facilitators: [Ana Editor, Mia Chen]\n"
                      + "---\n## Summary\n\nWhat was said.\n"})
    output = build_site(site, pdf=False)
    article = page(output, "issues/2026-01-winter/talk").find(".//article")
    assert article is not None
    listed = by_class(article, "names", "ul")
    assert [[text_of(li) for li in each.iter("li")] for each in listed] == [presenters, people]
    assert "Ana Editor and Mia Chen" in text_of(article)  # names alone read well as a sentence
    text = (output / "issues/2026-01-winter/email.txt").read_text("utf-8")
    assert "Participants: Zoltán Kovács (City of Pécs, planning)\n" \
           "              Aigerim Nurlanovna (Almaty)\n" in text
    email = (output / "issues/2026-01-winter/email.html").read_text("utf-8")
    assert "<bdi>José María Quispe</bdi><br><bdi>Rania Haddad (Irbid)</bdi>" in email


def test_the_email_lists_the_key_outcomes_as_the_pages_do(
        make_site: Callable[..., Path], build_site: Callable[..., Path]) -> None:
    """The web issue page and the PDF listed them; the email did not."""
    site = make_site({"content/issues/2026-01-winter/03-talk.md":
                      "---\ntitle: Talk\nkind: roundtable\n---\n## Conclusions\n\n- Agree."
                      "\n- Share.\n\n## Recommendations\n\n- Meet again.\n"})
    output = build_site(site, pdf=False)
    email = parse_html(output / "issues/2026-01-winter/email.html")
    pointer = [p for p in email.iter("p") if p.get("class") == "outcomes-pointer"]
    assert len(pointer) == 1
    assert text_of(pointer[0]) == ("Key outcomes: 2 conclusions and 1 recommendation of "
                                   "\u201cTalk\u201d.")
    assert [a.get("href") for a in pointer[0].iter("a")] == [
        "https://example.org/news/issues/2026-01-winter/talk/#talk-conclusions"]
    text = (output / "issues/2026-01-winter/email.txt").read_text("utf-8")
    assert "Key outcomes: 2 conclusions and 1 recommendation [1] of \u201cTalk\u201d.\n\n" \
           "[1] https://example.org/news/issues/2026-01-winter/talk/#talk-conclusions\n" in text


def test_a_round_table_shows_no_empty_part_and_no_empty_roles(
        make_site: Callable[..., Path], build_site: Callable[..., Path]) -> None:
    """An empty '## Discussion' was drawn as an empty box (a bare heading in the plain text),
    and the roles' block always held at least the session."""
    site = make_site({"content/issues/2026-01-winter/03-talk.md":
                      "---\ntitle: Talk\nkind: roundtable\n---\n## Summary\n\nWhat was said."
                      "\n\n## Discussion\n\n## Conclusions\n\n- Agree.\n"})
    output = build_site(site, pdf=False)
    article = page(output, "issues/2026-01-winter/talk").find(".//article")
    assert article is not None
    assert [text_of(h) for h in article.iter("h2")] == ["Summary", "Conclusions"]
    assert not by_class(article, "roles", "dl")
    text = (output / "issues/2026-01-winter/email.txt").read_text("utf-8")
    assert "SUMMARY" in text and "DISCUSSION" not in text
    email = (output / "issues/2026-01-winter/email.html").read_text("utf-8")
    assert "Discussion" not in email and 'class="roles"' not in email


@pytest.mark.parametrize(("anchor", "headings"), [
    ("item-water", ["Summary", "Discussion", "Conclusions", "Recommendations"]),
    ("item-mesa", ["Resumen", "Discusión", "Conclusiones", "Recomendaciones"]),
    ("item-table-ronde", ["Synthèse", "DISCUSSION", "Conclusions", "Recommandations"]),
])
def test_roundtable_parts_are_recognised_in_english_spanish_and_french(
        output: Path, anchor: str, headings: list[str]) -> None:
    article = page(output, "issues/2026-02-forum").find(f".//article[@id='{anchor}']")
    assert article is not None
    parts = by_class(article, "part", "section")
    assert [p.get("class") for p in parts] == [
        "part part-summary", "part part-discussion", "part part-conclusions",
        "part part-recommendations"]
    assert [text_of(p.find("h3")) for p in parts] == headings


def test_issue_contents_point_to_each_round_tables_key_outcomes(output: Path) -> None:
    toc = by_class(page(output, "issues/2026-02-forum"), "toc", "nav")[0]
    pointer = toc.find("./p[@class='outcomes-pointer']")
    assert pointer is not None
    assert [(a.get("href"), text_of(a)) for a in pointer.iter("a")] == [
        ("#water-conclusions", "2 conclusions and 1 recommendation"),
        ("#mesa-conclusiones", "1 conclusion and 1 recommendation"),
        ("#table-ronde-conclusions", "1 conclusion and 1 recommendation"),
    ]


def test_issue_without_round_table_has_no_key_outcomes(output: Path) -> None:
    toc = by_class(page(output, "issues/2025-10-autumn"), "toc", "nav")[0]
    assert toc.find("./p[@class='outcomes-pointer']") is None


# --- Briefs ---------------------------------------------------------------------------------


def test_briefs_render_as_a_list_with_linked_regions_and_the_contact_at_the_end(
        output: Path) -> None:
    issue = "issues/2025-10-autumn/index.html"
    article = parse_html(output / issue).find(".//article[@id='item-briefs']")
    assert article is not None
    briefs = article.findall("./ul[@class='briefs']/li")
    assert [b.get("id") for b in briefs] == ["briefs-1", "briefs-2", "briefs-3"]
    assert [text_of(b.find("./h3")) for b in briefs] == [
        "Clinics cross the border", "Pécs opens its budget", ""]
    regions = [[(text_of(a), a.get("href")) for a in by_class(b, "brief-regions")[0].findall("a")]
               for b in briefs]
    assert regions == [
        [("Tajikistan", "../../regions/tajikistan/"), ("Uzbekistan", "../../regions/uzbekistan/")],
        [("Hungary", "../../regions/hungary/")],
        [("Türkiye", "../../regions/turkiye/")],
    ]
    for name, href in (pair for brief in regions for pair in brief):
        target = resolve_ref(output, issue, href or "")
        assert target is not None and text_of(parse_html(target).find(".//h1")) == name
    last = list(article)[-1]
    assert last.get("class") == "contact"
    assert text_of(last) == "Contact: Mia Chen, News Editor · mia@example.org"


def test_a_link_between_briefs_leads_to_the_brief_wherever_it_is_shown(
        make_site: Callable[..., Path]) -> None:
    """On the issue's and the item's pages the brief linked to is there: `#its-id`. On a tag
    page and in the feeds it is not: the link leads to it on the briefs' own page."""
    site = make_site({"content/issues/2026-01-winter/02-briefs.yaml": """\
        title: Other news
        kind: briefs
        items:
          - id: pecs-budget
            body: Budget hearings in Pécs.
          - body: After [the hearings](#pecs-budget), a vote.
            tags: [budgets]
        """})
    output = build(site, BuildOptions(pdf=False, email=False)).output
    hrefs = {page: [a.get("href") for a in parse_html(output / page).iter("a")
                    if text_of(a) == "the hearings"]
             for page in ("issues/2026-01-winter/index.html",
                          "issues/2026-01-winter/briefs/index.html", "tags/budgets/index.html")}
    assert hrefs == {"issues/2026-01-winter/index.html": ["#briefs-pecs-budget"],
                     "issues/2026-01-winter/briefs/index.html": ["#briefs-pecs-budget"],
                     "tags/budgets/index.html": [
                         "../../issues/2026-01-winter/briefs/#briefs-pecs-budget"]}
    target = output / "issues/2026-01-winter/briefs/index.html"
    assert parse_html(target).find(".//*[@id='briefs-pecs-budget']") is not None
    feed = (output / "items.xml").read_text("utf-8")
    assert ("href=&#34;https://example.org/news/issues/2026-01-winter/briefs/"
            "#briefs-pecs-budget&#34;") in feed
    assert "href=&#34;#" not in feed


def test_region_page_lists_items_and_briefs_that_name_it(output: Path) -> None:
    root = page(output, "regions/hungary")
    links = [(text_of(a), a.get("href")) for a in root.findall(".//ul[@class='entries']/li/a")]
    assert links == [
        ("Report from the forum", "../../issues/2026-02-forum/report/"),
        ("Pécs opens its budget", "../../issues/2025-10-autumn/briefs/#briefs-2"),
    ]


def test_tag_index_lists_every_tag_with_its_count(output: Path) -> None:
    items = page(output, "tags").findall(".//ul[@class='term-list']/li")
    assert titles(items) == ["local governance (1)", "mediation (2)", "new centres (1)",
                             "training (1)", "water (2)"]


# --- Home, archive, pages -------------------------------------------------------------------


def test_home_page_shows_the_latest_issue_and_recent_ones(output: Path) -> None:
    root = parse_html(output / "index.html")
    latest = by_class(root, "latest", "section")[0]
    assert text_of(latest.find(".//h2[@class='masthead-period']")) == "April 2026"
    recent = by_class(root, "recent", "section")[0]
    assert titles(recent.findall(".//article/h3")) == ["February 2026", "October 2025"]
    assert not by_class(latest, "issue-link-pdf", "a")  # this site has no print edition


def test_home_page_links_the_latest_issues_pdf(demo_built: Built) -> None:
    for home in ("index.html", "es/index.html"):
        links = by_class(parse_html(demo_built.output / home), "issue-link-pdf", "a")
        assert len(links) == 1, home
        pdf = resolve_ref(demo_built.output, home, links[0].get("href", ""))
        assert pdf is not None and pdf.read_bytes().startswith(b"%PDF"), home


def test_archive_lists_every_issue_by_year_newest_first(output: Path) -> None:
    years = page(output, "archive").findall(".//section[@class='year']")
    assert [(text_of(y.find("h2")), titles(y.findall(".//article/h3"))) for y in years] == [
        ("2026", ["April 2026", "February 2026"]), ("2025", ["October 2025"])]
    # A weekly's twelve years were 95,000 pixels to scroll on a phone: each is a link above.
    links = one(page(output, "archive"), ".//nav[@class='years']").findall(".//a")
    assert [(text_of(a), a.get("href")) for a in links] == [("2026", "#year-2026"),
                                                          ("2025", "#year-2025")]


def test_standalone_pages_and_nav(output: Path) -> None:
    root = page(output, "pages/contact-us")
    assert text_of(root.find(".//h1")) == "Contact us"
    nav = one(root, ".//nav[@class='site-nav']")
    assert titles(nav.findall(".//a")) == ["Archive", "Topics", "Regions", "About", "Contact us"]


def test_the_menu_names_topics_and_regions_only_when_some_item_has_them(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    """A weekly of 600 issues without a tag led readers to two pages saying 'None yet.'"""
    lead = "content/issues/2026-01-winter/01-lead.md"
    site = make_site({lead: "---\ntitle: Lead story\n---\nText.\n",
                      "content/issues/2026-01-winter/02-briefs.yaml": None})
    age(site)
    options = BuildOptions(pdf=False, jobs=1)

    def menu(output: Path) -> list[str]:
        return titles(one(page(output, "pages/about"), ".//nav[@class='site-nav']").findall(
            ".//a"))

    assert menu(build(site, options).output) == ["Archive", "About"]
    (site / lead).write_text("---\ntitle: Lead story\nregions: [Peru]\n---\nText.\n")
    output = build(site, options).output  # every page names Regions now, as a clean build
    assert menu(output) == ["Archive", "Regions", "About"]
    clean = build(site, BuildOptions(pdf=False, jobs=1, clean=True, output=tmp_path / "c")).output
    assert (output / "index.html").read_bytes() == (clean / "index.html").read_bytes()


def test_not_found_page_exists_with_absolute_links(output: Path) -> None:
    root = parse_html(output / "404.html")
    assert text_of(root.find(".//h1")) == "Page not found"
    assert one(root, ".//link[@rel='stylesheet']").get("href") == "/full/assets/style.css"


# --- Markdown in the output -----------------------------------------------------------------


def test_markdown_features_reach_the_page(output: Path) -> None:
    notice = page(output, "issues/2025-10-autumn/notice")
    assert notice.find(".//main//table/thead") is not None
    assert text_of(notice.find(".//main//s")) == "15 January"
    footnote = notice.find(".//sup[@class='footnote-ref']/a")
    assert footnote is not None and footnote.get("href") == "#fn-notice-1"
    lead = page(output, "issues/2025-10-autumn/arequipa")
    checks = by_class(lead, "check", "li")
    assert [c.get("class") for c in checks] == ["check done", "check done"]


def test_links_to_source_files_become_links_to_pages(output: Path) -> None:
    root = page(output, "issues/2026-02-forum/report")
    hrefs = [a.get("href") for a in root.findall(".//main//div[@class='prose']//a")]
    assert hrefs == ["../../../issues/2025-10-autumn/arequipa/", "../../../pages/about/"]


def test_raw_html_is_sanitised(output: Path) -> None:
    html = (output / "issues/2026-02-forum/report/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "onclick" not in html
    assert "<p>Raw HTML is cleaned.</p>" in html


# --- Files ----------------------------------------------------------------------------------


def test_assets_and_static_files_are_copied_as_they_are(output: Path) -> None:
    site = SITES / "full"
    copies = {
        "issues/2025-10-autumn/images/photo.png":
            "content/issues/2025-10-autumn/images/photo.png",
        "robots.txt": "static/robots.txt",
        "files/guide.txt": "static/files/guide.txt",
    }
    for written, source in copies.items():
        assert (output / written).read_bytes() == (site / source).read_bytes()
    assert (output / "assets/style.css").stat().st_size > 0


def test_a_file_at_the_address_of_one_the_build_writes_is_left_out_and_warned_of(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    """`bulletin pdf` run in an issue's folder once left ISSUE.pdf there, and each build then
    published that old PDF in place of the print edition. A site that makes no PDFs publishes
    its own, by that name or another."""
    issue = "content/issues/2026-01-winter/"
    site = make_site({issue + "2026-01-winter.pdf": "%PDF-1.7 an old one",
                      issue + "email.txt": "an old email", issue + "lead/index.html": "<p>old",
                      issue + "notes.txt": "kept", issue + "plan.txt": "unlinked",
                      issue + "01-lead.md": "---\ntitle: Lead\n---\n[Notes](notes.txt), "
                                            "[print](2026-01-winter.pdf)\n"})
    report = build(site, BuildOptions(output=tmp_path / "out", pdf=False))
    said = sorted(str(warning) for warning in report.warnings)
    assert said == [f"{issue}{name}: left out: the build writes issues/2026-01-winter/{name}"
                    " itself (rename the file, or remove it if a command left it there)"
                    for name in ("email.txt", "lead/index.html")] + [
        f"{issue}plan.txt: left out: no published text links to it or shows it (link to it "
        "from a text to publish it; else move it out of content/, or into static/ to publish "
        "it as it is)"]
    written = tmp_path / "out/issues/2026-01-winter"
    assert "an old email" not in (written / "email.txt").read_text(encoding="utf-8")
    assert "<p>old" not in (written / "lead/index.html").read_text(encoding="utf-8")
    assert (written / "notes.txt").read_text(encoding="utf-8") == "kept"
    assert not (written / "plan.txt").exists()
    # the print edition off in bulletin.yaml: the PDF is the site's own
    assert (written / "2026-01-winter.pdf").read_text(encoding="utf-8") == "%PDF-1.7 an old one"
    settings = site / "bulletin.yaml"  # on, as by default: the build's PDF's address
    settings.write_text(settings.read_text("utf-8").replace("pdf: {enabled: false}", ""),
                        "utf-8")
    report = build(site, BuildOptions(output=tmp_path / "out", pdf=False))  # kept, skipped
    assert f"{issue}2026-01-winter.pdf: left out" in "".join(map(str, report.warnings))


def test_only_the_files_a_text_links_to_are_published_from_an_issues_folder(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    """Notes and backups left in an issue's folder were published without a word."""
    issue = "content/issues/2026-01-winter/"
    site = make_site({
        issue + "01-lead.md": "---\ntitle: Lead\nimage: shown.png\nimage_alt: A map\n---\n"
                              "The [annex](annex%20été.pdf#page=2), [Q&A](Q&A.csv).\n",
        issue + "02-briefs.yaml": "title: Briefs\nkind: briefs\nitems:\n"
                                  "  - {headline: One, body: '![Plan](plans/plan.png)'}\n",
        issue + "annex été.pdf": "%PDF-", issue + "Q&A.csv": "?", issue + "shown.png": TINY_PNG,
        issue + "plans/plan.png": TINY_PNG, issue + "plans/old.png": TINY_PNG,
        issue + "notes.txt": "private", issue + "01-lead.md~": "a backup",
        issue + "#01-lead.md#": "autosave", issue + "issue.yaml.orig": "a patch's backup",
        "content/pages/about.md": "---\ntitle: About\n---\n[Old plan]"
                                  "(../issues/2026-01-winter/plans/old.png)\n"})
    report = build(site, BuildOptions(output=tmp_path / "out", pdf=False))
    assert [warning.location.path for warning in report.warnings
            if "no published text links to it" in warning.message] == [issue + "notes.txt"]
    written = tmp_path / "out/issues/2026-01-winter"
    assert sorted(path.relative_to(written).as_posix() for path in written.rglob("*")
                  if path.is_file() and path.parent.name != "lead"
                  and not path.name.endswith((".html", ".txt"))) == [
        "Q&A.csv", "annex été.pdf", "plans/old.png", "plans/plan.png", "shown.png"]
    links = [a.get("href") for a in parse_html(written / "lead/index.html").iter("a")]
    # Its fragment as written; the space percent-encoded, and the letters of any script kept.
    assert "../../../issues/2026-01-winter/annex%20été.pdf#page=2" in links


def test_a_file_whose_name_has_spaces_or_marks_is_linked_by_a_valid_address(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    """'Annual report.pdf' was linked with its space: not a valid address in HTML, and a
    plain-text email's link ended at it. A '%' in a name is the file's, not an escape."""
    issue = "content/issues/2026-01-winter/"
    site = make_site({
        issue + "01-lead.md": "---\ntitle: Lead\nimage: Pécs map 100%.png\nimage_alt: A map\n"
                              "---\nThe [report](<Annual report.pdf>), [plan](<Plan 100%.pdf>)."
                              "\n\n![A plan](<plan 2.png>)\n",
        issue + "Annual report.pdf": "%PDF-", issue + "Plan 100%.pdf": "%PDF-",
        issue + "Pécs map 100%.png": picture(900, 600), issue + "plan 2.png": picture(900, 600)})
    report = build(site, BuildOptions(output=tmp_path / "out", pdf=False))
    assert not report.warnings
    written = tmp_path / "out/issues/2026-01-winter"
    page = parse_html(written / "lead/index.html")
    here = "../../../issues/2026-01-winter/"
    links = [a.get("href") for a in page.iter("a")]
    assert f"{here}Annual%20report.pdf" in links and f"{here}Plan%20100%25.pdf" in links
    shown = {img.get("alt"): img for img in page.iter("img")}
    assert shown["A map"].get("src") == f"{here}Pécs%20map%20100%25.800w.png"
    assert shown["A map"].get("srcset", "").split(", ")[0] == \
        f"{here}Pécs%20map%20100%25.480w.png 480w"
    assert (shown["A plan"].get("src"), shown["A plan"].get("width")) == (
        f"{here}plan%202.800w.png", "800")
    for name in ("Annual report.pdf", "Plan 100%.pdf", "Pécs map 100%.png", "plan 2.png",
                 "Pécs map 100%.800w.png"):
        assert (written / name).is_file(), name
    online = "https://example.org/news/issues/2026-01-winter/"
    previews = [meta.get("content") for meta in page.iter("meta")
                if meta.get("property") == "og:image"]
    assert previews == [f"{online}Pécs%20map%20100%25.png"]
    text = (written / "email.txt").read_text("utf-8")
    assert f"{online}Annual%20report.pdf\n" in text
    email = {img.get("alt"): img for img in parse_html(written / "email.html").iter("img")}
    assert (email["A plan"].get("src"), email["A plan"].get("width")) == (
        f"{online}plan%202.png", "536")  # sized for Outlook, which ignores CSS


def picture(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    PIL.Image.new("RGB", (width, height), (40, 120, 60)).save(buffer, "PNG")
    return buffer.getvalue()


# --- Drafts ---------------------------------------------------------------------------------


def test_drafts_are_left_out_by_default(output: Path) -> None:
    assert not (output / "issues/2026-06-draft").exists()
    assert not (output / "regions/bolivia").exists()
    everything = b"".join(path.read_bytes() for path in output.rglob("*") if path.is_file())
    assert b"2026-06-draft" not in everything and b"June 2026" not in everything


def test_drafts_are_built_with_drafts_true(fixture_site: Callable[[str], Path]) -> None:
    output = build(fixture_site("full"), BuildOptions(drafts=True)).output
    root = page(output, "issues/2026-06-draft")
    assert text_of(by_class(root, "draft-flag")[0]) == "Draft"
    # Its item's page says so too; an item of a published issue does not.
    item = page(output, "issues/2026-06-draft/pact")
    assert [text_of(flag) for flag in by_class(item, "draft-flag")] == ["Draft"]
    assert not by_class(page(output, "issues/2025-10-autumn/arequipa"), "draft-flag")
    assert (output / "regions/bolivia/index.html").is_file()


# --- Every page -----------------------------------------------------------------------------


def test_every_html_page_is_valid_and_accessible(output: Path) -> None:
    pages = html_pages(output)
    assert len(pages) == 30  # the planned files less the feeds and sitemap.xml
    for path in pages:
        root = parse_html(path)  # strict: fails on any parse error
        where = page_path(output, path)
        assert root.get("lang") == "en", where
        assert len(root.findall(".//h1")) == 1, where
        body = root.find("body")
        assert body is not None
        for landmark in ("header", "main", "footer"):
            assert body.find(f".//{landmark}") is not None, (where, landmark)
        for image in root.iter("img"):
            assert image.get("alt") is not None, (where, image.get("src"))
        ids = [el.get("id") for el in root.iter() if el.get("id")]
        assert len(ids) == len(set(ids)), (where, "duplicate ids")


def test_every_html_page_has_open_graph_metadata(output: Path) -> None:
    for path in html_pages(output):
        root = parse_html(path)
        meta = {m.get("property"): m.get("content") for m in root.iter("meta")
                if m.get("property")}
        where = page_path(output, path)
        for key in ("og:title", "og:type", "og:site_name", "og:description"):
            assert meta.get(key), (where, key)
        if where == "404.html":  # served at any address: none of its own (test_theme_details)
            assert "og:url" not in meta
            continue
        assert (meta.get("og:url") or "").startswith("https://example.org/full/"), where


def broken_links(output: Path, base_path: str) -> list[str]:
    """Every href/src of every page that does not reach a written file (or id in it)."""
    broken = []
    for path in html_pages(output):
        where = page_path(output, path)
        root = parse_html(path)
        ids = {el.get("id") for el in root.iter()}
        broken += [f"{where}: #{href[1:]} (no such id)" for a in root.iter("a")
                   if (href := a.get("href", "")).startswith("#") and href[1:] not in ids]
        for tag, url in internal_refs(root):
            target = resolve_ref(output, where, url, base_path)
            if target is None:
                broken.append(f"{where}: <{tag}> {url}")
                continue
            fragment = url.partition("#")[2]
            if fragment and target.suffix == ".html":
                ids = {el.get("id") for el in parse_html(target).iter()}
                if fragment not in ids:
                    broken.append(f"{where}: <{tag}> {url} (no id '{fragment}')")
    return broken


def test_every_internal_link_resolves_to_a_written_file(output: Path) -> None:
    assert broken_links(output, "/full/") == []


def test_every_internal_link_resolves_under_a_sub_path(subpath_output: Path) -> None:
    assert broken_links(subpath_output, "/sub/path/") == []


def test_sub_path_pages_use_absolute_urls_for_canonical_and_relative_links(
        subpath_output: Path) -> None:
    for path in html_pages(subpath_output):
        where = page_path(subpath_output, path)
        root = parse_html(path)
        canonical = root.find(".//link[@rel='canonical']")
        if where == "404.html":  # served at any address: none of its own (test_theme_details)
            assert canonical is None
            assert not [u for _, u in internal_refs(root) if not u.startswith("/")], where
            continue
        assert canonical is not None
        url = "" if where == "index.html" else where.removesuffix("index.html")
        assert canonical.get("href") == "https://example.org/sub/path/" + url, where
        og_url = root.find(".//meta[@property='og:url']")
        assert og_url is not None and og_url.get("content") == canonical.get("href")
        if where != "404.html":  # 404 is served at any depth, so it links from the root
            assert not [u for _, u in internal_refs(root) if u.startswith("/")], where


def test_demo_site_builds_valid_pages_with_working_links(demo_site: Path,
                                                         build_site: Callable[..., Path]) -> None:
    output = build_site(demo_site, drafts=True)
    for path in html_pages(output):
        root = parse_html(path)
        assert len(root.findall(".//h1")) == 1, path
    assert broken_links(output, "/bulletin/") == []


# --- Feed and sitemap -----------------------------------------------------------------------


def test_feed_is_atom_with_an_entry_per_published_issue(subpath_output: Path) -> None:
    feed = ET.parse(subpath_output / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "Full Fixture Bulletin"
    assert feed.findtext(f"{ATOM}id") == "https://example.org/sub/path/"
    assert one(feed, f"{ATOM}link[@rel='self']").get("href") == \
        "https://example.org/sub/path/feed.xml"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Full Fixture Bulletin: April 2026", "Full Fixture Bulletin: February 2026",
        "Full Fixture Bulletin: October 2025"]
    assert [one(e, f"{ATOM}link").get("href") for e in entries] == [
        f"https://example.org/sub/path/{url}" for url in PUBLISHED]
    assert [e.findtext(f"{ATOM}updated") for e in entries] == [
        "2026-04-10T00:00:00Z", "2026-02-20T00:00:00Z", "2025-10-01T00:00:00Z"]
    assert feed.findtext(f"{ATOM}updated") == "2026-04-10T00:00:00Z"
    content = entries[2].findtext(f"{ATOM}content") or ""
    assert '<a href="https://example.org/sub/path/issues/2025-10-autumn/arequipa/">' in content


def test_sitemap_lists_every_page_with_absolute_urls(subpath_output: Path) -> None:
    sitemap = ET.parse(subpath_output / "sitemap.xml").getroot()
    assert sitemap.tag == f"{SITEMAP}urlset"
    locs = [url.findtext(f"{SITEMAP}loc") for url in sitemap.findall(f"{SITEMAP}url")]
    assert len(locs) == len(set(locs))
    pages = {page_path(subpath_output, p).removesuffix("index.html")
             for p in html_pages(subpath_output)} - {"404.html"}
    assert set(locs) == {f"https://example.org/sub/path/{url}" for url in pages}


def test_a_sitemap_past_its_limit_is_split_and_indexed(
        make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A weekly of 1,850 issues wrote 52,441 addresses in one sitemap.xml, past the 50,000 a
    sitemap may hold: search engines refuse it. Here the limit is 10."""
    monkeypatch.setattr(render, "SITEMAP_URLS", 10)
    output = build(make_site(), BuildOptions(pdf=False, jobs=1)).output
    index = ET.parse(output / "sitemap.xml").getroot()
    assert index.tag == f"{SITEMAP}sitemapindex"
    parts = [entry.findtext(f"{SITEMAP}loc") or "" for entry in index.iter(f"{SITEMAP}sitemap")]
    base = "https://example.org/news/"
    assert parts == [f"{base}sitemap-{number}.xml" for number in range(1, len(parts) + 1)]
    assert len(parts) > 1 and all(entry.findtext(f"{SITEMAP}lastmod") == "2026-01-15"
                                  for entry in index.iter(f"{SITEMAP}sitemap"))
    locs = [url.findtext(f"{SITEMAP}loc") for part in parts
            for url in ET.parse(output / part.removeprefix(base)).getroot().iter(f"{SITEMAP}url")]
    monkeypatch.setattr(render, "SITEMAP_URLS", 50_000)
    whole = build(make_site(name="whole"), BuildOptions(pdf=False, jobs=1,
                                                        output=tmp_path / "out")).output
    one = ET.parse(whole / "sitemap.xml").getroot()
    assert locs == [url.findtext(f"{SITEMAP}loc") for url in one.iter(f"{SITEMAP}url")]
    assert all(len(list(ET.parse(output / part.removeprefix(base)).getroot())) <= 10
               for part in parts)


def test_sitemap_writes_every_address_in_ascii(make_site: Callable[..., Path],
                                                build_site: Callable[..., Path]) -> None:
    # A sitemap's addresses must be escaped (sitemaps.org), though pages link by IRI.
    site = make_site({
        "bulletin.yaml": "title: Boletín\nbase_url: https://bülten.example/boletín/\n",
        "content/issues/2026-01-алматы/issue.yaml": "title: Enero\ndate: 2026-01-15\n",
        "content/issues/2026-01-алматы/01-lead.md": "---\ntitle: Lead\ntags: [Łódź]\n---\nText.\n",
    })
    output = build_site(site, pdf=False)
    sitemap = ET.parse(output / "sitemap.xml").getroot()
    locs = [url.findtext(f"{SITEMAP}loc") or "" for url in sitemap.findall(f"{SITEMAP}url")]
    base = "https://xn--blten-kva.example/bolet%C3%ADn/"
    assert f"{base}issues/2026-01-%D0%B0%D0%BB%D0%BC%D0%B0%D1%82%D1%8B/lead/" in locs
    assert f"{base}tags/%C5%82odz/" in locs
    assert all(loc.isascii() and loc.startswith(base) for loc in locs)
    assert f"Sitemap: {base}sitemap.xml" in (output / "robots.txt").read_text("utf-8")
    # The pages themselves keep the letters readers see.
    assert (output / "issues" / "2026-01-алматы" / "lead" / "index.html").is_file()
    assert (output / "tags" / "łodz" / "index.html").is_file()


def test_robots_txt_names_the_sitemap_unless_the_site_has_its_own(
        subpath_output: Path, make_site: Callable[..., Path],
        build_site: Callable[..., Path]) -> None:
    output = build_site(make_site(), jobs=1, pdf=False)
    assert (output / "robots.txt").read_text("utf-8") == (
        "User-agent: *\nAllow: /\nSitemap: https://example.org/news/sitemap.xml\n")
    # The full fixture has a static/robots.txt of its own: it is published as it is.
    assert (subpath_output / "robots.txt").read_text("utf-8") == "User-agent: *\n"


# --- Languages and awkward characters -------------------------------------------------------


def test_site_and_issue_languages_reach_html_and_feed(make_site: Callable[..., Path],
                                                     build_site: Callable[..., Path]) -> None:
    site = make_site({
        "bulletin.yaml": "title: Boletín\nlanguage: fr\nbase_url: https://example.org/\n",
        "content/issues/2026-01-winter/issue.yaml": "title: Enero\ndate: 2026-01-15\nlang: es\n",
    })
    output = build_site(site)
    for url, lang in (("issues/2026-01-winter/", "es"), ("issues/2026-01-winter/lead/", "es"),
                      ("archive/", "fr"), ("pages/about/", "fr")):
        root = page(output, url)
        assert root.get("lang") == lang, url
        locale = root.find(".//meta[@property='og:locale']")
        assert locale is not None and locale.get("content") == {"es": "es_ES", "fr": "fr_FR"}[lang]
    feed = ET.parse(output / "feed.xml").getroot()
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"


def test_a_heading_written_as_a_title_does_not_make_a_second_h1(
        make_site: Callable[..., Path], build_site: Callable[..., Path]) -> None:
    output = build_site(make_site({
        "content/issues/2026-01-winter/01-lead.md": "---\ntitle: Lead\n---\n# Big news\n\nText.\n",
        "content/pages/about.md": "---\ntitle: About\n---\n# About us\n",
    }))
    for url in ("issues/2026-01-winter/lead", "issues/2026-01-winter", "pages/about"):
        assert len(page(output, url).findall(".//h1")) == 1, url


def test_markup_characters_in_titles_are_escaped_everywhere(
        make_site: Callable[..., Path], build_site: Callable[..., Path]) -> None:
    title = 'Q&A: <b>"bold"</b> & more'
    shown = "Q&A: <b>\u201cbold\u201d</b> & more"  # with the body's typographic quotes
    site = make_site({
        "content/issues/2026-01-winter/issue.yaml":
            f"title: '{title}'\ndate: 2026-01-15\nsummary: 'Less < more & \"quotes\"'\n",
        "content/issues/2026-01-winter/01-lead.md": f"---\ntitle: '{title}'\n---\nText.\n",
    })
    output = build_site(site)
    for path in html_pages(output):
        for element in parse_html(path).iter("b"):
            pytest.fail(f"{path}: a title's markup became a <b> element: {text_of(element)}")
    issue = page(output, "issues/2026-01-winter")
    assert text_of(issue.find(".//h1")) == shown
    feed = ET.parse(output / "feed.xml").getroot()
    entry = feed.find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}title") == f"Test Bulletin: {shown}"
    assert entry.findtext(f"{ATOM}summary") == "Less < more & \u201cquotes\u201d"
    content = ET.fromstring(f"<div>{entry.findtext(f'{ATOM}content')}</div>")
    assert text_of(content.find(".//a")) == shown


def test_a_site_without_issues_still_builds_valid_pages(make_site: Callable[..., Path],
                                                       build_site: Callable[..., Path]) -> None:
    output = build_site(make_site(
        {"bulletin.yaml": "title: Empty\nbase_url: https://example.org/\n",
         "content/issues/.keep": ""}, base={}))
    pages = html_pages(output)
    assert [page_path(output, p) for p in pages] == [
        "404.html", "archive/index.html", "index.html", "regions/index.html", "tags/index.html"]
    for path in pages:
        assert len(parse_html(path).findall(".//h1")) == 1
    assert "No issues yet." in text_of(parse_html(output / "index.html").find(".//main"))
    feed = ET.parse(output / "feed.xml").getroot()
    assert feed.findall(f"{ATOM}entry") == []
    sitemap = ET.parse(output / "sitemap.xml").getroot()
    assert len(sitemap.findall(f"{SITEMAP}url")) == 4


@pytest.mark.parametrize("mistake", [None, "content", "template"])
def test_a_build_leaves_garbage_collection_as_it_found_it(make_site: Callable[..., Path],
                                                          mistake: str | None) -> None:
    """A build collects garbage less often while it runs, and worker processes freeze the model
    out of the collector's sight; a long-lived process (`bulletin serve`) must get the
    collector back as it was whether the build succeeded or failed."""
    threshold = gc.get_threshold()
    site_dir = make_site()
    age(site_dir)  # older than the memo's racy window
    build(site_dir)  # a memo to load: the next build freezes what it reads
    story = site_dir / "content/issues/2026-01-winter/01-lead.md"
    if mistake == "content":
        story.write_text("---\ntitle: [unclosed\n---\nText.\n", "utf-8")
    else:
        story.write_text(story.read_text("utf-8") + "\nEdited.\n", "utf-8")
    if mistake == "template":
        (site_dir / "templates").mkdir(exist_ok=True)
        (site_dir / "templates/item.html").write_text("{{ item.missing() }}", "utf-8")
    if mistake:
        with pytest.raises(BulletinError):
            build(site_dir)
    else:
        build(site_dir)
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == threshold
