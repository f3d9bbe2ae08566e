"""Translations (languages.py): `languages:` in bulletin.yaml, translation files beside their
originals, one site per language under its code, and everything each one publishes.

Most tests build tests/fixtures/sites/multilingual (English, with Spanish, Arabic and Japanese
translations, some of them partial) in a temporary copy."""

from __future__ import annotations

import email
import email.policy
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import (
    ATOM,
    MINIMAL_SITE,
    SITEMAP,
    SITES,
    Built,
    age,
    built_once,
    by_class,
    html_pages,
    internal_refs,
    one,
    page_path,
    parse_html,
    resolve_ref,
    snapshot,
    text_of,
)
from pypdf import PdfReader

from bulletin_gen import pool, validate
from bulletin_gen.build import BuildOptions, build
from bulletin_gen.cli import main
from bulletin_gen.config import Language, load_config
from bulletin_gen.editions.pdf import PRINT_TEMPLATE
from bulletin_gen.errors import ContentError, Problems
from bulletin_gen.languages import site_in, translation_of
from bulletin_gen.model import Site, lang_of
from bulletin_gen.pipeline import load_site, site_environment
from bulletin_gen.render import PagePlan, render_page


def sites_of(site_dir: Path) -> dict[str, Site]:
    site, _ = load_site(site_dir)
    return {each.language: each for each in (site, *site.translations)}


def config_problems(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "bulletin.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_config(tmp_path)
    return [str(problem) for problem in caught.value.problems]


# Settings ------------------------------------------------------------------------------------

def test_languages_keep_their_order_and_default_to_the_main_title(tmp_path: Path) -> None:
    (tmp_path / "bulletin.yaml").write_text(
        "title: Notes\ntagline: News\nlanguages:\n  fr: {}\n  es: {title: Notas}\n"
        "  pt-BR:\n", encoding="utf-8")
    config, _ = load_config(tmp_path)
    # The main tagline, in the main language (marked with it on the pages).
    assert config.languages == (Language("fr", "Notes", "News", "en"),
                                Language("es", "Notas", "News", "en"),
                                Language("pt-BR", "Notes", "News", "en"))
    assert config.untranslated == "original"


def test_a_site_without_languages_has_none(tmp_path: Path) -> None:
    (tmp_path / "bulletin.yaml").write_text("title: Notes\n", encoding="utf-8")
    assert load_config(tmp_path)[0].languages == ()


@pytest.mark.parametrize(("text", "expected"), [
    ("languages:\n  es_ES: {}\n",
     "bulletin.yaml:3: languages: 'es_ES' is not a language code (did you mean es-ES?"),
    ("languages:\n  spanish: {}\n",
     "bulletin.yaml:3: languages: 'spanish' is not a language code (did you mean es?)"),
    ("languages:\n  xx: {}\n",
     "bulletin.yaml:3: languages: 'xx' is not a language code (write a BCP 47 code"),
    ("languages:\n  en: {}\n",
     "bulletin.yaml:3: languages: 'en' is the main language ('language: en')"),
    ("languages:\n  no: {}\n", "bulletin.yaml:3: languages: 'False' is not a language code "
     "(put the code in quotes"),
    ("languages: [es, fr]\n", "bulletin.yaml:2: languages: expected a mapping, got a list: "
     "each language is a key, with its settings under it (write 'languages: {es: {}, fr: {}}')"),
    ("languages: [Spanish]\n", "bulletin.yaml:2: languages: expected a mapping (key: value"),
    ("languages:\n  es: Spanish\n", "bulletin.yaml:3: languages.es: expected a mapping"),
    ("languages:\n  es:\n    tags: {water: ''}\n",
     "bulletin.yaml:4: languages.es.tags.water: no name given"),
    ("languages:\n  es:\n    regions: [Peru]\n",
     "bulletin.yaml:4: languages.es.regions: expected a mapping"),
    ("untranslated: hide\n", "bulletin.yaml:2: untranslated: unknown value 'hide'"),
])
def test_bad_language_settings_are_errors_at_their_line(tmp_path: Path, text: str,
                                                        expected: str) -> None:
    problems = config_problems(tmp_path, "title: Notes\n" + text)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_languages_listed_are_one_error_not_a_warning_for_each_translation_too(
        make_site: Callable[..., Path]) -> None:
    site_dir = with_languages(make_site({
        "content/issues/2026-01-winter/issue.es.yaml": "title: Enero\n"}), "[es]")
    assert content_errors(site_dir) == [
        f"bulletin.yaml:{(site_dir / 'bulletin.yaml').read_text('utf-8').count(chr(10))}: "
        "languages: expected a mapping, got a list: each language is a key, with its settings "
        "under it (write 'languages: {es: {}}')"]
    with pytest.raises(ContentError) as caught:
        load_site(site_dir)
    assert caught.value.warnings == ()


def test_an_unknown_key_of_a_language_is_a_warning_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "bulletin.yaml").write_text("title: Notes\nlanguages:\n  es:\n    titel: X\n",
                                            encoding="utf-8")
    _, problems = load_config(tmp_path, problems=Problems())
    assert [str(p) for p in problems.warnings] == [
        "bulletin.yaml:4: unknown field 'languages.es.titel' (did you mean title?)"]


@pytest.mark.parametrize(("name", "expected"), [
    ("01-x.es.md", ("01-x.md", "es")),
    ("issue.fr.yaml", ("issue.yaml", "fr")),
    ("2006-07-august.es", ("2006-07-august", "es")),
    ("about.pt-BR.md", ("about.md", "pt-BR")),
    ("01-x.md", None),
    ("report.v2.md", None),  # not a configured language: an item of its own
    ("01-x.de.md", None),
])
def test_a_translation_is_named_by_a_configured_code(name: str,
                                                     expected: tuple[str, str] | None) -> None:
    assert translation_of(name, ["es", "fr", "pt-BR"]) == expected


# Loading and the model -----------------------------------------------------------------------

def test_each_language_has_its_own_site_under_its_code(
        fixture_site: Callable[[str], Path]) -> None:
    sites = sites_of(fixture_site("multilingual"))
    assert list(sites) == ["en", "es", "ar", "ja"]
    assert [site.prefix for site in sites.values()] == ["", "es/", "ar/", "ja/"]
    assert sites["es"].config.title == "Notas de campo"
    assert sites["ja"].config.title == "Field Notes"  # not given: the main language's
    assert [issue.url for issue in sites["en"].issues] == [
        "issues/2026-04-april/", "issues/2026-03-march/", "issues/2026-01-january/"]
    # An issue is in a language when its issue file is translated.
    assert [issue.url for issue in sites["es"].issues] == [
        "es/issues/2026-04-april/", "es/issues/2026-03-march/", "es/issues/2026-01-january/"]
    assert [issue.url for issue in sites["ar"].issues] == ["ar/issues/2026-04-april/"]
    assert [index.url for index in sites["es"].tags] == ["es/tags/agua/", "es/tags/offices/"]


def test_translations_built_in_workers_are_the_same_sites(
        fixture_site: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "PARALLEL_ITEMS", 0)  # use the pool even for a small site
    sent: list[int] = []
    real_map_chunks = pool.map_chunks

    def counting(task: Any, chunks: Any, jobs: int, *args: Any) -> Any:
        sent.append(jobs)
        return real_map_chunks(task, chunks, jobs, *args)

    monkeypatch.setattr(validate, "map_chunks", counting)
    site_dir = fixture_site("multilingual")
    alone, in_workers = (load_site(site_dir, jobs=jobs) for jobs in (1, 2))
    assert sent == [2, 2, 2, 2]  # the main language and each of its three translations
    assert alone == in_workers


def test_the_main_site_is_built_from_the_originals_only(
        fixture_site: Callable[[str], Path]) -> None:
    april = sites_of(fixture_site("multilingual"))["en"].issues[0]
    assert [item.source.rsplit("/", 1)[1] for item in april.items] == [
        "01-office.md", "02-briefs.yaml", "03-notice.md"]
    assert not any(item.untranslated for item in april.items)


def test_a_translation_inherits_what_it_leaves_out_and_keeps_the_slug(
        fixture_site: Callable[[str], Path]) -> None:
    sites = sites_of(fixture_site("multilingual"))
    original, translated = sites["en"].issues[0], sites["es"].issues[0]
    assert (translated.title, translated.date, translated.number) == (
        "Abril de 2026", original.date, 3)
    assert translated.contact == original.contact
    office = translated.items[0]
    assert (office.slug, office.title, office.kind, office.source) == (
        "office", "Una nueva oficina en Biskek", "feature",
        "content/issues/2026-04-april/01-office.es.md")
    assert [t.name for t in office.tags] == ["offices"]  # inherited
    assert office.image is not None and office.image.alt == "La puerta de la oficina"
    assert office.image.url == "issues/2026-04-april/office.png"  # one copy for all languages
    assert office.image.width == 2  # measured
    water = sites["es"].issues[1].items[0]
    assert [t.name for t in water.tags] == ["agua"]  # its own


def with_translated_contact(site_dir: Path, given: str) -> dict[str, Site]:
    """The sites of `site_dir` (the multilingual fixture) once its April issue's contact has a
    role, Editor, and the Spanish translation gives `contact: GIVEN`."""
    issue = site_dir / "content/issues/2026-04-april"
    (issue / "issue.yaml").write_text((issue / "issue.yaml").read_text().replace(
        "contact: {name: Ana Editor,", "contact: {name: Ana Editor, role: Editor,"))
    with (issue / "issue.es.yaml").open("a") as translation:
        translation.write(f"contact: {given}\n")
    return sites_of(site_dir)


def test_a_contact_whose_role_alone_is_translated_keeps_its_name_and_email(
        fixture_site: Callable[[str], Path]) -> None:
    """docs/content.md says a translation gives a contact's role: given alone, it replaced
    the whole contact, and the Spanish issue showed none, on the web, in print and by email."""
    sites = with_translated_contact(fixture_site("multilingual"), "{role: Editora}")
    original, translated = sites["en"].issues[0].contact, sites["es"].issues[0].contact
    assert (original.name, original.role, original.email) == (
        "Ana Editor", "Editor", "editor@example.org")
    assert (translated.name, translated.role, translated.email) == (
        "Ana Editor", "Editora", "editor@example.org")


def test_a_contact_role_a_translation_takes_from_its_original_is_marked_with_its_language(
        fixture_site: Callable[[str], Path]) -> None:
    """A contact given in part (its email) keeps its original's role, in its language."""
    translated = with_translated_contact(fixture_site("multilingual"),
                                         "{email: ana@example.org}")["es"].issues[0]
    assert (translated.contact.role, translated.contact.email) == ("Editor", "ana@example.org")
    assert dict(translated.inherited).get("contact") == "en"


