"""What readers meet in the built-in theme: summaries in the contents, each text once on a page
(key outcomes, contacts), the site's branding and sharing tags, and stylesheet details."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from conftest import MINIMAL_SITE, TINY_PNG, WITH_PDF, copy_fixture, one, parse_html, text_of

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.errors import ContentError
from bulletin_gen.templates import THEME_STATIC

ISSUE = "content/issues/2026-01-winter/"
SAME_CONTACT = {
    # The issue, its briefs file and the site share one contact: Ana Editor.
    ISSUE + "issue.yaml": """\
        title: January 2026
        date: 2026-01-15
        contact: {name: Ana Editor, role: Editor, email: editor@example.org}
        """,
}
BRANDED = {
    "bulletin.yaml": MINIMAL_SITE["bulletin.yaml"].rstrip(" ") + """\
        logo: mark.svg
        favicon: mark.svg
        subscribe_url: https://example.org/subscribe
        """,
    "static/mark.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 8"/>',
}


def built(make_site: Callable[..., Path], files: Mapping[str, str | bytes]) -> Path:
    return build(make_site(files), BuildOptions(jobs=1, pdf=False)).output


def test_the_contents_show_each_items_summary(make_site: Callable[..., Path]) -> None:
    output = built(make_site, {ISSUE + "01-lead.md": "---\ntitle: Lead\nsummary: One line "
                               "about the lead.\n---\nText.\n"})
    for page in ("issues/2026-01-winter/index.html", "index.html"):
        summaries = [text_of(p) for p in parse_html(output / page).iter("p")
                     if p.get("class") == "toc-summary"]
        assert summaries == ["One line about the lead."], page


def test_a_news_item_in_the_contents_is_labelled_when_others_are(
        make_site: Callable[..., Path]) -> None:
    def labels(files: dict[str, str | None]) -> list[str]:
        site = make_site(files, name=str(len(files)))
        output = build(site, BuildOptions(jobs=1, pdf=False)).output
        page = parse_html(output / "issues/2026-01-winter/index.html")
        contents = [text_of(span) for span in page.iter("span") if span.get("class") == "kind"]
        # the items' own labels say the same
        assert [text_of(p) for p in page.iter("p") if p.get("class") == "kind-label"] == \
            contents
        return contents

    news = "---\ntitle: News\nkind: news\n---\nText.\n"
    # The fixture's lead is a feature and its briefs a briefs file: the news item says so.
    assert labels({ISSUE + "03-news.md": news}) == ["Feature", "Briefs", "News"]
    only_news = {ISSUE + "01-lead.md": news, ISSUE + "02-briefs.yaml": None}
    assert labels(only_news) == []  # every item is news: no label says it


def test_key_outcomes_point_to_the_round_table_instead_of_repeating_it(tmp_path: Path) -> None:
    output = build(copy_fixture("full", tmp_path), BuildOptions(jobs=1, pdf=False,
                                                email=False, drafts=True)).output
    page = output / "issues/2026-02-forum/index.html"
    pointer = next(p for p in parse_html(page).iter("p") if p.get("class") == "outcomes-pointer")
    links = [(a.get("href"), text_of(a)) for a in pointer.iter("a")]
    assert links[0] == ("#water-conclusions", "2 conclusions and 1 recommendation")
    text = page.read_text("utf-8")
    assert text.count("Information gaps cause most disputes.") == 1
    assert text.count("Publish a guide to the canal walk.") == 1


def test_a_shared_contact_is_shown_once_per_page(make_site: Callable[..., Path]) -> None:
    output = built(make_site, SAME_CONTACT)
    page = parse_html(output / "issues/2026-01-winter/index.html")
    labels = [aside.get("aria-label") for aside in page.iter("aside")]
    assert len(labels) == len(set(labels))  # every landmark has a label of its own
    ana = [label for label in labels if label == "Contact: January 2026"]
    assert ana == ["Contact: January 2026"]
    assert "Contact: Other news" not in labels  # the briefs' contact is the issue's
    footer = next(f for f in page.iter("footer"))
    assert "editor@example.org" not in "".join(footer.itertext())
    email = (output / "issues/2026-01-winter/email.html").read_text("utf-8")
    assert email.count("mailto:editor@example.org") == 1
    text = (output / "issues/2026-01-winter/email.txt").read_text("utf-8")
    assert text.count("<editor@example.org>") == 1  # the plain text likewise


def test_logo_favicon_subscribe_and_sharing_tags(make_site: Callable[..., Path]) -> None:
    output = built(make_site, BRANDED)
    page = parse_html(output / "issues/2026-01-winter/lead/index.html")
    header = next(h for h in page.iter("header") if h.get("class") == "site-header")
    logo = header.find(".//img[@class='site-logo']")
    assert logo is not None and logo.get("src") == "../../../mark.svg"
    # Its proportions, from the viewBox: the header keeps its place before the logo arrives.
    assert (logo.get("width"), logo.get("height")) == ("96", "32")
    assert (output / "mark.svg").is_file()
    links = {link.get("rel"): link.get("href") for link in page.iter("link")}
    assert links["icon"] == "../../../mark.svg"
    hrefs = [a.get("href") for a in page.iter("a")]
    assert hrefs.count("https://example.org/subscribe") == 2  # header and footer
    metas = {meta.get("property") or meta.get("name"): meta.get("content")
             for meta in page.iter("meta")}
    # An SVG logo is no link preview (no social network shows one): a card without a picture.
    assert "og:image" not in metas and "twitter:image" not in metas
    assert metas["twitter:card"] == "summary"
    assert metas["twitter:title"] == "Lead story | January 2026 | Test Bulletin"
    email = (output / "issues/2026-01-winter/email.html").read_text("utf-8")
    assert 'href="https://example.org/subscribe"' in email


def test_the_print_link_beside_the_homes_button_wraps_to_the_same_edge(
        make_site: Callable[..., Path], browser: Any) -> None:
    """On a phone the French "Édition imprimable (PDF)" went under the button, pushed in by the
    margin that set it apart beside it."""
    settings = WITH_PDF["bulletin.yaml"].rstrip(" ") + "        language: fr\n"
    output = build(make_site({"bulletin.yaml": settings}), BuildOptions(jobs=1)).output
    for width in (800, 390):
        browser.set_window_size(width, 900)
        browser.get((output / "index.html").as_uri())
        button, link = browser.execute_script(
            "const box = e => document.querySelector(e).getBoundingClientRect();"
            "return [box('.home-actions .button'), box('.home-actions .issue-link-pdf')];")
        if width == 800:  # side by side
            assert link["left"] > button["right"] and link["top"] < button["bottom"]
        else:  # under it, from its edge
            assert link["left"] == button["left"] and link["top"] >= button["bottom"]


def test_a_page_without_any_image_is_a_summary_card(make_site: Callable[..., Path]) -> None:
    page = parse_html(built(make_site, {}) / "archive/index.html")
    metas = {meta.get("name"): meta.get("content") for meta in page.iter("meta")}
    assert metas["twitter:card"] == "summary"


@pytest.mark.parametrize(("line", "message"), [
    ("logo: missing.svg", "bulletin.yaml:8: logo: no file 'missing.svg' in static/"),
    ("favicon: ../bulletin.yaml", "bulletin.yaml:8: favicon: no file '../bulletin.yaml' in "
                                  "static/"),
    ("subscribe_url: javascript:alert(1)",
     "bulletin.yaml:8: subscribe_url: 'javascript:alert(1)' is not an http(s) URL"),
])
def test_branding_settings_are_checked(make_site: Callable[..., Path], line: str,
                                       message: str) -> None:
    site = make_site({"bulletin.yaml": MINIMAL_SITE["bulletin.yaml"].rstrip(" ")
                      + "        " + line + "\n"})
    with pytest.raises(ContentError) as raised:
        build(site, BuildOptions(jobs=1))
    assert str(raised.value.problems[0]).startswith(message)


def test_the_header_leaves_the_tagline_to_the_masthead(make_site: Callable[..., Path]) -> None:
    output = built(make_site, {})
    def taglines(page: str) -> int:
        return sum(1 for span in parse_html(output / page).iter("span")
                   if span.get("class") == "site-tagline")
    assert taglines("issues/2026-01-winter/index.html") == 0
    assert taglines("index.html") == 0
    assert taglines("archive/index.html") == 1


def test_a_date_in_a_byline_does_not_wrap() -> None:
    assert re.search(r"\.byline time \{ white-space: nowrap; \}",
                     (THEME_STATIC / "style.css").read_text("utf-8"))


def test_printing_a_page_leaves_out_what_paper_cannot_use() -> None:
    """From the browser: the language menu and a footnote's arrow back up are links paper cannot
    follow; an address is not printed after a link whose text is that address (class bare)."""
    css = (THEME_STATIC / "style.css").read_text("utf-8")
    hidden = re.search(r"@media print \{.*?\n  (\.site-header, [^{]*)\{ display: none; \}", css,
                       re.DOTALL)
    assert hidden and {".language-bar", ".footnote-backref"} <= set(re.split(r",\s*",
                                                                               hidden[1].strip()))
    assert '.prose a[href^="http"]:not(.bare)::after { content: " <" attr(href) ">";' in css


def test_a_long_address_in_an_item_wraps() -> None:
    """Unbroken, a long web address in an item's text widened the page past a phone's screen;
    so did one in the contents, the lists and the pagers (test_layout.py measures them all)."""
    assert "main { overflow-wrap: anywhere; }" in (THEME_STATIC / "style.css").read_text("utf-8")


@pytest.mark.parametrize("sheet", ["style.css", "print.css"])
def test_the_stylesheets_mirror_by_logical_properties(sheet: str) -> None:
    """Right-to-left pages need no overrides: WeasyPrint 70 mirrors the logical properties in
    the PDF as browsers do on screen, but for what has sides, not starts: the running header
    (page boxes) and the briefs' column rule, which it drew on the outer edge. Dates need none:
    Babel writes them in the page's language, and one forced left to right read "10 2026 مارس"
    for "10 مارس 2026"."""
    css = (THEME_STATIC / sheet).read_text("utf-8")
    assert ".footnotes-sep" in css and ".footnote-sep" not in css
    assert not re.search(r"\btime\b[^{}]*\{[^}]*direction", css)
    # Pagefind's own stylesheet is drawn left to right, with sides: its parts are mirrored.
    # (The theme's words in an item of the other direction stand at their own end: a selector
    # by directions, but no side.)
    pagefind = 'html[dir="rtl"] .pagefind-ui '
    rtl = [line.split(" {")[0] for line in css.splitlines() if line.startswith(
        ('html[dir="rtl"]', '[dir="rtl"]')) and not line.startswith(pagefind)
        and ".item:not([dir])" not in line]
    assert rtl == ([] if sheet == "style.css" else ['html[dir="rtl"]', '[dir="rtl"] .briefs'])
    css = "\n".join(line for line in css.splitlines() if not line.startswith(pagefind))
    if sheet == "print.css":
        briefs = css.split('[dir="rtl"] .briefs {')[1].split("}")[0]
        assert "column-rule-style: none" in briefs and "var(--rule) 50.05%" in briefs
    body = css.split("@page")[0] + css.split("}\n}")[-1]  # the page boxes have sides, not starts
    assert not re.search(r"(padding|margin|border)-(left|right)\b|\bleft:|text-align: left", body)


def test_the_header_focus_ring_is_visible() -> None:
    css = (THEME_STATIC / "style.css").read_text("utf-8")
    assert ".site-header :focus-visible { outline-color: var(--accent-ink); }" in css
    # the search box's ring, apart from its white edge
    assert (".site-search input:focus-visible, .site-search button:focus-visible { outline: 3px "
            "solid var(--accent-ink); outline-offset: 2px; }") in css


FRENCH_SITE = {
    "bulletin.yaml": MINIMAL_SITE["bulletin.yaml"].rstrip(" ") + "        language: fr\n",
    ISSUE + "issue.yaml": 'title: Janvier "hiver" 2026\ndate: 2026-01-15\n',
    "content/issues/2025-12-autumn.md": """\
        ---
        title: Décembre "automne"
        date: 2025-12-01
        ---
        ## Une "brève"
        Le texte.
        """,
    ISSUE + "01-lead.md": """\
        ---
        title: "Cochabamba : un centre ouvre"
        summary: Qui décide ? Les habitants.
        tags: ["eau : partage"]
        ---
        Il a dit "bienvenue" ; puis : « merci ! »
        """,
    ISSUE + "03-english.md": """\
        ---
        title: "In English: a note"
        lang: en
        ---
        Written "as is" : here.
        """,
}


def test_a_french_text_gets_french_typography_and_an_english_one_its_own(
        make_site: Callable[..., Path]) -> None:
    """In French, a no-break space before : ; ! ? and inside « », so that no line starts with
    the mark; an item that says it is in English keeps English quotes and spaces."""
    output = built(make_site, FRENCH_SITE)
    lead = parse_html(output / "issues/2026-01-winter/lead/index.html")
    # text_of would take the no-break spaces for spaces: the text as it is
    assert "".join(one(lead, ".//h1").itertext()) == "Cochabamba\u00a0: un centre ouvre"
    body = "".join(one(lead, ".//div[@class='prose']").itertext())
    assert "Il a dit «\u00a0bienvenue\u00a0»\u00a0; puis\u00a0: «\u00a0merci\u00a0!\u00a0»" in body
    assert "#eau\u00a0: partage" in "".join(lead.itertext())
    contents = parse_html(output / "issues/2026-01-winter/index.html")
    summaries = ["".join(p.itertext()) for p in contents.iter("p")
                 if p.get("class") == "toc-summary"]
    assert "Qui décide\u00a0? Les habitants." in summaries
    # The link previews keep the no-break space too (Jinja's striptags made it a plain one).
    meta = {tag.get("property") or tag.get("name"): tag.get("content", "")
            for tag in lead.iter("meta")}
    assert meta["og:title"].startswith("Cochabamba\u00a0: un centre ouvre")
    assert meta["twitter:title"] == meta["og:title"]
    english = parse_html(output / "issues/2026-01-winter/english/index.html")
    assert text_of(english.find(".//h1")) == "In English: a note"
    assert "Written \u201cas is\u201d : here." in "".join(
        one(english, ".//div[@class='prose']").itertext())


def test_an_original_shown_untranslated_keeps_its_own_languages_typography(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    """On the French site, an English item that has no translation is English: its quotes
    are English's and its spaces as typed; a translated one gets French typography."""
    site = make_site({
        "bulletin.yaml": MINIMAL_SITE["bulletin.yaml"].rstrip(" ")
        + "        languages: {fr: {}}\n",
        ISSUE + "issue.fr.yaml": "title: Janvier 2026\n",
        ISSUE + "01-lead.md": "---\ntitle: Lead\n---\nShe said \"yes\" : true?\n",
        ISSUE + "03-other.md": "---\ntitle: Other\nsummary: A \"short\" note?\n---\n"
                               "He said \"no\".\n",
        # its summary left untranslated: shown in English, set as English
        ISSUE + "03-other.fr.md": "---\ntitle: '\"Autre\" ?'\n---\nIl a dit \"non\" !\n"})
    output = build(site, BuildOptions(jobs=1, pdf=False)).output

    def body(page: str) -> str:
        return "".join(one(parse_html(output / page), ".//div[@class='prose']").itertext())

    assert body("fr/issues/2026-01-winter/lead/index.html").strip() == \
        "She said \u201cyes\u201d : true?"
    assert body("fr/issues/2026-01-winter/other/index.html").strip() == \
        "Il a dit «\u00a0non\u00a0»\u00a0!"
    contents = parse_html(output / "fr/issues/2026-01-winter/index.html")
    summaries = ["".join(p.itertext()) for p in contents.iter("p")
                 if p.get("class") == "toc-summary"]
    assert "A \u201cshort\u201d note?" in summaries
    other = parse_html(output / "fr/issues/2026-01-winter/other/index.html")
    assert "".join(one(other, ".//h1").itertext()) == "«\u00a0Autre\u00a0»\u00a0?"
    # and kept so by an incremental build
    clean = build(site, BuildOptions(output=tmp_path / "clean", clean=True, jobs=1,
                                     pdf=False)).output
    page = "fr/issues/2026-01-winter/lead/index.html"
    assert (output / page).read_bytes() == (clean / page).read_bytes()


