"""validate.py: from raw sources to the content model (Site, Issue, Item, Brief, RoundTable)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from conftest import TINY_PNG

from bulletin_gen.config import Contact
from bulletin_gen.errors import ContentError
from bulletin_gen.links import item_slug
from bulletin_gen.model import Image, Site, Term
from bulletin_gen.pipeline import load_site

ISSUE = "content/issues/2026-01-winter"


def site_of(make_site: Callable[..., Path], files: Mapping[str, str | bytes | None] | None = None,
            drafts: bool = False) -> Site:
    return load_site(make_site(files), drafts=drafts)[0]


def warnings_of(make_site: Callable[..., Path],
                files: Mapping[str, str | bytes | None]) -> list[str]:
    return [str(w) for w in load_site(make_site(files))[1].warnings]


@pytest.mark.parametrize(("name", "slug"), [
    ("01-socios-peru.md", "socios-peru"),
    ("2_briefs.yaml", "briefs"),
    ("10.notes.md", "notes"),
    ("Pécs Budget.md", "pecs-budget"),
    ("2026.md", "2026"),
])
def test_item_slug_drops_the_order_prefix(name: str, slug: str) -> None:
    assert item_slug(Path(name)) == slug


def test_issue_fields_and_items_in_file_name_order(make_site: Callable[..., Path]) -> None:
    site = site_of(make_site, {
        f"{ISSUE}/issue.yaml": "title: January 2026\ndate: 2026-01-15\nnumber: 7\nvolume: 2\n"
                               "summary: S\nlang: es\ncontact: {name: Ana, email: a@example.org}\n",
        f"{ISSUE}/10-last.md": "---\ntitle: Last\nslug: the-end\ndate: 2026-01-20\n---\nx\n",
        f"{ISSUE}/03-third.md": "---\ntitle: Third\nkind: notice\n---\nx\n",
    })
    issue = site.issues[0]
    assert (issue.slug, issue.title, issue.date, issue.number, issue.volume, issue.summary,
            issue.lang, issue.url, issue.source) == (
        "2026-01-winter", "January 2026", dt.date(2026, 1, 15), 7, 2, "S", "es",
        "issues/2026-01-winter/", f"{ISSUE}/issue.yaml")
    assert issue.contact == Contact(name="Ana", email="a@example.org")
    assert [(i.slug, i.kind, i.date) for i in issue.items] == [
        ("lead", "feature", dt.date(2026, 1, 15)),
        ("briefs", "briefs", dt.date(2026, 1, 15)),
        ("third", "notice", dt.date(2026, 1, 15)),
        ("the-end", "news", dt.date(2026, 1, 20)),
    ]
    assert issue.items[3].url == "issues/2026-01-winter/the-end/"


def test_item_fields(make_site: Callable[..., Path]) -> None:
    lead = site_of(make_site, {f"{ISSUE}/01-lead.md": """\
        ---
        title: Lead
        authors: Ana Editor
        tags: [Water, water, local governance]
        regions: [Perú]
        summary: One line.
        image: images/map.png
        image_alt: A map
        contact: Luis
        ---
        Text.
        """, f"{ISSUE}/images/map.png": TINY_PNG}).issues[0].items[0]
    assert lead.kind == "news" and lead.authors == ("Ana Editor",)
    assert lead.tags == (Term("water", "Water"), Term("local-governance", "local governance"))
    assert lead.regions == (Term("peru", "Perú"),)
    assert lead.image == Image("issues/2026-01-winter/images/map.png", "A map", 2, 2)  # measured
    assert lead.contact == Contact(name="Luis")
    assert lead.html == "<p>Text.</p>\n"


def test_issues_are_newest_first_and_drafts_only_on_request(
        make_site: Callable[..., Path]) -> None:
    files: dict[str, str | None] = {
        "content/issues/2025-12-old.md": "---\ntitle: Old\ndate: 2025-12-01\n---\n",
        "content/issues/2026-02-next.md": "---\ntitle: Next\ndate: 2026-02-01\n"
                                          "status: draft\n---\n",
        "content/issues/a-same-day.md": "---\ntitle: Same\ndate: 2026-01-15\n---\n",
    }
    published = site_of(make_site, files)
    # On one date, the numbered issue (the minimal site's No. 1) is the newer, whatever the
    # folder names: an issue without a number counts as the older.
    assert [i.slug for i in published.issues] == ["2026-01-winter", "a-same-day", "2025-12-old"]
    assert published.latest is not None and published.latest.slug == "2026-01-winter"
    everything = load_site(make_site(files, name="again"), drafts=True)[0]
    assert everything.issues[0].slug == "2026-02-next"
    assert everything.issues[0].is_draft
    assert [(year, len(issues)) for year, issues in everything.issues_by_year()] == [
        (2026, 3), (2025, 1)]


ROUNDTABLE = """\
---
title: Water
kind: roundtable
presenters: Rosa
facilitators: [Ana, Luis]
secretaries: [Mia, Tom]
participants: [A, B]
venue: Pécs
---
Opening words.

