"""content.py and yamlio.py: finding, decoding and splitting the files of content/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import write_files

from bulletin_gen import content
from bulletin_gen.content import read_document, read_sources, split_front_matter
from bulletin_gen.errors import Problems
from bulletin_gen.yamlio import MAX_ALIASES, Mapping, YamlError, load_yaml


@pytest.mark.parametrize(("text", "front", "body", "body_line"), [
    ("Just text.\n", None, "Just text.\n", 1),
    ("---\ntitle: A\n---\nBody\n", "title: A", "Body\n", 4),
    ("---\ntitle: A\nkind: news\n...\n\nBody\n", "title: A\nkind: news", "\nBody\n", 5),
    ("---\ntitle: A\n", "title: A\n", "", 4),
    ("---\n---\nBody", "", "Body", 3),
    ("Text\n---\nmore", None, "Text\n---\nmore", 1),
])
def test_split_front_matter(text: str, front: str | None, body: str, body_line: int) -> None:
    assert split_front_matter(text) == (front, body, body_line)


def test_read_document_keeps_the_line_of_every_key(tmp_path: Path) -> None:
    path = write_files(tmp_path, {"01-a.md": "---\ntitle: A\ncontact:\n  name: B\n---\nBody\n"})
    doc = read_document(tmp_path, path / "01-a.md", Problems())
    assert doc.rel == "01-a.md" and doc.body == "Body\n" and doc.body_line == 6
    assert doc.meta.line_of("title") == 2 and doc.meta.line_of("contact") == 3
    assert doc.meta["contact"].line_of("name") == 4
    assert doc.readable


def test_read_document_normalises_bom_line_endings_and_accents(tmp_path: Path) -> None:
    raw = "\ufeff---\r\ntitle: He\u0301le\u0300ne\r\n---\r\nCafe\u0301\r\n".encode()
    (tmp_path / "a.md").write_bytes(raw)
    doc = read_document(tmp_path, tmp_path / "a.md", Problems())
    assert doc.meta["title"] == "H\u00e9l\u00e8ne"
    assert doc.body == "Caf\u00e9\n"


def test_unreadable_documents_are_marked_and_reported(tmp_path: Path) -> None:
    write_files(tmp_path, {"a.md": "---\ntitle: [x\n---\n", "b.yaml": "- a\n- b\n"})
    problems = Problems()
    first = read_document(tmp_path, tmp_path / "a.md", problems)
    second = read_document(tmp_path, tmp_path / "b.yaml", problems)
    assert not first.readable and not second.readable
    assert [str(p.location) for p in problems.errors] == ["a.md:2", "b.yaml:1"]


def test_a_too_large_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(content, "MAX_FILE_BYTES", 10)
    (tmp_path / "a.md").write_text("x" * 11, encoding="utf-8")
    problems = Problems()
    assert not read_document(tmp_path, tmp_path / "a.md", problems).readable
    assert [str(p) for p in problems.errors] == [
        "a.md: file is larger than 0 MB (split it into several items)"]


SITE = {
    "content/issues/2026-03-b/issue.yaml": "title: B\n",
    "content/issues/2026-03-b/02-second.md": "---\ntitle: 2\n---\n",
    "content/issues/2026-03-b/01-first.md": "---\ntitle: 1\n---\n",
    "content/issues/2026-03-b/10-tenth.yaml": "title: 10\n",
    "content/issues/2026-03-b/11-CAPS.MD": "---\ntitle: 11\n---\n",
    "content/issues/2026-03-b/images/map.png": b"png",
    "content/issues/2026-03-b/files/notes.md": "a file, not an item\n",
    "content/issues/2026-03-b/.hidden.md": "---\ntitle: hidden\n---\n",
    "content/issues/2026-01-a.md": "---\ntitle: A\n---\n",
    "content/issues/_drafts/issue.yaml": "title: ignored\n",
    "content/issues/notes.txt": "ignored\n",
    "content/pages/team.md": "---\ntitle: Team\n---\n",
    "content/pages/about.md": "---\ntitle: About\n---\n",
    "content/pages/photo.jpg": b"jpg",
}


def test_read_sources_finds_issues_items_assets_and_pages_in_order(tmp_path: Path) -> None:
    site = write_files(tmp_path, SITE)  # type: ignore[arg-type]
    problems = Problems()
    sources = read_sources(site, problems)
    assert problems.errors == []
    assert [issue.name for issue in sources.issues] == ["2026-01-a", "2026-03-b"]
    single, folder = sources.issues
    assert single.folder is None and single.items == ()
    assert folder.meta.rel == "content/issues/2026-03-b/issue.yaml"
    assert [doc.path.name for doc in folder.items] == [
        "01-first.md", "02-second.md", "10-tenth.yaml", "11-CAPS.MD"]
    assert [a.as_posix() for a in folder.assets] == ["files/notes.md", "images/map.png"]
    assert [page.path.name for page in sources.pages] == ["about.md", "team.md"]


def test_read_sources_without_content_folder(tmp_path: Path) -> None:
    problems = Problems()
    sources = read_sources(tmp_path, problems)
    assert sources.issues == () and sources.pages == ()
    assert [str(p) for p in problems.errors] == [
        "content: no content/ folder (create content/issues/ and put an issue in it)"]


def test_yaml_mappings_know_their_lines_with_an_offset() -> None:
    data = load_yaml("a: 1\nb:\n  c: 2\n", line_offset=10)
    assert isinstance(data, Mapping)
    assert (data.line_of("a"), data.line_of("b"), data["b"].line_of("c")) == (11, 12, 13)
    assert data.line_of("missing") == 11


def test_yaml_errors_carry_the_line_with_the_offset() -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml("a: 1\nb: [\n", line_offset=1)
    assert caught.value.line == 4


INDENTATION = ("the indentation of this line does not match the lines above it", (
    "line it up, with spaces, with the lines it belongs with: a field under the fields beside "
    "it, a list entry's '- ' under the other entries' '- '"))


# The common syntax mistakes, said in an editor's words at the line to fix (PyYAML's message
# in the comment). The text is front matter: its first line is line 2 of the file.
@pytest.mark.parametrize(("text", "line", "said"), [
    # expected <block end>, but found '<block mapping start>'
    ("items:\n  - headline: A\n    tags: [a]\n   body: B\n", 5, INDENTATION),
    # expected <block end>, but found '<block sequence start>'
    ("items:\n  - body: one\n   - body: two\n", 4, INDENTATION),
    # expected <block end>, but found '-': the entry above has no space after its '-'
    ("items:\n  -body: one\n  - body: two\n", 3, (
        "no space after the '-' of this list entry, so it is read as a field's name",
        "write a space after the '-': - body: one")),
    # mapping values are not allowed here: a ': ' inside a value
    ("title: Almaty: a new centre\n", 2, (
        "the value of 'title' holds ': ', which YAML reads as the start of another field",
        'put the value in quotes: title: "Almaty: a new centre"')),
    # mapping values are not allowed here: the line above has no space after its ':'
    ("items:\n  - headline:Almaty\n    tags: [a]\n", 3, (
        "no space after the ':' of 'headline', so this line is read as text, not as a field",
        "write a space after the ':': headline: Almaty")),
    # mapping values are not allowed here: a line indented further than the field above it
    ("title: A\n  kind: news\n", 3, (
        "this line is indented further than line 2, so it is read as more of that line's "
        "value, where ': ' cannot start a field", "start it at the line's beginning, as line "
        "2; if it is more of that value, put the whole value in quotes")),
    ("contact: name: Ana\n  email: ana@example.org\n", 2, (
        "the value of 'contact' holds ': ', which YAML reads as the start of another field",
        "if 'name' is a field of 'contact', put it on a line of its own below, indented; else "
        'put the value in quotes: contact: "name: Ana"')),
    # while scanning a simple key could not find expected ':'
    ("title: A\nkind news\ntags: [a]\n", 3, (
        "this line is not a field: it has no ':' after a name", "write it as 'key: value', "
        "with a space after the ':'; if it goes on with the text of the line above, indent it")),
    ("title: A\nnumber:1\ntags: [a]\n", 3, (
        "no space after the ':' of 'number', so this line is read as text, not as a field",
        "write a space after the ':': number: 1")),
    # while scanning a quoted scalar found unexpected end of stream
    ('title: "A\nkind: news\n', 2, ('the " that opens this value is never closed',
                                    'end the value with " where it ends; inside it, write a '
                                    'quote as \\"')),
    # while parsing a block mapping expected <block end>, but found '<scalar>'
    ("title: 'A\nkind: news\nsummary: the city's rivers\n", 2, (
        "the ' that opens this value is closed only on line 4, by the ' of \"city's\"",
        "end the value with ' where it ends; inside it, write an apostrophe as ''")),
    # (read whole: the quote is closed by a comment's, below the fields it swallowed)
    ('tagline: "News of the network\nlanguage: en\n# colours: {accent: "#2f5d3a"}\n', 2, (
        'the " that opens this value is closed only on line 4, by the " of \'"#2f5d3a"}\'',
        'end the value with " where it ends; inside it, write a quote as \\"')),
    # (read whole: PyYAML keeps the last of two equal keys)
    ("title: A\nkind: news\ntitle: B\n", 4, ("title: given twice, first on line 2",
                                              "keep one of them")),
    ("contact:\n  name: Ana\n  name: Réka\n", 4, ("name: given twice, first on line 3",
                                                  "keep one of them")),
    ('title: "A" and B\n', 2, ('text after the closing " of a value in quotes',
                               "put the whole value inside the quotes")),
    # (an apostrophe typed inside single quotes closes them)
    ("title: 'It's broken'\n", 2, ("text after the closing ' of a value in quotes",
                                   "inside single quotes an apostrophe is written twice, as in "
                                   "'It''s', or put the value in double quotes: \"It's\"")),
    # while parsing a flow sequence expected ',' or ']', but got ':'
    ("tags: [a, b\nkind: news\n", 2, (
        "the list that '[' opens here is not closed (YAML gave up at line 3)",
        "end it with ']' on this line; an entry with ',' or ':' in it goes in quotes")),
    # while scanning a double-quoted scalar found unknown escape character 'd'
    ('image: "C:\\docs\\map.png"\n', 2, (
        "'\\d' in a value in double quotes is no character YAML knows",
        "write a backslash as \\\\, or put the value in single quotes")),
])
def test_yaml_syntax_mistakes_are_said_in_an_editors_words(text: str, line: int,
                                                         said: tuple[str, str]) -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml(text, line_offset=1)
    assert (caught.value.line, str(caught.value), caught.value.hint) == (line, *said)


def test_a_value_in_quotes_may_go_on_over_indented_lines() -> None:
    assert load_yaml('summary: "Mesa Común opens\n  in Cochabamba"\nkind: news\n') == {
        "summary": "Mesa Común opens in Cochabamba", "kind": "news"}


def test_yaml_dates_are_dates_and_impossible_ones_stay_text() -> None:
    assert load_yaml("d: 2026-03-05\ne: 2026-02-30\n") == {
        "d": dt.date(2026, 3, 5), "e": "2026-02-30"}


def test_yaml_alias_bombs_are_refused() -> None:
    aliases = "\n".join(f"k{i}: *a" for i in range(MAX_ALIASES + 1))
    with pytest.raises(YamlError, match=f"more than {MAX_ALIASES} aliases"):
        load_yaml(f"x: &a [1, 2]\n{aliases}\n")


def test_yaml_strings_are_nfc() -> None:
    assert load_yaml("name: Re\u0301ka\n") == {"name": "R\u00e9ka"}


def test_site_fixture_make_site_can_remove_files(make_site: Callable[..., Path]) -> None:
    site = make_site({"content/pages/about.md": None})
    assert not (site / "content/pages/about.md").exists()
    assert (site / "bulletin.yaml").is_file()
