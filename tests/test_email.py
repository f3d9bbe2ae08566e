"""The email edition: email.html is mail-safe, email.txt is complete, the .eml parses."""

from __future__ import annotations

import email
import io
import os
import re
from collections.abc import Callable, Mapping
from email import policy
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import html5lib
import PIL.Image
import pytest
from click.testing import CliRunner
from conftest import MINIMAL_SITE, TINY_PNG, Built, age, write_files
from markupsafe import Markup

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.editions.plaintext import PlainText, columns, fit_lines
from bulletin_gen.errors import ContentError
from bulletin_gen.markdown import MarkdownRenderer
from bulletin_gen.templates import demote_headings

pytest.importorskip("css_inline", reason="the email extra is not installed")

ISSUE = "content/issues/2026-01-winter/"
EMAIL_FILES: dict[str, str | bytes | None] = {
    "bulletin.yaml": MINIMAL_SITE["bulletin.yaml"].rstrip(" ") + """\
        email:
          from: Test Bulletin <news@example.org>
          unsubscribe_url: "*|UNSUB|*"
        """,
    ISSUE + "01-lead.md": """\
        ---
        title: Lead story
        kind: feature
        authors: [Ana Editor]
        regions: [Peru]
        image: images/pic.png
        image_alt: The new centre's front door
        summary: A short summary of the lead story.
        contact: {name: Hélène Bélanger, role: Director, email: helene@example.org}
        ---
        The **lead** story text, with [the report](https://example.org/report.pdf) and a
        note.[^1]

        ![A chart of cases](images/pic.png)

        LEADBODYMARKER continues here.

        [^1]: The footnote text.
        """,
    ISSUE + "images/pic.png": TINY_PNG,
    ISSUE + "03-roundtable.md": """\
        ---
        title: Who decides on water?
        kind: roundtable
        presenters: Lucía Mamani
        facilitators: Nurlan Abenov
        secretaries: [Réka Szőke, Tomás Echeverría]
        venue: Pécs
        ---
        ## Summary
        ROUNDTABLESUMMARYMARKER, following [the lead](01-lead.md).

        ## Conclusions
        - Agreements last when municipalities own them.

        ## Recommendations
        - Publish a guide to the canal walk.
        """,
}


def _build(make_site: Callable[..., Path], files: Mapping[str, str | bytes | None] | None = None,
           **options: object) -> tuple[Path, tuple[object, ...]]:
    site = make_site({**EMAIL_FILES, **(files or {})})
    # Without the print edition unless a test asks for it: no test here reads a PDF, and
    # making them was most of this file's time.
    report = build(site, BuildOptions(**{"pdf": False, **options}))  # type: ignore[arg-type]
    return report.output, report.warnings


def _parse(path: Path) -> Element:
    return html5lib.parse(path.read_text(encoding="utf-8"), namespaceHTMLElements=False)


def _text(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _style_widths(style: str) -> list[int]:
    return [int(n) for n in re.findall(r"(?<![-\w])(?:max-)?width:\s*(\d+)px", style)]


def test_email_html_is_mail_safe(make_site: Callable[..., Path]) -> None:
    output, _ = _build(make_site)
    doc = _parse(output / "issues/2026-01-winter/email.html")
    assert doc.findall(".//script") == []
    assert [link for link in doc.iter("link") if "stylesheet" in link.get("rel", "")] == []
    for style in doc.iter("style"):  # only media queries stay in a style element
        rules = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*\s*\}", "", style.text or "")
        assert rules.strip() == "", rules
    assert "@font-face" not in (output / "issues/2026-01-winter/email.html").read_text()
    for element in doc.iter():
        for attribute in ("href", "src"):
            url = element.get(attribute)
            if url is not None and url != "*|UNSUB|*":
                assert re.match(r"(https?://|mailto:)", url), f"relative {attribute}: {url}"
    images = list(doc.iter("img"))
    assert len(images) == 2 and all(img.get("alt") for img in images)
    assert all(img.get("src", "").startswith("https://example.org/news/issues/2026-01-winter/")
               for img in images)
    # Inlined styles: the class rules are now in style attributes.
    title = doc.find(".//h2[@class='item-title']")
    assert title is not None and "font-size" in title.get("style", "")
    # A long address in the text wraps, in the style attribute of each element of text (it
    # widened the message to 450 px in a 360 px window).
    for path in (".//div[@class='prose']", ".//h2[@class='item-title']"):
        holder = doc.find(path)
        assert holder is not None, path
        assert "overflow-wrap: anywhere;word-break: break-word" in holder.get("style", ""), path


def test_email_html_is_one_column_of_at_most_600_px(make_site: Callable[..., Path]) -> None:
    output, _ = _build(make_site)
    doc = _parse(output / "issues/2026-01-winter/email.html")
    container = doc.find(".//table[@class='container']")
    assert container is not None
    assert container.get("width") == "600" and "max-width: 600px" in container.get("style", "")
    for element in doc.iter():
        if element.get("width", "").isdigit():
            assert int(element.get("width", "0")) <= 600, element.tag
        assert all(width <= 600 for width in _style_widths(element.get("style", ""))), \
            (element.tag, element.get("style"))


def test_recommendations_are_set_apart_from_conclusions_as_on_the_web(
        make_site: Callable[..., Path]) -> None:
    """Conclusions in the accent colour, recommendations in the highlight, as the web and the
    PDF show them, not both alike."""
    colours = {"accent": "#2f5d3a", "highlight": "#7a3b12"}
    output, _ = _build(make_site, {"bulletin.yaml": str(EMAIL_FILES["bulletin.yaml"])
                                   + f"colours: {colours}\n"})
    doc = _parse(output / "issues/2026-01-winter/email.html")
    for role, colour in (("conclusions", colours["accent"]),
                         ("recommendations", colours["highlight"])):
        box = doc.find(f".//table[@class='outcomes outcomes-{role}']")
        assert box is not None, role
        assert f"border-left: 4px solid {colour}" in box.get("style", ""), role
        title = box.find(".//*[@class='outcomes-title']")
        assert title is not None and f"color: {colour}" in title.get("style", ""), role


def test_the_lead_image_fills_the_text_column_on_a_phone(
        make_site: Callable[..., Path], browser: Any) -> None:
    """Below 620 px the column's margins narrow: the image widens with the text (it stopped at
    536 px in a 564 px column)."""
    output, _ = _build(make_site, {ISSUE + "images/pic.png": png(1600, 1000)})
    page = output / "issues/2026-01-winter/email.html"
    # The images' addresses are on the web: the layout does not need them (width and height
    # are given), and a test does not fetch them.
    page.write_text(page.read_text("utf-8").replace(' src="https://', ' data-src="https://'),
                    "utf-8")
    browser.set_window_size(600, 1000)
    browser.get(page.as_uri())
    image, column = browser.execute_script(
        "const width = e => document.querySelector(e).getBoundingClientRect().width;"
        "return [width('.item-image'), width('.item .prose')];")
    assert image == column and image > 536


