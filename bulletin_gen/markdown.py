"""The one Markdown setup: markdown-it-py + plugins, link rewriting, and nh3 sanitising.

`MarkdownRenderer.render` turns an item's Markdown into an HTML fragment. Links and images
are handed to a `resolve` callback so that `[see](../2006-05/01-x.md)` becomes the URL of that
item's page; a target that cannot be resolved becomes a problem with its line. Internal URLs
are written as `@root/<site path>`; `relative_html` makes them relative for the page that shows
the fragment, so one rendering serves every page it appears on.
"""

from __future__ import annotations

import contextlib
import functools
import html as htmllib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import nh3
from linkify_it import LinkifyIt
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .yamlio import xml_safe

ROOT_MARKER = "@root/"
# Blocks nested deeper than this (a list item counts 2) are not parsed, so that hostile nesting
# stays cheap and within Python's stack; `_watch_nesting` reports the text that was left out.
MAX_NESTING = 40
# The Markdown text of one item (a body, a brief, a section). Parsing and sanitising take about
# ten times the text in memory, and the print edition 140 times (WeasyPrint lays out every
# page): a 10 MB item took 1.4 GB, one at this limit (some 85,000 words, 250 printed pages)
# 140 MB and 7 s with every edition.
MAX_TEXT_CHARS = 2**19
# A word of an ASCII slug: letters and digits, with '_' inside but not at its end.
_ASCII_WORD = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_]*[A-Za-z0-9])?")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")

# Tags and attributes that Markdown itself produces, plus harmless inline HTML editors use.
ALLOWED_TAGS = {
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul", "section",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir", "aria-hidden", "aria-label", "role"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"style", "colspan", "rowspan"},
    "th": {"style", "colspan", "rowspan", "scope"},
    "ol": {"start"},
}

# Every text linkify-it can find a link in has one of these: a scheme's ':' or '//', an e-mail's
# '@', 'localhost', or a dot before a letter or digit ('www.', '.org', '.1.'). linkify-it's own
# checks are long regular expressions run on every text; this one rules most prose out first.
_MAY_HOLD_LINK = re.compile(r"[:@]|//|localhost|\.\w", re.IGNORECASE)

Resolver = Callable[[str, str], str | None]
"""resolve(url, 'link'|'image') -> the rewritten URL, the same URL, or None when missing."""
# (name, id): a part of an item rendered apart, as a `#name` link writes it, and its id on the
# item's pages ('recommendations', 'water-roundtable-recommendations').
Anchors = tuple[tuple[str, str], ...]
# What a build and `bulletin check` say of an image without alt text (`Rendered.unlabelled`);
# check's JSON gives it a kind of its own (audit.py).
NO_ALT = "image without alt text"
# What to do about an <img> with no alt attribute, wherever it was written (raw HTML, a template).
ALT_ATTRIBUTE = "give the <img> an alt attribute describing the picture"
_IMG_TAG = re.compile(r"<img\b", re.IGNORECASE)


@dataclass(frozen=True)
class Rendered:
    """An HTML fragment, the links in it that could not be resolved (line, url, kind), why
    the text could not be rendered at all (empty when it could), its key points when they
    were asked for, and its images without alt text (line, url as written, and 'image' for
    Markdown's `![](...)` or 'html' for an `<img>` tag)."""

    html: str
    broken: tuple[tuple[int, str, str], ...] = ()
    error: str = ""
    error_line: int = 0
    points: tuple[str, ...] | None = None
    hint: str = "simplify the Markdown: fewer nested quotes, lists or tags"  # of the error
    unlabelled: tuple[tuple[int, str, str], ...] = ()  # (line, url, 'image' | 'html')
    # A translation's headings that could not take its original's ids: (its count, the
    # original's), and the line of its first heading; None when they took them, or were not
    # asked to (`heading_names`).
    unmatched_headings: tuple[int, int, int] | None = None


def slugify(text: str) -> str:
    """A URL-safe slug: lower case, words joined by '-'.

    The rule (documented in docs/content.md): compatibility forms are folded (NFKC: 'ﬁ' -> 'fi'),
    Latin letters lose their accents ('Pécs' -> 'pecs'), every other script is kept as it is,
    marks included ('Привет мир' -> 'привет-мир', '東京' -> '東京'). Anything that is not a
    letter, mark, digit or an inner '_' separates words. The result may be empty: callers
    fall back.
    """
    if text.isascii():  # the same rule, quicker: ASCII letters and digits make the words
        return "-".join(_ASCII_WORD.findall(text)).lower()
    return slugify_any(text)


