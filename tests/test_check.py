"""`bulletin check`: each finding, the JSON report, and external links against a local server."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner
from conftest import SETTINGS, TINY_PNG, WITH_PDF, parse_html

from bulletin_gen.audit import audit_site, empty_headings
from bulletin_gen.cli import main
from bulletin_gen.linkcheck import check_external, site_path

ITEM = "content/issues/2026-01-winter/01-lead.md"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")


def lead(body: str) -> dict[str, str | bytes | None]:
    return {ITEM: f"---\ntitle: Lead story\nkind: feature\n---\n{body}"}


def check_json(runner: CliRunner, site: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(main, ["check", str(site), "--format", "json", *args])
    return result.exit_code, json.loads(result.stdout)


def test_a_clean_site_passes(make_site: Callable[..., Path], runner: CliRunner) -> None:
    site = make_site()
    result = runner.invoke(main, ["check", str(site)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "No problems found in 1 issue (24 pages).\n"
    assert not (site / "output").exists()


def test_check_tells_its_progress_as_pages_are_rendered(make_site: Callable[..., Path]) -> None:
    """As a build does: `bulletin check` draws the same bar on a terminal."""
    told: list[tuple[str, int, int]] = []
    audit = audit_site(make_site(), progress=lambda *said: told.append(said))
    assert not audit.findings
    assert [stage for stage, _, _ in told] == ["render"] * audit.pages
    assert [done for _, done, _ in told] == list(range(1, audit.pages + 1))
    assert {total for _, _, total in told} == {audit.pages}


def test_demo_site_passes(demo_site: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", str(demo_site)])
    assert result.exit_code == 0, result.output


def test_content_errors_stop_the_check_and_the_summary_says_so(make_site: Callable[..., Path],
                                                               runner: CliRunner) -> None:
    site = make_site({ITEM: "---\ntitle: Lead story\nkind: featur\n---\nSee [x](#nowhere).\n"})
    result = runner.invoke(main, ["check", str(site)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{ITEM}:3: error: kind: unknown value 'featur'")
    assert result.stdout == ("Stopped at the content: 1 error, 0 warnings. Fix them and check "
                             "again, to check the pages and their links too.\n")


@pytest.mark.parametrize("command", ["build", "check"])
def test_problems_on_one_line_are_listed_as_the_line_reads(make_site: Callable[..., Path],
                                                           runner: CliRunner,
                                                           command: str) -> None:
    site = make_site(lead("See [z](zeta.md) then [a](alpha.md) and ![](beta.png).\n"))
    result = runner.invoke(main, [command, str(site)])
    assert result.exit_code == 1
    said = [line.split(": ", 2)[1:] for line in result.stderr.splitlines()
            if line.startswith(f"{ITEM}:5:")]
    assert [(severity, message.split(" (")[0]) for severity, message in said] == [
        ("error", "link to a missing file: zeta.md"),
        ("error", "link to a missing file: alpha.md"),
        ("error", "image to a missing file: beta.png"),
        ("warning", "image without alt text: beta.png")]


def test_missing_anchor_is_traced_to_its_line(make_site: Callable[..., Path],
                                              runner: CliRunner) -> None:
    site = make_site(lead("Intro.\n\nSee [below](#nowhere) and [the top](#item-lead).\n"))
    result = runner.invoke(main, ["check", str(site)])
    assert result.exit_code == 1
    assert result.stderr == (f"{ITEM}:7: error: link to a missing anchor #nowhere (an anchor "
                             "is the id of a heading or element on the page it links to)\n")
    assert result.stdout == "Checked 1 issue (22 pages): 1 error, 0 warnings.\n"


def test_broken_link_in_a_template_names_page_and_template(make_site: Callable[..., Path],
                                                           runner: CliRunner) -> None:
    template = ('{% extends "theme/page.html" %}{% block main %}{{ super() }}'
                '<p><a href="../../nowhere/">gone</a> <a href="../../archive/">ok</a></p>'
                '{% endblock %}\n')
    site = make_site({"templates/page.html": template})
    code, report = check_json(runner, site)
    assert code == 1
    [finding] = report["findings"]
    assert finding["kind"] == "broken-link"
    assert finding["path"] == "pages/about/index.html"
    assert finding["message"] == "link to a page that does not exist: ../../nowhere/"
    assert "page.html" in finding["hint"]


def test_image_without_alt_text_is_a_warning(make_site: Callable[..., Path],
                                             runner: CliRunner) -> None:
    site = make_site({**lead("Text.\n\n![](images/pic.png)\n\n![A map](images/map.png)\n"),
                      "content/issues/2026-01-winter/images/pic.png": PNG,
                      "content/issues/2026-01-winter/images/map.png": PNG})
    code, report = check_json(runner, site)
    assert code == 0 and report["ok"] is True
    kinds = {(f["kind"], f["path"], f["line"], f["message"]) for f in report["findings"]}
    assert kinds == {("missing-alt", ITEM, 7, "image without alt text: images/pic.png")}
    strict = runner.invoke(main, ["check", str(site), "--strict"])
    assert strict.exit_code == 1
    # --strict makes loading's warnings errors, as for every other content warning
    assert f"{ITEM}:7: error: image without alt text: images/pic.png" in strict.stderr


MAP = "https://example.org/news/issues/2026-01-winter/images/map.png"


@pytest.mark.parametrize(("picture", "message"), [
    ("![](images/map.png)", "images/map.png (describe the picture in the brackets: "
                            "![what it shows](images/map.png))"),
    # raw HTML, whose address is left as written: a relative one would lead nowhere on the page
    (f'<img src="{MAP}">', f"{MAP} (give the <img> an alt attribute describing the picture)"),
])
def test_an_image_without_alt_is_blamed_on_its_own_file_not_on_another_use_of_it(
        make_site: Callable[..., Path], runner: CliRunner, picture: str, message: str) -> None:
    """The picture is also an `image:` with `image_alt:` in the lead, whose file comes first:
    the warning names the item whose `![](...)` or `<img>` has no alt text, at its line."""
    other = "content/issues/2026-01-winter/03-links.md"
    site = make_site({ITEM: "---\ntitle: Lead story\nimage: images/map.png\n"
                            "image_alt: A map of the region\n---\nText.\n",
                      other: f"---\ntitle: Links\n---\nText.\n\nAlso {picture}\n",
                      "content/issues/2026-01-winter/images/map.png": TINY_PNG})
    result = runner.invoke(main, ["check", str(site)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"{other}:6: warning: image without alt text: {message}\n"


def test_a_template_image_without_alt_names_page_and_template(make_site: Callable[..., Path],
                                                              runner: CliRunner) -> None:
    template = ('{% extends "theme/page.html" %}{% block main %}{{ super() }}'
                '<img src="../../assets/badge.png">{% endblock %}\n')
    site = make_site({"templates/page.html": template, "static/assets/badge.png": PNG})
    code, report = check_json(runner, site)
    assert code == 0
    [finding] = report["findings"]
    assert (finding["kind"], finding["path"], finding["message"]) == (
        "missing-alt", "pages/about/index.html", "image without alt text: badge.png")
    assert "page.html" in finding["hint"]


# The parts of an item rendered apart, each with an id under the item's slug: a round table's
# sections, a briefs file's briefs. A link from one to another is written as the part is named.
PARTS = {
    "round table": ("03-talk.md", "---\ntitle: Talk\nkind: roundtable\n---\n"
                    "See [what we ask](#recommendations).\n\n## Summary\nAs [the conclusions]"
                    "(#conclusions) say, and [no part](#nowhere).\n\n## Conclusions\n- Agree."
                    "\n\n## Recommendations\n- Act.\n",
                    8, "#nowhere", ["#talk-recommendations", "#talk-conclusions", "#nowhere"]),
    "briefs": ("05-talk.yaml", "title: Talk\nkind: briefs\nitems:\n"
               "  - body: See [the budget](#pecs-budget), [the third](#3) and [none](#9).\n"
               "  - id: pecs-budget\n    body: Pécs votes.\n  - body: Irbid.\n",
               4, "#9", ["#talk-pecs-budget", "#talk-3", "#9"]),
}


@pytest.mark.parametrize("part", PARTS)
def test_a_part_of_an_item_links_to_another_as_it_is_named(
        make_site: Callable[..., Path], runner: CliRunner, part: str) -> None:
    name, text, line, missing, hrefs = PARTS[part]
    site = make_site({f"content/issues/2026-01-winter/{name}": text})
    code, report = check_json(runner, site)
    assert code == 1
    assert [(f["path"], f["line"], f["message"]) for f in report["findings"]] == [
        (f"content/issues/2026-01-winter/{name}", line, f"link to a missing anchor {missing}")]
    runner.invoke(main, ["build", str(site), "--no-pdf"])
    page = parse_html(site / "output/issues/2026-01-winter/talk/index.html")
    assert [a.get("href") for a in page.iter("a")
            if (a.get("href") or "").startswith("#") and a.get("href") != "#main"] == hrefs


def test_empty_sections_and_items(make_site: Callable[..., Path], runner: CliRunner) -> None:
    roundtable = ("---\ntitle: Talk\nkind: roundtable\n---\n## Summary\nWhat was said.\n\n"
                  "## Discussion\n\n## Conclusions\n- Agree.\n")
    site = make_site({**lead("## Background\n\n## Next steps\nWe go on.\n\n### Later\n"),
                      "content/issues/2026-01-winter/03-talk.md": roundtable,
                      "content/issues/2026-01-winter/04-empty.md": "---\ntitle: Blank\n---\n",
                      "content/issues/2026-02-short.md": "---\ntitle: Short\ndate: 2026-02-01\n"
                                                         "---\nIntro.\n\n## Short\n"})
    code, report = check_json(runner, site)
    assert code == 0
    found = {(f["path"].rsplit("/", 1)[-1], f["line"], f["message"])
             for f in report["findings"] if f["kind"] == "empty-section"}
    assert found == {
        ("01-lead.md", 5, "heading 'Background' has nothing under it"),
        ("01-lead.md", 10, "heading 'Later' has nothing under it"),
        ("03-talk.md", 8, "section 'Discussion' has no text"),
        ("04-empty.md", 2, "item 'Blank' has no text"),
        ("2026-02-short.md", 7, "item 'Short' has no text"),
    }
    assert report["warnings"] == 5 and report["errors"] == 0


def test_content_errors_come_as_findings_in_json(make_site: Callable[..., Path],
                                                 runner: CliRunner) -> None:
    site = make_site({ITEM: "---\ntitle: Lead\ndate: 5 May\ntagz: [x]\n---\nText.\n"})
    code, report = check_json(runner, site, "--strict")  # the unknown field becomes an error
    assert code == 1 and report["ok"] is False
    assert [(f["path"], f["line"], f["kind"], f["severity"]) for f in report["findings"]] == [
        (ITEM, 3, "content", "error"), (ITEM, 4, "content", "error")]
    assert "did you mean tags?" in report["findings"][1]["hint"]


def test_strict_finds_what_a_plain_check_finds(make_site: Callable[..., Path],
                                               runner: CliRunner) -> None:
    """A warning of the content stopped a strict check before the pages were rendered, so
    it hid the broken links that a plain check found."""
    site = make_site({ITEM: "---\ntitle: Lead\ntagz: [x]\n---\nSee [x](#nowhere).\n"})
    plain, strict = check_json(runner, site), check_json(runner, site, "--strict")
    assert [(f["line"], f["kind"], f["severity"]) for f in plain[1]["findings"]] == [
        (3, "content", "warning"), (5, "missing-anchor", "error")]
    assert [(f["line"], f["kind"], f["severity"]) for f in strict[1]["findings"]] == [
        (3, "content", "error"), (5, "missing-anchor", "error")]
    assert plain[0] == strict[0] == 1


def test_empty_headings_follow_the_outline() -> None:
    html = ("<h2>A</h2><h3>B</h3><p>x</p><h2>C</h2><h3>D</h3><h2>E</h2>"
            "<p><img src='x.png' alt='x'></p><h2>F</h2>")
    assert empty_headings(html) == ["C", "D", "F"]


@pytest.mark.parametrize(("page", "url", "expected"), [
    ("index.html", "archive/", "archive/index.html"),
    ("issues/a/b/index.html", "../../../tags/", "tags/index.html"),
    ("issues/a/index.html", "#x", "issues/a/index.html"),
    ("index.html", "./", "index.html"),
    ("404.html", "/news/feed.xml", "feed.xml"),
    ("404.html", "/elsewhere/", None),
    ("index.html", "https://example.org/news/pages/about/", "pages/about/index.html"),
    ("index.html", "https://other.example/", None),
    ("index.html", "mailto:a@example.org", None),
    ("index.html", "../../up.html", "../"),
])
def test_site_path_resolves_links(page: str, url: str, expected: str | None) -> None:
    assert site_path(page, url, "https://example.org/news/") == expected


class Recorder(BaseHTTPRequestHandler):
    """/ok: 200; /gone, /gone-año: 404; /nohead: refuses HEAD, answers GET. Counts every
    request."""

    requests: ClassVar[list[tuple[str, str]]] = []

    def _answer(self) -> None:
        self.requests.append((self.command, self.path))
        status = {"/ok": 200, "/gone": 404, "/gone-a%C3%B1o": 404}.get(self.path, 200)
        if self.path == "/nohead" and self.command == "HEAD":
            status = 405
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[str]:
    Recorder.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    # polled often: `shutdown` waits for the loop's next look (0.5 s by default)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_external_links_checked_with_status_and_cache(make_site: Callable[..., Path],
                                                      runner: CliRunner, local_server: str) -> None:
    body = (f"Read [this]({local_server}/ok), [that]({local_server}/gone) and\n"
            f"[the other]({local_server}/nohead).\n")
    settings = "title: Local\nbase_url: https://example.org/news/\nnav: [about]\n"
    site = make_site({**lead(body), "bulletin.yaml": settings})  # no link leaves 127.0.0.1
    result = runner.invoke(main, ["check", str(site), "--external", "--timeout", "5"])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:3] == [
        f"404 {local_server}/gone (Not Found)",
        f"200 {local_server}/nohead",
        f"200 {local_server}/ok",
    ]
    assert f"{ITEM}:5: error: external link fails (404): {local_server}/gone" in result.stderr
    assert ("GET", "/nohead") in Recorder.requests  # HEAD refused, GET asked
    cache = json.loads((site / ".bulletin-cache/links.json").read_text())
    assert sorted(cache) == [f"{local_server}/nohead", f"{local_server}/ok"]

    Recorder.requests.clear()
    code, report = check_json(runner, site, "--external")
    assert code == 1
    external = {s["url"].rsplit("/", 1)[-1]: (s["status"], s["ok"], s["cached"])
                for s in report["external"]}
    assert external == {"ok": (200, True, True), "nohead": (200, True, True),
                        "gone": (404, False, False)}
    assert [path for _, path in Recorder.requests] == ["/gone"]  # good answers came from cache
    assert not (site / "output").exists()


def test_a_dead_address_is_reported_at_each_line_that_writes_it_and_no_other(
        make_site: Callable[..., Path], runner: CliRunner, local_server: str) -> None:
    """The lead's first link, to a longer address that works, once took the blame for both
    uses of the dead one, and the other item's went unreported; an address with an 'ñ',
    percent-encoded in the page, was blamed on the page's template."""
    other = "content/issues/2026-01-winter/03-other.md"
    settings = "title: Local\nbase_url: https://example.org/news/\nnav: [about]\n"
    site = make_site({**lead(f"See [the archive]({local_server}/gone-away).\n\n"
                             f"And [the report]({local_server}/gone#part).\n"),
                      other: f"---\ntitle: Other\n---\nIntro.\n\nRead [it]({local_server}/gone)"
                             f"\nand [the other]({local_server}/gone-año).\n",
                      "bulletin.yaml": settings})
    result = runner.invoke(main, ["check", str(site), "--external", "--timeout", "5"])
    assert result.exit_code == 1
    error = f"error: external link fails (404): {local_server}/gone"
    hint = " (fix or remove the link)\n"
    assert result.stderr == (f"{ITEM}:7: {error}{hint}{other}:6: {error}{hint}"
                             f"{other}:7: {error}-a%C3%B1o{hint}")


