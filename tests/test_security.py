"""Content that could harm readers or the machine: sanitised HTML, escaped fields, safe YAML,
nothing read or linked from outside the site, and output folders that must not be replaced."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import snapshot

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.cli import main
from bulletin_gen.errors import ContentError
from bulletin_gen.write import MARKER, OutputError, check_output_dir
from bulletin_gen.yamlio import YamlError, load_yaml

LEAD = "content/issues/2026-01-winter/01-lead.md"
BRIEFS = "content/issues/2026-01-winter/02-briefs.yaml"


class _Elements(HTMLParser):
    """Every start tag of a page with its attributes, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_head = self.in_head or tag == "head"
        if not (self.in_head and tag == "style"):  # the theme's own CSS (the email edition's)
            self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        self.in_head = self.in_head and tag != "head"


def elements(path: Path) -> list[tuple[str, dict[str, str]]]:
    parser = _Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.elements


def assert_harmless(path: Path) -> None:
    """No script-bearing element, no event handler, no javascript:/data: URL in `path`."""
    for tag, attrs in elements(path):
        if tag == "script" and path.parent.name == "search":
            continue  # the search page's own interface (test_search.py), no content of the site
        assert tag not in {"script", "style", "iframe", "object", "embed", "svg"}, (path, tag)
        for name, value in attrs.items():
            assert not name.startswith("on"), (path, tag, name)
            if name in {"href", "src", "action", "formaction"}:
                scheme = "".join(value.split()).lower()
                assert not scheme.startswith(("javascript:", "data:", "vbscript:")), (path, value)


HOSTILE_BODY = """\
    ---
    title: Lead story
    ---
    Kept text <script>alert('x')</script> and <style>body {display: none}</style>.

    <p onclick="alert(1)" onmouseover="alert(2)">Paragraph with handlers</p>

    <a href="javascript:alert(1)">raw js link</a> <a href="JaVaScRiPt:alert(1)">mixed case</a>
    <a href="java&#x09;script:alert(1)">entity</a> <a href="data:text/html,<b>x</b>">data link</a>

    [markdown js](javascript:alert(1)) [markdown data](data:text/html;base64,PGI+)

    ![data image](data:image/png;base64,iVBORw0KGgo=)
    <img src="data:image/svg+xml,<svg onload=alert(1)>" onerror="alert(1)" alt="raw image">

    <iframe src="https://example.org/"></iframe><svg onload="alert(1)"></svg>
    <object data="x.swf"></object><embed src="x.swf">

    A [safe link](https://example.org/) and <em>allowed</em> markup.
    """


def test_raw_html_is_sanitised(make_site: Callable[..., Path],
                               build_site: Callable[..., Path]) -> None:
    output = build_site(make_site({LEAD: HOSTILE_BODY}), pdf=False)
    for page in ("issues/2026-01-winter/lead/index.html", "issues/2026-01-winter/index.html"):
        assert_harmless(output / page)
        text = (output / page).read_text(encoding="utf-8")
        assert "Kept text" in text and "Paragraph with handlers" in text
        assert '<a href="https://example.org/">safe link</a>' in text
        assert "<em>allowed</em>" in text
        main = text.split('id="main"')[1]
        assert "<script" not in main and "onclick" not in main and "display: none" not in main


def test_unsafe_html_setting_is_needed_to_keep_raw_html(make_site: Callable[..., Path],
                                                        build_site: Callable[..., Path]) -> None:
    config = "title: T\nunsafe_html: true\n"
    output = build_site(make_site({"bulletin.yaml": config, LEAD: HOSTILE_BODY,
                                   "content/pages/about.md": None}), pdf=False)
    assert "<script>alert(" in (
        output / "issues/2026-01-winter/lead/index.html").read_text(encoding="utf-8")


EVIL = "<script>alert(\"x\")</script> & \" onmouseover=\"alert(1)"


def test_autoescape_in_every_page_feed_and_sitemap(make_site: Callable[..., Path],
                                                   build_site: Callable[..., Path]) -> None:
    quoted = EVIL.replace('"', '\\"')
    site = make_site({
        "bulletin.yaml": f"""\
            title: "{quoted}"
            tagline: "{quoted}"
            base_url: https://example.org/news/
            organisation: {{name: "{quoted}", url: https://example.org/}}
            contact: {{name: "{quoted}", email: editor@example.org}}
            nav: [about]
            """,
        "content/issues/2026-01-winter/issue.yaml": f"""\
            title: "{quoted}"
            date: 2026-01-15
            summary: "{quoted}"
            """,
        LEAD: f"""\
            ---
            title: "{quoted}"
            summary: "{quoted}"
            authors: ["{quoted}"]
            tags: ["{quoted}"]
            regions: ["{quoted}"]
            contact: {{name: "{quoted}", role: "{quoted}"}}
            ---
            Body.
            """,
        BRIEFS: f"""\
            title: "{quoted}"
            kind: briefs
            items:
              - headline: "{quoted}"
                regions: ["{quoted}"]
                body: A brief.
            """,
        "content/pages/about.md": f'---\ntitle: "{quoted}"\nsummary: "{quoted}"\n---\nAbout.\n',
    })
    output = build_site(site, pdf=False)
    pages = sorted(output.rglob("*.html"))
    assert len(pages) >= 8
    for page in pages:
        assert_harmless(page)
    for name in ("feed.xml", "sitemap.xml"):
        root = ET.parse(output / name).getroot()  # well-formed: nothing broke out of its text
        assert not any(element.tag.endswith("script") for element in root.iter())
    feed_text = " ".join(ET.parse(output / "feed.xml").getroot().itertext())
    assert EVIL in feed_text