def slugify_any(text: str) -> str:
    """`slugify` for text in any script, character by character."""
    words: list[str] = []
    current: list[str] = []
    latin_base = False
    for char in unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text)):
        category = unicodedata.category(char)
        if category[0] == "M" and current:
            if not latin_base:  # a Latin accent goes; the marks of other scripts are letters
                current.append(char)
        elif category[0] in "LN" or (char == "_" and current):  # inner '_' stays, as typed
            latin_base = "LATIN" in unicodedata.name(char, "")
            current.append(char)
        else:
            if current:
                words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    words = [word.strip("_") for word in words]
    return "-".join(unicodedata.normalize("NFC", word).lower() for word in words if word)


# The footnotes' heading, for screen readers: a section without one is announced as an unnamed
# region (the Nu Html Checker warns). A fragment is rendered once for every page of every
# language, so it is written in English here and translated as a page shows it
# (templates.local_filter).
FOOTNOTES_HEADING = '<h2 class="visually-hidden">Notes</h2>'


def _footnote_block_open(self: object, tokens: object, idx: int, options: object,
                         env: object) -> str:
    """The footnotes' section, with its heading."""
    return ('<hr class="footnotes-sep">\n<section class="footnotes">\n'
            f'{FOOTNOTES_HEADING}\n<ol class="footnotes-list">\n')


# The quotation marks a language opens and closes a quotation with, then a quotation within
# it (Unicode CLDR's), for the languages whose marks are not English's “ ” ‘ ’; a language
# with a region or script ('de-CH', 'zh-Hant') looks for itself, then for its language.
QUOTES: dict[str, tuple[str, str, str, str]] = {
    "fr": ("«\u00a0", "\u00a0»", "“", "”"),  # set apart by no-break spaces (FRENCH_SPACE)
    **dict.fromkeys(("es", "ca", "it", "el", "ar", "fa"), ("«", "»", "“", "”")),
    **dict.fromkeys(("ru", "uk", "be", "kk", "ky", "tg"), ("«", "»", "„", "“")),
    **dict.fromkeys(("de", "cs", "sk", "sl", "hr"), ("„", "“", "‚", "‘")),
    "bg": ("„", "“", "„", "“"),
    "sr": ("„", "“", "‘", "’"),
    "ka": ("„", "“", "«", "»"),
    "pt-PT": ("«", "»", "“", "”"),
    **dict.fromkeys(("sv", "fi"), ("”", "”", "’", "’")),
    **dict.fromkeys(("pl", "ro"), ("„", "”", "«", "»")),
    "hu": ("„", "”", "»", "«"),
    "hy": ("«", "»", "«", "»"),
    **dict.fromkeys(("nb", "no", "nn"), ("«", "»", "‘", "’")),
    **dict.fromkeys(("de-CH", "fr-CH"), ("«", "»", "‹", "›")),
    **dict.fromkeys(("ja", "zh-Hant", "zh-TW", "zh-HK", "zh-MO"), ("「", "」", "『", "』")),
}
ENGLISH_QUOTES = ("“", "”", "‘", "’")
_QUOTES_BY_CODE = {code.lower(): marks for code, marks in QUOTES.items()}
# French sets a no-break space before : ; ! ? and inside « »: a space typed there becomes one,
# so that no line starts with the mark (the theme's French words do the same).
FRENCH_SPACE = re.compile(r"[ \t]+(?=[:;!?»])|(?<=«)[ \t]+")


def quotes_of(language: str) -> tuple[str, str, str, str]:
    """The quotation marks of `language` (a BCP 47 code, as `lang:` takes, in any case): its
    own, else those of the code without its last part ('zh-Hant-TW', 'zh-Hant', 'zh')."""
    parts = language.lower().split("-")
    while parts:
        found = _QUOTES_BY_CODE.get("-".join(parts))
        if found:
            return found
        parts.pop()
    return ENGLISH_QUOTES


def _is_french(language: str) -> bool:
    return language.split("-")[0].lower() == "fr"


@functools.cache
def _typographer(quotes: tuple[str, str, str, str]) -> MarkdownIt:
    """The body's typography for plain-text fields (titles, summaries, tags): quotation
    marks, dashes and ellipses, and nothing else of Markdown ("zero": no emphasis, links or
    HTML)."""
    return MarkdownIt("zero", {"typographer": True, "quotes": list(quotes)}).enable(
        ["replacements", "smartquotes"])