def test_external_cache_expires_and_survives_corruption(tmp_path: Path, local_server: str) -> None:
    cache = tmp_path / "links.json"
    url = f"{local_server}/ok"
    assert [s.cached for s in check_external([url], cache, now=lambda: 1000.0)] == [False]
    assert [s.cached for s in check_external([url], cache, now=lambda: 2000.0)] == [True]
    later = check_external([url], cache, ttl=500, now=lambda: 2000.0)
    assert [s.cached for s in later] == [False]
    cache.write_text("{not json")
    assert [(s.ok, s.cached) for s in check_external([url], cache)] == [(True, False)]


def test_unreachable_host_is_reported_not_raised(tmp_path: Path) -> None:
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    [status] = check_external([f"http://127.0.0.1:{port}/"], None, timeout=5)
    assert status.status is None and not status.ok and status.error


def test_check_leaves_drafts_out_like_build_unless_asked(make_site: Callable[..., Path],
                                                         runner: CliRunner) -> None:
    site = make_site({
        "content/issues/2026-02-next/issue.yaml": "title: Feb\ndate: 2026-02-01\nstatus: draft\n",
        "content/issues/2026-02-next/01-plan.md": "---\ntitle: Plan\n---\nText.\n",
        ITEM: "---\ntitle: Lead\n---\nSee [the plan](../2026-02-next/01-plan.md).\n",
    })
    code, report = check_json(runner, site)
    assert code == 1
    assert [f["message"] for f in report["findings"]] == [
        "link to a file that is not published: ../2026-02-next/01-plan.md"]
    code, report = check_json(runner, site, "--drafts")
    assert code == 0, report
    assert (report["issues"], report["drafts_left_out"]) == (2, 0)
    (site / ITEM).write_text("---\ntitle: Lead\n---\nNo link to the plan yet.\n", "utf-8")
    result = runner.invoke(main, ["check", str(site)])
    assert result.stdout.startswith("No problems found in 1 issue (")
    assert result.stdout.endswith(" pages). 1 draft left out (--drafts checks it).\n")