# --- links, images and files that lead out of the site ---------------------------------------

def lead_with(body: str, front: str = "") -> str:
    return f"---\ntitle: Lead story\n{front}---\n{body}\n"


@pytest.mark.parametrize(("body", "text"), [
    ("See [the file](../../../../etc/passwd).",
     "link points outside the site: ../../../../etc/passwd"),
    ("See [the file](/etc/passwd).", "link to an absolute path: /etc/passwd"),
    ("![map](../../../../secret.png)", "image points outside the site: ../../../../secret.png"),
    ("![map](/etc/hosts)", "image to an absolute path: /etc/hosts"),
    ("See [the file](%2E%2E/%2E%2E/%2E%2E/%2E%2E/x.md).", "link points outside the site"),
])
def test_links_leaving_the_site_are_refused(refused: Callable[..., Any], body: str,
                                            text: str) -> None:
    refused({LEAD: lead_with("First line.\n\n" + body)}, LEAD, 6, text)


def test_image_field_leaving_the_site_is_refused(refused: Callable[..., Any]) -> None:
    refused({LEAD: lead_with("Body.", "image: ../../../../etc/passwd\n")}, LEAD, 3,
            "image: points outside the site: ../../../../etc/passwd")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:image/png;base64,AAAA",
                                 "javascript://example.org/%0Aalert(1)"])
def test_image_field_with_a_script_url_is_refused(refused: Callable[..., Any], url: str) -> None:
    refused({LEAD: lead_with("Body.", f'image: "{url}"\n')}, LEAD, 3,
            "is neither a file nor an http(s) URL")


def test_organisation_url_must_be_http(refused: Callable[..., Any]) -> None:
    config = "title: T\norganisation:\n  name: Org\n  url: javascript:alert(1)\n"
    refused({"bulletin.yaml": config}, "bulletin.yaml", 4,
            "organisation.url: 'javascript:alert(1)' is not an http(s) URL")


def test_slug_that_is_a_path_is_refused(refused: Callable[..., Any]) -> None:
    refused({LEAD: lead_with("Body.", "slug: ../../../escape\n")}, LEAD, 3,
            "slug: '../../../escape' is a path")


def _outside_file(site: Path) -> Path:
    secret = site.parent / "secret.txt"
    secret.write_text("private\n", encoding="utf-8")
    return secret


def test_symlinked_asset_leaving_the_site_is_refused(refused: Callable[..., Any]) -> None:
    def link(site: Path) -> None:
        target = site / "content/issues/2026-01-winter/images/leak.png"
        target.parent.mkdir(parents=True)
        target.symlink_to(_outside_file(site))

    problem = refused({}, "content/issues/2026-01-winter/images/leak.png", 0,
                      "symbolic link to", setup=link)
    assert "outside the site" in problem.message


def test_symlinked_item_leaving_the_site_is_refused(refused: Callable[..., Any]) -> None:
    def link(site: Path) -> None:
        (site / "content/issues/2026-01-winter/03-leak.md").symlink_to(_outside_file(site))

    refused({}, "content/issues/2026-01-winter/03-leak.md", 0, "outside the site", setup=link)


def test_symlinked_issue_folder_leaving_the_site_is_refused(refused: Callable[..., Any]) -> None:
    def link(site: Path) -> None:
        elsewhere = site.parent / "elsewhere"
        (elsewhere / "issue").mkdir(parents=True)
        (elsewhere / "issue/issue.yaml").write_text("title: X\ndate: 2026-02-01\n")
        (site / "content/issues/2026-02-linked").symlink_to(elsewhere / "issue")

    refused({}, "content/issues/2026-02-linked/issue.yaml", 0, "outside the site", setup=link)


def test_symlinked_single_file_issue_leaving_the_site_is_refused(
        refused: Callable[..., Any]) -> None:
    def link(site: Path) -> None:
        (site / "content/issues/2026-02-linked.md").symlink_to(_outside_file(site))

    refused({}, "content/issues/2026-02-linked.md", 0, "outside the site", setup=link)


