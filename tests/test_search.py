"""The search page and its Pagefind index: what is indexed, with which filters, the same bytes
every build, a build without Pagefind, and real queries in headless Chromium; then the same
for every language of tests/fixtures/sites/multilingual."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import http.server
import os
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    MINIMAL_SITE,
    age,
    copy_fixture,
    parse_html,
    snapshot,
    text_of,
    write_files,
)

from bulletin_gen import search
from bulletin_gen.build import BuildOptions, build
from bulletin_gen.pipeline import load_site
from bulletin_gen.search import search_documents
from bulletin_gen.serve import not_found_page

SEARCH_SITE = {
    "content/issues/2026-01-winter/02-briefs.yaml": """\
        title: Other news
        kind: briefs
        items:
          - headline: Clinic opens
            regions: [Tajikistan]
            tags: [mediation]
            body: A clinic opened in **Khujand** for quarrelsome neighbours.
          - regions: [Hungary]
            body: Budget hearings in **Pécs** drew a large crowd.
          - regions: [Slovakia]
            body: The budget of **Kosice** goes online.
        """,
    "content/issues/2025-06-summer/issue.yaml": "title: June 2025\ndate: 2025-06-10\n",
    "content/issues/2025-06-summer/01-budgets.md": """\
        ---
        title: Budgets that neighbourhoods write
        regions: [Hungary]
        tags: [budgets]
        ---
        A budget written by the neighbourhoods of Szeged.
        """,
}


def site_documents(site_dir: Path) -> dict[str, str]:
    site, _ = load_site(site_dir)
    return {document.path: document.html for document in search_documents(site)}


def test_every_item_and_every_brief_is_a_document_with_its_filters(
        make_site: Callable[..., Path]) -> None:
    documents = site_documents(make_site(SEARCH_SITE))
    assert sorted(documents) == [
        "issues/2025-06-summer/budgets/index.html",
        "issues/2026-01-winter/briefs/briefs-1/index.html",
        "issues/2026-01-winter/briefs/briefs-2/index.html",
        "issues/2026-01-winter/briefs/briefs-3/index.html",
        "issues/2026-01-winter/lead/index.html",
    ]
    brief = documents["issues/2026-01-winter/briefs/briefs-2/index.html"]
    for mark in ('data-pagefind-filter="Year:2026"', 'data-pagefind-filter="Kind:Brief"',
                 'data-pagefind-filter="Region:Hungary"',
                 'data-pagefind-meta="url:../issues/2026-01-winter/briefs/#briefs-2"',
                 'data-pagefind-meta="title:Other news: Hungary"',
                 'data-pagefind-meta="Issue:Test Bulletin, January 2026"',
                 'data-pagefind-meta="Date:15 January 2026"'):
        assert mark in brief
    lead = documents["issues/2026-01-winter/lead/index.html"]
    assert 'data-pagefind-filter="Kind:Feature"' in lead
    assert 'data-pagefind-filter="Topic:mediation"' in lead
    assert '<html lang="en">' in lead


def test_a_checklists_ticks_are_not_words_of_its_document(
        make_site: Callable[..., Path]) -> None:
    """Hidden from screen readers on the page, the ticks were a result's excerpt's noise."""
    documents = site_documents(make_site({
        **SEARCH_SITE, "content/issues/2026-01-winter/01-lead.md":
            "---\ntitle: Lead\n---\nPlans:\n\n- [x] train mediators\n- [ ] open a clinic\n"}))
    lead = documents["issues/2026-01-winter/lead/index.html"]
    assert "train mediators" in lead and "open a clinic" in lead
    assert "✓" not in lead and "☐" not in lead and "aria-hidden" not in lead


def test_an_item_in_another_language_is_found_on_its_sites_search_page(
        make_site: Callable[..., Path]) -> None:
    """Pagefind indexes each language apart and a search page reads its own language's: an
    item in French in the English site was found by no page."""
    documents = site_documents(make_site({
        **SEARCH_SITE, "content/issues/2026-01-winter/03-nouvelles.md":
            "---\ntitle: Nouvelles\nlang: fr\n---\nBonjour de Pécs.\n"}))
    assert '<html lang="en">' in documents["issues/2026-01-winter/nouvelles/index.html"]


def test_the_index_is_the_same_bytes_every_build(make_site: Callable[..., Path],
                                                 tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(SEARCH_SITE)
    bundles = []
    for number in range(3):  # Pagefind alone orders its filters differently from run to run
        if number == 2:  # and where there is no folder in memory, Pagefind writes to the disk
            monkeypatch.setattr(search, "MEMORY_FOLDER", str(tmp_path / "no-such-folder"))
        output = build(site, BuildOptions(output=tmp_path / f"out{number}", clean=True,
                                          pdf=False, email=False, jobs=1)).output
        bundles.append({path.relative_to(output / "pagefind").as_posix(): path.read_bytes()
                        for path in sorted((output / "pagefind").rglob("*")) if path.is_file()})
    assert "pagefind-entry.json" in bundles[0]
    assert any(name.startswith("filter/") for name in bundles[0])
    assert bundles[0] == bundles[1] == bundles[2]


def bundle(output: Path) -> dict[str, bytes]:
    return {path.relative_to(output).as_posix(): path.read_bytes()
            for path in sorted((output / "pagefind").rglob("*")) if path.is_file()}


def test_an_edit_indexes_its_year_again_and_equals_a_clean_build(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site(SEARCH_SITE)
    age(site)
    options = BuildOptions(pdf=False, email=False, jobs=1)
    before = bundle(build(site, options).output)
    assert any(name.startswith("pagefind/2025/") for name in before)
    lead = site / "content/issues/2026-01-winter/01-lead.md"
    lead.write_text(lead.read_text("utf-8") + "\nA new word: zanzibar.\n", "utf-8")
    after = bundle(build(site, options).output)
    year_2025 = {name: data for name, data in after.items() if name.startswith("pagefind/2025/")}
    assert year_2025 == {name: data for name, data in before.items()
                         if name.startswith("pagefind/2025/")}
    assert after != before
    clean = build(site, BuildOptions(output=tmp_path / "clean", clean=True, pdf=False,
                                     email=False, jobs=1))
    assert bundle(clean.output) == after


def test_serves_first_build_after_an_edit_keeps_the_last_index_for_the_next(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    """`serve` shows an edit before Pagefind indexes it again (most of a second for a year of
    a weekly): the last bundle stands in until the next build, which makes the new one."""
    site = make_site(SEARCH_SITE)
    age(site)
    options = BuildOptions(pdf=False, email=False, jobs=1)
    before = bundle(build(site, options).output)
    lead = site / "content/issues/2026-01-winter/01-lead.md"
    lead.write_text(lead.read_text("utf-8") + "\nA new word: zanzibar.\n", "utf-8")
    first = build(site, dataclasses.replace(options, finish_later=True))
    assert first.search_later == 1 and bundle(first.output) == before
    assert "zanzibar" in (first.output / "issues/2026-01-winter/lead/index.html").read_text()
    second = build(site, options)
    assert second.search_later == 0 and bundle(second.output) != before
    clean = build(site, BuildOptions(output=tmp_path / "clean", clean=True, pdf=False,
                                     email=False, jobs=1))
    assert bundle(clean.output) == bundle(second.output)
    assert build(site, options).search_later == 0  # nothing changed: nothing left either


def test_a_bundle_made_again_links_what_it_shares_with_the_one_before(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    """An edit indexes its year again, and most of the year's files come out the same: those
    are linked from the bundle before instead of written again, and the bytes are those of a
    bundle made from nothing."""
    site = make_site(SEARCH_SITE)
    shard = search.search_shards(load_site(site)[0], site)[0]
    before, fresh, linked = tmp_path / "before", tmp_path / "fresh", tmp_path / "linked"
    for folder in (before, fresh, linked):
        folder.mkdir()
    search.write_bundle(shard, before)
    lead = site / "content/issues/2026-01-winter/01-lead.md"
    lead.write_text(lead.read_text("utf-8") + "\nA new word: zanzibar.\n", "utf-8")
    shard = search.search_shards(load_site(site)[0], site)[0]
    search.write_bundle(shard, fresh)
    search.write_bundle(shard, linked, before)
    assert snapshot(linked) == snapshot(fresh) != snapshot(before)
    shared = {name for name, data in snapshot(linked).items()
              if snapshot(before).get(name) == data}
    assert shared and len(shared) < len(snapshot(linked))  # the index changed, the script not
    if os.access(search.MEMORY_FOLDER, os.W_OK):  # else Pagefind writes in place: no links
        assert {name for name in snapshot(linked) if (before / name).exists()
                and (linked / name).stat().st_ino == (before / name).stat().st_ino} == shared


def test_a_build_makes_a_bundle_again_beside_the_last_builds_for_its_place(
        make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(SEARCH_SITE)
    age(site)
    options = BuildOptions(pdf=False, email=False, jobs=1)
    before = under(bundle(build(site, options).output), "pagefind/")
    given: list[tuple[str, dict[str, bytes] | None]] = []
    write_bundle = search.write_bundle

    def noting(shard: search.SearchShard, folder: Path, earlier: Path | None) -> None:
        given.append((shard.folder, snapshot(earlier) if earlier else None))
        write_bundle(shard, folder, earlier)

    monkeypatch.setattr(search, "write_bundle", noting)
    lead = site / "content/issues/2026-01-winter/01-lead.md"
    lead.write_text(lead.read_text("utf-8") + "\nA new word: zanzibar.\n", "utf-8")
    build(site, options)
    [(folder, earlier)] = given  # the newest issue's bundle alone, from the one before
    assert folder == "pagefind/" and earlier is not None
    assert {f"pagefind/{name}": data for name, data in earlier.items()} == before


TOPIC_IN_ENGLISH = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                    'msgid "Topic"\nmsgstr "Theme"\n')


@pytest.mark.parametrize("change", ["title", "catalogue", "spelling"])
def test_a_changed_title_or_catalogue_reaches_every_bundle(
        make_site: Callable[..., Path], tmp_path: Path, change: str) -> None:
    """A result shows the bulletin's title, and the filters are named in the site's words
    and by the names of the tag and region pages: a rebuild indexes every bundle again when
    one changes, though no item of the bundle did."""
    site = make_site(SEARCH_SITE)
    age(site)
    options = BuildOptions(pdf=False, email=False, jobs=1)
    before = bundle(build(site, options).output)
    if change == "title":
        settings = site / "bulletin.yaml"
        settings.write_text(settings.read_text("utf-8").replace("Test Bulletin", "Our Bulletin"),
                            "utf-8")
    elif change == "catalogue":
        (site / "translations").mkdir()
        (site / "translations/en.po").write_text(TOPIC_IN_ENGLISH, "utf-8")
    else:  # written so twice in 2026, once in 2025: the page of Hungary is now 'HUNGARY'
        briefs = site / "content/issues/2026-01-winter/02-briefs.yaml"
        briefs.write_text(briefs.read_text("utf-8").replace("[Hungary]", "[HUNGARY]").replace(
            "[Slovakia]", "[Slovakia, HUNGARY]"), "utf-8")
    after = bundle(build(site, options).output)
    for year in ("pagefind/2025/", "pagefind/"):
        assert {name for name in after if name.startswith(year)} != {
            name for name in before if name.startswith(year)}, year
    clean = build(site, BuildOptions(output=tmp_path / "clean", clean=True, pdf=False,
                                     email=False, jobs=1))
    assert bundle(clean.output) == after


def under(files: dict[str, bytes], folder: str) -> dict[str, bytes]:
    """The files of one bundle: those in `folder`, not in a bundle merged from below it (the
    bundles of a year or a quarter, `2026/`, `2026-q2/`)."""
    return {name: data for name, data in files.items()
            if name.startswith(folder) and not name[len(folder):][:4].isdigit()}


@pytest.fixture
def indexed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The folders of the bundles that Pagefind indexes, as builds index them."""
    folders: list[str] = []
    write_bundle = search.write_bundle

    def counting(shard: search.SearchShard, folder: Path, earlier: Path | None) -> None:
        folders.append(shard.folder)
        write_bundle(shard, folder, earlier)

    monkeypatch.setattr(search, "write_bundle", counting)
    return folders


