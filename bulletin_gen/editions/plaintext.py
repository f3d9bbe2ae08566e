"""The plain-text side of the email edition: HTML fragments -> text wrapped to 72 columns.

`PlainText` is handed to the `email.txt` template. It turns the model's HTML fragments into
paragraphs, lists, quotes and tables of plain text, and writes each link as a numbered
reference (`the report [3]`) whose URL is listed after the item by `references()`. One
`PlainText` serves one message, so the numbers run through it without repeating.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

from ..markdown import is_external

WIDTH = 72
_BLOCKS = {"p", "div", "section", "article", "figure", "figcaption", "blockquote", "pre", "ul",
           "ol", "li", "table", "thead", "tbody", "tfoot", "tr", "hr", "dl", "dt", "dd", "h1",
           "h2", "h3", "h4", "h5", "h6", "header", "footer", "aside", "details", "summary"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr"}
# Spaces that may end a line; a no-break space ('Notes\u00a0:' in French) stays as it is.
_SPACE = re.compile(r"[^\S\u00a0\u202f]+")
_REFERENCE = re.compile(r"\[\d+\] \S+$")  # '[3] https://...': long URLs stay whole
# A line of a code block (`pre`, indented four spaces, in a quote or not): rewrapped, a command
# copied from it would break. The text's other lines are wrapped already.
_CODE_LINE = re.compile(r"(?:> )*    ")


@dataclass
class Node:
    """An element of a parsed fragment; text lives in `children` as plain strings."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def has_class(self, name: str) -> bool:
        return name in self.attrs.get("class", "").split()


# What raw HTML (`unsafe_html: true`) may hold that is no text: a style sheet, a script.
_NOT_TEXT = {"style", "script", "template", "noscript"}


class _TreeBuilder(HTMLParser):
    """Just enough of an HTML tree for the sanitised fragments markdown.py produces."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {key: value or "" for key, value in attrs})
        if tag not in _NOT_TEXT:  # built apart, and so left out with what it holds
            self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_fragment(html: str) -> Node:
    """The fragment as a `Node` tree."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


