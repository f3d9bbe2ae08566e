"""Safe YAML that remembers the line of every mapping key, so errors can name it.

Mappings load as `Mapping` (a dict with a `line_of(key)` method); every other value loads as
PyYAML's safe loader makes it. Aliases are counted so that a "billion laughs" document is
refused instead of expanding without bound.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import yaml

MAX_ALIASES = 100


class Mapping(dict[str, Any]):
    """A YAML mapping that knows the 1-based line of each key."""

    def __init__(self, *args: Any, start_line: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines: dict[str, int] = {}
        self.start_line = start_line

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.start_line)


class YamlError(ValueError):
    """A YAML document that cannot be read; `line` is 1-based within the parsed text."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class _LineLoader(yaml.SafeLoader):
    def __init__(self, stream: str, line_offset: int) -> None:
        super().__init__(stream)
        self.line_offset = line_offset
        self.alias_count = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.alias_count += 1
            if self.alias_count > MAX_ALIASES:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise YamlError(f"more than {MAX_ALIASES} aliases", mark.line + 1)
        return super().compose_node(parent, index)

    def construct_yaml_map(self, node: yaml.MappingNode) -> Any:
        data = Mapping(start_line=node.start_mark.line + 1 + self.line_offset)
        yield data
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            data.lines[str(key)] = key_node.start_mark.line + 1 + self.line_offset
        values = self.construct_mapping(node, deep=True)
        data.update({str(k): v for k, v in values.items()})

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        # An impossible date such as 2026-13-01 stays text, so the field reader can say what
        # is wrong with it and where, instead of PyYAML raising a bare ValueError.
        try:
            # Named, not super(): _FastLineLoader borrows this method.
            return yaml.constructor.SafeConstructor.construct_yaml_timestamp(self, node)
        except ValueError:
            return self.construct_scalar(node)

    def construct_yaml_str(self, node: yaml.ScalarNode) -> Any:
        # NFC, so that "Hélène" typed with a combining accent is the same name.
        return unicodedata.normalize("NFC", self.construct_scalar(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_yaml_map)
_LineLoader.add_constructor("tag:yaml.org,2002:str", _LineLoader.construct_yaml_str)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _LineLoader.construct_yaml_timestamp)


class _FastLineLoader(yaml.CSafeLoader):
    """The same loader on libyaml's parser, several times faster (YAML was a seventh of a
    cold build). It cannot count aliases, so it only reads documents without anchors."""

    def __init__(self, stream: str, line_offset: int) -> None:
        super().__init__(stream)
        self.line_offset = line_offset

    construct_yaml_map = _LineLoader.construct_yaml_map
    construct_yaml_timestamp = _LineLoader.construct_yaml_timestamp
    construct_yaml_str = _LineLoader.construct_yaml_str


for _tag, _method in (("map", "construct_yaml_map"), ("timestamp", "construct_yaml_timestamp"),
                      ("str", "construct_yaml_str")):
    _FastLineLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", getattr(_FastLineLoader, _method))


def load_yaml(text: str, line_offset: int = 0) -> Any:
    """Parse one YAML document; lines in the result and in errors are shifted by `line_offset`."""
    if "&" not in text and yaml.__with_libyaml__:
        fast = _FastLineLoader(text, line_offset)
        try:
            return fast.get_single_data()
        except yaml.YAMLError:
            pass  # parsed again below, for the pure loader's message and line
        finally:
            fast.dispose()
    loader = _LineLoader(text, line_offset)
    try:
        return loader.get_single_data()
    except YamlError as error:
        raise YamlError(str(error), error.line + line_offset) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        what = " ".join(part for part in (error.context, error.problem) if part)
        column = f" (column {mark.column + 1})" if mark else ""
        raise YamlError(f"YAML syntax{column}: {what}", line) from None
    except yaml.YAMLError as error:
        raise YamlError(f"YAML: {error}", 1 + line_offset) from None
    finally:
        loader.dispose()
