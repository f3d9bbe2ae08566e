"""Broken links in real archives: an error by default, warnings with `links: {missing:
warning}`, and hints for the mistakes old issues are full of (`www.` without https://)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINIMAL_SITE

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