class PlainText:
    """Writes one message's plain text; `page_url` resolves any link that is not absolute."""

    def __init__(self, page_url: str, width: int = WIDTH,
                 gettext: Callable[[str], str] = str) -> None:
        self.page_url = page_url
        self.width = width
        self.gettext = gettext  # the theme's words in the message's language (i18n.py)
        self._numbers: dict[str, int] = {}  # the links of the current item, not yet listed
        self._count = 0

    # The template's building blocks -------------------------------------------------------

    def wrap(self, text: str, indent: str = "", hang: str | None = None) -> str:
        """`text` wrapped to the width; `hang` indents the lines after the first."""
        lines = []
        for line in text.split("\n"):
            wrapped = wrapped_line(_SPACE.sub(" ", line).strip(), self.width, indent,
                                   indent if hang is None else hang)
            lines.extend(wrapped or [""])
        return "\n".join(lines)

    def heading(self, text: str, underline: str = "-") -> str:
        """A heading over a rule as long as its longest line."""
        wrapped = self.wrap(text)
        longest = max(columns(line) for line in wrapped.split("\n"))
        return f"{wrapped}\n{underline * min(longest, self.width)}"

    def field(self, label: str, value: str, label_width: int = 14) -> str:
        """'Label:       value', the value's further lines aligned under its first. `label`
        comes with its colon, as its language writes it ('Séance\u00a0:')."""
        return self.wrap(value, f"{label:<{label_width - 1}} ", " " * label_width)

    def bullets(self, fragments: list[str], indent: str = "") -> str:
        """HTML fragments (round-table outcomes, say) as a bulleted list."""
        return self._list(parse_fragment("".join(f"<li>{f}</li>" for f in fragments)), indent,
                          "ul")

    def link(self, label: str, url: str) -> str:
        """'label [n]', with the URL waiting for `references()`."""
        return f"{label} [{self._number(url)}]"

    def references(self) -> str:
        """The numbered URLs of the links written since the last call, one per line."""
        lines = [f"[{number}] {url}" for url, number in self._numbers.items()]
        self._numbers = {}
        return "\n".join(lines)

    def html(self, fragment: str) -> str:
        """A rendered HTML fragment as wrapped plain text, blocks apart by blank lines."""
        return "\n\n".join(self._blocks(parse_fragment(fragment), ""))

    # Blocks -------------------------------------------------------------------------------

    def _blocks(self, node: Node, indent: str) -> list[str]:
        """The paragraphs of `node`'s children; runs of inline content make one paragraph."""
        blocks: list[str] = []
        inline: list[Node | str] = []
        for child in [*node.children, Node("p")]:  # the sentinel flushes the last run
            if isinstance(child, str) or child.tag not in _BLOCKS:
                inline.append(child)
                continue
            text = self._inline_text(inline)
            if text.strip():
                blocks.append(self.wrap(text, indent))
            inline = []
            if child.children or child.tag == "hr":
                blocks.extend(self._block(child, indent))
        return blocks

    def _block(self, node: Node, indent: str) -> list[str]:
        tag = node.tag
        if node.has_class("visually-hidden"):  # for screen readers: the footnotes' heading
            return []  # would say "Notes" a second time, in the text's language
        if tag == "hr":  # the rule before footnotes is dropped: "Notes:" says as much
            return [] if node.has_class("footnotes-sep") else [indent + "-" * 20]
        if re.fullmatch(r"h[1-6]", tag):
            return [indent + self.heading(self._inline_text(node.children)).replace(
                "\n", "\n" + indent)]
        if tag in ("ul", "ol"):
            return [self._list(node, indent, tag)]
        if tag == "blockquote":
            return self._blocks(node, indent + "> ")
        if tag == "pre":
            return ["\n".join(indent + "    " + line
                              for line in _text_of(node).rstrip("\n").split("\n"))]
        if tag == "table":
            return [self._table(node, indent)]
        if tag == "dt":
            return [self.wrap(self._inline_text(node.children) + ":", indent)]
        if tag == "dd":
            return self._blocks(node, indent + "    ")
        if node.has_class("footnotes"):
            return [indent + self.gettext("Notes:"), *self._blocks(node, indent)]
        return self._blocks(node, indent)

    def _list(self, node: Node, indent: str, kind: str) -> str:
        items = [child for child in node.children if isinstance(child, Node) and child.tag == "li"]
        start_text = node.attrs.get("start", "1")
        start = int(start_text) if start_text.isdigit() else 1
        rendered = []
        for number, item in enumerate(items, start):
            marker = "" if item.has_class("check") else (f"{number}. " if kind == "ol"
                                                          else "- ")
            hang = indent + " " * (len(marker) or 4)
            blocks = self._blocks(item, hang)
            if blocks:  # the marker takes the place of the first line's hanging indent
                blocks[0] = indent + marker + blocks[0][len(hang):]
            rendered.append("\n".join(blocks))
        return "\n".join(rendered)

    def _table(self, node: Node, indent: str) -> str:
        rows = [[(self._inline_text(cell.children).strip(),
                  "right" in cell.attrs.get("style", "")) for cell in _cells(row)]
                for row in _rows(node)]
        if not rows:
            return ""
        count = max(len(row) for row in rows)
        # By the columns each cell takes: a Chinese letter takes two.
        widths = [max((columns(row[i][0]) for row in rows if i < len(row)), default=0)
                  for i in range(count)]
        if len(indent) + sum(widths) + 2 * (count - 1) > self.width:
            # Too wide for columns: one line per row, its cells after their header; an empty
            # cell is left out ('District: ;' said nothing).
            header = [text for text, _ in rows[0]]
            return "\n".join(self.wrap("; ".join(
                f"{header[i]}: {text}" if i < len(header) and header[i] else text
                for i, (text, _) in enumerate(row) if text), indent, indent + "  ")
                for row in rows[1:])
        lines = []
        for position, row in enumerate(rows):
            pads = [" " * (widths[i] - columns(text)) for i, (text, _) in enumerate(row)]
            cells = [pad + text if right else text + pad
                     for pad, (text, right) in zip(pads, row, strict=True)]
            lines.append((indent + "  ".join(cells)).rstrip())
            if position == 0:
                lines.append(indent + "  ".join("-" * width for width in widths))
        return "\n".join(lines)

    # Inline content -----------------------------------------------------------------------

    def _inline_text(self, parts: list[Node | str]) -> str:
        return "".join(self._inline(part) for part in parts)

    def _inline(self, part: Node | str) -> str:
        if isinstance(part, str):
            return _SPACE.sub(" ", part)
        tag = part.tag
        if tag == "br":
            return "\n"
        if tag == "img":
            alt = part.attrs.get("alt", "").strip()
            return f"[{self.gettext('Image: %(alt)s') % {'alt': alt}}]" if alt else ""
        if part.has_class("tick"):
            return "[x]" if "✓" in _text_of(part) else "[ ]"
        if part.has_class("footnote-backref"):
            return ""
        if part.has_class("footnote-ref"):
            number = re.sub(r"[^0-9]", "", _text_of(part))
            return f" ({self.gettext('note %(number)s') % {'number': number}})"
        text = self._inline_text(part.children)
        if tag in ("del", "s"):
            return f"~~{text}~~"
        if tag == "a":
            return self._anchor(text, part.attrs.get("href", ""))
        return text

    def _anchor(self, text: str, href: str) -> str:
        if not href or href.startswith("#"):
            return text
        if href.startswith("mailto:"):
            address = href.removeprefix("mailto:")
            return text if text.strip() == address else f"{text} <{address}>"
        url = href if is_external(href) else urljoin(self.page_url, href)
        if text.strip() in (url, href):
            return text
        return f"{text} [{self._number(url)}]"

    def _number(self, url: str) -> int:
        if url not in self._numbers:
            self._count += 1
            self._numbers[url] = self._count
        return self._numbers[url]


