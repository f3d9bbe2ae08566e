"""Hostile raw HTML through every edition, with `unsafe_html: false`: hypothesis writes items of
real markup (tags in and outside the sanitiser's allowlist, event handlers, script URLs, quotes
that try to leave an attribute) and builds the site. In the web pages and the email HTML, read
by an HTML parser, no element outside nh3's allowlist appears beyond the theme's own and no
attribute outside it beyond what the theme (and css-inline's `style`) writes; no script URL.
The text that only a script, a style, a handler or a script URL held (MARK) is in no edition:
web page, email HTML, email text or the PDF's text."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import html5lib
import pytest
from conftest import MINIMAL_SITE, SETTINGS, write_files
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

pytest.importorskip("css_inline", reason="the email extra is not installed")
pytest.importorskip("weasyprint", reason="the pdf extra is not installed")
pypdf = pytest.importorskip("pypdf")

ITEM = "content/issues/2026-01-winter/03-fuzz.md"
WINTER = "issues/2026-01-winter/"
EDITIONS = (WINTER + "index.html", WINTER + "fuzz/index.html", WINTER + "email.html")
MARK = "zqxmark"  # only ever inside what the sanitiser must drop
SCRIPT_URLS = [f"javascript:{MARK}()", f"JaVaScRiPt:{MARK}()", f"java&#x09;script:{MARK}()",
               f" javascript:{MARK}()", f"&#106;avascript:{MARK}()", f"vbscript:{MARK}()",
               f"data:text/html,<script>{MARK}()</script>", f"data:image/svg+xml,{MARK}"]
# Values that try to leave the attribute; what stays of them is a harmless URL or text.
BREAKOUTS = ['x.png" onerror="alert(1)', "x.png&quot; onerror=&quot;alert(1)",
             '#"><script>alert(2)</script>', "#&quot;&gt;&lt;img src=x onerror=alert(3)&gt;",
             "p.html' onmouseover='alert(4)", "images/pic.png", "https://example.org/", "#1"]
# (A path to a file that is not there would be refused at load, as a Markdown link to one is.)
HANDLERS = ["onerror", "onclick", "onload", "onmouseover", "onfocus", "onanimationstart"]
URL_ATTRIBUTES = ["href", "src", "action", "formaction", "background", "poster", "xlink:href",
                  "srcdoc", "data"]
OTHER_ATTRIBUTES = ["class", "id", "title", "alt", "width", "colspan", "rel", "target", "name",
                    "http-equiv", "content", "data-x", "lang", "autofocus", "start"]
DROPPED_CONTENT = ["script", "style"]  # their text goes with them (nh3 clean_content_tags)
OUTSIDE = ["iframe", "object", "embed", "svg", "math", "form", "input", "button", "textarea",
           "base", "meta", "link", "frame", "template", "noscript", "video", "audio", "source",
           "title", "xmp", "marquee", "select", "option", "picture", "body", "font", "center"]
TAGS = sorted(ALLOWED_TAGS) + OUTSIDE


def _quoted(value: str) -> str:
    return f"'{value}'" if '"' in value else f'"{value}"'


attribute = st.one_of(
    st.tuples(st.sampled_from(HANDLERS), st.just(f"{MARK}()")),
    st.tuples(st.just("style"), st.sampled_from([f"color: red; background: url({MARK})",
                                                 f"text-align: center; x: {MARK}",
                                                 f"width: expression({MARK}())"])),
    st.tuples(st.sampled_from(URL_ATTRIBUTES), st.sampled_from(SCRIPT_URLS + BREAKOUTS)),
    st.tuples(st.sampled_from(OTHER_ATTRIBUTES), st.sampled_from(BREAKOUTS)),
).map(lambda pair: f" {pair[0]}={_quoted(pair[1])}")


# Elements whose content is text, not markup: a script written inside them is shown as text,
# harmless, so they hold plain words here; closed, or they would turn the rest into text too.
TEXT_ONLY = {"iframe", "xmp", "textarea", "title", "noscript", "noembed", "noframes"}


link = st.tuples(st.sampled_from(["href", "src"]), st.sampled_from(SCRIPT_URLS + BREAKOUTS)).map(
    lambda pair: f" {pair[0]}={_quoted(pair[1])}") | attribute


def _element(tag: str, attributes: list[str], inner: str, closed: bool) -> str:
    body = f"{MARK}()" if tag in DROPPED_CONTENT else "words" if tag in TEXT_ONLY else inner
    end = f"</{tag}>" if closed or tag in TEXT_ONLY else ""
    return f"<{tag}{''.join(attributes)}>{body}{end}"


fragment = st.recursive(
    st.sampled_from(["words of text", "Hélène & co", f"<!-- {MARK} -->",
                     "<![CDATA[x]]>", "</p>", "<br>", "\n\n"]),
    lambda inner: st.builds(_element, st.sampled_from(TAGS + DROPPED_CONTENT * 4),
                            st.lists(attribute, max_size=3),
                            st.lists(inner, max_size=3).map("".join), st.booleans())
    # Links and images, whose URLs the email edition rewrites, more often than the rest.
    | st.builds(_element, st.sampled_from(["a", "img"]), st.lists(link, min_size=1, max_size=3),
                st.lists(inner, max_size=2).map("".join), st.booleans()),
    max_leaves=12,
)
bodies = st.lists(fragment, min_size=1, max_size=6).map(lambda parts: "\n".join(parts))

# A build with a PDF takes a second: shrinking a failure would take minutes. The failing body
# is in the assertion's message instead.
NO_SHRINKING = (Phase.explicit, Phase.reuse, Phase.generate)
# The minimal site without its lead story and briefs: the issue holds the fuzzed item alone,
# which every edition still shows (issue page, item page, email, PDF); the other items made
# each build, most of all its PDF, twice as long and held nothing a check looks at.
BASE_FILES = {**{name: text for name, text in MINIMAL_SITE.items()
                 if not name.endswith(("/01-lead.md", "/02-briefs.yaml"))},
              "bulletin.yaml": SETTINGS.rstrip(" ")
              + "        email: {from: Test Bulletin <news@example.org>}\n"}


@contextmanager
def _site(body: str) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp())
    try:
        site = write_files(folder / "site", dict(BASE_FILES))
        write_files(site, {ITEM: "---\ntitle: Fuzz\n---\n" + body + "\n",
                           "content/issues/2026-01-winter/images/pic.png": b"\x89PNG\r\n\x1a\n"})
        yield build(site, BuildOptions(jobs=1)).output
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _elements(path: Path) -> list[tuple[str, dict[str, str]]]:
    tree = html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)
    found = []
    for element in tree.iter():
        if isinstance(element.tag, str):
            tag = element.tag.rpartition("}")[2]  # svg and math elements keep a namespace
            found.append((tag, {name.rpartition("}")[2]: value
                                for name, value in element.attrib.items()}))
    return found


def _signature(path: Path) -> tuple[Counter[str], dict[str, set[str]]]:
    """The elements outside the allowlist by count, and the attributes of every element."""
    tags: Counter[str] = Counter()
    attributes: dict[str, set[str]] = {}
    for tag, attrs in _elements(path):
        if tag not in ALLOWED_TAGS:
            tags[tag] += 1
        attributes.setdefault(tag, set()).update(attrs)
    return tags, attributes


@cache
def _theme_signatures() -> dict[str, tuple[Counter[str], dict[str, set[str]]]]:
    """What the theme writes around an item of plain text: allowed in every edition."""
    with _site("Plain words.") as output:
        return {name: _signature(output / name) for name in EDITIONS}


def _pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


@settings(max_examples=10, deadline=None, derandomize=True, phases=NO_SHRINKING,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(body=bodies)
def test_nothing_outside_the_allowlist_survives_in_any_edition(body: str) -> None:
    theme = _theme_signatures()
    with _site(body) as output:
        for name in EDITIONS:
            path = output / name
            tags, attributes = _signature(path)
            theme_tags, theme_attributes = theme[name]
            extra = {tag: count for tag, count in tags.items() if count > theme_tags[tag]}
            assert not extra, (name, extra, body)
            for tag, names in attributes.items():
                allowed = (ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"]
                           | theme_attributes.get(tag, set()))
                if name.endswith("email.html"):
                    allowed = allowed | {"style"}  # css-inline's, from the theme's rules
                assert names <= allowed, (name, tag, names - allowed, body)
            for _tag, attrs in _elements(path):
                for key in ("href", "src"):
                    url = "".join(attrs.get(key, "").split()).lower()
                    assert not url.startswith(("javascript:", "vbscript:", "data:")), (name, url)
            assert MARK not in path.read_text(encoding="utf-8"), (name, body)
        assert MARK not in (output / WINTER / "email.txt").read_text(encoding="utf-8"), body
        assert MARK not in _pdf_text(output / WINTER / "2026-01-winter.pdf"), body
