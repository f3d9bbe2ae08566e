"""Translations (languages.py): `languages:` in bulletin.yaml, translation files beside their
originals, one site per language under its code, and everything each one publishes.

Most tests build tests/fixtures/sites/multilingual (English, with Spanish, Arabic and Japanese
translations, some of them partial) in a temporary copy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bulletin_gen.build import load_site
from bulletin_gen.config import Language, load_config
from bulletin_gen.errors import ContentError, Problems
from bulletin_gen.languages import translation_of
from bulletin_gen.model import Site


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
    assert config.languages == (Language("fr", "Notes", "News"), Language("es", "Notas", "News"),
                                Language("pt-BR", "Notes", "News"))
    assert config.untranslated == "original"


def test_a_site_without_languages_has_none(tmp_path: Path) -> None:
    (tmp_path / "bulletin.yaml").write_text("title: Notes\n", encoding="utf-8")
    assert load_config(tmp_path)[0].languages == ()


@pytest.mark.parametrize(("text", "expected"), [
    ("languages:\n  es_ES: {}\n",
     "bulletin.yaml:3: languages: 'es_ES' is not a language code (write a BCP 47 code"),
    ("languages:\n  en: {}\n",
     "bulletin.yaml:3: languages: 'en' is the main language ('language: en')"),
    ("languages:\n  no: {}\n", "bulletin.yaml:3: languages: 'False' is not a language code "
     "(put the code in quotes"),
    ("languages: [es, fr]\n", "bulletin.yaml:2: languages: expected a mapping"),
    ("languages:\n  es: Spanish\n", "bulletin.yaml:3: languages.es: expected a mapping"),
    ("untranslated: hide\n", "bulletin.yaml:2: untranslated: unknown value 'hide'"),
])
def test_bad_language_settings_are_errors_at_their_line(tmp_path: Path, text: str,
                                                        expected: str) -> None:
    problems = config_problems(tmp_path, "title: Notes\n" + text)
    assert any(problem.startswith(expected) for problem in problems), problems


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


def test_a_single_file_issue_is_translated_by_its_twin(
        fixture_site: Callable[[str], Path]) -> None:
    january = sites_of(fixture_site("multilingual"))["es"].issues[2]
    assert (january.title, january.date.isoformat(), january.source) == (
        "Enero de 2026", "2026-01-12", "content/issues/2026-01-january.es.md")
    assert [item.title for item in january.items] == ["Abre un centro en Lima",
                                                      "Fechas de formación"]


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
    assert [str(p.location) for p in problems.warnings] == [
        "content/issues/2026-04-april/03-notice.md:4"]


def test_files_of_languages_not_configured_are_items_of_their_own(
        make_site: Callable[..., Path]) -> None:
    report = "---\ntitle: Rapport\n---\nTexte.\n"
    site_dir = make_site({"content/issues/2026-01-winter/02-report.fr.md": report})
    config = site_dir / "bulletin.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "languages: {es: {}}\n",
                      encoding="utf-8")
    site, _ = load_site(site_dir)
    assert "report-fr" in [item.slug for item in site.issues[0].items]
    assert site.translations[0].issues == ()  # no issue.es.yaml: nothing in Spanish
