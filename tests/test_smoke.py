"""The smallest end-to-end check: the minimal site and the demo site build."""

from pathlib import Path


def test_minimal_site_builds(make_site, build_site) -> None:
    output = build_site(make_site())
    assert (output / "index.html").is_file()
    assert (output / "issues/2026-01-winter/lead/index.html").is_file()


def test_demo_site_builds(demo_site: Path, build_site) -> None:
    output = build_site(demo_site)
    assert (output / "archive/index.html").is_file()
