"""The theme speaks the site's language: its words from the gettext catalogues (shipped, or
the site's own translations/LANG.po), dates and names written the language's way, right to
left for Arabic, round-table parts recognised in every shipped language, and a PDF that prints
Japanese and Arabic in real glyphs (or a warning when no font could)."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import html5lib
import pytest
from babel.messages.pofile import read_po
from conftest import MINIMAL_SITE, SETTINGS, TINY_PNG, parse_html, text_of
from pypdf import PdfReader

from bulletin_gen import i18n
from bulletin_gen.build import BuildOptions, build
from bulletin_gen.errors import ContentError
from bulletin_gen.layout import LOCALES_DIR
from bulletin_gen.pipeline import load_site
from bulletin_gen.search import search_documents
from bulletin_gen.templates import language_globals, make_environment

ROUNDTABLE = """\
    ---
    title: Mesa sobre el agua
    kind: roundtable
    presenters: [Lucía Mamani, Nurlan Abenov]
    facilitator: Hélène Marchand
    ---
    ## Resumen

    Se habló del agua.

    ## Conclusiones

    - El agua es de todos.

    ## Recomendaciones

    - Publicar los turnos.
    """
ROUNDTABLE_FR = """\
    ---
    title: Table sur l'eau
    kind: roundtable
    ---
    ## Synthèse

    On a parlé de l'eau.

    ## Recommandations

    - Afficher les tours d'eau.
    """


def site_in(make_site: Callable[..., Path], lang: str, files: dict[str, Any] | None = None,
            name: str = "site", pdf: bool = False) -> Path:
    """The minimal test site, with a round table, written in `lang`."""
    settings = SETTINGS if pdf else MINIMAL_SITE["bulletin.yaml"]
    config = settings.rstrip(" ") + f"        language: {lang}\n"
    return make_site({"bulletin.yaml": config,
                      "content/issues/2026-01-winter/03-mesa.md": ROUNDTABLE,
                      **(files or {})}, name=name)


def built(site: Path, **options: Any) -> Path:
    return build(site, BuildOptions(jobs=1, **options)).output


def issue_page(output: Path) -> Any:
    return parse_html(output / "issues" / "2026-01-winter" / "index.html")


def words(root: Any) -> str:
    return re.sub(r"\s+", " ", text_of(root))


# The language stage itself ---------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "written"), [
    ("en", "1 August 2006"), ("es", "1 de agosto de 2006"), ("fr", "1 août 2006"),
    ("de", "1. August 2006"), ("ja", "2006年8月1日"), ("zh", "2006年8月1日"),
    ("ko", "2006년 8월 1일"), ("ru", "1 августа 2006\u202fг."),  # noqa: RUF001
    ("pt-BR", "1 de agosto de 2006"),
    ("xx", "1 August 2006"),  # a language Babel does not know is written as English
])
def test_dates_are_written_the_languages_way(lang: str, written: str) -> None:
    assert i18n.format_date(dt.date(2006, 8, 1), lang) == written


def test_arabic_dates_and_numbers_come_from_babel() -> None:
    assert "أغسطس" in i18n.format_date(dt.date(2006, 8, 1), "ar")
    assert i18n.format_number(1234.5, "fr") == "1\u202f234,5"
    assert i18n.format_number(1234.5, "en") == "1,234.5"


@pytest.mark.parametrize(("lang", "name"), [
    ("en", "English"), ("es", "Español"), ("fr", "Français"), ("ja", "日本語"),
    ("ar", "العربية"), ("zz", "zz"),
])
def test_languages_are_named_in_themselves(lang: str, name: str) -> None:
    assert i18n.language_name(lang) == name


def test_a_site_and_page_title_are_joined_as_the_language_writes_them(
        make_site: Callable[..., Path]) -> None:
    """French puts a no-break space before the colon; English none."""
    for lang, joined in (("fr", "Test Bulletin\u00a0: January 2026"),
                         ("en", "Test Bulletin: January 2026")):
        output = built(site_in(make_site, lang, name=lang), pdf=False, email=False)
        assert parse_html(output / "index.html").findtext(".//title") == joined
        feed = ElementTree.parse(output / "feed.xml").getroot()
        titles = [entry.findtext("{http://www.w3.org/2005/Atom}title")
                  for entry in feed.iter("{http://www.w3.org/2005/Atom}entry")]
        assert titles == [joined], lang


def test_every_shipped_catalogue_translates_every_message() -> None:
    template = read_po((LOCALES_DIR / "theme.pot").open("rb"))
    wanted = {message.id for message in template if message.id}
    for lang in i18n.SHIPPED_LANGUAGES[1:]:
        path = i18n.shipped_catalogue_path(lang)
        assert path is not None, lang
        catalog = read_po(path.open("rb"))
        done = {m.id for m in catalog if m.id and all(m.string if isinstance(m.string, tuple)
                                                      else [m.string]) and not m.fuzzy}
        assert wanted <= done, (lang, wanted - done)
        translations = i18n.translations_for(lang)
        assert translations.gettext("In this issue") != "In this issue", lang


def outcomes_line(make_site: Callable[..., Path], lang: str, title: str,
                  files: dict[str, Any] | None = None) -> str:
    """The key outcomes' line of an issue in `lang` whose (last) round table is `title`."""
    table = {"content/issues/2026-01-winter/03-mesa.md": ROUNDTABLE.replace(
        "title: Mesa sobre el agua", f"title: {title}")}
    output = built(site_in(make_site, lang, {**table, **(files or {})}), pdf=False, email=False)
    return text_of(issue_page(output).find(".//p[@class='outcomes-pointer']"))


