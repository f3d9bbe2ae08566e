"""The language stage: what the theme says in a language, and how it writes dates and numbers.

The theme's words are English msgids translated by gettext catalogues shipped as text
(`locales/<lang>/LC_MESSAGES/theme.po`, compiled in memory when first needed). A site adds or
overrides a language with `translations/<lang>.po`: the messages it gives win, the others come
from the shipped catalogue, then stay English. Dates and numbers are written by Babel the way
the language writes them ("1 de agosto de 2006", "2006年8月1日").

Everything here is keyed by a language tag as the site writes it ('fr', 'pt-BR', 'zh_TW').
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import hashlib
import io
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date as babel_format_date
from babel.lists import format_list
from babel.localedata import locale_identifiers
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal
from babel.support import Translations

from .errors import ContentError, Location, Problem, Problems, closest
from .layout import CONFIG_FILE, LOCALES_DIR

DOMAIN = "theme"
# The languages whose catalogues ship with the theme, English (the msgids) first.
SHIPPED_LANGUAGES = ("en", "es", "fr", "de", "pt", "it", "nl", "ar", "ru", "zh", "ja", "ko")
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku-arab", "nqo",
                           "ps", "sd", "syr", "ug", "ur", "yi"})


def N_(message: str) -> str:
    """Marks a message that the model, not a template, hands to the theme (a role's label), so
    that `make messages` extracts it; the template translates it with `_()`."""
    return message


# A round table's session when the editor names none (validate.py), translated by the theme.
DEFAULT_SESSION = N_("Round Table")
# The words the model gives the templates, translated there by `_(label)`: the roles of a round
# table, and the kinds of item (capitalised on the web, as written in the email).
MODEL_WORDS = (N_("Presenter"), N_("Presenters"), N_("Facilitator"), N_("Facilitators"),
               N_("Secretary"), N_("Secretaries"), N_("Feature"), N_("Notice"), N_("Briefs"),
               N_("News"), N_("Roundtable"), N_("feature"), N_("notice"), N_("roundtable"),
               # The plain-text email's own words (editions/plaintext.py).
               N_("Notes:"), N_("note %(number)s"),
               # The footnotes' heading, for screen readers (markdown.py, templates.local_filter).
               N_("Notes"))


# The headings that mark a round table's parts, in each shipped language (compared as slugs:
# lower case, Latin accents dropped). Any language's name is recognised in any site, so that a
# translation may keep its original's headings; the theme prints a heading as it was written.
SECTION_HEADINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {"summary": ("Summary",), "discussion": ("Discussion", "Debate"),
           "conclusions": ("Conclusions", "Conclusion"),
           "recommendations": ("Recommendations", "Recommendation")},
    "es": {"summary": ("Resumen", "Sumario", "Síntesis"),
           "discussion": ("Discusión", "Debate", "Deliberaciones"),
           "conclusions": ("Conclusiones", "Conclusión"),
           "recommendations": ("Recomendaciones", "Recomendación")},
    "fr": {"summary": ("Résumé", "Synthèse", "Sommaire"),
           "discussion": ("Discussion", "Débat", "Débats"),
           "conclusions": ("Conclusions", "Conclusion"),
           "recommendations": ("Recommandations", "Recommandation")},
    "de": {"summary": ("Zusammenfassung", "Überblick"), "discussion": ("Diskussion", "Aussprache"),
           "conclusions": ("Schlussfolgerungen", "Ergebnisse", "Fazit"),
           "recommendations": ("Empfehlungen", "Empfehlung")},
    "pt": {"summary": ("Resumo", "Síntese", "Sumário"), "discussion": ("Discussão", "Debate"),
           "conclusions": ("Conclusões", "Conclusão"),
           "recommendations": ("Recomendações", "Recomendação")},
    "it": {"summary": ("Sintesi", "Riassunto", "Sommario"),
           "discussion": ("Discussione", "Dibattito"),
           "conclusions": ("Conclusioni", "Conclusione"),
           "recommendations": ("Raccomandazioni", "Raccomandazione")},
    "nl": {"summary": ("Samenvatting",), "discussion": ("Discussie", "Bespreking"),
           "conclusions": ("Conclusies", "Conclusie"),
           "recommendations": ("Aanbevelingen", "Aanbeveling")},
    "ar": {"summary": ("ملخص", "الملخص"), "discussion": ("نقاش", "النقاش", "المناقشة"),
           "conclusions": ("الاستنتاجات", "الخلاصات", "الخلاصة"),
           "recommendations": ("التوصيات", "توصيات")},
    "ru": {"summary": ("Резюме", "Краткое содержание"), "discussion": ("Обсуждение", "Дискуссия"),
           "conclusions": ("Выводы", "Заключение"), "recommendations": ("Рекомендации",)},
    "zh": {"summary": ("摘要", "概要", "总结", "總結"), "discussion": ("讨论", "討論"),
           "conclusions": ("结论", "結論"), "recommendations": ("建议", "建議")},
    "ja": {"summary": ("概要", "要約"), "discussion": ("討論", "議論", "ディスカッション"),
           "conclusions": ("結論",), "recommendations": ("提言", "勧告", "推奨事項")},
    "ko": {"summary": ("요약", "개요"), "discussion": ("토론", "논의"), "conclusions": ("결론",),
           "recommendations": ("권고", "권고 사항", "권장 사항")},
}
@functools.cache
def section_names() -> dict[str, dict[str, frozenset[str]]]:
    """SECTION_HEADINGS as slugs ('resumen'), by language then role; 'any' holds them all."""
    from .markdown import slugify  # markdown.py is a heavier import than this module needs

    def slugs(names: tuple[str, ...]) -> frozenset[str]:
        return frozenset(slugify(name).replace("-", " ") for name in names)

    table = {lang: {role: slugs(names) for role, names in roles.items()}
             for lang, roles in SECTION_HEADINGS.items()}
    table["any"] = {role: frozenset().union(*(roles[role] for roles in table.values()))
                    for role in SECTION_HEADINGS["en"]}
    return table


def section_role(heading_slug: str) -> str:
    """'summary', 'discussion', 'conclusions', 'recommendations' or 'other', by a heading's slug
    in any shipped language ('conclusiones', 'recommandations', '結論')."""
    name = heading_slug.replace("-", " ").strip()
    for role, names in section_names()["any"].items():
        if name in names:
            return role
    return "other"


def section_meant(heading: str) -> str:
    """The round-table section name, in any shipped language, that `heading` is a near miss
    of ('Summery': 'Summary', 'Recomendations': 'Recommendations'); '' when none is near."""
    written = {name.casefold(): name for roles in SECTION_HEADINGS.values()
               for names in roles.values() for name in names}
    close = closest(heading.strip().casefold(), written, cutoff=0.8)
    return written[close] if close else ""


def _tag(lang: str) -> str:
    """'pt-BR', 'pt_BR' -> 'pt-br': the tag in one spelling, lower case with '-'."""
    return lang.strip().replace("_", "-").lower()


def _candidates(lang: str) -> list[str]:
    """The names a language's catalogue may have, most specific first: 'pt-br' ->
    ['pt-br', 'pt_BR', 'pt']."""
    tag = _tag(lang)
    parts = tag.split("-")
    names = [lang.strip(), tag]
    if len(parts) > 1:
        names.append(f"{parts[0]}_{parts[1].upper()}")
    names.append(parts[0])
    return list(dict.fromkeys(names))


# A BCP 47 language tag as editors write them: a language, then optional script, region and
# variant parts ('es', 'pt-BR', 'zh-Hant-TW', 'ca-valencia').
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@functools.cache
def _language_codes() -> frozenset[str]:
    """Every language Babel can name, by its code, lower case ('en', 'haw', 'yue'): what a
    tag may start with."""
    codes = (*Locale("en").languages, *(each.split("_")[0] for each in locale_identifiers()))
    return frozenset(code.lower() for code in codes if "_" not in code)


@functools.cache
def _english_names() -> dict[str, str]:
    """The code of each language by its English name, lower case ('spanish' -> 'es'): what
    an editor may write instead of the code."""
    return {name.lower(): code for code, name in Locale("en").languages.items()
            if "_" not in code}


@functools.cache
def _own_names() -> dict[str, str]:
    """The code of each language by its name in itself, lower case ('español' -> 'es'). Made
    only when asked: naming every language in itself takes a second."""
    names: dict[str, str] = {}
    for code in sorted(_language_codes()):
        try:
            own = Locale.parse(code).get_display_name(code)
        except (UnknownLocaleError, ValueError):
            continue  # a language Babel names in English only
        if own:
            names.setdefault(own.lower(), code)
    return names


def _is_language_tag(code: str) -> bool:
    return bool(_LANGUAGE_TAG.match(code)) and code.split("-")[0].lower() in _language_codes()


@functools.cache
def _three_letter_codes() -> dict[str, str]:
    """The two-letter code of each language by its three-letter ISO 639-2 codes ('fra', 'fre'
    -> 'fr'): a tag must use the two-letter one where there is one, and editors who know the
    other (from library catalogues, say) write it."""
    aliases = get_global("language_aliases")
    return {alias: code for alias, code in aliases.items()
            if len(alias) == 3 and alias.isalpha() and _is_language_tag(code)}


def _named(word: str, in_itself: bool = True) -> str | None:
    """The code of the language `word` names by its three-letter code or its name, in English
    or, when `in_itself`, in the language itself."""
    key = word.strip().lower()
    if not key or any(char.isdigit() for char in key):  # 'v2' names no language
        return None
    found = _three_letter_codes().get(key) or _english_names().get(key)
    return found or (_own_names().get(key) if in_itself else None)


def language_meant(word: str, in_itself: bool = True) -> str | None:
    """The language tag `word` stands for: itself when it is one ('ar', 'pt-BR'), else the
    code of the language it names ('arabic', 'ara', and when `in_itself` 'العربية' -> 'ar');
    None when it names no language ('v2', 'draft'). Without `in_itself`, it takes no second
    the first time: for what every build looks at."""
    return word if _is_language_tag(word) else _named(word, in_itself)


# Countries' codes written for their languages' (a country's is what a flag or a domain shows).
COUNTRY_LANGUAGES = {"kz": "kk", "ua": "uk", "gr": "el", "dk": "da", "se": "sv", "jp": "ja",
                     "cn": "zh", "cz": "cs", "ee": "et", "si": "sl", "rs": "sr", "al": "sq",
                     "am": "hy", "ge": "ka", "by": "be", "il": "he", "ir": "fa", "kr": "ko",
                     "vn": "vi", "tj": "tg", "kg": "ky", "at": "de", "br": "pt", "mx": "es"}


def country_meant(code: str) -> str | None:
    """The language whose code `code` was likely written for, when it is a country's: 'kk' for
    'kz' (Kazakhstan's). None for any other."""
    return COUNTRY_LANGUAGES.get(code.strip().lower())


def language_mistake(code: str) -> tuple[str, str] | None:
    """Why `code` is not a language tag that browsers, Babel and search engines know, and what
    to write instead; None for a good one ('en', 'pt-BR', 'zh-Hant', 'sr-Latn').

    Only the language is looked up: scripts, regions and variants are many, and a browser
    falls back to the language of a tag it does not know whole."""
    if _is_language_tag(code):
        return None
    what = f"'{code}' is not a language code"
    dashed = code.strip().replace("_", "-")
    if dashed != code and language_mistake(dashed) is None:
        return what, f"did you mean {dashed}? (a tag is written with '-')"
    named = _named(code) or country_meant(code)
    if named:
        return what, f"did you mean {named}?"
    return what, "write a BCP 47 code such as 'en', 'es', 'fr' or 'pt-BR'"


@functools.lru_cache(maxsize=64)
def og_locale(lang: str) -> str:
    """A language tag as Open Graph's `og:locale` wants it, language_TERRITORY: 'pt-BR' ->
    'pt_BR', and a tag without a territory gets the one Unicode's likely subtags give it
    ('es' -> 'es_ES', 'zh-Hant' -> 'zh_TW'), since link previews ignore a bare language."""
    try:
        locale = Locale.parse(_tag(lang) or "en", sep="-")
    except (UnknownLocaleError, ValueError):
        return lang.replace("-", "_")
    territory = locale.territory
    if not territory:
        likely = get_global("likely_subtags")
        found = (locale.script and likely.get(f"{locale.language}_{locale.script}")) \
            or likely.get(locale.language, "")
        territory = found.split("_")[-1] if found.count("_") else ""
    return f"{locale.language}_{territory}" if territory else locale.language


@functools.lru_cache(maxsize=256)
def locale_for(lang: str) -> Locale:
    """Babel's locale for a language tag; English for a tag Babel does not know."""
    tag = _tag(lang) or "en"
    if tag == "en":
        # The theme has always written '5 March 2026'; Babel's bare 'en' is American.
        return Locale.parse("en_GB")
    try:
        return Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(tag.split("-")[0])
        except (UnknownLocaleError, ValueError):
            return Locale.parse("en_GB")


@functools.lru_cache(maxsize=8192)
def format_date(value: dt.date, lang: str = "en", style: str = "long") -> str:
    """The date as the language writes it: 'long' ('5 March 2026', '5 de marzo de 2026',
    '2026年3月5日') or 'short' ('5 Mar 2026', '5 mar 2026'). Kept: an archive writes each of
    its few thousand dates on many pages and in every search document."""
    return babel_format_date(value, "long" if style == "long" else "medium",
                             locale=locale_for(lang))


def format_names(names: list[str], lang: str = "en") -> str:
    """('A', 'B', 'C') -> 'A, B and C', 'A, B et C', 'A、B、C'. In the Arabic script, whose
    'and' (و) joins the word after it, a name in a script written left to right is set one
    (no-break) space apart from it ('Layla و Nurlan', not 'وNurlan')."""
    if not names:
        return ""
    if _script(lang) != "Arab":
        return format_list(names, locale=locale_for(lang))
    # A no-break space: 'و' left at a line's end, its name on the next line, reads as nothing.
    spaced = [f"\u00a0{name}" if direction_of(name) == "ltr" else name for name in names]
    return re.sub(r"(?<= )\u00a0", "", format_list(spaced, locale=locale_for(lang))).strip()


class Punctuation(NamedTuple):
    """The marks the theme writes itself between its words, in one language."""

    comma: str  # and its space: between a name and a role, or a list's names
    full_stop: str  # ending a sentence (the key outcomes' line)
    semicolon: str  # joining its parts


@functools.lru_cache(maxsize=64)
def punctuation(lang: str) -> Punctuation:
    """The theme's marks in `lang`: in a language written in the Arabic script ('ar', 'fa',
    'ur', 'pa-Arab') the Arabic comma and semicolon; in Chinese and Japanese the ideographic
    full stop and the full-width semicolon; else ', ', '.' and ';'. (Babel's lists join with
    the word for 'and': Unicode's locale data has no comma for this.)"""
    script = _script(lang)
    if script == "Arab":
        return Punctuation("\u060c ", ".", "\u061b")
    if script in ("Hans", "Hant", "Jpan"):
        return Punctuation(", ", "\u3002", "\uff1b")
    return Punctuation(", ", ".", ";")


def _script(lang: str) -> str:
    """The script a language tag names or, when it names none, its language is written in most
    ('ar' -> 'Arab', 'sr-Latn' -> 'Latn'); '' for a language Babel does not know."""
    locale = locale_for(lang)
    if locale.script:
        return str(locale.script)
    likely = get_global("likely_subtags").get(locale.language, "").split("_")
    return likely[1] if len(likely) > 2 else ""


def format_number(value: float, lang: str = "en") -> str:
    """A number as the language writes it: '1,234.5' in English, '1 234,5' in French."""
    return format_decimal(value, locale=locale_for(lang))


def text_direction(lang: str) -> str:
    """'rtl' for languages written right to left ('ar', 'he-IL', 'fa'), else 'ltr'."""
    tag = _tag(lang)
    return "rtl" if tag in RTL_LANGUAGES or tag.split("-")[0] in RTL_LANGUAGES else "ltr"


def direction_of(text: str) -> str:
    """The direction a browser gives `text` for dir="auto": its first letter's, 'ltr' or 'rtl'
    ('#rivers': 'ltr'); '' for a text without letters."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("L", "R", "AL"):
            return "ltr" if kind == "L" else "rtl"
    return ""


@functools.lru_cache(maxsize=64)
def language_name(lang: str) -> str:
    """The language named in itself, for a language menu: 'English', 'Español', '日本語'.
    (Cached: every page of a site in ten languages names all ten.)"""
    try:
        locale = Locale.parse(_tag(lang), sep="-")
    except (UnknownLocaleError, ValueError):
        return lang
    name = locale.get_display_name(locale) or lang
    return name[:1].upper() + name[1:]


# Catalogues -----------------------------------------------------------------------------------

_PO_STRING_LINE = re.compile(r'\s*(msgctxt|msgid|msgid_plural|msgstr(\[\d+\])?)?\s*"')
_PO_STRING_END = re.compile(r'(?<!\\)(\\\\)*"\s*$')


def _read(path: Path, shown: str) -> Catalog:
    """A .po file's messages; a broken file is a `ContentError` naming the file and line."""
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _unreadable(shown, 0, f"cannot read it: {error}") from None
    # Babel reads a string without its closing quote as if it had one, dropping a letter.
    for number, line in enumerate(text.splitlines(), 1):
        if _PO_STRING_LINE.match(line) and not _PO_STRING_END.search(line):
            raise _unreadable(shown, number, "a string without its closing quote")
    try:
        return read_po(io.BytesIO(data), abort_invalid=True)
    except PoFileError as error:
        raise _unreadable(shown, error.lineno + 1, str(error)) from None  # Babel counts from 0


def _unreadable(shown: str, line: int, message: str) -> ContentError:
    return ContentError([Problem(Location(shown, line), message,
                                 "see the gettext .po format in docs/languages.md")])


def shipped_catalogue_path(lang: str) -> Path | None:
    """The catalogue shipped with the theme for the language, if there is one."""
    for name in _candidates(lang):
        path = LOCALES_DIR / name / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            return path
    return None


def site_catalogue_path(lang: str, site_dir: Path | None) -> Path | None:
    """The site's own `translations/<lang>.po` for the language, if it has one."""
    if site_dir is None:
        return None
    for name in _candidates(lang):
        path = site_dir / "translations" / f"{name}.po"
        if path.is_file():
            return path
    return None


@functools.lru_cache(maxsize=64)
def _translations(shipped: Path | None, own: Path | None, shown: str,
                  stamp: tuple[int, int]) -> gettext.NullTranslations:
    """The shipped catalogue with the site's translated messages laid over it, compiled in
    memory. `stamp` (the site file's mtime and size) is only part of the cache key."""
    del stamp
    catalog = _read(shipped, f"bulletin_gen/{shipped.relative_to(LOCALES_DIR.parent).as_posix()}"
                    ) if shipped else None
    if own is not None:
        overrides = _read(own, shown)
        if catalog is None:
            catalog = overrides
        else:
            for message in overrides:
                if not (message.id and message.string) or message.fuzzy:
                    continue
                shipped_message = catalog.get(message.id)
                if shipped_message is None:
                    catalog[message.id] = message
                else:  # setting it again would merge the two, keeping the shipped string
                    shipped_message.string = message.string
    if catalog is None:
        return gettext.NullTranslations()
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def translations_for(lang: str, site_dir: Path | None = None) -> gettext.NullTranslations:
    """The theme's words in `lang`: the site's `translations/<lang>.po` first, then the shipped
    catalogue, then the English msgids themselves. Shared between calls: do not change it."""
    own = site_catalogue_path(lang, site_dir)
    stamp, shown = (0, 0), ""
    if own is not None:
        stat = own.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        shown = own.relative_to(site_dir).as_posix() if site_dir else str(own)
    return _translations(shipped_catalogue_path(lang), own, shown, stamp)


def check_theme_words(languages: Iterable[str], site_dir: Path | None, line: int,
                      problems: Problems) -> None:
    """A warning for each language the theme has no words in, neither shipped nor the site's
    own: its pages, PDF and email say 'In this issue', 'Volume 2' in English, which in a
    language read right to left also comes out of order."""
    for lang in languages:
        if _tag(lang).split("-")[0] == "en" or shipped_catalogue_path(lang) or \
                site_catalogue_path(lang, site_dir):
            continue
        problems.warn(Location(CONFIG_FILE, line),
                      f"the theme has no words in '{lang}' ({language_name(lang)}): its pages, "
                      "PDF and email say 'In this issue', 'Volume' and the like in English",
                      f"translate them in translations/{lang}.po: see 'Changing or adding a "
                      "language' in docs/languages.md")


def catalogue_digest(lang: str, site_dir: Path | None = None) -> str:
    """A hash of the catalogues that give `lang` its words (shipped and the site's own): a
    page is made again when they change, as when its template does."""
    digest = hashlib.sha256(lang.encode())
    for path in (shipped_catalogue_path(lang), site_catalogue_path(lang, site_dir)):
        digest.update(path.read_bytes() if path else b"-")
    return digest.hexdigest()


# Fonts ----------------------------------------------------------------------------------------

# The Debian packages that give a script its fonts, for the hint of a missing-font warning.
FONT_PACKAGES = {"ja": "fonts-noto-cjk", "zh": "fonts-noto-cjk", "ko": "fonts-noto-cjk"}
DEFAULT_FONT_PACKAGE = "fonts-noto-core"


@functools.lru_cache(maxsize=64)
def fonts_cover(lang: str) -> bool | None:
    """Whether an installed font covers the language's script (fontconfig's `fc-list
    :lang=`); None when fontconfig cannot be asked."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    primary = _tag(lang).split("-")[0]
    query = {"zh": "zh-cn"}.get(primary, primary)
    try:
        found = subprocess.run([fc_list, f":lang={query}", "family"], capture_output=True,
                               text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return bool(found.stdout.strip()) if found.returncode == 0 else None


def missing_font(lang: str) -> str | None:
    """A warning's text when no installed font covers the language: its PDF would print empty
    boxes. None when a font covers it, or when that cannot be told."""
    if fonts_cover(lang) is not False:
        return None
    primary = _tag(lang).split("-")[0]
    english = _english_name(primary)
    package = FONT_PACKAGES.get(primary, DEFAULT_FONT_PACKAGE)
    return (f"no font for {english} ({lang}) is installed: the PDF would print empty boxes; "
            f"install {package}")


def _english_name(lang: str) -> str:
    """'ja' -> 'Japanese'; the tag itself for a language Babel does not know."""
    try:
        return Locale.parse(lang).get_display_name("en") or lang
    except (UnknownLocaleError, ValueError):
        return lang