def _text_of(node: Node) -> str:
    return "".join(child if isinstance(child, str) else _text_of(child)
                   for child in node.children)


def _rows(node: Node) -> list[Node]:
    rows = []
    for child in node.children:
        if isinstance(child, Node):
            rows.extend([child] if child.tag == "tr" else _rows(child))
    return rows


def _cells(row: Node) -> list[Node]:
    return [cell for cell in row.children if isinstance(cell, Node) and cell.tag in ("td", "th")]


def fit_lines(text: str, width: int = WIDTH) -> str:
    """Rewrap any line a template made too long; tidy blank lines and trailing spaces."""
    lines = []
    for line in text.split("\n"):
        line = line.rstrip()
        if columns(line) > width and (" " in line.strip() or _WIDE.search(line)) \
                and not _REFERENCE.match(line) and not _CODE_LINE.match(line):
            indent = line[:len(line) - len(line.lstrip())]
            line = "\n".join(wrapped_line(line.lstrip(), width, indent, indent))
        lines.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"


# Letters a terminal gives two columns (Chinese, Japanese and Korean, full-width forms), which
# a line may end after, as those scripts break lines between letters, not at spaces.
_WIDE = re.compile("[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
                   "\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60"
                   "\uffe0-\uffe6]")
# What never begins a line in Japanese (kinsoku): closing marks and commas, small kana,
# the long vowel mark, the ellipses.
_NO_LINE_START = frozenset("\u3001\u3002\uff0c\uff0e\u30fb\uff1a\uff1b\uff1f\uff01\uff09\u300d"
                           "\u300f\u3011\u3015\u3009\u300b\u30fc\u3041\u3043\u3045\u3047\u3049"
                           "\u3063\u3083\u3085\u3087\u308e\u30a1\u30a3\u30a5\u30a7\u30a9\u30c3"
                           "\u30e3\u30e5\u30e7\u30ee\u30f5\u30f6\u2026\u2025")
# An address, whatever letters it holds, then a space, a wide letter, or a word of others.
_UNITS = re.compile(f"https?://[^ ]+| +|{_WIDE.pattern}|[^ {_WIDE.pattern[1:-1]}]+")


def columns(text: str) -> int:
    """How many columns `text` takes in a fixed-width font: two for each wide letter."""
    return len(text) + len(_WIDE.findall(text))


def wrapped_line(text: str, width: int, indent: str, hang: str) -> list[str]:
    """`text` in lines of at most `width` columns, the first after `indent`, the rest after
    `hang`: broken at spaces, and between wide letters (but before a mark that closes), never
    inside a word or an address."""
    if not _WIDE.search(text):
        return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=hang,
                             break_long_words=False, break_on_hyphens=False)
    lines: list[str] = []
    line, margin = indent, indent  # what the line holds, and what it began with
    for unit in _UNITS.findall(text):
        if unit.startswith(" "):
            line += " " if line != margin else ""
            continue
        wide = columns(line.rstrip()) + columns(unit)
        # A closing mark hangs past the width rather than begin a line, by two columns at most.
        hangs = unit[0] in _NO_LINE_START and wide <= width + 2
        if wide > width and line != margin and not hangs:
            lines.append(line.rstrip())
            line = margin = hang
        line += unit
    if line != margin:
        lines.append(line.rstrip())
    return lines