# A question in each shipped language's own script where it has its own question mark.
QUESTIONS = {"ar": "من يقرر شأن الماء\u061f", "ja": "水は誰が決める\uff1f",
             "zh": "水由谁决定\uff1f"}


@pytest.mark.parametrize("lang", i18n.SHIPPED_LANGUAGES)
def test_the_key_outcomes_end_once_after_a_title_that_ends_a_sentence(
        make_site: Callable[..., Path], lang: str) -> None:
    """'… of “Who decides on water?”.': a title that ends with ? (or ! or .) takes no full stop
    after its closing quotation mark. Where a language puts the title in brackets (Chinese,
    Japanese, Korean), the full stop comes after them, as after any title, in the language's
    own mark."""
    title = QUESTIONS.get(lang, "Who decides on water?")
    quoted = i18n.translations_for(lang).gettext("of \u201c%(title)s\u201d") % {"title": title}
    # Chinese and Japanese end it with their own full stop, an ideograph ('。').
    ending = " ".join(quoted.split()) + {"zh": "\u3002", "ja": "\u3002", "ko": "."}.get(lang, "")
    line = outcomes_line(make_site, lang, title)
    assert line.endswith(ending), (line, ending)


@pytest.mark.parametrize(("title", "ending"), [
    ("Water for all!", "of \u201cWater for all!\u201d"),
    ("Water is life.", "of \u201cWater is life.\u201d"),
    ("Water, and so on...", "of \u201cWater, and so on\u2026\u201d"),  # typeset as one mark
    ("Mesa sobre el agua", "of \u201cMesa sobre el agua\u201d."),
])
def test_the_key_outcomes_end_with_one_full_stop(make_site: Callable[..., Path], title: str,
                                                 ending: str) -> None:
    """A title's own mark is the line's end; after any other, a full stop. The round tables
    before the last are followed by a semicolon, whatever their titles end with."""
    first = ROUNDTABLE.replace("title: Mesa sobre el agua", "title: Who decides?")
    line = outcomes_line(make_site, "en", title,
                         {"content/issues/2026-01-winter/02-first.md": first})
    assert "of \u201cWho decides?\u201d; " in line, line
    assert line.endswith(ending), (line, ending)


def test_the_french_catalogue_keeps_its_marks_with_their_words() -> None:
    """French sets a no-break space before : ; ! ? and inside « »: a plain one let a line
    start with '»' (the key outcomes' "de « ... »", on the web and in print)."""
    path = i18n.shipped_catalogue_path("fr")
    assert path is not None
    strings = [str(text) for message in read_po(path.open("rb")) if message.id
               for text in (message.string if isinstance(message.string, tuple)
                            else [message.string])]
    loose = [text for text in strings if re.search(r" [:;!?»]|« ", text)]
    assert loose == []
    assert any("\u00a0:" in text for text in strings)


