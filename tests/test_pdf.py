"""The print edition: a PDF per issue, read back with pypdf (text, outline, metadata, bytes)."""

from __future__ import annotations

import builtins
import io
import os
import re
import subprocess
import sys
from collections.abc import Callable
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import REPO, TINY_PNG, WITH_PDF, Built, require_tool
from PIL import Image as Pillow
from pypdf import DocumentInformation, PdfReader
from pypdf.generic import Destination, DictionaryObject

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.cli import main
from bulletin_gen.editions.pdf import (
    PdfUnavailable,
    directed_isolates,
    load_weasyprint,
    spaces_into_inlines,
)
from bulletin_gen.errors import ContentError
from bulletin_gen.model import Issue, Site
from bulletin_gen.pipeline import build_pdf, check, load_site

LINK_ITEM = """\
    ---
    title: Reports and links
    contact: {name: Ana Editor, email: editor@example.org}
    ---
    Read [the annual report](https://example.org/report/) or https://example.org/plain/.
    Write to [the desk](mailto:desk@example.org) or [the **chair**](mailto:chair@example.org).
    As [our lead said](01-lead.md), and [the clinic](02-briefs.yaml#1) too.
    See [who we are](../../pages/about.md).
    """


@pytest.fixture
def make_site(make_site: Callable[..., Path]) -> Callable[..., Path]:
    """The minimal site with the print edition on, as bulletin.yaml has it by default."""

    def make(files: dict[str, str | bytes | None] | None = None, **options: Any) -> Path:
        return make_site({**WITH_PDF, **(files or {})}, **options)

    return make


@pytest.fixture(scope="module")
def demo(demo_built: Built) -> tuple[Path, Site]:
    """The demo site built once for the session: (output folder, site model)."""
    try:
        load_weasyprint()
    except PdfUnavailable as error:
        pytest.skip(str(error))
    return demo_built.output, load_site(demo_built.site)[0]


def outline(reader: PdfReader) -> list[Destination]:
    """The outline's entries; the print edition makes no nested ones."""
    entries = list(reader.outline)
    assert all(isinstance(entry, Destination) for entry in entries), entries
    return [entry for entry in entries if isinstance(entry, Destination)]


def metadata(reader: PdfReader) -> DocumentInformation:
    assert reader.metadata is not None, "the PDF has no document information"
    return reader.metadata


def words(text: str) -> str:
    """Text with every run of white space made one space, so wrapped lines still match."""
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(path: Path) -> str:
    return words(" ".join(page.extract_text() for page in PdfReader(path).pages))


def pdf_fonts(path: Path) -> set[str]:
    """The names of the fonts the pages of the PDF at `path` use."""
    fonts = set()
    for page in PdfReader(path).pages:
        resources = page.get("/Resources")
        font_dict = resources.get_object().get("/Font") if resources else None
        for font in (font_dict.get_object().values() if font_dict else ()):
            fonts.add(str(font.get_object().get("/BaseFont")))
    return fonts


def plain(html: str) -> str:
    return words(unescape(re.sub(r"<[^>]+>", "", html)))


def pdf_of(output: Path, issue: Issue) -> Path:
    return output / issue.url / f"{issue.slug}.pdf"


def test_demo_pdfs_hold_every_title_region_role_and_outcome(demo: tuple[Path, Site]) -> None:
    output, site = demo
    assert site.issues
    for issue in site.issues:
        text = pdf_text(pdf_of(output, issue))
        folded = text.casefold()
        assert words(issue.title) in text
        for item in issue.items:
            assert words(item.title) in text, item.title
            for brief in item.briefs:
                for region in brief.regions:  # printed in capitals; compare without case
                    assert region.name.casefold() in folded, region.name
                if brief.headline:
                    assert words(brief.headline) in text
            if item.roundtable:
                for label, names in item.roundtable.roles:
                    assert label.casefold() in folded
                    assert all(words(name) in text for name in names)
        for _item, outcome in issue.outcomes:
            assert plain(outcome.html) in text
        assert "\u21a9" not in text  # a footnote's link back up the page: nothing on paper
        # No font of another script: the text's fonts lack a checklist's tick, and Noto Serif
        # CJK, the first in the stack that had it, drew it as a '√'.
        assert not [font for font in pdf_fonts(pdf_of(output, issue)) if "CJK" in font]


def test_page_two_has_running_header_and_page_numbers(demo: tuple[Path, Site]) -> None:
    output, site = demo
    long_issues = [issue for issue in site.issues
                   if len(PdfReader(pdf_of(output, issue)).pages) > 1]
    assert long_issues, "the demo site should have an issue of more than one page"
    for issue in long_issues:
        pages = PdfReader(pdf_of(output, issue)).pages
        first, second = words(pages[0].extract_text()), words(pages[1].extract_text())
        assert f"Page 2 of {len(pages)}" in second
        assert f"{site.config.title} {issue.title}" in second
        assert "Page 1 of" not in first  # page one carries the masthead instead


