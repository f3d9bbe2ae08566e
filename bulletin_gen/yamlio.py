"""Safe YAML that remembers the line of every mapping key, so errors can name it.

Mappings load as `Mapping` (a dict with a `line_of(key)` method); every other value loads as
PyYAML's safe loader makes it. An `extra:` field's values reach the templates as an `Extra`.
Aliases are counted so that a "billion laughs" document is refused instead of expanding
without bound: the number of aliases, the text they repeat, and the number of values once
every alias is expanded are limited, as is the length of the text.
"""

from __future__ import annotations

import collections.abc
import re
import sys
import unicodedata
from collections.abc import Iterator
from typing import Any

import yaml

from .yamlsyntax import in_editors_words, quote_across_fields

MAX_ALIASES = 100
MAX_EXPANDED_NODES = 100_000  # values in the document once aliases are expanded
MAX_YAML_CHARS = 10 * 1024 * 1024  # a YAML document larger than this is refused unread
MAX_ALIAS_CHARS = 1024 * 1024  # the text that all the aliases of a document repeat, together


# What XML 1.0 cannot hold (feed.xml and sitemap.xml are XML, and a browser or mail tool
# chokes on the rest): C0 controls but tab and line ends, lone surrogates, U+FFFE and U+FFFF.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def bad_character(text: str) -> tuple[int, str] | None:
    """(offset, message) of the first character no page, feed or email can hold, or None."""
    return next(bad_characters(text), None)


def bad_characters(text: str) -> Iterator[tuple[int, str]]:
    """(offset, message) of the first character no page, feed or email can hold on each line
    that holds one (a file of them is looked through a line at a time, not a character)."""
    found = _NOT_IN_XML.search(text)
    while found:
        code = ord(found.group())
        what = ("half of a surrogate pair, not a character" if 0xD800 <= code <= 0xDFFF
                else "a control character")
        yield (found.start(),
               f"U+{code:04X} is {what}, which pages and feeds cannot hold; delete it")
        line_end = text.find("\n", found.end())
        found = _NOT_IN_XML.search(text, line_end + 1) if line_end >= 0 else None


def xml_safe(text: str) -> str:
    """`text` with each character XML cannot hold replaced by U+FFFD, as HTML parsers do."""
    return _NOT_IN_XML.sub("\ufffd", text)


class Extra(collections.abc.Mapping[str, Any]):
    """What an `extra:` field holds: values of the site's own (a social profile, a banner's
    name) that no stage reads and its templates may (`config.extra.instagram`,
    `item.extra.banner`), as YAML gave them. Read-only, and equal, hashed and fingerprinted by
    what it holds, as the model's other values."""

    def __init__(self, data: collections.abc.Mapping[str, Any] | None = None) -> None:
        self._data = dict(data or {})

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> collections.abc.Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(repr(self._data))

    def __repr__(self) -> str:
        return f"Extra({self._data!r})"


# What the items without an `extra:`, nearly all, share: one object, not one each.
NO_EXTRA = Extra()


class Mapping(dict[str, Any]):
    """A YAML mapping that knows the 1-based line of each key, and which of its texts YAML
    joined from lines that look like list entries (`joined_entries`)."""

    # (key, text) for each such text: set on the few mappings that have one, so that the
    # many kept by the model memo carry nothing more.
    joined: tuple[tuple[str, str], ...] = ()

    def __init__(self, *args: Any, start_line: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines: dict[str, int] = {}
        self.start_line = start_line

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.start_line)

    def joined_entries(self, key: str) -> tuple[str, ...]:
        """The texts of `key` (its value, or entries of its list) that YAML read as one plain
        text from several lines, a later one starting with '- ': a list entry indented further
        than the one above it continues that one ('- water' then '   - mediation' is the one
        text 'water - mediation'), with no error to say so."""
        return tuple(text for each, text in self.joined if each == key)