@pytest.mark.parametrize(("heading", "role"), [
    ("conclusiones", "conclusions"), ("recommandations", "recommendations"), ("synthese",
    "summary"), ("結論", "conclusions"), ("التوصيات", "recommendations"), ("выводы",
    "conclusions"), ("empfehlungen", "recommendations"), ("notes", "other"),
])
def test_round_table_parts_are_recognised_in_every_language(heading: str, role: str) -> None:
    assert i18n.section_role(heading) == role


# A site in French ------------------------------------------------------------------------------

def test_a_french_site_speaks_french(make_site: Callable[..., Path]) -> None:
    output = built(site_in(make_site, "fr"), pdf=False)
    page = issue_page(output)
    assert page.get("lang") == "fr" and page.get("dir") == "ltr"
    text = words(page)
    for french in ("Dans ce numéro", "Archives", "Thèmes", "Numéro 1", "15 janvier 2026",
                   "Intervenants", "Animateur", "Lucía Mamani et Nurlan Abenov", "Table ronde",
                   "Principaux résultats", "1 conclusion et 1 recommandation"):
        assert french in text, french
    for english in ("In this issue", "Archive", "Topics", "15 January 2026", "Presenters"):
        assert not re.search(rf"\b{english}\b", text), english
    # The editor's Spanish headings mark the parts, and are printed as written.
    parts = [section.get("class") for section in page.iter("section")]
    assert parts == ["part part-summary", "part part-conclusions", "part part-recommendations"]
    headings = [text_of(h) for h in page.iter("h3")]
    assert headings[-3:] == ["Resumen", "Conclusiones", "Recomendaciones"]
    assert "Archives" in words(parse_html(output / "archive" / "index.html"))
    assert "Page introuvable" in words(parse_html(output / "404.html"))
    assert "<title>Test Bulletin\u00a0: actualités</title>" in (output / "items.xml").read_text(
        encoding="utf-8")


def test_the_french_email_speaks_french(make_site: Callable[..., Path]) -> None:
    output = built(site_in(make_site, "fr"), pdf=False)
    folder = output / "issues" / "2026-01-winter"
    text = (folder / "email.txt").read_text(encoding="utf-8")
    assert "DANS CE NUMÉRO" in text and "Numéro 1 · 15 janvier 2026" in text
    assert "Intervenants\u00a0: Lucía Mamani et Nurlan Abenov" in text
    # a label's colon is the language's: French puts a no-break space before it
    assert "\nNuméros précédents\u00a0: https://example.org/news/archive/\n" in text
    assert "IN THIS ISSUE" not in text and "On the web" not in text
    html = (folder / "email.html").read_text(encoding="utf-8")
    assert "Dans ce numéro" in html and "Voir ce numéro dans votre navigateur" in html
    assert "Publié par" in html and "Published by" not in html
    assert "<title>Test Bulletin&nbsp;: January 2026</title>" in html  # the subject


# The lead story with a second region, so that the email lists its regions.
LEAD_IN_TWO_REGIONS = {"content/issues/2026-01-winter/01-lead.md": textwrap.dedent(
    MINIMAL_SITE["content/issues/2026-01-winter/01-lead.md"]).replace(
        "regions: [Peru]", "regions: [Peru, Bolivia]")}


@pytest.mark.parametrize(("lang", "comma"), [("ar", "\u060c "), ("en", ", ")])
def test_names_and_roles_are_set_apart_by_the_languages_comma(
        make_site: Callable[..., Path], lang: str, comma: str) -> None:
    """An Arabic page wrote 'Hélène Bélanger, Director' with a Latin comma: Arabic writes '،'.
    So in the contacts of the web, of the email and of its text, in an item page's breadcrumb
    (the bulletin, then the issue) and in the email's list of an item's regions."""
    output = built(site_in(make_site, lang, LEAD_IN_TWO_REGIONS), pdf=False)
    folder = output / "issues" / "2026-01-winter"
    contact = f"Hélène Bélanger{comma}Director \u00b7 helene@example.org"
    boxes = [text_of(box) for box in issue_page(output).iter("aside")
             if box.get("class") == "contact"]
    assert any(box.endswith(contact) for box in boxes), boxes
    email = parse_html(folder / "email.html")
    assert text_of(email.find(".//p[@class='contact']")).endswith(contact)
    assert f"Peru{comma}Bolivia" in text_of(email.find(".//p[@class='byline']"))
    text = (folder / "email.txt").read_text(encoding="utf-8")
    assert f"Hélène Bélanger{comma}Director <helene@example.org>" in text
    assert f"Peru{comma}Bolivia" in text
    crumb = parse_html(folder / "lead" / "index.html").find(".//nav[@class='breadcrumb']/a")
    assert text_of(crumb) == f"Test Bulletin{comma}January 2026"