def test_the_newest_issue_is_a_bundle_alone_then_its_quarter_then_each_year(
        make_site: Callable[..., Path], tmp_path: Path, indexed: list[str]) -> None:
    site = make_site(SEARCH_SITE)
    age(site)
    options = BuildOptions(pdf=False, email=False, jobs=1)
    first = bundle(build(site, options).output)
    assert not any(name.startswith("pagefind/2026") for name in first)  # January: alone
    write_files(site, {
        "content/issues/2026-04-spring/issue.yaml": "title: April 2026\ndate: 2026-04-02\n",
        "content/issues/2026-04-spring/01-wells.md": "---\ntitle: Wells\n---\nWells in Osh.\n",
        "content/issues/2026-05-may/issue.yaml": "title: May 2026\ndate: 2026-05-06\n",
        "content/issues/2026-05-may/01-roads.md": "---\ntitle: Roads\n---\nRoads in Naryn.\n"})
    age(site)
    indexed.clear()
    output = build(site, options).output
    # May alone is the search page's bundle; April, of the same quarter, one of its own;
    # January is its year's bundle now, the bundle it was alone: not indexed again.
    assert sorted(indexed) == ["pagefind/", "pagefind/2026-q2/"]
    page = parse_html(output / "search/index.html").find(".//div[@id='search']")
    assert page is not None
    assert (page.get("data-bundle"), page.get("data-merge")) == (
        "../pagefind/", "../pagefind/2026-q2/ ../pagefind/2026/ ../pagefind/2025/")
    before = bundle(output)
    assert under(before, "pagefind/2025/") == under(first, "pagefind/2025/")
    assert under(before, "pagefind/2026/").keys() >= {
        name.replace("pagefind/", "pagefind/2026/", 1) for name in under(first, "pagefind/")
        if name.startswith(("pagefind/fragment/", "pagefind/index/"))}
    for edited, folder in (("2026-05-may/01-roads.md", "pagefind/"),
                           ("2026-04-spring/01-wells.md", "pagefind/2026-q2/")):
        item = site / "content/issues" / edited
        item.write_text(item.read_text("utf-8") + "\nOne more word: turnip.\n", "utf-8")
        indexed.clear()
        after = bundle(build(site, options).output)
        assert indexed == [folder]
        assert under(after, folder) != under(before, folder)
        assert {name: data for name, data in after.items() if name not in under(after, folder)} \
            == {name: data for name, data in before.items() if name not in under(before, folder)}
        before = after
    clean = build(site, BuildOptions(output=tmp_path / "clean", clean=True, pdf=False,
                                     email=False, jobs=1))
    assert bundle(clean.output) == before


