"""Broken links in real archives: an error by default, warnings with `links: {missing:
warning}`, and hints for the mistakes old issues are full of (`www.` without https://)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINIMAL_SITE, TINY_PNG

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.errors import ContentError

LEAD = "content/issues/2026-01-winter/01-lead.md"
ARCHIVE_LEAD = ("---\ntitle: Lead\n---\nFirst line.\n\nSee [the thread](REDDIT_LINK_HERE) "
                "and [our partner](www.example.net/report).\n")
WARNING = "links:\n  missing: warning\n"
OPTIONS = {"pdf": False, "email": False}


def test_a_broken_link_is_an_error_by_default_with_a_hint_for_www(
        make_site: Callable[..., Path]) -> None:
    site = make_site({LEAD: ARCHIVE_LEAD})
    with pytest.raises(ContentError) as caught:
        build(site, BuildOptions(**OPTIONS))  # type: ignore[arg-type]
    assert [str(p) for p in caught.value.problems] == [
        f"{LEAD}:6: link to a missing file: REDDIT_LINK_HERE (the path is relative to this "
        "file; check the name and folder)",
        f"{LEAD}:6: link to a missing file: www.example.net/report (did you mean "
        "https://www.example.net/report?)",
    ]
    assert not (site / "output").exists()


def test_links_missing_warning_publishes_and_lists_the_links(
        make_site: Callable[..., Path]) -> None:
    settings = textwrap.dedent(MINIMAL_SITE["bulletin.yaml"])
    site = make_site({LEAD: ARCHIVE_LEAD, "bulletin.yaml": settings + WARNING})
    report = build(site, BuildOptions(**OPTIONS))  # type: ignore[arg-type]
    assert [str(w) for w in report.warnings if "link" in w.message] == [
        f"{LEAD}:6: link to a missing file: REDDIT_LINK_HERE (the path is relative to this "
        "file; check the name and folder)",
        f"{LEAD}:6: link to a missing file: www.example.net/report (did you mean "
        "https://www.example.net/report?)",
    ]
    page = (report.output / "issues/2026-01-winter/lead/index.html").read_text()
    assert "the thread" in page
    # Back to the default: the same links fail the build again (nothing kept from the last).
    (site / "bulletin.yaml").write_text(
        (site / "bulletin.yaml").read_text().replace(WARNING, ""))
    with pytest.raises(ContentError):
        build(site, BuildOptions(**OPTIONS))  # type: ignore[arg-type]


def test_links_missing_takes_error_or_warning_only(make_site: Callable[..., Path]) -> None:
    settings = textwrap.dedent(MINIMAL_SITE["bulletin.yaml"])
    site = make_site({"bulletin.yaml": settings + "links: {missing: warn}\n"})
    with pytest.raises(ContentError) as caught:
        build(site, BuildOptions(**OPTIONS))  # type: ignore[arg-type]
    line = settings.count("\n") + 1
    assert [str(p) for p in caught.value.problems] == [
        f"bulletin.yaml:{line}: links.missing: unknown value 'warn' (did you mean warning?)"]


def problems_without_hints(site: Path) -> list[str]:
    """The problems that fail a build of `site`, each without its hint."""
    with pytest.raises(ContentError) as caught:
        build(site, BuildOptions(**OPTIONS))  # type: ignore[arg-type]
    return [str(problem).split(" (")[0] for problem in caught.value.problems]


def test_raw_html_links_and_pictures_lead_where_markdowns_would_from_every_page(
        make_site: Callable[..., Path]) -> None:
    """Written as the editor sees the files (`images/map.png`, `02-briefs.yaml`), a raw <img>
    or <a> led elsewhere from each page that showed it (the issue page, the item's, the
    email), and one that led nowhere was found by `bulletin check` alone."""
    body = ('---\ntitle: Lead\n---\n<figure>\n<img src="images/map.png" alt="The map">\n'
            '</figure>\n\nSee <a href="02-briefs.yaml">the news</a>.\n')
    site = make_site({LEAD: body, "content/issues/2026-01-winter/images/map.png": TINY_PNG})
    output = build(site, BuildOptions(**OPTIONS)).output  # type: ignore[arg-type]
    for page, root in (("issues/2026-01-winter/index.html", "../../"),
                       ("issues/2026-01-winter/lead/index.html", "../../../")):
        html = (output / page).read_text("utf-8")
        assert f'<img src="{root}issues/2026-01-winter/images/map.png" alt="The map"' in html
        assert f'<a href="{root}issues/2026-01-winter/briefs/">the news</a>' in html
    (site / LEAD).write_text(body.replace("map.png", "mapp.png").replace("02-", "03-"), "utf-8")
    assert problems_without_hints(site) == [
        f"{LEAD}:5: image to a missing file: images/mapp.png",
        f"{LEAD}:8: link to a missing file: 03-briefs.yaml"]


def test_raw_html_sources_of_pictures_and_videos_lead_where_their_files_are(
        make_site: Callable[..., Path]) -> None:
    """With `unsafe_html`, a picture's `srcset` (each of its candidates), a `<source>` and a
    video's `src` and `poster` are addresses too: left as written, the item's page, a level
    deeper than the issue's, showed a broken picture on a screen that took the 2x file."""
    settings = textwrap.dedent(MINIMAL_SITE["bulletin.yaml"]) + "unsafe_html: true\n"
    body = ('---\ntitle: Lead\n---\n<picture>\n<source srcset="images/map@2x.png 2x,\n'
            '  images/map.png 1x" type="image/png">\n'
            '<img src="images/map.png" srcset="images/map@2x.png 2x" alt="The map">\n'
            '</picture>\n\n<video src="images/clip.mp4" poster="images/map.png"></video>\n')
    folder = "content/issues/2026-01-winter/images/"
    site = make_site({"bulletin.yaml": settings, LEAD: body, f"{folder}map.png": TINY_PNG,
                      f"{folder}map@2x.png": TINY_PNG, f"{folder}clip.mp4": "not a film"})
    output = build(site, BuildOptions(**OPTIONS)).output  # type: ignore[arg-type]
    for page, root in (("issues/2026-01-winter/index.html", "../../"),
                       ("issues/2026-01-winter/lead/index.html", "../../../")):
        html = (output / page).read_text("utf-8")
        files = f"{root}issues/2026-01-winter/images/"
        assert f'<source srcset="{files}map@2x.png 2x, {files}map.png 1x"' in html
        assert f'srcset="{files}map@2x.png 2x"' in html
        assert f'<video src="{files}clip.mp4" poster="{files}map.png">' in html
    (site / LEAD).write_text(body.replace("map.png 1x", "mapp.png 1x")
                             .replace("clip.mp4", "clips.mp4"), "utf-8")
    assert problems_without_hints(site) == [
        f"{LEAD}:5: image to a missing file: images/mapp.png",
        f"{LEAD}:10: link to a missing file: images/clips.mp4"]


def test_without_unsafe_html_only_the_addresses_the_sanitiser_keeps_are_followed(
        make_site: Callable[..., Path]) -> None:
    """A srcset, a video and its poster are taken out of the page by the sanitiser: a file
    they name that is missing is no error."""
    body = ('---\ntitle: Lead\n---\n<img src="images/map.png" srcset="images/gone@2x.png 2x" '
            'alt="Map">\n\n<video src="gone.mp4" poster="gone.jpg"></video>\n')
    site = make_site({LEAD: body, "content/issues/2026-01-winter/images/map.png": TINY_PNG})
    output = build(site, BuildOptions(**OPTIONS)).output  # type: ignore[arg-type]
    html = (output / "issues/2026-01-winter/lead/index.html").read_text("utf-8")
    assert "gone" not in html and 'images/map.png"' in html