def test_an_untranslated_item_of_an_issue_whose_original_is_a_draft_is_marked(
        make_site: Callable[..., Path]) -> None:
    """The main site leaves a draft original out, and with it the language its items are
    written in: they are the site's main language's, shown untranslated."""
    site_dir = with_languages(make_site({
        f"{WINTER}issue.yaml": "title: January\ndate: 2026-01-15\nstatus: draft\n",
        f"{WINTER}issue.fr.yaml": "title: Janvier\nstatus: published\n",
    }), "{fr: {}}")
    lead = sites_of(site_dir)["fr"].issues[0].items[0]
    assert (lead.untranslated, lead.lang) == (True, "en")


def test_tags_and_regions_are_named_in_each_language_by_its_settings(
        fixture_site: Callable[[str], Path]) -> None:
    """`languages: {es: {tags: {offices: oficinas}}}` names a tag in Spanish wherever the
    Spanish site shows it (items, briefs, its page, feeds, search filters), at the same
    address; a name no item has is a warning at its line."""
    site_dir = fixture_site("multilingual")
    settings = site_dir / "bulletin.yaml"
    settings.write_text(settings.read_text("utf-8").replace(
        "  es: {title: Notas de campo, tagline: Noticias de los centros de la red}\n",
        "  es:\n    title: Notas de campo\n"
        "    tags: {Offices: oficinas, ofices: oficinas, agua: el agua}\n"
        "    regions: {Peru: Perú, central asia: Asia Central, Centrl Asia: Asia}\n"),
        encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["build", str(site_dir), "--no-pdf"])
    assert result.exit_code == 0, result.output
    # 'agua' is the tag a Spanish translation gives itself: no warning of it.
    assert [line for line in result.output.splitlines() if "languages.es" in line] == [
        "bulletin.yaml:11: warning: languages.es.tags: no item has the tag 'ofices' "
        "(did you mean offices?)",
        # named as bulletin.yaml writes it, and the hint as the items write theirs
        "bulletin.yaml:12: warning: languages.es.regions: no item has the region 'Centrl Asia' "
        "(did you mean Central Asia?)"]
    output = site_dir / "output"
    assert text_of(one(parse_html(output / "es/tags/offices/index.html"), ".//h1")) == \
        "oficinas"
    assert text_of(one(parse_html(output / "tags/offices/index.html"), ".//h1")) == "offices"
    office = parse_html(output / "es/issues/2026-04-april/office/index.html")
    assert [text_of(a) for a in by_class(office, "tag", "a")] == ["#oficinas"]
    assert [text_of(a) for a in by_class(office, "region", "a")] == ["Asia Central"]
    feed = ET.parse(output / "es/regions/peru/feed.xml").getroot()
    assert feed.findtext(f"{ATOM}title") == "Notas de campo: Perú"
    assert 'label="oficinas"' in (output / "es/items.xml").read_text("utf-8")
    sites = sites_of(site_dir)
    brief = sites["es"].issues[0].items[1].briefs[0]
    assert [(t.slug, t.name) for t in brief.regions] == [("peru", "Perú")]
    assert [t.term.name for t in sites["es"].regions] == ["Asia Central", "Perú"]
    assert [t.term.name for t in sites["en"].regions] == ["Central Asia", "Peru"]


def test_term_pages_are_listed_by_the_names_their_language_shows(
        fixture_site: Callable[[str], Path]) -> None:
    """A Spanish site lists its regions by their Spanish names, accents and case set aside,
    not by the English slugs of their addresses."""
    site_dir = fixture_site("multilingual")
    settings = site_dir / "bulletin.yaml"
    settings.write_text(settings.read_text("utf-8").replace(
        "  es: {title: Notas de campo, tagline: Noticias de los centros de la red}\n",
        "  es:\n    title: Notas de campo\n"
        "    regions: {Peru: Ándes del Perú, central asia: asia central}\n"), encoding="utf-8")
    sites = sites_of(site_dir)
    assert [(t.term.name, t.url) for t in sites["es"].regions] == [
        ("Ándes del Perú", "es/regions/peru/"), ("asia central", "es/regions/central-asia/")]
    assert [t.term.name for t in sites["en"].regions] == ["Central Asia", "Peru"]


def test_a_single_file_issue_is_translated_by_its_twin(
        fixture_site: Callable[[str], Path]) -> None:
    january = sites_of(fixture_site("multilingual"))["es"].issues[2]
    assert (january.title, january.date.isoformat(), january.source) == (
        "Enero de 2026", "2026-01-12", "content/issues/2026-01-january.es.md")
    # Its items' slugs come from their headings: they keep the original's, by position.
    assert [(item.title, item.url) for item in january.items] == [
        ("Abre un centro en Lima", "es/issues/2026-01-january/centre-opens-in-lima/"),
        ("Fechas de formación", "es/issues/2026-01-january/training-dates/")]


def test_a_translation_missing_a_section_of_its_original_is_warned_of(
        fixture_site: Callable[[str], Path]) -> None:
    """Its sections are matched with the original's by their order: with one left out, none
    can be, and the pages it has lost their link to the original's without a word."""
    site_dir = fixture_site("multilingual")
    translation = site_dir / "content/issues/2026-01-january.es.md"
    text = translation.read_text("utf-8")
    translation.write_text(text[:text.index("\n## ", text.index("## ") + 1)] + "\n", "utf-8")
    _, problems = load_site(site_dir)
    said = [str(warning) for warning in problems.warnings if "sections" in warning.message]
    line = text[:text.index("## ")].count("\n") + 1
    assert said == [
        f"content/issues/2026-01-january.es.md:{line}: '## ' sections: 1 here, 2 in the "
        "original: they are matched by their order, so none can be, and their pages take "
        "addresses of their own, not linked to the original's (give every section of the "
        "original, in its order; one not yet translated can stay in the original's words)"]


def test_a_renamed_section_of_the_original_moves_its_translation_with_it(
        fixture_site: Callable[[str], Path], tmp_path: Path) -> None:
    """The translation's file is unchanged, but its items take their slugs from the
    original's headings: an incremental build moves them too, as a clean build would."""
    site_dir = fixture_site("multilingual")
    build(site_dir, BuildOptions(pdf=False, email=False, jobs=1))
    original = site_dir / "content/issues/2026-01-january.md"
    original.write_text(original.read_text("utf-8").replace(
        "## Training dates", "## Training calendar"), "utf-8")
    output = build(site_dir, BuildOptions(pdf=False, email=False, jobs=1)).output
    moved = output / "es/issues/2026-01-january/training-calendar/index.html"
    assert moved.is_file() and not (moved.parent.parent / "training-dates").exists()
    clean = build(site_dir, BuildOptions(output=tmp_path / "clean", clean=True, pdf=False,
                                         email=False, jobs=1)).output
    assert moved.read_bytes() == (clean / moved.relative_to(output)).read_bytes()


def test_an_originals_new_language_reaches_its_items_shown_untranslated(
        fixture_site: Callable[[str], Path], tmp_path: Path) -> None:
    """The Arabic April shows the English notice untranslated, in the typography of the
    language it is written in: its issue's. When that issue says it is in German, an
    incremental build sets the notice's quotes as German, as a clean build does."""
    site_dir = fixture_site("multilingual")
    notice = site_dir / "content/issues/2026-04-april/03-notice.md"
    notice.write_text(notice.read_text("utf-8") + '\nThey said "closed".\n', "utf-8")
    options = BuildOptions(pdf=False, email=False, jobs=1)
    page = "ar/issues/2026-04-april/notice/index.html"
    assert "\u201cclosed\u201d" in (build(site_dir, options).output / page).read_text("utf-8")
    issue = site_dir / "content/issues/2026-04-april/issue.yaml"
    issue.write_text(issue.read_text("utf-8") + "lang: de\n", "utf-8")
    output = build(site_dir, options).output
    clean = build(site_dir, BuildOptions(output=tmp_path / "clean", clean=True, pdf=False,
                                         email=False, jobs=1)).output
    assert "\u201eclosed\u201c" in (output / page).read_text("utf-8")
    assert (output / page).read_bytes() == (clean / page).read_bytes()


def test_untranslated_items_are_shown_in_the_original_language_and_marked(
        fixture_site: Callable[[str], Path]) -> None:
    april = sites_of(fixture_site("multilingual"))["ar"].issues[0]
    assert [(item.slug, item.lang, item.untranslated) for item in april.items] == [
        ("office", "", False), ("briefs", "en", True), ("notice", "en", True)]
    assert april.items[2].title == "Office closed on 1 May"


def test_untranslated_items_can_be_left_out(fixture_site: Callable[[str], Path]) -> None:
    site_dir = fixture_site("multilingual")
    config = site_dir / "bulletin.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "untranslated: omit\n",
                      encoding="utf-8")
    sites = sites_of(site_dir)
    assert [item.slug for item in sites["ar"].issues[0].items] == ["office"]
    assert [item.slug for item in sites["ja"].issues[0].items] == ["office", "briefs"]
    assert [page.slug for page in sites["ar"].pages] == []
    assert [page.slug for page in sites["es"].pages] == ["about"]
    assert [index.url for index in sites["ar"].regions] == ["ar/regions/central-asia/"]


def test_a_page_is_translated_by_its_twin(fixture_site: Callable[[str], Path]) -> None:
    sites = sites_of(fixture_site("multilingual"))
    assert [(p.url, p.title, p.untranslated) for p in sites["es"].pages] == [
        ("es/pages/about/", "Acerca de", False)]
    assert [(p.url, p.title, p.lang, p.untranslated) for p in sites["ja"].pages] == [
        ("ja/pages/about/", "About", "en", True)]


def test_a_link_leads_to_the_same_language_where_it_can(
        fixture_site: Callable[[str], Path]) -> None:
    sites = sites_of(fixture_site("multilingual"))
    assert 'href="@root/es/issues/2026-03-march/water/"' in sites["es"].issues[0].items[0].html
    # Arabic has no March issue: the original's page.
    assert 'href="@root/issues/2026-03-march/water/"' in sites["ar"].issues[0].items[0].html
    assert 'href="@root/issues/2026-03-march/water/"' in sites["en"].issues[0].items[0].html


def test_a_translations_headings_keep_their_originals_ids(
        fixture_site: Callable[[str], Path]) -> None:
    """'## Antecedentes' took the id water-antecedentes: a link to 01-water.md#background,
    kept as written or in a text shown untranslated, led nowhere on the Spanish pages."""
    site_dir = fixture_site("multilingual")
    twin = site_dir / "content/issues/2026-03-march/01-water.es.md"
    twin.write_text(twin.read_text("utf-8") + "Ver [antecedentes](#antecedentes).\n", "utf-8")
    (site_dir / "content/issues/2026-03-march/02-more.md").write_text(
        "---\ntitle: More\n---\nSee [the background](01-water.md#background).\n", "utf-8")
    march = next(issue for issue in sites_of(site_dir)["es"].issues
                 if issue.slug == "2026-03-march")
    water, more = march.items
    assert '<h2 id="water-background">Antecedentes</h2>' in water.html
    assert 'href="#water-background"' in water.html  # its own words lead there too
    assert 'href="@root/es/issues/2026-03-march/water/#water-background"' in more.html
    # With another count of headings, they cannot be matched: each keeps its own words, and
    # the build says so, as check would find the links broken.
    twin.write_text(twin.read_text("utf-8") + "\n## Hoy\n\nAhora.\n", "utf-8")
    site, problems = load_site(site_dir)
    water = next(issue for issue in site_in(site, "es").issues
                 if issue.slug == "2026-03-march").items[0]
    assert '<h2 id="water-antecedentes">' in water.html and '<h2 id="water-hoy">' in water.html
    assert [str(w) for w in problems.warnings if "headings" in w.message] == [
        "content/issues/2026-03-march/01-water.es.md:7: 2 headings where its original has 1: "
        "they keep ids of their own words, so a link to one of the original's headings leads "
        "nowhere here (give it the original's headings, in their order; one not yet "
        "translated may stay in the original's words)"]