@pytest.fixture(scope="module")
def search_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal site with SEARCH_SITE, its web edition built once for the module: only for
    tests that read its output or query it."""
    site = write_files(tmp_path_factory.mktemp("search") / "site",
                       {**MINIMAL_SITE, **SEARCH_SITE})
    return build(site, BuildOptions(pdf=False, email=False, jobs=1)).output


def test_the_search_page_and_the_header_box(search_output: Path) -> None:
    output = search_output
    page = parse_html(output / "search/index.html")
    scripts = [script.get("src") for script in page.iter("script")]
    assert "../pagefind/pagefind-ui.js" in scripts
    fallback = page.find(".//p[@class='search-fallback']")
    assert fallback is not None
    assert [a.get("href") for a in fallback.iter("a")] == ["../archive/", "../tags/", "../regions/"]
    form = parse_html(output / "index.html").find(".//form[@role='search']")
    assert form is not None and form.get("action") == "search/"
    assert form.find(".//input[@name='q']") is not None
    # The search page's own box is its only one: the header's would be a second just above.
    assert page.find(".//form[@class='site-search']") is None
    assert page.find(".//div[@id='search']") is not None


def test_search_can_be_switched_off(make_site: Callable[..., Path],
                                    build_site: Callable[..., Path]) -> None:
    site = make_site({**SEARCH_SITE, "bulletin.yaml": "title: T\nsearch: {enabled: false}\n"})
    output = build_site(site, pdf=False, email=False)
    assert not (output / "pagefind").exists() and not (output / "search").exists()
    assert parse_html(output / "index.html").find(".//form[@role='search']") is None


def test_a_build_without_pagefind_builds_with_a_warning(
        make_site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> Path:
        raise search.SearchUnavailable("the Pagefind program is not installed")

    monkeypatch.setattr(search, "pagefind_program", missing)
    report = build(make_site(SEARCH_SITE), BuildOptions(output=tmp_path / "out", pdf=False,
                                                        email=False))
    assert [str(warning) for warning in report.warnings] == [
        "bulletin.yaml: the search index was not written: the Pagefind program is not "
        "installed (install it with: pip install 'bulletin-gen[search]')"]
    assert not (report.output / "pagefind").exists()
    assert not (report.output / "search").exists()
    assert parse_html(report.output / "index.html").find(".//form[@role='search']") is None


@contextlib.contextmanager
def serving(output: Path) -> Iterator[str]:
    """`output` served over HTTP on loopback, as Pagefind needs: its address."""
    handler = functools.partial(QuietHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(module_browser: Any) -> Any:
    """One Chromium for the module's searches: each test loads its pages afresh, from a server
    of its own, and Pagefind keeps nothing in the browser between page loads."""
    return module_browser


@pytest.fixture(scope="module")
def served(search_output: Path) -> Iterator[str]:
    """The search site built and served."""
    with serving(search_output) as base:
        yield base


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def query(browser: Any, base: str, term: str, filters: dict[str, str] | None = None,
          page: str = "search/") -> list[str]:
    """The result links of Pagefind's own API on the search page at `page`, with its bundle
    and every year's bundle merged in, as the page loads them (Pagefind picks the index of
    the page's language)."""
    browser.get(base + page)
    return list(browser.execute_async_script("""
        const [term, filters, done] = arguments;
        const page = document.getElementById("search").dataset;
        const bundle = new URL(page.bundle, window.location.href).pathname;
        // A module of its own, apart from the one the page's search box loads and merges into.
        import(bundle + "pagefind.js?test").then(async (pagefind) => {
          const merged = page.merge.split(" ");
          for (const folder of merged.filter(Boolean)) {
            await pagefind.mergeIndex(new URL(folder, window.location.href).pathname);
          }
          const search = await pagefind.search(term, {filters: filters});
          const data = await Promise.all(search.results.map((result) => result.data()));
          done(data.map((result) => result.meta.url));
        }).catch((error) => done(["failed: " + error]));
    """, term, filters or {}))