def typographic(text: str, language: str = "en") -> str:
    """`text` with the typography the Markdown bodies get in `language`: quotation marks,
    dashes, ellipses; in French, no-break spaces."""
    if any(mark in text for mark in "'\"-.()+"):
        text = htmllib.unescape(_typographer(quotes_of(language)).renderInline(text))
    return FRENCH_SPACE.sub("\u00a0", text) if _is_french(language) else text


def _french_spacing(state: StateCore) -> None:
    """The core rule of `FRENCH_SPACE`, on the text of a French body and its images'
    descriptions (not its code)."""
    texts = [token for block in state.tokens for token in block.children or ()]
    while texts:
        token = texts.pop()
        if token.type == "text":
            token.content = FRENCH_SPACE.sub("\u00a0", token.content)
        texts += token.children or ()


# Letters of the scripts written without spaces between words (Chinese, Japanese: Han, kana,
# their punctuation and full-width forms): a line break of the source between two of them is
# no space. CSS says so (its "segment break transformation"), but Chromium and WeasyPrint
# draw one: "川の 合意" for a line broken after の.
_UNSPACED = re.compile("[\u2e80-\u2fdf\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
                       "\uf900-\ufaff\uff00-\uffef]")


def _unspaced_breaks(state: StateCore) -> None:
    """The core rule that marks a soft line break between two such letters, through the
    markup around them ('結ばれた⏎[川の合意](…)'), to be written as nothing (`_softbreak`).
    It stays a line break, by which the lines of links and pictures are counted."""
    if not _UNSPACED.search(state.src):
        return
    for block in state.tokens:
        children = block.children or []
        for index, token in enumerate(children):
            if token.type == "softbreak" and _UNSPACED.match(_letter(children, index, -1)) \
                    and _UNSPACED.match(_letter(children, index, 1)):
                token.meta["unspaced"] = True


def _letter(children: list[Token], index: int, step: int) -> str:
    """The letter written nearest the token at `index`, before it (`step` -1) or after it
    (1), through markup that writes none (a link's or emphasis' start and end); '' when
    another break, a picture or the end comes first."""
    index += step
    while 0 <= index < len(children):
        token = children[index]
        if token.type in ("text", "code_inline"):
            return token.content[-1:] if step < 0 else token.content[:1]
        if not token.type.endswith(("_open", "_close")):
            return ""
        index += step
    return ""


def _softbreak(self: object, tokens: list[Token], index: int, options: object,
               env: object) -> str:
    """A soft line break: nothing between two letters of a script written without spaces."""
    return "" if tokens[index].meta.get("unspaced") else "\n"


