"""PyYAML's syntax errors said in an editor's words, at the line to fix, with how to fix it.

PyYAML says what its parser expected ("expected <block end>, but found '<block mapping
start>'") where it gave up, which is often a line below the mistake. The common mistakes are
recognised here from its message and the text around the place it names: a line indented
unlike its neighbours, a ': ' inside a value, a field without ': ', a quote or a bracket
left open. Any other message is left to yamlio.py, which says it as PyYAML does.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

import yaml


@dataclass(frozen=True)
class Said:
    """A syntax error as an editor reads it: `line` is 1-based within the file."""

    line: int
    message: str
    hint: str


@dataclass(frozen=True)
class _Text:
    """The YAML text that failed, its lines, and how to name them as the file does."""

    text: str
    line_offset: int

    @functools.cached_property
    def lines(self) -> list[str]:
        """The lines as YAML counts them (its marks' `line`): it also ends one at a '\\r', a
        NEL (U+0085) and the Unicode line and paragraph separators."""
        return _YAML_LINE_BREAK.split(self.text)

    def number(self, index: int) -> int:
        """The file's line number of the 0-based line `index` of the text."""
        return index + 1 + self.line_offset

    def said(self, index: int, message: str, hint: str) -> Said:
        return Said(self.number(index), message, hint)


_YAML_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
# 'title: ...' or '- title: ...': a field's name, then ':' and a space or the line's end.
_FIELD = re.compile(r"\s*(?:-\s+)?([^\s#:][^:#]*?)\s*:(?:\s|$)")
# What a field's name looks like, as opposed to the first words of a title: 'name', 'image_alt'.
_FIELD_NAME = re.compile(r"[a-z][a-z_]*")
# 'title:News': a name and a value with no space between them, which YAML reads as text.
_GLUED = re.compile(r"\s*(?:-\s+)?([\w.-]+):(\S.*)$")
# '-title: News': a list entry's dash with no space after it, which YAML reads as text too.
_BARE_DASH = re.compile(r"\s*-([^\s-].*)$")
_INDENTATION = ("the indentation of this line does not match the lines above it",
                "line it up, with spaces, with the lines it belongs with: a field under the "
                "fields beside it, a list entry's '- ' under the other entries' '- '")


def in_editors_words(error: yaml.MarkedYAMLError, text: str, line_offset: int) -> Said | None:
    """`error` said for an editor; None for a message not recognised here."""
    mark = error.problem_mark
    if mark is None:
        return None
    said = _Text(text, line_offset)
    cut = _cut_by_comment(error, mark, said)
    if cut:
        return cut
    for words, explain in _EXPLAINED:
        if words in (error.problem or ""):
            return explain(error, mark, said)
    return None


def _cut_by_comment(error: yaml.MarkedYAMLError, mark: yaml.Mark, text: _Text) -> Said | None:
    """A '[' or '{' whose entries a comment cuts short: after a space, a # starts a comment to
    the end of the line, closing bracket included ('colours: {accent: #2f5d3a}'). PyYAML then
    says the list is not closed or an entry is missing, on this line or the next."""
    context = error.context_mark.line if error.context_mark else mark.line
    for index in sorted({context, mark.line - 1, mark.line}):
        if 0 <= index < len(text.lines):
            found = _comment_in_brackets(text.lines[index])
            if found:
                bracket, value = found
                what = "list" if bracket == "[" else "mapping"
                return text.said(index, f"the {what} that '{bracket}' opens here is cut short "
                                 f"by '{value}': after a space, YAML reads a # as the start of "
                                 "a comment, to the end of the line",
                                 f'put it in quotes: "{value}"')
    return None


def _comment_in_brackets(line: str) -> tuple[str, str] | None:
    """The outermost bracket still open where a comment starts in `line`, and the value the
    comment starts with ('#2f5d3a'); None when no comment starts inside brackets."""
    quote, opened = "", []
    for index, character in enumerate(line):
        if quote:
            quote = "" if character == quote else quote
        elif character in "'\"":
            quote = character
        elif character in "[{":
            opened.append(character)
        elif character in "]}" and opened:
            opened.pop()
        elif character == "#" and index and line[index - 1] in " \t":
            if not opened:
                return None
            return opened[0], re.split(r"[\s,\]}]", line[index:], maxsplit=1)[0]
    return None


def _misaligned(error: yaml.MarkedYAMLError, mark: yaml.Mark, text: _Text) -> Said | None:
    """A line that starts where no field or list entry above it does (or after a list entry
    whose '-' has no space after it); or text after a value that has ended on its line."""
    lines = text.lines
    if lines[mark.line][: mark.column].strip():
        return _after_value(error, mark, text)
    above = _line_above(lines, mark.line)
    dash = None if above is None else _BARE_DASH.match(lines[above])
    if dash and above is not None:
        return text.said(above, "no space after the '-' of this list entry, so it is read as "
                         "a field's name", f"write a space after the '-': - {dash[1]}")
    return text.said(mark.line, *_INDENTATION)


def _after_value(error: yaml.MarkedYAMLError, mark: yaml.Mark, text: _Text) -> Said | None:
    """Text after the closing quote or bracket of a value, on its line: a quote opened above
    and closed here by an apostrophe, or words after a value written in quotes."""
    quoted = _quoted_before(text.text, mark.index)
    if quoted is None:
        return None
    quote, start = quoted.style, quoted.start_mark
    if start.line == mark.line:
        return text.said(mark.line, f"text after the closing {quote} of a value in quotes",
                         _apostrophe_hint(text.text, quoted.end_mark.index, quote)
                         or "put the whole value inside the quotes")
    return _closed_below(text, quote, start, quoted.end_mark)


def _apostrophe_hint(text: str, end: int, quote: str) -> str:
    """The fix when the quote that closed a value in single quotes, ending at `end`, is an
    apostrophe between letters ('It's broken'), as an editor typed it."""
    inside_word = 2 <= end < len(text) and text[end - 2].isalnum() and text[end].isalnum()
    if quote != "'" or not inside_word:
        return ""
    return ("inside single quotes an apostrophe is written twice, as in 'It''s', or put the "
            'value in double quotes: "It\'s"')


def quote_across_fields(text: str, line_offset: int, quote: str, start: yaml.Mark,
                        end: yaml.Mark) -> Said | None:
    """A value in quotes that the file reads whole, though a field or a comment starts one
    of its lines: its closing quote is missing, and a quote further down closes it (in a
    comment's `"#2f5d3a"`, say), so that the fields between became its text."""
    read = _Text(text, line_offset)
    opening = _indent(read.lines[start.line])
    for index in range(start.line + 1, end.line + 1):
        line = read.lines[index]
        field = _FIELD.match(line)
        if _indent(line) <= opening and (line.lstrip().startswith("#") or (
                field is not None and _FIELD_NAME.fullmatch(field[1]))):
            return _closed_below(read, quote, start, end)
    return None


def _closed_below(text: _Text, quote: str, start: yaml.Mark, end: yaml.Mark) -> Said:
    """A quote opened at `start` and closed only on a line below, at `end`."""
    closing = text.lines[end.line]
    word = next(found[0] for found in re.finditer(r"\S+", closing)
                if found.start() < end.column <= found.end())  # the word the quote is in
    shown = f"'{word}'" if '"' in word else f'"{word}"'
    return text.said(start.line, f"the {quote} that opens this value is closed only on line "
                     f"{text.number(end.line)}, by the {quote} of {shown}", _closing_hint(quote))


def _quoted_before(text: str, index: int) -> yaml.ScalarToken | None:
    """The value in quotes that ends just before `index` (spaces aside), scanned again: the
    parser that failed has let go of it."""
    found = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= index:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"'):
                found = token
    except yaml.YAMLError:
        pass  # the tokens before the mistake are the ones wanted
    if found is None or text[found.end_mark.index : index].strip():
        return None
    return found


def _colon_not_allowed(error: yaml.MarkedYAMLError, mark: yaml.Mark, text: _Text) -> Said | None:
    """'mapping values are not allowed here': a ': ' that cannot start a field, because it
    is inside a value on its line, or on a line read as more of a value above it."""
    lines = text.lines
    field = _FIELD.match(lines[mark.line])
    if field and field.end() <= mark.column:
        return _colon_in_value(field, lines[mark.line][field.end() :].strip(), mark, text)
    owner = _owner(lines, mark.line)
    if owner is None:
        return None
    glued = _glued(owner, text)
    if glued:
        return glued
    if not _FIELD.match(lines[owner]):
        return text.said(mark.line, f"this line is read as more of the text of line "
                         f"{text.number(owner)}, so its ':' cannot start a field",
                         f"check line {text.number(owner)}: a field is written 'key: value', "
                         "with a space after the ':'")
    spaces = _indent(lines[owner], with_dash=True)
    indent = f"indent it with {spaces} spaces" if spaces else "start it at the line's beginning"
    return text.said(mark.line, f"this line is indented further than line {text.number(owner)}, "
                     "so it is read as more of that line's value, where ': ' cannot start a "
                     "field", f"{indent}, as line {text.number(owner)}; if it is more of that "
                     "value, put the whole value in quotes")


def _colon_in_value(field: re.Match[str], value: str, mark: yaml.Mark,
                    text: _Text) -> Said:
    """A ': ' inside the value of `field`, on its line: text to put in quotes, or a field
    written on its parent's line ('contact: name: Ana')."""
    quoted = f"put the value in quotes: {field[1]}: {_in_quotes(value)}"
    inner = _FIELD.match(value)
    if inner and _FIELD_NAME.fullmatch(inner[1]):  # not 'Almaty: a new centre', a title
        quoted = (f"if '{inner[1]}' is a field of '{field[1]}', put it on a line of its own "
                  f"below, indented; else {quoted}")
    return text.said(mark.line, f"the value of '{field[1]}' holds ': ', which YAML reads as "
                     "the start of another field", quoted)


def _glued(index: int, text: _Text) -> Said | None:
    """'title:News' on the line `index`: a name and a value with no space between them,
    which YAML reads as text; None for any other line."""
    glued = _GLUED.match(text.lines[index])
    if glued is None:
        return None
    return text.said(index, f"no space after the ':' of '{glued[1]}', so this line is read as "
                     "text, not as a field", f"write a space after the ':': {glued[1]}: "
                     f"{glued[2]}")


def _no_colon(error: yaml.MarkedYAMLError, mark: yaml.Mark, text: _Text) -> Said | None:
    """'could not find expected ':'': a line among fields that has no ': '. PyYAML gives up
    at the line after it; its context mark is the line itself."""
    start = error.context_mark
    if start is None:
        return None
    glued = _glued(start.line, text)
    if glued:
        return glued
    return text.said(start.line, "this line is not a field: it has no ':' after a name",
                     "write it as 'key: value', with a space after the ':'; if it goes on "
                     "with the text of the line above, indent it")


def _unclosed_quote(error: yaml.MarkedYAMLError, mark: yaml.Mark, text: _Text) -> Said | None:
    """A quote that nothing closes before the end of the text."""
    start = error.context_mark
    if start is None or "quoted" not in (error.context or ""):
        return None
    quote = text.lines[start.line][start.column]
    return text.said(start.line, f"the {quote} that opens this value is never closed",
                     _closing_hint(quote))


def _unclosed_bracket(error: yaml.MarkedYAMLError, mark: yaml.Mark, text: _Text) -> Said | None:
    """A '[' or '{' whose list or mapping goes on where it cannot: its closing bracket is
    missing, or an entry in it holds a ',' or ':' that ends it early."""
    start = error.context_mark
    if start is None:
        return None
    given_up = mark.line
    if given_up == start.line and "<stream end>" not in (error.problem or ""):
        return None  # something inside it, which PyYAML's words name better than a guess
    bracket = text.lines[start.line][start.column]
    what, closing = ("list", "]") if bracket == "[" else ("mapping", "}")
    where = f" (YAML gave up at line {text.number(given_up)})" if given_up != start.line else ""
    return text.said(start.line, f"the {what} that '{bracket}' opens here is not closed{where}",
                     f"end it with '{closing}' on this line; an entry with ',' or ':' in it "
                     "goes in quotes")


def _unknown_escape(error: yaml.MarkedYAMLError, mark: yaml.Mark, text: _Text) -> Said | None:
    """A backslash in double quotes, which YAML reads as an escape: a Windows path, say."""
    found = re.search(r"'(.+)'", error.problem or "")
    character = found[1] if found else "?"
    return text.said(mark.line,
                     f"'\\{character}' in a value in double quotes is no character YAML knows",
                     "write a backslash as \\\\, or put the value in single quotes")


def _second_merge(error: yaml.MarkedYAMLError, mark: yaml.Mark, text: _Text) -> Said | None:
    """A second `<<` in one mapping: YAML merges one anchor, or a list of them, once. PyYAML
    points at the mapping's first: the second is the one to say."""
    merges = [index for index in range(mark.line, len(text.lines))
              if _MERGE.match(text.lines[index])]
    second = next((index for index in merges[1:]
                   if _indent(text.lines[index]) == _indent(text.lines[merges[0]])), mark.line)
    return text.said(second, "a second '<<' in one mapping: YAML merges once in a mapping",
                     "merge them all in one, as a list: <<: [*first, *second]")


_MERGE = re.compile(r"\s*(?:-\s+)?<<\s*:")


def _closing_hint(quote: str) -> str:
    inside = "an apostrophe as ''" if quote == "'" else 'a quote as \\"'
    return f"end the value with {quote} where it ends; inside it, write {inside}"


def _in_quotes(value: str) -> str:
    """`value` as YAML text in quotes: double quotes, or single ones when it holds a '"'."""
    if '"' not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _line_above(lines: list[str], index: int) -> int | None:
    """The nearest line above `index` with something other than a comment on it."""
    for above in range(index - 1, -1, -1):
        if lines[above].strip() and not lines[above].lstrip().startswith("#"):
            return above
    return None


def _owner(lines: list[str], index: int) -> int | None:
    """The line whose value the line `index` is read as more of: the nearest line above it
    that is indented less; else the line just above."""
    indent = _indent(lines[index])
    above = _line_above(lines, index)
    while above is not None and _indent(lines[above]) >= indent:
        above = _line_above(lines, above)
    return above if above is not None else _line_above(lines, index)


def _indent(line: str, with_dash: bool = False) -> int:
    """The spaces before the line's text; `with_dash`: before a field's name, after '- '."""
    pattern = r"\s*(?:-\s+)?" if with_dash else r"\s*"
    found = re.match(pattern, line)
    return found.end() if found else 0


_Explainer = Callable[[yaml.MarkedYAMLError, yaml.Mark, _Text], Said | None]
# Each explainer by the words of PyYAML's message that call for it.
_EXPLAINED: tuple[tuple[str, _Explainer], ...] = (
    ("expected <block end>", _misaligned),
    ("expected '<document start>'", _misaligned),  # the first line indented, the next not
    ("mapping values are not allowed here", _colon_not_allowed),
    ("could not find expected ':'", _no_colon),
    ("found unexpected end of stream", _unclosed_quote),
    ("expected ',' or ']'", _unclosed_bracket),
    ("expected ',' or '}'", _unclosed_bracket),
    ("found unknown escape character", _unknown_escape),
    ("for the tag 'tag:yaml.org,2002:merge'", _second_merge),
)
