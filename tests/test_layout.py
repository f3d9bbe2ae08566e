"""The built-in theme as headless Chromium lays out the demo site: the boxes of the site header
at a desktop and a phone width."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import MINIMAL_SITE, Built
from PIL import Image
from test_pagination import PAGED_SITE

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
def demo_output(demo_built: Built) -> Path:
    return demo_built.output


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


def test_a_longer_menu_keeps_the_search_box_on_its_line(module_browser: Any,
                                                        demo_output: Path) -> None:
    """The Spanish menu is longer than the English: the search box gives up room on the line
    (its input no narrower than 6rem) rather than move to a line of its own."""
    boxes = header_boxes(module_browser, demo_output / "es/index.html", 1280)
    assert same_line(boxes["title"], boxes["search"]), boxes
    width = module_browser.execute_script(
        "return document.querySelector('.site-search input').getBoundingClientRect().width")
    assert width >= 6 * 16, width


@pytest.mark.parametrize("page", PAGES)
def test_the_header_stacks_within_a_phone_width(module_browser: Any, demo_output: Path,
                                                page: str) -> None:
    boxes = header_boxes(module_browser, demo_output / page, 390)
    assert boxes["page"]["width"] <= 390
    assert boxes["title"]["bottom"] <= boxes["nav"]["top"] + 1 < boxes["search"]["top"]
    for name in ("title", "nav", "search"):
        assert boxes[name]["left"] >= 0 and boxes[name]["right"] <= 390, (name, boxes)
    # the search box spans the screen, less the bar's padding (1.25rem each side)
    assert boxes["search"]["width"] >= boxes["page"]["width"] - 2 * 20 - 1, boxes
    # the tagline gives way on a phone: the bar is the title, the menu and the search box
    assert boxes["header"]["height"] < 170, boxes


def test_an_issues_introduction_keeps_the_reading_width_of_its_items(module_browser: Any,
                                                                     demo_output: Path) -> None:
    """It ran 888 px wide at 1280, some 110 characters a line, beside 672 px items."""
    module_browser.set_window_size(1280, 900)
    module_browser.get((demo_output / "issues/2026-03-spring/index.html").as_uri())
    intro, item = module_browser.execute_script("""
        const box = selector => document.querySelector(selector).getBoundingClientRect();
        const [a, b] = [box('.intro'), box('.item')];
        return [[a.left, a.width], [b.left, b.width]];""")
    assert intro == item, (intro, item)


def test_a_short_page_keeps_its_footer_at_the_bottom_of_the_window(module_browser: Any,
                                                                   demo_output: Path) -> None:
    module_browser.set_window_size(1280, 1200)
    module_browser.get((demo_output / "regions/index.html").as_uri())
    bottom, height = module_browser.execute_script("""
        return [document.querySelector('.site-footer').getBoundingClientRect().bottom,
                innerHeight];""")
    assert abs(bottom - height) <= 1, (bottom, height)


def test_a_tables_headings_do_not_break_words_on_a_phone(module_browser: Any,
                                                         demo_output: Path) -> None:
    module_browser.set_window_size(390, 900)
    module_browser.get((demo_output / "issues/2025-11-forum/cochabamba-first-months/"
                        "index.html").as_uri())
    lines = module_browser.execute_script("""
        return [...document.querySelectorAll('.prose th')].map(th => {
          const range = document.createRange(); range.selectNodeContents(th);
          return [th.textContent.trim(), new Set([...range.getClientRects()].map(
            rect => Math.round(rect.top))).size];
        });""")
    # one word, one line ('Recei / ved' before); two words may take two
    assert ["Received", 1] in lines, lines
    assert all(count <= len(text.split()) for text, count in lines), lines
    assert module_browser.execute_script("return document.documentElement.scrollWidth") <= 390


# A long title with a logo beside a long menu: the header must find room for the whole title
# (by moving the menu or the search box to a line of their own, or by wrapping the title).
LONG_HEADER = {
    "bulletin.yaml": MINIMAL_SITE["bulletin.yaml"].replace(
        "title: Test Bulletin", "title: Boletín de la Red Interregional de Mediación Comunitaria"
    ).replace("nav: [about]", "nav: [about, contributors]").rstrip(" ") + """\
        logo: mark.svg
        subscribe_url: https://example.org/subscribe
        """,
    "static/mark.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"/>',
    "content/pages/about.md": "---\ntitle: Quiénes somos y qué hacemos\n---\nAbout.\n",
    "content/pages/contributors.md": "---\ntitle: Colaboradores\n---\nThem.\n",
}
WIDTHS = [320, 390, 800, 1024, 1280, 1600]


def title_clipping(browser: Any, page: Path, width: int) -> dict[str, Any]:
    """How the site title's text sits at `width` px: its box, the title link's scroll and client
    widths, the boxes of the viewport and of every ancestor that clips its overflow, and the
    page's scroll and client widths."""
    browser.set_window_size(width, 900)
    browser.get(page.as_uri())
    return dict(browser.execute_script("""
        const title = document.querySelector('.site-title');
        const range = document.createRange();
        range.selectNodeContents(title);
        const clips = [{width: innerWidth, left: 0, right: innerWidth, top: 0, bottom: 1e9}];
        for (let el = title.parentElement; el; el = el.parentElement) {
            const style = getComputedStyle(el);
            if (style.overflowX !== 'visible' || style.overflowY !== 'visible')
                clips.push(el.getBoundingClientRect().toJSON());
        }
        return {text: range.getBoundingClientRect().toJSON(), clips: clips,
                scroll: title.scrollWidth, client: title.clientWidth,
                page: [document.documentElement.scrollWidth, document.documentElement.clientWidth]};
    """))