class MarkdownRenderer:
    """CommonMark + tables, footnotes, strikethrough, anchors, typography and autolinks, for
    texts in `language` (its quotation marks; French spacing; no space for a line break
    between Chinese or Japanese letters)."""

    def __init__(self, unsafe_html: bool = False, language: str = "en") -> None:
        self.unsafe_html = unsafe_html
        self.language = language
        self.others: dict[str, MarkdownRenderer] = {}  # `in_language`
        self.md = (
            MarkdownIt("commonmark", {"typographer": True, "linkify": True, "html": True,
                                     "maxNesting": MAX_NESTING,
                                     "quotes": list(quotes_of(language))})
            .enable(["table", "strikethrough", "linkify", "replacements", "smartquotes"])
            .use(footnote_plugin)
            .use(anchors_plugin, min_level=2, max_level=4, slug_func=slugify)
        )
        self.cleaner = nh3.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            clean_content_tags={"script", "style"},
            link_rel=None,
            url_schemes={"http", "https", "mailto", "tel"},
            filter_style_properties={"text-align"},
        )
        self.md.linkify = _QuickLinkify()
        self.md.add_render_rule("footnote_block_open", _footnote_block_open)
        if _is_french(language):
            self.md.core.ruler.push("french_spacing", _french_spacing)
        self.md.core.ruler.push("unspaced_breaks", _unspaced_breaks)
        self.md.add_render_rule("softbreak", _softbreak)
        _watch_nesting(self.md)

    def in_language(self, language: str) -> MarkdownRenderer:
        """This renderer for the texts of `language`; itself for its own or none ('')."""
        if not language or language == self.language:
            return self
        if language not in self.others:
            self.others[language] = MarkdownRenderer(self.unsafe_html, language)
        return self.others[language]

    def typographic(self, text: str) -> str:
        """A plain-text field (a title, a summary) with this language's typography."""
        return typographic(text, self.language)

    def render(self, text: str, resolve: Resolver, id_prefix: str = "",
               first_line: int = 1, doc_id: str = "", points: bool = False,
               anchors: Anchors = (), heading_names: tuple[str, ...] = ()) -> Rendered:
        """Render `text`; lines in `broken` count from `first_line`.

        Heading ids get `id_prefix` so that several items can share a page, and so do the
        `#fragment` links to them; a `#fragment` link to one of `anchors`, the parts of the
        item rendered apart (a round table's sections, the briefs of a file), gets its id on
        the page. `heading_names` (a translation's: its original's heading ids, in order)
        name the headings instead of their own words when there are as many. Footnote ids
        get `doc_id` (default: `id_prefix`), unique per rendered fragment. With `points`, the
        result also holds the text's key points (`key_points`).
        """
        if len(text) > MAX_TEXT_CHARS:
            return Rendered("", (), f"this text is {len(text):,} characters, over the limit of "
                            f"{MAX_TEXT_CHARS:,} (about {MAX_TEXT_CHARS // 6000 * 1000:,} words)",
                            first_line, hint="split it into several items")
        doc_id = doc_id or id_prefix
        env: dict[str, Any] = {"docId": doc_id} if doc_id else {}
        key_points = None
        try:
            tokens = self.md.parse(text, env)
            if points:  # before links are resolved: key points keep them as written
                key_points = self._key_points(tokens, env)
            _lower_page_titles(tokens)
            unmatched = _name_headings(tokens, heading_names)
            broken, unlabelled = _rewrite(tokens, resolve, id_prefix, first_line, anchors,
                                          self.unsafe_html)
            _mark_checklists(tokens)
            _mark_wide_tables(tokens)
            _mark_bare_links(tokens)
            html = self.md.renderer.render(tokens, self.md.options, env)
        except RecursionError:
            # Parts of the parser recurse; text nested deeper than Python's stack is a
            # content problem to report, not a crash.
            return Rendered("", (), "the Markdown is nested too deeply to render", first_line)
        if "nesting_cut" in env:
            return Rendered("", tuple(broken), "quotes or lists nested too deeply here; the text"
                            " from this line on would be lost", first_line + env["nesting_cut"])
        if not self.unsafe_html:
            html = self.clean(html)
        return Rendered(html, tuple(broken), points=key_points, unlabelled=tuple(unlabelled),
                        unmatched_headings=unmatched)

    def _key_points(self, tokens: list[Token], env: dict[str, Any]) -> tuple[str, ...]:
        """The key points of a section: its list items, or else its paragraphs, as inline HTML,
        from the tokens of the section's own parse."""
        items = [tokens[i + 2] for i, t in enumerate(tokens)
                 if t.type == "list_item_open" and t.level == 1 and i + 2 < len(tokens)]
        if not items:
            items = [tokens[i + 1] for i, t in enumerate(tokens)
                     if t.type == "paragraph_open" and t.level == 0]
        return tuple(self._inline_html(token, env) for token in items if token.content.strip())

    def _inline_html(self, token: Token, env: dict[str, Any]) -> str:
        if token.type != "inline" or token.children is None:  # a list item opening with code
            return self.render_inline(token.content)
        renderer = self.md.renderer
        assert isinstance(renderer, RendererHTML)
        html = renderer.renderInline(token.children, self.md.options, env)
        return html if self.unsafe_html else self.clean(html)

    def render_inline(self, text: str) -> str:
        """One line of Markdown (a list item, a headline) without the paragraph around it."""
        html = self.md.renderInline(text)
        return html if self.unsafe_html else self.clean(html)

    def clean(self, html: str) -> str:
        """The allowlist's HTML. A character reference in raw HTML (`&#x1b;`) comes out of
        the sanitiser as the character, which XML and mail tools refuse: replaced."""
        return xml_safe(self.cleaner.clean(html))


class _QuickLinkify(LinkifyIt):  # type: ignore[misc]
    """linkify-it, asked only about texts that could hold a link: same links, less time.

    markdown-it calls `pretest` on each paragraph and `test` on each run of text in it; in
    prose most of either has no link, and linkify-it's regular expressions were half the
    time of rendering an item. A pretest may say yes wrongly (`test` decides): ours does
    for a paragraph with a Markdown link, and lets `test` look at the text around it."""

    def pretest(self, text: str) -> bool:
        return bool(_MAY_HOLD_LINK.search(text))

    def test(self, text: str) -> bool:
        return bool(_MAY_HOLD_LINK.search(text)) and bool(super().test(text))


