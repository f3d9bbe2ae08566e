"""The order of issues: by date, and on one date by number, never by folder name, wherever the
site lists them (home, archive, feeds, the pager between issues, search, translations)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ATOM, SETTINGS, by_class, parse_html, text_of

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.pipeline import load_site
from bulletin_gen.search import search_bundles

# Both April issues came out on one day: No. 23, a special issue, after No. 22.
SPECIAL, REGULAR = "Special issue", "April 2026"


def same_day_issues(special: str, regular: str) -> dict[str, str | bytes | None]:
    """Two issues dated 2026-04-20 in folders `special` (No. 23) and `regular` (No. 22),
    each translated into Spanish."""
    files: dict[str, str | bytes | None] = {
        "bulletin.yaml": SETTINGS + "pdf: {enabled: false}\n        languages: {es: {}}\n"}
    for folder, title, number in ((special, SPECIAL, 23), (regular, REGULAR, 22)):
        base = f"content/issues/{folder}"
        files[f"{base}/issue.yaml"] = f"title: {title}\ndate: 2026-04-20\nnumber: {number}\n"
        files[f"{base}/issue.es.yaml"] = f"title: {title} (es)\n"
        files[f"{base}/01-news.md"] = f"---\ntitle: News of {title}\n---\nText.\n"
    return files


FOLDERS = pytest.mark.parametrize(("special", "regular"), [
    ("2026-04-a-special", "2026-04-april"),  # the trial's: the special one's name sorts first
    ("2026-04-z-special", "2026-04-april"),  # renamed: the order must not flip
])


@FOLDERS
def test_on_one_date_the_higher_number_is_the_newer_issue(
        make_site: Callable[..., Path], special: str, regular: str) -> None:
    site = load_site(make_site(same_day_issues(special, regular)))[0]
    assert [issue.number for issue in site.issues] == [23, 22, 1]
    assert [issue.number for issue in site.translations[0].issues] == [23, 22]
    assert search_bundles(site)[0] == "pagefind/"  # the newest issue's bundle, alone
    assert search_bundles(site)[1:] == ["pagefind/2026-q2/", "pagefind/2026/"]


def titles_in_feed(path: Path) -> list[str]:
    return [entry.findtext(f"{ATOM}title") or ""
            for entry in ET.parse(path).getroot().findall(f"{ATOM}entry")]


@FOLDERS
def test_home_archive_feeds_and_pager_put_the_higher_number_first(
        make_site: Callable[..., Path], special: str, regular: str) -> None:
    output = build(make_site(same_day_issues(special, regular)),
                   BuildOptions(pdf=False, email=False)).output
    for home, suffix in (("", ""), ("es/", " (es)")):
        latest = by_class(parse_html(output / home / "index.html"), "latest", "section")[0]
        assert text_of(latest.find(".//h2[@class='masthead-period']")) == SPECIAL + suffix
        archive = parse_html(output / home / "archive/index.html")
        assert [text_of(title) for title in archive.iterfind(".//article/h3")][:2] == [
            SPECIAL + suffix, REGULAR + suffix]
        assert [title.rsplit(": ", 1)[1] for title in titles_in_feed(
            output / home / "feed.xml")][:2] == [SPECIAL + suffix, REGULAR + suffix]
    assert titles_in_feed(output / "items.xml")[:2] == [f"News of {SPECIAL}", f"News of {REGULAR}"]
    pager = by_class(parse_html(output / "issues" / regular / "index.html"), "pager", "nav")[0]
    assert [(link.get("rel"), link.get("href")) for link in pager.findall("a")] == [
        ("prev", "../../issues/2026-01-winter/"), ("next", f"../../issues/{special}/")]


def test_on_one_date_and_without_numbers_the_folder_name_decides(
        make_site: Callable[..., Path]) -> None:
    """Nothing else tells them apart: the order is still the same on every build."""
    files = same_day_issues("2026-04-b", "2026-04-a")
    for folder in ("2026-04-a", "2026-04-b"):
        files[f"content/issues/{folder}/issue.yaml"] = f"title: {folder}\ndate: 2026-04-20\n"
    site = load_site(make_site(files))[0]
    assert [issue.slug for issue in site.issues] == ["2026-04-b", "2026-04-a", "2026-01-winter"]