def text_is_whole(found: dict[str, Any]) -> bool:
    """The text's box lies inside every clipping box, the link does not overflow itself, and
    nothing of the header widens the page beyond the screen."""
    text = found["text"]
    inside = all(clip["left"] <= text["left"] + 0.5 and text["right"] <= clip["right"] + 0.5
                 and clip["top"] <= text["top"] + 0.5 and text["bottom"] <= clip["bottom"] + 0.5
                 for clip in found["clips"])
    page_width, screen_width = found["page"]
    return inside and found["scroll"] <= found["client"] and page_width <= screen_width


def test_a_long_title_beside_a_long_menu_is_never_clipped(
        module_browser: Any, make_site: Callable[..., Path]) -> None:
    output = build(make_site(LONG_HEADER), BuildOptions(pdf=False, email=False, jobs=1)).output
    for page in ("archive/index.html", "issues/2026-01-winter/index.html"):
        for width in WIDTHS:
            found = title_clipping(module_browser, output / page, width)
            assert text_is_whole(found), (page, width, found)


@pytest.mark.parametrize("language", ["", "es/", "fr/"])
def test_the_demo_title_shows_whole_in_every_language(module_browser: Any, demo_output: Path,
                                                      language: str) -> None:
    page = demo_output / language / "issues/2025-07-summer/index.html"  # one header on all
    for width in WIDTHS:
        found = title_clipping(module_browser, page, width)
        assert text_is_whole(found), (language, width, found)


def test_the_issue_contact_and_pager_keep_to_the_text_column(module_browser: Any,
                                                             demo_output: Path) -> None:
    """The boxes after an issue's last item (its contact, the previous and next issue) share
    the edges of the text above them, not those of the wider page."""
    module_browser.set_window_size(1280, 900)
    module_browser.get((demo_output / "issues/2025-11-forum/index.html").as_uri())
    edges = module_browser.execute_script("""
        const edges = (element) => {
            const box = element.getBoundingClientRect();
            return [Math.round(box.left), Math.round(box.right)];
        };
        const items = document.querySelectorAll('.item');
        return {text: edges(items[items.length - 1]),
                contact: edges(document.querySelector('main > .contact, .issue > .contact')),
                pager: edges(document.querySelector('.pager'))};""")
    assert edges["contact"] == edges["text"] == edges["pager"], edges