def _watch_nesting(md: MarkdownIt) -> None:
    """Record in env['nesting_cut'] the first line markdown-it skips for being nested too deep
    (it drops such text silently)."""
    tokenize = md.block.tokenize

    def watched(state: StateBlock, start: int, end: int) -> None:
        if state.level >= md.options.maxNesting:
            line = state.skipEmptyLines(start)
            if line < end and state.sCount[line] >= state.blkIndent:
                state.env["nesting_cut"] = min(line, state.env.get("nesting_cut", line))
        tokenize(state, start, end)

    md.block.tokenize = watched  # type: ignore[method-assign,assignment]


# What an address cannot hold as written: white space and controls (a plain-text email's link
# ended at a space; an attribute with one is not valid HTML), the marks that HTML or a URL
# parser reads as their own, and a '%' that begins no escape. A file's name may hold '%', '#'
# and '?' too, which an address would read as an escape, a fragment or a query.
_NOT_IN_ADDRESS = re.compile(r'[\x00-\x20"<>\\^`{|}\x7f]|%(?![0-9A-Fa-f]{2})')
_NOT_IN_FILE_ADDRESS = re.compile(r'[\x00-\x20"#%<>?\\^`{|}\x7f]')


def address(path: str, file_name: bool = False) -> str:
    """`path` as an address: what it cannot hold as written percent-encoded; letters of every
    script stay, as browsers show them. `file_name`: `path` names a file as it is on disk."""
    unsafe = _NOT_IN_FILE_ADDRESS if file_name else _NOT_IN_ADDRESS
    return unsafe.sub(lambda found: "".join(f"%{byte:02X}" for byte in found[0].encode()), path)


_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


def as_uri(iri: str) -> str:
    """An address written with letters of any script (an IRI) in ASCII alone, as a sitemap
    must give it: the host in its IDNA form (unless IDNA 2003 would name another domain: then
    as written), every other letter percent-encoded."""
    if _NOT_ASCII.search(iri) is None:
        return iri
    scheme, found, rest = iri.partition("://")
    if not found:
        return _percent_encoded(iri)
    host, slash, path = rest.partition("/")
    return f"{scheme}://{ascii_host(host)}{slash}{_percent_encoded(path)}"


def ascii_host(host: str) -> str:
    """A domain name in its IDNA form ('łódź.pl': 'xn--d-uga0v4h.pl'); as written when IDNA
    cannot write it, or when Python's IDNA, 2003's, would name another domain ('faß.de' as
    'fass.de')."""
    if host.isascii():
        return host
    with contextlib.suppress(UnicodeError):
        written = host.encode("idna").decode("ascii")
        if written.encode("ascii").decode("idna") == host.lower():
            return written
    return host


def _percent_encoded(text: str) -> str:
    return _NOT_ASCII.sub(lambda found: "".join(f"%{byte:02X}" for byte in found[0].encode()),
                          text)


def relative_html(html: str, root: str) -> str:
    """Point the `@root/` URLs of a fragment at `root` ('../../' on a page, base_url in email)."""
    if ROOT_MARKER not in html:
        return html
    if 'srcset="' in html:  # raw HTML's: each of its candidates has an address
        html = _SRCSET.sub(lambda found: found[0].replace(ROOT_MARKER, root), html)
    return html.replace(f'="{ROOT_MARKER}', f'="{root}')


_SRCSET = re.compile(r'\bsrcset="[^"]*"')


Attrs = list[tuple[str, str | None]]
# edit(tag, attrs) -> the tag's attributes as they should be, or None to leave it as written.
TagEdit = Callable[[str, Attrs], Attrs | None]