class YamlError(ValueError):
    """A YAML document that cannot be read; `line` is 1-based within the parsed text, `hint`
    says how to fix it (or is empty)."""

    def __init__(self, message: str, line: int, hint: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.hint = hint

    def shifted(self, lines: int) -> YamlError:
        """The same error, `lines` further down the file."""
        return YamlError(str(self), self.line + lines, self.hint)


class _LineLoader(yaml.SafeLoader):
    def __init__(self, stream: str, line_offset: int) -> None:
        super().__init__(stream)
        self.text = stream
        self.line_offset = line_offset
        self.alias_count = 0
        self.alias_chars = 0  # the text that the aliases so far repeat
        self.sizes: dict[int, int] = {}

    def compose_node(self, parent: Any, index: Any) -> Any:
        if not self.check_event(yaml.AliasEvent):
            return super().compose_node(parent, index)
        line = self.peek_event().start_mark.line + 1  # type: ignore[no-untyped-call]
        self.alias_count += 1
        if self.alias_count > MAX_ALIASES:
            raise YamlError(f"more than {MAX_ALIASES} aliases (*name) in one document", line)
        node = super().compose_node(parent, index)
        # Counted by size, not only by number: 99 aliases of a 1 MB anchor are 99 MB of text
        # (a few aliases of a list of briefs are 99 copies of every page they make).
        self.alias_chars += _text_size(node, self.sizes, set()) if node else 0
        if self.alias_chars > MAX_ALIAS_CHARS:
            raise YamlError(f"aliases (*name) repeat more than {MAX_ALIAS_CHARS / 2**20:g} MB of "
                            "text in one document; write the text once, or in separate items",
                            line)
        return node

    def get_single_data(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        _check_expansion(node)
        return self.construct_document(node)

    def construct_yaml_map(self, node: yaml.MappingNode) -> Any:
        data = Mapping(start_line=node.start_mark.line + 1 + self.line_offset)
        yield data
        # Keys are interned: the model memo keeps ten thousand front matters, and a file of
        # it then writes (and reads back) each key once, not once for each item of the issue.
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            data.lines[sys.intern(str(key))] = key_node.start_mark.line + 1 + self.line_offset
        if len(data.lines) < len(node.value):  # PyYAML would keep the last one silently
            raise self._given_twice(node)
        values = self.construct_mapping(node, deep=True)
        data.update({sys.intern(str(k)): v for k, v in values.items()})
        joined = tuple((str(self.construct_object(key_node, deep=True)), text)
                       for key_node, value_node in node.value
                       # a value on one line joins nothing
                       if value_node.end_mark.line > value_node.start_mark.line
                       for text in _joined_entries(value_node, self.text))
        if joined:
            data.joined = joined

    def _given_twice(self, node: yaml.MappingNode) -> YamlError:
        """The error at the second of two equal keys of `node`, naming the first's line."""
        first: dict[str, int] = {}
        for key_node, _ in node.value:
            key, line = str(self.construct_object(key_node, deep=True)), key_node.start_mark.line
            if key in first:
                break
            first[key] = line
        return YamlError(f"{key}: given twice, first on line {first[key] + 1 + self.line_offset}",
                         line + 1, "keep one of them")

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        # An impossible date such as 2026-13-01 stays text, so the field reader can say what
        # is wrong with it and where, instead of PyYAML raising a bare ValueError.
        try:
            # Named, not super(): _FastLineLoader borrows this method.
            return yaml.constructor.SafeConstructor.construct_yaml_timestamp(self, node)
        except ValueError:
            return self.construct_scalar(node)

    def construct_yaml_str(self, node: yaml.ScalarNode) -> Any:
        text = self.construct_scalar(node)
        if node.style in ("'", '"') and node.end_mark.line > node.start_mark.line:
            said = quote_across_fields(self.text, self.line_offset, node.style,
                                       node.start_mark, node.end_mark)
            if said:  # its message names lines of the file; load_yaml shifts its own line
                raise YamlError(said.message, said.line - self.line_offset, said.hint)
        # Escapes ("\x1b", "\0", "\ud800") reach characters that the reader refuses as typed.
        bad = bad_character(text)
        if bad:
            raise YamlError(bad[1], node.start_mark.line + 1)
        # NFC, so that "Hélène" typed with a combining accent is the same name.
        return unicodedata.normalize("NFC", text)


def _joined_entries(node: yaml.Node, text: str) -> list[str]:
    """The plain texts of `node` (a text, or the texts of a list) that run over several lines
    of `text`, one after the first starting with '- ' (Mapping.joined_entries), as loaded."""
    found = []
    for each in node.value if isinstance(node, yaml.SequenceNode) else [node]:
        # A plain text (style None, or '' from libyaml) on more than one line: its own lines
        # are read, not the document's (a briefs file wraps thousands of them).
        if isinstance(each, yaml.ScalarNode) and not each.style and \
                each.end_mark.line > each.start_mark.line:
            later = text[each.start_mark.index:each.end_mark.index].split("\n")[1:]
            if any(line.lstrip().startswith("- ") for line in later):
                found.append(unicodedata.normalize("NFC", each.value))
    return found


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_yaml_map)
_LineLoader.add_constructor("tag:yaml.org,2002:str", _LineLoader.construct_yaml_str)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _LineLoader.construct_yaml_timestamp)