@pytest.mark.parametrize("page", ["tags/mediation/index.html", "archive/index.html",
                                  "index.html"])
def test_summaries_in_lists_keep_to_the_measure(module_browser: Any, demo_output: Path,
                                                page: str) -> None:
    """Lines of a summary or excerpt as long as the issue's text (42rem), not the page's."""
    module_browser.set_window_size(1280, 900)
    module_browser.get((demo_output / page).as_uri())
    widths = module_browser.execute_script("""
        return [...document.querySelectorAll('.issue-card > p:not(.byline), .entries .excerpt')]
            .map((element) => element.getBoundingClientRect().width);""")
    assert widths and max(widths) <= 42 * 16 + 0.5, widths


# Words and addresses longer than a phone's line, in every part of the theme that shows a title,
# a tag, a summary or an item's text: the contents, the lists of entries and of tags, the
# pagers. One entry a page, so that a tag's list has pages and its pagination shows. The last
# titles' word is wider than a phone in any font, so that the item pages' pager is tried
# whatever the font.
LONG_WORDS_ITEM = """\
    ---
    title: {title}
    tags: [{tag}]
    summary: Read it at https://example.org/reports/AnnualReport_MeridianNetwork_2025_EN_final.pdf
    ---
    The report: https://example.org/reports/AnnualReport_MeridianNetwork_2025_EN_final.pdf
    """
LONG_WORDS = {
    "bulletin.yaml": MINIMAL_SITE["bulletin.yaml"] + "        per_page: 1\n",
    "content/issues/2026-01-winter/03-budget.md": LONG_WORDS_ITEM.format(
        title="Das Bürgerhaushaltsbeteiligungsverfahren in Pécs",
        tag="Bürgerhaushaltsbeteiligungsverfahren"),
    "content/issues/2026-01-winter/04-land.md": LONG_WORDS_ITEM.format(
        title="Die Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnung",
        tag="Bürgerhaushaltsbeteiligungsverfahren"),
    "content/issues/2026-01-winter/05-more.md": LONG_WORDS_ITEM.format(
        title="Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnungen",
        tag="Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnung"),
}


def text_beyond_the_screen(browser: Any, page: Path, width: int) -> dict[str, Any]:
    """The page's scroll and client widths at `width` px, and every text seen on it (not the
    skip link, which waits off screen) that reaches past the screen's edges."""
    browser.set_window_size(width, 900)
    browser.get(page.as_uri())
    return dict(browser.execute_script("""
        const width = document.documentElement.clientWidth;
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        const beyond = [];
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const element = node.parentElement;
            if (!node.textContent.trim() || element.closest('.skip-link, .visually-hidden'))
                continue;
            const range = document.createRange();
            range.selectNodeContents(node);
            const rects = [...range.getClientRects()].filter((rect) => rect.width > 0);
            if (rects.some((rect) => rect.left < -0.5 || rect.right > width + 0.5))
                beyond.push(element.tagName + '.' + element.className + ': ' + node.textContent);
        }
        return {scroll: document.documentElement.scrollWidth, client: width, beyond: beyond};
    """))


def test_long_words_and_addresses_wrap_on_a_phone(module_browser: Any,
                                                  make_site: Callable[..., Path]) -> None:
    """No page scrolls sideways at 375 px, nor shows a word cut off at the screen's edge."""
    output = build(make_site(LONG_WORDS), BuildOptions(pdf=False, email=False, jobs=1)).output
    pages = [path for path in sorted(output.rglob("*.html")) if "pagefind" not in path.parts]
    tag_pages = "tags/burgerhaushaltsbeteiligungsverfahren/"
    for shown in ("index.html", "issues/2026-01-winter/index.html", "tags/index.html",
                  tag_pages + "index.html", tag_pages + "page/2/index.html",
                  "issues/2026-01-winter/budget/index.html"):
        assert output / shown in pages, shown
    wide = {}
    for page in pages:
        found = text_beyond_the_screen(module_browser, page, 375)
        if found["scroll"] > found["client"] or found["beyond"]:
            wide[page.relative_to(output).as_posix()] = found
    assert not wide, wide