COMMAND = ("curl -X POST https://api.example.org/v1/bulletins/common-ground/issues/"
           "2026-09-stress/subscribe --data 'email=someone@example.org'")


@pytest.fixture(scope="module")
def pasted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output of a site whose lead holds what an editor pastes: a long command in a code
    block (in a quote too) and a table of five columns. Built once for the tests below."""
    rows = "".join(f"| District {n} | Canal cooperative | {n} | {n * 2} | Neighbourhood "
                   "mediation agreement cooperative municipal |\n" for n in range(6))
    files = {**MINIMAL_SITE, **EMAIL_FILES, ISSUE + "01-lead.md": (
        "---\ntitle: Lead story\n---\nText.\n\n```\n" + COMMAND + "\n```\n\n> ```\n> "
        + COMMAND + "\n> ```\n\n| District | Canal | Cases | Agreements | Notes |\n"
        "|---|---|---|---|---|\n" + rows)}
    site = write_files(tmp_path_factory.mktemp("pasted") / "site",
                       {name: text for name, text in files.items() if text is not None})
    return build(site, BuildOptions(pdf=False)).output


def test_a_long_code_line_and_a_wide_table_stay_inside_the_message(
        pasted: Path, browser: Any, tmp_path: Path) -> None:
    """A 130-character command made the whole message 1,210 px wide, and a table of five
    columns 483 px on a 375 px phone: every paragraph ran past the screen's edge."""
    page = tmp_path / "email.html"
    page.write_text((pasted / "issues/2026-01-winter/email.html").read_text("utf-8").replace(
        ' src="https://', ' data-src="https://'), "utf-8")  # no picture is needed (see above)
    for width in (600, 375):
        browser.set_window_size(width, 900)
        browser.get(page.as_uri())
        inner, whole = browser.execute_script(
            "return [window.innerWidth, document.documentElement.scrollWidth];")
        assert whole <= inner, width


def test_the_plain_text_keeps_a_line_of_code_whole(pasted: Path) -> None:
    """Rewrapped at 72 columns, a command copied from the plain-text email broke in three."""
    lines = (pasted / "issues/2026-01-winter/email.txt").read_text("utf-8").splitlines()
    assert "    " + COMMAND in lines and ">     " + COMMAND in lines


def test_a_kind_label_in_the_contents_never_starts_a_line_with_its_dot(
        make_site: Callable[..., Path], browser: Any) -> None:
    """'· ROUND TABLE' after a title that fills the line goes to the next line with the title's
    last word, never alone: a line of the contents does not start with '·'."""
    long_title = "Who decides on water? Mediating irrigation disputes along the canal"
    roundtable = EMAIL_FILES[ISSUE + "03-roundtable.md"]
    assert isinstance(roundtable, str)
    output, _ = _build(make_site, {ISSUE + "03-roundtable.md": roundtable.replace(
        "title: Who decides on water?", f"title: {long_title}")})
    for width in (700, 560, 420, 360):  # the 600 px column in a desktop client, then phones
        browser.set_window_size(width, 900)
        browser.get((output / "issues/2026-01-winter/email.html").as_uri())
        lines = browser.execute_script("""
            const kind = [...document.querySelectorAll('.toc-kind')]
                .find(span => span.previousElementSibling.textContent.startsWith('Who decides'));
            const title = [...kind.previousElementSibling.getClientRects()].pop();
            const dot = document.createRange();
            dot.setStart(kind.firstChild, 0);
            dot.setEnd(kind.firstChild, 1);
            return [dot.toString(), title.top, title.bottom, dot.getBoundingClientRect().top];
        """)
        dot, title_top, title_bottom, dot_top = lines
        assert dot == "·"
        assert title_top <= dot_top < title_bottom, (width, lines)  # on the title's last line


def test_email_html_holds_the_whole_issue(make_site: Callable[..., Path]) -> None:
    output, _ = _build(make_site)
    doc = _parse(output / "issues/2026-01-winter/email.html")
    text = _text(doc)
    for title in ("Test Bulletin", "January 2026", "Lead story", "Other news",
                  "Who decides on water?", "Clinic opens"):
        assert title in text
    assert "LEADBODYMARKER" in text and "ROUNDTABLESUMMARYMARKER" in text
    # Briefs with their regions; round-table roles and outcomes.
    assert "Tajikistan · Uzbekistan" in text and "Hungary" in text
    roles = {_text(row.findall("td")[0]): _text(row.findall("td")[1])
             for row in doc.iter("tr") if len(row.findall("td")) == 2}
    assert roles["Presenter"] == "Lucía Mamani"
    assert roles["Secretaries"] == "Réka Szőke and Tomás Echeverría"
    assert "Agreements last when municipalities own them." in text
    assert "Publish a guide to the canal walk." in text
    # Preheader, view in browser, footer.
    preheader = doc.find(".//div[@class='preheader']")
    assert preheader is not None and "display:none" in preheader.get("style", "")
    # Published for mailing tools beside the issue's page, of which it is a copy to search
    # engines: not indexed.
    assert [meta.get("content") for meta in doc.iter("meta") if meta.get("name") == "robots"
            ] == ["noindex"]
    assert _text(preheader).startswith("The first test issue.")
    hrefs = {_text(a): a.get("href") for a in doc.iter("a")}
    assert hrefs["View this issue in your browser"] == \
        "https://example.org/news/issues/2026-01-winter/"
    assert hrefs["Lead story"] == "https://example.org/news/issues/2026-01-winter/lead/"
    assert hrefs["the lead"] == "https://example.org/news/issues/2026-01-winter/lead/"
    assert hrefs["Test Network"] == "https://example.org/"
    assert "Published by Test Network." in text