def test_an_absolute_link_under_base_url_to_no_page_says_so(make_site: Callable[..., Path],
                                                            runner: CliRunner) -> None:
    site = make_site(lead("Intro.\n\nSee [the old issue](https://example.org/news/issues/gone/).\n"))
    result = runner.invoke(main, ["check", str(site)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"{ITEM}:7: error: link to a page the site does not have: "
        "https://example.org/news/issues/gone/ (the address is under base_url "
        "(https://example.org/news/); check the page's path)\n")


def test_a_wrong_anchor_in_a_link_to_another_item_is_reported_once_at_its_source(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    other = "content/issues/2026-01-winter/03-other.md"
    site = make_site({other: "---\ntitle: Other\n---\nIntro.\n\n"
                             "See [the lead's part](01-lead.md#nowhere).\n"
                             "And [a brief](02-briefs.yaml#clinic), [one](02-briefs.yaml#1).\n"})
    result = runner.invoke(main, ["check", str(site)])
    assert result.exit_code == 1
    assert result.stderr == (f"{other}:6: error: link to a missing anchor #nowhere in "
                             "01-lead.md (an anchor is the id of a heading or element on the "
                             "page it links to)\n"
                             f"{other}:7: error: link to a missing anchor #clinic in "
                             "02-briefs.yaml (a brief's anchor is its id, or its number in the "
                             "file: 02-briefs.yaml#1 for the first)\n")


def translated_check_errors(make_site: Callable[..., Path], runner: CliRunner, code: str,
                            files: dict[str, str]) -> list[str]:
    """The error lines `bulletin check` says of the test site in its language and `code`'s,
    with `files`; it must fail."""
    site = make_site({"bulletin.yaml": SETTINGS + "pdf: {enabled: false}\n"
                                       f"        languages: {{{code}: {{}}}}\n", **files})
    result = runner.invoke(main, ["check", str(site)])
    assert result.exit_code == 1, result.output
    return [line for line in result.stderr.splitlines() if "error" in line]


def test_a_wrong_anchor_of_a_translation_is_reported_at_the_translation(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    """The original's same link leads where it should; the French heading has no such id
    (it has more headings than its original, so they keep their own)."""
    folder = "content/issues/2026-01-winter/"
    said = translated_check_errors(make_site, runner, "fr", {
        folder + "issue.fr.yaml": "title: Janvier\n",
        folder + "01-lead.md": "---\ntitle: Lead\n---\nIntro.\n\n## Background\n\nText.\n",
        folder + "01-lead.fr.md": "---\ntitle: Tête\n---\nIntro.\n\n## Contexte\n\nTexte.\n\n"
                                  "## Suite\n\nPlus.\n",
        folder + "03-other.md": "---\ntitle: Other\n---\nSee [it](01-lead.md#background).\n",
        folder + "03-other.fr.md": "---\ntitle: Autre\n---\nVoir [le](01-lead.md#background).\n",
        # on the French tag page, which shows the briefs: the original's same words lead
        # to the lead story's own heading, on its page
        folder + "04-next.md": "---\ntitle: Next\n---\n## Next steps\n\nSee [them](#next-steps).\n",
        folder + "02-briefs.fr.yaml": "title: Brèves\nitems:\n  - headline: Clinique\n"
                                      "    body: '[Plus haut](#next-steps).'\n"
                                      "    tags: [mediation]\n    regions: [Tajikistan]\n"
                                      "  - body: Texte.\n    regions: [Hungary]\n"})
    hint = "(an anchor is the id of a heading or element on the page it links to)"
    assert said == [
        f"{folder}02-briefs.fr.yaml:4: error: link to a missing anchor #next-steps {hint}",
        f"{folder}03-other.fr.md:4: error: link to a missing anchor #background in 01-lead.md "
        f"on the 'fr' pages {hint}"]


def test_an_anchor_missing_from_a_translation_only_is_said_to_be_that_languages(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    """The lead, shown untranslated in Spanish, links the second brief, which the Spanish
    briefs file leaves out: the original, which has it, was blamed as if it were wrong."""
    folder = "content/issues/2026-01-winter/"
    said = translated_check_errors(make_site, runner, "es", {
        folder + "issue.es.yaml": "title: Enero\n",
        folder + "01-lead.md": "---\ntitle: Lead\n---\nSee [Pécs](02-briefs.yaml#2).\n",
        folder + "02-briefs.es.yaml": "title: Breves\nitems:\n  - headline: Clínica\n"
                                      "    body: Una clínica.\n"})
    assert said == [
        f"{folder}01-lead.md:4: error: link to a missing anchor #2 in 02-briefs.yaml on the 'es' "
        "pages (a brief's number is its place in the file: 02-briefs.yaml#1 for the first)"]


def test_a_wrong_anchor_in_a_link_to_a_page_is_reported_once_at_its_source(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    """Not at every rendered page that shows the link, as if a template had written it."""
    other = "content/issues/2026-01-winter/03-other.md"
    site = make_site({other: "---\ntitle: Other\n---\nIntro.\n\n"
                             "See [our team](../../pages/about.md#team).\n",
                      "content/pages/about.md": "---\ntitle: About\n---\nUs, and "
                                                "[more](about.md#more).\n"})
    result = runner.invoke(main, ["check", str(site)])
    assert result.exit_code == 1
    hint = "(an anchor is the id of a heading or element on the page it links to)"
    assert result.stderr == (f"{other}:6: error: link to a missing anchor #team in about.md "
                             f"{hint}\n"
                             "content/pages/about.md:4: error: link to a missing anchor #more "
                             f"in about.md {hint}\n")


def test_a_missing_anchor_near_one_the_page_has_is_answered_with_it(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    """Near misses as the editor writes them: without the item's slug that ids begin with."""
    other = "content/issues/2026-01-winter/03-other.md"
    site = make_site({
        "content/issues/2026-01-winter/02-briefs.yaml": "title: News\nkind: briefs\nitems:\n"
                                                        "  - id: pecs-budget\n    body: One.\n",
        other: "---\ntitle: Other\n---\n## Background\n\nSee [above](#backgroud), "
               "[a brief](02-briefs.yaml#pecs-budgt), [two](02-briefs.yaml#7).\n",
        # the issue page shows both texts: 'lead-background' is no answer for 03-other.md
        "content/issues/2026-01-winter/01-lead.md": "---\ntitle: Lead\n---\n## Background\n\n"
                                                    "Text, and [the page's](01-lead.md#main).\n"})
    result = runner.invoke(main, ["check", str(site)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{ITEM}:6: error: link to a missing anchor #main in 01-lead.md (an anchor is the id of "
        "a heading or element on the page it links to)",  # the theme's ids are no answer
        f"{other}:6: error: link to a missing anchor #backgroud (did you mean #background?)",
        f"{other}:6: error: link to a missing anchor #pecs-budgt in 02-briefs.yaml (did you "
        "mean 02-briefs.yaml#pecs-budget?)",
        f"{other}:6: error: link to a missing anchor #7 in 02-briefs.yaml (a brief's number "
        "is its place in the file: 02-briefs.yaml#1 for the first)"]  # as the line reads


def test_a_templates_missing_anchor_keeps_its_template_named(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    site = make_site({"templates/404.html": '{% extends "base.html" %}{% block main %}'
                                            '<a href="#mian">Back</a>{% endblock %}'})
    result = runner.invoke(main, ["check", str(site)])
    assert result.exit_code == 1
    # no 'did you mean #main?' in place of where it comes from
    assert re.fullmatch(r"404\.html:\d+: error: link to a missing anchor #mian \(an anchor is "
                        r"the id of a heading or element on the page it links to; it comes "
                        r"from 404\.html\)\n", result.stderr), result.stderr


def test_every_broken_anchor_of_a_line_is_reported_at_once(make_site: Callable[..., Path],
                                                          runner: CliRunner) -> None:
    """A self-link's anchor ('#also-nowhere') ending like another link's ('#nowhere') on the
    same line was taken for it, and the two findings became one."""
    other = "content/issues/2026-01-winter/03-other.md"
    third = "content/issues/2026-01-winter/04-third.md"
    site = make_site({other: "---\ntitle: Other\n---\nIntro.\n\n"
                             "[a](01-lead.md#nowhere) and [b](#also-nowhere), "
                             "[c](04-third.md#nowhere)\n",
                      third: "---\ntitle: Third\n---\nText.\n"})
    result = runner.invoke(main, ["check", str(site)])
    assert result.exit_code == 1
    hint = " (an anchor is the id of a heading or element on the page it links to)\n"
    assert result.stderr == (
        f"{other}:6: error: link to a missing anchor #nowhere in 01-lead.md{hint}"
        f"{other}:6: error: link to a missing anchor #also-nowhere{hint}"
        f"{other}:6: error: link to a missing anchor #nowhere in 04-third.md{hint}")


def test_a_dead_organisation_url_is_blamed_on_bulletin_yaml(make_site: Callable[..., Path],
                                                            runner: CliRunner,
                                                            local_server: str) -> None:
    settings = (f"title: Local\nbase_url: https://example.org/news/\nnav: [about]\n"
                f"organisation: {{name: Network, url: '{local_server}/gone'}}\n")
    site = make_site({"bulletin.yaml": settings})
    result = runner.invoke(main, ["check", str(site), "--external", "--timeout", "5"])
    assert result.exit_code == 1
    assert result.stderr == (f"bulletin.yaml:4: error: external link fails (404): "
                             f"{local_server}/gone (fix or remove the link)\n")


def test_an_organisation_url_to_no_page_of_the_site_is_blamed_on_bulletin_yaml(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    settings = ("title: Local\nbase_url: https://example.org/news/\nnav: [about]\n"
                "organisation: {name: Network, url: 'https://example.org/news/network/'}\n")
    site = make_site({"bulletin.yaml": settings})
    result = runner.invoke(main, ["check", str(site)])
    assert result.exit_code == 1
    assert result.stderr == (
        "bulletin.yaml:4: error: link to a page the site does not have: "
        "https://example.org/news/network/ (the address is under base_url "
        "(https://example.org/news/); check the page's path)\n")


def test_a_brief_with_an_id_is_reached_by_its_number_too(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    """docs/content.md: `02-briefs.yaml#2` is the second brief, whether or not it has an id."""
    site = make_site({**lead("See [the second](02-briefs.yaml#2)."),
                      "content/issues/2026-01-winter/02-briefs.yaml": """\
title: Other news
items:
  - body: Before [the next one](#2).
  - id: second
    body: Budget hearings in Pécs.
"""})
    result = runner.invoke(main, ["check", str(site)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(main, ["build", str(site)]).exit_code == 0
    issue = site / "output/issues/2026-01-winter"
    page = parse_html(issue / "briefs/index.html")
    [brief] = page.findall(".//li[@id='briefs-second']")
    assert [span.get("id") for span in brief.iter("span")][:1] == ["briefs-2"]
    link = page.find(".//li[@id='briefs-1']//a")
    assert link is not None and link.get("href") == "#briefs-2"
    links = [a.get("href") for a in parse_html(issue / "lead/index.html").iter("a")]
    assert "../../../issues/2026-01-winter/briefs/#briefs-2" in links


def test_check_renders_the_print_and_email_templates_as_a_build_does(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    """Their mistakes stopped the build after check had found none; the PDF is not laid out."""
    site = make_site({**WITH_PDF,
                      "templates/print.html": "{% extends 'theme/print.html' %}"
                                              "{% block head %}{{ issue.editer }}{% endblock %}",
                      "templates/email/footer.html": "<p>\n{% if true %}\n"})
    result = runner.invoke(main, ["check", str(site)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "templates/email/footer.html:2: error: '{% if %}' is never closed: write its "
        "'{% endif %}' (Jinja noticed at line 2) (while rendering "
        "issues/2026-01-winter/email.html)",
        "templates/print.html:1: error: Issue has no field 'editer'; did you mean date? "
        "(while rendering issues/2026-01-winter/2026-01-winter.pdf)"]
    assert not (site / "output").exists()


def test_a_link_a_template_writes_on_every_page_is_said_once(
        make_site: Callable[..., Path], runner: CliRunner) -> None:
    """A stylesheet missing from base.html was an error on each of the site's pages."""
    site = make_site({"templates/base.html":
                      '{% extends "theme/base.html" %}{% block head %}{{ super() }}'
                      '<link rel="stylesheet" href="{{ "brand.css" | url }}">{% endblock %}\n'})
    result = runner.invoke(main, ["check", str(site)])
    assert result.exit_code == 1
    said = [line for line in result.stderr.splitlines() if "brand.css" in line]
    relative = [line for line in said if not line.startswith("404.html")]  # /news/brand.css
    assert len(relative) == 1 and "other pages)" in relative[0], said
    assert "relative to the page" in relative[0]
    [rooted] = [line for line in said if line.startswith("404.html")]
    assert "/news/brand.css (the address starts at the server's root" in rooted