def _text_size(node: yaml.Node, sizes: dict[int, int], open_nodes: set[int]) -> int:
    """The characters of every scalar under `node`, aliases expanded; memoised in `sizes`.
    A value that contains itself counts once here: _check_expansion refuses it later."""
    key = id(node)
    if key in sizes or key in open_nodes:
        return sizes.get(key, 0)
    if isinstance(node, yaml.ScalarNode):
        return len(node.value)
    open_nodes.add(key)
    parts = node.value if isinstance(node, yaml.SequenceNode) else \
        [part for pair in node.value for part in pair]
    total = sum(_text_size(part, sizes, open_nodes) for part in parts)
    open_nodes.discard(key)
    sizes[key] = total
    return total


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a document that aliases expand into more than MAX_EXPANDED_NODES values,
    or that contains itself; counted without expanding anything."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise YamlError("an alias refers to a value that contains it",
                            node.start_mark.line + 1)
        open_nodes.add(key)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        total = 1
        for child in children:
            total += size(child)
            if total > MAX_EXPANDED_NODES:
                raise YamlError(f"aliases expand this document to more than "
                                f"{MAX_EXPANDED_NODES:,} values", node.start_mark.line + 1)
        open_nodes.discard(key)
        sizes[key] = total
        return total

    size(root)


class _FastLineLoader(yaml.CSafeLoader):
    """The same loader on libyaml's parser, several times faster (YAML was a seventh of a
    cold build). It cannot count aliases, so it only reads documents without anchors."""

    def __init__(self, stream: str, line_offset: int) -> None:
        super().__init__(stream)
        self.text = stream
        self.line_offset = line_offset

    construct_yaml_map = _LineLoader.construct_yaml_map
    _given_twice = _LineLoader._given_twice
    construct_yaml_timestamp = _LineLoader.construct_yaml_timestamp
    construct_yaml_str = _LineLoader.construct_yaml_str


for _tag, _method in (("map", "construct_yaml_map"), ("timestamp", "construct_yaml_timestamp"),
                      ("str", "construct_yaml_str")):
    _FastLineLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", getattr(_FastLineLoader, _method))


def _load_fast(text: str, line_offset: int) -> Any:
    """The document read by libyaml, or None when the pure loader must read it: it may hold
    anchors (aliases are counted there), characters the pure reader refuses, or a mistake
    (whose message and line are the pure loader's)."""
    if not yaml.__with_libyaml__ or "&" in text or \
            yaml.reader.Reader.NON_PRINTABLE.search(text):
        return None
    loader = _FastLineLoader(text, line_offset)
    try:
        return loader.get_single_data()
    except (yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()


def load_yaml(text: str, line_offset: int = 0) -> Any:
    """Parse one YAML document; lines in the result and in errors are shifted by `line_offset`."""
    if len(text) > MAX_YAML_CHARS:
        raise YamlError(f"YAML text is larger than {MAX_YAML_CHARS // 2**20} MB",
                        1 + line_offset)
    try:
        fast = _load_fast(text, line_offset)
    except YamlError as error:
        raise error.shifted(line_offset) from None
    if fast is not None:
        return fast
    try:
        loader = _LineLoader(text, line_offset)  # the reader checks every character here
    except yaml.reader.ReaderError as error:
        raise _reader_error(error, text, line_offset) from None
    try:
        return loader.get_single_data()
    except yaml.reader.ReaderError as error:
        raise _reader_error(error, text, line_offset) from None
    except YamlError as error:
        raise error.shifted(line_offset) from None
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, text, line_offset) from None
    except yaml.YAMLError as error:
        raise YamlError(f"YAML: {error}", 1 + line_offset) from None
    except RecursionError:
        # PyYAML composes and constructs recursively; a very deep document would overflow.
        raise YamlError("YAML nested too deeply", loader.get_mark().line + 1 + line_offset) \
            from None
    finally:
        loader.dispose()


def _syntax_error(error: yaml.MarkedYAMLError, text: str, line_offset: int) -> YamlError:
    """A syntax error in an editor's words where yamlsyntax.py knows it; else in PyYAML's, at
    the line where the unclosed quote or bracket opens (PyYAML's context mark), naming the line
    where PyYAML gave up too: that one is often far below, at the end."""
    said = in_editors_words(error, text, line_offset)
    if said:
        return YamlError(said.message, said.line, said.hint)
    what = " ".join(part for part in (error.context, error.problem) if part)
    if "'\\t'" in (error.problem or ""):  # PyYAML's words for it name no tab to an editor
        what = "a tab, where YAML allows only spaces: indent with spaces"
    given_up, opened = error.problem_mark, error.context_mark
    if not any(word in (error.context or "") for word in ("quoted", "flow")):
        opened = None  # a block mapping's context is where it starts: the problem mark is better
    mark = opened or given_up
    if mark is None:
        return YamlError(f"YAML syntax: {what}", 1 + line_offset)
    where = f" (column {mark.column + 1})"
    if opened is not None and given_up is not None and given_up.line != opened.line:
        what += f" (at line {given_up.line + 1 + line_offset}): it opens here and is not closed"
    return YamlError(f"YAML syntax{where}: {what}", mark.line + 1 + line_offset)


def _reader_error(error: yaml.reader.ReaderError, text: str, line_offset: int) -> YamlError:
    line = text[: error.position].count("\n") + 1 + line_offset
    return YamlError(f"YAML cannot hold the control character U+{error.character:04X}; delete it",
                     line)
