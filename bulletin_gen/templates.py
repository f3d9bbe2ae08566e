"""The Jinja environment: template search path, filters, and how links are written.

Templates are looked up first in the site's `templates/`, then in the built-in theme; the theme
is also reachable as `theme/<name>` so that an override can extend what it replaces.

Links between pages are relative ('../../archive/'), so a site works from any sub-path and from
the file system. Pages that are served from anywhere (404) and the email edition use absolute
URLs instead; a template says which by setting `link_base` in its context.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
import re
import sys
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from types import CodeType
from typing import Any
from urllib.parse import unquote

import jinja2
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    nodes,
    pass_context,
    pass_eval_context,
    select_autoescape,
)
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from markupsafe import Markup, escape

from . import __version__
from .config import rgb
from .errors import ContentError, Location, Problem
from .excerpt import plain
from .i18n import (
    DEFAULT_SESSION,
    direction_of,
    format_date,
    format_names,
    format_number,
    og_locale,
    punctuation,
    text_direction,
    translations_for,
)
from .layout import THEME_DIR
from .markdown import (
    FOOTNOTES_HEADING,
    ROOT_MARKER,
    Attrs,
    address,
    as_uri,
    relative_html,
    rewrite_start_tags,
)
from .model import EMAIL_COLUMN, EMAIL_WIDTH, PRINT_WIDTH, Image, Issue, Item, Page, lang_of

THEME_TEMPLATES = THEME_DIR / "templates"
THEME_STATIC = THEME_DIR / "static"
# What Jinja's i18n extension calls: `{% trans %}`, `_()` and their plural and context forms.
GETTEXT_CALLABLES = ("gettext", "ngettext", "pgettext", "npgettext")


# The code of each template this process compiled, by its text, name, file and the settings
# that shape it (`compile_settings`), for every environment it makes: compiling the theme is
# most of a small site's build, and one process may build many sites or editions (`serve`,
# the tests, a program that builds several). Jinja's own cache is an environment's.
COMPILED: dict[tuple[str, str | None, str | None, bool, str], CodeType] = {}
KEPT_COMPILED = 500


class ThemeEnvironment(Environment):
    """Jinja's environment, able to compile a template from a tree parsed for another reader
    (the incremental layer reads what each template loads): parsing is most of a template's
    compile, and a fresh site would otherwise parse every template twice. A template this
    process compiled already is not compiled again (`COMPILED`)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.parsed: dict[str, nodes.Template] = {}  # by source text, until compiled
        self.settings = ""  # `compile_settings`, once the environment is set up

    def compile(self, source: str | nodes.Template, name: str | None = None,  # type: ignore[override]
                filename: str | None = None, raw: bool = False,
                defer_init: bool = False) -> CodeType | str:
        if raw or not isinstance(source, str):
            return super().compile(source, name, filename, raw, defer_init)  # type: ignore[call-overload, no-any-return]
        self.settings = self.settings or compile_settings(self)
        key = (source, name, filename, defer_init, self.settings)
        if key not in COMPILED:
            kept = super().compile(source, name, filename, False, defer_init)
            keep_latest(COMPILED, {key: kept}, KEPT_COMPILED)
        return COMPILED[key]

    def parse_to_compile(self, source: str, name: str | None = None) -> nodes.Template:
        """Parse `source`; compiling a template of this text takes this tree. The caller
        only reads it: Jinja's compiler may rewrite it."""
        tree = self.parsed[source] = super()._parse(source, name, None)
        return tree

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = self.parsed.pop(source, None)
        return super()._parse(source, name, filename) if tree is None else tree


def keep_latest(kept: dict[Any, Any], new: dict[Any, Any], most: int) -> None:
    """Add `new` to `kept`, a process's memory of what it made, and drop the oldest beyond
    `most`."""
    kept.update(new)
    for key in list(kept)[:max(0, len(kept) - most)]:
        del kept[key]


