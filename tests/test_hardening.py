"""Faults and text from anywhere: interrupted and failed builds keep the previous output, any
UTF-8 text and script works, right-to-left languages get their direction, and large or deeply
nested content builds within bounds."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
import textwrap
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import ctrl_c_reaches_child, snapshot, write_files

from bulletin_gen import write
from bulletin_gen.build import BuildOptions, build
from bulletin_gen.errors import ContentError
from bulletin_gen.i18n import text_direction
from bulletin_gen.markdown import MAX_TEXT_CHARS, MarkdownRenderer, slugify
from bulletin_gen.render import TemplateProblem
from bulletin_gen.write import MARKER, OutputError

LEAD = "content/issues/2026-01-winter/01-lead.md"
# clean: every build here really writes (a rebuild with nothing changed would not)
WEB: dict[str, Any] = {"pdf": False, "email": False, "clean": True}
SPARE = ".output.spare"  # the output before last, kept on purpose (see write.publish)


@pytest.fixture
def built(make_site: Callable[..., Path]) -> tuple[Path, Path, dict[str, bytes]]:
    """A site built once: (site, output, the output's files)."""
    site = make_site()
    output = build(site, BuildOptions(**WEB)).output
    return site, output, snapshot(output)


def assert_whole(site: Path, output: Path, before: dict[str, bytes]) -> None:
    assert snapshot(output) == before
    leftovers = [p.name for p in site.iterdir() if p.name.startswith(".output")]
    assert leftovers == []


# --- the previous output survives any failure -------------------------------------------------

def _fail_on_write(monkeypatch: pytest.MonkeyPatch, error: BaseException, after: int) -> None:
    """Make the `after`-th file written into the staging folder raise `error`."""
    real = write._write_new
    calls = {"n": 0}

    def write_new(target: str, data: bytes) -> None:
        if ".output.staging" in target and os.path.basename(target) != MARKER:
            calls["n"] += 1
            if calls["n"] >= after:
                raise error
        real(target, data)

    monkeypatch.setattr(write, "_write_new", write_new)


def test_ctrl_c_while_writing_keeps_the_previous_output(built: tuple[Path, Path, dict[str, bytes]],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    site, output, before = built
    write_files(site, {LEAD: "---\ntitle: Changed\n---\nNew text.\n"})
    _fail_on_write(monkeypatch, KeyboardInterrupt(), after=5)
    with pytest.raises(KeyboardInterrupt):
        build(site, BuildOptions(**WEB))
    assert_whole(site, output, before)


SIGINT_WHILE_WRITING = """
import os, signal, sys
from bulletin_gen import write
real, count = write._write_new, [0]
def write_new(target, data):
    if ".output.staging" in target:
        count[0] += 1
        if count[0] == 5:
            os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C, mid-way through writing
    real(target, data)
write._write_new = write_new
from bulletin_gen.cli import main
main(["build", sys.argv[1]])
"""


def test_real_ctrl_c_keeps_the_previous_output_without_traceback(
        built: tuple[Path, Path, dict[str, bytes]]) -> None:
    site, output, before = built
    write_files(site, {LEAD: "---\ntitle: Changed\n---\nNew text.\n"})
    result = subprocess.run([sys.executable, "-c", SIGINT_WHILE_WRITING, str(site)],
                            capture_output=True, text=True, check=False,
                            preexec_fn=ctrl_c_reaches_child)
    assert result.returncode != 0
    assert "Aborted" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert_whole(site, output, before)


def test_full_disk_keeps_the_previous_output(built: tuple[Path, Path, dict[str, bytes]],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    site, output, before = built
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(output) + "/x.html")
    _fail_on_write(monkeypatch, full, after=3)
    with pytest.raises(OutputError) as caught:
        build(site, BuildOptions(**WEB))
    message = caught.value.message
    assert "No space left on device" in message and "free some disk space" in message
    assert "previous output was left as it was" in message
    assert_whole(site, output, before)


def test_full_disk_while_copying_assets_keeps_the_previous_output(
        built: tuple[Path, Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch) -> None:
    site, output, before = built

    def copy(*_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    # The writer's copying only: the search copies its bundles into the cache with shutil too.
    monkeypatch.setattr("bulletin_gen.write._copy", copy)
    with pytest.raises(OutputError, match="No space left on device"):
        build(site, BuildOptions(**WEB))
    assert_whole(site, output, before)


def test_ctrl_c_between_the_two_renames_keeps_the_previous_output(
        built: tuple[Path, Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch) -> None:
    site, output, before = built
    real = os.rename

    def rename(source: object, target: object) -> None:
        if str(source).endswith(".output.staging"):
            raise KeyboardInterrupt
        real(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr("bulletin_gen.write.os.rename", rename)
    monkeypatch.setattr("bulletin_gen.write._exchange", lambda *_: False)  # the two-rename path
    with pytest.raises(KeyboardInterrupt):
        build(site, BuildOptions(**WEB))
    assert_whole(site, output, before)


def test_swap_exchanges_in_one_step(built: tuple[Path, Path, dict[str, bytes]],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    site, output, _ = built
    if not sys.platform.startswith("linux"):
        pytest.skip("renameat2 is Linux only; elsewhere the swap renames twice")
    renamed: list[tuple[object, ...]] = []
    monkeypatch.setattr("bulletin_gen.write.os.rename", lambda *args: renamed.append(args))
    write_files(site, {LEAD: "---\ntitle: Exchanged\n---\nNew.\n"})
    build(site, BuildOptions(**WEB))
    # no moment without an output folder: only the spare and staging folders are renamed
    assert all(output not in (Path(str(a)), Path(str(b))) for a, b, *_ in renamed)
    assert "Exchanged" in (output / "issues/2026-01-winter/lead/index.html").read_text()


def test_template_error_keeps_the_previous_output(
        built: tuple[Path, Path, dict[str, bytes]]) -> None:
    site, output, before = built
    write_files(site, {"templates/item.html": '{% extends "theme/item.html" %}\n'
                                              "{% block main %}{{ item.no_such_field }}"
                                              "{% endblock %}\n"})
    with pytest.raises(TemplateProblem) as caught:
        build(site, BuildOptions(**WEB))
    assert "item.html:2" in caught.value.message
    assert "no_such_field" in caught.value.message
    assert "while rendering issues/2026-01-winter/" in caught.value.message
    assert_whole(site, output, before)


def test_stale_staging_and_retired_folders_are_cleaned(
        built: tuple[Path, Path, dict[str, bytes]]) -> None:
    site, output, _ = built
    (site / ".output.staging/issues").mkdir(parents=True)
    (site / ".output.staging/issues/half.html").write_text("half written")
    (site / ".output.old").mkdir()
    build(site, BuildOptions(**WEB))
    assert not (site / ".output.staging").exists() and not (site / ".output.old").exists()
    assert (output / MARKER).is_file()


def test_output_left_between_renames_is_recovered(
        built: tuple[Path, Path, dict[str, bytes]]) -> None:
    """A build killed after moving the output aside: the next build still finds it ours."""
    site, output, _ = built
    os.rename(output, site / ".output.old")
    (site / ".output.staging").mkdir()
    build(site, BuildOptions(**WEB))
    assert (output / "index.html").is_file()
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".output")) == [SPARE]


# --- text from anywhere -----------------------------------------------------------------------

def test_bom_and_crlf_are_read_and_lines_still_count(make_site: Callable[..., Path],
                                                     build_site: Callable[..., Path]) -> None:
    text = "---\r\ntitle: Lead story\r\ndate: 2026-01-15\r\n---\r\nLine one.\r\n\r\nLine two.\r\n"
    output = build_site(make_site({LEAD: "\ufeff".encode() + text.encode()}), **WEB)
    page = (output / "issues/2026-01-winter/lead/index.html").read_text(encoding="utf-8")
    assert "<h1" in page and "Lead story</h1>" in page and "\r" not in page
    assert "<p>Line one.</p>" in page


def test_crlf_file_reports_the_right_line(refused: Callable[..., Any]) -> None:
    text = "---\r\ntitle: Lead story\r\ndate: 5 May\r\n---\r\nBody.\r\n"
    refused({LEAD: text.encode()}, LEAD, 3, "date")


def test_invalid_utf8_names_file_and_line(refused: Callable[..., Any]) -> None:
    text = "---\ntitle: Lead\n---\nFirst.\n\nCaf\xe9 in Latin-1.\n".encode("latin-1")
    problem = refused({LEAD: text}, LEAD, 6, "not valid UTF-8 text")
    assert "UTF-8" in problem.hint


def test_utf16_file_is_refused_with_the_file(refused: Callable[..., Any]) -> None:
    refused({LEAD: "---\ntitle: Lead\n---\nBody.\n".encode("utf-16")}, LEAD, 1,
            "not valid UTF-8 text")


def test_invalid_utf8_in_bulletin_yaml(refused: Callable[..., Any]) -> None:
    refused({"bulletin.yaml": b"title: Test\ntagline: caf\xe9\n"}, "bulletin.yaml", 2,
            "not valid UTF-8 text")


def test_special_file_is_refused_not_read(refused: Callable[..., Any]) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    refused({}, "content/issues/2026-02-pipe.md", 0, "not a regular file",
            setup=lambda site: os.mkfifo(site / "content/issues/2026-02-pipe.md"))


HELENE_NFC = unicodedata.normalize("NFC", "Hélène Bélanger")
HELENE_NFD = unicodedata.normalize("NFD", "Hélène Bélanger")


def test_composed_and_decomposed_names_are_one(make_site: Callable[..., Path],
                                               build_site: Callable[..., Path]) -> None:
    assert HELENE_NFC != HELENE_NFD
    site = make_site({
        LEAD: f"---\ntitle: Lead\ntags: [{HELENE_NFC}]\nregions: [Pécs]\n"
              f"authors: [{HELENE_NFC}]\n---\nBody about {HELENE_NFD}.\n",
        "content/issues/2026-01-winter/03-more.md":
            f"---\ntitle: More\ntags: [{HELENE_NFD}]\n"
            f"regions: [{unicodedata.normalize('NFD', 'Pécs')}]\n"
            f"authors: [{HELENE_NFD}]\n---\nMore.\n",
    })
    output = build_site(site, **WEB)
    assert sorted(p.name for p in (output / "tags").iterdir()) == [
        "helene-belanger", "index.html", "mediation"]
    assert (output / "regions/pecs/index.html").is_file()
    tag_page = (output / "tags/helene-belanger/index.html").read_text(encoding="utf-8")
    assert ">Lead<" in tag_page and ">More<" in tag_page  # both items, under one tag
    for page in output.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), page


def test_links_typed_composed_find_files_named_decomposed(make_site: Callable[..., Path],
                                                          build_site: Callable[..., Path]) -> None:
    """macOS stores 'é' in file names decomposed; editors type it composed in links."""
    folder = "content/issues/" + unicodedata.normalize("NFD", "2026-02-hélène")
    site = make_site({
        f"{folder}/issue.yaml": "title: February\ndate: 2026-02-01\n",
        f"{folder}/01-{unicodedata.normalize('NFD', 'café')}.md": "---\ntitle: Café\n---\nx\n",
        f"{folder}/images/{unicodedata.normalize('NFD', 'carte-été')}.png": b"\x89PNG",
        LEAD: "---\ntitle: Lead\n---\n[cafe](../2026-02-hélène/01-café.md)\n\n"
              "![map](../2026-02-hélène/images/carte-été.png)\n",
    })
    output = build_site(site, **WEB)
    page = (output / "issues/2026-01-winter/lead/index.html").read_text(encoding="utf-8")
    assert 'href="../../../issues/2026-02-helene/cafe/"' in page
    src = re.search(r'src="([^"]*carte[^"]*)"', page)
    assert src and (output / "issues/2026-01-winter/lead" / src.group(1)).resolve().is_file()


@pytest.mark.parametrize(("text", "slug"), [
    ("Hélène à Pécs", "helene-a-pecs"),
    ("Straße", "straße"),
    ("\ufb01nal \uff32\uff45\uff50\uff4f\uff52\uff54 \uff12\uff10\uff12\uff16",
     "final-report-2026"),
    ("الأخبار العربية", "الأخبار-العربية"),
    ("Новости Київ й", "новости-київ-й"),
    ("Ελληνικά νέα", "ελληνικά-νέα"),
    ("東京の会議", "東京の会議"),
    ("ニュースが", "ニュースが"),
    ("हिन्दी समाचार", "हिन्दी-समाचार"),
    ("שלום עולם", "שלום-עולם"),
    ("under_score -- dash _edge_", "under_score-dash-edge"),
    ("???", ""),
    ("", ""),
])
def test_slug_rule(text: str, slug: str) -> None:
    assert slugify(text) == slug
    assert slugify(unicodedata.normalize("NFD", text)) == slug


NON_LATIN_ISSUE = """\
    ---
    title: Multilingual
    date: 2026-02-01
    ---
    ## أخبار الشبكة

    Arabic.

    ## Новости сети

    Cyrillic.

    ## Νέα του δικτύου

    Greek.

    ## 网络新闻

    Chinese.

    ## ???

    A heading with no letters.
    """


def test_non_latin_titles_make_working_pages(make_site: Callable[..., Path],
                                             build_site: Callable[..., Path]) -> None:
    output = build_site(make_site({"content/issues/2026-02-multi.md": NON_LATIN_ISSUE}), **WEB)
    issue = output / "issues/2026-02-multi"
    for slug in ("أخبار-الشبكة", "новости-сети", "νέα-του-δικτύου", "网络新闻", "item-5"):
        page = issue / slug / "index.html"
        assert page.is_file(), sorted(p.name for p in issue.iterdir())
    index = (issue / "index.html").read_text(encoding="utf-8")
    links = [href for href in re.findall(r'href="([^"#:]+)"', index)]
    assert any("новости-сети/" in href for href in links)
    for href in links:  # every link from the issue page reaches a file, whatever the script
        target = (issue / href).resolve()
        assert (target / "index.html" if href.endswith("/") else target).is_file(), href


@pytest.mark.parametrize(("front", "path", "line", "text"), [
    ("slug: '???'\n", LEAD, 3, "the item slug '???' has no letter or digit"),
    ("", "content/pages/---.md", 0, "the page slug '---' has no letter or digit"),
])
def test_empty_slug_is_refused(refused: Callable[..., Any], front: str, path: str, line: int,
                               text: str) -> None:
    files = {LEAD: f"---\ntitle: Lead\n{front}---\nBody.\n"}
    if path != LEAD:
        files[path] = "---\ntitle: Dashes\n---\nBody.\n"
    refused(files, path, line, text)


def test_item_file_name_without_letters_falls_back(make_site: Callable[..., Path],
                                                   build_site: Callable[..., Path]) -> None:
    output = build_site(make_site({"content/issues/2026-01-winter/03-!!!.md":
                                   "---\ntitle: Shout\n---\nBody.\n"}), **WEB)
    assert (output / "issues/2026-01-winter/03/index.html").is_file()


@pytest.mark.parametrize(("lang", "direction"), [
    ("ar", "rtl"), ("he", "rtl"), ("fa", "rtl"), ("ur", "rtl"), ("he-IL", "rtl"),
    ("ar_EG", "rtl"), ("en", "ltr"), ("fr-CA", "ltr"), ("", "ltr"), ("arn", "ltr"),
])
def test_text_direction(lang: str, direction: str) -> None:
    assert text_direction(lang) == direction


def _html_tag(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    return text[text.index("<html"):text.index(">", text.index("<html")) + 1]


def test_right_to_left_issue_and_item(make_site: Callable[..., Path],
                                      build_site: Callable[..., Path]) -> None:
    site = make_site({
        "content/issues/2026-01-winter/issue.yaml": "title: يناير\ndate: 2026-01-15\nlang: ar\n",
        "content/issues/2026-01-winter/03-hebrew.md":
            "---\ntitle: שלום\nlang: he\n---\nטקסט.\n",  # noqa: RUF001
        "content/issues/2025-12-english/issue.yaml": "title: December\ndate: 2025-12-01\n",
        "content/issues/2025-12-english/01-persian.md": "---\ntitle: سلام\nlang: fa\n---\nمتن.\n",
    })
    output = build_site(site, pdf=False)
    assert _html_tag(output / "issues/2026-01-winter/index.html") == '<html lang="ar" dir="rtl">'
    assert _html_tag(output / "issues/2026-01-winter/email.html") == '<html lang="ar" dir="rtl">'
    assert _html_tag(output / "issues/2025-12-english/email.html") == '<html lang="en" dir="ltr">'
    assert _html_tag(output / "issues/2026-01-winter/lead/index.html") == \
        '<html lang="ar" dir="rtl">'
    assert _html_tag(output / "issues/2026-01-winter/hebrew/index.html") == \
        '<html lang="he" dir="rtl">'
    assert _html_tag(output / "issues/2025-12-english/index.html") == '<html lang="en" dir="ltr">'
    assert _html_tag(output / "issues/2025-12-english/persian/index.html") == \
        '<html lang="fa" dir="rtl">'
    english = (output / "issues/2025-12-english/index.html").read_text(encoding="utf-8")
    assert 'id="item-persian" aria-labelledby="item-persian-title" lang="fa" dir="rtl"' in english
    assert _html_tag(output / "archive/index.html") == '<html lang="en" dir="ltr">'
    # The site's header and footer stay in its language, unmirrored, around an Arabic issue.
    for page, marks in (("issues/2026-01-winter/lead/index.html", ' lang="en" dir="ltr"'),
                        ("issues/2025-12-english/index.html", "")):
        text = (output / page).read_text("utf-8")
        assert f'<header class="site-header"{marks}>' in text, page
        assert f'<footer class="site-footer"{marks}>' in text, page


def test_right_to_left_site_language(make_site: Callable[..., Path],
                                     build_site: Callable[..., Path]) -> None:
    output = build_site(make_site({"bulletin.yaml": "title: نشرة\nlanguage: ar\n",
                                   "content/pages/about.md": None}), **WEB)
    for page in ("index.html", "archive/index.html", "tags/index.html"):
        assert _html_tag(output / page) == '<html lang="ar" dir="rtl">'


# --- scale and limits -------------------------------------------------------------------------

PEAK_RSS = """
import json, resource, sys
from pathlib import Path
from bulletin_gen.build import BuildOptions, build
report = build(Path(sys.argv[1]), BuildOptions(pdf=False, email=False))
# VmHWM is this program's own peak; ru_maxrss keeps that of the process it was forked from
# (pytest, which may be larger than the build) across exec.
status = Path("/proc/self/status")
peak = [int(line.split()[1]) for line in status.read_text().splitlines()
        if line.startswith("VmHWM:")] if status.exists() else []
print(json.dumps({"files": report.files, "peak_mb": (peak[0] if peak else
                  resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024}))
"""


def _peak_rss(site: Path) -> dict[str, float]:
    result = subprocess.run([sys.executable, "-c", PEAK_RSS, str(site)], capture_output=True,
                            text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _long_body(chars: int) -> str:
    paragraph = ("Partners met in **Khujand** to review the year. "
                 + "Plain words of an ordinary report follow, sentence after sentence. " * 12
                 + "\n\n")
    return "## Part one\n\n" + paragraph * (chars // len(paragraph))


def test_item_at_the_size_limit_builds_in_bounded_memory(make_site: Callable[..., Path]) -> None:
    body = _long_body(MAX_TEXT_CHARS - 1000)
    site = make_site({LEAD: "---\ntitle: Long report\n---\n" + body})
    measured = _peak_rss(site)
    # Measured at about 45 MB for the web pages (55 MB with the email edition, 140 MB with
    # the print edition too); a 10 MB item took 222 MB.
    assert measured["peak_mb"] < 100, measured
    output = site / "output/issues/2026-01-winter/lead/index.html"
    assert output.stat().st_size > MAX_TEXT_CHARS * 0.9


def test_ten_megabyte_item_is_refused_with_file_and_line(refused: Callable[..., Any]) -> None:
    # It once built in 222 MB without the print edition and 1.4 GB with it.
    text = "---\ntitle: Long report\n---\n" + _long_body(10 * 2**20)
    problem = refused({LEAD: text}, LEAD, 4, f"over the limit of {MAX_TEXT_CHARS:,} (about")
    assert problem.hint == "split it into several items"


def test_brief_over_the_size_limit_is_refused(refused: Callable[..., Any]) -> None:
    body = "x " * (MAX_TEXT_CHARS // 2 + 1)
    refused({"content/issues/2026-01-winter/02-briefs.yaml":
             f"title: T\nkind: briefs\nitems:\n  - body: {body}\n"},
            "content/issues/2026-01-winter/02-briefs.yaml", 4, "characters, over the limit of")


def test_issue_of_five_thousand_briefs_builds_in_bounded_memory(
        make_site: Callable[..., Path]) -> None:
    lines = ["title: Briefs", "kind: briefs", "items:"]
    for number in range(5000):
        lines += [f"  - headline: Brief {number}", f"    regions: [Region {number % 50}]",
                  f"    tags: [tag {number % 20}]",
                  f"    body: Brief {number} about **Place {number}** and its people."]
    site = make_site({"content/issues/2026-01-winter/02-briefs.yaml": "\n".join(lines) + "\n"})
    measured = _peak_rss(site)
    assert measured["peak_mb"] < 400, measured  # measured at about 75 MB
    issue = (site / "output/issues/2026-01-winter/index.html").read_text(encoding="utf-8")
    assert issue.count('<li class="brief"') == 5000 and "Place 4999" in issue


@pytest.mark.parametrize("body", [
    "<div>" * 10000 + "deep html" + "</div>" * 10000,
    "*" * 10000 + "deep emphasis" + "*" * 10000,
    "[" * 10000 + "deep brackets" + "]" * 10000,
    "".join("  " * depth + f"- level {depth}\n" for depth in range(19)),
    ">" * 39 + " deep quote",
])
def test_deeply_nested_markdown_renders(make_site: Callable[..., Path],
                                        build_site: Callable[..., Path], body: str) -> None:
    output = build_site(make_site({LEAD: "---\ntitle: Deep\n---\n" + body + "\n"}), **WEB)
    page = (output / "issues/2026-01-winter/lead/index.html").read_text(encoding="utf-8")
    assert "deep" in page or "level 18" in page


@pytest.mark.parametrize(("body", "line"), [
    (">" * 10000 + " deep quote", 6),
    ("- " * 10000 + "deep list", 6),
    ("".join("  " * depth + "- level\n" for depth in range(600)), 25),  # 360,000 characters
    ("> - " * 5000 + "mixed", 6),
    ("Intro.\n\n" + ">" * 40 + " one too deep", 8),
])
def test_too_deeply_nested_markdown_is_a_content_error(refused: Callable[..., Any], body: str,
                                                       line: int) -> None:
    """markdown-it would silently drop text nested deeper than its limit: say so instead."""
    refused({LEAD: "---\ntitle: Deep\n---\nFirst paragraph.\n\n" + body + "\n"}, LEAD, line,
            "quotes or lists nested too deeply here")


def test_recursion_in_the_renderer_is_a_content_error(refused: Callable[..., Any],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def overflow(*_: object, **__: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    refused({}, LEAD, 8, "the Markdown is nested too deeply to render", setup=lambda _: (
        monkeypatch.setattr(MarkdownRenderer, "render", _raising_render(overflow))),
        clean=True)  # not the cached fragment of the first build


def _raising_render(overflow: Callable[..., object]) -> Callable[..., Any]:
    """MarkdownRenderer.render with the parser replaced by `overflow` for the lead item only."""
    real = MarkdownRenderer.render

    def render(self, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "lead** story" not in text:
            return real(self, text, *args, **kwargs)
        parse = self.md.parse
        self.md.parse = overflow
        try:
            return real(self, text, *args, **kwargs)
        finally:
            self.md.parse = parse

    return render


def test_content_error_is_a_clear_message_on_the_command_line(make_site: Callable[..., Path],
                                                              runner: CliRunner) -> None:
    from bulletin_gen.cli import main

    site = make_site({LEAD: b"---\ntitle: Lead\n---\n\xff\xfe broken\n"})
    result = runner.invoke(main, ["build", str(site)])
    assert result.exit_code == 1
    said = f"{LEAD}:4: error: not valid UTF-8 text (save the file with UTF-8 encoding)"
    assert said in result.output
    assert "Traceback" not in result.output


def test_errors_are_collected_across_files(make_site: Callable[..., Path]) -> None:
    site = make_site({
        LEAD: b"---\ntitle: Lead\n---\n\xff\n",
        "content/issues/2026-01-winter/02-briefs.yaml": "title: T\nitems: &a [*a]\n",
        "content/pages/about.md": textwrap.dedent("""\
            ---
            title: About
            ---
            [gone](../../../../../outside.md)
            """),
    })
    with pytest.raises(ContentError) as caught:
        build(site, BuildOptions(**WEB))
    where = {(p.location.path, p.location.line) for p in caught.value.problems}
    assert {(LEAD, 4), ("content/issues/2026-01-winter/02-briefs.yaml", 2),
            ("content/pages/about.md", 4)} <= where


def test_no_style_sets_a_left_or_right_edge() -> None:
    """The skip link hides 999px off its starting edge; set as `left`, an rtl page opened
    scrolled into that empty strip (seen in Chromium: a blank page). The theme places things
    by logical properties (inline-start, text-align: start), which mirror by themselves."""
    from bulletin_gen.templates import THEME_STATIC

    css = re.sub(r"/\*.*?\*/", "", (THEME_STATIC / "style.css").read_text(encoding="utf-8"),
                 flags=re.DOTALL)
    rules = [(selector.strip(), body)
             for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)]
    sided = [selector for selector, body in rules
             if re.search(r"(^|[;\s])(left|right|(margin|padding|border)-(left|right)(-\w+)?)"
                          r"\s*:", body)
             and not re.search(r"margin-left:\s*auto;\s*margin-right:\s*auto", body)]
    assert sided == []
    assert "inset-inline-start: -999px" in css


@pytest.mark.parametrize("content", [
    b"---\ntitle: Lead\n---\n\xff\n",  # not UTF-8
    b"---\ntitle: [unclosed\n---\nBody.\n",  # YAML syntax
    b"---\n- a list\n---\nBody.\n",  # not a mapping
])
def test_an_unreadable_file_is_one_problem_not_a_cascade(make_site: Callable[..., Path],
                                                         content: bytes) -> None:
    site = make_site({LEAD: content, "content/issues/2026-01-winter/02-briefs.yaml":
                      b"title: T\nitems: &a [*a]\n"})
    with pytest.raises(ContentError) as caught:
        build(site, BuildOptions(**WEB))
    assert [p.location.path for p in caught.value.problems] == sorted(
        [LEAD, "content/issues/2026-01-winter/02-briefs.yaml"])