def test_spanish_and_french_headings_mark_the_parts(make_site: Callable[..., Path]) -> None:
    site = site_in(make_site, "es", {"content/issues/2026-01-winter/04-table.md": ROUNDTABLE_FR})
    page = issue_page(built(site, pdf=False, email=False))
    parts = {section.get("class") for section in page.iter("section")}
    assert {"part part-summary", "part part-conclusions", "part part-recommendations"} <= parts
    text = words(page)
    # Outcomes of both tables are counted, in Spanish.
    assert "1 conclusión y 1 recomendación" in text and "1 recomendación" in text
    assert "Synthèse" in text and "Resumen" in text  # each heading as its editor wrote it


def in_this_issue(translation: str) -> str:
    """A site's catalogue that translates one message."""
    return ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
            f'msgid "In this issue"\nmsgstr "{translation}"\n')


def test_a_site_catalogue_overrides_one_message(make_site: Callable[..., Path]) -> None:
    site = site_in(make_site, "fr", {"translations/fr.po": in_this_issue("Au sommaire")})
    text = words(issue_page(built(site, pdf=False, email=False)))
    assert "Au sommaire" in text and "Dans ce numéro" not in text
    assert "Archives" in text  # the rest still comes from the shipped catalogue
    # Editing the catalogue makes the pages again, though nothing else changed.
    catalogue = site / "translations" / "fr.po"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace("Au sommaire", "Sommaire"),
                         encoding="utf-8")
    text = words(issue_page(built(site, pdf=False, email=False)))
    assert "Sommaire" in text and "Au sommaire" not in text


def test_a_site_catalogue_adds_a_language(make_site: Callable[..., Path]) -> None:
    site = site_in(make_site, "sw", {"translations/sw.po": in_this_issue("Katika toleo hili")})
    text = words(issue_page(built(site, pdf=False, email=False)))
    assert "Katika toleo hili" in text and "Archive" in text  # the rest in English


def test_a_language_the_theme_has_no_words_in_is_warned_of(
        make_site: Callable[..., Path]) -> None:
    """Its pages would say 'In this issue', 'Volume' in English, unmarked, which in Persian,
    read right to left, also comes out of order."""
    def said(files: dict[str, str | bytes | None]) -> list[str]:
        return [str(warning) for warning in load_site(site_in(make_site, "fa", files))[1].warnings
                if "no words" in warning.message]

    assert said({}) == [
        "bulletin.yaml:8: the theme has no words in 'fa' (فارسی): its pages, PDF and email say "
        "'In this issue', 'Volume' and the like in English (translate them in "
        "translations/fa.po: see 'Changing or adding a language' in docs/languages.md)"]
    assert said({"translations/fa.po": in_this_issue("در این شماره")}) == []


@pytest.mark.parametrize(("po", "line"), [
    ('msgid ""\nmsgstr ""\n\nmsgid "In this issue"\nmsgstr "Au sommaire\n', 5),
    ('msgid ""\nmsgstr ""\n\nmsgid "In this issue"\nmsgstr "Au sommaire"\nmsgtxt "x"\n', 6),
])
def test_a_broken_catalogue_is_an_error_naming_file_and_line(
        make_site: Callable[..., Path], po: str, line: int) -> None:
    site = site_in(make_site, "fr", {"translations/fr.po": po.encode()})
    with pytest.raises(ContentError) as caught:
        built(site, pdf=False, email=False)
    assert f"translations/fr.po:{line}:" in str(caught.value)
    assert not (site / "output").exists()


def test_english_sites_are_unchanged(make_site: Callable[..., Path]) -> None:
    page = issue_page(built(make_site(), pdf=False, email=False))
    text = words(page)
    assert "In this issue" in text and "15 January 2026" in text and "Number 1" in text


# Right to left, CJK and their fonts ------------------------------------------------------------

