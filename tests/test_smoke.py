"""The smallest end-to-end check: the minimal site and the demo site build."""

from collections.abc import Callable
from pathlib import Path

from conftest import Built


def test_minimal_site_builds(make_site: Callable[..., Path],
                             build_site: Callable[..., Path]) -> None:
    output = build_site(make_site())
    assert (output / "index.html").is_file()
    assert (output / "issues/2026-01-winter/lead/index.html").is_file()


def test_demo_site_builds(demo_built: Built) -> None:
    assert (demo_built.output / "archive/index.html").is_file()


def test_skip_messages_name_the_debian_package_the_readme_and_ci_install() -> None:
    from conftest import REPO, TOOL_PACKAGES, tool_missing

    assert tool_missing("chromedriver") == ("chromedriver is not installed "
                                            "(apt-get install chromium-driver)")
    assert tool_missing("chromium") == "chromium is not installed (apt-get install chromium)"
    readme = (REPO / "README.md").read_text("utf-8")
    ci = (REPO / ".ci/run").read_text("utf-8")
    for tool, package in TOOL_PACKAGES.items():
        assert f" {package}" in readme and f" {package}" in ci
        assert f"`{tool}`" in readme or tool.startswith("pdf")