def compile_settings(env: Environment) -> str:
    """A name for the settings that shape a template's compiled code: Jinja checks each
    template's source itself, but not how the environment that compiled it was set up."""
    settings = (__version__, jinja2.__version__, sys.version_info[:2], env.block_start_string,
                env.block_end_string, env.variable_start_string, env.variable_end_string,
                env.comment_start_string, env.comment_end_string, env.line_statement_prefix,
                env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks,
                env.newline_sequence, env.keep_trailing_newline, env.optimized,
                sorted(env.extensions), sorted(env.filters), sorted(env.tests),
                [env.autoescape(name) if callable(env.autoescape) else env.autoescape
                 for name in ("a.html", "a.xml", "a.txt", None)])
    return hashlib.sha256(repr(settings).encode()).hexdigest()[:32]


class SiteTemplates(FileSystemLoader):
    """The site's own templates (`templates/`): one that is not UTF-8 text is an editor's
    error at its line, not a traceback from Jinja's loader; the byte order mark some editors
    write first (U+FEFF) is left out, as content files' is, or it would begin every page."""

    def __init__(self, site_dir: Path) -> None:
        super().__init__(site_dir / "templates")

    def get_source(self, environment: Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        try:
            source, filename, uptodate = super().get_source(environment, template)
        except UnicodeDecodeError as error:
            line = error.object[:error.start].count(b"\n") + 1
            raise ContentError([Problem(Location(f"templates/{template}", line),
                                        "not valid UTF-8 text",
                                        "save the file with UTF-8 encoding")]) from None
        return source.removeprefix("\ufeff"), filename, uptodate


def make_environment(site_dir: Path | None, language: str = "en",
                     others: tuple[str, ...] = ()) -> ThemeEnvironment:
    """A Jinja environment searching `site_dir/templates`, then the built-in theme, speaking
    `language` (see `install_language`), and ready to speak the `others` (`speech_for`)."""
    theme = FileSystemLoader(THEME_TEMPLATES)
    loaders = [SiteTemplates(site_dir)] if site_dir else []
    env = ThemeEnvironment(
        # `theme/...` is always the built-in theme, even beside a copy in templates/theme/.
        loader=ChoiceLoader([PrefixLoader({"theme": theme}), *loaders, theme]),
        autoescape=select_autoescape(disabled_extensions=("txt",), default=True,
                                     default_for_string=True),  # plain text is never escaped
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one environment serves one build: no need to stat each template
        extensions=["jinja2.ext.i18n"],
    )
    install_language(env, language, site_dir)
    env.globals["speech"] = {lang: language_globals(lang, site_dir) for lang in others}
    env.globals.update(email_width=EMAIL_WIDTH, email_column=EMAIL_COLUMN,
                       print_width=PRINT_WIDTH)
    env.globals["frame_attrs"] = frame_attributes
    env.tests["same_contact"] = same_contact
    env.tests["ends_sentence"] = ends_sentence
    env.tests["one_a_line"] = one_a_line
    env.filters.update(
        url=url_filter,
        local=local_filter,
        date=date_filter,
        isodate=lambda d: d.isoformat(),
        rfc3339=lambda d: f"{d.isoformat()}T00:00:00Z",
        names=join_names,
        and_list=and_list,
        isolate=isolate,
        demote=demote_headings,
        plain=plain_text,
        own_dir=own_direction,
        direction=text_direction,
        og_locale=og_locale,
        lang_attrs=lang_attributes,
        field_lang=lang_of,  # a field's own language, for a feed's xml:lang
        lang_dir=language_attributes,
        session_attrs=session_attributes,
        theme_attrs=theme_attributes,
        label_attrs=label_attributes,
        marked=marked_text,
        number=number_filter,
        session=session_name,
        tint=tint,
        uri=as_uri,
    )
    return env


def lang_attributes(shown: Issue | Item | Page, field: str) -> Markup:
    """`<p{{ issue | lang_attrs('summary') }}>`: ' lang="en" dir="ltr"' when the field's text
    has a language of its own (an untranslated item's, or its original's where a translation
    left the field out: model.lang_of), so that it is read, and laid out, in that language."""
    return language_attributes(lang_of(shown, field))


def session_attributes(item: Item) -> Markup:
    """`<dd{{ item | session_attrs }}>`: `lang_attrs('session')` for a round table's own name
    for its session; nothing for the default name, which the `session` filter says in the
    page's language, nor for an item that is not a round table."""
    return lang_attributes(item, "session") if _own_session(item) else Markup("")


def _own_session(item: Item) -> bool:
    """Whether `item` is a round table that names its session (else the theme names it)."""
    return item.roundtable is not None and item.roundtable.session != DEFAULT_SESSION


@pass_context
def theme_attributes(context: Context, shown: Issue | Item | Page) -> Markup:
    """`<p class="byline"{{ item | theme_attrs }}>`: the theme's words inside the article of an
    item in a language of its own (an untranslated one), which is marked with that language,
    are in the page's: ' lang="ar" dir="rtl"', so that they are read, and laid out, in it.
    Nothing for an item in the page's language."""
    return _inside(shown, _page_language(context), _document_language(context))


@pass_context
def frame_attributes(context: Context) -> Markup:
    """`<header class="site-header"{{ frame_attrs() }}>`: the site's header and footer, in the
    theme's language, on a page marked with another (an issue in Arabic on an English site):
    ' lang="en" dir="ltr"', so that they are not mirrored with it. Nothing on the others."""
    theme = _page_language(context)
    return language_attributes(theme) if _document_language(context) != theme else Markup("")


@pass_context
def label_attributes(context: Context, item: Item) -> Markup:
    """`<p class="kind-label"{{ item | label_attrs }}>`: the label above an item's title, inside
    its article: a round table's own name for its session, in the language of that text
    (lang_of), or else the theme's word for the item's kind or the default session, in the
    page's; marked where that is not the article's."""
    theme = _page_language(context)
    own = lang_of(item, "session") or theme if _own_session(item) else theme
    return _inside(item, own, _document_language(context))


def _inside(shown: Issue | Item | Page, lang: str, page_lang: str) -> Markup:
    """The attributes of a text in `lang` inside the article of `shown`, which is in its own
    language where it has one (partials/item.html, page.html), else in the page's."""
    return language_attributes(lang) if lang != (shown.lang or page_lang) else Markup("")


def marked_text(text: str, attrs: Markup) -> Markup:
    """`{{ item.title | marked(item | lang_attrs('title')) }}`: the text in a <span> of its
    language where `attrs` gives one, so that what follows it in the same element (the page
    number that print.css adds to a contents entry) stays in the page's."""
    return Markup("<span%s>%s</span>") % (attrs, text) if attrs else escape(text)


def language_attributes(lang: str) -> Markup:
    """`<p{{ config.tagline_lang | lang_dir }}>`: ' lang="en" dir="ltr"' for a language, nothing
    for none (the page's own)."""
    return Markup(' lang="%s" dir="%s"') % (lang, text_direction(lang)) if lang else Markup("")


def relative_root(page_url: str) -> str:
    """The path from a page's folder back to the site root: '' -> './', 'a/b/' -> '../../'."""
    folder = page_url if page_url.endswith("/") else posixpath.dirname(page_url)
    depth = len([part for part in folder.split("/") if part])
    return "../" * depth or "./"


def link(target: str, page_url: str, link_base: str = "") -> str:
    """The href from the page at `page_url` to the site path `target` (or `@root/` + path)."""
    target = target.removeprefix(ROOT_MARKER)
    if "://" in target or target.startswith(("mailto:", "#")):
        return target
    target = address(target.lstrip("/"))
    if link_base:
        return link_base + target
    root = relative_root(page_url)
    return (root if root != "./" else "") + target or "./"


@pass_context
def url_filter(context: Context, target: str) -> str:
    """`{{ item.url | url }}`: a link from the page being rendered to a site path."""
    return link(target, context.get("page_url", ""), context.get("link_base", ""))


@pass_context
def local_filter(context: Context, html: str, item_page: str = "") -> Markup:
    """`{{ item.html | local }}`: a rendered fragment as the page shows it: its internal links
    made to fit, the pictures it places sized (on a web page), and its footnotes' heading in
    the page's language.

    `item_page` (or the template's variable of that name): the site path of the item's own
    page, for a fragment shown away from it (a brief on a tag page, an item in a feed), whose
    `#part` links (to another brief, to a round table's recommendations) then lead there."""
    item_page = item_page or context.get("item_page", "")
    if item_page:
        html = html.replace('href="#', f'href="{ROOT_MARKER}{item_page}#')
    held = context.get("items_held")  # the print edition: the issue's items, by their pages
    if held and ROOT_MARKER in html:
        html = rewrite_start_tags(html, partial(_link_within, held))
    base = context.get("link_base", "") or relative_root(context.get("page_url", ""))
    pictures = context.get("pictures")  # on a web page (render._pictures)
    # Parsed only when it shows one of them: most fragments of an issue with pictures don't.
    if pictures and any(f'"{escape(_site_address(url))}"' in html
                        for url in pictures):
        html = rewrite_start_tags(html, partial(_sized_picture, pictures))
    html = relative_html(html, base if base != "./" else "")
    return Markup(_notes_heading(html, context))


def _notes_heading(html: str, context: Context) -> str:
    """The fragment with its footnotes' heading (written in English, markdown.py) in the
    page's language, marked with it: the fragment may be another language's (an item not
    translated yet)."""
    language = _page_language(context)
    translations = context.get("translations")
    if language == "en" or translations is None or FOOTNOTES_HEADING not in html:
        return html
    word = escape(translations.gettext("Notes"))
    return html.replace(FOOTNOTES_HEADING, FOOTNOTES_HEADING.replace(
        ">Notes<", f' lang="{language}">{word}<'))


def _link_within(items_held: dict[str, str], tag: str, attrs: Attrs) -> Attrs | None:
    """A link (<a href>) to the page of an item the document holds (`items_held`: each such
    page's site path, with the id of the item in the document), or to a part of one, made to
    lead there within the document, and marked (`data-page-ref`) for print.css to print the
    page it is on: paper cannot follow a web address to what the reader holds."""
    href = dict(attrs).get("href") or ""
    path, _, fragment = href.removeprefix(ROOT_MARKER).partition("#")
    if tag != "a" or not href.startswith(ROOT_MARKER) or path not in items_held:
        return None
    # A part's id is the same in the document as on the item's page (its item's slug first).
    target = "#" + (fragment or items_held[path])
    return [*((name, target if name == "href" else value) for name, value in attrs),
            ("data-page-ref", None)]


# How a web page shows a picture: its copy this wide, and the sizes it takes on the screen
# (`srcset`), as partials/picture.html shows an `image:`.
SHOWN_WIDTH = 800
SHOWN_SIZES = "(max-width: 44rem) 100vw, 42rem"


def _sized_picture(pictures: dict[str, Image], tag: str, attrs: Attrs) -> Attrs | None:
    """An <img> of a picture the text places (`src` one of `pictures`, by site path) as an
    `image:` is shown: its copy for the screen, the others in `srcset`, with its width and
    height; unless the text gave a width."""
    values = dict(attrs)
    src = values.get("src") or ""
    image = pictures.get(unquote(src[len(ROOT_MARKER):])) if src.startswith(ROOT_MARKER) \
        else None
    if tag != "img" or image is None or "width" in values or "height" in values:
        return None
    values.update(src=_site_address(image.at(SHOWN_WIDTH)),
                  width=str(min(image.width, SHOWN_WIDTH)),
                  height=str(image.height_at(SHOWN_WIDTH)), decoding="async")
    widths = image.widths()
    if len(widths) > 1:
        values.update(srcset=", ".join(f"{_site_address(image.at(width))} {width}w"
                                       for width in widths), sizes=SHOWN_SIZES)
    return list(values.items())


def _site_address(path: str) -> str:
    """A file's site path as a fragment's link holds it, for `relative_html` to fit."""
    return ROOT_MARKER + address(path, file_name=True)


def tint(colour: str, whiteness: float) -> str:
    """`{{ config.colours.accent | tint(0.85) }}`: the colour (#rrggbb) mixed with white, for
    the pale shades of the email, whose mail clients read no CSS variables."""
    return "#" + "".join(f"{round(value + (255 - value) * whiteness):02x}"
                         for value in rgb(colour))


def _page_language(context: Context) -> str:
    """The language of the page being rendered, which its theme's words and numbers speak."""
    return context.get("language") or "en"


def _document_language(context: Context) -> str:
    """The language the page is marked with (its <html lang>): an issue's own (`lang:`, an
    issue in Arabic on an English site), else the theme's. The theme's words inside such a
    page are marked with theirs (`theme_attrs`): in a page read right to left, '10 July
    2026' came out as 'July 2026 10'."""
    issue = context.get("issue")
    return (context.get("page_lang") or getattr(issue, "lang", "")
            or _page_language(context))


def same_contact(contact: Any, other: Any) -> bool:
    """`{% if item.contact is same_contact(issue.contact) %}`: the same person (name and
    address), whatever role each gives, so that a page shows one contact once."""
    return bool(contact) and bool(other) and (contact.name, contact.email) == (
        other.name, other.email)


# What ends a sentence, in the scripts of the shipped languages: full stops, question and
# exclamation marks, and the ellipsis.
_SENTENCE_ENDS = frozenset(".!?\u2026\u3002\uff01\uff1f\u061f")
# What may close a quotation after its last word: quotation marks of every shipped language
# (German closes with “, Danish with «) and the space French sets inside « ».
_CLOSING_QUOTES = "\"'\u2018\u2019\u201c\u201d\u00ab\u00bb\u2039\u203a\u300d\u300f \u00a0\u202f"


def ends_sentence(html: str) -> bool:
    """`{% if said is ends_sentence %}`: the text (HTML or plain) ends with what ends a
    sentence, perhaps inside closing quotation marks, as 'of “Who decides on water?”' does:
    a full stop after it would be one mark too many. A closing bracket is the text's own end:
    a title in brackets (as Chinese and Japanese give it) takes its full stop after them."""
    return plain_text(html).rstrip(_CLOSING_QUOTES)[-1:] in _SENTENCE_ENDS


def one_a_line(names: Sequence[str]) -> bool:
    """`{% if people is one_a_line %}`: two names or more, one of which says who the person
    is (in brackets): joined by "and" in a sentence, they ran together."""
    return len(names) > 1 and any("(" in name for name in names)


def plain_text(html: str) -> str:
    """`{{ self.title() | plain }}`: the text of an HTML fragment, for a meta tag. As Jinja's
    `striptags`, but a no-break space stays one: French sets one before '?', which `striptags`
    folds into a plain space with the line breaks."""
    return plain(str(html))


@pass_context
def own_direction(context: Context, *texts: str) -> Markup:
    """`<li{{ brief.headline | own_dir(brief.html) }}>`: ` dir="rtl"` for texts (HTML) that
    begin right to left on a page read left to right, or the other way round; '' when they go
    the page's way. As dir="auto" gives it: WeasyPrint knows no dir="auto", and a brief in
    Arabic among English ones, which has no `lang:` of its own, printed its words out of
    order; mail clients read it in a style attribute (email/style.css)."""
    # The first text with a letter says it (a headline, most often): the brief's text is not
    # stripped of its tags for nothing, on every tag and region page that lists it.
    direction = next((found for found in (direction_of(plain_text(text)) for text in texts)
                      if found), "")
    if not direction or direction == text_direction(_page_language(context)):
        return Markup("")
    return Markup(f' dir="{direction}"')


_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")


def demote_headings(html: str, levels: int = 1) -> Markup:
    """Shift a fragment's headings down (h2 -> h3) to fit under the heading that contains it."""
    # Only an already-safe fragment (from `local`) is trusted; plain text is escaped first.
    html = html if isinstance(html, Markup) else str(escape(html))
    if levels <= 0:
        return Markup(html)
    return Markup(_HEADING_TAG.sub(
        lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + levels, 6)}", html))


def install_language(env: Environment, lang: str, site_dir: Path | None) -> None:
    """Make `env` speak `lang`: the theme's words from its catalogues (`{% trans %}`, `_()`)
    and dates, names and numbers written its way. One environment per language; or one
    environment for several, each render given `language_globals(lang, site_dir)` in its
    context (context values win over the environment's globals)."""
    env.newstyle_gettext = True  # type: ignore[attr-defined]  # set by jinja2.ext.i18n
    env.globals.update(language_globals(lang, site_dir))


def speech_for(env: Environment, lang: str) -> dict[str, Any]:
    """What a render in `lang` adds to its context when `env` speaks another language by
    default: one environment renders every language of a site (`make_environment`'s
    `others`)."""
    speech: dict[str, dict[str, Any]] = env.globals.get("speech", {})  # type: ignore[assignment]
    return speech.get(lang, {})


def language_globals(lang: str, site_dir: Path | None) -> dict[str, Any]:
    """What a template rendered in `lang` reads: `language` (for the date, names and number
    filters), `comma` (between a name and a role: ', ', in Arabic '، '), `full_stop` and
    `semicolon` (of a sentence the theme writes, in its language), `translations` (for
    Python code: the plain-text email) and the gettext callables of Jinja's i18n extension,
    new style (`%(name)s` placeholders filled in, the translation trusted as markup, its
    values escaped)."""
    translations = translations_for(lang, site_dir)
    # Jinja wraps the callables itself when it installs them: one environment of its own
    # per language gives them, through its public API, without becoming any page's.
    wrapping = Environment(extensions=["jinja2.ext.i18n"])
    wrapping.install_gettext_translations(  # type: ignore[attr-defined]  # jinja2.ext.i18n
        translations, newstyle=True)
    marks = punctuation(lang)
    return {"language": lang, "translations": translations, "comma": marks.comma,
            "full_stop": marks.full_stop, "semicolon": marks.semicolon,
            **{name: wrapping.globals[name] for name in GETTEXT_CALLABLES}}


@pass_context
def date_filter(context: Context, value: dt.date, style: str = "long") -> str:
    """`{{ issue.date | date }}`: '5 March 2026', '5 de marzo de 2026' in the page's language
    (its context's `language`); `date('short')` abbreviates the month."""
    if not isinstance(value, dt.date):  # Babel would fail on an assertion that says nothing
        raise TypeError(f"the date filter needs a date, not {type(value).__name__} {value!r}")
    return format_date(value, _page_language(context), style)


@pass_context
def number_filter(context: Context, value: float) -> str:
    """`{{ count | number }}`: '1,234' in English, '1 234' in French."""
    return format_number(value, _page_language(context))


@pass_context
def join_names(context: Context, names: Any) -> str:
    """('A', 'B', 'C') -> 'A, B and C' in the page's language ('A, B et C'); in HTML, each name
    isolated (`isolate`)."""
    return _listed(context, [isolate(context.eval_ctx, name) for name in names])


@pass_context
def and_list(context: Context, parts: Any) -> str:
    """`{{ [conclusions, recommendations] | and_list }}`: 'a and b' as the page's language
    joins a list ('a et b'; in Arabic 'a وb', the 'and' joined to the word after it)."""
    return _listed(context, list(parts))


def _listed(context: Context, parts: list[Any]) -> str:
    lang = _page_language(context)
    if not context.eval_ctx.autoescape:
        return format_names([str(part) for part in parts], lang)
    # The list's own words (' and ', 'و') around placeholders, escaped as any text; one that
    # stands for a name in Latin letters is one too, which an Arabic 'and' stands apart from.
    slots = [_SLOT_LTR if direction_of(plain_text(part)) == "ltr" else _SLOT for part in parts]
    words = _SLOTS.split(format_names(slots, lang))
    return Markup("").join(escape(word) + escape(part) for word, part in zip(
        words, [*parts, Markup("")], strict=True))


_SLOT = "\x00"  # where a name goes: no text holds it, control characters are refused at load
_SLOT_LTR = "\x00L\x00"  # where a name in a script written left to right goes
_SLOTS = re.compile("\x00L\x00|\x00")


@pass_eval_context
def isolate(eval_ctx: EvalContext, text: str) -> str:
    """`{{ term.name | isolate }}`: a name, tag, region or address in <bdi>, set apart from the
    text around it, so that neither reorders the other where their directions differ (in an
    Arabic page, '#rivers' showed as 'rivers#'); the same in every language, harmless left to
    right. Plain text (the text email) as it is."""
    return Markup("<bdi>%s</bdi>") % text if eval_ctx.autoescape else text


@pass_context
def session_name(context: Context, session: str) -> str:
    """`{{ rt.session | session }}`: the editor's name for a round table's session, or the
    default one in the page's language."""
    if session != DEFAULT_SESSION:
        return session
    return str(context.call(context["gettext"], session))