def arrows_seen(browser: Any, page: Path) -> dict[str, tuple[str, str]]:
    """Each pagination link's arrow, by the link's class: on which side of the link it stands
    and which way it points, each 'left' or 'right', as the browser draws it (an arrow
    character may be drawn mirrored in a right-to-left text, so its shape is looked at)."""
    browser.set_window_size(1280, 900)
    browser.get(page.as_uri())
    boxes = browser.execute_script("""
        const pagination = document.querySelector('.pagination');
        pagination.style.fontSize = '64px';  // shapes big enough to tell apart
        pagination.scrollIntoView();  // into the screenshot
        return [...document.querySelectorAll('.pagination a')].map((link) => {
            const walker = document.createTreeWalker(link, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.textContent.search(/[\\u00ab\\u00bb\\u2039\\u203a]/);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + 1);
                return [link.className, range.getBoundingClientRect().toJSON(),
                        link.getBoundingClientRect().toJSON()];
            }
            return [link.className, null, null];
        });""")
    shot = Image.open(io.BytesIO(browser.get_screenshot_as_png())).convert("L")
    seen = {}
    for name, arrow, link in boxes:
        assert arrow is not None, f"{name} has no arrow"
        side = "right" if arrow["left"] + arrow["right"] > link["left"] + link["right"] else "left"
        glyph = shot.crop((round(arrow["left"]), round(arrow["top"]), round(arrow["right"]),
                           round(arrow["bottom"])))
        seen[name] = (side, pointing(glyph))
    return seen


def pointing(glyph: Image.Image) -> str:
    """'right' for a chevron drawn as > or », 'left' for < or «: its ink at mid-height lies
    further that way than its ink at the top of the strokes."""
    ink = [(x, y) for y in range(glyph.height) for x in range(glyph.width)
           if glyph.getpixel((x, y)) < 160]  # type: ignore[operator]  # "L": one int a pixel
    assert ink, "no arrow drawn"
    top, bottom = min(y for _, y in ink), max(y for _, y in ink)
    third = (bottom - top + 1) / 3

    def mean_x(rows: Callable[[int], bool]) -> float:
        xs = [x for x, y in ink if rows(y)]
        return sum(xs) / len(xs)

    upper = mean_x(lambda y: y < top + third)
    middle = mean_x(lambda y: top + third <= y < top + 2 * third)
    return "right" if middle > upper else "left"


# English, Arabic, and Hebrew, a language written right to left whose words the theme has in
# English only: the arrows stand in text of the other direction.
@pytest.mark.parametrize(("language", "start", "end"), [
    ("en", "left", "right"), ("ar", "right", "left"), ("he", "right", "left")])
def test_the_pagination_arrows_point_outward(module_browser: Any, make_site: Callable[..., Path],
                                             language: str, start: str, end: str) -> None:
    """The first and the previous page's arrows stand at the start of their words and point to
    the page's start, the next and the last page's to its end: in Arabic, to the right and to
    the left. The template writes the left-to-right arrows in every language: they are mirrored
    characters, which a browser draws mirrored in right-to-left text. Arrows chosen for the
    page's direction (» for the first page in Arabic) were mirrored back, and pointed inwards."""
    config = PAGED_SITE["bulletin.yaml"].replace("per_page: 3", "per_page: 1")
    site = make_site({"bulletin.yaml": config + f"language: {language}\n"}, base=PAGED_SITE)
    output = build(site, BuildOptions(jobs=1)).output
    seen = arrows_seen(module_browser, output / "tags/water/page/4/index.html")
    assert seen == {"pagination-first": (start, start), "pagination-previous": (start, start),
                    "pagination-next": (end, end), "pagination-last": (end, end)}, seen