def test_a_mistake_in_a_translation_names_the_translation_file_and_line(
        fixture_site: Callable[[str], Path]) -> None:
    site_dir = fixture_site("multilingual")
    (site_dir / "content/issues/2026-04-april/01-office.es.md").write_text(
        "---\ntitle: Una oficina\ndate: 2026-13-01\n---\nTexto.\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_site(site_dir)
    assert [str(p.location) for p in caught.value.problems] == [
        "content/issues/2026-04-april/01-office.es.md:3"]


def test_a_mistake_in_an_original_is_reported_once(
        fixture_site: Callable[[str], Path]) -> None:
    site_dir = fixture_site("multilingual")
    notice = site_dir / "content/issues/2026-04-april/03-notice.md"
    notice.write_text("---\ntitle: Closed\nkind: notice\ncolour: red\n---\nClosed.\n",
                      encoding="utf-8")
    _, problems = load_site(site_dir)
    assert [str(p) for p in problems.warnings if "colour" in p.message] == [
        "content/issues/2026-04-april/03-notice.md:4: unknown field 'colour'"]


def test_a_file_that_cannot_be_read_gives_no_warnings_of_unused_names(
        fixture_site: Callable[[str], Path]) -> None:
    """Its tags may be the ones `languages:` names: the error is what to fix."""
    site_dir = fixture_site("multilingual")
    settings = site_dir / "bulletin.yaml"
    settings.write_text(settings.read_text("utf-8").replace(
        "  es: {title: Notas de campo, tagline: Noticias de los centros de la red}\n",
        "  es:\n    title: Notas de campo\n    regions: {central asia: Asia Central}\n"),
        encoding="utf-8")
    office = site_dir / "content/issues/2026-04-april/01-office.md"
    office.write_text(office.read_text("utf-8").replace("title: A new", "title: [A new"),
                      encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_site(site_dir)
    assert [str(p.location) for p in caught.value.problems] == [
        "content/issues/2026-04-april/01-office.md:2"]
    assert not [w for w in caught.value.warnings if "languages.es" in w.message]


def test_a_translation_keeps_its_originals_kind_and_says_so(
        fixture_site: Callable[[str], Path]) -> None:
    site_dir = fixture_site("multilingual")
    twin = site_dir / "content/issues/2026-04-april/03-notice.es.md"
    twin.write_text(twin.read_text("utf-8").replace("---\n", "---\nkind: feature\n", 1),
                    encoding="utf-8")
    site, problems = load_site(site_dir)
    notice = next(item for item in site_in(site, "es").issues[0].items if item.slug == "notice")
    assert notice.kind == "notice"
    assert [str(w) for w in problems.warnings if "kind" in w.message] == [
        "content/issues/2026-04-april/03-notice.es.md:2: kind: a translation has its "
        "original's kind, whatever it says (leave it out)"]
    # An item's slug likewise: the language menu finds its page in each language by it.
    office = site_dir / "content/issues/2026-04-april/01-office.es.md"
    office.write_text(office.read_text("utf-8").replace("---\n", "---\nslug: oficina\n", 1),
                      encoding="utf-8")
    site, problems = load_site(site_dir)
    assert "office" in [item.slug for item in site_in(site, "es").issues[0].items]
    assert [str(w) for w in problems.warnings if "slug" in w.message] == [
        "content/issues/2026-04-april/01-office.es.md:2: slug: a translation has its "
        "original's slug, whatever it says (leave it out)"]
    office.write_text(office.read_text("utf-8").replace("slug: oficina\n", ""), "utf-8")
    # An issue's number and volume likewise: the masthead is the issue's, in every language.
    issue = site_dir / "content/issues/2026-04-april/issue.es.yaml"
    issue.write_text(issue.read_text("utf-8") + "number: 99\n", encoding="utf-8")
    site, problems = load_site(site_dir)
    assert site_in(site, "es").issues[0].number == site.issues[0].number != 99
    assert [str(w) for w in problems.warnings if "number" in w.message] == [
        "content/issues/2026-04-april/issue.es.yaml:3: number: a translation has its "
        "original's number, whatever it says (leave it out)"]
    # The original's kind written again (as `bulletin new translation` copies a briefs file's
    # `kind: briefs`) is no change: no warning.
    twin.write_text(twin.read_text("utf-8").replace("kind: feature", "kind: notice"),
                    encoding="utf-8")
    briefs = site_dir / "content/issues/2026-04-april/02-briefs.es.yaml"
    briefs.write_text("kind: briefs\n" + briefs.read_text("utf-8"), encoding="utf-8")
    assert not [w for w in load_site(site_dir)[1].warnings if "kind" in w.message]


def test_a_name_two_tags_share_in_a_language_is_warned_of(
        fixture_site: Callable[[str], Path]) -> None:
    """The Spanish water item tags itself 'agua'; bulletin.yaml names 'water', the office's
    tag, agua too: the list of Spanish tags would show agua twice, each with a page."""
    site_dir = fixture_site("multilingual")
    office = site_dir / "content/issues/2026-04-april/01-office.md"
    office.write_text(office.read_text("utf-8").replace("tags: [offices]", "tags: [water]"),
                      encoding="utf-8")
    settings = site_dir / "bulletin.yaml"
    settings.write_text(settings.read_text("utf-8").replace(
        "  es: {title: Notas de campo, tagline: Noticias de los centros de la red}\n",
        "  es:\n    title: Notas de campo\n    tags: {water: agua}\n"), encoding="utf-8")
    _, problems = load_site(site_dir)
    assert [str(w) for w in problems.warnings if "tags are shown as" in w.message] == [
        "bulletin.yaml:11: languages.es.tags: 2 tags are shown as 'agua' in 'es': agua and "
        "water (tag a translation as its original is tagged: the name given here is shown "
        "for it; given as a tag of its own by content/issues/2026-03-march/01-water.es.md)"]


def content_errors(site_dir: Path) -> list[str]:
    """The errors loading `site_dir` stops at, as they are said."""
    with pytest.raises(ContentError) as caught:
        load_site(site_dir)
    return [str(problem) for problem in caught.value.problems]


def test_a_required_field_missing_from_an_original_is_reported_once(
        fixture_site: Callable[[str], Path]) -> None:
    """Its translations would inherit it: they miss it because the original does."""
    site_dir = fixture_site("multilingual")
    issue = site_dir / "content/issues/2026-04-april/issue.yaml"
    issue.write_text("".join(line for line in issue.read_text("utf-8").splitlines(True)
                             if not line.startswith("date:")), encoding="utf-8")
    assert content_errors(site_dir) == [
        "content/issues/2026-04-april/issue.yaml:1: missing required field 'date' "
        "(add 'date: YYYY-MM-DD')"]


def test_a_field_a_translation_misses_of_its_own_is_reported_there(
        fixture_site: Callable[[str], Path]) -> None:
    """A translated briefs file gives its briefs whole: a brief without a body is its own."""
    site_dir = fixture_site("multilingual")
    twin = site_dir / "content/issues/2026-04-april/02-briefs.es.yaml"
    twin.write_text("title: Breves\nitems:\n  - headline: Una clínica\n", encoding="utf-8")
    assert content_errors(site_dir) == [
        "content/issues/2026-04-april/02-briefs.es.yaml:3: missing required field 'body' in "
        "brief 1 (add 'body: ...')"]


def test_a_broken_link_of_a_translations_text_is_reported_with_its_originals(
        fixture_site: Callable[[str], Path]) -> None:
    """The same mistake in both texts (an item renamed) was said at the original alone, and
    at the translation only once the original was fixed: a round of fixes for each language."""
    site_dir = fixture_site("multilingual")
    folder = site_dir / "content/issues/2026-04-april"
    docs = [folder / name for name in ("01-office.md", "01-office.es.md", "02-briefs.yaml",
                                       "02-briefs.es.yaml")]
    for doc in docs:  # at the end of the text, or of the last brief's body
        doc.write_text(doc.read_text("utf-8").rstrip("\n") + " [More](03-notise.md)\n", "utf-8")
    said = [line.partition(": link to a missing file")[0].rpartition(":")[0]
            for line in content_errors(site_dir)]
    assert said == sorted(f"content/issues/2026-04-april/{doc.name}" for doc in docs)


def with_languages(site_dir: Path, languages: str) -> Path:
    """`site_dir` (a `make_site` site, whose settings are indented) with `languages:` added to
    its settings, written as in bulletin.yaml ('{es: {}}')."""
    config = site_dir / "bulletin.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"languages: {languages}\n",
                      encoding="utf-8")
    return site_dir


def test_a_file_named_as_a_translation_into_no_language_is_warned_of(
        make_site: Callable[..., Path]) -> None:
    """'01-lead.sp.md' was published as an item of its own, in every language, without a word."""
    site_dir = with_languages(make_site({
        f"{WINTER}issue.es.yaml": "title: Enero\n",
        f"{WINTER}01-lead.sp.md": "---\ntitle: Portada\n---\nTexto.\n",
        f"{WINTER}03-plan.v2.md": "---\ntitle: Plan\n---\nText.\n"}), "{es: {}, fr: {}}")
    _, problems = load_site(site_dir)
    assert [str(w) for w in problems.warnings if "names no language" in w.message] == [
        f"{WINTER}01-lead.sp.md: named as a translation of 01-lead.md into 'sp', which names no "
        "language: it is published as an item of its own (did you mean es? If so, rename it "
        "01-lead.es.md)"]


def test_files_of_languages_not_configured_are_items_of_their_own(
        make_site: Callable[..., Path]) -> None:
    report = "---\ntitle: Rapport\n---\nTexte.\n"
    site_dir = with_languages(
        make_site({"content/issues/2026-01-winter/02-report.fr.md": report}), "{es: {}}")
    config = site_dir / "bulletin.yaml"
    site, problems = load_site(site_dir)
    assert "report-fr" in [item.slug for item in site.issues[0].items]
    assert site.translations[0].issues == ()  # no issue.es.yaml: nothing in Spanish
    lines = config.read_text(encoding="utf-8").count("\n")
    assert [str(p) for p in problems.warnings if "languages" in p.message] == [
        f"bulletin.yaml:{lines}: languages: 'es' has no translated issue yet: its front page "
        "and archive are empty (translate an issue (bulletin new translation ISSUE es), or "
        "list 'es' once one is)"]


@pytest.mark.parametrize(("languages", "name", "listed", "hint"), [
    ("{fr: {}}", "issue.ar.yaml", "en, fr",
     "add 'ar:' under 'languages:' in bulletin.yaml, or rename the file"),
    ("{}", "issue.ar.yaml", "en",  # a language taken out of the list
     "add 'ar:' under 'languages:' in bulletin.yaml, or rename the file"),
    ("{fr: {}}", "issue.fra.yaml", "en, fr", "did you mean fr? If so, rename it issue.fr.yaml"),
    ("{fr: {}}", "01-lead.French.md", "en, fr", "did you mean fr? If so, rename it "
     "01-lead.fr.md"),
    ("{fr: {}}", "01-lead.German.md", "en, fr", "did you mean de? If so, rename it "
     "01-lead.de.md and add 'de:' under 'languages:' in bulletin.yaml"),
    ("{ar-SA: {}}", "01-lead.ar.md", "en, ar-SA", "'languages:' lists 'ar-SA': write 'ar:' "
     "there instead, or rename the file 01-lead.ar-SA.md"),
])
def test_a_translation_into_a_language_not_listed_is_left_out_with_a_warning(
        make_site: Callable[..., Path], languages: str, name: str, listed: str,
        hint: str) -> None:
    # Read as an original, the translated issue file was a briefs file without briefs.
    twin = "title: Winter\n" if name.endswith(".yaml") else "---\ntitle: Hiver\n---\nTexte.\n"
    site_dir = with_languages(make_site({WINTER + name: twin}), languages)
    site, problems = load_site(site_dir)
    assert [item.slug for item in site.issues[0].items] == ["lead", "briefs"]
    assert [str(p) for p in problems.warnings if "named as" in p.message] == [
        f"{WINTER}{name}: named as a translation into '{name.split('.')[1]}', which is not one "
        f"of the site's languages ({listed}): it is not published ({hint})"]


def test_a_page_or_single_file_issue_into_a_language_not_listed_is_left_out(
        make_site: Callable[..., Path]) -> None:
    single = "---\ntitle: Spring\ndate: 2026-03-01\n---\n## News\nText.\n"
    site_dir = make_site({"content/issues/2026-03-spring.md": single,
                          "content/issues/2026-03-spring.de.md": single,
                          "content/pages/about.de.md": "---\ntitle: Über uns\n---\nText.\n"})
    site, problems = load_site(site_dir)
    assert [issue.slug for issue in site.issues] == ["2026-03-spring", "2026-01-winter"]
    assert [page.slug for page in site.pages] == ["about"]
    assert [p.location.path for p in problems.warnings if "named as" in p.message] == [
        "content/issues/2026-03-spring.de.md", "content/pages/about.de.md"]


def test_a_translation_left_as_new_translation_wrote_it_is_a_warning(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    site_dir = with_languages(make_site(), "{fr: {}}")
    assert new_translation(runner, site_dir, "2026-01-winter", "fr").exit_code == 0
    lead = site_dir / WINTER / "01-lead.fr.md"  # its text translated, its title kept: fine
    lead.write_text(lead.read_text("utf-8").replace("The **lead** story", "Le texte"), "utf-8")
    _, problems = load_site(site_dir)
    assert sorted(str(p) for p in problems.warnings if "not translated" in p.message) == [
        f"{WINTER}02-briefs.fr.yaml:3: not translated yet: its text is the original's "
        "(translate it, or delete the file to show the original marked as untranslated)",
        f"{WINTER}issue.fr.yaml:3: not translated yet: its text is the original's (translate "
        "it; a field that reads the same in both languages can be left out, as it is taken "
        "from the original)"]


# The web edition ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The multilingual site built once (PDFs included) for the tests that only read it."""
    def make(folder: Path) -> Built:
        site_dir = folder / "multilingual"
        shutil.copytree(SITES / "multilingual", site_dir)
        return Built(site_dir, build(site_dir, BuildOptions(jobs=1)).output)

    return built_once(tmp_path_factory, "multilingual", make).output


LANGUAGE_OF = {"es": ("es", "ltr"), "ar": ("ar", "rtl"), "ja": ("ja", "ltr")}


def test_the_main_menu_is_named_in_the_pages_language(output: Path) -> None:
    """Its name, which a screen reader says, was 'Site' in every language."""
    names = {code: [nav.get("aria-label") for nav in parse_html(
        output / f"{code}index.html").iter("nav") if nav.get("class") == "site-nav"]
        for code in ("", "es/", "ar/", "ja/")}
    assert names == {"": ["Main menu"], "es/": ["Menú principal"],
                     "ar/": ["القائمة الرئيسية"], "ja/": ["メインメニュー"]}


def test_every_page_says_its_language_and_direction(output: Path) -> None:
    for page in html_pages(output):
        path = page_path(output, page)
        if path.startswith("pagefind/"):
            continue
        root = parse_html(page)
        expected = LANGUAGE_OF.get(path.split("/")[0], ("en", "ltr"))
        shown = root.get("lang"), root.get("dir")
        # An untranslated item's own page is in its language: the article says so.
        assert shown == expected, path


def test_an_item_written_in_a_language_is_that_languages_own_not_untranslated(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    """An item with `lang: ar` was given an '.ar' twin to translate, and shown on the Arabic
    pages as 'not translated yet'."""
    issue = "content/issues/2026-01-winter/"
    site = make_site({"bulletin.yaml": MINIMAL_SITE["bulletin.yaml"].rstrip(" ")
                      + "        languages: {ar: {}}\n",
                      issue + "03-notice.md": "---\ntitle: إعلان\nlang: ar\n---\nورشة عمل.\n"})
    result = runner.invoke(main, ["new", "translation", "2026-01-winter", "ar", str(site)])
    assert result.exit_code == 0, result.output
    assert not (site / issue / "03-notice.ar.md").exists()
    assert (site / issue / "01-lead.ar.md").exists()
    output = build(site, BuildOptions(pdf=False, email=False)).output
    page = parse_html(output / "ar/issues/2026-01-winter/index.html")
    notice = {a.get("id"): a for a in page.iter("article")}["item-notice"]
    assert notice.get("dir") in (None, "rtl") and not by_class(notice, "untranslated-note")
    english = parse_html(output / "issues/2026-01-winter/index.html")
    notice = {a.get("id"): a for a in english.iter("article")}["item-notice"]
    assert (notice.get("lang"), notice.get("dir")) == ("ar", "rtl")


def test_an_untranslated_item_is_marked_with_its_language_and_a_note(output: Path) -> None:
    issue = parse_html(output / "ar/issues/2026-04-april/index.html")
    articles = {a.get("id"): a for a in issue.iter("article")}
    assert articles["item-office"].get("lang") is None
    assert (articles["item-notice"].get("lang"), articles["item-notice"].get("dir")) == (
        "en", "ltr")
    notes = by_class(articles["item-notice"], "untranslated-note")
    assert len(notes) == 1 and notes[0].get("lang") == "ar"
    assert text_of(notes[0]) == "لم يُترجم هذا الموضوع بعد: يُعرض بلغته الأصلية."  # in Arabic
    menus = [nav for nav in issue.iter("nav") if nav.get("class") == "languages"]
    assert [nav.get("aria-label") for nav in menus] == ["اللغات"]
    assert not by_class(articles["item-office"], "untranslated-note")
    page = parse_html(output / "ar/issues/2026-04-april/notice/index.html")
    assert page.get("lang") == "ar"  # the page around it is in its site's language
    assert by_class(page, "untranslated-note")
    assert not by_class(parse_html(output / "es/issues/2026-04-april/index.html"),
                        "untranslated-note")


def test_an_untranslated_brief_on_a_term_page_is_marked_with_its_language(output: Path) -> None:
    """Peru's page in Arabic lists the April briefs, which have no Arabic translation."""
    page = parse_html(output / "ar/regions/peru/index.html")
    entry = next(li for li in page.iter("li")
                 if any("#" in (a.get("href") or "") for a in li.iter("a")))
    link = next(a for a in entry.iter("a") if "#" in (a.get("href") or ""))
    assert text_of(link) == "Spring meetings"
    # The whole entry, which stands at its own side; its issue's title in the page's language.
    assert (entry.get("lang"), entry.get("dir")) == ("en", "ltr")
    assert [(each.get("lang"), each.get("dir")) for each in by_class(entry, "byline")] == [
        ("ar", "rtl")]
    spanish = parse_html(output / "es/regions/peru/index.html")  # translated: no mark
    assert all(each.get("lang") is None for each in by_class(spanish, "excerpt"))


def test_the_themes_words_in_an_untranslated_item_are_marked_with_the_pages_language(
        output: Path, fixture_site: Callable[[str], Path], tmp_path: Path) -> None:
    arabic, english = ("ar", "rtl"), ("en", "ltr")
    issue = parse_html(output / "ar/issues/2026-04-april/index.html")
    printed = print_html(fixture_site("multilingual"), "ar", tmp_path)
    for page in (issue, printed):
        notice = next(a for a in page.iter("article") if a.get("id") == "item-notice")
        assert language_of(notice) == english
        # Its kind, "By ... and ..." with the date, the label of its contact: Arabic words in an
        # English item (the byline read "بقلم Ana Editor وLuis Ortiz · 14" laid out as English).
        for name in ("kind-label", "byline", "untranslated-note"):
            assert language_of(by_class(notice, name)[0]) == arabic, name
        assert text_of(by_class(notice, "byline")[0]).startswith("بقلم Ana Editor و")
        contact = one(by_class(notice, "contact")[0], "p")
        label = one(contact, "strong")
        assert (text_of(label), language_of(label)) == ("للتواصل:", arabic)
        # Its own words (the title, the contact's role) are the article's: no mark of their own.
        assert language_of(one(notice, ".//h2")) == language_of(contact) == (None, None)
        assert "Office manager" in text_of(contact)
    office = next(a for a in issue.iter("article") if a.get("id") == "item-office")
    assert [language_of(by_class(office, name)[0]) for name in ("kind-label", "byline")] == [
        (None, None)] * 2  # a translated item's are the page's, as it is
    # In the contents the English title is marked inside its link, whose page number (print.css)
    # then stays on the Arabic side of the line.
    entry = one(by_class(printed, "toc-notice")[0], "a")
    assert language_of(entry) == (None, None)
    assert language_of(one(entry, "span")) == english


def test_the_footnotes_heading_speaks_the_pages_language(
        fixture_site: Callable[[str], Path]) -> None:
    """The heading screen readers announce over an item's footnotes is in the page's language,
    marked with it: on the Arabic page it sits in an English item not translated yet."""
    site_dir = fixture_site("multilingual")
    issue = site_dir / "content/issues/2026-04-april"
    for name, note in (("03-notice.md", "The first of May."), ("03-notice.es.md", "El primero.")):
        with (issue / name).open("a", encoding="utf-8") as file:
            file.write(f"See the note.[^1]\n\n[^1]: {note}\n")
    output = build(site_dir, BuildOptions(jobs=1, pdf=False, email=False)).output

    def heading(page: str) -> tuple[str | None, str]:
        notes = by_class(parse_html(output / page), "footnotes")
        assert len(notes) == 1, page
        [found] = by_class(notes[0], "visually-hidden")
        return found.get("lang"), text_of(found)

    assert heading("issues/2026-04-april/notice/index.html") == (None, "Notes")
    assert heading("es/issues/2026-04-april/notice/index.html") == ("es", "Notas")
    assert heading("ar/issues/2026-04-april/notice/index.html") == ("ar", "ملاحظات")
    assert heading("ar/issues/2026-04-april/index.html") == ("ar", "ملاحظات")


def test_names_tags_regions_and_addresses_are_set_apart_from_the_text_around_them(
        output: Path, fixture_site: Callable[[str], Path], tmp_path: Path) -> None:
    """In <bdi>, so that in an Arabic page a tag reads "#offices", not "offices#", and names
    joined by the Arabic "and" stay whole."""
    def isolated(root: ET.Element) -> list[str]:
        return [text_of(bdi) for bdi in root.iter("bdi")]

    issue = parse_html(output / "ar/issues/2026-04-april/index.html")
    articles = {a.get("id"): a for a in issue.iter("article")}
    assert isolated(by_class(articles["item-office"], "terms")[0]) == ["Central Asia", "#offices"]
    assert isolated(by_class(articles["item-briefs"], "brief-regions")[0]) == ["Peru"]
    assert isolated(by_class(articles["item-notice"], "byline")[0]) == ["Ana Editor", "Luis Ortiz"]
    assert isolated(by_class(articles["item-notice"], "contact")[0]) == ["Luis Ortiz"]
    assert isolated(by_class(issue, "site-footer")[0]) == ["Test Network"]
    follow = by_class(parse_html(output / "ar/tags/offices/index.html"), "feed-link")[0]
    assert isolated(follow) == ["offices"]
    email = parse_html(output / "ar/issues/2026-04-april/email.html")
    assert [isolated(p) for p in by_class(email, "byline")] == [
        ["Central Asia"], ["Ana Editor", "Luis Ortiz"]]
    imprint = by_class(print_html(fixture_site("multilingual"), "ar", tmp_path), "imprint")[0]
    assert isolated(imprint) == [
        "Test Network", "https://example.org/notes/ar/issues/2026-04-april/", "Ana Editor"]


def language_of(element: Any) -> tuple[str | None, str | None]:
    return element.get("lang"), element.get("dir")


def test_fields_a_translation_leaves_out_are_marked_with_their_language(
        fixture_site: Callable[[str], Path]) -> None:
    site_dir = fixture_site("multilingual")
    april = site_dir / "content/issues/2026-04-april"
    (april / "issue.ar.yaml").write_text("title: أبريل 2026\n", encoding="utf-8")  # no summary
    (april / "02-briefs.es.yaml").write_text("title: Breves\n", encoding="utf-8")  # no briefs
    output = build(site_dir, BuildOptions(jobs=1, pdf=False)).output
    english = ("en", "ltr")
    for page in ("ar/issues/2026-04-april/index.html", "ar/index.html"):
        summary = by_class(parse_html(output / page), "masthead-summary")[0]
        assert text_of(summary) == "A new network office and the spring meetings."
        assert language_of(summary) == english, page
    issue = parse_html(output / "ar/issues/2026-04-april/index.html")
    office = next(a for a in issue.iter("article") if a.get("id") == "item-office")
    assert language_of(office) == (None, None)
    assert language_of(one(office, ".//h2")) == (None, None)  # its title is translated
    assert language_of(by_class(office, "item-image")[0]) == english  # its image_alt is not
    archive = parse_html(output / "ar/archive/index.html")
    assert language_of(by_class(archive, "issue-card")[0].findall("p")[1]) == english
    about = next(a for a in archive.iter("a") if text_of(a) == "About")  # an untranslated page
    assert language_of(about) == english
    email = parse_html(output / "ar/issues/2026-04-april/email.html")
    assert language_of(by_class(email, "summary")[0].find("p")) == english
    # A translated summary is the page's own language: no mark.
    spanish = parse_html(output / "es/issues/2026-04-april/index.html")
    assert language_of(by_class(spanish, "masthead-summary")[0]) == (None, None)
    briefs = next(a for a in spanish.iter("article") if a.get("id") == "item-briefs")
    assert text_of(one(briefs, ".//h2")) == "Breves"
    assert language_of(one(briefs, ".//h2")) == (None, None)
    assert language_of(by_class(briefs, "briefs")[0]) == english
    # bulletin.yaml gives Arabic no tagline of its own: it shows the English one, marked.
    assert language_of(by_class(parse_html(output / "ar/index.html"), "masthead-tagline")[0]) \
        == english
    assert language_of(by_class(email, "masthead-tagline")[0]) == english
    assert language_of(by_class(spanish, "masthead-tagline")[0]) == (None, None)


WINTER = "content/issues/2026-01-winter/"


def test_fields_a_translation_leaves_out_are_marked_with_the_language_of_their_original(
        make_site: Callable[..., Path]) -> None:
    # An English site whose issue is in Spanish, and its lead story in Portuguese: what the
    # French translation leaves out is in those languages, not in the site's.
    site_dir = with_languages(make_site({
        f"{WINTER}issue.yaml": "title: Enero\ndate: 2026-01-15\nsummary: Noticias.\nlang: es\n",
        f"{WINTER}issue.fr.yaml": "title: Janvier\n",
        f"{WINTER}01-lead.md": "---\ntitle: A história\nlang: pt\n---\nO texto.\n",
        f"{WINTER}01-lead.fr.md": "Le texte.\n",
    }), "{fr: {}}")
    output = build(site_dir, BuildOptions(jobs=1)).output
    issue = parse_html(output / "fr/issues/2026-01-winter/index.html")
    assert language_of(by_class(issue, "masthead-summary")[0]) == ("es", "ltr")
    articles = {a.get("id"): a for a in issue.iter("article")}
    assert language_of(one(articles["item-lead"], ".//h2")) == ("pt", "ltr")
    # Untranslated, and without a language of its own: in its issue's.
    assert language_of(articles["item-briefs"]) == ("es", "ltr")
    email = parse_html(output / "fr/issues/2026-01-winter/email.html")
    assert language_of(by_class(email, "summary")[0].find("p")) == ("es", "ltr")
    assert language_of(by_class(email, "item-title")[0]) == ("pt", "ltr")


def test_the_items_of_a_single_file_translation_are_its_own_whatever_it_leaves_out(
        make_site: Callable[..., Path]) -> None:
    site_dir = with_languages(make_site({
        "content/issues/2026-02-february.md": "---\ntitle: February\ndate: 2026-02-10\n---\n"
                                              "## Centre opens\n\nText.\n",
        "content/issues/2026-02-february.fr.md": "## Un centre ouvre\n\nTexte.\n",
    }), "{fr: {}}")
    output = build(site_dir, BuildOptions(jobs=1)).output
    issue = parse_html(output / "fr/issues/2026-02-february/index.html")
    assert language_of(by_class(issue, "masthead-period")[0]) == ("en", "ltr")  # left out
    # Its items come from its own body: the title it left out is the issue's, not theirs.
    item = one(next(a for a in issue.iter("article")), ".//h2")
    assert (text_of(item), language_of(item)) == ("Un centre ouvre", (None, None))


def marks(root: ET.Element, text: str) -> list[tuple[str | None, str | None]]:
    """The language and direction of each innermost element that shows just `text`."""
    return [language_of(element) for element in root.iter() if text_of(element) == text
            and not any(text_of(child) == text for child in element)]


def print_html(site_dir: Path, language: str, folder: Path) -> ET.Element:
    """The print edition's HTML of the first issue in `language`, before WeasyPrint lays it
    out: the PDF itself says nothing of the lang attributes."""
    main_site, _ = load_site(site_dir)
    site = next(each for each in main_site.translations if each.language == language)
    issue = site.issues[0]
    plan = PagePlan("print.html", issue.url, PRINT_TEMPLATE, {"issue": issue, "site": site})
    path = folder / "print.html"
    path.write_bytes(render_page(site_environment(site_dir, main_site), main_site, plan).data)
    return parse_html(path)


def test_round_table_parts_a_translation_leaves_out_are_marked_with_their_language(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    site_dir = with_languages(make_site({
        f"{WINTER}issue.yaml": "title: January\ndate: 2026-01-15\n"
                               "contact: {name: Ana Editor, role: Managing editor}\n",
        f"{WINTER}issue.fr.yaml": "title: Janvier\n",
        f"{WINTER}03-table.md": "---\ntitle: Water\nkind: roundtable\nsession: Plenary\n"
                                "venue: Town hall\ncontact: {name: Luis, role: Coordinator}\n"
                                "---\n## Summary\n\nText.\n",
        f"{WINTER}03-table.fr.md": "---\ntitle: L'eau\n---\n## Résumé\n\nTexte.\n",
        f"{WINTER}04-meeting.md": "---\ntitle: Meeting\nkind: roundtable\nvenue: Market hall\n"
                                  "---\n## Summary\n\nText.\n",  # left untranslated
    }), "{fr: {}}")
    output = build(site_dir, BuildOptions(jobs=1)).output
    english = [("en", "ltr")]
    french, unmarked = ("fr", "ltr"), (None, None)
    # The session in the contents and above the title (not again among the roles); the venue;
    # the role of the item's contact and of the issue's.
    for page in (parse_html(output / "fr/issues/2026-01-winter/index.html"),
                 print_html(site_dir, "fr", tmp_path)):
        assert marks(page, "Plenary") == english * 2
        assert marks(page, "Town hall") + marks(page, "Coordinator") == english * 2
        assert marks(page, "Managing editor") == english
        # An untranslated round table, in English: the default session (in the contents and
        # above its title) and the roles' labels are the theme's, in French; its venue is its
        # own.
        meeting = next(a for a in page.iter("article") if a.get("id") == "item-meeting")
        assert language_of(meeting) == ("en", "ltr")
        assert marks(page, "Table ronde") == [unmarked, french]
        assert language_of(by_class(meeting, "roles")[0]) == french
        assert marks(meeting, "Market hall") == english
    email = parse_html(output / "fr/issues/2026-01-winter/email.html")
    assert marks(email, "· Plenary") + marks(email, "Plenary") == english * 2  # no roles row
    assert marks(email, "Town hall") + marks(email, "Coordinator") == english * 2
    assert marks(email, "Managing editor") == english
    # The untranslated round table in the email: English, but for the theme's roles.
    roles = [table for table in email.iter("table") if table.get("class") == "roles"]
    assert [language_of(table) for table in roles] == [unmarked, french]
    assert marks(email, "Market hall") == english


def test_the_title_an_untranslated_round_table_gives_its_outcomes_is_set_apart(
        make_site: Callable[..., Path]) -> None:
    """The key outcomes' line, "of «Who decides on water?»", took an English title into an
    Arabic sentence unmarked: a right-to-left paragraph showed it as «?Who decides on water»."""
    site_dir = with_languages(make_site({
        f"{WINTER}issue.ar.yaml": "title: يناير\n",
        f"{WINTER}03-table.md": "---\ntitle: Who decides on water?\nkind: roundtable\n---\n"
                                "## Recommendations\n\n- Share the data.\n",
    }), "{ar: {}}")
    output = build(site_dir, BuildOptions(jobs=1, pdf=False, email=False)).output
    page = parse_html(output / "ar/issues/2026-01-winter/index.html")
    pointer = by_class(page, "outcomes-pointer")[0]
    assert marks(pointer, "Who decides on water?") == [("en", "ltr")]


def alternates(page: Path) -> dict[str, str]:
    return {link.get("hreflang", ""): link.get("href", "") for link in parse_html(page).iter("link")
            if link.get("rel") == "alternate" and link.get("hreflang")}


def test_alternates_link_every_translation_both_ways(output: Path) -> None:
    base = "https://example.org/notes/"
    expected = {"en": f"{base}issues/2026-04-april/office/",
                "es": f"{base}es/issues/2026-04-april/office/",
                "ar": f"{base}ar/issues/2026-04-april/office/",
                "ja": f"{base}ja/issues/2026-04-april/office/",
                "x-default": f"{base}issues/2026-04-april/office/"}
    for prefix in ("", "es/", "ar/", "ja/"):
        assert alternates(output / f"{prefix}issues/2026-04-april/office/index.html") == expected
    # March is in English and Spanish only; an untranslated page is no alternate.
    assert set(alternates(output / "es/issues/2026-03-march/index.html")) == {
        "en", "es", "x-default"}
    assert set(alternates(output / "issues/2026-04-april/notice/index.html")) == {
        "en", "es", "x-default"}
    assert set(alternates(output / "ja/tags/index.html")) == {"en", "es", "ar", "ja",
                                                              "x-default"}


def menu(output: Path, path: str) -> list[tuple[str, str, str, bool]]:
    """(language, text, the file the link reaches, current) of each entry of the menu."""
    nav = by_class(parse_html(output / path), "languages", "nav")
    assert len(nav) == 1, path
    entries = []
    for link in nav[0].iter("a"):
        target = resolve_ref(output, path, link.get("href", ""), "/notes/")
        assert target is not None, (path, link.get("href"))
        entries.append((link.get("lang", ""), text_of(link), page_path(output, target),
                        link.get("aria-current") == "page"))
    return entries


def test_the_menu_names_each_language_in_itself_and_leads_to_the_same_page(
        output: Path) -> None:
    assert menu(output, "es/issues/2026-04-april/index.html") == [
        ("en", "English", "issues/2026-04-april/index.html", False),
        ("es", "Español", "es/issues/2026-04-april/index.html", True),
        ("ar", "العربية", "ar/issues/2026-04-april/index.html", False),
        ("ja", "日本語", "ja/issues/2026-04-april/index.html", False)]
    # No Arabic or Japanese March: their homes.
    assert menu(output, "issues/2026-03-march/water/index.html") == [
        ("en", "English", "issues/2026-03-march/water/index.html", True),
        ("es", "Español", "es/issues/2026-03-march/water/index.html", False),
        ("ar", "العربية", "ar/index.html", False),
        ("ja", "日本語", "ja/index.html", False)]


def test_a_page_not_found_offers_each_languages_home(output: Path) -> None:
    assert menu(output, "es/404.html") == [
        ("en", "English", "index.html", False), ("es", "Español", "es/index.html", True),
        ("ar", "العربية", "ar/index.html", False), ("ja", "日本語", "ja/index.html", False)]
    assert alternates(output / "es/404.html") == {}  # no page of it in another language


def test_every_internal_link_of_every_language_reaches_a_file(output: Path) -> None:
    for page in html_pages(output):
        path = page_path(output, page)
        if path.startswith("pagefind/"):
            continue
        for _, url in internal_refs(parse_html(page)):
            assert resolve_ref(output, path, url, "/notes/"), f"{path}: {url}"


def test_a_translations_header_leads_to_its_own_language(output: Path) -> None:
    root = parse_html(output / "es/issues/2026-04-april/office/index.html")
    header = by_class(root, "site-header")[0]
    reached = {text_of(a): page_path(output, resolve_ref(
        output, "es/issues/2026-04-april/office/index.html", a.get("href", ""), "/notes/")
        or output) for a in header.iter("a")}
    assert reached["Notas de campo"] == "es/index.html"
    assert reached["Archivo"] == "es/archive/index.html"  # the theme speaks Spanish too
    assert reached["Acerca de"] == "es/pages/about/index.html"
    links = {text_of(a): a.get("href") for a in root.iter("a")}
    assert links["acuerdo sobre el río"] == "../../../../es/issues/2026-03-march/water/"


def test_the_sitemap_lists_every_language_with_its_alternates(output: Path) -> None:
    tree = ET.parse(output / "sitemap.xml").getroot()
    xhtml = "{http://www.w3.org/1999/xhtml}"
    urls = {url.findtext(f"{SITEMAP}loc"): {link.get("hreflang"): link.get("href")
                                            for link in url.iter(f"{xhtml}link")}
            for url in tree.iter(f"{SITEMAP}url")}
    base = "https://example.org/notes/"
    assert urls[f"{base}ar/issues/2026-04-april/"] == {
        "en": f"{base}issues/2026-04-april/", "es": f"{base}es/issues/2026-04-april/",
        "ar": f"{base}ar/issues/2026-04-april/", "ja": f"{base}ja/issues/2026-04-april/"}
    assert set(urls[f"{base}issues/2026-01-january/"]) == {"en", "es"}
    # The notice has a Spanish translation only: the Arabic issue shows it in English, a copy
    # of the original's page, which it names as canonical; the sitemap lists the original,
    # and the copy is no Arabic alternate (nor is Japanese's copy of the about page).
    notice = {"en": f"{base}issues/2026-04-april/notice/",
              "es": f"{base}es/issues/2026-04-april/notice/"}
    assert urls[f"{base}issues/2026-04-april/notice/"] == notice
    assert f"{base}ar/issues/2026-04-april/notice/" not in urls
    assert f"{base}ja/pages/about/" not in urls and f"{base}pages/about/" in urls
    head = parse_html(output / "ar/issues/2026-04-april/notice/index.html")
    assert {link.get("hreflang") for link in head.iter("link") if link.get("hreflang")} == {
        "en", "es", "x-default"}
    canonical = {link.get("rel"): link.get("href") for link in head.iter("link")}["canonical"]
    assert canonical == notice["en"]
    own = parse_html(output / "es/issues/2026-04-april/notice/index.html")  # translated
    assert {link.get("rel"): link.get("href") for link in own.iter("link")}["canonical"] == \
        notice["es"]


def test_each_language_has_its_feeds(output: Path) -> None:
    for prefix, lang, title in (("", "en", "Field Notes"), ("es/", "es", "Notas de campo"),
                                ("ar/", "ar", "ملاحظات ميدانية")):
        feed = ET.parse(output / f"{prefix}feed.xml").getroot()
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
        assert feed.findtext(f"{ATOM}title") == title
        links = [entry.find(f"{ATOM}link").get("href")  # type: ignore[union-attr]
                 for entry in feed.iter(f"{ATOM}entry")]
        assert links[0] == f"https://example.org/notes/{prefix}issues/2026-04-april/"
    items = ET.parse(output / "es/items.xml").getroot()
    assert [e.findtext(f"{ATOM}title") for e in items.iter(f"{ATOM}entry")][:2] == [
        "Una nueva oficina en Biskek", "Reuniones de primavera"]
    tag = ET.parse(output / "es/tags/agua/feed.xml").getroot()
    assert [e.findtext(f"{ATOM}title") for e in tag.iter(f"{ATOM}entry")] == ["Compartir el río"]
    notice = [e for e in ET.parse(output / "ar/items.xml").getroot().iter(f"{ATOM}entry")
              if e.findtext(f"{ATOM}title") == "Office closed on 1 May"]
    assert notice[0].get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


# Editions -------------------------------------------------------------------------------------

def test_each_translated_issue_has_its_email(output: Path) -> None:
    html = (output / "es/issues/2026-04-april/email.html").read_text(encoding="utf-8")
    root = parse_html(output / "es/issues/2026-04-april/email.html")
    assert root.get("lang") == "es"
    assert "Una nueva oficina en Biskek" in html and "A new office" not in html
    assert 'href="https://example.org/notes/es/archive/"' in html
    text = (output / "ar/issues/2026-04-april/email.txt").read_text(encoding="utf-8")
    assert "مكتب جديد في بيشكيك" in text
    assert "https://example.org/notes/ar/issues/2026-04-april/" in text
    assert not (output / "ar/issues/2026-03-march").exists()


def test_each_translated_issue_has_its_pdf(output: Path) -> None:
    text = " ".join(page.extract_text() for page in PdfReader(
        output / "es/issues/2026-04-april/2026-04-april.pdf").pages)
    assert "Una nueva oficina en Biskek" in text
    assert "Oficinas cerradas el 1 de mayo" in text
    assert "A new office" not in text
    english = " ".join(page.extract_text() for page in PdfReader(
        output / "issues/2026-04-april/2026-04-april.pdf").pages)
    assert "A new office in Bishkek" in english
    issue = parse_html(output / "es/issues/2026-04-april/index.html")
    assert [a.get("href") for a in by_class(issue, "issue-link-pdf")] == ["2026-04-april.pdf"]


def test_the_pdf_and_email_commands_take_a_language(fixture_site: Callable[[str], Path],
                                                    runner: CliRunner, tmp_path: Path) -> None:
    site_dir = fixture_site("multilingual")
    result = runner.invoke(main, ["pdf", "2026-03-march", str(site_dir), "--lang", "es",
                                  "-o", str(tmp_path / "march.pdf")])
    assert result.exit_code == 0, result.output
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "march.pdf").pages)
    assert "Compartir el río" in text
    result = runner.invoke(main, ["email", "2026-04-april", str(site_dir), "--lang", "ja",
                                  "--eml", str(tmp_path / "april.eml")])
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes((tmp_path / "april.eml").read_bytes(),
                                       policy=email.policy.default)
    assert message["Subject"] == "Field Notes\uff1a2026年4月号"  # a full-width colon
    result = runner.invoke(main, ["pdf", "2026-03-march", str(site_dir), "--lang", "de"])
    assert result.exit_code == 1
    assert "no language 'de' in this site: the languages are en, es, ar, ja" in result.output
    # A language's name, or a country's code, for its code: the one meant is said.
    for written, meant in (("arabic", "ar"), ("Español", "es"), ("jp", "ja")):
        result = runner.invoke(main, ["pdf", "2026-03-march", str(site_dir), "--lang", written])
        assert result.exit_code == 1 and f"; did you mean {meant}?" in result.output


def test_a_translations_file_names_its_languages_edition(
        fixture_site: Callable[[str], Path], runner: CliRunner, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`bulletin email content/issues/2026-04-april/issue.ja.yaml` made the English edition
    (and a single-file translation's file, no edition at all): the file names the language."""
    site_dir = fixture_site("multilingual")
    issues = site_dir / "content/issues"
    monkeypatch.chdir(tmp_path)  # where the edition is written, by default
    result = runner.invoke(main, ["email", str(issues / "2026-04-april/issue.ja.yaml"),
                                  str(site_dir)])
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes((tmp_path / "2026-04-april.ja.eml").read_bytes(),
                                       policy=email.policy.default)
    assert message["Subject"] == "Field Notes\uff1a2026年4月号"
    result = runner.invoke(main, ["email", str(issues / "2026-01-january.es.md"),
                                  str(site_dir), "--lang", "ES"])  # in any case
    assert result.exit_code == 0, result.output
    assert "Enero de 2026" in result.output
    assert (tmp_path / "2026-01-january.es.eml").is_file()
    result = runner.invoke(main, ["email", str(issues / "2026-01-january.es.md"),
                                  str(site_dir), "--lang", "ja"])
    assert result.exit_code == 1 and "is the issue's 'es' translation, and --lang asks for " \
        "'ja' (leave out --lang, or name the issue by its slug: 2026-01-january)" in result.stderr
    result = runner.invoke(main, ["email", "2026-01-january", str(site_dir), "--lang", "es-MX"])
    assert result.exit_code == 1 and result.stderr.endswith("; did you mean es?\n")


def test_an_issue_without_the_translation_asked_for_says_how_to_start_one(
        fixture_site: Callable[[str], Path], runner: CliRunner, tmp_path: Path) -> None:
    site_dir = fixture_site("multilingual")  # March is in English and Spanish only
    expected = ("Error: issue '2026-03-march' has no 'ar' translation (run 'bulletin new "
                "translation 2026-03-march ar')\n")
    result = runner.invoke(main, ["email", "2026-03-march", str(site_dir), "--lang", "ar",
                                  "--eml", str(tmp_path / "x.eml")])
    assert (result.exit_code, result.stderr) == (1, expected)
    result = runner.invoke(main, ["pdf", "2026-03-march", str(site_dir), "--lang", "ar",
                                  "-o", str(tmp_path / "x.pdf")])
    assert (result.exit_code, result.stderr) == (1, expected)
    result = runner.invoke(main, ["pdf", "2026-13-nope", str(site_dir), "--lang", "ar"])
    assert result.exit_code == 1 and "no issue '2026-13-nope' in this site" in result.stderr


def test_omitted_items_leave_no_page_and_no_menu_entry_behind(
        fixture_site: Callable[[str], Path]) -> None:
    site_dir = fixture_site("multilingual")
    config = site_dir / "bulletin.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "untranslated: omit\n",
                      encoding="utf-8")
    output = build(site_dir, BuildOptions(pdf=False, jobs=1)).output
    assert not (output / "ar/issues/2026-04-april/notice").exists()
    assert not (output / "ar/pages/about").exists()
    issue = parse_html(output / "ar/issues/2026-04-april/index.html")
    assert [a.get("id") for a in issue.iter("article")] == ["item-office"]
    assert not by_class(issue, "untranslated-note")
    assert menu(output, "issues/2026-04-april/notice/index.html")[2] == (
        "ar", "العربية", "ar/index.html", False)
    header = by_class(parse_html(output / "ar/index.html"), "site-header")[0]
    assert "About" not in text_of(header)  # nav: no page in Arabic


# check and new translation ---------------------------------------------------------------------

def test_check_reports_strays_and_links_across_languages(
        fixture_site: Callable[[str], Path], runner: CliRunner) -> None:
    site_dir = fixture_site("multilingual")
    issues = site_dir / "content/issues"
    (issues / "2026-03-march/02-gone.es.md").write_text("---\ntitle: Nada\n---\nTexto.\n",
                                                        encoding="utf-8")
    (issues / "2026-03-march/01-water.ja.md").write_text("---\ntitle: 川\n---\n川。\n",
                                                         encoding="utf-8")
    (site_dir / "content/pages/contact.es.md").write_text("---\ntitle: Contacto\n---\nX.\n",
                                                          encoding="utf-8")
    # Misspelt: the hint names the original's twin that is not there yet (not 03-notice.es.md)
    (issues / "2026-04-april/03-notise.ja.md").write_text("---\ntitle: お知らせ\n---\nX.\n",
                                                          encoding="utf-8")
    result = runner.invoke(main, ["check", str(site_dir)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if ": warning: " in line]
    assert lines == [
        "content/issues/2026-03-march/01-water.ja.md: warning: translated item of an issue "
        "that has no 'ja' translation: it is not published (translate the issue too: add "
        "issue.ja.yaml beside issue.yaml)",
        "content/issues/2026-03-march/02-gone.es.md: warning: translation (es) of a file that "
        "does not exist: 02-gone.md (name it after its original, with the language code "
        "before the extension, or remove it)",
        "content/issues/2026-04-april/01-office.ar.md:5: warning: link to 01-water.md, which "
        "has no 'ar' translation: it leads to the original (issues/2026-03-march/water/) "
        "(translate it too, as 01-water.ar.md, or link elsewhere)",
        "content/issues/2026-04-april/01-office.ja.md:5: warning: link to 01-water.md, which "
        "has no 'ja' translation: it leads to the original (issues/2026-03-march/water/) "
        "(translate it too, as 01-water.ja.md, or link elsewhere)",
        "content/issues/2026-04-april/03-notise.ja.md: warning: translation (ja) of a file "
        "that does not exist: 03-notise.md (did you mean 03-notice.ja.md?)",
        "content/pages/contact.es.md: warning: translation (es) of a file that does not exist: "
        "contact.md (name it after its original, with the language code before the "
        "extension, or remove it)",
    ]
    assert "0 errors, 6 warnings" in result.output


def test_check_finds_a_broken_link_in_a_translation(fixture_site: Callable[[str], Path],
                                                    runner: CliRunner) -> None:
    site_dir = fixture_site("multilingual")
    office = site_dir / "content/issues/2026-04-april/01-office.es.md"
    office.write_text("---\ntitle: Oficina\n---\nVer [el mapa](mapa.md).\n", encoding="utf-8")
    result = runner.invoke(main, ["check", str(site_dir)])
    assert result.exit_code == 1
    assert ("content/issues/2026-04-april/01-office.es.md:4: error: link to a missing file: "
            "mapa.md") in result.output


def new_translation(runner: CliRunner, site_dir: Path, issue: str, language: str) -> Result:
    return runner.invoke(main, ["new", "translation", issue, language, str(site_dir)])


def test_new_translation_writes_the_twins_to_fill_in(fixture_site: Callable[[str], Path],
                                                     runner: CliRunner) -> None:
    site_dir = fixture_site("multilingual")
    result = new_translation(runner, site_dir, "2026-03-march", "ar")
    assert result.exit_code == 0, result.output
    folder = site_dir / "content/issues/2026-03-march"
    assert result.output.split() == [str(folder / "01-water.ar.md"),
                                     str(folder / "issue.ar.yaml")]
    water = (folder / "01-water.ar.md").read_text(encoding="utf-8")
    assert water.startswith("---\n# The العربية (ar) translation of 01-water.md: ")
    assert 'title: "Sharing the river"\n---\n' in water and "kind:" not in water
    assert "Three years of talks came first." in water
    assert (folder / "issue.ar.yaml").read_text(encoding="utf-8").endswith(
        'title: "March 2026"\nsummary: "Water and land."\n')
    # As written, the twins build: Arabic now has the March issue.
    sites = sites_of(site_dir)
    assert [issue.url for issue in sites["ar"].issues][-1] == "ar/issues/2026-03-march/"
    # A second run writes only what is missing, and never overwrites.
    (folder / "01-water.ar.md").write_text("---\ntitle: النهر\n---\nنص.\n", encoding="utf-8")
    (folder / "issue.ar.yaml").unlink()
    result = new_translation(runner, site_dir, "2026-03-march", "ar")
    assert result.output.split() == [str(folder / "issue.ar.yaml")]
    assert (folder / "01-water.ar.md").read_text(encoding="utf-8").startswith("---\ntitle: النهر")
    result = new_translation(runner, site_dir, "2026-03-march", "ar")
    assert result.exit_code == 1
    assert "every file of 2026-03-march has its 'ar' translation already" in result.output


def test_new_translation_gives_a_contact_with_a_role_to_translate(
        fixture_site: Callable[[str], Path], runner: CliRunner) -> None:
    site_dir = fixture_site("multilingual")
    folder = site_dir / "content/issues/2026-03-march"
    water = folder / "01-water.md"
    water.write_text(water.read_text("utf-8").replace("kind: feature\n", (
        "kind: feature\ncontact: {name: Hélène Marchand, role: Programme Director,"
        " email: hm@example.org}\n")), "utf-8")
    assert new_translation(runner, site_dir, "2026-03-march", "ar").exit_code == 0
    twin = (folder / "01-water.ar.md").read_text(encoding="utf-8")
    assert ('contact: {"name": "Hélène Marchand", "role": "Programme Director", '
            '"email": "hm@example.org"}\n---\n') in twin
    (folder / "01-water.ar.md").write_text(twin.replace("Programme Director", "مديرة البرنامج"),
                                           encoding="utf-8")
    items = [item for issue in sites_of(site_dir)["ar"].issues for item in issue.items
             if item.contact and issue.slug == "2026-03-march"]
    assert [item.contact.role for item in items if item.contact] == ["مديرة البرنامج"]


def test_new_translation_of_briefs_and_single_file_issues(
        fixture_site: Callable[[str], Path], runner: CliRunner) -> None:
    site_dir = fixture_site("multilingual")
    result = new_translation(runner, site_dir, "2026-04-april", "ar")
    assert result.exit_code == 0, result.output
    folder = site_dir / "content/issues/2026-04-april"
    assert result.output.split() == [str(folder / "02-briefs.ar.yaml"),
                                     str(folder / "03-notice.ar.md")]
    briefs = (folder / "02-briefs.ar.yaml").read_text(encoding="utf-8")
    assert "regions: [Peru]" in briefs  # the list replaces the original's whole
    result = new_translation(runner, site_dir, "2026-01-january.md", "ja")
    assert result.output.split() == [str(site_dir / "content/issues/2026-01-january.ja.md")]
    assert "## Centre opens in Lima" in (site_dir / "content/issues/2026-01-january.ja.md"
                                         ).read_text(encoding="utf-8")
    result = new_translation(runner, site_dir, "2026-01-january", "de")
    assert result.exit_code == 1
    assert "'de' is not one of the site's languages (es, ar, ja)" in result.output


# Incremental builds -----------------------------------------------------------------------------

WATER = "content/issues/2026-03-march/01-water.md"


def test_an_incremental_build_after_editing_a_translation_equals_a_clean_one(
        fixture_site: Callable[[str], Path], tmp_path: Path) -> None:
    site_dir = fixture_site("multilingual")
    options = {"pdf": False, "jobs": 1}
    build(site_dir, BuildOptions(**options))  # type: ignore[arg-type]
    edits = [
        ("content/issues/2026-04-april/01-office.es.md",
         "---\ntitle: Una oficina en Biskek\ntags: [oficinas]\n---\nOtro texto.\n"),
        ("content/issues/2026-04-april/03-notice.md",  # an original shown untranslated
         "---\ntitle: Offices closed on 1 May\nkind: notice\n---\nEvery office closes.\n"),
        ("content/issues/2026-03-march/issue.ja.yaml", "title: 2026年3月号\n"),
        # A new slug for an original: its translation moves, and a link to it follows.
        (WATER, (site_dir / WATER).read_text(encoding="utf-8").replace(
            "kind: feature", "kind: feature\nslug: shared-river")),
        ("content/issues/2026-04-april/01-office.ja.md", None),  # the original shown instead
        ("bulletin.yaml", (site_dir / "bulletin.yaml").read_text(encoding="utf-8").replace(
            "  ja: {}\n", "")),  # a language dropped
    ]
    for number, (path, text) in enumerate(edits):
        if text is None:
            (site_dir / path).unlink()
        else:
            (site_dir / path).write_text(text, encoding="utf-8")
        age(site_dir)
        incremental = build(site_dir, BuildOptions(**options)).output  # type: ignore[arg-type]
        clean = build(site_dir, BuildOptions(output=tmp_path / f"clean{number}", clean=True,
                                             **options)).output  # type: ignore[arg-type]
        assert snapshot(incremental) == snapshot(clean), path
    assert "Otro texto." in (incremental / "es/issues/2026-04-april/office/index.html"
                             ).read_text(encoding="utf-8")
    assert "Every office closes." in (incremental / "ar/issues/2026-04-april/notice/index.html"
                                      ).read_text(encoding="utf-8")
    assert (incremental / "es/issues/2026-03-march/shared-river/index.html").is_file()
    assert not (incremental / "ja").exists()


def test_an_edited_translation_is_the_only_one_rendered_again(
        fixture_site: Callable[[str], Path], rendered_markdown: list[str]) -> None:
    site_dir = fixture_site("multilingual")
    build(site_dir, BuildOptions(pdf=False, jobs=1))
    rendered_markdown.clear()
    office = site_dir / "content/issues/2026-04-april/01-office.es.md"
    office.write_text(office.read_text(encoding="utf-8") + "\nOtra línea.\n", encoding="utf-8")
    age(site_dir)
    output = build(site_dir, BuildOptions(pdf=False, jobs=1)).output
    assert "Otra línea." in (output / "es/issues/2026-04-april/office/index.html").read_text(
        encoding="utf-8")
    pages = {"Field Notes is the test network's bulletin.\n",  # (the pages are, always)
             "Notas de campo es el boletín de la red de prueba.\n"}
    items = [text for text in rendered_markdown if text not in pages]
    assert len(items) == 1 and "Otra línea." in items[0]  # the others come from the memo


def test_a_link_to_a_round_tables_part_holds_in_its_translation(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    """'01-lead.md#recommendations', kept in the translation as links are, finds the part
    under its translated heading ('## Recomendaciones') too: by its role."""
    site_dir = with_languages(make_site({
        f"{WINTER}issue.es.yaml": "title: Enero\n",
        f"{WINTER}03-table.md": "---\ntitle: Water\nkind: roundtable\n---\n"
                                "## Recommendations\n\n- Meet again.\n",
        f"{WINTER}03-table.es.md": "---\ntitle: Agua\n---\n## Recomendaciones\n\n"
                                   "- Reunirse otra vez.\n",
        f"{WINTER}04-note.md": "---\ntitle: Note\n---\nSee [them](03-table.md#recommendations).\n",
        f"{WINTER}04-note.es.md": "---\ntitle: Nota\n---\n"
                                  "Ver [las](03-table.md#recommendations).\n",
    }), "{es: {}}")
    result = runner.invoke(main, ["check", str(site_dir)])
    assert result.exit_code == 0, result.output
    output = build(site_dir, BuildOptions(jobs=1, pdf=False)).output
    page = parse_html(output / "es/issues/2026-01-winter/table/index.html")
    part = next(s for s in page.iter("section") if "part-recommendations" in s.get("class", ""))
    assert part.get("id") == "table-recommendations"
    assert one(part, ".//h2").get("id") == "table-recomendaciones"
    english = parse_html(output / "issues/2026-01-winter/table/index.html")
    part = next(s for s in english.iter("section") if "part-recommendations" in s.get("class", ""))
    assert part.get("id") is None  # its heading has that id already


def test_two_parts_of_one_role_give_the_role_id_once(make_site: Callable[..., Path]) -> None:
    site = make_site({f"{WINTER}03-table.md": "---\ntitle: Water\nkind: roundtable\n---\n"
                                              "## Discussión\n\nOne.\n\n## Debate\n\nTwo.\n"})
    output = build(site, BuildOptions(jobs=1, pdf=False)).output
    ids = [element.get("id") for element in parse_html(
        output / "issues/2026-01-winter/table/index.html").iter() if element.get("id")]
    assert ids.count("table-discussion") == 1  # the first part's section, not the second's
    assert {"table-discussion", "table-debate"} <= set(ids)


def test_a_translation_marked_as_a_draft_is_as_yet_untranslated_where_drafts_are_left_out(
        make_site: Callable[..., Path]) -> None:
    """A link to its item from a text the language shows led to its '.md' file, with no
    word: the draft was left out, and the link had nowhere to go."""
    spring = "content/issues/2026-03-spring/"
    site_dir = with_languages(make_site({
        f"{WINTER}issue.es.yaml": "title: Enero\nstatus: draft\n",
        f"{spring}issue.yaml": "title: March\ndate: 2026-03-01\nnumber: 2\n",
        f"{spring}issue.es.yaml": "title: Marzo\n",
        f"{spring}01-update.md": "---\ntitle: Update\n---\nSee [the lead](../2026-01-winter/"
                                 "01-lead.md).\n"}), "{es: {}}")
    spanish = sites_of(site_dir)["es"]
    assert [issue.slug for issue in spanish.issues] == ["2026-03-spring"]
    update = spanish.issues[0].items[0]
    assert update.untranslated and 'href="@root/issues/2026-01-winter/lead/"' in update.html
    with_drafts, _ = load_site(site_dir, drafts=True)
    assert [issue.slug for issue in site_in(with_drafts, "es").issues] == [
        "2026-03-spring", "2026-01-winter"]


def test_a_text_a_translation_copies_word_for_word_is_marked_with_the_originals_language(
        make_site: Callable[..., Path]) -> None:
    """A twin whose title alone is translated: its summary and the contact's role, still the
    English of `bulletin new translation`, were marked Arabic, read right to left."""
    site_dir = with_languages(make_site({
        f"{WINTER}issue.ar.yaml": "title: يناير\n",
        f"{WINTER}01-lead.md": "---\ntitle: Lead\nsummary: The lead's summary.\n"
                               "contact: {name: Ana, role: Director}\n---\nText.\n",
        f"{WINTER}01-lead.ar.md": "---\ntitle: الافتتاحية\nsummary: The lead's summary.\n"
                                  "contact: {name: Ana, role: Director}\n---\nنص.\n"}),
        "{ar: {}}")
    lead = sites_of(site_dir)["ar"].issues[0].items[0]
    assert lang_of(lead, "title") == "" and lang_of(lead, "summary") == "en"
    assert lang_of(lead, "contact") == "en"


def test_a_translation_that_gives_a_title_alone_is_warned_of_by_build_and_check(
        make_site: Callable[..., Path]) -> None:
    """Its page showed the title and nothing under it, and only `check` said so."""
    site_dir = with_languages(make_site({
        f"{WINTER}issue.es.yaml": "title: Enero\n",
        f"{WINTER}01-lead.es.md": "---\ntitle: Portada\n---\n",
        f"{WINTER}02-briefs.es.yaml": "title: Breves\n",  # briefs: their text is items:
    }), "{es: {}}")
    warning = (f"{WINTER}01-lead.es.md:4: the translation gives no text: its page in 'es' "
               "shows its title and nothing under it (translate the text under the front "
               "matter, or delete the file to show the original marked as untranslated)")
    report = build(site_dir, BuildOptions(jobs=1, pdf=False))
    assert [str(w) for w in report.warnings if "gives no text" in str(w)] == [warning]
    said = CliRunner().invoke(main, ["check", str(site_dir)]).output
    assert [line for line in said.splitlines() if "01-lead.es.md" in line] == [
        warning.replace(":4: ", ":4: warning: ")]  # not also 'has no text'


def test_a_translation_that_says_it_is_in_another_language_is_warned_of(
        make_site: Callable[..., Path]) -> None:
    """`lang: es` in a Russian translation made its page <html lang="es">, its hreflang 'ru'."""
    site_dir = with_languages(make_site({
        f"{WINTER}issue.ru.yaml": "title: Январь\nlang: ru-RU\n",  # its own language: fine
        f"{WINTER}01-lead.ru.md": "---\ntitle: Главное\nlang: es\n---\nНовости.\n",  # noqa: RUF001
    }), "{ru: {}}")
    report = build(site_dir, BuildOptions(jobs=1, pdf=False))
    assert [str(w) for w in report.warnings if "lang:" in str(w)] == [
        f"{WINTER}01-lead.ru.md:3: lang: 'es' in a translation into 'ru': its pages would say "
        "they are in 'es' (leave 'lang:' out: a translation is in its language)"]


def test_an_editions_command_says_the_warnings_of_its_language_alone(
        fixture_site: Callable[[str], Path], runner: CliRunner, tmp_path: Path) -> None:
    """`bulletin email --lang ja` also said the Arabic translation's warnings."""
    site_dir = fixture_site("multilingual")
    april = site_dir / "content/issues/2026-04-april"
    for code in ("ar", "ja"):
        text = (april / f"issue.{code}.yaml").read_text("utf-8")
        (april / f"issue.{code}.yaml").write_text(text + f"tagz{code}: [x]\n", "utf-8")
    result = runner.invoke(main, ["email", "2026-04-april", str(site_dir), "--lang", "ja",
                                  "--eml", str(tmp_path / "april.eml")])
    assert result.exit_code == 0, result.output
    assert "tagzja" in result.stderr and "tagzar" not in result.stderr