def test_outline_has_one_entry_per_item(demo: tuple[Path, Site]) -> None:
    output, site = demo
    for issue in site.issues:
        entries = outline(PdfReader(pdf_of(output, issue)))
        assert [entry.title for entry in entries] == [item.title for item in issue.items]


def test_contents_give_the_page_of_each_item(demo: tuple[Path, Site]) -> None:
    output, site = demo
    for issue in site.issues:
        reader = PdfReader(pdf_of(output, issue))
        toc = words(reader.pages[0].extract_text())
        for entry in outline(reader):
            page = (reader.get_destination_page_number(entry) or 0) + 1
            assert re.search(re.escape(words(entry.title or "")) + r"[ .]+" + str(page) + r"\b",
                             toc)


def test_no_item_title_ends_a_page(demo: tuple[Path, Site]) -> None:
    output, site = demo
    for issue in site.issues:
        margins = {f"{site.config.title} {issue.title}", "•"}  # running header, list bullets
        for page in PdfReader(pdf_of(output, issue)).pages[:-1]:
            body = [words(line) for line in page.extract_text().splitlines()
                    if words(line) and words(line) not in margins
                    and not line.startswith("Page ")]
            assert body, "a page without text"
            assert all(body[-1] != words(item.title) for item in issue.items), body[-1]


def test_metadata_and_tags(weasyprint: Any, make_site: Callable[..., Path],
                           build_site: Callable[..., Path]) -> None:
    output = build_site(make_site())
    reader = PdfReader(output / "issues/2026-01-winter/2026-01-winter.pdf")
    meta = metadata(reader)
    assert meta.title == "Test Bulletin, January 2026"
    assert meta.author == "Test Network"
    assert meta.subject == "The first test issue."
    assert str(meta["/CreationDate"]) == str(meta["/ModDate"]) == "D:20260115"
    root = reader.root_object
    assert str(root["/Lang"]) == "en"
    mark_info = root["/MarkInfo"]
    assert isinstance(mark_info, DictionaryObject)
    assert bool(mark_info["/Marked"]) and "/StructTreeRoot" in root