@pytest.fixture(scope="module")
def arabic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output of the test site with an Arabic edition, whose round table is translated and
    whose lead story and briefs are shown untranslated, in English."""
    site = write_files(tmp_path_factory.mktemp("arabic") / "site", {
        **MINIMAL_SITE, **{name: text for name, text in EMAIL_FILES.items() if text is not None},
        "bulletin.yaml": str(EMAIL_FILES["bulletin.yaml"]) + "languages: {ar: {}}\n",
        ISSUE + "issue.ar.yaml": "title: يناير 2026\n",
        ISSUE + "03-roundtable.ar.md": "---\ntitle: من يقرر بشأن المياه؟\n---\n## الملخص\nنص.\n\n"
                                       "- [x] تدريب\n- [ ] نشر\n"})
    return build(site, BuildOptions(pdf=False, jobs=1)).output


def test_an_untranslated_item_is_laid_out_in_its_language_with_a_note(arabic: Path) -> None:
    doc = _parse(arabic / "ar/issues/2026-01-winter/email.html")
    items = {cell.get("class"): cell for cell in doc.iter("td")
             if "item" in (cell.get("class") or "").split()}
    lead, table = items["pad item item-feature"], items["pad item item-roundtable"]
    # Left to right by `dir`, and by alignment for the clients that drop it: its punctuation,
    # list bullets and table columns were laid out right to left.
    assert (lead.get("lang"), lead.get("dir"), lead.get("align")) == ("en", "ltr", "left")
    assert "text-align: left" in lead.get("style", "")
    assert items["pad item item-briefs"].get("dir") == "ltr"
    # The theme's words in it are Arabic, right to left, and so is the note the web page shows.
    note = "لم يُترجم هذا الموضوع بعد: يُعرض بلغته الأصلية."
    words = {path: lead.find(path) for path in (
        ".//p[@class='kind']", ".//p[@class='byline']", ".//p[@class='untranslated-note']",
        ".//p[@class='contact']/strong")}
    for path, element in words.items():
        assert element is not None, path
        assert (element.get("lang"), element.get("dir")) == ("ar", "rtl"), path
        assert "text-align: right" in element.get("style", ""), path
    assert [_text(element) for element in list(words.values())[2:] if element is not None] == [
        note, "للتواصل:"]
    assert (table.get("lang"), table.get("dir")) == (None, None)  # translated: the message's
    assert table.find(".//p[@class='untranslated-note']") is None
    text = (arabic / "ar/issues/2026-01-winter/email.txt").read_text(encoding="utf-8")
    assert text.count(note) == 2  # the lead story and the briefs


def test_a_message_read_right_to_left_keeps_its_direction_and_its_latin_lines_theirs(
        arabic: Path) -> None:
    """Webmail drops <html>'s attributes, and the whole message went left to right; in the
    text, a right-to-left mark before an address or an English sentence moved its last slash
    or full stop to its start."""
    page = (arabic / "ar/issues/2026-01-winter/email.html").read_text(encoding="utf-8")
    outer = next(table for table in _parse(arabic / "ar/issues/2026-01-winter/email.html")
                 .iter("table") if table.get("class") == "outer")
    assert (outer.get("lang"), outer.get("dir")) == ("ar", "rtl")
    assert page.encode("utf-8").find(b'<meta charset="utf-8">') < 1024 - 30
    lines = (arabic / "ar/issues/2026-01-winter/email.txt").read_text("utf-8").splitlines()
    arabic_lines = [line for line in lines if re.search("[\u0600-\u06ff]", line)]
    latin_lines = [line for line in lines if line.strip() and line not in arabic_lines]
    assert arabic_lines and all(line.startswith("\u200f") for line in arabic_lines)
    assert any(line.startswith("https://") for line in latin_lines)
    assert latin_lines and not any("\u200f" in line for line in latin_lines)


def test_the_messages_links_and_pictures_are_written_in_ascii(
        make_site: Callable[..., Path]) -> None:
    """Some mailing tools' click tracking rejects a link with a letter beyond ASCII."""
    output, _ = _build(make_site, {
        ISSUE + "02-pecs.md": "---\ntitle: Pécs\n---\nSee [the lead](01-lead.md) "
                              "and [Łódź](https://łódź.example.pl/miasto/).\n\n"
                              "![Map](<images/mapa ł.png>)\n",
        ISSUE + "images/mapa ł.png": TINY_PNG})
    doc = _parse(output / "issues/2026-01-winter/email.html")
    addresses = [value for element in doc.iter() for name, value in element.attrib.items()
                 if name in ("href", "src")]
    assert "https://xn--d-uga0v4h.example.pl/miasto/" in addresses
    assert "https://example.org/news/issues/2026-01-winter/images/mapa%20%C5%82.png" in addresses
    assert all(value.isascii() for value in addresses)


