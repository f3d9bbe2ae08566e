"""Property-based tests: whatever an editor writes, a build ends in a site or a clear error.

Arbitrary YAML front matter, YAML item files and Markdown bodies are written into a real site
in a temporary folder and built. The only outcomes allowed are a built site (whose pages are
harmless) or a `BulletinError` naming files of the site; any other exception is a bug.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import yaml
from conftest import MINIMAL_SITE, write_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_security import assert_harmless

from bulletin_gen.build import BuildOptions, build
from bulletin_gen.errors import BulletinError, ContentError

ITEM = "content/issues/2026-01-winter/03-fuzz.md"
BRIEFS = "content/issues/2026-01-winter/02-briefs.yaml"
ISSUE = "content/issues/2026-01-winter/issue.yaml"

FIELDS = ["title", "kind", "slug", "date", "summary", "authors", "tags", "regions", "image",
          "image_alt", "contact", "lang", "items", "body", "headline", "session", "presenters",
          "facilitators", "secretaries", "participants", "venue", "status", "number", "name",
          "email", "role"]
KINDS = ["feature", "news", "roundtable", "notice", "briefs", "other"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(KINDS),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.text(max_size=40),
    st.sampled_from(["../../../../etc/passwd", "/etc/hosts", "javascript:alert(1)",
                     "images/map.png", "<script>x</script>", "Hélène", "e\u0301", "", "  "]),
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), children, max_size=5),
    max_leaves=20,
)
front_matter = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=10), values,
                               max_size=8)

MARKDOWN_PIECES = ["# ", "## ", "> ", "- ", "1. ", "* ", "**", "_", "`", "```", "~~~", "[", "]",
                   "(", ")", "![", "](", "<", ">", "</", "script", "div", "onclick=", "\"",
                   "'", "javascript:", "data:", "../", ".md", "#", "|", "---", "[^1]", "[^1]: ",
                   "- [x] ", "&amp;", "&#", "\\", "\n", "\n\n", "\t", "    ", "\r\n", "\u0301",
                   "Hélène", "مرحبا", "東京", "\ufeff", "\x00", "https://example.org/"]
markdown = st.lists(st.sampled_from(MARKDOWN_PIECES) | st.text(max_size=6), max_size=60).map(
    "".join)
yaml_text = st.lists(st.sampled_from(["a: ", "- ", "  ", "\n", "&x ", "*x", "[", "]", "{", "}",
                                      ":", "'", "\"", "!!", "!!python/object:os.system ",
                                      "title", "items", "body", "? ", "|", ">", "#", "---",
                                      "\t", "%YAML 1.1"]) | st.text(max_size=5),
                     max_size=40).map("".join)

PROPERTY_SETTINGS = settings(max_examples=40, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])


def build_with(files: dict[str, str | bytes]) -> None:
    """Build the minimal site with `files` added; only a finished site or a BulletinError."""
    with tempfile.TemporaryDirectory() as folder:
        site = write_files(Path(folder) / "site", dict(MINIMAL_SITE))
        write_files(site, files)
        try:
            # One process: the examples are about content, the worker pool has its own tests
            # (test_parallel.py), and starting it for every example made this file 2.5x slower.
            output = build(site, BuildOptions(pdf=False, email=False, jobs=1)).output
        except ContentError as error:
            assert error.problems
            for problem in error.problems:
                assert problem.location.path and problem.message
                assert not Path(problem.location.path).is_absolute() or \
                    "symbolic link" in problem.message
            return
        except BulletinError as error:
            assert error.message
            return
        assert (output / "issues/2026-01-winter/index.html").is_file()
        for page in output.rglob("*.html"):
            assert_harmless(page)


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@PROPERTY_SETTINGS
@given(meta=front_matter, body=markdown)
def test_any_front_matter_and_markdown(meta: dict[str, Any], body: str) -> None:
    build_with({ITEM: "---\n" + dump(meta) + "---\n" + body})


@PROPERTY_SETTINGS
@given(title=st.text(max_size=30), body=markdown)
def test_any_markdown_with_a_title(title: str, body: str) -> None:
    build_with({ITEM: "---\n" + dump({"title": title or "T"}) + "---\n" + body})


@PROPERTY_SETTINGS
@given(front=yaml_text, body=markdown)
def test_any_front_matter_text(front: str, body: str) -> None:
    build_with({ITEM: "---\n" + front + "\n---\n" + body})


@PROPERTY_SETTINGS
@given(data=values | front_matter)
def test_any_yaml_briefs_file(data: Any) -> None:
    build_with({BRIEFS: dump(data)})


@PROPERTY_SETTINGS
@given(data=front_matter)
def test_any_issue_fields(data: dict[str, Any]) -> None:
    build_with({ISSUE: dump(data)})


@PROPERTY_SETTINGS
@given(raw=st.binary(max_size=200))
def test_any_bytes(raw: bytes) -> None:
    build_with({ITEM: raw, BRIEFS: raw})


@PROPERTY_SETTINGS
@given(meta=front_matter, body=markdown)
def test_any_single_file_issue(meta: dict[str, Any], body: str) -> None:
    build_with({"content/issues/2026-02-fuzz.md": "---\n" + dump(meta) + "---\n" + body})