class _EditedStartTags(HTMLParser):
    """The start tags an edit changes, found by a real HTML tokenizer: a regex would also
    match `href="..."` written in text, and values are escaped, not plain."""

    def __init__(self, edit: TagEdit, lines: list[int] | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.edit = edit
        self.lines = lines
        self.found: list[tuple[tuple[int, int], str, str, Attrs, bool]] = []

    def handle_starttag(self, tag: str, attrs: Attrs) -> None:
        self._record(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: Attrs) -> None:
        self._record(tag, attrs, closed=True)

    def _record(self, tag: str, attrs: Attrs, closed: bool) -> None:
        if self.lines is not None:
            self.lines.append(self.getpos()[0])
        edited = self.edit(tag, attrs)
        if edited is not None:
            self.found.append((self.getpos(), self.get_starttag_text() or "", tag, edited, closed))


def rewrite_start_tags(html: str, edit: TagEdit, lines: list[int] | None = None) -> str:
    """`html` with each start tag that `edit` changes written again with its new attributes,
    every value escaped, so a value that held `&quot;` stays one attribute (it once came back
    unescaped: a live `onerror=`). `lines`, when given, gets the line (from 1) of each start
    tag before `edit` sees it."""
    parser = _EditedStartTags(edit, lines)
    parser.feed(html)
    parser.close()
    if not parser.found:
        return html
    line_starts = [0] + [match.end() for match in re.finditer("\n", html)]
    pieces, done = [], 0
    for (line, column), raw, tag, attrs, closed in parser.found:
        start = line_starts[line - 1] + column
        pieces += [html[done:start], _start_tag(tag, attrs, closed)]
        done = start + len(raw)
    return "".join([*pieces, html[done:]])


def _start_tag(tag: str, attrs: Attrs, closed: bool) -> str:
    parts = [tag] + [name if value is None else f'{name}="{htmllib.escape(value)}"'
                     for name, value in attrs]
    return "<" + " ".join(parts) + (" />" if closed else ">")


def is_external(url: str) -> bool:
    """True for URLs with a scheme (https:, mailto:) or protocol-relative ones."""
    return bool(_SCHEME.match(url))


def _lower_page_titles(tokens: list[Token]) -> None:
    """A '# Heading' in an item or a page would be a second h1 on its page: make it an h2."""
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"


def _inline_children(tokens: list[Token], first_line: int) -> Iterator[tuple[int, Token]]:
    """Every inline token (link, image, text...) with the line it is on."""
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        line = first_line + (token.map[0] if token.map else 0)
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):  # a link on a paragraph's later line
                line += 1
            yield line, child


def _name_headings(tokens: list[Token], names: tuple[str, ...]) -> tuple[int, int, int] | None:
    """Give a translation's headings its original's ids (`names`, in order), so that a link
    to a heading, kept as written in the translation or made from a text shown untranslated,
    leads there in every language: `01-lead.md#background` to `## Contexte` in French. With
    another count of headings, the headings cannot be matched, and keep their own ids.
    A `#fragment` written in the translation's own words still leads to its heading
    (`_rewrite` gets both names). Returns `Rendered.unmatched_headings`, the line counted
    from the text's first."""
    headings = [token for token in tokens
                if token.type == "heading_open" and token.attrGet("id")]
    if not names:
        return None
    if len(names) != len(headings):
        first = headings[0].map[0] if headings and headings[0].map else 0
        return len(headings), len(names), first
    for token, name in zip(headings, names, strict=True):
        token.meta["own_id"] = token.attrGet("id")
        token.attrSet("id", name)
    return None


def _rewrite(tokens: list[Token], resolve: Resolver, id_prefix: str, first_line: int,
             anchors: Anchors = (), unsafe_html: bool = False
             ) -> tuple[list[tuple[int, str, str]], list[tuple[int, str, str]]]:
    """Resolve every link and image, and prefix the heading ids; the links that could not be
    resolved (line, url, kind), and the images with no alt text (line, url as written, kind):
    a screen reader says nothing of those, and a mail client that blocks images shows nothing
    in their place. Raw HTML's addresses are those the sanitiser keeps (`_SANITISED_ADDRESSES`)
    unless `unsafe_html` keeps it as written."""
    addresses = _RAW_ADDRESSES if unsafe_html else _SANITISED_ADDRESSES
    broken: list[tuple[int, str, str]] = []
    unlabelled: list[tuple[int, str, str]] = []
    ids = dict(anchors)  # what a `#name` link leads to: a part, or a heading of this text
    for token in tokens:  # the headings' ids, prefixed
        if token.type == "heading_open" and token.attrGet("id"):
            name = str(token.attrGet("id"))
            ids[name] = f"{id_prefix}-{name}" if id_prefix else name
            if "own_id" in token.meta:  # its translated words name it too (_name_headings)
                ids.setdefault(str(token.meta["own_id"]), ids[name])
            token.attrSet("id", ids[name])
    for token in tokens:  # once every heading's id is known: a link may lead further down
        if token.type == "html_block" and token.map:
            _raw_html(token, resolve, ids, first_line + token.map[0], broken, unlabelled,
                      addresses)
    for line, child in _inline_children(tokens, first_line):
        if child.type == "html_inline":
            _raw_html(child, resolve, ids, line, broken, unlabelled, addresses)
        attr, kind = {"link_open": ("href", "link"), "image": ("src", "image")}.get(
            child.type, ("", ""))
        url = str(child.attrGet(attr) or "") if attr else ""
        if kind == "image" and not child.content.strip():
            unlabelled.append((line, url, "image"))
        if url.startswith("#") and url[1:] in ids:
            child.attrSet(attr, f"#{ids[url[1:]]}")
            continue
        if not url or is_external(url) or url.startswith("#"):
            continue
        target = resolve(url, kind)
        if target is None:
            broken.append((line, url, kind))
        else:
            child.attrSet(attr, target)
    # the blocks' and the paragraphs' images, warned of in the order of the text
    return broken, sorted(unlabelled, key=lambda found: found[0])


