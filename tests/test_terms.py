"""terms.py: one address for each tag or region name; a word when names collide or make none."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import parse_html, text_of

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.cli import main
from bulletin_gen.errors import ContentError
from bulletin_gen.pipeline import load_site
from bulletin_gen.search import search_documents

ISSUE = "content/issues/2026-01-winter"
LATER = "content/issues/2026-02-spring"


def hint(key: str) -> str:
    return (f"use one name for one {key[:-1]}; for two {key}, names that differ in their letters "
            "or digits: an address leaves out every other character")


def item(key: str, names: str, title: str = "T") -> str:
    return f"---\ntitle: {title}\n{key}: {names}\n---\nText.\n"


def later_issue(files: dict[str, str]) -> dict[str, str | bytes | None]:
    return {f"{LATER}/issue.yaml": "title: February 2026\ndate: 2026-02-15\nnumber: 2\n",
            **{f"{LATER}/{name}": text for name, text in files.items()}}


def warnings_of(make_site: Callable[..., Path], files: dict[str, str | bytes | None]) -> list[str]:
    return [str(warning) for warning in load_site(make_site(files))[1].warnings]


def tag_chips(output: Path, url: str) -> list[str]:
    """The links of an item's page to a tag's page, as shown."""
    page = parse_html(output / url / "index.html")
    return [text_of(link) for link in page.iter("a")
            if re.search(r"tags/[^/]+/$", link.get("href") or "")]


@pytest.mark.parametrize(("key", "names", "shown"), [
    ("tags", "[C++, C#]", "'C#' and 'C++' are different names with one address, tags/c/: "
                          "only 'C++' is shown"),
    ("regions", "[R&D <lab>, R D lab]", "'R D lab' and 'R&D <lab>' are different names with "
                                        "one address, regions/r-d-lab/: only 'R&D <lab>' is shown"),
])
def test_two_names_of_one_item_with_one_address_warn(make_site: Callable[..., Path],
                                                      key: str, names: str, shown: str) -> None:
    assert warnings_of(make_site, {f"{ISSUE}/03-t.md": item(key, names)}) == [
        f"{ISSUE}/03-t.md:3: {key}: {shown} ({hint(key)})"]


def test_names_of_items_apart_with_one_address_warn_at_the_later(
        make_site: Callable[..., Path]) -> None:
    """The name written first (the oldest issue's) stands; the other is warned of once, at
    the first place that writes it, be it an item or a brief."""
    site = make_site({
        f"{ISSUE}/03-lab.md": item("tags", "[R&D <lab>]"),
        **later_issue({
            "01-again.md": item("tags", "[water, R D lab]"),
            "02-more.md": item("tags", "[R D lab]"),
            "03-briefs.yaml": "title: B\nitems:\n  - body: One.\n  - body: Two.\n"
                              "    regions: [Hungary]\n    tags: [R+D lab]\n",
        }),
    })
    warnings = [str(warning) for warning in load_site(site)[1].warnings]
    first = f"{ISSUE}/03-lab.md:3"
    assert warnings == [
        f"{LATER}/01-again.md:3: tags: 'R D lab' and 'R&D <lab>' ({first}) are different names "
        f"with one address, tags/r-d-lab/, whose page lists both ({hint('tags')})",
        f"{LATER}/03-briefs.yaml:6: tags: 'R+D lab' and 'R&D <lab>' ({first}) are different "
        f"names with one address, tags/r-d-lab/, whose page lists both ({hint('tags')})",
    ]


def test_a_name_written_with_other_case_accents_or_width_is_the_same_name(
        make_site: Callable[..., Path]) -> None:
    """Documented in docs/content.md: these make one tag, and say nothing."""
    site = make_site({
        f"{ISSUE}/03-t.md": item("tags", "[Water, water, Pécs]"),
        **later_issue({"01-w.md": item("tags", "[\uff37ater, PECS, \"Water\"]"),
                       # hyphens and apostrophes as spaces, as an address has them
                       "02-h.md": item("regions", "[Post-conflict, \"Côte d'Ivoire\"]"),
                       "03-k.md": item("regions", "[post conflict, Cote d Ivoire]")}),
    })
    loaded, problems = load_site(site)
    assert problems.warnings == []
    assert [(index.term.slug, len(index.entries)) for index in loaded.tags] == [
        ("mediation", 2), ("pecs", 2), ("water", 2)]


@pytest.mark.parametrize(("spellings", "named"), [
    (("[pécs]", "[PÉCS]", "[Pécs, Hungary]", "[Pécs]"), "Pécs"),  # the one written most
    (("[pécs]", "[PÉCS]", "[Pécs, Hungary]"), "pécs"),  # of as many, the first written
    (("[Hungary]", "[PÉCS]", "[Pécs]"), "PÉCS"),  # of one issue, in the order of its items
])
def test_a_term_page_takes_the_spelling_written_most_and_search_filters_by_it(
        make_site: Callable[..., Path], spellings: tuple[str, ...], named: str) -> None:
    first, *later = spellings
    site, _ = load_site(make_site({
        f"{ISSUE}/03-t.md": item("regions", first),
        **later_issue({f"0{number}-t{number}.md": item("regions", names, f"T{number}")
                       for number, names in enumerate(later, start=1)})}))
    assert {index.term.slug: index.term.name for index in site.regions}["pecs"] == named
    filtered = re.findall(r'data-pagefind-filter="Region:([^"]*)"',
                          "".join(document.html for document in search_documents(site)))
    assert sorted(set(filtered)) == sorted({"Hungary", "Peru", "Tajikistan", "Uzbekistan", named})


def test_items_keep_their_own_spelling_of_a_shared_address(make_site: Callable[..., Path]) -> None:
    site = make_site({
        f"{ISSUE}/03-c.md": item("tags", "[C++, C#]", "C"),
        f"{ISSUE}/04-d.md": item("tags", "[C#]", "D"),
    })
    output = build(site, BuildOptions(pdf=False, email=False)).output
    assert tag_chips(output, "issues/2026-01-winter/c") == ["#C++"]
    assert tag_chips(output, "issues/2026-01-winter/d") == ["#C#"]
    assert sorted(path.name for path in (output / "tags").iterdir()) == [
        "c", "index.html", "mediation"]


@pytest.mark.parametrize(("key", "name"), [("tags", "+++"), ("regions", "?")])
def test_a_name_without_letters_or_digits_is_an_error(refused: Callable[..., object],
                                                      key: str, name: str) -> None:
    refused({f"{ISSUE}/03-t.md": item(key, f"['{name}']")}, f"{ISSUE}/03-t.md", 3,
            f"{key}: '{name}' has no letter or digit to make an address from, so it would "
            "have no page")


def test_a_brief_tag_without_letters_is_an_error_at_its_line(
        make_site: Callable[..., Path]) -> None:
    site = make_site({f"{ISSUE}/02-briefs.yaml": "title: B\nitems:\n  - body: One.\n"
                                                 "    tags: [water, '---']\n"})
    with pytest.raises(ContentError) as caught:
        load_site(site)
    assert [str(problem) for problem in caught.value.problems] == [
        f"{ISSUE}/02-briefs.yaml:4: tags: '---' has no letter or digit to make an address "
        "from, so it would have no page (name the tag with a word, or leave it out)"]


def test_check_reports_a_name_without_an_address(make_site: Callable[..., Path],
                                                 runner: CliRunner) -> None:
    site = make_site({f"{ISSUE}/03-t.md": item("regions", "['?']")})
    result = runner.invoke(main, ["check", str(site)])
    assert result.exit_code == 1
    assert f"{ISSUE}/03-t.md:3: error: regions: '?' has no letter or digit" in result.output
