"""The built-in theme as headless Chromium lays out the demo site: the boxes of the site header
at a desktop and a phone width."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import copy_demo

from bulletin_gen.build import BuildOptions, build

# A page with the tagline in its header (an item's) and one that leaves it to the masthead.
PAGES = ["issues/2025-11-forum/cochabamba-first-months/index.html", "index.html"]


def header_boxes(browser: Any, page: Path, width: int) -> dict[str, dict[str, float]]:
    """The bounding boxes of the header and of its title, menu and search box at `width` px."""
    browser.set_window_size(width, 900)
    browser.get(page.as_uri())
    assert browser.execute_script("return innerWidth") == width
    return dict(browser.execute_script("""
        const box = (selector) => document.querySelector(selector).getBoundingClientRect().toJSON();
        return {header: box('.site-header'), title: box('.site-title'), nav: box('.site-nav'),
                search: box('.site-search'), page: {width: document.documentElement.scrollWidth}};
    """))


def same_line(a: dict[str, float], b: dict[str, float]) -> bool:
    """Two boxes share a line when each one's vertical middle lies within the other."""
    return (a["top"] < (b["top"] + b["bottom"]) / 2 < a["bottom"]
            and b["top"] < (a["top"] + a["bottom"]) / 2 < b["bottom"])


@pytest.fixture(scope="module")
def demo_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = copy_demo(tmp_path_factory.mktemp("layout"))
    return build(site, BuildOptions(pdf=False, jobs=1)).output


@pytest.mark.parametrize("page", PAGES)
def test_the_header_is_one_line_at_a_desktop_width(module_browser: Any, demo_output: Path,
                                                   page: str) -> None:
    boxes = header_boxes(module_browser, demo_output / page, 1280)
    assert same_line(boxes["title"], boxes["search"]), boxes
    assert same_line(boxes["title"], boxes["nav"]), boxes
    # one line of the bar: its height is the search box's and the padding, not two lines
    assert boxes["header"]["height"] < 2 * boxes["search"]["height"] + 10, boxes
    tagline = module_browser.execute_script("""
        const tagline = document.querySelector('.site-tagline');
        if (!tagline) return null;
        const brand = tagline.parentElement.getBoundingClientRect();
        const box = tagline.getBoundingClientRect();
        return box.top >= brand.bottom || box.bottom <= brand.bottom;""")
    # a tagline is either whole on the title's line or wholly out of sight, never cut in half
    assert tagline in (None, True)


@pytest.mark.parametrize("page", PAGES)
def test_the_header_stacks_within_a_phone_width(module_browser: Any, demo_output: Path,
                                                page: str) -> None:
    boxes = header_boxes(module_browser, demo_output / page, 390)
    assert boxes["page"]["width"] <= 390
    assert boxes["title"]["bottom"] <= boxes["nav"]["top"] + 1 < boxes["search"]["top"]
    for name in ("title", "nav", "search"):
        assert boxes[name]["left"] >= 0 and boxes[name]["right"] <= 390, (name, boxes)
    # the tagline gives way on a phone: the bar is the title, the menu and the search box
    assert boxes["header"]["height"] < 170, boxes