def test_an_issue_is_named_by_its_folder_or_a_file_as_the_shell_gives_them(
        make_site: Callable[..., Path], runner: CliRunner, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside an issue's folder, '.' was "no issue ''" and 'issue.es.yaml' "no issue
    'issue-yaml'"."""
    from bulletin_gen.cli import main

    site = make_site({**EMAIL_FILES, "bulletin.yaml": str(EMAIL_FILES["bulletin.yaml"])
                      + "languages: {es: {}}\n", ISSUE + "issue.es.yaml": "title: Enero\n"})
    monkeypatch.chdir(site / ISSUE)
    for named, written in ((".", "2026-01-winter.eml"), ("./", "2026-01-winter.eml"),
                           ("issue.es.yaml", "2026-01-winter.es.eml")):
        result = runner.invoke(main, ["email", named, "-o", str(tmp_path)])
        assert result.exit_code == 0, result.output
        assert (tmp_path / written).is_file()


def test_a_checklist_of_a_message_read_right_to_left_has_its_ticks_on_the_right(
        arabic: Path) -> None:
    """Inlined for clients that know no `inline-start`: the ticks were set into the left
    margin, off the column's right edge."""
    doc = _parse(arabic / "ar/issues/2026-01-winter/email.html")
    checks = [item for item in doc.iter("li") if "check" in (item.get("class") or "")]
    assert len(checks) == 2
    for check in checks:
        style = check.get("style", "").replace(" ", "")
        assert "margin-right:-24px" in style and "padding-right:28px" in style, style
        assert "margin-left:0" in style and "padding-left:0" in style, style
    lists = [each for each in doc.iter("ul") if any(check in list(each) for check in checks)]
    assert len(lists) == 1 and "padding: 0 24px 0 0" in lists[0].get("style", "")


def test_a_table_of_many_columns_shares_the_column_and_never_widens_the_message(
        make_site: Callable[..., Path]) -> None:
    """It pushed every paragraph of the message past a phone's edge (815 px in 375)."""
    head = "| Centre |" + " Month |" * 12 + " Total |\n" + "|---" * 14 + "|\n"
    output, _ = _build(make_site, {ISSUE + "03-table.md": "---\ntitle: Cases\n---\n" + head
                                   + "| Pécs |" + " 12 |" * 12 + " 137 |\n"})
    doc = _parse(output / "issues/2026-01-winter/email.html")
    wide = [table for table in doc.iter("table") if table.get("class") == "wide"]
    assert len(wide) == 1
    assert "table-layout: fixed" in wide[0].get("style", "")
    assert all("overflow-wrap: anywhere" in cell.get("style", "")
               for cell in wide[0].iter() if cell.tag in ("th", "td"))


def test_unsubscribe_merge_tags_pass_through_unescaped(make_site: Callable[..., Path]) -> None:
    for tag in ("*|UNSUB|*", "{{ UnsubscribeURL }}", "<%asm_group_unsubscribe_raw_url%>"):
        yaml = EMAIL_FILES["bulletin.yaml"].replace('"*|UNSUB|*"', f"'{tag}'")  # type: ignore
        output, _ = _build(make_site, {"bulletin.yaml": yaml})
        html = (output / "issues/2026-01-winter/email.html").read_text(encoding="utf-8")
        assert f'href="{tag}"' in html
        text = (output / "issues/2026-01-winter/email.txt").read_text(encoding="utf-8")
        assert f"Unsubscribe: {tag}\n" in text


def test_text_edition_holds_every_title_and_link_within_72_columns(
        make_site: Callable[..., Path]) -> None:
    output, _ = _build(make_site)
    text = (output / "issues/2026-01-winter/email.txt").read_text(encoding="utf-8")
    for title in ("Lead story", "Other news", "Who decides on water?", "Clinic opens"):
        assert title in text
    doc = _parse(output / "issues/2026-01-winter/email.html")
    for anchor in doc.iter("a"):
        href = anchor.get("href", "")
        if "#fn" in href:  # a footnote mark: the note itself follows in the text
            continue
        assert href.removeprefix("mailto:") in text, href
    for line in text.splitlines():
        assert len(line) <= 72 or re.fullmatch(r"(\[\d+\] |[\w ]+: )?\S+://\S+", line), line
    assert "[Image: The new centre's front door]" in text
    assert "Presenter:    Lucía Mamani" in text
    # No contact of the issue's: the site's is in the footer, as in the HTML.
    assert "\nContact: Ana Editor <editor@example.org>\n" in text.rpartition("-" * 72)[2]


def test_text_edition_lists_links_after_each_item(make_site: Callable[..., Path]) -> None:
    output, _ = _build(make_site)
    text = (output / "issues/2026-01-winter/email.txt").read_text(encoding="utf-8")
    items = text.split("=" * 72)[1:]
    # The contents' key outcomes link to the round table's first: [1], listed under them.
    assert "[1] https://example.org/news/issues/2026-01-winter/roundtable/#" in text.split(
        "=" * 72)[0]
    lead = items[0]
    assert "the report [2]" in lead
    assert "[2] https://example.org/report.pdf" in lead
    assert "[3] https://example.org/news/issues/2026-01-winter/lead/" in lead
    roundtable = items[2]
    assert "following the lead [5]" in roundtable  # numbers run on through the message
    assert "[5] https://example.org/news/issues/2026-01-winter/lead/" in roundtable
    assert lead.index("[2] https://") > lead.index("LEADBODYMARKER")


def test_digest_mode_sends_summaries_and_read_more_links(make_site: Callable[..., Path]) -> None:
    yaml = str(EMAIL_FILES["bulletin.yaml"]) + "  mode: digest\n"
    output, _ = _build(make_site, {"bulletin.yaml": yaml})
    doc = _parse(output / "issues/2026-01-winter/email.html")
    text = _text(doc)
    assert "A short summary of the lead story." in text
    assert "LEADBODYMARKER" not in text
    assert "ROUNDTABLESUMMARYMARKER" in text  # no summary: the opening words stand in
    assert "Agreements last when municipalities own them." in text  # outcomes stay
    assert "Clinic opens" in text  # briefs are short already: kept whole
    read_more = [a.get("href") for a in doc.iter("a") if _text(a) == "Read more →"]
    assert "https://example.org/news/issues/2026-01-winter/lead/" in read_more
    plain = (output / "issues/2026-01-winter/email.txt").read_text(encoding="utf-8")
    assert "Read more [" in plain and "LEADBODYMARKER" not in plain


def test_a_long_issue_warns_that_gmail_clips_it(make_site: Callable[..., Path]) -> None:
    body = "\n\n".join(f"Paragraph {n} of a very long story. " * 12 for n in range(300))
    long_item = {ISSUE + "04-long.md": f"---\ntitle: A long story\n---\n{body}\n"}
    output, warnings = _build(make_site, long_item)
    size = (output / "issues/2026-01-winter/email.html").stat().st_size
    assert size > 102_400
    messages = [str(w) for w in warnings]
    assert any("Gmail clips messages over 100 KB" in m and "2026-01-winter/issue.yaml" in m
               for m in messages), messages
    with pytest.raises(ContentError, match="Gmail clips"):
        _build(make_site, long_item, strict=True)
    yaml = str(EMAIL_FILES["bulletin.yaml"]) + "  mode: digest\n"
    _, warnings = _build(make_site, {**long_item, "bulletin.yaml": yaml})
    assert not [w for w in warnings if "Gmail" in str(w)]


def test_without_base_url_the_edition_is_skipped_with_a_warning(make_site: Callable[..., Path],
                                                                runner: CliRunner) -> None:
    yaml = re.sub(r" *base_url: .*\n", "", str(EMAIL_FILES["bulletin.yaml"]))
    output, warnings = _build(make_site, {"bulletin.yaml": yaml})
    assert not (output / "issues/2026-01-winter/email.html").exists()
    assert (output / "issues/2026-01-winter/index.html").exists()
    assert [str(w) for w in warnings if "base_url" in str(w)] == [
        "bulletin.yaml: base_url is not set, and every address read away from the site must be "
        "absolute: left out the feeds, the sitemap, the canonical links, the pictures of link "
        "previews and the email edition (add 'base_url: https://example.org/bulletin/' to "
        "bulletin.yaml or pass --base-url)"]
    from bulletin_gen.cli import main

    site = output.parent
    result = runner.invoke(main, ["email", "2026-01-winter", str(site), "--eml",
                                  str(site / "x.eml")])
    assert result.exit_code == 1
    assert "base_url is not set" in result.output and "--base-url" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("picture", "hint"), [
    ("![](images/pic.png)", "describe the picture in the brackets: ![what it shows]"
                            "(images/pic.png)"),
    # raw HTML, as written with unsafe_html on: it was blamed on issue.yaml, with no line
    ('<img src="images/pic.png">', "give the <img> an alt attribute describing the picture"),
])
def test_an_image_without_alt_text_is_a_warning_at_its_file_and_line(
        make_site: Callable[..., Path], picture: str, hint: str) -> None:
    item = {ISSUE + "04-pictures.md": f"---\ntitle: Pictures\n---\n{picture}\n",
            "bulletin.yaml": str(EMAIL_FILES["bulletin.yaml"]) + "unsafe_html: true\n"}
    output, warnings = _build(make_site, item)
    expected = [f"{ISSUE}04-pictures.md:4: image without alt text: images/pic.png ({hint})"]
    assert [str(w) for w in warnings] == expected
    age(output.parent)  # a rebuild takes the item from the cache, and says it again
    again = build(output.parent, BuildOptions(pdf=False)).warnings
    assert [str(w) for w in again] == expected


def test_a_template_image_without_alt_attribute_is_a_warning_of_the_email(
        make_site: Callable[..., Path]) -> None:
    template = ('{% include "theme/email/footer.html" %}'
                '<tr><td><img src="https://example.org/badge.png"></td></tr>\n')
    _, warnings = _build(make_site, {"templates/email/footer.html": template})
    assert [str(w) for w in warnings] == [
        f"{ISSUE}issue.yaml: an image of the email edition has no alt text: "
        "https://example.org/badge.png (give the <img> an alt attribute describing the "
        "picture)"]


def test_email_can_be_switched_off(make_site: Callable[..., Path]) -> None:
    yaml = str(EMAIL_FILES["bulletin.yaml"]) + "  enabled: false\n"
    output, warnings = _build(make_site, {"bulletin.yaml": yaml})
    assert not (output / "issues/2026-01-winter/email.html").exists()
    assert not warnings


