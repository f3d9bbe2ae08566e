"""The built-in theme's stylesheet: readable contrast, small screens, printing; no scripts."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Built, html_pages, parse_html

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.templates import THEME_STATIC

CSS = (THEME_STATIC / "style.css").read_text(encoding="utf-8")
SCREEN_CSS = CSS.split("@media print")[0]
VARIABLES = dict(re.findall(r"(--[\w-]+):\s*([^;]+);", CSS.split("}")[0]))
HEX = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")


def resolve(value: str) -> str:
    """A value with its variables (of the light :root) put in, through variables of variables."""
    value = value.strip()
    match = re.fullmatch(r"var\((--[\w-]+)\)", value)
    return resolve(VARIABLES[match.group(1)]) if match else value


def luminance(colour: str) -> float:
    hex_digits = colour.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(c * 2 for c in hex_digits)
    channels = [int(hex_digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, two: str) -> float:
    """The WCAG 2 contrast ratio of two colours."""
    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rules(css: str) -> list[dict[str, str]]:
    """Every rule's declarations, property -> resolved value (nested @media flattened)."""
    found = []
    for body in re.findall(r"\{([^{}]*)\}", css):
        declarations = dict(re.findall(r"([\w-]+)\s*:\s*([^;]+)", body))
        found.append({prop: resolve(value) for prop, value in declarations.items()})
    return found


LIGHT_BACKGROUNDS = sorted({rule["background"] for rule in rules(SCREEN_CSS)
                            if HEX.fullmatch(rule.get("background", ""))
                            and luminance(rule["background"]) > 0.5})
TEXT_ON_LIGHT = sorted({rule["color"] for rule in rules(SCREEN_CSS)
                        if HEX.fullmatch(rule.get("color", ""))
                        and luminance(rule["color"]) < 0.5})


def test_the_stylesheet_was_understood() -> None:
    assert len(LIGHT_BACKGROUNDS) >= 3 and len(TEXT_ON_LIGHT) >= 4


@pytest.mark.parametrize("background", LIGHT_BACKGROUNDS)
@pytest.mark.parametrize("text", TEXT_ON_LIGHT)
def test_every_text_colour_is_readable_on_every_light_background(text: str,
                                                                 background: str) -> None:
    assert contrast(text, background) >= 4.5


def test_light_text_on_coloured_backgrounds_is_readable() -> None:
    pairs = [(rule["color"], rule["background"]) for rule in rules(SCREEN_CSS)
             if HEX.fullmatch(rule.get("color", "")) and HEX.fullmatch(rule.get("background", ""))
             and luminance(rule["color"]) > 0.5]
    assert pairs
    for text, background in pairs:
        assert contrast(text, background) >= 4.5, (text, background)


def test_small_screens_and_print_have_their_own_rules() -> None:
    assert re.search(r"@media \(max-width: [\d.]+rem\)", CSS)
    printed = CSS.split("@media print")[1]
    for hidden in (".site-header", ".site-footer", ".pager", ".skip-link"):
        assert hidden in printed.split("display: none")[0]


def test_pages_need_no_javascript_and_fit_small_screens(full_built: Built) -> None:
    output = full_built.output
    for path in html_pages(output):
        root = parse_html(path)
        if path != output / "search/index.html":  # search runs in the browser (test_search.py)
            assert not list(root.iter("script")), path
        viewport = root.find(".//meta[@name='viewport']")
        assert viewport is not None and "width=device-width" in viewport.get("content", "")


def test_a_long_code_block_scrolls_in_one_box_on_a_phone(make_site: Callable[..., Path],
                                                         browser: Any) -> None:
    site = make_site({"content/issues/2026-01-winter/03-code.md":
                      "---\ntitle: Code\n---\n```\nsettings = " + "word " * 60 + "\nnext\n```\n"})
    output = build(site, BuildOptions(jobs=1, pdf=False, email=False)).output
    browser.set_window_size(390, 800)
    browser.get((output / "issues/2026-01-winter/code/index.html").as_uri())
    width = browser.execute_script("return document.documentElement.clientWidth")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width
    style = "return getComputedStyle(document.querySelector(arguments[0]))[arguments[1]]"
    assert browser.execute_script(style, ".prose pre", "overflowX") == "auto"
    # The block is one tinted box; the lines inside it are not tinted one by one.
    assert browser.execute_script(style, ".prose pre code", "backgroundColor") == \
        "rgba(0, 0, 0, 0)"


def test_the_sites_colours_reach_every_edition(make_site: Callable[..., Path]) -> None:
    """`colours:` in bulletin.yaml: the web pages and the print edition set the theme's
    variables; the email, whose clients read no variables, has them (and their pale shades)
    written into its styles."""
    from conftest import MINIMAL_SITE, SETTINGS

    from bulletin_gen.editions.pdf import PRINT_TEMPLATE
    from bulletin_gen.pipeline import load_site, site_environment
    from bulletin_gen.render import PagePlan, render_page

    site_dir = make_site({"bulletin.yaml": SETTINGS + 'colours: {accent: "#2f5d3a"}\n'})
    output = build(site_dir, BuildOptions(jobs=1, pdf=False)).output
    style = ":root { --accent: #2f5d3a; --highlight: #8a3b12; }"
    for page in ("index.html", "issues/2026-01-winter/lead/index.html"):
        root = parse_html(output / page)
        assert [element.text for element in root.iter("style")] == [style]
        # A phone's browser draws its own bar in the header's colour.
        assert [meta.get("content") for meta in root.iter("meta")
                if meta.get("name") == "theme-color"] == ["#2f5d3a"]
    site, _ = load_site(site_dir)
    plan = PagePlan("print.html", site.issues[0].url, PRINT_TEMPLATE, {"issue": site.issues[0]})
    assert style in render_page(site_environment(site_dir, site), site, plan).data.decode()
    email = parse_html(output / "issues/2026-01-winter/email.html")
    masthead = next(element for element in email.iter("td")
                    if "masthead" in (element.get("class") or "").split())
    assert "background-color: #2f5d3a" in masthead.get("style", "")
    assert "#0b5c7a" not in (output / "issues/2026-01-winter/email.html").read_text("utf-8")
    # The theme's own colours leave the pages without a <style>.
    plain = build(make_site(MINIMAL_SITE, name="plain"), BuildOptions(jobs=1, pdf=False)).output
    assert not list(parse_html(plain / "index.html").iter("style"))