def test_an_arabic_site_is_right_to_left(make_site: Callable[..., Path]) -> None:
    output = built(site_in(make_site, "ar"), pdf=False)
    page = issue_page(output)
    assert page.get("lang") == "ar" and page.get("dir") == "rtl"
    assert "في هذا العدد" in words(page)
    html = (output / "issues" / "2026-01-winter" / "email.html").read_text(encoding="utf-8")
    assert 'dir="rtl"' in html and "في هذا العدد" in html
    # Each line of the plain text with an Arabic letter marked right to left: a client sets
    # each as a paragraph, in the direction of its first letter, and a line beginning with a
    # number ran left to right. One all in Latin letters (an address) is left to go its way.
    text = (output / "issues" / "2026-01-winter" / "email.txt").read_text(encoding="utf-8")
    lines = [line for line in text.split("\n") if re.search("[\u0600-\u06ff]", line)]
    assert lines and all(line.startswith("\u200f") for line in lines)
    assert "\u200f" not in "".join(line for line in text.split("\n") if line not in lines)
    english = built(make_site(name="english"), pdf=False)
    assert "\u200f" not in (english / "issues/2026-01-winter/email.txt").read_text("utf-8")
    # Mirrored in style attributes, which mail clients read: the contents' bar on the right.
    email = html5lib.parse(html, namespaceHTMLElements=False)
    [contents] = [table for table in email.iter("table") if table.get("class") == "toc"]
    assert "border-right: 4px solid" in contents.get("style", "")
    assert "border-left: 0" in contents.get("style", "")


def test_a_brief_written_right_to_left_among_others_reads_right_to_left(
        make_site: Callable[..., Path]) -> None:
    """A brief has no `lang:`; one in Arabic in an English briefs file takes its direction
    from its text, as dir="auto" would: the PDF (WeasyPrint knows no "auto") printed its words
    out of order."""
    output = built(make_site({"content/issues/2026-01-winter/02-briefs.yaml": """\
        title: Other news
        items:
          - regions: [Jordan]
            body: أطلقت أمانة **عمّان** الكبرى برنامجاً جديداً.
          - headline: Budget hearings
            body: In **Pécs**, من الأحياء.
        """}), pdf=False)
    issue = output / "issues/2026-01-winter"
    briefs = parse_html(issue / "briefs/index.html").findall(".//li[@class='brief']")
    assert [brief.get("dir") for brief in briefs] == ["rtl", None]
    email = html5lib.parse((issue / "email.html").read_text("utf-8"),
                           namespaceHTMLElements=False)
    cells = [cell for cell in email.iter("td") if "brief-cell" in cell.get("class", "")]
    assert [cell.get("dir") for cell in cells] == ["rtl", None]


def test_the_theme_words_of_an_issue_in_another_direction_keep_their_own(
        make_site: Callable[..., Path]) -> None:
    """An issue in Arabic on an English site reads right to left, and the theme's English
    inside it is marked as such: '10 July 2026' printed as 'July 2026 10', 'Volume 2 ·
    Number 9' backwards, and the colophon from its end."""
    output = built(make_site({"content/issues/2026-07-amman.md": """\
        ---
        title: نشرة عمّان
        date: 2026-07-10
        number: 9
        volume: 2
        lang: ar
        ---
        ## مجالس الأحياء

        أطلقت أمانة **عمّان** برنامجاً [جديداً](https://example.org/ar).
        """}), pdf=False)
    issue = output / "issues/2026-07-amman"
    english = {"lang": "en", "dir": "ltr"}
    for page in (issue / "index.html", issue / "مجالس-الأحياء/index.html"):
        html = parse_html(page)
        assert html.get("dir") == "rtl"
        marked = [{"lang": p.get("lang"), "dir": p.get("dir")} for p in html.iter("p")
                  if p.get("class") in ("masthead-meta", "byline")]
        assert marked and all(each == english for each in marked), page
    email = html5lib.parse((issue / "email.html").read_text("utf-8"),
                           namespaceHTMLElements=False)
    bylines = [p for p in email.iter("p") if "byline" in p.get("class", "")]
    assert bylines and all(p.get("dir") == "ltr" for p in bylines)
    # In a site whose theme speaks the issue's language, nothing is marked.
    arabic = built(site_in(make_site, "ar"), pdf=False)
    meta = [p for p in issue_page(arabic).iter("p") if p.get("class") == "masthead-meta"]
    assert meta and meta[0].get("lang") is None


