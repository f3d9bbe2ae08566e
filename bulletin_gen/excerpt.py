"""The description of a text that has no `summary:`: the plain text of its first paragraph,
shortened at a word, as link previews and search engines show it (Hugo's `.Summary`, MkDocs'
`description`).

It works on the rendered, sanitised fragments of the model, so that it sees the text as readers
do: Markdown marks gone, footnote numbers left out, entities decoded once. The result is plain
text, which templates escape once like any other field.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

# About what search engines show of a description before they cut it themselves.
DESCRIPTION_LENGTH = 160
ELLIPSIS = "…"

_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.DOTALL)
# Not text a reader reads as the paragraph's: a footnote's number, and (with `unsafe_html`)
# a script's or a style's code, or a comment.
_NOT_TEXT = re.compile(r'<sup class="footnote-ref">.*?</sup>|<(script|style)\b.*?</\1\s*>'
                       r"|<!--.*?-->", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
# Layout spaces only: a no-break space (French sets one before '?') stays as it is.
_LAYOUT_SPACE = re.compile(r"[ \t\n\r\f\v]+")
# What a shortened text should not end on, before its ellipsis.
_TRAILING = " ,;:-\u2013\u2014([{\u201c\u2018\u00ab"  # and dashes, opening quotes


def describe(fragments: Iterable[str], limit: int = DESCRIPTION_LENGTH) -> str:
    """The plain text of the first paragraph with text in `fragments` (HTML, in reading
    order), shortened to `limit` characters; '' when none has a paragraph with text.

    A paragraph of a picture alone has no text, and the next one is taken.
    """
    for fragment in fragments:
        for paragraph in _PARAGRAPH.finditer(fragment):
            text = plain(paragraph.group(1))
            if text:
                return shorten(text, limit)
    return ""


def plain(fragment: str) -> str:
    """The text of an HTML fragment: tags left out, entities decoded, layout spaces as one."""
    text = _TAG.sub("", _NOT_TEXT.sub("", fragment))
    return _LAYOUT_SPACE.sub(" ", html.unescape(text)).strip()


def shorten(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """`text`, or its words that fit in `limit` characters with an ellipsis after them. A text
    without spaces (Chinese, Japanese) is cut at the limit itself."""
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS)
    # One character more, so that a space just after the room ends the last whole word.
    words = text[: room + 1].rpartition(" ")[0].rstrip(_TRAILING)
    return (words or text[:room]) + ELLIPSIS