@pytest.mark.parametrize("marked", ["item", "issue"])
def test_the_theme_words_of_an_arabic_item_stand_at_its_side(
        module_browser: Any, make_site: Callable[..., Path], marked: str) -> None:
    """Marked left to right, its kind label and date stood at the left, its title at the right."""
    issue = "content/issues/2026-01-winter/"
    lang = "lang: ar\n"
    fields = MINIMAL_SITE[issue + "issue.yaml"].rstrip(" ") + "        " + lang
    site = make_site({
        issue + "01-lead.md": "---\ntitle: إعلان\nkind: notice\n"
                              f"{lang if marked == 'item' else ''}---\nورشة عمل في عمّان.\n",
        **({issue + "issue.yaml": fields} if marked == "issue" else {})})
    output = build(site, BuildOptions(pdf=False, email=False)).output
    module_browser.set_window_size(1280, 900)
    module_browser.get((output / "issues/2026-01-winter/lead/index.html").as_uri())
    label, title, date = module_browser.execute_script("""
        const right = selector => document.querySelector(selector).getBoundingClientRect().right;
        const text = selector => { const range = document.createRange();
            range.selectNodeContents(document.querySelector(selector));
            return range.getBoundingClientRect().right; };
        return [text('.kind-label'), right('h1'), text('.byline')];""")
    assert abs(label - title) < 2 and abs(date - title) < 2, (label, title, date)


def test_an_arabic_item_on_an_english_site_keeps_the_frame_and_lists_in_order(
        module_browser: Any, make_site: Callable[..., Path]) -> None:
    """The site's header stayed mirrored with an Arabic item's page; a list's Arabic title
    stood at the far side from its bullet, and a tag page's Arabic brief read left to right."""
    issue = "content/issues/2026-01-winter/"
    site = make_site({
        issue + "03-irbid.md": "---\ntitle: الوسطاء في إربد\nlang: ar\ntags: [water]\n"
                               "summary: عام على تخرج الدفعة الأولى.\n---\nنص.\n",
        "content/issues/2026-02-spring/issue.yaml": "title: February\ndate: 2026-02-15\n",
        "content/issues/2026-02-spring/01-briefs.yaml":
            "title: Briefs\nkind: briefs\nitems:\n  - tags: [water]\n"
            "    body: اجتمع ممثلو البلدية والمزارعون في إربد لمناقشة توزيع المياه.\n"})
    output = build(site, BuildOptions(pdf=False, email=False)).output
    module_browser.set_window_size(1280, 900)

    def boxes(page: str, script: str) -> Any:
        module_browser.get((output / page).as_uri())
        return module_browser.execute_script("""
            const text = element => { const range = document.createRange();
                range.selectNodeContents(element); return range.getBoundingClientRect(); };
            const find = selector => document.querySelector(selector);
            """ + script)

    header, footer = boxes("issues/2026-01-winter/irbid/index.html", """
        return [getComputedStyle(find('.site-header')).direction,
                getComputedStyle(find('.site-footer')).direction];""")
    assert (header, footer) == ("ltr", "ltr")
    # The home page lists the earlier issue's items by their bullets; the issue's contents
    # give the summary under its title, at the entry's side.
    card = boxes("index.html", """
        const link = [...document.querySelectorAll('.card-items a')].find(
            a => a.textContent.includes('إربد'));
        return text(link).left - link.closest('ul').getBoundingClientRect().left;""")
    title, summary = boxes("issues/2026-01-winter/index.html", """
        const entry = [...document.querySelectorAll('.toc li')].find(
            li => li.textContent.includes('إربد'));
        return [text(entry.querySelector('a')).left,
                text(entry.querySelector('.toc-summary')).left];""")
    assert card < 40 and abs(title - summary) < 2, (card, title, summary)
    direction, byline, excerpt = boxes("tags/water/index.html", """
        const entry = [...document.querySelectorAll('.entries li')].find(
            li => li.textContent.includes('المزارعون'));
        return [getComputedStyle(entry).direction, text(entry.querySelector('.byline')).right,
                text(entry.querySelector('.excerpt')).right];""")
    assert direction == "rtl" and abs(byline - excerpt) < 2, (direction, byline, excerpt)