def _raw_html(token: Token, resolve: Resolver, ids: dict[str, str], line: int,
              broken: list[tuple[int, str, str]], unlabelled: list[tuple[int, str, str]],
              addresses: dict[str, dict[str, str]]) -> None:
    """The addresses of raw HTML (`<a href>`, `<img src srcset>`, a `<picture>`'s or video's
    `<source>`) resolved as Markdown's links are, so that they lead where they should from
    every page and edition that shows the text; those that lead nowhere are added to
    `broken`, and pictures without alt text to `unlabelled` (with their src as written), at
    their line. One parse for both."""
    if not _RAW_LINK_TAG.search(token.content):  # most raw HTML is a <br> or a </a>
        return

    lines: list[int] = []  # of each start tag, from 1, as `edit` sees it

    def address(url: str, kind: str) -> str:
        if not url or is_external(url) or (url.startswith("#") and url[1:] not in ids) or \
                _NOT_A_PATH.search(url):  # for the sanitiser to judge ('java\tscript:')
            return url
        target = f"#{ids[url[1:]]}" if url.startswith("#") else resolve(url, kind)
        if target is None:
            broken.append((line + lines[-1] - 1, url, kind))
        return target or url

    def edit(tag: str, attrs: Attrs) -> Attrs | None:
        src = unlabelled_src(tag, attrs)
        if src is not None:
            unlabelled.append((line + lines[-1] - 1, src, "html"))
        kinds = addresses.get(tag, {})
        edited = [(key, value if not value or key not in kinds else
                   _srcset(value, kinds[key], address) if key == "srcset" else
                   address(value, kinds[key])) for key, value in attrs]
        return edited if edited != attrs else None

    token.content = rewrite_start_tags(token.content, edit, lines)


def _srcset(candidates: str, kind: str, address: Callable[[str, str], str]) -> str:
    """A `srcset` with the address of each of its candidates ('map.png 2x') resolved. Read as
    browsers read it: an address runs to a space (a `data:` address holds commas), and its
    descriptors to the next comma."""
    resolved = []
    rest = candidates.lstrip(_SRCSET_GAP)
    while rest:
        url = rest.split(maxsplit=1)[0]
        rest = rest[len(url):]
        descriptors = ""
        if url.endswith(","):  # no descriptors: the comma after the address ends it
            url = url.rstrip(",")
        else:
            descriptors, _, rest = rest.partition(",")
        resolved.append(" ".join([address(url, kind), *descriptors.split()]))
        rest = rest.lstrip(_SRCSET_GAP)
    return ", ".join(resolved)


_SRCSET_GAP = " \t\n\r\f,"  # what comes between a srcset's candidates
# The attributes of raw HTML that hold an address, and what each leads to: a page or a file
# ('link'), a picture, or a video's or sound's file ('media'), which no page can be. Those that
# the sanitiser keeps, without `unsafe_html`, are only a link's and a picture's `src`.
_SANITISED_ADDRESSES = {"a": {"href": "link"}, "img": {"src": "image"}}
_RAW_ADDRESSES = {
    "a": {"href": "link"},
    "img": {"src": "image", "srcset": "image"},
    "source": {"src": "media", "srcset": "image"},
    "video": {"src": "media", "poster": "image"},
    "audio": {"src": "media"},
}
_RAW_LINK_TAG = re.compile(r"<(?:a|img|source|video|audio)\b", re.IGNORECASE)
# What no file's path holds: quotes and brackets (an attribute broken out of), tabs and line
# ends (which browsers take out of addresses), or a ':' before the first '/' (a scheme).
_NOT_A_PATH = re.compile(r"[\"'<>`\t\n\r]|^[^/]*:")