def test_a_site_that_changes_language_renders_its_texts_again(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    """The language is part of what an item is built from: an incremental build after the
    change is the clean build."""
    site = make_site(FRENCH_SITE)
    build(site, BuildOptions(jobs=1, pdf=False))
    settings = site / "bulletin.yaml"
    settings.write_text(settings.read_text("utf-8").replace("language: fr", "language: de"),
                        "utf-8")
    again = build(site, BuildOptions(jobs=1, pdf=False)).output
    clean = build(site, BuildOptions(output=tmp_path / "clean", clean=True, jobs=1,
                                     pdf=False)).output
    for page in ("issues/2026-01-winter/lead/index.html", "issues/2026-01-winter/index.html",
                 "issues/2025-12-autumn/index.html"):
        assert (again / page).read_bytes() == (clean / page).read_bytes(), page
    assert "„bienvenue“" in (again / "issues/2026-01-winter/lead/index.html").read_text("utf-8")
    assert "Janvier „hiver“ 2026" in (again / "issues/2026-01-winter/index.html").read_text("utf-8")


def test_titles_summaries_and_tags_get_the_bodys_typography(
        make_site: Callable[..., Path]) -> None:
    output = built(make_site, {ISSUE + "01-lead.md": """\
        ---
        title: The network's "new" centre -- 2026
        summary: It's 'open'...
        tags: [women's rights]
        ---
        The centre's "doors" are open.
        """})
    page = parse_html(output / "issues/2026-01-winter/lead/index.html")
    assert text_of(page.find(".//h1")) == "The network\u2019s \u201cnew\u201d centre \u2013 2026"
    body = "".join(one(page, ".//div[@class='prose']").itertext())
    assert "The centre\u2019s \u201cdoors\u201d are open." in body
    contents = parse_html(output / "issues/2026-01-winter/index.html")
    summaries = [text_of(p) for p in contents.iter("p") if p.get("class") == "toc-summary"]
    assert summaries == ["It\u2019s \u2018open\u2019\u2026"]
    assert (output / "tags/women-s-rights/index.html").is_file()
    assert "#women\u2019s rights" in (output / "issues/2026-01-winter/lead/index.html").read_text(
        "utf-8")


def descriptions(output: Path, page: str) -> set[str | None]:
    """The page's description as search engines and each kind of link preview read it."""
    metas = {meta.get("property") or meta.get("name"): meta.get("content")
             for meta in parse_html(output / page).iter("meta")}
    return {metas["description"], metas["og:description"], metas["twitter:description"]}


LONG_PARAGRAPH = ("Water & <b>sanitation</b> in **Lima**[^1] are &lt;improving&gt;: the council "
                  "will fund new pipes in every district of the city before the rains, and it "
                  "said so at length, in a sentence that goes well past what a preview shows.")


def test_an_item_without_a_summary_is_described_by_its_first_paragraph(
        make_site: Callable[..., Path]) -> None:
    output = built(make_site, {
        "content/issues/2026-02-single.md": f"""\
            ---
            title: February 2026
            date: 2026-02-01
            summary: The issue's own summary.
            ---
            The issue's introduction.

            ## Pipes

            ![A trench](https://example.org/trench.png)

            {LONG_PARAGRAPH}

            [^1]: The capital.

            ## Short

            One line & done.
            """,
        ISSUE + "03-forum.md": """\
            ---
            title: Forum
            kind: roundtable
            ---
            ## Summary

            The forum met in *Osh*.
            """,
    })
    single = "issues/2026-02-single/"
    # The picture's paragraph has no text; the next one is cut at a word, with an ellipsis,
    # its footnote's number left out, its entities decoded once (and escaped once).
    long = descriptions(output, single + "pipes/index.html")
    assert long == {"Water & sanitation in Lima are <improving>: the council will fund new "
                    "pipes in every district of the city before the rains, and it said so at "
                    "length, in a…"}
    assert len(long.pop() or "") <= 160
    raw = (output / single / "pipes/index.html").read_text("utf-8")
    assert 'content="Water &amp; sanitation in Lima are &lt;improving&gt;:' in raw
    assert descriptions(output, single + "short/index.html") == {"One line & done."}
    assert descriptions(output, single + "index.html") == {"The issue\u2019s own summary."}
    winter = "issues/2026-01-winter/"
    assert descriptions(output, winter + "lead/index.html") == {"The lead story text."}
    assert descriptions(output, winter + "briefs/index.html") == {
        "A clinic opened in Khujand."}  # the first brief's
    assert descriptions(output, winter + "forum/index.html") == {"The forum met in Osh."}
    assert descriptions(output, winter + "index.html") == {"The first test issue."}
    # A page likewise, not the site's tagline (MINIMAL_SITE's about page has no summary).
    assert descriptions(output, "pages/about/index.html") == {"About the test network."}


def test_an_items_summary_is_its_description(make_site: Callable[..., Path]) -> None:
    output = built(make_site, {ISSUE + "01-lead.md": "---\ntitle: Lead\nsummary: One line "
                               "about the lead.\n---\nText.\n"})
    assert descriptions(output, "issues/2026-01-winter/lead/index.html") == {
        "One line about the lead."}


def test_every_languages_404_page_is_noindex_with_no_address_of_its_own(
        make_site: Callable[..., Path]) -> None:
    """It named itself (…/404.html) as canonical and as og:url, and let search engines in."""
    output = built(make_site, {
        "bulletin.yaml": MINIMAL_SITE["bulletin.yaml"].rstrip(" ")
        + "        languages: {es: {}}\n",
        ISSUE + "issue.es.yaml": "title: Enero\n"})
    for page in ("404.html", "es/404.html"):
        head = one(parse_html(output / page), "head")
        robots = [meta.get("content") for meta in head.iter("meta") if meta.get("name") == "robots"]
        assert robots == ["noindex"], page
        assert head.find("link[@rel='canonical']") is None, page
        assert not [meta for meta in head.iter("meta") if meta.get("property") == "og:url"], page
    for page in ("index.html", "es/index.html", "issues/2026-01-winter/lead/index.html"):
        head = one(parse_html(output / page), "head")
        assert not [meta for meta in head.iter("meta") if meta.get("name") == "robots"], page
        assert head.find("link[@rel='canonical']") is not None, page


def test_a_shared_pictures_alt_text_goes_with_it(make_site: Callable[..., Path]) -> None:
    output = built(make_site, {
        "bulletin.yaml": MINIMAL_SITE["bulletin.yaml"].rstrip(" ")
        + "        og_image: share.png\n",
        "static/share.png": TINY_PNG,
        ISSUE + "team.png": TINY_PNG,
        ISSUE + "01-lead.md": "---\ntitle: Lead\nimage: team.png\nimage_alt: 'The team & "
                              "\"friends\" in Pécs'\n---\nText.\n"})

    def metas(page: str) -> dict[str | None, str | None]:
        return {meta.get("property") or meta.get("name"): meta.get("content")
                for meta in parse_html(output / page).iter("meta")}

    lead = metas("issues/2026-01-winter/lead/index.html")
    assert lead["og:image"] == "https://example.org/news/issues/2026-01-winter/team.png"
    assert lead["og:image:alt"] == lead["twitter:image:alt"] == 'The team & "friends" in Pécs'
    # The site's og_image, shared for a page without a picture of its own, has no alt text.
    issue = metas("issues/2026-01-winter/index.html")
    assert issue["og:image"] == "https://example.org/news/share.png"
    assert "og:image:alt" not in issue and "twitter:image:alt" not in issue