def test_symlinked_static_file_leaving_the_site_is_refused(refused: Callable[..., Any]) -> None:
    def link(site: Path) -> None:
        (site / "static").mkdir()
        (site / "static/leak.txt").symlink_to(_outside_file(site))

    refused({}, "static/leak.txt", 0, "symbolic link to a file outside", setup=link)


def test_pdf_command_refuses_a_static_symlink_leaving_the_site(make_site: Callable[..., Path],
                                                               runner: CliRunner) -> None:
    pytest.importorskip("weasyprint", reason="the pdf extra is not installed")
    site = make_site()
    (site / "static").mkdir()
    (site / "static/leak.txt").symlink_to(_outside_file(site))
    target = site.parent / "winter.pdf"
    result = runner.invoke(main, ["pdf", "2026-01-winter", str(site), "-o", str(target)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "static/leak.txt: error: symbolic link to a file outside the folder" in result.output
    assert not target.exists()


def test_symlink_inside_the_site_is_allowed(make_site: Callable[..., Path],
                                            build_site: Callable[..., Path]) -> None:
    site = make_site({"content/issues/2026-01-winter/images/map.png": b"\x89PNG",
                      "content/issues/2026-01-winter/01-lead.md":
                          "---\ntitle: Lead\n---\nThe [map](images/same.png).\n"})
    (site / "content/issues/2026-01-winter/images/same.png").symlink_to("map.png")
    output = build_site(site, pdf=False)
    assert (output / "issues/2026-01-winter/images/same.png").read_bytes() == b"\x89PNG"


# --- YAML -------------------------------------------------------------------------------------

def billion_laughs(value: str = '"lol"') -> str:
    lines = ["a: &a [" + ", ".join([value] * 9) + "]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_in_front_matter_is_refused(refused: Callable[..., Any]) -> None:
    text = "---\ntitle: Lead\n" + billion_laughs() + "---\nBody.\n"
    # lines 3-11 hold the anchors; the text passes 1 MB at the sixth ('f', line 8).
    refused({LEAD: text}, LEAD, 8, "aliases (*name) repeat more than 1 MB of text")


def test_billion_laughs_of_empty_values_is_refused(refused: Callable[..., Any]) -> None:
    refused({BRIEFS: billion_laughs('""')}, BRIEFS, 6,
            "aliases expand this document to more than 100,000 values")


@pytest.mark.parametrize("size", [2**20 + 1, 5 * 2**20])
def test_few_aliases_of_a_large_value_are_refused_at_the_alias(size: int) -> None:
    # Within every count (99 aliases, a few hundred values, under 10 MB of text), but the
    # expansion would be 99 copies of the text: once 31 s and 1.4 GB to build, or MemoryError.
    # (The file and line through a build: test_billion_laughs_in_front_matter_is_refused.)
    chunk = "x" * (size // 99 + 1)
    text = ("title: T\nkind: briefs\nitems:\n  - &big {body: " + chunk + "}\n"
            + "  - *big\n" * 99)
    with pytest.raises(YamlError) as caught:
        load_yaml(text, line_offset=10)
    assert str(caught.value) == "aliases (*name) repeat more than 1 MB of text in one " \
        "document; write the text once, or in separate items"
    # the first alias past 1 MB, after the anchor on line 4
    assert caught.value.line == 10 + 5 + 2**20 // len(chunk)


def test_small_aliases_are_still_allowed(make_site: Callable[..., Path],
                                         build_site: Callable[..., Path]) -> None:
    text = ("title: T\nkind: briefs\ncontact: &ana {name: Ana, email: ana@example.org}\nitems:\n"
            + "".join(f"  - {{body: Brief {n}, contact: *ana}}\n" for n in range(90)))
    output = build_site(make_site({BRIEFS: text}), pdf=False, email=False)
    assert (output / "issues/2026-01-winter/index.html").read_text().count("Brief 89") == 1


def test_too_many_aliases_are_refused(refused: Callable[..., Any]) -> None:
    text = "title: T\nkind: briefs\nx: &x 1\nitems:\n" + "".join(
        "  - {body: b, n: *x}\n" for _ in range(101))
    refused({BRIEFS: text}, BRIEFS, 105, "more than 100 aliases")


def test_recursive_alias_is_refused(refused: Callable[..., Any]) -> None:
    refused({BRIEFS: "title: T\nitems: &me [*me]\n"}, BRIEFS, 2, "refers to a value that contains")


def test_deeply_nested_yaml_is_refused(refused: Callable[..., Any]) -> None:
    refused({BRIEFS: "title: T\nitems: " + "[" * 5000 + "]" * 5000 + "\n"}, BRIEFS, 2,
            "YAML nested too deeply")


def test_python_tags_are_not_executed(refused: Callable[..., Any], tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = (f"title: T\nitems: !!python/object/apply:os.system ['touch {marker}']\n")
    refused({BRIEFS: text}, BRIEFS, 2, "could not determine a constructor")
    assert not marker.exists()


def test_large_yaml_file_is_refused(refused: Callable[..., Any]) -> None:
    big = "title: T\nitems:\n" + "  - body: " + "x" * (11 * 2**20) + "\n"
    refused({BRIEFS: big}, BRIEFS, 1, "YAML text is larger than 10 MB")


def test_file_size_limit(refused: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bulletin_gen.content.MAX_FILE_BYTES", 2**20)
    refused({LEAD: lead_with("x" * 2**20)}, LEAD, 0, "file is larger than 1 MB")


# --- the output folder ------------------------------------------------------------------------

def _unchanged_after(site: Path, output: Path) -> None:
    before = snapshot(site)
    with pytest.raises(OutputError) as caught:
        build(site, BuildOptions(output=output, pdf=False))
    assert "refusing" in caught.value.message or "not empty" in caught.value.message
    assert snapshot(site) == before


@pytest.mark.parametrize("where", [".", "content", "content/issues", "templates", "static", "..",
                                   ".bulletin-cache", ".bulletin-cache/public"])
def test_output_folder_that_would_destroy_the_site_is_refused(make_site: Callable[..., Path],
                                                              where: str) -> None:
    site = make_site({"templates/.keep": "", "static/robots.txt": "User-agent: *\n"})
    _unchanged_after(site, site / where)


def test_output_inside_the_cache_is_refused_on_the_command_line(make_site: Callable[..., Path],
                                                                runner: CliRunner) -> None:
    from bulletin_gen.layout import CACHE_DIR

    site = make_site()
    result = runner.invoke(main, ["build", str(site), "-o", str(site / CACHE_DIR / "public")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "it is inside the site's .bulletin-cache/ folder" in result.output
    assert not (site / CACHE_DIR / "public").exists()


def test_home_and_root_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    site = tmp_path / "elsewhere" / "site"
    site.mkdir(parents=True)
    with pytest.raises(OutputError, match="your home folder"):
        check_output_dir(home, site)
    with pytest.raises(OutputError, match="root of the file system"):
        check_output_dir(Path("/"), site)


def test_foreign_non_empty_folder_is_refused_but_ours_is_replaced(make_site: Callable[..., Path],
                                                                  tmp_path: Path) -> None:
    site = make_site()
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "holiday.jpg").write_bytes(b"jpeg")
    with pytest.raises(OutputError, match=r"is not empty and was not written by bulletin build"):
        build(site, BuildOptions(output=foreign, pdf=False))
    assert snapshot(foreign) == {"holiday.jpg": b"jpeg"}
    (foreign / "holiday.jpg").unlink()
    build(site, BuildOptions(output=foreign, pdf=False))  # empty: fine, and marked as ours
    assert (foreign / MARKER).is_file()
    build(site, BuildOptions(output=foreign, pdf=False))  # ours: replaced


def test_output_that_is_a_file_is_refused(make_site: Callable[..., Path]) -> None:
    site = make_site({"notes.txt": "mine"})
    with pytest.raises(OutputError, match="is a file, not a folder"):
        build(site, BuildOptions(output=site / "notes.txt", pdf=False))
    assert (site / "notes.txt").read_text() == "mine"


def test_cli_reports_a_refusal_without_traceback(make_site: Callable[..., Path],
                                                 runner: CliRunner) -> None:
    site = make_site()
    result = runner.invoke(main, ["build", str(site), "-o", str(site / "content")])
    assert result.exit_code == 1
    assert "refusing to write the site into" in result.output
    assert "content folder" in result.output
    assert "Traceback" not in result.output
    assert (site / "content/issues/2026-01-winter/01-lead.md").is_file()


def test_content_error_reports_every_problem(make_site: Callable[..., Path]) -> None:
    site = make_site({LEAD: lead_with("[a](/x) [b](../../../../y)"),
                      BRIEFS: "title: T\nitems: &me [*me]\n"})
    with pytest.raises(ContentError) as caught:
        build(site, BuildOptions(pdf=False))
    found = {(p.location.path, p.location.line) for p in caught.value.problems}
    assert {(LEAD, 4), (BRIEFS, 2)} <= found
    assert len(caught.value.problems) >= 3


def test_demote_filter_escapes_plain_text() -> None:
    from markupsafe import Markup

    from bulletin_gen.templates import demote_headings

    assert demote_headings("<script>x</script><h2>") == "&lt;script&gt;x&lt;/script&gt;&lt;h2&gt;"
    assert demote_headings(Markup("<h2>A</h2>")) == "<h3>A</h3>"
