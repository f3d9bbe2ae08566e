"""The search page and its Pagefind index: what is indexed, with which filters, the same bytes
every build, a build without Pagefind, and real queries in headless Chromium."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import age, parse_html

from bulletin_gen import search
from bulletin_gen.build import BuildOptions, build, load_site
from bulletin_gen.search import search_documents

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
    for mark in ('data-pagefind-filter="year:2026"', 'data-pagefind-filter="kind:Brief"',
                 'data-pagefind-filter="region:Hungary"',
                 'data-pagefind-meta="url:../issues/2026-01-winter/briefs/#briefs-2"',
                 'data-pagefind-meta="title:Other news: Hungary"',
                 'data-pagefind-meta="issue:Test Bulletin: January 2026"',
                 'data-pagefind-meta="date:15 January 2026"'):
        assert mark in brief
    lead = documents["issues/2026-01-winter/lead/index.html"]
    assert 'data-pagefind-filter="kind:Feature"' in lead
    assert 'data-pagefind-filter="tag:mediation"' in lead
    assert '<html lang="en">' in lead


def test_the_index_is_the_same_bytes_every_build(make_site: Callable[..., Path],
                                                 tmp_path: Path) -> None:
    site = make_site(SEARCH_SITE)
    bundles = []
    for number in range(3):  # Pagefind alone orders its filters differently from run to run
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


def test_the_search_page_and_the_header_box(make_site: Callable[..., Path],
                                            build_site: Callable[..., Path]) -> None:
    output = build_site(make_site(SEARCH_SITE), pdf=False, email=False)
    page = parse_html(output / "search/index.html")
    scripts = [script.get("src") for script in page.iter("script")]
    assert "../pagefind/pagefind-ui.js" in scripts
    fallback = page.find(".//p[@class='search-fallback']")
    assert fallback is not None
    assert [a.get("href") for a in fallback.iter("a")] == ["../archive/", "../tags/", "../regions/"]
    form = parse_html(output / "index.html").find(".//form[@role='search']")
    assert form is not None and form.get("action") == "search/"
    assert form.find(".//input[@name='q']") is not None


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


@pytest.fixture
def served(make_site: Callable[..., Path], build_site: Callable[..., Path]) -> Iterator[str]:
    """The search site built and served over HTTP on loopback, as Pagefind needs."""
    output = build_site(make_site(SEARCH_SITE), pdf=False, email=False)
    handler = functools.partial(QuietHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def query(browser: Any, base: str, term: str, filters: dict[str, str] | None = None) -> list[str]:
    """The result links of Pagefind's own API, with every year's bundle merged in as the
    search page merges them."""
    browser.get(base + "search/")
    return list(browser.execute_async_script("""
        const [term, filters, done] = arguments;
        import("/pagefind/pagefind.js").then(async (pagefind) => {
          const merged = document.getElementById("search").dataset.merge.split(" ");
          for (const folder of merged.filter(Boolean)) {
            await pagefind.mergeIndex(new URL(folder, window.location.href).pathname);
          }
          const search = await pagefind.search(term, {filters: filters});
          const data = await Promise.all(search.results.map((result) => result.data()));
          done(data.map((result) => result.meta.url));
        });
    """, term, filters or {}))


def test_a_word_of_one_brief_finds_that_brief_on_the_search_page(browser: Any,
                                                                served: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(served + "search/?q=quarrelsome")
    links = WebDriverWait(browser, 10).until(
        lambda driver: driver.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result-link"))
    assert [link.get_attribute("href") for link in links] == [
        served + "issues/2026-01-winter/briefs/#briefs-1"]
    assert links[0].text == "Clinic opens"
    fallback = browser.find_element(By.CSS_SELECTOR, ".search-fallback")
    assert not fallback.is_displayed()
    # An item of 2025 comes from that year's bundle, which the page merges in.
    browser.get(served + "search/?q=Szeged")
    links = WebDriverWait(browser, 10).until(
        lambda driver: driver.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result-link"))
    assert [link.get_attribute("href") for link in links] == [
        served + "issues/2025-06-summer/budgets/"]


def test_the_region_filter_narrows_the_results(browser: Any, served: str) -> None:
    everything = query(browser, served, "budget")
    assert len(everything) == 3
    assert sorted(query(browser, served, "budget", {"region": "Hungary"})) == [
        "../issues/2025-06-summer/budgets/", "../issues/2026-01-winter/briefs/#briefs-2"]
    assert query(browser, served, "budget", {"region": "Slovakia"}) == [
        "../issues/2026-01-winter/briefs/#briefs-3"]
    assert query(browser, served, "budget", {"year": "2025"}) == [
        "../issues/2025-06-summer/budgets/"]


def test_an_accented_query_finds_the_plain_form_and_back(browser: Any, served: str) -> None:
    assert query(browser, served, "Pecs") == ["../issues/2026-01-winter/briefs/#briefs-2"]
    assert query(browser, served, "Košice") == ["../issues/2026-01-winter/briefs/#briefs-3"]