## SUMMARY
Said.

## Notes
Other.

## Conclusiones
- First *point*.
- Second point.

## Recommandations
Meet again.

Meet often.
"""


def test_roundtable_roles_parts_and_outcomes(make_site: Callable[..., Path]) -> None:
    site = site_of(make_site, {f"{ISSUE}/03-water.md": ROUNDTABLE})
    item = site.issues[0].items[2]
    table = item.roundtable
    assert table is not None
    assert table.session == "Round Table" and table.venue == "Pécs"
    assert table.roles == (("Presenter", ("Rosa",)), ("Facilitators", ("Ana", "Luis")),
                           ("Secretaries", ("Mia", "Tom")))
    assert table.participants == ("A", "B")
    assert item.html == "<p>Opening words.</p>\n"
    assert [(s.role, s.title, s.anchor) for s in table.sections] == [
        ("summary", "SUMMARY", "water-summary"),
        ("other", "Notes", "water-notes"),
        ("conclusions", "Conclusiones", "water-conclusiones"),
        ("recommendations", "Recommandations", "water-recommandations"),
    ]
    assert [(o.role, o.html) for o in table.outcomes] == [
        ("conclusions", "First <em>point</em>."),
        ("conclusions", "Second point."),
        ("recommendations", "Meet again."),
        ("recommendations", "Meet often."),
    ]
    first_item, first_outcome = site.issues[0].outcomes[0]
    assert (first_item.slug, first_outcome.html) == ("water", "First <em>point</em>.")


@pytest.mark.parametrize(("heading", "role"), [
    ("Summary", "summary"), ("Resumen", "summary"), ("Résumé", "summary"),
    ("Synthèse", "summary"), ("discussion", "discussion"), ("Discusión", "discussion"),
    ("Conclusions", "conclusions"), ("Conclusiones", "conclusions"),
    ("Recommendations", "recommendations"), ("Recomendaciones", "recommendations"),
    ("Recommandations", "recommendations"), ("Next steps", "other"),
])
def test_roundtable_section_names(make_site: Callable[..., Path], heading: str,
                                  role: str) -> None:
    text = f"---\ntitle: T\nkind: roundtable\n---\n## {heading}\nText.\n"
    item = site_of(make_site, {f"{ISSUE}/03-t.md": text}).issues[0].items[2]
    assert item.roundtable is not None and item.roundtable.sections[0].role == role


def test_roundtable_without_sections_warns(make_site: Callable[..., Path]) -> None:
    warnings = warnings_of(make_site, {f"{ISSUE}/03-t.md": "---\ntitle: T\nkind: roundtable\n"
                                                           "---\nJust text.\n"})
    assert warnings == [
        f"{ISSUE}/03-t.md:5: round table without sections (add '## Summary', '## Discussion', "
        "'## Conclusions', '## Recommendations')"]


def test_a_misspelt_roundtable_heading_warns_with_the_part_meant(
        make_site: Callable[..., Path]) -> None:
    text = ("---\ntitle: T\nkind: roundtable\n---\n## Summery\nA.\n\n## Recomendaciones\n"
            "- B.\n\n## Next steps\nC.\n")
    assert warnings_of(make_site, {f"{ISSUE}/03-t.md": text}) == [
        f"{ISSUE}/03-t.md:5: '## Summery' is a section of its own, not one of the round "
        "table's parts (did you mean Summary?)"]  # Spanish is right; 'Next steps' is no miss


@pytest.mark.parametrize("key", ["tags", "regions", "authors"])
def test_names_written_with_commas_but_not_as_a_list_warn(make_site: Callable[..., Path],
                                                          key: str) -> None:
    text = f"---\ntitle: T\n{key}: Hélène Marchand, Pécs\n---\nText.\n"
    assert warnings_of(make_site, {f"{ISSUE}/03-t.md": text}) == [
        f"{ISSUE}/03-t.md:3: {key}: 'Hélène Marchand, Pécs' is one name (for several, write a "
        f"list: [Hélène Marchand, Pécs]; for one name with a comma in it, a list of one: "
        f"[\"Hélène Marchand, Pécs\"])"]
    listed = f"---\ntitle: T\n{key}: [\"Marchand, Hélène\"]\n---\nText.\n"
    assert warnings_of(make_site, {f"{ISSUE}/03-t.md": listed}) == []


def test_list_entries_indented_too_far_warn_where_yaml_joins_them(
        make_site: Callable[..., Path]) -> None:
    """YAML reads a '- ' line indented further than the entry above as more of that entry's
    text: one name 'water - mediation', with a page of its own, and no error."""
    text = ("---\ntitle: T\ntags:\n  - water\n   - mediation\nregions:\n- Peru\n  - Chile\n"
            "  - Bolivia\nauthors: Ana\n  - Luis\n---\nText.\n")
    briefs = ("title: B\nitems:\n  - body: One.\n    tags:\n      - budgets\n"
              "        - Pécs\n")
    assert warnings_of(make_site, {f"{ISSUE}/03-t.md": text, f"{ISSUE}/04-b.yaml": briefs}) == [
        f"{ISSUE}/03-t.md:10: authors: 'Ana - Luis' is one name: '- Luis' looks like a list "
        "entry indented too far (for a list, line up each '- ' with the first entry's: "
        "[Ana, Luis]; for one name, write it on one line)",
        f"{ISSUE}/03-t.md:3: tags: 'water - mediation' is one name: '- mediation' looks like a "
        "list entry indented too far (for a list, line up each '- ' with the first entry's: "
        "[water, mediation]; for one name, write it on one line)",
        f"{ISSUE}/03-t.md:6: regions: 'Peru - Chile - Bolivia' is one name: '- Chile' looks "
        "like a list entry indented too far (for a list, line up each '- ' with the first "
        "entry's: [Peru, Chile, Bolivia]; for one name, write it on one line)",
        f"{ISSUE}/04-b.yaml:4: tags: 'budgets - Pécs' is one name: '- Pécs' looks like a list "
        "entry indented too far (for a list, line up each '- ' with the first entry's: "
        "[budgets, Pécs]; for one name, write it on one line)",
    ]


def test_a_name_written_with_a_dash_on_one_line_is_no_list(
        make_site: Callable[..., Path]) -> None:
    text = ("---\ntitle: T\ntags:\n  - water - mediation\n  - 'long\n    - name'\n"
            "regions: [Peru - Chile]\n---\nText.\n")
    site = site_of(make_site, {f"{ISSUE}/03-t.md": text})
    assert warnings_of(make_site, {f"{ISSUE}/03-t.md": text}) == []
    item = site.issues[0].items[2]
    assert [term.slug for term in item.tags] == ["water-mediation", "long-name"]


def test_briefs(make_site: Callable[..., Path]) -> None:
    briefs = site_of(make_site).issues[0].items[1]
    assert briefs.kind == "briefs" and briefs.title == "Other news"
    assert briefs.contact == Contact(name="Ana Editor", email="editor@example.org")
    assert [(b.headline, b.anchor, b.regions, b.tags) for b in briefs.briefs] == [
        ("Clinic opens", "briefs-1", (Term("tajikistan", "Tajikistan"),
                                      Term("uzbekistan", "Uzbekistan")),
         (Term("mediation", "mediation"),)),
        ("", "briefs-2", (Term("hungary", "Hungary"),), ()),
    ]
    assert briefs.briefs[1].html == "<p>Budget hearings in <strong>Pécs</strong>.</p>\n"


def test_brief_problems_name_the_brief(make_site: Callable[..., Path]) -> None:
    warnings = warnings_of(make_site, {f"{ISSUE}/02-briefs.yaml": """\
        title: News
        items:
          - body: One.
            tagz: [x]
        """})
    assert warnings == [f"{ISSUE}/02-briefs.yaml:4: unknown field 'tagz' in brief 1 "
                        "(did you mean tags?)"]


def test_a_brief_keeps_the_anchor_of_its_id_wherever_it_moves(
        make_site: Callable[..., Path]) -> None:
    """A brief's anchor (its links, its entry in the feeds) is its number in the file, or
    its `id:`, which stays when a brief is added before it."""
    briefs = """\
        title: News
        items:
          - body: First.
          - id: Pécs budget
            body: Budget hearings in Pécs.
        """
    item = site_of(make_site, {f"{ISSUE}/02-briefs.yaml": briefs}).issues[0].items[1]
    assert [brief.anchor for brief in item.briefs] == ["briefs-1", "briefs-pecs-budget"]
    moved = briefs.replace("  - body: First.", "  - body: New.\n          - body: First.")
    item = site_of(make_site, {f"{ISSUE}/02-briefs.yaml": moved}).issues[0].items[1]
    assert [brief.anchor for brief in item.briefs] == [
        "briefs-1", "briefs-2", "briefs-pecs-budget"]


def test_brief_ids_are_words_and_each_its_own(make_site: Callable[..., Path]) -> None:
    with pytest.raises(ContentError) as caught:
        load_site(make_site({f"{ISSUE}/02-briefs.yaml": """\
            title: News
            items:
              - id: pecs
                body: One.
              - id: Pécs
                body: Two.
              - id: 3
                body: Three.
            """}))
    assert [str(problem) for problem in caught.value.problems] == [
        f"{ISSUE}/02-briefs.yaml:5: id: 'pecs' is brief 1's too (give each brief of the file "
        "an id of its own)",
        f"{ISSUE}/02-briefs.yaml:7: id: '3' names no brief (a number is a brief's place) "
        "(write a word or two, e.g. 'id: pecs-budget')"]


def test_single_file_issue_intro_and_items(make_site: Callable[..., Path]) -> None:
    site = site_of(make_site, {"content/issues/2026-03-spring.md": """\
        ---
        title: March 2026
        date: 2026-03-01
        ---
        Intro.

        ## News **from** Irbid
        One.

        ```
        ## not a heading inside code
        ```

        ## News from Irbid
        Two.
        """})
    issue = site.issues[0]
    assert issue.intro_html == "<p>Intro.</p>\n"
    assert [(i.slug, i.title, i.kind) for i in issue.items] == [
        ("news-from-irbid", "News **from** Irbid", "news"),
        ("news-from-irbid-2", "News from Irbid", "news"),
    ]
    assert "not a heading inside code" in issue.items[0].html


def test_term_indexes_collect_items_and_briefs(make_site: Callable[..., Path]) -> None:
    site = site_of(make_site)
    assert [(t.term, t.url, len(t.entries)) for t in site.tags] == [
        (Term("mediation", "mediation"), "tags/mediation/", 2)]
    entries = site.tags[0].entries
    assert entries[0].brief is None and entries[0].item.slug == "lead"
    assert entries[1].brief is not None and entries[1].brief.anchor == "briefs-1"
    assert [t.term.name for t in site.regions] == ["Hungary", "Peru", "Tajikistan", "Uzbekistan"]
    assert [t.name for t in site.issues[0].regions] == [
        "Hungary", "Peru", "Tajikistan", "Uzbekistan"]


def test_links_to_sources_become_site_paths(make_site: Callable[..., Path]) -> None:
    site = site_of(make_site, {
        "content/pages/about.md": """\
            ---
            title: About
            ---
            [item](../issues/2026-01-winter/01-lead.md#top) [issue](../issues/2026-01-winter/)
            [yaml](../issues/2026-01-winter/02-briefs.yaml) [map](../issues/2026-01-winter/m.png)
            [self](#here) [web](https://example.org/) [mail](mailto:a@example.org)
            """,
        f"{ISSUE}/m.png": TINY_PNG,
    })
    html = site.pages[0].html
    # A heading link follows the item's id prefix: #top becomes #lead-top.
    for href in ("@root/issues/2026-01-winter/lead/#lead-top", "@root/issues/2026-01-winter/",
                 "@root/issues/2026-01-winter/briefs/", "@root/issues/2026-01-winter/m.png",
                 "#here", "https://example.org/", "mailto:a@example.org"):
        assert f'href="{href}"' in html


def test_issue_without_items_and_image_without_alt_warn(make_site: Callable[..., Path]) -> None:
    warnings = warnings_of(make_site, {
        f"{ISSUE}/01-lead.md": "---\ntitle: Lead\nimage: m.png\n---\nx\n",
        f"{ISSUE}/m.png": TINY_PNG,
        "content/issues/2026-02-empty/issue.yaml": "title: Feb\ndate: 2026-02-01\n",
    })
    assert sorted(warnings) == [
        f"{ISSUE}/01-lead.md:3: image without alt text (add 'image_alt:' describing the picture)",
        "content/issues/2026-02-empty/issue.yaml: issue has no items "
        "(add a Markdown or YAML item file beside issue.yaml)",
    ]


def test_pages_and_nav(make_site: Callable[..., Path]) -> None:
    site = site_of(make_site, {"content/pages/team.md": "---\ntitle: Team\nslug: people\n---\n"})
    assert [(p.slug, p.url, p.title) for p in site.pages] == [
        ("about", "pages/about/", "About"), ("people", "pages/people/", "Team")]
    assert site.page("people") is site.pages[1] and site.page("nobody") is None


def test_roundtable_roles_in_the_singular_are_read_as_the_plural(
        make_site: Callable[..., Path]) -> None:
    singular = ROUNDTABLE.replace("presenters: Rosa", "presenter: Rosa").replace(
        "facilitators: [Ana, Luis]", "facilitator: Ana").replace(
        "secretaries: [Mia, Tom]", "secretary: [Mia, Tom]").replace(
        "participants: [A, B]", "participant: A")
    files = {f"{ISSUE}/03-water.md": singular}
    table = site_of(make_site, files).issues[0].items[2].roundtable
    assert table is not None
    assert table.roles == (("Presenter", ("Rosa",)), ("Facilitator", ("Ana",)),
                           ("Secretaries", ("Mia", "Tom")))
    assert table.participants == ("A",)
    assert warnings_of(make_site, files) == []


def test_a_role_given_in_the_singular_and_the_plural_is_an_error(
        make_site: Callable[..., Path]) -> None:
    both = ROUNDTABLE.replace("presenters: Rosa", "presenters: Rosa\npresenter: Luz")
    with pytest.raises(ContentError) as caught:
        load_site(make_site({f"{ISSUE}/03-water.md": both}))
    assert [str(problem) for problem in caught.value.problems] == [
        f"{ISSUE}/03-water.md:5: both 'presenter' and 'presenters' are given "
        "(put every name under 'presenters:')"]


def test_a_lang_that_is_no_language_code_is_an_error_at_its_line(
        make_site: Callable[..., Path]) -> None:
    files = {f"{ISSUE}/03-note.md": "---\ntitle: Note\nlang: French\n---\nUne note.\n",
             f"{ISSUE}/04-other.md": "---\ntitle: Other\nlang: pt-BR\n---\nUma nota.\n"}
    with pytest.raises(ContentError) as caught:
        load_site(make_site(files))
    assert [str(problem) for problem in caught.value.problems] == [
        f"{ISSUE}/03-note.md:3: lang: 'French' is not a language code (did you mean fr?)"]


def test_two_issues_of_a_volume_with_one_number_are_an_error_naming_both(
        make_site: Callable[..., Path]) -> None:
    files = {"content/issues/2026-03-spring/issue.yaml": "title: Spring\ndate: 2026-03-01\n"
                                                         "volume: 1\nnumber: 1\n",
             "content/issues/2026-03-spring/01-note.md": "---\ntitle: Note\n---\nText.\n",
             # another volume, or none at all: numbers of their own
             "content/issues/2027-01-next.md": "---\ntitle: Next\ndate: 2027-01-01\n"
                                               "volume: 2\nnumber: 1\n---\nText.\n",
             f"{ISSUE}/issue.yaml": "title: January 2026\ndate: 2026-01-15\nnumber: 1\n"
                                    "volume: 1\n"}
    with pytest.raises(ContentError) as caught:
        load_site(make_site(files))
    assert [str(problem) for problem in caught.value.problems] == [
        "content/issues/2026-03-spring/issue.yaml:4: number: 1 of volume 1 is also the number "
        f"of {ISSUE}/issue.yaml:3 (give each issue of a volume its own number: renumber the "
        "later issues)"]


def test_markdown_in_a_summary_is_a_warning_at_its_line(make_site: Callable[..., Path]) -> None:
    """A summary is plain text (feeds and link previews show it): '**Lima**' would come out with
    its stars."""
    warnings = warnings_of(make_site, {
        f"{ISSUE}/03-mesa.md": "---\ntitle: Mesa\nsummary: A table opens in **Lima** & Cusco.\n"
                               "---\nText.\n",
        f"{ISSUE}/04-plain.md": "---\ntitle: Plain\nsummary: snake_case and 2*3*4, plain.\n"
                                "---\nText.\n",
        "content/pages/team.md": "---\ntitle: Team\nsummary: See [us](about.md).\n---\nUs.\n",
    })
    hint = "(a summary is plain text: write it without ** _ ` or [](...))"
    assert sorted(warnings) == [
        f"content/issues/2026-01-winter/03-mesa.md:3: summary: '**Lima**' is Markdown, which a "
        f"summary shows as written {hint}",
        f"content/pages/team.md:3: summary: '[us](about.md)' is Markdown, which a summary shows "
        f"as written {hint}"]


def test_a_published_issue_dated_after_today_is_warned_of_at_its_date(
        make_site: Callable[..., Path]) -> None:
    """It is published at once, as the newest issue; a draft is not warned of."""
    warnings = warnings_of(make_site, {
        "content/issues/2062-01-typo/issue.yaml": "title: Typo\ndate: 2062-01-15\nnumber: 2\n",
        "content/issues/2062-01-typo/01-a.md": "---\ntitle: A\n---\nText.\n",
        "content/issues/2063-01-later.md": "---\ntitle: Later\ndate: 2063-01-15\nnumber: 3\n"
                                           "status: draft\n---\n## A\n\nText.\n"})
    assert warnings == [
        "content/issues/2062-01-typo/issue.yaml:2: date: 2062-01-15 is after today, yet the "
        "issue is published now, as the newest (check the year; to publish it on that day, "
        "keep it 'status: draft' until then)"]