def images_without_alt(html: str) -> list[tuple[int, str]]:
    """(line, counted from 0, src) of every <img> of `html` with no alt attribute at all,
    save those marked as decoration. An empty alt="" is no omission: it says the picture
    tells nothing (Markdown's `![](...)` writes one, and is found by its empty brackets)."""
    if not _IMG_TAG.search(html):  # most raw HTML has no image: no parser needed
        return []
    finder = _ImagesWithoutAlt()
    finder.feed(html)
    finder.close()
    return finder.found


def srcs_without_alt(fragments: Iterable[str]) -> set[str]:
    """The src of every <img> of `fragments` with no alt attribute (`images_without_alt`),
    reported at their lines when the text was read, not again where they are shown: as
    `shown_src` gives the src of an <img> of a page that shows them."""
    return {shown_src(src) for html in fragments for _, src in images_without_alt(html)}


def shown_src(src: str) -> str:
    """An image's src without the way up to the site's root: a fragment's `@root/issues/x/a.png`
    is `../../issues/x/a.png` on one page and `../issues/x/a.png` on another."""
    return _UP_TO_ROOT.sub("", src.removeprefix(ROOT_MARKER))


_UP_TO_ROOT = re.compile(r"^(?:\.\./|\./)+")


def decorative(attrs: dict[str, str]) -> bool:
    """An image marked as decoration (aria-hidden, role=presentation), which needs no alt."""
    return attrs.get("aria-hidden") == "true" or attrs.get("role") in ("presentation", "none")


class _ImagesWithoutAlt(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        src = unlabelled_src(tag, attrs)
        if src is not None:
            self.found.append((self.getpos()[0] - 1, src))


def unlabelled_src(tag: str, attrs: Attrs) -> str | None:
    """The src of an <img> with no alt attribute and not marked as decoration (its src as
    written, '' for none); None for any other tag."""
    if tag != "img":
        return None
    values = {name: value or "" for name, value in attrs}
    return None if "alt" in values or decorative(values) else values.get("src", "")


def shows_its_target(target: str, shown: str) -> bool:
    """Whether a link's text `shown` is its target written out: the address whole, without its
    scheme or final slash, or a mail link's address."""
    address = target.split("://", 1)[-1]
    return shown in {target, target.removeprefix("mailto:"), address, address.rstrip("/")}


def _mark_bare_links(tokens: list[Token]) -> None:
    """A link whose text is its own address (an autolink, a web address in the text) gets class
    'bare': printed, from the browser as in the PDF, it is not followed by its address again."""
    for token in tokens:
        children = token.children if token.type == "inline" else None
        if not children:
            continue
        # Indexed, the opening tag tested first: most children are text, and this runs on
        # every fragment of every build.
        for index in range(len(children) - 2):
            opening = children[index]
            if opening.type != "link_open":
                continue
            text = children[index + 1]
            if text.type == "text" and children[index + 2].type == "link_close" \
                    and not opening.attrGet("class") \
                    and shows_its_target(str(opening.attrGet("href") or ""), text.content.strip()):
                opening.attrSet("class", "bare")


# A table of more columns than this is marked `wide`: paper and an email's column cannot scroll
# it, and give each of its columns an equal part of their width instead (print.css,
# email/style.css); a web page scrolls it.
WIDE_TABLE_COLUMNS = 6


def _mark_wide_tables(tokens: list[Token]) -> None:
    """Mark each table of more than WIDE_TABLE_COLUMNS columns with the class `wide`."""
    for index, token in enumerate(tokens):
        if token.type != "table_open":
            continue
        columns = 0
        for cell in tokens[index + 1:]:
            if cell.type == "tr_close":
                break
            columns += cell.type == "th_open"
        if columns > WIDE_TABLE_COLUMNS:
            token.attrSet("class", "wide")


def _mark_checklists(tokens: list[Token]) -> None:
    """`- [x] text` list items become a checklist with a visible tick, in every edition."""
    for index, token in enumerate(tokens):
        if token.type != "inline" or not token.children or index < 2:
            continue
        first = token.children[0]
        if tokens[index - 2].type != "list_item_open" or first.type != "text":
            continue
        match = re.match(r"^\[([ xX])\]\s+", first.content)
        if not match:
            continue
        done = match.group(1) != " "
        first.content = first.content[match.end():]
        tokens[index - 2].attrSet("class", "check done" if done else "check")
        mark = Token("html_inline", "", 0)
        mark.content = ('<span class="tick" aria-hidden="true">✓</span> ' if done
                        else '<span class="tick" aria-hidden="true">☐</span> ')
        token.children.insert(0, mark)