@pytest.mark.parametrize("logo", ["mark.png", "mark.svg"])
def test_a_png_logo_tops_the_email_an_svg_one_does_not(make_site: Callable[..., Path],
                                                       logo: str) -> None:
    """Gmail and Outlook show no SVG: the email shows the logo only when they can."""
    yaml = str(EMAIL_FILES["bulletin.yaml"]).replace("        email:\n",
                                                     f"        logo: {logo}\n        email:\n")
    picture = io.BytesIO()
    PIL.Image.new("RGB", (30, 10)).save(picture, "PNG")
    output, warnings = _build(make_site, {"bulletin.yaml": yaml,
                                          f"static/{logo}": picture.getvalue()})
    masthead = _parse(output / "issues/2026-01-winter/email.html").find(
        ".//td[@class='pad masthead']")
    assert masthead is not None
    shown = [(img.get("src"), img.get("width"), img.get("height")) for img in masthead.iter("img")]
    # Its width too, in proportion: Outlook reads no CSS and would draw it 30 pixels wide
    assert shown == ([("https://example.org/news/mark.png", "144", "48")]
                     if logo.endswith(".png") else [])
    assert not warnings


def test_eml_is_a_multipart_alternative_message(make_site: Callable[..., Path],
                                                runner: CliRunner, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from bulletin_gen.cli import main

    output, _ = _build(make_site)
    site, eml = output.parent, output.parent / "winter.eml"
    result = runner.invoke(main, ["email", "2026-01-winter", str(site), "--eml", str(eml)])
    assert result.exit_code == 0, result.output
    assert 'Wrote' in result.output and '"Test Bulletin: January 2026"' in result.output
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == "Test Bulletin: January 2026"
    assert message["From"].addresses[0].addr_spec == "news@example.org"
    # Noon UTC: the issue's date from Hawaii to New Zealand (midnight was the day before in
    # the Americas); no Message-ID, which the sending server gives each message
    assert message["Date"] == "Thu, 15 Jan 2026 12:00:00 +0000"
    assert message["Message-ID"] is None and message["To"] is None
    assert message["List-Unsubscribe"] is None  # a merge tag is not a URL
    parts = [part.get_content_type() for part in message.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    plain, html = (part.get_content().replace("\r\n", "\n").rstrip("\n")  # SMTP: CRLF
                   for part in message.iter_parts())
    for got, ext in ((plain, "txt"), (html, "html")):
        built = (output / f"issues/2026-01-winter/email.{ext}").read_text(encoding="utf-8")
        assert got == built.rstrip("\n")
    first = eml.read_bytes()
    runner.invoke(main, ["email", "2026-01-winter", str(site), "--eml", str(eml)])
    assert eml.read_bytes() == first  # same issue, same bytes: the boundary too
    # As `bulletin pdf`: -o names the file, and without it the issue's slug does, here.
    runner.invoke(main, ["email", "2026-01-winter", str(site), "-o", str(site / "o.eml")])
    assert (site / "o.eml").read_bytes() == first
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["email", "issues/2026-01-winter/", str(site)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "2026-01-winter.eml").read_bytes() == first
    # The issue named as a shell completes it from the site's folder, or by one of its files.
    for named in (f"{site.name}/content/issues/2026-01-winter/",
                  f"{site.name}/content/issues/2026-01-winter/01-lead.md"):
        (tmp_path / "2026-01-winter.eml").unlink()
        result = runner.invoke(main, ["email", named, str(site)])
        assert result.exit_code == 0, result.output
        assert (tmp_path / "2026-01-winter.eml").read_bytes() == first
        # Without SITE, the site is the folder above the path that holds bulletin.yaml.
        (tmp_path / "2026-01-winter.eml").unlink()
        result = runner.invoke(main, ["email", named])
        assert result.exit_code == 0, result.output
        assert (tmp_path / "2026-01-winter.eml").read_bytes() == first
    result = runner.invoke(main, ["email", "elsewhere/content/issues/2026-01-winter/"])
    assert result.exit_code == 1 and "no bulletin.yaml here" in result.stderr


def test_eml_names_an_unsubscribe_link_and_defaults_the_sender(
        make_site: Callable[..., Path]) -> None:
    from bulletin_gen.editions.email import export_eml

    yaml = str(EMAIL_FILES["bulletin.yaml"]).replace(
        "  from: Test Bulletin <news@example.org>\n", "").replace(
        '"*|UNSUB|*"', "https://lists.example.org/unsubscribe?list=news&id=7")
    site = make_site({**EMAIL_FILES, "bulletin.yaml": yaml})
    report = export_eml(site, "2026-01-winter", site / "w.eml")
    message = email.message_from_bytes(report.path.read_bytes(), policy=policy.default)
    assert message["List-Unsubscribe"] == "<https://lists.example.org/unsubscribe?list=news&id=7>"
    assert str(message["From"]) == "Test Bulletin <editor@example.org>"


def test_eml_sender_and_recipients_as_editors_write_them(make_site: Callable[..., Path],
                                                         runner: CliRunner) -> None:
    """A comma in the sender's name made two From addresses, one of them without a domain;
    `sendmail -t` needs a To:; a message with no way to unsubscribe is warned of."""
    from bulletin_gen.cli import main

    yaml = str(EMAIL_FILES["bulletin.yaml"]).replace(
        "from: Test Bulletin <news@example.org>",
        'from: "Hélène Marchand, Common Ground <bulletin@örnek.com.tr>"').replace(
        '  unsubscribe_url: "*|UNSUB|*"\n', "")
    site = make_site({**EMAIL_FILES, "bulletin.yaml": yaml})
    eml = site / "w.eml"
    result = runner.invoke(main, ["email", "2026-01-winter", str(site), "-o", str(eml), "--to",
                                  "Zeynep Kaya <zeynep@example.org>", "--to", "list@example.org"])
    assert result.exit_code == 0, result.output
    assert ("bulletin.yaml: warning: the message has no unsubscribe link" in result.stderr)
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    [sender] = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (
        "Hélène Marchand, Common Ground", "bulletin@xn--rnek-4qa.com.tr")
    assert [address.addr_spec for address in message["To"].addresses] == [
        "zeynep@example.org", "list@example.org"]
    for written, said in (
            ("Zeynep Kaya", "has no email address"),
            ("Ana <ana@example.org>, Bob <bob@example.org>", "holds more than one address"),
            ("Field Notes news@example.org", "is not one email address"),
            ("news@faß.de", "names a domain, faß.de, that cannot be written in ASCII here: "
                            "write its IDNA form (xn--...)"),
            ("Ana\nBcc: all@example.org", "is on more than one line")):
        result = runner.invoke(main, ["email", "2026-01-winter", str(site), "-o", str(eml),
                                      "--to", written])
        assert result.exit_code == 1, result.output
        assert f"--to: '{written}' {said} (write one address: 'Name <user@example.org>')" in \
            result.output
    for written, name, spec in (("news@example.org (Common Ground)", "Common Ground",
                                 "news@example.org"), ("news@example.org", "", "news@example.org"),
                                ("(Carl) carl@example.org", "Carl", "carl@example.org"),
                                ('Dan "D" <dan@example.org>', 'Dan "D"', "dan@example.org")):
        result = runner.invoke(main, ["email", "2026-01-winter", str(site), "-o", str(eml),
                                      "--to", written])
        [address] = email.message_from_bytes(eml.read_bytes(), policy=policy.default)[
            "To"].addresses
        assert (address.display_name, address.addr_spec) == (name, spec)


def test_an_issue_without_a_summary_shows_its_titles_in_the_inbox(
        make_site: Callable[..., Path]) -> None:
    """Beside the subject, the preheader; of briefs alone it said 'Other news'."""
    output, _ = _build(make_site, {ISSUE + "issue.yaml": "title: January 2026\ndate: 2026-01-15\n",
                                   ISSUE + "01-lead.md": None, ISSUE + "03-roundtable.md": None})
    preheader = _parse(output / "issues/2026-01-winter/email.html").find(
        ".//div[@class='preheader']")
    assert preheader is not None and _text(preheader).startswith(
        "Clinic opens · Budget hearings in Pécs.")


def test_an_issue_names_its_own_subject_which_a_translation_does_not_take(
        make_site: Callable[..., Path]) -> None:
    """The subject was always 'Site: Issue'; a mailing's subject names its news."""
    from bulletin_gen.editions.email import export_eml

    site = make_site({**EMAIL_FILES,
                      "bulletin.yaml": str(EMAIL_FILES["bulletin.yaml"]) + "languages: {es: {}}\n",
                      ISSUE + "issue.yaml": "title: January 2026\ndate: 2026-01-15\nemail_"
                                            "subject: \"Pécs opens its budget -- and more\"\n",
                      ISSUE + "issue.es.yaml": "title: Enero de 2026\n"})
    subjects = {}
    for language in ("en", "es"):
        report = export_eml(site, "2026-01-winter", site / f"{language}.eml",
                            language=None if language == "en" else language)
        message = email.message_from_bytes(report.path.read_bytes(), policy=policy.default)
        subjects[language] = message["Subject"]
    assert subjects == {"en": "Pécs opens its budget \u2013 and more",  # the typographer's dash
                        "es": "Test Bulletin: Enero de 2026"}


def test_email_command_errors(make_site: Callable[..., Path], runner: CliRunner) -> None:
    from bulletin_gen.cli import main

    site = make_site({**EMAIL_FILES, ISSUE + "issue.yaml": (
        "title: January 2026\ndate: 2026-01-15\nstatus: draft\n")})
    eml = str(site / "x.eml")
    result = runner.invoke(main, ["email", "2026-01-wintr", str(site), "--eml", eml])
    assert result.exit_code == 1 and "no issue '2026-01-wintr'" in result.output
    result = runner.invoke(main, ["email", "2026-01-winter", str(site), "--eml", eml])
    assert result.exit_code == 1 and "is a draft: pass --drafts" in result.output
    result = runner.invoke(main, ["email", "2026-01-winter", str(site), "--eml", eml,
                                  "--drafts"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["email", "2026-01-winter", str(site), "--drafts", "--eml",
                                  str(site / "missing" / "x.eml")])
    assert result.exit_code == 1 and "cannot write" in result.output


def test_the_eml_is_never_written_over_a_file_of_the_site_or_of_another_kind(
        make_site: Callable[..., Path], runner: CliRunner, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A mistyped -o once replaced bulletin.yaml or an item with the message; run in an issue's
    folder, the command left ISSUE.eml among the content, which the build then published."""
    from bulletin_gen.cli import main

    site = make_site(EMAIL_FILES)
    before = {path: path.read_bytes() for path in site.rglob("*") if path.is_file()}
    notes = tmp_path / "notes.txt"
    notes.write_text("Subject: not a message\nto keep\n", encoding="utf-8")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for target, said in [(site / "bulletin.yaml", "over the site's bulletin.yaml"),
                         (site / ISSUE / "01-lead.md", "inside the site's content/ folder"),
                         (site / "templates/new.eml", "inside the site's templates/ folder"),
                         (notes, f"refusing to replace {notes}: it is not an email message"),
                         (fifo, "it is not a file")]:
        result = runner.invoke(main, ["email", "2026-01-winter", str(site), "-o", str(target)])
        assert result.exit_code == 1 and said in result.output, result.output
    result = runner.invoke(main, ["email", "2026-01-winter", str(site), "-o",
                                  f"{tmp_path}/missing/"])  # not made a file 'missing'
    assert result.exit_code == 2 and "there is no folder" in result.output, result.output
    monkeypatch.chdir(site / ISSUE)
    result = runner.invoke(main, ["email", "2026-01-winter"])
    assert result.exit_code == 1, result.output
    assert "inside the site's content/ folder" in result.output
    assert "run the command outside that folder" in result.output
    assert {path: path.read_bytes() for path in site.rglob("*") if path.is_file()} == before
    assert notes.read_text(encoding="utf-8") == "Subject: not a message\nto keep\n"
    # A folder takes the message under its default name; the message may be written again,
    # and an empty file (as mktemp makes) taken.
    for _ in range(2):
        result = runner.invoke(main, ["email", "2026-01-winter", str(site), "-o", str(tmp_path)])
        assert result.exit_code == 0, result.output
    assert (tmp_path / "2026-01-winter.eml").read_bytes().startswith(b"Subject: ")
    empty = tmp_path / "tmp.XXXX"
    empty.write_bytes(b"")
    result = runner.invoke(main, ["email", "2026-01-winter", str(site), "-o", str(empty)])
    assert result.exit_code == 0 and empty.read_bytes().startswith(b"Subject: "), result.output


def test_bad_email_settings_are_content_errors(make_site: Callable[..., Path]) -> None:
    yaml = str(EMAIL_FILES["bulletin.yaml"]).replace(
        "Test Bulletin <news@example.org>", "Test Bulletin").replace(
        '"*|UNSUB|*"', "'https://x.org/u?a=\"b\"'")
    with pytest.raises(ContentError) as error:
        _build(make_site, {"bulletin.yaml": yaml})
    message = str(error.value)
    assert "bulletin.yaml:9: error: email.from: 'Test Bulletin' has no email address (write " \
        "one address: 'Bulletin <news@example.org>')" in message
    assert "email.unsubscribe_url: a URL cannot contain '\"'" in message
    # The brackets left out: the name became part of the address ("Test Bulletin news"@...)
    yaml = yaml.replace("from: Test Bulletin", "from: Test Bulletin news@example.org")
    with pytest.raises(ContentError) as error:
        _build(make_site, {"bulletin.yaml": yaml})
    assert "email.from: 'Test Bulletin news@example.org' is not one email address" in \
        str(error.value)


def test_email_templates_are_overridable_by_name(make_site: Callable[..., Path]) -> None:
    override = {"templates/email/footer.html":
                '<tr><td>OUR OWN FOOTER <a href="{{ unsubscribe_url }}">Leave</a></td></tr>\n'}
    output, _ = _build(make_site, override)
    html = (output / "issues/2026-01-winter/email.html").read_text(encoding="utf-8")
    assert "OUR OWN FOOTER" in html and 'href="*|UNSUB|*"' in html
    assert "Published by" not in html


def test_email_edition_is_deterministic(make_site: Callable[..., Path], tmp_path: Path) -> None:
    first, _ = _build(make_site)
    data = [(first / f"issues/2026-01-winter/email.{ext}").read_bytes() for ext in ("html", "txt")]
    second = build(first.parent, BuildOptions(output=tmp_path / "again")).output
    assert data == [(second / f"issues/2026-01-winter/email.{ext}").read_bytes()
                    for ext in ("html", "txt")]


def test_demo_site_email_editions(demo_built: Built) -> None:
    output = demo_built.output
    for issue in ("2025-07-summer", "2025-11-forum", "2026-03-spring"):
        doc = _parse(output / f"issues/{issue}/email.html")
        assert doc.findall(".//script") == []
        text = (output / f"issues/{issue}/email.txt").read_text(encoding="utf-8")
        assert "Unsubscribe: *|UNSUB|*" in text
    forum = _text(_parse(output / "issues/2025-11-forum/email.html"))
    assert "Dilnoza Yusupova" in forum and "Recommendations" in forum


def test_demo_text_footer_says_what_the_html_footer_says(demo_built: Built) -> None:
    """The same links in the same order, Subscribe among them; the site's contact, who is
    the issue's, named once ("About this issue"), as in the HTML."""
    issue = demo_built.output / "issues/2025-11-forum"
    # a heading the web page hides for screen readers would show in a mail client
    assert 'class="visually-hidden"' not in (issue / "email.html").read_text("utf-8")
    text = (issue / "email.txt").read_text(encoding="utf-8")
    footer = text.rpartition("-" * 72 + "\n")[2]
    assert footer.count("bulletin@example.org") == 1
    assert footer.startswith("About this issue: Hélène Marchand <bulletin@example.org>\n")
    assert "Contact:" not in footer
    cell = next(cell for cell in _parse(issue / "email.html").iter("td")
                if "footer" in (cell.get("class") or "").split())
    links = [(_text(a), a.get("href")) for a in cell.findall("p")[-1].iter("a")]
    assert [label for label, _ in links] == ["View in your browser", "Past issues", "Subscribe",
                                             "Unsubscribe"]
    lines = footer.rstrip("\n").split("\n")
    assert lines[-len(links):] == [f"{label}: {href}" for label, href in links]


# The plain-text writer on its own -----------------------------------------------------------

def test_plain_text_lists_quotes_and_tables() -> None:
    text = PlainText("https://example.org/issues/a/")
    html = ("<blockquote><p>A quoted line that is long enough to need wrapping when it is "
            "written out at seventy-two columns wide.</p></blockquote>"
            "<ol><li>first<ul><li>nested</li></ul></li><li>second</li></ol>"
            "<table><thead><tr><th>Place</th><th style=\"text-align:right\">Cases</th></tr>"
            "</thead><tbody><tr><td>Pécs</td><td style=\"text-align:right\">12</td></tr>"
            "</tbody></table><p>See <a href=\"../b/\">the other issue</a>.</p>")
    assert text.html(html).split("\n") == [
        "> A quoted line that is long enough to need wrapping when it is written",
        "> out at seventy-two columns wide.",
        "",
        "1. first",
        "   - nested",
        "2. second",
        "",
        "Place  Cases",
        "-----  -----",
        "Pécs      12",
        "",
        "See the other issue [1].",
    ]
    assert text.references() == "[1] https://example.org/issues/b/"
    assert text.references() == ""


def test_plain_text_leaves_out_style_sheets_and_scripts() -> None:
    """Raw HTML's (`unsafe_html: true`): their code was written out as text."""
    html = ("<style>.box{border:1px solid red}</style><div class=\"box\">Boxed text.</div>"
            "<p>Before <script>alert(2)</script>after.</p>")
    assert PlainText("https://example.org/").html(html).split("\n") == [
        "Boxed text.", "", "Before after."]


def test_plain_text_in_chinese_or_japanese_is_wrapped_between_letters() -> None:
    """Such a text has no spaces to wrap at: its lines ran 248 columns wide, and its headings
    were underlined for half their width (a letter takes two columns)."""
    sentence = ("ネットワークはビシュケクに新しい事務所を開設しました。"
                "連絡先は editor@example.org です。")
    text = PlainText("https://e.org/")
    lines = text.html(f"<p>{sentence * 3}</p>").split("\n")
    assert len(lines) > 3 and all(columns(line) <= 72 for line in lines)
    assert "".join(lines).replace(" ", "") == (sentence * 3).replace(" ", "")
    assert "editor@example.org" in "\n".join(lines)  # an address is never broken
    assert not any(line.startswith(("。", "、")) for line in lines)
    assert text.heading("お知らせ").split("\n")[1] == "-" * 8
    assert fit_lines(sentence * 3).split("\n")[0] == text.wrap(sentence * 3).split("\n")[0]
    # The review: a table measured by letters looked narrow enough for columns, then its rows
    # were rewrapped; a long address left its quote's '>' alone on a line, and one with
    # Japanese letters in it was broken.
    table = text.html("<table><tr><th>地域</th><th>説明</th></tr><tr><td>中央</td>"
                      "<td>春です</td></tr></table>")
    assert fit_lines(table) == "地域  説明\n----  ------\n中央  春です\n"
    wide = text.html("<table><tr><th>地域</th><th>事務所</th></tr><tr><td>" + "中央" * 10
                     + "</td><td>" + "事務所" * 8 + "</td></tr></table>")
    assert wide.startswith("地域: " + "中央" * 10 + "; 事務所:")  # a line a row, as it is too wide
    long = "https://example.org/" + "a/very/long/path/" * 4
    assert text.html(f"<blockquote><p>{long} 東京の記事です。</p></blockquote>").split(
        "\n")[0] == f"> {long}"
    address = "https://ja.wikipedia.org/wiki/ビシュケク市の新しい事務所と春の会合について"
    assert address in fit_lines(f"詳しくは {address} をご覧ください。" * 2).split("\n")


def test_plain_text_notes_have_one_heading() -> None:
    """The footnotes' heading for screen readers is not written again under "Notes:"."""
    html = MarkdownRenderer().render("A claim.[^1]\n\n[^1]: Its source.\n",
                                     lambda url, kind: url, "lead").html
    out = PlainText("https://e.org/").html(demote_headings(Markup(html), 1))  # as email.txt
    assert out.split("\n") == ["A claim. (note 1)", "", "Notes:", "", "1. Its source."]


def test_plain_text_table_too_wide_for_columns() -> None:
    cells = "".join(f"<td>{'word ' * 6}{n}</td>" for n in range(4))
    heads = "".join(f"<th>Heading {n}</th>" for n in range(4))
    out = PlainText("https://e.org/").html(f"<table><tr>{heads}</tr><tr>{cells}</tr></table>")
    assert out.startswith("Heading 0: word word word word word word 0; Heading 1:")
    assert all(len(line) <= 72 for line in out.split("\n"))
    total = "<tr><td>Total</td><td></td><td> </td><td>1,096</td></tr>"
    out = PlainText("https://e.org/").html(
        f"<table><tr>{heads}</tr><tr>{cells}</tr>{total}</table>")
    assert out.split("\n")[-1] == "Heading 0: Total; Heading 3: 1,096"  # no empty cells


def test_a_rebuild_renders_only_the_edited_issues_email_and_warns_again(
        make_site: Callable[..., Path]) -> None:
    """An email carried from the last build is not rendered again, and its warning is said
    again, whether the build had other work or none at all."""
    body = "\n\n".join(f"Paragraph {n} of a very long story. " * 12 for n in range(300))
    site = make_site({**EMAIL_FILES, ISSUE + "04-long.md":
                      f"---\ntitle: A long story\n---\n{body}\n",
                      "content/issues/2026-02-next/issue.yaml": "title: Next\ndate: 2026-02-01\n",
                      "content/issues/2026-02-next/01-a.md": "---\ntitle: A\n---\nText.\n"})
    age(site)
    first = build(site, BuildOptions(pdf=False))
    assert {"issues/2026-01-winter/email.html", "issues/2026-02-next/email.html"} <= \
        set(first.rewritten)
    other = site / "content/issues/2026-02-next/01-a.md"
    other.write_text("---\ntitle: A\n---\nOther text.\n", "utf-8")
    age(site / "content")  # as if saved a minute ago; the output's files keep their times
    second = build(site, BuildOptions(pdf=False))
    emails = [path for path in second.rewritten if "/email." in path]
    assert emails == ["issues/2026-02-next/email.html", "issues/2026-02-next/email.txt"]
    third = build(site, BuildOptions(pdf=False))
    assert third.rewritten == ()
    for report in (first, second, third):
        assert sum("Gmail clips" in str(warning) for warning in report.warnings) == 1


def test_an_override_of_email_txt_keeps_the_items_contact_line(
        make_site: Callable[..., Path]) -> None:
    """The items' plain text (email/item.txt) takes its contact line from a partial of its own,
    not from a macro of email.txt, which a site's own email.txt need not define."""
    output, _ = _build(make_site, {"templates/email.txt": """\
        {% for item in issue.items %}{% include "email/item.txt" %}{% endfor %}
        """})
    text = (output / "issues/2026-01-winter/email.txt").read_text("utf-8")
    assert "Hélène Bélanger, Director <helene@example.org>" in text


def test_eml_says_the_warnings_of_its_issue_only(make_site: Callable[..., Path],
                                                 runner: CliRunner, tmp_path: Path) -> None:
    """A warning elsewhere in the site (a page's unknown field, a language with nothing
    translated) is the build's to say; the settings' shape every edition, so they are said."""
    from bulletin_gen.cli import main

    lead = "content/issues/2026-01-winter/01-lead.md"
    misspelt = '  unsubscribe_url: "*|UNSUB|*"\n          unsubscribe: x'
    settings = str(EMAIL_FILES["bulletin.yaml"]).replace('  unsubscribe_url: "*|UNSUB|*"',
                                                         misspelt).rstrip(" ")
    site = make_site({**EMAIL_FILES, "bulletin.yaml": settings + "        languages: {fr: {}}\n",
                      "content/pages/about.md": "---\ntitle: About\ntitel: x\n---\nText.\n",
                      lead: "---\ntitle: Lead story\ntagz: [x]\n---\nThe lead.\n"})
    result = runner.invoke(main, ["email", "2026-01-winter", str(site), "--eml",
                                  str(tmp_path / "winter.eml")])
    assert result.exit_code == 0, result.output
    said = result.stderr.splitlines()
    assert f"{lead}:3: warning: unknown field 'tagz' (did you mean tags?)" in said
    assert [line for line in said if line.startswith("bulletin.yaml")] == [
        "bulletin.yaml:11: warning: unknown field 'email.unsubscribe' (did you mean "
        "unsubscribe_url?)"]
    assert len(said) == 2


def test_the_text_edition_labels_each_item_as_the_html_edition_does(demo_built: Built) -> None:
    """News is labelled beside items of other kinds, in both editions, as on the web; briefs
    always are."""
    labels = {}
    for issue in ("2025-07-summer", "2025-11-forum", "2026-03-spring", "fr/2025-07-summer"):
        language, _, slug = issue.rpartition("/")
        folder = demo_built.output / language / "issues" / slug
        labels[issue] = [_text(p).upper() for p in _parse(folder / "email.html").iter("p")
                         if p.get("class") == "kind"]
        assert _text_labels(folder / "email.txt") == labels[issue], issue
    assert "NEWS" in labels["2025-11-forum"]  # beside a round table
    assert "BRIEFS" in labels["2025-07-summer"]
    assert labels["fr/2025-07-summer"] == ["DOSSIER", "BRÈVES"]  # in the catalogue's words


def _text_labels(path: Path) -> list[str]:
    """The label over each item of a plain-text edition: a first line that is not a title,
    that is, one whose next line is not the title's rule."""
    items = path.read_text("utf-8").split("=" * 72 + "\n\n")[1:]
    lines = [item.split("\n", 2) for item in items]
    return [first for first, second, _ in lines if set(second) - {"-"}]


@pytest.mark.parametrize(("size", "shown"), [((3000, 2000), (536, 357)), ((400, 300), (400, 300)),
                                             ((400, 1600), (201, 804))])
def test_the_lead_image_is_never_blown_up_nor_taller_than_a_column(
        make_site: Callable[..., Path], size: tuple[int, int], shown: tuple[int, int]) -> None:
    """A 400-pixel picture was given width="536" (blurred), and a tall one was 2,144 px tall
    in a client that ignores CSS."""
    output, _ = _build(make_site, {
        "content/issues/2026-01-winter/01-lead.md":
            "---\ntitle: Lead story\nimage: photo.png\nimage_alt: A photo\n---\nText.\n",
        "content/issues/2026-01-winter/photo.png": png(*size)})
    image = _parse(output / "issues/2026-01-winter/email.html").find(
        ".//img[@alt='A photo']")
    assert image is not None
    assert (int(image.get("width", "0")), int(image.get("height", "0"))) == shown
    assert ("item-image-full" in image.get("class", "")) == (shown[0] == 536)
    assert not re.search(r"(^|[;\s])width:", image.get("style", ""))  # the attributes hold


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    PIL.Image.new("RGB", (width, height), (200, 90, 40)).save(buffer, "PNG")
    return buffer.getvalue()