@pytest.mark.parametrize(("lang", "wanted"), [("ja", "今号の内容"), ("ar", "في هذا العدد")])
def test_the_pdf_prints_japanese_and_arabic(make_site: Callable[..., Path], weasyprint: Any,
                                           lang: str, wanted: str) -> None:
    if i18n.fonts_cover(lang) is False:
        pytest.skip(i18n.missing_font(lang) or lang)
    report = build(site_in(make_site, lang, pdf=True), BuildOptions(jobs=1, email=False))
    assert not [w for w in report.warnings if "no font" in w.message]
    pdf = report.output / "issues" / "2026-01-winter" / "2026-01-winter.pdf"
    pages = PdfReader(pdf).pages
    text = "".join(page.extract_text() for page in pages)
    # Text extracted back from the PDF: the glyphs came from a font that has them.
    assert wanted in text, text[:400]
    # The running header of page two: the bulletin's name at the start of the line, which in
    # Arabic is the right, and the issue's period at its end.
    header = [(text, x) for text, x, y in placed_text(pages[1]) if y > pages[1].mediabox.top - 50]
    name, period = (next(x for text, x in header if text.startswith(start))
                    for start in ("Test Bulletin", "January"))
    middle = pages[1].mediabox.right / 2
    assert (name > middle, period > middle) == ((True, False) if lang == "ar" else (False, True))


def placed_text(page: Any) -> list[tuple[str, float, float]]:
    """Each piece of text on a PDF page with the x and y at which it starts."""
    placed: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: Any) -> None:
        if text.strip():
            placed.append((text.strip(), cm[4] + tm[4] * cm[0], cm[5] + tm[5] * cm[3]))

    page.extract_text(visitor_text=visit)
    return placed


def test_a_language_without_a_font_is_a_warning(make_site: Callable[..., Path],
                                                 weasyprint: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "fonts_cover", lambda lang: lang != "ja")
    report = build(site_in(make_site, "ja", pdf=True), BuildOptions(jobs=1, email=False))
    warned = [w for w in report.warnings if "no font" in w.message]
    assert len(warned) == 1
    assert warned[0].message == ("no font for Japanese (ja) is installed: the PDF would print "
                                 "empty boxes; install fonts-noto-cjk")
    assert warned[0].location.path == "content/issues/2026-01-winter/issue.yaml"


