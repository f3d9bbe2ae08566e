"""The demo site as checkers of standards see it: the Nu Html Checker (valid HTML) and axe-core
in headless Chromium (WCAG 2.1 A and AA, and axe's best practices, with light and dark colour
schemes) find nothing on its pages.

Both tools come from the npm registry (`make test` installs them into .cache/node); the Nu
checker runs on Java. Without them these tests are skipped, except on CI."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, Built, require_tool

NODE_MODULES = REPO / ".cache" / "node" / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# A short run: the quick compiler alone does it in half the processor time of the default
# two. Its larger stack frames need a larger stack than the checker's minimum of 512k.
JAVA_OPTIONS = ["-XX:+IgnoreUnrecognizedVMOptions", "-XX:TieredStopAtLevel=1", "-Xss16m"]
# One page of each template, the round table and the briefs among them.
PAGES = ["index.html", "archive/index.html", "issues/2025-11-forum/index.html",
         "issues/2025-11-forum/water-roundtable/index.html",
         "issues/2025-11-forum/cochabamba-first-months/index.html",
         "issues/2025-07-summer/briefs/index.html", "tags/index.html", "tags/water/index.html",
         "regions/hungary/index.html", "pages/about/index.html", "search/index.html", "404.html"]


def node_tool(path: Path) -> Path:
    if path.is_file():
        return path
    if os.environ.get("BULLETIN_REQUIRE_TOOLS"):
        pytest.fail(f"{path.name} is required on CI but is not installed (make test installs it)")
    pytest.skip(f"{path.name} is not installed (make test installs it with npm)")


@pytest.fixture(scope="module")
def demo_output(demo_built: Built) -> Path:
    return demo_built.output


def test_the_nu_html_checker_finds_nothing(demo_output: Path) -> None:
    java = require_tool("java")
    pages = sorted(str(path) for path in demo_output.rglob("*.html") if path.name != "email.html")
    run = subprocess.run([java, *JAVA_OPTIONS, "-jar", str(node_tool(VNU)), "--format", "json",
                          *pages],
                         capture_output=True, text=True, check=False)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    assert [(m.get("url", "").split(str(demo_output))[-1], m.get("lastLine"), m["message"])
            for m in messages] == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing(demo_output: Path, browser: Any, scheme: str) -> None:
    """In the reader's light and dark colour scheme alike (the theme's dark paper follows the
    system's choice): contrast is checked in both."""
    axe = node_tool(AXE).read_text(encoding="utf-8")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "features": [{"name": "prefers-color-scheme", "value": scheme}]})
    found = {}
    for page in PAGES:
        browser.get((demo_output / page).as_uri())
        browser.execute_script(axe)
        violations = browser.execute_async_script("""
            const [tags, done] = arguments;
            axe.run(document, {runOnly: {type: "tag", values: tags}}).then((result) => done(
              result.violations.map((v) => [v.id, v.nodes.map((n) => n.target.join(" "))])));
        """, AXE_TAGS)
        if violations:
            found[page] = violations
    assert found == {}