def result_links(browser: Any, address: str) -> list[Any]:
    """The result links that the search page at `address` (with its `?q=`) shows."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(address)
    return list(WebDriverWait(browser, 10).until(
        lambda driver: driver.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result-link")))


def test_a_word_of_one_brief_finds_that_brief_on_the_search_page(browser: Any,
                                                                served: str) -> None:
    from selenium.webdriver.common.by import By

    links = result_links(browser, served + "search/?q=quarrelsome")
    assert [link.get_attribute("href") for link in links] == [
        served + "issues/2026-01-winter/briefs/#briefs-1"]
    assert links[0].text == "Clinic opens"
    fallback = browser.find_element(By.CSS_SELECTOR, ".search-fallback")
    assert not fallback.is_displayed()
    # An item of 2025 comes from that year's bundle, which the page merges in.
    links = result_links(browser, served + "search/?q=Szeged")
    assert [link.get_attribute("href") for link in links] == [
        served + "issues/2025-06-summer/budgets/"]


def test_the_region_filter_narrows_the_results(browser: Any, served: str) -> None:
    everything = query(browser, served, "budget")
    assert len(everything) == 3
    assert sorted(query(browser, served, "budget", {"Region": "Hungary"})) == [
        "../issues/2025-06-summer/budgets/", "../issues/2026-01-winter/briefs/#briefs-2"]
    assert query(browser, served, "budget", {"Region": "Slovakia"}) == [
        "../issues/2026-01-winter/briefs/#briefs-3"]
    assert query(browser, served, "budget", {"Year": "2025"}) == [
        "../issues/2025-06-summer/budgets/"]


def test_an_accented_query_finds_the_plain_form_and_back(browser: Any, served: str) -> None:
    assert query(browser, served, "Pecs") == ["../issues/2026-01-winter/briefs/#briefs-2"]
    assert query(browser, served, "Košice") == ["../issues/2026-01-winter/briefs/#briefs-3"]


def test_a_word_after_an_elision_finds_its_item(browser: Any, make_site: Callable[..., Path],
                                                build_site: Callable[..., Path]) -> None:
    """'eau' finds l'eau written with the typographer's apostrophe (U+2019), as it finds it with
    the ASCII one; the elision itself still finds it, and the page keeps its apostrophe."""
    site = make_site({**SEARCH_SITE, "content/issues/2026-01-winter/01-lead.md": """\
        ---
        title: Le prix de l'eau
        ---
        Les familles paient l'eau deux fois plus cher qu'en 2020.
        """})
    output = build_site(site, pdf=False, email=False)
    page = output / "issues/2026-01-winter/lead/index.html"
    assert "Les familles paient l\u2019eau" in text_of(parse_html(page))
    with serving(output) as base:
        for term in ("eau", "l\u2019eau", "l'eau", "familles"):
            assert query(browser, base, term) == ["../issues/2026-01-winter/lead/"], term


# A year before the fixture's: a second bundle per language, and an accented name in both.
NOVEMBER = {
    "content/issues/2025-11-november/issue.yaml": "title: November 2025\ndate: 2025-11-10\n",
    "content/issues/2025-11-november/issue.es.yaml": "title: Noviembre de 2025\n",
    "content/issues/2025-11-november/01-budgets.md": """\
        ---
        title: Budgets in Pécs
        regions: [Hungary]
        ---
        Neighbourhood budgets in Pécs are written in assemblies, as in Lima.
        """,
    "content/issues/2025-11-november/01-budgets.es.md": """\
        ---
        title: Presupuestos en Pécs
        ---
        Los presupuestos vecinales de Pécs y de Kosice se escriben en asambleas, como en Lima.
        """,
}


@pytest.fixture
def languages_site(fixture_site: Callable[[str], Path]) -> Path:
    """The multilingual fixture (English, Spanish, Arabic, Japanese) with a year more."""
    return write_files(fixture_site("multilingual"), dict(NOVEMBER))


@pytest.fixture(scope="module")
def languages_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """languages_site built once for the module (web edition), for the tests that only read
    its output or query it."""
    site = write_files(copy_fixture("multilingual", tmp_path_factory.mktemp("languages")),
                       dict(NOVEMBER))
    return build(site, BuildOptions(pdf=False, email=False, jobs=1)).output


@pytest.fixture(scope="module")
def served_languages(languages_output: Path) -> Iterator[str]:
    with serving(languages_output) as base:
        yield base


def test_each_language_indexes_its_translations_and_not_its_untranslated_items(
        languages_site: Path) -> None:
    documents = site_documents(languages_site)
    water = documents["es/issues/2026-03-march/water/index.html"]
    assert '<html lang="es">' in water and "calendario" in water
    assert 'data-pagefind-meta="url:../issues/2026-03-march/water/"' in water
    assert 'data-pagefind-meta="title:Compartir el río"' in water
    # Arabic translates the feature only: its briefs and notice, shown in English, are found
    # in English, once.
    arabic = sorted(path for path in documents if path.startswith("ar/"))
    assert arabic == ["ar/issues/2026-04-april/office/index.html"]
    # its result's issue as the Arabic item page says it, with the Arabic comma
    assert re.search(r'data-pagefind-meta="[^":]+:[^"]+، [^"]+"', documents[arabic[0]])
    assert "issues/2026-04-april/notice/index.html" in documents
    assert not any(path.endswith("notice/index.html") for path in documents
                   if path.startswith(("ar/", "ja/")))


def test_every_language_has_its_search_page_bundles_and_404(languages_output: Path) -> None:
    output = languages_output
    page = parse_html(output / "es/search/index.html")
    assert page.get("lang") == "es"
    assert text_of(page.find(".//h1")) == "Buscar"
    box = page.find(".//div[@id='search']")
    assert box is not None
    # The newest issue (April 2026) is the page's own bundle; the rest of 2026, then 2025,
    # are a bundle a year, merged in.
    assert (box.get("data-bundle"), box.get("data-merge")) == (
        "../../es/pagefind/", "../../es/pagefind/2026/ ../../es/pagefind/2025/")
    # The interface is the main bundle's; a translation's bundle has the engine and its index.
    assert "../../pagefind/pagefind-ui.js" in [script.get("src") for script in page.iter("script")]
    assert (output / "es/pagefind/pagefind.js").is_file()
    assert not (output / "es/pagefind/pagefind-ui.js").exists()
    assert not (output / "es/pagefind/2025/pagefind.js").exists()
    assert not (output / "ar/pagefind/2025").exists()  # nothing in Arabic in 2025
    fallback = page.find(".//p[@class='search-fallback']")
    assert fallback is not None
    assert [a.get("href") for a in fallback.iter("a")] == [
        "../../es/archive/", "../../es/tags/", "../../es/regions/"]
    for path, action in (("es/index.html", "../es/search/"),
                         ("es/issues/2026-03-march/water/index.html", "../../../../es/search/"),
                         ("ja/archive/index.html", "../../ja/search/"),
                         ("index.html", "search/")):
        form = parse_html(output / path).find(".//form[@role='search']")
        assert form is not None and form.get("action") == action, path
    assert "https://example.org/notes/es/search/" in (output / "sitemap.xml").read_text("utf-8")
    missing = parse_html(output / "es/404.html")
    assert missing.get("lang") == "es"
    links = [a.get("href") for a in missing.iter("a")]
    assert "/notes/es/archive/" in links and "/notes/archive/" not in links
    assert not_found_page(output, "/es/no/such/page/") == output / "es/404.html"
    assert not_found_page(output, "/no/such/page/") == output / "404.html"
    assert not_found_page(output, "/fr/page/") == output / "404.html"
    assert not_found_page(output, "/../es/x") == output / "404.html"
    assert not_found_page(output, "/" + "a" * 300 + "/") == output / "404.html"


def test_a_spanish_word_finds_the_spanish_item_on_the_spanish_search_page(
        browser: Any, served_languages: str) -> None:
    links = result_links(browser, served_languages + "es/search/?q=calendario")
    assert [link.get_attribute("href") for link in links] == [
        served_languages + "es/issues/2026-03-march/water/"]
    assert links[0].text == "Compartir el río"
    spanish = "es/search/"
    # Each page searches its language only (Pagefind matches prefixes: words apart).
    assert query(browser, served_languages, "riego") == []
    assert query(browser, served_languages, "irrigation") == ["../issues/2026-03-march/water/"]
    assert query(browser, served_languages, "irrigation", page=spanish) == []
    assert sorted(query(browser, served_languages, "río", page=spanish)) == [
        "../issues/2026-03-march/water/", "../issues/2026-04-april/office/"]
    assert query(browser, served_languages, "ビシュケク", page="ja/search/") == [
        "../issues/2026-04-april/office/"]


def test_the_search_box_is_mirrored_on_a_page_read_right_to_left(
        browser: Any, served_languages: str) -> None:
    """Pagefind draws its box left to right: on the Arabic page the magnifier sits at the right,
    where the words start, the clear button at the left, and a filter's arrow at the left."""
    result_links(browser, served_languages + "ar/search/?q=بيشكيك")
    box = browser.execute_script("""
        const input = document.querySelector(".pagefind-ui__search-input").getBoundingClientRect();
        const clear = document.querySelector(".pagefind-ui__search-clear").getBoundingClientRect();
        const form = document.querySelector(".pagefind-ui__form");
        const icon = getComputedStyle(form, "::before");
        const arrow = getComputedStyle(document.querySelector(".pagefind-ui__filter-name"),
                                       "::after");
        return {clear: [clear.left - input.left, input.right - clear.right],
                icon: [icon.left, icon.right], arrow: [arrow.left, arrow.right]};
    """)
    def pixels(pair: list[str]) -> list[float]:
        return [float(value.removesuffix("px")) for value in pair]

    assert box["clear"][0] < 10 < box["clear"][1]
    icon_left, icon_right = pixels(box["icon"])
    assert icon_right < 30 < icon_left
    arrow_left, arrow_right = pixels(box["arrow"])
    assert arrow_left < arrow_right