def test_the_font_check_asks_fontconfig(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []

    class Found:
        returncode = 0
        stdout = ""

    def run(command: list[str], **_: Any) -> Found:
        calls.append(command)
        return Found()

    i18n.fonts_cover.cache_clear()
    monkeypatch.setattr("bulletin_gen.i18n.shutil.which", lambda name: "/usr/bin/fc-list")
    monkeypatch.setattr("bulletin_gen.i18n.subprocess.run", run)
    try:
        assert i18n.missing_font("ko") == ("no font for Korean (ko) is installed: the PDF would "
                                           "print empty boxes; install fonts-noto-cjk")
        assert calls == [["/usr/bin/fc-list", ":lang=ko", "family"]]
        assert i18n.missing_font("ar") is not None and "fonts-noto-core" in str(
            i18n.missing_font("ar"))
    finally:
        i18n.fonts_cover.cache_clear()


def test_one_environment_renders_several_languages() -> None:
    env = make_environment(None, language="fr")
    template = env.from_string("{% trans number = 3 %}Number {{ number }}{% endtrans %} · "
                               "{{ day | date }} · {{ _('Archive') }} · {{ ['<A>', 'B'] | names }}")
    day = dt.date(2006, 8, 1)
    french = "Numéro 3 · 1 août 2006 · Archives · <bdi>&lt;A&gt;</bdi> et <bdi>B</bdi>"
    assert template.render(day=day) == french
    japanese = template.render(day=day, **language_globals("ja", None))
    assert japanese == "第3号 · 2006年8月1日 · アーカイブ · <bdi>&lt;A&gt;</bdi>、<bdi>B</bdi>"
    assert template.render(day=day) == french


def test_the_search_index_filters_and_dates_speak_the_language(
        make_site: Callable[..., Path]) -> None:
    site_dir = site_in(make_site, "fr")
    site, _ = load_site(site_dir)
    pages = "".join(document.html for document in search_documents(site))
    assert 'data-pagefind-filter="Type:Table ronde"' in pages
    assert 'data-pagefind-filter="Type:Dossier"' in pages
    assert 'data-pagefind-filter="Année:2026"' in pages
    assert 'data-pagefind-meta="Date:15 janvier 2026"' in pages
    assert "Round table" not in pages and "date:15 January" not in pages and "Kind:" not in pages


def test_a_site_catalogue_names_the_search_filters(make_site: Callable[..., Path]) -> None:
    catalogue = in_this_issue("Au sommaire") + 'msgid "Kind"\nmsgstr "Genre"\n'
    site_dir = site_in(make_site, "fr", {"translations/fr.po": catalogue})
    site, _ = load_site(site_dir)
    pages = "".join(document.html for document in search_documents(site, site_dir))
    assert 'data-pagefind-filter="Genre:Table ronde"' in pages and "Type:" not in pages
    assert 'data-pagefind-filter="Année:2026"' in pages  # the rest from the shipped catalogue


def test_the_plain_text_emails_own_words_speak_the_language(
        make_site: Callable[..., Path]) -> None:
    item = """\
        ---
        title: Une note
        ---
        Le texte[^1] et une carte : ![La carte des centres](carte.png)

        [^1]: La note.
        """
    site = site_in(make_site, "fr", {"content/issues/2026-01-winter/05-note.md": item,
                                     "content/issues/2026-01-winter/carte.png": TINY_PNG})
    output = built(site, pdf=False)
    text = (output / "issues" / "2026-01-winter" / "email.txt").read_text(encoding="utf-8")
    # French puts a no-break space before a colon: a line never starts with it
    assert "Le texte (note 1)" in text and "Notes\u00a0:" in text
    assert "[Image\u00a0: La carte des centres]" in text
    assert "Notes:" not in text and "[Image: " not in text


@pytest.mark.parametrize(("tag", "locale"), [
    ("en", "en_US"), ("es", "es_ES"), ("pt-BR", "pt_BR"), ("zh-Hant", "zh_TW"), ("ky", "ky_KG"),
    ("ar", "ar_EG"),
])
def test_og_locale_is_a_language_and_a_territory(tag: str, locale: str) -> None:
    from bulletin_gen.i18n import og_locale

    assert og_locale(tag) == locale


@pytest.mark.parametrize(("names", "joined"), [
    (["Layla Haddad", "Nurlan Abenov"], "Layla Haddad و\u00a0Nurlan Abenov"),  # not 'وNurlan'
    (["ليلى حداد", "نورلان"], "ليلى حداد ونورلان"),  # 'and' joins an Arabic word, as written
    (["ليلى", "Nurlan", "Ana"], "ليلى و\u00a0Nurlan و\u00a0Ana"),
])
def test_arabic_and_stands_apart_from_a_latin_name(names: list[str], joined: str) -> None:
    assert i18n.format_names(names, "ar") == joined
    assert i18n.format_names(names[:1], "ar") == names[0]


def test_a_russian_byline_says_author_of_one_and_authors_of_several(
        make_site: Callable[..., Path], build_site: Callable[..., Path]) -> None:
    """'Автор: A и B' took the singular for two authors: the byline is a plural message."""
    site = make_site({
        "bulletin.yaml": MINIMAL_SITE["bulletin.yaml"].rstrip(" ") + "        language: ru\n",
        "content/issues/2026-01-winter/01-lead.md":
            "---\ntitle: Lead\nauthors: [Anna, Ivan]\n---\nText.\n",
        "content/issues/2026-01-winter/03-more.md": "---\ntitle: More\nauthors: Anna\n---\nText.\n",
    })
    output = build_site(site)
    bylines = [text_of(span) for span in parse_html(output / "issues/2026-01-winter/index.html")
               .iter("span") if text_of(span).startswith("Автор")]
    assert bylines == ["Авторы: Anna и Ivan", "Автор: Anna"]
    text = (output / "issues/2026-01-winter/email.txt").read_text("utf-8")
    assert "Авторы: Anna и Ivan" in text and "Автор: Anna ·" in text
