"""One small broken site per class of content mistake, asserting the exact message and place.

Each case starts from conftest's MINIMAL_SITE and changes a file or two, so the mistake is
visible right next to the message it must produce.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MINIMAL_SITE, SETTINGS, TINY_PNG

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.cli import main
from bulletin_gen.errors import ContentError
from bulletin_gen.pipeline import check

ISSUE = "content/issues/2026-01-winter"
LEAD = f"{ISSUE}/01-lead.md"
HINT_MISSING_FILE = "the path is relative to this file; check the name and folder"

CASES: dict[str, tuple[dict[str, str | bytes | None], list[str]]] = {
    "missing required field": (
        {LEAD: "---\nkind: feature\n---\nText.\n"},
        [f"{LEAD}:2: missing required field 'title' (add 'title: ...')"],
    ),
    "empty files": (  # one mistake each: not their title missing too
        {LEAD: "\n  \n", f"{ISSUE}/02-briefs.yaml": ""},
        [f"{LEAD}:1: the file has no fields and no text (write them, or remove the file)",
         f"{ISSUE}/02-briefs.yaml:1: the file has no fields and no text (write them, or "
         "remove the file)"],
    ),
    "a link to a renamed original, whose translation is left": (  # never the translation
        {LEAD: "---\ntitle: Lead\n---\nSee [it](03-centre.md).\n",
         f"{ISSUE}/03-centre.fr.md": "---\ntitle: Centre\n---\nTexte.\n"},
        [f"{LEAD}:4: link to a missing file: 03-centre.md ({HINT_MISSING_FILE})"],
    ),
    "a line above the front matter": (  # its fields were published as headings
        {LEAD: "Translated by Ana.\n\n---\ntitle: Lead\nsummary: S.\n---\nText.\n"},
        [f"{LEAD}:3: front matter must open on the file's first line: from here on its fields "
         "are read as text, and the lines above it too (move what is above the '---' line below "
         "the front matter, or delete it)"],
    ),
    "missing required issue date": (
        {f"{ISSUE}/issue.yaml": "title: January 2026\nnumber: 1\n"},
        [f"{ISSUE}/issue.yaml:1: missing required field 'date' (add 'date: YYYY-MM-DD')"],
    ),
    "mistyped field": (
        {f"{ISSUE}/issue.yaml": "title: January 2026\ndate: 2026-01-15\nnumber: five\n"},
        [f"{ISSUE}/issue.yaml:3: number: expected a whole number, got 'five'"],
    ),
    "mistyped list": (
        {LEAD: "---\ntitle: Lead\nauthors: {name: Ana}\n---\nText.\n"},
        [f"{LEAD}:3: authors: expected a name or a list of names, got a mapping (write the "
         "name as text; what says who they are goes after it: 'Hélène Duchâteau (Centre for "
         "Mediation, trainer)')"],
    ),
    "a tag given as a mapping": (  # no advice about people
        {LEAD: "---\ntitle: Lead\ntags:\n  - name: water\n---\nText.\n"},
        [f"{LEAD}:4: tags: expected a name or a list of names, got a mapping"],
    ),
    "yes or no read as true or false": (
        {LEAD: "---\ntitle: Lead\nregions: [Sweden, NO]\n---\nText.\n"},
        [f"{LEAD}:3: regions: expected a name or a list of names, got 'false' "
         '(YAML reads yes/no/on/off as true/false; put the text in quotes, e.g. "No")'],
    ),
    "bad date": (
        {LEAD: "---\ntitle: Lead\ndate: 5 May\n---\nText.\n"},
        [f"{LEAD}:3: date: expected a date YYYY-MM-DD, got '5 May'"],
    ),
    "impossible date": (
        {f"{ISSUE}/issue.yaml": "title: January 2026\ndate: 2026-02-30\n"},
        [f"{ISSUE}/issue.yaml:2: date: 2026-02-30 is not a real date: February has 28 days "
         "in 2026"],
    ),
    "a 31st of September": (
        {LEAD: "---\ntitle: Lead\ndate: 2006-09-31\n---\nText.\n"},
        [f"{LEAD}:3: date: 2006-09-31 is not a real date: September has 30 days"],
    ),
    "a thirteenth month": (
        {f"{ISSUE}/issue.yaml": "title: January 2026\ndate: 2026-13-01\n"},
        [f"{ISSUE}/issue.yaml:2: date: 2026-13-01 is not a real date: there is no month 13"],
    ),
    "fields without front matter lines": (
        {LEAD: "title: Lead\nkind: feature\n\nText.\n"},
        [f"{LEAD}:1: no front matter: these fields are read as text because they are not "
         "between '---' lines (put a line '---' before the first field and another after "
         "the last)"],
    ),
    "front matter never closed": (
        {LEAD: "---\ntitle: Lead\nkind: feature\n\nText: a colon here.\nMore text.\n"},
        [f"{LEAD}:1: front matter opened here is never closed (add a line '---' after the "
         "last field, before the text)"],
    ),
    "unclosed quote": (
        {LEAD: '---\ntitle: "Lead\nkind: feature\nregions: [Peru]\n---\nText.\n'},
        [f'{LEAD}:2: the " that opens this value is never closed (end the value with " where '
         'it ends; inside it, write a quote as \\")'],
    ),
    "unknown kind": (
        {LEAD: "---\ntitle: Lead\nkind: featur\n---\nText.\n"},
        [f"{LEAD}:3: kind: unknown value 'featur' (did you mean feature?)"],
    ),
    "duplicate item slugs": (
        {f"{ISSUE}/03-other.md": "---\ntitle: Other\nslug: lead\n---\nText.\n"},
        [f"{ISSUE}/03-other.md:3: two items of issue '2026-01-winter' have the slug 'lead' "
         f"(the other is {LEAD}; set a different 'slug:')"],
    ),
    "duplicate issue slugs": (
        {"content/issues/2026-01-winter.md": "---\ntitle: Again\ndate: 2026-01-16\n---\n"},
        ["content/issues/2026-01-winter.md: two issues have the slug '2026-01-winter' "
         f"(rename this one or {ISSUE}/issue.yaml)"],
    ),
    "duplicate page slugs": (
        {"content/pages/About.markdown": "---\ntitle: About again\n---\nText.\n"},
        ["content/pages/about.md:2: two pages have the slug 'about' "
         "(the other is content/pages/About.markdown; set a different 'slug:')"],
    ),
    "YAML syntax error": (
        {LEAD: "---\ntitle: Lead\ntags: [one, two\n---\nText.\n"},
        [f"{LEAD}:3: the list that '[' opens here is not closed (end it with ']' on this "
         "line; an entry with ',' or ':' in it goes in quotes)"],
    ),
    "unclosed bracket": (
        {LEAD: "---\ntitle: Lead\ntags: [one, two\nregions: [Peru]\n---\nText.\n"},
        [f"{LEAD}:3: the list that '[' opens here is not closed (YAML gave up at line 4) (end "
         "it with ']' on this line; an entry with ',' or ':' in it goes in quotes)"],
    ),
    "a comment inside brackets": (
        {LEAD: "---\ntitle: Lead\ntags: [water, #energy]\n---\nText.\n"},
        [f"{LEAD}:3: the list that '[' opens here is cut short by '#energy': after a space, "
         "YAML reads a # as the start of a comment, to the end of the line (put it in quotes: "
         '"#energy")'],
    ),
    "YAML syntax error in a briefs file": (
        {f"{ISSUE}/02-briefs.yaml": "title: News\nitems:\n  - body: one\n   - body: two\n"},
        [f"{ISSUE}/02-briefs.yaml:4: the indentation of this line does not match the lines "
         "above it (line it up, with spaces, with the lines it belongs with: a field under the "
         "fields beside it, a list entry's '- ' under the other entries' '- ')"],
    ),
    "front matter that is not fields": (
        {LEAD: "---\n- just\n- a list\n---\nText.\n"},
        [f"{LEAD}:2: expected 'key: value' fields, got a list (write one 'key: value' per line)"],
    ),
    "link to a missing .md file": (
        {LEAD: "---\ntitle: Lead\n---\nFirst line.\n"
               "See [the old report](../2025-01-old/01-x.md).\n"},
        [f"{LEAD}:5: link to a missing file: ../2025-01-old/01-x.md ({HINT_MISSING_FILE})"],
    ),
    "missing image in the text": (
        {LEAD: "---\ntitle: Lead\n---\n\n![A map](images/map.png)\n"},
        [f"{LEAD}:5: image to a missing file: images/map.png ({HINT_MISSING_FILE})"],
    ),
    "missing image in front matter": (
        {LEAD: "---\ntitle: Lead\nimage: images/map.png\nimage_alt: A map\n---\nText.\n"},
        [f"{LEAD}:3: image: no file 'images/map.png' ({HINT_MISSING_FILE})"],
    ),
    "image in front matter in other capitals": (
        {LEAD: "---\ntitle: Lead\nimage: images/Map.PNG\nimage_alt: A map\n---\nText.\n",
         f"{ISSUE}/images/map.png": TINY_PNG},
        [f"{LEAD}:3: image: no file 'images/Map.PNG' (did you mean images/map.png?)"],
    ),
    # An address reads '#' and '?' as the start of its fragment and query
    "image whose file's name holds a '#', written as it is or escaped": (
        {LEAD: "---\ntitle: Lead\nimage: 'images/map #2.png'\nimage_alt: A map\n---\n"
               "![A map](<images/map #2.png>)\n",
         f"{ISSUE}/issue.yaml": "title: Spring\ndate: 2026-02-01\n"
                                "image: images/map%20%232.png\nimage_alt: A map\n",
         f"{ISSUE}/images/map #2.png": TINY_PNG},
        [f"{LEAD}:3: image: the file's name holds '#' or '?', which an address reads as its "
         "fragment or query: images/map #2.png (rename the file)",
         f"{LEAD}:6: image to a missing file: images/map%20#2.png (the file's name holds '#' "
         "or '?', which an address reads as its fragment or query: rename the file, or write "
         "images/map%20%232.png)",
         f"{ISSUE}/issue.yaml:3: image: the file's name holds '#' or '?', which an address "
         "reads as its fragment or query: images/map%20%232.png (rename the file)"],
    ),
    "missing file in a brief": (
        {f"{ISSUE}/02-briefs.yaml": "title: News\nitems:\n  - body: |\n      Line one.\n"
                                    "      See [this](nowhere.md).\n"},
        [f"{ISSUE}/02-briefs.yaml:5: link to a missing file: nowhere.md ({HINT_MISSING_FILE})"],
    ),
    # YAML joins the lines of a body folded, wrapped or in quotes: its link is found by name
    "missing files in briefs of bodies that YAML joins into one line": (
        {f"{ISSUE}/02-briefs.yaml": "title: News\nitems:\n"
                                    "  - body: >\n      Folded,\n      see [a](gone-1.md).\n"
                                    "  - body: Wrapped,\n      see [b](gone-2.md).\n"
                                    '  - body: "Quoted,\n      see [c](Hélène.md)."\n'},
        [f"{ISSUE}/02-briefs.yaml:5: link to a missing file: gone-1.md ({HINT_MISSING_FILE})",
         f"{ISSUE}/02-briefs.yaml:7: link to a missing file: gone-2.md ({HINT_MISSING_FILE})",
         f"{ISSUE}/02-briefs.yaml:9: link to a missing file: Hélène.md ({HINT_MISSING_FILE})"],
    ),
    "issue folder without issue.yaml": (
        {"content/issues/2026-02-spring/01-item.md": "---\ntitle: Orphan\n---\nText.\n"},
        ["content/issues/2026-02-spring: issue folder without issue.yaml "
         "(add issue.yaml with at least 'title' and 'date')"],
    ),
    "nav to a missing page": (
        {"bulletin.yaml": "title: Test\nnav: [about, abut]\n"},
        ["bulletin.yaml:2: nav: no page 'abut' in content/pages/ (did you mean about?)"],
    ),
    "bad base_url": (
        {"bulletin.yaml": "title: Test\nbase_url: example.org/news\n"},
        ["bulletin.yaml:2: base_url: 'example.org/news' is not an absolute http(s) URL "
         "(write it as https://example.org/bulletin/)"],
    ),
    "brief written as a line of text": (
        {f"{ISSUE}/02-briefs.yaml": "title: News\nitems:\n  - body: One.\n"
                                    "  - Almaty hosts a forum\n"},
        [f"{ISSUE}/02-briefs.yaml:2: brief 2 is text, not fields: 'Almaty hosts a forum' "
         "(write it as '- body: Almaty hosts a forum')"],
    ),
    "brief left empty": (
        {f"{ISSUE}/02-briefs.yaml": "title: News\nitems:\n  - body: One.\n  -\n"},
        [f"{ISSUE}/02-briefs.yaml:2: brief 2 is empty (write each brief as '- body: ...', "
         "with its other fields under it)"],
    ),
    "YAML item file that is not briefs": (  # read as briefs all the same: theirs said too
        {f"{ISSUE}/02-briefs.yaml": "title: News\nkind: news\nitems:\n  - headline: x\n"},
        [f"{ISSUE}/02-briefs.yaml:2: kind: a YAML item file holds briefs, not 'news' "
         "(write 'kind: briefs', or make it a .md file)",
         f"{ISSUE}/02-briefs.yaml:4: missing required field 'body' in brief 1 "
         "(add 'body: ...')"],
    ),
    "Markdown briefs file with text below its front matter": (
        {f"{ISSUE}/04-more.md": "---\ntitle: News\nkind: briefs\nitems:\n  - body: hi\n"
                                  "---\nText that no page would show.\n"},
        [f"{ISSUE}/04-more.md:3: kind: briefs are read from 'items:' alone, so the text below "
         "the front matter would be lost (move it into a brief's 'body:', or choose another "
         "kind)"],
    ),
}


def problems_of(site: Path, strict: bool = False, drafts: bool = False) -> ContentError:
    with pytest.raises(ContentError) as caught:
        check(site, drafts=drafts, strict=strict)
    return caught.value


@pytest.mark.parametrize("case", CASES)
def test_each_content_mistake_is_reported_with_file_line_and_hint(
        make_site: Callable[..., Path], case: str) -> None:
    files, expected = CASES[case]
    error = problems_of(make_site(files))
    assert [str(problem) for problem in error.problems] == expected


@pytest.mark.parametrize(("link", "meant"), [
    ("02-briefs", "02-briefs.yaml"),  # the file's suffix left off
    ("01-lead#who", "01-lead.md#who"),
    ("images/Map.png", "images/map.png"),  # other capitals: a web server would not serve it
    ("01-laed.md", "01-lead.md"),  # a near spelling
    ("editor@example.org", "mailto:editor@example.org"),
    ("images/map@2X.png", "images/map@2x.png"),  # a file, not an address
    ("Report%20final.pdf", "report%20final.pdf"),
])
def test_a_link_to_a_missing_file_names_the_file_it_likely_meant(
        make_site: Callable[..., Path], link: str, meant: str) -> None:
    site = make_site({f"{ISSUE}/images/map.png": TINY_PNG, f"{ISSUE}/images/map@2x.png": TINY_PNG,
                      f"{ISSUE}/report final.pdf": "%PDF-1.4\n",
                      f"{ISSUE}/03-links.md": f"---\ntitle: Links\n---\nSee [it]({link}).\n"})
    assert [str(problem) for problem in problems_of(site).problems] == [
        f"{ISSUE}/03-links.md:4: link to a missing file: {link} (did you mean {meant}?)"]


@pytest.mark.parametrize("case", CASES)
def test_each_content_mistake_fails_the_build_and_writes_nothing(
        make_site: Callable[..., Path], case: str) -> None:
    site = make_site(CASES[case][0])
    with pytest.raises(ContentError):
        build(site, BuildOptions())
    assert not (site / "output").exists()


def test_a_link_into_a_draft_issue_fails_unless_drafts_are_built(
        make_site: Callable[..., Path]) -> None:
    site = make_site({
        "content/issues/2026-02-next/issue.yaml": "title: Feb\ndate: 2026-02-01\nstatus: draft\n",
        "content/issues/2026-02-next/01-plan.md": "---\ntitle: Plan\n---\nText.\n",
        LEAD: "---\ntitle: Lead\n---\nSee [the plan](../2026-02-next/01-plan.md).\n",
    })
    assert [str(p) for p in problems_of(site).problems] == [
        f"{LEAD}:4: link to a file that is not published: ../2026-02-next/01-plan.md "
        "(link to an item's or page's .md file or to a file in an issue's folder; "
        "a draft issue is published only with --drafts)"]
    output = build(site, BuildOptions(drafts=True)).output
    assert (output / "issues/2026-02-next/plan/index.html").is_file()


def test_a_draft_left_out_holds_up_no_build_with_its_mistakes(
        make_site: Callable[..., Path]) -> None:
    """A draft may be half written: its problems are said by the builds that show it
    (--drafts, as `serve` builds), not by those that leave it out."""
    bad = "---\ntitle: Plan\ndate: 2026-13-01\n---\nSee [x](gone.md).\n"
    site = make_site({
        "bulletin.yaml": SETTINGS + "pdf: {enabled: false}\n"
                         "        languages: {es: {title: Boletín}}\n",
        "content/issues/2026-02-next/issue.yaml": "title: Feb\ndate: 2026-02-01\nstatus: draft\n",
        "content/issues/2026-02-next/01-plan.md": bad,
        "content/issues/2026-03-march.md": "---\ntitle: March\ndate: 2026-03-01\n"
                                           "status: draft\n---\n## One\n[x](gone.md)\n",
        "content/issues/2026-03-march.es.md": "---\ntitle: Marzo\nsumary: x\n---\n## Uno\n",
        "content/issues/2026-04-april.markdown": "---\ntitle: April\ndate: 2026-04-01\n"
                                                 "status: draft\n---\n## One\n[x](gone.md)\n",
        f"{ISSUE}/issue.es.yaml": "title: Enero\n",
    })
    report = build(site, BuildOptions(strict=True))
    assert (report.drafts, report.warnings) == (3, ())
    assert not (report.output / "issues/2026-02-next").exists()
    assert check(site, strict=True).warnings == ()
    shown = [str(problem) for problem in problems_of(site, drafts=True).problems]
    assert [line.split(": error:")[0].split(":")[0] for line in shown] == [
        "content/issues/2026-02-next/01-plan.md", "content/issues/2026-02-next/01-plan.md",
        "content/issues/2026-03-march.md", "content/issues/2026-04-april.markdown"]
    # A published issue whose name only begins as a draft's does is no translation of it.
    (site / "content/issues/2026-03-march.v2.md").write_text(
        "---\ntitle: March again\ndate: 2026-03-02\n---\n## One\n[x](gone.md)\n", "utf-8")
    assert [problem.location.path for problem in problems_of(site).problems] == [
        "content/issues/2026-03-march.v2.md"]
    # A published issue's link into the draft is still the published file's mistake.
    site = make_site({LEAD: "---\ntitle: Lead\n---\n[Plan](../2026-02-next/01-plan.md)\n"
                      }, base={**MINIMAL_SITE, "content/issues/2026-02-next/issue.yaml":
                               "title: Feb\ndate: 2026-02-01\nstatus: draft\n",
                               "content/issues/2026-02-next/01-plan.md": bad}, name="linked")
    assert [problem.location.path for problem in problems_of(site).problems] == [LEAD]


def test_unknown_key_is_a_warning_that_suggests_the_near_key(
        make_site: Callable[..., Path]) -> None:
    site = make_site({LEAD: "---\ntitle: Lead\ntagz: [water]\n---\nText.\n"})
    report = check(site)
    assert [str(w) for w in report.warnings] == [
        f"{LEAD}:3: unknown field 'tagz' (did you mean tags?)"]
    error = problems_of(site, strict=True)
    assert [str(p) for p in error.problems] == [
        f"{LEAD}:3: unknown field 'tagz' (did you mean tags?)"]


def test_a_misspelt_kind_is_one_error_not_one_more_for_each_field_of_the_kind(
        make_site: Callable[..., Path]) -> None:
    site = make_site({LEAD: "---\ntitle: Panel\nkind: round-table\nsession: Panel\n"
                            "presenter: Ana\nfacilitators: [Luis]\nvenue: Lima\ntagz: [x]\n"
                            "---\n## Summary\nText.\n"})
    error = problems_of(site)
    assert [str(p) for p in error.problems] == [
        f"{LEAD}:3: kind: unknown value 'round-table' (did you mean roundtable?)"]
    # A field that no kind reads is still a typo worth a warning.
    assert [str(w) for w in error.warnings] == [
        f"{LEAD}:8: unknown field 'tagz' (did you mean tags?)"]


def test_a_singular_region_is_not_read_but_named_with_its_plural(
        make_site: Callable[..., Path]) -> None:
    site = make_site({
        LEAD: "---\ntitle: Lead\nregion: Peru\n---\nText.\n",
        f"{ISSUE}/02-briefs.yaml": "title: News\nitems:\n  - region: Peru\n    body: B.\n"})
    assert sorted(str(w) for w in check(site).warnings) == [
        f"{LEAD}:3: unknown field 'region' (did you mean regions?)",
        f"{ISSUE}/02-briefs.yaml:3: unknown field 'region' in brief 1 (did you mean regions?)"]


def test_an_item_marked_as_a_draft_is_told_that_only_an_issue_can_be(
        make_site: Callable[..., Path]) -> None:
    """'status' was 'did you mean tags?', and the item was published all the same."""
    site = make_site({LEAD: "---\ntitle: Lead\nstatus: draft\ndraft: true\n---\nText.\n"})
    hint = ("only a whole issue can be a draft: put 'status: draft' in its issue.yaml, or in a "
            "single-file issue's fields")
    assert [str(w) for w in check(site).warnings] == [
        f"{LEAD}:3: unknown field 'status' ({hint})", f"{LEAD}:4: unknown field 'draft' ({hint})"]


def test_a_meetings_roles_and_parts_named_otherwise_say_what_to_write(
        make_site: Callable[..., Path]) -> None:
    """'moderator:' and 'conclusions:' were unknown fields, and the names vanished."""
    site = make_site({LEAD: "---\ntitle: Board\nkind: roundtable\nmoderator: Ana\n"
                            "rapporteur: Luis\nconclusions: [Agreed]\n---\n## Summary\nText.\n"})
    leads = "a round table's roles are presenters, facilitators, secretaries and participants"
    assert [str(w) for w in check(site).warnings] == [
        f"{LEAD}:4: unknown field 'moderator' ({leads}: write the moderator under "
        "facilitators:)",
        f"{LEAD}:5: unknown field 'rapporteur' ({leads}: write the rapporteur under "
        "secretaries:)",
        f"{LEAD}:6: unknown field 'conclusions' (a round table's conclusions are a section of "
        "its text: '## Conclusions', with a '- ' line for each)"]


def test_names_given_empty_twice_or_as_mappings_are_said_where_they_are(
        make_site: Callable[..., Path]) -> None:
    """An empty '-' was 'got None', Python's word; a participant given with an organisation
    was said at 'participants:'; a name given twice was merged without a word."""
    site = make_site({LEAD: "---\ntitle: Talk\nkind: roundtable\nparticipants:\n"
                            "  - Ana\n  -\n  - name: Luis\n    organisation: Centre\n"
                            "secretaries: [Mia, Mia]\n---\n## Summary\nText.\n"})
    error = problems_of(site)
    assert [str(problem) for problem in error.problems] == [
        f"{LEAD}:4: participants: an entry without a name (write the name after the '-', or "
        "remove the line)",
        f"{LEAD}:7: participants: expected a name or a list of names, got a mapping (write the "
        "name as text; what says who they are goes after it: 'Hélène Duchâteau (Centre for "
        "Mediation, trainer)')"]
    assert [str(warning) for warning in error.warnings] == [
        f"{LEAD}:9: secretaries: 'Mia' is given twice (give each name once)"]


def test_unknown_nested_key_names_its_mapping(make_site: Callable[..., Path]) -> None:
    site = make_site({"bulletin.yaml": "title: T\nbase_url: https://example.org/\ncontact:\n"
                                       "  name: A\n  emial: a@example.org\n"})
    assert [str(w) for w in check(site).warnings] == [
        "bulletin.yaml:5: unknown field 'contact.emial' (did you mean email?)"]


def test_a_yaml_error_is_not_followed_by_complaints_about_the_same_file(
        make_site: Callable[..., Path]) -> None:
    site = make_site({f"{ISSUE}/issue.yaml": "title: [January\ndate: 2026-01-15\n"})
    error = problems_of(site)
    assert len(error.problems) == 1
    assert error.problems[0].location.path == f"{ISSUE}/issue.yaml"


BROKEN_SITE: dict[str, str | None] = {
    "bulletin.yaml": "title: Test\nbase_url: ftp://example.org/\nnav: [contact]\n",
    f"{ISSUE}/issue.yaml": "title: January 2026\ndate: 15 January\n",
    LEAD: "---\ntitle: Lead\nkind: story\ntagz: [x]\n---\nSee [x](missing.md).\n",
    f"{ISSUE}/02-briefs.yaml": "title: News\nitems: []\n",
    "content/issues/2026-02-empty/notes.txt": "not an issue\n",
    "content/pages/about.md": "---\nsummary: no title\n---\nText.\n",
}
BROKEN_SITE_PROBLEMS = [
    "bulletin.yaml:2: base_url: 'ftp://example.org/' is not an absolute http(s) URL "
    "(write it as https://example.org/bulletin/)",
    "bulletin.yaml:3: nav: no page 'contact' in content/pages/ (add content/pages/contact.md)",
    f"{ISSUE}/02-briefs.yaml:2: a briefs file needs 'items:', a list of briefs "
    "(write '- body: ...' entries under 'items:')",
    f"{LEAD}:3: kind: unknown value 'story' "
    "(one of: feature, news, roundtable, notice, briefs)",
    f"{LEAD}:6: link to a missing file: missing.md ({HINT_MISSING_FILE})",
    f"{ISSUE}/issue.yaml:2: date: expected a date YYYY-MM-DD, got '15 January'",
    "content/issues/2026-02-empty: issue folder without issue.yaml "
    "(add issue.yaml with at least 'title' and 'date')",
    "content/pages/about.md:2: missing required field 'title' (add 'title: ...')",
]


def test_every_problem_of_a_site_is_reported_in_one_run(make_site: Callable[..., Path]) -> None:
    error = problems_of(make_site(BROKEN_SITE))
    assert sorted(str(p) for p in error.problems) == sorted(BROKEN_SITE_PROBLEMS)
    assert [str(w) for w in error.warnings] == [
        f"{LEAD}:4: unknown field 'tagz' (did you mean tags?)"]


def test_build_lists_every_problem_and_exits_non_zero_without_a_traceback(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    site = make_site(BROKEN_SITE)
    result = runner.invoke(main, ["build", str(site)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # not an uncaught exception
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    assert lines[-1] == f"Error: {len(BROKEN_SITE_PROBLEMS)} errors found (and 1 warning)."
    # a line each, as `bulletin check` says them: 'path:line: error: message (hint)'
    assert sorted(lines[:-2]) == sorted(problem.replace(": ", ": error: ", 1)
                                        for problem in BROKEN_SITE_PROBLEMS)
    assert lines[-2] == f"{LEAD}:4: warning: unknown field 'tagz' (did you mean tags?)"
    assert not (site / "output").exists()


def test_check_lists_every_problem_and_exits_non_zero_without_a_traceback(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    site = make_site(BROKEN_SITE)
    result = runner.invoke(main, ["check", str(site)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    for problem in BROKEN_SITE_PROBLEMS:
        where, _, what = problem.partition(": ")
        assert f"{where}: error: {what}\n" in result.output
    assert f"{LEAD}:4: warning: unknown field 'tagz' (did you mean tags?)\n" in result.output
    assert not (site / "output").exists()


@pytest.mark.parametrize(("content", "line"), [
    (b"---\ntitle: Caf\xe9\n---\n", 2),  # Latin-1, not UTF-8
    ("---\ntitle: Lead\n---\n".encode("utf-16"), 1),
])
def test_files_that_are_not_utf8_are_reported_with_their_line(
        make_site: Callable[..., Path], content: bytes, line: int) -> None:
    site = make_site()
    (site / LEAD).write_bytes(content)
    assert [str(p) for p in problems_of(site).problems] == [
        f"{LEAD}:{line}: not valid UTF-8 text (save the file with UTF-8 encoding)"]


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029", "\r"])
def test_a_value_in_quotes_holding_a_line_break_of_yamls_own_is_read_without_a_crash(
        make_site: Callable[..., Path], separator: str) -> None:
    """YAML also ends a line at a NEL and at the Unicode line and paragraph separators, which
    the explanation of a quoted value once counted differently from YAML: an IndexError."""
    site = make_site({LEAD: f"---\ntitle: '{separator}  '\n---\nText.\n"})
    report = check(site)
    assert report.pages > 0