def test_the_filters_narrow_each_languages_results(browser: Any,
                                                   served_languages: str) -> None:
    def found(term: str, filters: dict[str, str] | None = None,
              page: str = "es/search/") -> list[str]:
        return sorted(query(browser, served_languages, term, filters, page))

    assert found("Lima") == ["../issues/2025-11-november/budgets/",
                             "../issues/2026-01-january/centre-opens-in-lima/",
                             "../issues/2026-04-april/briefs/#briefs-1"]
    assert found("Lima", {"Región": "Peru"}) == ["../issues/2026-04-april/briefs/#briefs-1"]
    assert found("Lima", {"Año": "2025"}) == ["../issues/2025-11-november/budgets/"]
    # The filters and their values are named in the page's language.
    assert found("Lima", {"Tipo": "Breve"}) == ["../issues/2026-04-april/briefs/#briefs-1"]
    assert found("Lima", {"Tipo": "Brief"}) == []
    assert found("Lima", {"Kind": "Breve"}) == []
    details = browser.execute_async_script("""
        const done = arguments[0];
        import(new URL(document.getElementById("search").dataset.bundle, location.href).pathname
               + "pagefind.js").then(async (pagefind) => {
          const search = await pagefind.search("Lima");
          done(Object.keys((await search.results[0].data()).meta).sort());
        });""")
    assert details == ["Fecha", "Número", "title", "url"]
    assert found("Lima", {"Year": "2025"}, page="search/") == [
        "../issues/2025-11-november/budgets/"]