def test_two_builds_give_identical_bytes(weasyprint: Any, make_site: Callable[..., Path],
                                         build_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site()
    first = build_site(site, output=tmp_path / "one")
    second = build_site(site, output=tmp_path / "two")
    name = "issues/2026-01-winter/2026-01-winter.pdf"
    assert (first / name).read_bytes() == (second / name).read_bytes()


def test_links_contacts_and_briefs_in_print(weasyprint: Any, make_site: Callable[..., Path],
                                            build_site: Callable[..., Path]) -> None:
    site = make_site({"content/issues/2026-01-winter/03-links.md": LINK_ITEM})
    text = pdf_text(build_site(site) / "issues/2026-01-winter/2026-01-winter.pdf")
    assert "the annual report (https://example.org/report/)" in text
    assert text.count("https://example.org/plain/") == 1  # shown once, not twice
    assert "the desk <desk@example.org>" in text  # the address, without 'mailto:'
    assert "the chair <chair@example.org>" in text  # a label with markup too
    assert "Hélène Bélanger, Director · helene@example.org" in text
    # A link to an item of the issue, or to a part of one, gives the page it is on; a tag's or
    # a region's gives nothing, its name saying where it leads.
    assert "As our lead said (page 1), and the clinic (page 1) too." in text
    # Another page of the site is printed whole, as paper cannot follow a link.
    assert "who we are (https://example.org/news/pages/about/)" in text.replace("/ ", "/")
    assert "Reports and links (" not in text  # the item's title links to its page
    assert "TAJIKISTAN · UZBEKISTAN Clinic opens" in text


def test_a_long_line_of_code_wraps_on_paper(weasyprint: Any, make_site: Callable[..., Path],
                                            build_site: Callable[..., Path]) -> None:
    line = "settings = " + "word " * 60 + "LASTWORD"
    site = make_site({"content/issues/2026-01-winter/03-code.md":
                      f"---\ntitle: Code\n---\n```\n{line}\n```\n"})
    pdf = build_site(site) / "issues/2026-01-winter/2026-01-winter.pdf"
    # pdftotext reads what lies on the page: text run off the paper's edge is not there.
    shown = subprocess.run([require_tool("pdftotext"), str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    assert "LASTWORD" in shown


def test_every_participant_and_every_long_word_is_on_the_paper(
        weasyprint: Any, make_site: Callable[..., Path], build_site: Callable[..., Path]) -> None:
    """The roles of a round table were one box kept whole, the participants a line box that
    cannot break: past about 80 names, those beyond the page's end were lost. A word longer
    than its line ran off the paper."""
    names = "".join(f"  - Person{number} Kowalska-Yilmaz (Civic Lab of Town {number}, Romania)\n"
                    for number in range(1, 101))
    word = "Bürgerbeteiligungsverfahrensordnungsentwurfsbegutachtungskommissionssitzung"
    site = make_site({
        "content/issues/2026-01-winter/03-table.md": (
            f"---\ntitle: The square {word}\nkind: roundtable\nfacilitators: Ana Editor\n"
            f"participants:\n{names}---\n## Summary\nWe met.\n"),
        "content/issues/2026-01-winter/04-more.yaml": (
            f"title: In brief\nkind: briefs\nitems:\n  - body: Its {word}{word[:20]} ends.\n")})
    pdf = build_site(site) / "issues/2026-01-winter/2026-01-winter.pdf"
    # pdftotext reads what lies on the page: text run off the paper's edge is not there.
    shown = subprocess.run([require_tool("pdftotext"), str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    assert sorted(set(re.findall(r"Person(\d+) ", shown)), key=int) == [
        str(number) for number in range(1, 101)]
    joined = re.sub(r"\s+", "", shown)
    assert f"Thesquare{word}" in joined and f"Its{word}{word[:20]}ends." in joined


def test_a_round_table_that_fits_begins_under_the_contents(
        weasyprint: Any, fixture_site: Callable[[str], Path], tmp_path: Path) -> None:
    """Its roles, inline-blocks beside a block of participants, found no room on a page half
    empty: the round table began on page 2."""
    site = fixture_site("full")
    pdf = tmp_path / "forum.pdf"
    result = CliRunner().invoke(main, ["pdf", "2026-02-forum", str(site), "-o", str(pdf)])
    assert result.exit_code == 0, result.output
    first = subprocess.run([require_tool("pdftotext"), "-l", "1", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    assert "Rosa Quispe" in first and "Disputes start with missing information." in first


def test_a_width_written_on_a_picture_is_kept_on_paper(
        weasyprint: Any, make_site: Callable[..., Path], build_site: Callable[..., Path],
        tmp_path: Path) -> None:
    """`<img width="90">` is kept on the web and in the email; paper drew it full width."""
    picture = io.BytesIO()
    Pillow.new("RGB", (640, 400), (255, 0, 0)).save(picture, "PNG")
    site = make_site({"content/issues/2026-01-winter/chart.png": picture.getvalue(),
                      "content/issues/2026-01-winter/03-small.md": "---\ntitle: Small\n---\n"
                      'A thumbnail: <img src="chart.png" alt="A chart" width="90">\n'})
    pdf = build_site(site) / "issues/2026-01-winter/2026-01-winter.pdf"
    subprocess.run([require_tool("pdftoppm"), "-png", "-r", "72", str(pdf),
                    str(tmp_path / "page")], check=True)
    widths = []
    for page in sorted(tmp_path.glob("page*.png")):
        with Pillow.open(page) as image:
            pixels = image.convert("RGB").load()
            assert pixels is not None
            columns = {x for x in range(image.width) for y in range(0, image.height, 4)
                       if _reddish(pixels[x, y])}
        if columns:
            widths.append(max(columns) - min(columns) + 1)
    assert widths and 60 <= widths[0] <= 75, widths  # 90 CSS pixels: 67.5 at 72 dpi


def _reddish(pixel: Any) -> bool:
    red, green, blue = pixel
    return bool(red > 200 and green < 80 and blue < 80)


def test_a_table_of_many_columns_prints_every_column(
        weasyprint: Any, make_site: Callable[..., Path], build_site: Callable[..., Path]) -> None:
    """Its last columns ran off the paper's edge, and were lost without a word."""
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
    head = "| Centre | " + " | ".join(months) + " | Total | Avg |\n"
    site = make_site({"content/issues/2026-01-winter/03-table.md":
                      "---\ntitle: Cases\n---\n" + head + "|---" * 15 + "|\n"
                      "| Pécs |" + " 12 |" * 12 + " 137 | Q7 |\n"})
    pdf = build_site(site) / "issues/2026-01-winter/2026-01-winter.pdf"
    shown = subprocess.run([require_tool("pdftotext"), str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    assert "Q7" in shown and "137" in shown


def test_a_table_longer_than_a_page_starts_under_its_heading_and_keeps_its_rows_whole(
        weasyprint: Any, make_site: Callable[..., Path]) -> None:
    """Kept whole, a table longer than a page left its heading alone on a page, the table on
    the next; and a row that ran over a page break had its cells on two pages."""
    notes = " ".join(["mediation agreement cooperative municipal neighbourhood"] * 5)
    rows = "".join(f"| START{n} | Canal | {n} | {notes} END{n} |\n" for n in range(40))
    site = make_site({"content/issues/2026-01-winter/03-table.md": (
        "---\ntitle: Cases\n---\n## Case table\n\n| District | Canal | Cases | Notes |\n"
        "|---|---|---|---|\n" + rows)})
    target = site / "winter.pdf"
    build_pdf(site, "2026-01-winter", target)
    texts = [words(page.extract_text()) for page in PdfReader(target).pages]
    pages = [text.split() for text in texts]
    heading = next(number for number, text in enumerate(texts) if "Case table" in text)
    assert "START0" in pages[heading]
    for n in range(40):  # each row on one page, its first cell and the end of its last
        assert any(f"START{n}" in text and f"END{n}" in text for text in pages), n


def test_a_misspelt_file_a_template_names_is_said_once_as_the_templates(
        weasyprint: Any, make_site: Callable[..., Path]) -> None:
    """It was said for every PDF, at the issue's file, as a file "from the network" to save
    in the issue's folder."""
    site = make_site({
        "content/issues/2026-02-spring/issue.yaml": "title: February 2026\ndate: 2026-02-15\n",
        "content/issues/2026-02-spring/01-news.md": "---\ntitle: News\n---\nText.\n",
        "templates/print.html": '{% extends "theme/print.html" %}\n{% block head %}'
                                "<link rel=\"stylesheet\" href=\"{{ 'brand.cs' | url }}\">"
                                "{% endblock %}\n"})
    report = build(site, BuildOptions(jobs=1))
    assert report.pdfs == 2
    assert [str(warning) for warning in report.warnings if "print edition" in str(warning)] == [
        "templates/: the print edition found no file at brand.cs, which a template names (check "
        "the name against the files of static/, which a template links as "
        "{{ 'brand.css' | url }}, and the theme's assets/)"]


def left_out(where: str, url: str) -> str:
    """The warning for a picture on another site, at `where` in the winter issue's folder."""
    return (f"content/issues/2026-01-winter/{where}: the print edition leaves out {url}: a "
            "PDF loads only the site's own files, never from the network (save the file in "
            "the issue's folder and link to it by its path)")


def test_letter_paper_and_local_images(weasyprint: Any, make_site: Callable[..., Path],
                                       build_site: Callable[..., Path]) -> None:
    png = (REPO / "content/issues/2025-07-summer/images/map.png").read_bytes()
    site = make_site({
        "bulletin.yaml": "title: Letter Bulletin\npdf: {paper: Letter}\n",
        "content/issues/2026-01-winter/images/map.png": png,
        "content/issues/2026-01-winter/01-lead.md": (
            "---\ntitle: Lead story\nimage: images/map.png\nimage_alt: A map\n---\n"
            "Text.\n\n![Not fetched](https://example.invalid/remote.png)\n"),
    })
    report = build(site, BuildOptions())
    remote = left_out("01-lead.md:8", "https://example.invalid/remote.png")
    assert [str(w) for w in report.warnings if "print edition" in str(w)] == [remote]
    reader = PdfReader(report.output / "issues/2026-01-winter/2026-01-winter.pdf")
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)
    assert len(page.images) == 1  # the site's own image; the remote one is never fetched
    assert metadata(reader).author == "Letter Bulletin"
    # `check`, which lays out no PDF, says so too; and an `image:` on another site is said at
    # its own item and line (it was said at issue.yaml, without a line).
    (site / "content/issues/2026-01-winter/02-far.md").write_text(
        "---\ntitle: Far\nimage: https://example.invalid/far.png\nimage_alt: Far away\n---\n"
        "Text.\n", "utf-8")
    far = left_out("02-far.md:3", "https://example.invalid/far.png")
    for report in (build(site, BuildOptions()), check(site)):
        assert [str(w) for w in report.warnings if "print edition" in str(w)] == [far, remote]


def test_check_says_only_the_pictures_the_pdf_would_load(
        make_site: Callable[..., Path]) -> None:
    """A lazy-loading `data-src` of raw HTML is no picture the PDF loads (the review)."""
    png = (REPO / "content/issues/2025-07-summer/images/map.png").read_bytes()
    site = make_site({
        "bulletin.yaml": "title: Raw\nunsafe_html: true\n",
        "content/issues/2026-01-winter/map.png": png,
        "content/issues/2026-01-winter/01-lead.md": (
            '---\ntitle: Lead story\n---\n<img data-src="https://cdn.example.com/lazy.png" '
            'src="map.png" alt="A map">\n\n![Far](https://example.invalid/far.png)\n')})
    assert [str(w) for w in check(site).warnings if "print edition" in str(w)] == [
        left_out("01-lead.md:6", "https://example.invalid/far.png")]


def test_issue_page_links_to_its_pdf(weasyprint: Any, make_site: Callable[..., Path],
                                     build_site: Callable[..., Path]) -> None:
    # without the briefs, whose two columns are most of the PDF's time
    output = build_site(make_site({"content/issues/2026-01-winter/02-briefs.yaml": None}))
    html = (output / "issues/2026-01-winter/index.html").read_text()
    assert 'href="2026-01-winter.pdf"' in html
    assert (output / "issues/2026-01-winter/2026-01-winter.pdf").is_file()


def test_no_pdf_option_and_disabled_config_write_no_pdf(make_site: Callable[..., Path],
                                                        runner: CliRunner, tmp_path: Path) -> None:
    site = make_site()
    result = runner.invoke(main, ["build", str(site), "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert not list((site / "output").rglob("*.pdf"))
    assert ".pdf" not in (site / "output/issues/2026-01-winter/index.html").read_text()
    disabled = make_site({"bulletin.yaml": "title: T\npdf: {enabled: false}\n"}, name="off")
    result = runner.invoke(main, ["build", str(disabled)])
    assert result.exit_code == 0, result.output
    assert not list((disabled / "output").rglob("*.pdf"))
    html = (disabled / "output/issues/2026-01-winter/index.html").read_text()
    assert ".pdf" not in html


def test_bad_paper_is_a_content_error(make_site: Callable[..., Path], runner: CliRunner) -> None:
    site = make_site({"bulletin.yaml": "title: T\npdf: {paper: A5}\n"})
    result = runner.invoke(main, ["build", str(site)])
    assert result.exit_code == 1
    assert "bulletin.yaml" in result.output and "paper" in result.output


def test_pdf_command_writes_one_issue(weasyprint: Any, make_site: Callable[..., Path],
                                      runner: CliRunner, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site()
    target = tmp_path / "print/winter.pdf"
    result = runner.invoke(main, ["pdf", "2026-01-winter", str(site), "-o", str(target)])
    assert result.exit_code == 1 and f"there is no folder {target.parent}" in result.output
    target.parent.mkdir()
    result = runner.invoke(main, ["pdf", "2026-01-winter", str(site), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert outline(PdfReader(target))[0].title == "Lead story"
    size = round(target.stat().st_size / 1024)
    assert result.stdout == f'Wrote {target}: the print edition of "January 2026" ({size} KB)\n'
    monkeypatch.chdir(tmp_path)
    # Named by its folder as the shell completes it: the file is still named by its slug.
    result = runner.invoke(main, ["pdf", "issues/2026-01-winter/", str(site)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "2026-01-winter.pdf").read_bytes() == target.read_bytes()
    # Named by one of its items' files, without SITE: the message says it is the whole issue,
    # and that it is a draft.
    issue_yaml = site / "content/issues/2026-01-winter/issue.yaml"
    issue_yaml.write_text(issue_yaml.read_text() + "status: draft\n")
    result = runner.invoke(main, ["pdf", f"{site.name}/content/issues/2026-01-winter/01-lead.md"])
    assert result.exit_code == 0, result.output
    assert 'the print edition of "January 2026", a draft (' in result.stdout
    # Every page of a draft's PDF says it is one (sent to partners for review); not a
    # published issue's.
    pages = [page.extract_text() for page in PdfReader(tmp_path / "2026-01-winter.pdf").pages]
    assert all("DRAFT" in page for page in pages), pages
    assert not any("DRAFT" in page.extract_text() for page in PdfReader(target).pages)


def test_the_pdf_is_never_written_over_a_file_of_the_site_or_of_another_kind(
        make_site: Callable[..., Path], runner: CliRunner, tmp_path: Path) -> None:
    """`-o` once replaced whatever it named: an item, bulletin.yaml, /dev/null. Refused
    before the PDF is made (the email's command has the same rules, test_email.py)."""
    site = make_site()
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes", encoding="utf-8")
    for target, said in [(site / "content/issues/2026-01-winter/01-lead.md",
                          "inside the site's content/ folder"),
                         (notes, f"refusing to replace {notes}: it is not a PDF")]:
        result = runner.invoke(main, ["pdf", "2026-01-winter", str(site), "-o", str(target)])
        assert result.exit_code == 1 and said in result.output, result.output
    assert notes.read_text(encoding="utf-8") == "my notes"
    assert "The **lead** story text." in (
        site / "content/issues/2026-01-winter/01-lead.md").read_text(encoding="utf-8")


def test_a_build_that_fails_at_a_template_makes_no_pdf(
        weasyprint: Any, make_site: Callable[..., Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages go on rendering after a template fails, so that every template's mistake is
    said; the PDFs after them, seconds each, are not made for a build that fails."""
    import bulletin_gen.editions.pdf as pdf

    made: list[str] = []
    real = pdf._write_pdf

    def counted(*args: Any) -> Any:
        made.append("pdf")
        return real(*args)

    monkeypatch.setattr(pdf, "_write_pdf", counted)
    site = make_site({"templates/item.html": "{% extends 'theme/base.html' %}\n{% if %}\n"})
    with pytest.raises(ContentError, match=r"templates/item\.html:2"):
        build(site, BuildOptions(jobs=1))
    assert made == []


def test_pdf_command_names_unknown_issue(make_site: Callable[..., Path], runner: CliRunner) -> None:
    result = runner.invoke(main, ["pdf", "2026-01-wintr", str(make_site())])
    assert result.exit_code == 1
    assert ("no issue '2026-01-wintr' in this site (did you mean 2026-01-winter?). "
            "Issues: 2026-01-winter.") in result.output


def _hide_weasyprint(monkeypatch: pytest.MonkeyPatch, error: type[Exception]) -> None:
    """Make `import weasyprint` fail as it does without the package (ImportError) or without
    Pango (OSError)."""
    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise error("cannot load library 'libpango-1.0-0'" if error is OSError
                        else "No module named 'weasyprint'")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(builtins, "__import__", fake_import)


@pytest.mark.parametrize("error", [ImportError, OSError])
def test_build_without_weasyprint_warns_and_writes_html(make_site: Callable[..., Path],
                                                        runner: CliRunner,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        error: type[Exception]) -> None:
    _hide_weasyprint(monkeypatch, error)
    site = make_site()
    result = runner.invoke(main, ["build", str(site)])
    assert result.exit_code == 0, result.output
    assert (site / "output/issues/2026-01-winter/index.html").is_file()
    assert not list((site / "output").rglob("*.pdf"))
    assert ".pdf" not in (site / "output/issues/2026-01-winter/index.html").read_text()
    assert "bulletin.yaml: warning: the print edition (PDF) was not written" in result.output
    assert "pip install 'bulletin-gen[pdf]'" in result.output
    assert "libpango-1.0-0" in result.output


def test_pdf_command_without_weasyprint_fails_clearly(make_site: Callable[..., Path],
                                                      runner: CliRunner,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _hide_weasyprint(monkeypatch, ImportError)
    result = runner.invoke(main, ["pdf", "2026-01-winter", str(make_site())])
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot write the print edition: WeasyPrint is not "
                                    "installed")
    assert "pip install 'bulletin-gen[pdf]'" in result.output
    assert "Traceback" not in result.output


def test_pages_render_to_png(demo: tuple[Path, Site], tmp_path: Path) -> None:
    pdftoppm = require_tool("pdftoppm")
    output, _ = demo
    pdf = next(output.rglob("*.pdf"))
    subprocess.run([pdftoppm, "-png", "-r", "30", pdf, tmp_path / "page"], check=True)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == len(PdfReader(pdf).pages)
    assert all(png.read_bytes().startswith(b"\x89PNG") for png in pngs)


def test_identical_bytes_when_fonttools_subsets_fonts(weasyprint: Any,
                                                      make_site: Callable[..., Path],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Without HarfBuzz-subset, fontTools stamps subset fonts with the clock; the build pins
    the stamp to the issue's date."""
    import fontTools.misc.timeTools as time_tools  # type: ignore[import-untyped]
    import weasyprint.pdf.fonts as fonts  # type: ignore[import-untyped]

    from bulletin_gen.pipeline import build_pdf

    monkeypatch.setattr(fonts, "harfbuzz_subset", None)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    site = make_site()
    written = []
    for clock in (1_000_000_000.0, 2_000_000_000.0):
        monkeypatch.setattr(time_tools.time, "time", lambda clock=clock: clock)
        target = site / f"{clock}.pdf"
        # The clock set back to 2001 or 2033 (time.time is the time module's own) makes the
        # issue's date one after today, or not: the build warns then, and only of that.
        assert all("after today" in warning.message
                   for warning in build_pdf(site, "2026-01-winter", target).warnings)
        written.append(target.read_bytes())
    assert written[0] == written[1]
    assert "SOURCE_DATE_EPOCH" not in os.environ


SECOND_ISSUE = {
    "content/issues/2026-02-second/issue.yaml": "title: February 2026\ndate: 2026-02-15\n",
    "content/issues/2026-02-second/01-story.md":
        "---\ntitle: A story\n---\nText.\n\n![Remote](https://example.invalid/remote.png)\n",
}


# Two issues, the first without its briefs: laying out their two columns is most of the time
# of a PDF, and the tests of which PDFs a build writes again do not read them.
TWO_ISSUES = {**SECOND_ISSUE, "content/issues/2026-01-winter/02-briefs.yaml": None}


def made_pdfs(monkeypatch: pytest.MonkeyPatch, site: Path) -> tuple[list[str], Any]:
    """Build `site` with the cache; the issues whose PDF the build wrote, and the report."""
    report = build(site, BuildOptions(jobs=1))
    return [path.split("/")[1] for path in report.rewritten if path.endswith(".pdf")], report


def test_a_rebuild_writes_only_the_pdfs_whose_issue_changed(weasyprint: Any,
                                                            make_site: Callable[..., Path],
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: Path) -> None:
    site = make_site(TWO_ISSUES)
    assert sorted(made_pdfs(monkeypatch, site)[0]) == ["2026-01-winter", "2026-02-second"]
    story = site / "content/issues/2026-02-second/01-story.md"
    story.write_text(story.read_text("utf-8") + "\nMore text.\n", "utf-8")
    written, report = made_pdfs(monkeypatch, site)
    assert written == ["2026-02-second"]
    # The issue kept from the cache still warns about what its PDF leaves out (the other's
    # warning comes from WeasyPrint again); and the PDFs are those of a clean build.
    lead = site / "content/issues/2026-01-winter/01-lead.md"
    lead.write_text(lead.read_text("utf-8") + "\n![Far](https://example.invalid/far.png)\n",
                    "utf-8")
    written, report = made_pdfs(monkeypatch, site)
    assert written == ["2026-01-winter"]
    assert sum("leaves out https://example.invalid/remote.png" in str(warning)
               for warning in report.warnings) == 1
    # A picture added to one issue's folder and shown there makes that issue's PDF alone
    # (every PDF read every issue's files); replaced, it makes that PDF again.
    picture = site / "content/issues/2026-02-second/map.png"
    picture.write_bytes(TINY_PNG)
    story.write_text(story.read_text("utf-8") + "\n![A map](map.png)\n", "utf-8")
    assert made_pdfs(monkeypatch, site)[0] == ["2026-02-second"]
    other = io.BytesIO()
    Pillow.new("RGB", (3, 3), (200, 30, 30)).save(other, "PNG")
    picture.write_bytes(other.getvalue())
    written, report = made_pdfs(monkeypatch, site)
    assert written == ["2026-02-second"]
    clean = build(site, BuildOptions(jobs=1, clean=True, output=tmp_path / "clean")).output
    for pdf_file in ("2026-01-winter/2026-01-winter.pdf", "2026-02-second/2026-02-second.pdf"):
        assert (report.output / "issues" / pdf_file).read_bytes() == \
            (clean / "issues" / pdf_file).read_bytes()


def test_a_pdf_left_for_the_next_build_is_the_last_ones_meanwhile(
        weasyprint: Any, make_site: Callable[..., Path], tmp_path: Path) -> None:
    """`serve` shows an edit before it makes the PDFs; the PDF was missing meanwhile (404)."""
    site = make_site(TWO_ISSUES)
    output = build(site, BuildOptions(jobs=1)).output
    pdf = output / "issues/2026-02-second/2026-02-second.pdf"
    before = pdf.read_bytes()
    story = site / "content/issues/2026-02-second/01-story.md"
    story.write_text(story.read_text("utf-8") + "\nMore text.\n", "utf-8")
    report = build(site, BuildOptions(jobs=1, finish_later=True))
    assert report.pdfs_later == 1 and pdf.read_bytes() == before
    report = build(site, BuildOptions(jobs=1))
    assert "issues/2026-02-second/2026-02-second.pdf" in report.rewritten
    clean = build(site, BuildOptions(jobs=1, clean=True, output=tmp_path / "clean")).output
    assert pdf.read_bytes() == (clean / "issues/2026-02-second/2026-02-second.pdf").read_bytes()
    assert pdf.read_bytes() != before


def test_a_changed_static_file_writes_every_pdf_again(weasyprint: Any,
                                                      make_site: Callable[..., Path],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A stylesheet, font or picture of static/, of any format, may be loaded by any print
    layout; a text no layout loads, in static/ or beside an issue's texts (which none of
    them names), makes no PDF again (in `serve`, each made PDFs again)."""
    site = make_site(TWO_ISSUES)
    made_pdfs(monkeypatch, site)
    (site / "static").mkdir()
    (site / "static/hello.txt").write_text("hi\n", "utf-8")
    (site / "content/issues/2026-02-second/notes.txt").write_text("to do\n", "utf-8")
    assert made_pdfs(monkeypatch, site)[0] == []
    (site / "static/paper.bmp").write_bytes(b"BM")  # a print stylesheet may name it
    assert sorted(made_pdfs(monkeypatch, site)[0]) == ["2026-01-winter", "2026-02-second"]
    (site / "static/extra.css").write_text("p { color: black; }\n", "utf-8")
    assert sorted(made_pdfs(monkeypatch, site)[0]) == ["2026-01-winter", "2026-02-second"]


def ladder_of_briefs(count: int) -> str:
    """A briefs file whose briefs open with a run of plain text a little longer each time (by an
    'i', an apostrophe or a full stop, narrower than a space), then a bold name: in two columns
    one of those runs ends within a space of the column's edge, whatever the fonts."""
    steps = ["i" * (n // 3) + ("", "'", ".")[n % 3] for n in range(count)]
    briefs = "".join(f"  - body: June marks the final month of the {step} **Civil Society "
                     f"Strengthening Initiative** in **Tajikistan**.\n" for step in steps)
    return f"title: Other news\nkind: briefs\nitems:\n{briefs}"


def test_a_brief_keeps_its_first_words_on_its_first_line(weasyprint: Any,
                                                         make_site: Callable[..., Path],
                                                         build_site: Callable[..., Path]) -> None:
    site = make_site({"content/issues/2026-01-winter/02-briefs.yaml": ladder_of_briefs(90)})
    pdf = build_site(site) / "issues/2026-01-winter/2026-01-winter.pdf"
    shown = subprocess.run([require_tool("pdftotext"), str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    openings = [line for line in shown.splitlines() if line.startswith("June")]
    assert len(openings) == 90
    assert [line for line in openings if not line.startswith("June marks the final")] == []


def test_spaces_move_into_inline_elements_but_not_into_code() -> None:
    html = 'of the <strong>Civil</strong> in <a href="x">Pécs</a>,\n<em>now</em> and <code>x</code>'
    moved = spaces_into_inlines(html)
    assert moved == ('of the<strong> Civil</strong> in<a href="x"> Pécs</a>,<em>\nnow</em> and '
                     '<code>x</code>')
    assert plain(moved) == plain(html)


def test_a_space_stays_out_of_what_strikes_underlines_or_quotes_its_text() -> None:
    """A line through "15 January" began at the space before it (moved inside <s>)."""
    html = ('<strong>Deadline:</strong> <s>15 January</s> <del>a</del> <u>b</u> <ins>c</ins> '
            '<mark>d</mark> <abbr title="x">e</abbr> <q>f</q>')
    assert spaces_into_inlines(html) == html


def test_each_isolate_takes_the_direction_of_its_text() -> None:
    """WeasyPrint has no dir="auto": an isolate without a direction took its parent's, and an
    Arabic issue printed its address "/https://example.org/ar" and its tags "rivers#"."""
    html = ('<p>بقلم <bdi>Ana</bdi> و<bdi>نور</bdi> · <bdi>#rivers</bdi> <bdi>&#1606;x</bdi> '
            '<bdi>&amp; 2026</bdi> <bdi>2026</bdi> <bdi dir="rtl">x</bdi></p>')
    assert directed_isolates(html) == (
        '<p>بقلم <bdi dir="ltr">Ana</bdi> و<bdi dir="rtl">نور</bdi> · <bdi dir="ltr">#rivers</bdi> '
        '<bdi dir="rtl">&#1606;x</bdi> <bdi>&amp; 2026</bdi> <bdi>2026</bdi> '
        '<bdi dir="rtl">x</bdi></p>')


def test_a_checklist_item_starts_its_lines_at_one_edge(weasyprint: Any,
                                                       make_site: Callable[..., Path],
                                                       build_site: Callable[..., Path]) -> None:
    item = ("---\ntitle: Commitments\n---\nWe will:\n\n- [x] FIRSTWORD " + "train officials " * 12
            + "LASTWORD\n- [ ] SECONDITEM\n")
    site = make_site({"content/issues/2026-01-winter/03-list.md": item})
    pdf = build_site(site) / "issues/2026-01-winter/2026-01-winter.pdf"
    boxes = subprocess.run([require_tool("pdftotext"), "-bbox", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    words = [(float(x), float(y), word) for x, y, word
             in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]+)</word>', boxes)]
    first = next((x, y) for x, y, word in words if word == "FIRSTWORD")
    last_line = next(y for x, y, word in words if word == "LASTWORD")
    wrapped = min(x for x, y, word in words if y == last_line)
    second = next(x for x, y, word in words if word == "SECONDITEM")
    # the item's first line, the line it wraps onto and the next item all begin at one edge
    assert last_line > first[1]
    assert abs(first[0] - wrapped) < 0.5 and abs(first[0] - second) < 0.5