def test_an_accented_query_finds_the_plain_form_and_back_in_each_language(
        browser: Any, served_languages: str) -> None:
    budgets = ["../issues/2025-11-november/budgets/"]
    for page in ("search/", "es/search/"):
        assert query(browser, served_languages, "Pecs", page=page) == budgets
        assert query(browser, served_languages, "Pécs", page=page) == budgets
    assert query(browser, served_languages, "Košice", page="es/search/") == budgets


def test_editing_a_translation_indexes_its_bundle_only_and_equals_a_clean_build(
        languages_site: Path, tmp_path: Path, indexed: list[str]) -> None:
    age(languages_site)
    options = BuildOptions(pdf=False, email=False, jobs=1)
    output = build(languages_site, options).output
    assert sorted(indexed) == ["ar/pagefind/", "es/pagefind/", "es/pagefind/2025/",
                               "es/pagefind/2026/", "ja/pagefind/", "pagefind/",
                               "pagefind/2025/", "pagefind/2026/"]
    before = snapshot(output)
    indexed.clear()
    (languages_site / "content/pages/about.es.md").touch()  # read again, nothing changed
    build(languages_site, options)
    assert indexed == []
    water = languages_site / "content/issues/2026-03-march/01-water.es.md"
    water.write_text(water.read_text("utf-8") + "\nUna palabra nueva: zanahoria.\n", "utf-8")
    after = snapshot(build(languages_site, options).output)
    assert indexed == ["es/pagefind/2026/"]  # March: of another quarter than April's
    changed = {name for name in before.keys() | after.keys()
               if before.get(name) != after.get(name)}
    assert any(name.startswith("es/pagefind/2026/index/") for name in changed)
    assert not any(name.startswith(("pagefind/", "ar/", "ja/", "es/pagefind/2025/"))
                   or (name.startswith("es/pagefind/") and "/2026/" not in name)
                   for name in changed)
    clean = build(languages_site, BuildOptions(output=tmp_path / "clean", clean=True, pdf=False,
                                               email=False, jobs=1))
    assert snapshot(clean.output) == after
    indexed.clear()
    office = languages_site / "content/issues/2026-04-april/01-office.md"
    office.write_text(office.read_text("utf-8") + "\nOne more word: turnip.\n", "utf-8")
    build(languages_site, options)
    assert indexed == ["pagefind/"]  # the newest issue: its own bundle alone


def test_a_language_with_nothing_of_its_own_has_a_search_page_without_an_index(
        languages_site: Path, build_site: Callable[..., Path]) -> None:
    (languages_site / "content/issues/2026-04-april/01-office.ar.md").unlink()
    output = build_site(languages_site, pdf=False, email=False)
    assert not (output / "ar/pagefind").exists()
    page = parse_html(output / "ar/search/index.html")
    assert page.find(".//div[@id='search']") is None
    assert not [script.get("src") for script in page.iter("script") if script.get("src")]
    # It says so, not that search needs JavaScript, to a reader whose JavaScript ran.
    assert page.find(".//p[@class='search-fallback']") is None
    empty = page.find(".//p[@class='search-empty']")
    assert empty is not None
    assert text_of(empty).startswith("لا يمكن البحث في أي شيء بهذه اللغة بعد.")
    assert (output / "es/pagefind/pagefind.js").is_file()
