"""Translations: each translated file paired with its original, and one `Site` per language.

A translation is a file beside its original, with the language code before the extension:
`01-socios-peru.es.md`, `02-briefs.fr.yaml`, `issue.es.yaml`, a single-file issue
`2006-07-august.es.md`, a page `about.fr.md`. Only the codes of `languages:` in bulletin.yaml
count: any other file is left to the usual reading (`report.v2.md` stays an item), but one
named as a translation into a language the site does not list (`issue.ar.yaml` beside
`issue.yaml`, `01-x.fra.md` beside `01-x.md`) is left out, with a warning.

`split_sources` takes the translations out of what content.py read, so that the main language's
site is built from its originals exactly as before. `add_translations` then builds, for each
other language, a site of the issues that have a translated issue file: each translated file
is read as its original with the translation's fields laid over it (what it leaves out, such as
the date, tags or image, comes from the original), under the original's path, so that it keeps
the original's slug and its relative links resolve as the original's do. An item without a
translation is shown in the original language and marked (`untranslated: original`), or left
out (`omit`). Pages are published under the language's code: 'es/issues/<issue>/<item>/'.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from . import links
from .config import Language, SiteConfig
from .content import (
    INHERITED,
    ISSUE_FILE,
    MARKDOWN_SUFFIXES,
    SHOWN_TEXT,
    IssueSource,
    KeptDocuments,
    SourceDoc,
    Sources,
    read_body,
    read_text,
)
from .errors import (
    BulletinError,
    Location,
    Problem,
    Problems,
    closest,
    did_you_mean,
    no_such_issue,
)
from .fields import MISSING_FIELD
from .i18n import country_meant, language_meant
from .images import measure_images
from .layout import CONFIG_FILE
from .links import Identity
from .markdown import MarkdownRenderer, slugify
from .model import Brief, Issue, Item, Site, Term, TermIndex
from .sitepaths import nfc_path
from .validate import (
    Originals,
    Reuse,
    build_site,
    default_kind,
    term_indexes,
    without_drafts,
)
from .yamlio import Mapping

U = TypeVar("U", Item, Brief)
# Fields a translation never takes from its original: they say what language a text is in;
# a subject in the original's language would head a translation's email (its own default is
# in its language).
NOT_INHERITED = frozenset({"lang", "email_subject"})
# A field a translation inherits has the line INHERITED (content.py): a problem with it is its
# original's, which the main site reports, so one found at this line is dropped; the page marks
# its text with the original's language (content.SHOWN_TEXT).


@dataclass
class LanguageSources:
    """What one language's site is built from."""

    language: Language
    issues: list[IssueSource] = field(default_factory=list)
    pages: list[SourceDoc] = field(default_factory=list)
    # The translation files by the path of their original; their `rel`s name the problems
    # that belong to this language (an original's are reported by the main site).
    twins: dict[Path, SourceDoc] = field(default_factory=dict)
    # The translation files whose text is still their original's (`_left_as_written`).
    unfilled: list[SourceDoc] = field(default_factory=list)
    # The translation files that give no text where their original has some (a title alone).
    textless: list[SourceDoc] = field(default_factory=list)
    # (translation file, line, code) of each `lang:` a translation gives of another language.
    foreign: list[tuple[str, int, str]] = field(default_factory=list)
    # (translation file, line, field) of each field of ORIGINALS_OWN that a translation gives
    # another value than its original's.
    changed: list[tuple[str, int, str]] = field(default_factory=list)
    original_rels: dict[str, str] = field(default_factory=dict)  # by a translation's `rel`

    @property
    def prefix(self) -> str:
        return f"{self.language.code}/"

    def translated(self, original: SourceDoc, translation: SourceDoc) -> SourceDoc:
        """`translation` read as `original` (`_merged`), noted as this language's."""
        self.twins[original.path] = translation
        self.original_rels[translation.rel] = original.rel
        self.changed += [(translation.rel, translation.meta.line_of(key), key)
                         for key in _changed_fields(original, translation)]
        said = str(translation.meta.get("lang") or "").strip()
        if said and said.split("-")[0].lower() != self.language.code.split("-")[0].lower():
            self.foreign.append((translation.rel, translation.meta.line_of("lang"), said))
        merged = _merged(original, translation)
        if _left_as_written(original, translation, merged):
            self.unfilled.append(translation)
        elif original.body.strip() and not merged.body.strip():
            self.textless.append(translation)
        return merged

    def sources(self) -> Sources:
        return Sources(tuple(self.issues), tuple(self.pages))


@dataclass
class Translations:
    """The sources split by language: the main language's, each other's, and the strays."""

    main: Sources
    languages: list[LanguageSources]
    # Translations whose original does not exist, and translated items whose issue has no
    # translation in that language: `bulletin check` reports them.
    orphans: list[SourceDoc] = field(default_factory=list)
    unpublished: list[SourceDoc] = field(default_factory=list)
    # Files named as translations into a language that `languages:` does not list, with the
    # code they are named with (`_unlisted_code`): left out of every site.
    unlisted: list[tuple[SourceDoc, str]] = field(default_factory=list)


def translation_of(name: str, codes: Iterable[str]) -> tuple[str, str] | None:
    """('01-x.md', 'es') for '01-x.es.md' when 'es' is one of `codes`; None for an original.
    A single-file issue's name has no suffix: '2006-07.es' -> ('2006-07', 'es')."""
    for code in codes:
        stem, dot, suffix = name.rpartition(".")
        if not dot:
            continue
        if stem.endswith(f".{code}"):
            return f"{stem[: -len(code) - 1]}.{suffix}", code
        if suffix == code and stem:
            return stem, code
    return None


def split_sources(sources: Sources, config: SiteConfig,
                  kept: KeptDocuments | None = None) -> Translations:
    """The originals, and for each language of `config.languages` what its site shows.

    `kept`: the sources came through the model memo, which may give the documents of the
    items it keeps without their fields or body; it gives those a translation shows whole
    (once each, whatever the number of languages)."""
    codes = [language.code for language in config.languages]
    sources, unlisted = _without_unlisted(sources, codes, config.language)
    if not codes:
        return Translations(sources, [], unlisted=unlisted)
    omit = config.untranslated == "omit"
    whole = _Originals(kept)
    by_code = {language.code: LanguageSources(language) for language in config.languages}
    result = Translations(sources, list(by_code.values()), unlisted=unlisted)
    single = {issue.name: issue for issue in sources.issues
              if issue.folder is None and not translation_of(issue.name, codes)}
    issues: list[IssueSource] = []
    for issue in sources.issues:
        twin = translation_of(issue.name, codes) if issue.folder is None else None
        if twin is None:
            issues.append(_split_issue(issue, codes, by_code, whole, omit, result))
        elif twin[0] in single:
            original = single[twin[0]]
            language = by_code[twin[1]]
            language.issues.append(replace(original, meta=language.translated(
                whole(original.meta), issue.meta)))
        else:
            result.orphans.append(issue.meta)
    pages, twins = _paired(sources.pages, codes)
    for language in result.languages:
        for doc in pages:
            translated = twins.pop((language.language.code, doc.path.name), None)
            if translated:
                language.pages.append(language.translated(whole(doc), translated))
            elif not omit:
                language.pages.append(whole(doc))
    result.orphans.extend(twins.values())
    result.main = Sources(tuple(issues), tuple(pages))
    return result


def _without_unlisted(sources: Sources, codes: list[str], main: str) -> tuple[
        Sources, list[tuple[SourceDoc, str]]]:
    """`sources` without the files named as translations into a language that is not one of
    the site's (`_unlisted_code`), and those files with that code. Read as originals, they
    would be items of their own, and a translated issue file a briefs file without briefs."""
    unlisted: list[tuple[SourceDoc, str]] = []

    def left_out(docs: Iterable[SourceDoc], beside: set[str]) -> set[Path]:
        found = [(doc, _unlisted_code(doc.path.name, beside, codes, main)) for doc in docs]
        unlisted.extend((doc, code) for doc, code in found if code)
        return {doc.path for doc, code in found if code}

    singles = [issue.meta for issue in sources.issues if issue.folder is None]
    gone = left_out(singles, {doc.path.name for doc in singles})
    gone |= left_out(sources.pages, {doc.path.name for doc in sources.pages})
    for issue in sources.issues:
        if issue.folder:
            gone |= left_out(issue.items, {ISSUE_FILE, *(doc.path.name for doc in issue.items)})
    if not gone:
        return sources, []
    issues = tuple(replace(issue, items=tuple(doc for doc in issue.items if doc.path not in gone))
                   for issue in sources.issues if issue.meta.path not in gone)
    return Sources(issues, tuple(doc for doc in sources.pages if doc.path not in gone)), unlisted


def _unlisted_code(name: str, beside: set[str], codes: list[str], main: str) -> str:
    """'ar' for 'issue.ar.yaml' when 'issue.yaml' is among the names `beside` it and 'ar' is a
    language (or names one in English: 'fra', 'arabic') that is none of the site's; '' for any
    other name. Its original must be there, so that 'notes.new.md' without 'notes.md' stays
    an item."""
    original, code = _named_as(name)
    if not code or code in codes or code.lower() == main.lower():
        return ""
    return code if original in beside and language_meant(code, in_itself=False) else ""


def _named_as(name: str) -> tuple[str, str]:
    """('01-x.md', 'ar') for '01-x.ar.md': the original a file would translate and the code it
    would be in, whatever the code; ('', '') for a name without two dots."""
    stem, dot, suffix = name.rpartition(".")
    base, _, code = stem.rpartition(".")
    return (f"{base}.{suffix}", code) if dot and base else ("", "")


def listed_language(word: str, codes: Sequence[str]) -> str | None:
    """The one of the site's language `codes` that `word` stands for: 'ar' for 'arabic', 'ara'
    or 'AR'; 'ar-SA' for 'ar' when the site lists only that Arabic. None when none is."""
    meant = (language_meant(word) or "").lower()
    if not meant:
        return None
    same = [code for code in codes if code.lower() == meant]
    related = [code for code in codes if code.split("-")[0].lower() == meant.split("-")[0]]
    return next(iter(same + related), None)


def _split_issue(issue: IssueSource, codes: list[str], by_code: dict[str, LanguageSources],
                 whole: _Originals, omit: bool, result: Translations) -> IssueSource:
    """The issue without its translation files, which go to their languages' sources."""
    originals, twins = _paired(issue.items, codes)
    if not twins:
        return issue
    for code, language in by_code.items():
        meta = twins.pop((code, ISSUE_FILE), None)
        translated = {doc.path: twins.pop((code, doc.path.name), None) for doc in originals}
        if meta is None:
            result.unpublished.extend(doc for doc in translated.values() if doc)
            continue
        merged = language.translated(whole(issue.meta), meta)
        items = []
        for doc in originals:
            translation = translated[doc.path]
            if translation:
                items.append(language.translated(whole(doc), translation))
            elif not omit:
                items.append(whole(doc))
        language.issues.append(replace(issue, meta=merged, items=tuple(items)))
    result.orphans.extend(twins.values())
    return replace(issue, items=tuple(originals))


def _paired(docs: Iterable[SourceDoc], codes: list[str]) -> tuple[
        list[SourceDoc], dict[tuple[str, str], SourceDoc]]:
    """The originals among `docs`, and the translations by (code, their original's name)."""
    originals: list[SourceDoc] = []
    twins: dict[tuple[str, str], SourceDoc] = {}
    for doc in docs:
        twin = translation_of(doc.path.name, codes)
        if twin:
            twins[twin[1], twin[0]] = doc
        else:
            originals.append(doc)
    return originals, twins


def _merged(original: SourceDoc, translation: SourceDoc) -> SourceDoc:
    """The translation read as its original: the original's path, the fields of both (the
    translation's first), the translation's body. Problems name the translation's file, or
    are dropped when they concern an inherited field (`INHERITED`)."""
    meta = Mapping(start_line=translation.meta.start_line)
    for key, value in original.meta.items():
        if key not in NOT_INHERITED:
            meta[key] = value
            meta.lines[key] = INHERITED
    for key, value in translation.meta.items():
        if key not in ORIGINALS_OWN:  # whatever a translation says (`changed`)
            meta[key] = _within(original.meta.get(key), value)
            # A shown text left word for word as the original's is the original's, and is
            # marked with its language (`Originals.inherited`), as one left out is.
            copied = key in SHOWN_TEXT and value == original.meta.get(key)
            meta.lines[key] = INHERITED if copied else translation.meta.line_of(key)
    body, body_line = _body(translation)
    return SourceDoc(original.path, translation.rel, meta, body, body_line,
                     readable=original.readable and translation.readable)


def _within(original: object, given: object) -> object:
    """A translation's value of a field: the fields of a mapping it gives over its original's
    (a contact whose role alone it translates keeps its original's name and email); else what
    it gives. What comes from the original is at the line INHERITED: its problems are the
    original's."""
    if not isinstance(original, Mapping) or not isinstance(given, Mapping):
        return given
    merged = Mapping(original, start_line=given.start_line)
    merged.lines.update(dict.fromkeys(original, INHERITED))
    merged.update(given)
    # What it gives as its original says it (a name, an address) is the original's too.
    merged.lines.update((key, given.line_of(key)) for key in given
                        if given[key] != original.get(key))
    return merged


# What an issue or item is in every language, whatever a translation says: its kind (a notice
# is a notice in Spanish too), an issue's number and volume (its masthead's), and an item's
# slug, by which the language menu and the alternate links find its page in each language.
ORIGINALS_OWN = ("kind", "number", "volume", "slug")


def _changed_fields(original: SourceDoc, translation: SourceDoc) -> list[str]:
    """The fields of ORIGINALS_OWN that `translation` gives another value than its original,
    written or the default (`bulletin new translation` copies a briefs file's `kind: briefs`:
    no change)."""
    defaults = {"kind": default_kind(original.path)}
    return [key for key in ORIGINALS_OWN if key in translation.meta and
            str(translation.meta[key]).strip() !=
            str(original.meta.get(key, defaults.get(key, ""))).strip()]


def _left_as_written(original: SourceDoc, translation: SourceDoc, merged: SourceDoc) -> bool:
    """Whether the text a translation gives, its shown fields and its body, is its original's
    word for word: as `bulletin new translation` writes it, for the translator to replace."""
    given = [key for key in SHOWN_TEXT if key in translation.meta]
    if not (given or merged.body.strip()):
        return False  # it gives no text of its own: it translates nothing yet, nor claims to
    return merged.body.strip() == original.body.strip() and \
        all(translation.meta[key] == original.meta.get(key) for key in given)


class _Originals:
    """The originals as a translated site needs them: whole, with every field and the body,
    which the model memo may have left out (content.py, incremental/memo.py)."""

    def __init__(self, kept: KeptDocuments | None) -> None:
        self.kept = kept
        self.read: dict[Path, SourceDoc] = {}

    def __call__(self, doc: SourceDoc) -> SourceDoc:
        if doc.path not in self.read:
            self.read[doc.path] = self._whole(doc)
        return self.read[doc.path]

    def _whole(self, doc: SourceDoc) -> SourceDoc:
        if self.kept is not None and doc.readable:
            return self.kept.whole(doc)
        body, body_line = _body(doc)
        return doc if body is doc.body else replace(doc, body=body, body_line=body_line)


def _body(doc: SourceDoc) -> tuple[str, int]:
    if doc.body or not doc.readable or doc.path.suffix.lower() not in MARKDOWN_SUFFIXES:
        return doc.body, doc.body_line
    return read_body(doc.path, doc.rel) or (doc.body, doc.body_line)


def add_translations(site: Site, translations: Translations, renderer: MarkdownRenderer,
                     problems: Problems, drafts: bool = False, jobs: int = 1,
                     memo_of: Callable[[str], Reuse] | None = None) -> Site:
    """The main language's `site` with a site for each other language, each built by `jobs`
    worker processes as the main one is, and from `memo_of(code)` when there is one (what
    an earlier build made, validate.Reuse); the problems of the translation files are added
    to `problems`."""
    _report_unlisted(translations.unlisted, site.config, problems)
    if not translations.languages:
        return site
    _report_lookalikes(translations.main, [each.language.code for each in
                                           translations.languages], problems)
    main = links.identities(translations.main, Problems())
    # What every language takes from the originals, found once for them all.
    written_in = _text_languages(site)
    headings = _heading_names(site, {rel for language in translations.languages
                                     for rel in language.original_rels.values()})
    built = tuple(_language_site(site, language, main, written_in, headings, renderer,
                                 problems, drafts, jobs,
                                 memo_of(language.language.code) if memo_of else None)
                  for language in translations.languages)
    _report_strays(translations, problems)
    for language in translations.languages:
        _report_unfilled(language, site.config.untranslated, problems)
        _report_textless(language, problems)
        for rel, line, said in language.foreign:
            problems.warn(Location(rel, line), f"lang: '{said}' in a translation into "
                          f"'{language.language.code}': its pages would say they are in "
                          f"'{said}'", "leave 'lang:' out: a translation is in its language")
        _report_changed(language, problems)
    for language, each in zip(translations.languages, built, strict=True):
        _report_crossings(each, language, main, problems)
        if site.issues and not each.issues:
            _report_empty(site.config, each.config.language, problems)
    return replace(site, translations=built)


def _report_empty(config: SiteConfig, code: str, problems: Problems) -> None:
    """Warn about a language every page's menu offers though none of its issues is translated:
    its readers would find an empty front page and archive."""
    problems.warn(Location(CONFIG_FILE, config.key_lines.get("languages", 0)),
                  f"languages: '{code}' has no translated issue yet: its front page and archive "
                  "are empty", f"translate an issue (bulletin new translation ISSUE {code}), "
                  f"or list '{code}' once one is")


def _report_strays(translations: Translations, problems: Problems) -> None:
    """Warn about translations that no site shows: the original is missing, or the issue
    is not translated."""
    codes = [language.language.code for language in translations.languages]
    for doc in translations.orphans:
        original, code = translation_of(doc.path.name, codes) or (doc.path.name, "")
        meant = closest(original, _originals_beside(doc.path, code, codes))
        problems.warn(Location(doc.rel), f"translation ({code}) of a file that does not "
                      f"exist: {original}",
                      f"did you mean {translated_name(meant, code)}?" if meant else
                      "name it after its original, with the language code before the "
                      "extension, or remove it")
    for doc in translations.unpublished:
        code = (translation_of(doc.path.name, codes) or ("", ""))[1]
        problems.warn(Location(doc.rel), f"translated item of an issue that has no '{code}' "
                      "translation: it is not published", f"translate the issue too: add "
                      f"issue.{code}.yaml beside issue.yaml")


def _originals_beside(path: Path, code: str, codes: list[str]) -> list[str]:
    """The names of the files and folders beside `path` that are no translation and have
    none into `code` yet."""
    try:
        names = set(os.listdir(path.parent))
    except OSError:
        return []
    return sorted(name for name in names if translation_of(name, codes) is None
                  and translated_name(name, code) not in names)


def _report_changed(language: LanguageSources, problems: Problems) -> None:
    """Warn about each field of ORIGINALS_OWN a translation gives another value than its
    original's."""
    for rel, line, key in language.changed:
        problems.warn(Location(rel, line), f"{key}: a translation has its original's {key}, "
                      "whatever it says", "leave it out")


def _report_unfilled(language: LanguageSources, untranslated: str, problems: Problems) -> None:
    """Warn about each translation file whose text is still its original's: its page would
    say it is in the language, in the original's words."""
    issue_files = {issue.meta.rel for issue in language.issues}
    for doc in language.unfilled:
        lines = [doc.meta.line_of(key) for key in SHOWN_TEXT
                 if key in doc.meta and doc.meta.line_of(key) != INHERITED]
        problems.warn(Location(doc.rel, min(lines, default=doc.body_line)),
                      "not translated yet: its text is the original's",
                      _unfilled_hint(doc.rel in issue_files, untranslated))


TEXTLESS = "shows its title and nothing under it"  # the end of `_report_textless`'s warning


def _report_textless(language: LanguageSources, problems: Problems) -> None:
    """Warn about each translation that gives no text where its original has some (its title
    alone): its page would show the title, and nothing under it."""
    for doc in language.textless:
        problems.warn(Location(doc.rel, doc.body_line),
                      f"the translation gives no text: its page in '{language.language.code}' "
                      f"{TEXTLESS}",
                      "translate the text under the front matter, or delete the file to show "
                      "the original marked as untranslated")


def _unfilled_hint(issue_file: bool, untranslated: str) -> str:
    """What to do with a translation left as it was written. Deleting an issue's file would
    unpublish the whole issue in the language, and an item's shows the original or nothing."""
    if issue_file:
        return ("translate it; a field that reads the same in both languages can be left out, "
                "as it is taken from the original")
    if untranslated == "omit":
        return "translate it, or delete the file to leave it out of this language"
    return "translate it, or delete the file to show the original marked as untranslated"


def _report_lookalikes(sources: Sources, codes: list[str], problems: Problems) -> None:
    """Warn about each item or page named as a translation of the file beside it into a code
    of two or three letters that names no language ('01-x.sp.md' beside '01-x.md'): it is an
    item of its own, in every language, and likely a misspelt translation."""
    groups = [list(sources.pages)] + [list(issue.items) for issue in sources.issues]
    for docs in groups:
        beside = {doc.path.name for doc in docs}
        for doc in docs:
            original, code = _named_as(doc.path.name)
            if original in beside and _CODE_LIKE.fullmatch(code):
                meant = closest(code, codes, cutoff=0.0) or codes[0]
                problems.warn(Location(doc.rel), f"named as a translation of {original} into "
                              f"'{code}', which names no language: it is published as an "
                              "item of its own", f"did you mean {meant}? If so, rename it "
                              f"{translated_name(original, meant)}")


_CODE_LIKE = re.compile(r"[a-z]{2,3}")


def _report_unlisted(unlisted: list[tuple[SourceDoc, str]], config: SiteConfig,
                     problems: Problems) -> None:
    """Warn about each file named as a translation into a language the site does not list,
    which no site shows: the code, or the list, is likely mistyped."""
    codes = [language.code for language in config.languages]
    for doc, code in unlisted:
        problems.warn(Location(doc.rel), f"named as a translation into '{code}', which is not "
                      f"one of the site's languages ({', '.join([config.language, *codes])}): "
                      "it is not published", _unlisted_hint(doc.path.name, code, codes))


def _unlisted_hint(name: str, code: str, codes: list[str]) -> str:
    """How to publish the file `name`, named as a translation into `code`."""
    original = _named_as(name)[0]
    listed = listed_language(code, codes)
    meant = language_meant(code) or code
    if listed and listed.lower() == meant.lower():
        return f"did you mean {listed}? If so, rename it {translated_name(original, listed)}"
    if listed:
        return (f"'languages:' lists '{listed}': write '{code}:' there instead, or rename the "
                f"file {translated_name(original, listed)}")
    if meant != code:
        return (f"did you mean {meant}? If so, rename it {translated_name(original, meant)} and "
                f"add '{meant}:' under 'languages:' in bulletin.yaml")
    return f"add '{code}:' under 'languages:' in bulletin.yaml, or rename the file"


def _report_crossings(site: Site, language: LanguageSources, main: dict[Path, Identity],
                      problems: Problems) -> None:
    """Warn about each link of a translation to an item or page that this language does not
    have: it leads to the original, in another language."""
    originals = {identity.url: path for path, identity in main.items()}
    files = {twin.rel: twin.path for twin in language.twins.values()}
    for source, html in _translated_html(site, set(files)):
        for url in dict.fromkeys(_ROOT_LINK.findall(html)):
            if url in originals:
                name = originals[url].name
                problems.warn(Location(source, _line_naming(files[source], source, name)),
                              f"link to {name}, which has no '{site.language}' translation: "
                              f"it leads to the original ({url})",
                              f"translate it too, as {translated_name(name, site.language)}, "
                              "or link elsewhere")


_ROOT_LINK = re.compile(r'href="@root/([^"#?]*)')


def _translated_html(site: Site, translated: set[str]) -> Iterator[tuple[str, str]]:
    """(source, fragment) for every rendered fragment of the site's translation files."""
    return ((source, html) for source, html in site.fragments() if source in translated)


def _line_naming(path: Path, rel: str, name: str) -> int:
    """The first line of the file that names `name`; 0 when none does."""
    lines = (read_text(path, rel, Problems()) or "").split("\n")
    return next((number for number, line in enumerate(lines, 1) if name in line), 0)


def translated_name(name: str, code: str) -> str:
    """'01-water.es.md' for '01-water.md' and 'es'."""
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{code}.{suffix}" if dot else f"{name}.{code}"


def _language_site(original: Site, language: LanguageSources, main: dict[Path, Identity],
                   written_in: dict[str, str], headings: dict[str, tuple[str, ...]],
                   renderer: MarkdownRenderer, problems: Problems, drafts: bool,
                   jobs: int, memo: Reuse | None) -> Site:
    """One language's site. Its problems that concern a translation file are kept; the
    originals it shows untranslated were checked with the main site. `written_in` and
    `headings`: what the originals' files say (`_text_languages`, `_heading_names`)."""
    config = original.config
    found = Problems()
    sources = language.sources()
    if not drafts:  # a draft translation is one not made yet: links lead to the original's
        sources = without_drafts(sources)
    identities = _identities(sources, language, main, found)
    local = _in_language(config, language.language)
    originals = Originals(
        {issue.slug: tuple(item.slug for item in issue.items) for issue in original.issues
         if all(item.source == issue.source for item in issue.items)},
        written_in,
        {rel: written_in.get(original_rel, "")
         for rel, original_rel in language.original_rels.items()}, config.language,
        {rel: headings[original_rel] for rel, original_rel in language.original_rels.items()
         if headings.get(original_rel)}, language.language.code)
    site = build_site(local, sources, renderer, found, drafts, memo, jobs, identities,
                      originals)
    site = measure_images(site, found)
    problems.extend(_belonging(found, language, problems))
    issues = _named_terms(site.issues, language.language)
    tags, regions = term_indexes(issues, language.prefix)  # of the items as marked
    if not problems.errors:  # a file that could not be read may be where the names are used
        _report_unused_names(language.language, (*original.tags, *tags),
                             (*original.regions, *regions), problems)
    _report_shared_names(language.language, tags, regions, problems)
    return replace(site, issues=issues, prefix=language.prefix, tags=tags,
                   regions=regions)


def _named_terms(issues: tuple[Issue, ...], language: Language) -> tuple[Issue, ...]:
    """`issues` with the tags and regions of their items and briefs named in `language` where
    its settings name them (`languages: {es: {tags: {water: agua}}}`). A term keeps its slug,
    so its page is at the same address in every language."""
    named = {key: {each.slug: Term(each.slug, each.name) for each in getattr(language, key)}
             for key in ("tags", "regions")}  # one object per term, as the originals have
    if not named["tags"] and not named["regions"]:
        return issues

    def terms(key: str, shown: tuple[Term, ...]) -> tuple[Term, ...]:
        return tuple(named[key].get(term.slug, term) for term in shown)

    def renamed(holder: U) -> U:
        return replace(holder, tags=terms("tags", holder.tags),
                       regions=terms("regions", holder.regions))

    return tuple(replace(issue, items=tuple(
        replace(renamed(item), briefs=tuple(renamed(brief) for brief in item.briefs))
        for item in issue.items)) for issue in issues)


def _report_shared_names(language: Language, tags: Iterable[TermIndex],
                         regions: Iterable[TermIndex], problems: Problems) -> None:
    """A warning for each name two tags (or regions) of one language show: one named in
    `languages:` ('water: agua') and one a translation gives itself ('tags: [agua]'). Each has
    its page, and the list of tags would show the name twice."""
    for key, given, indexes in (("tags", language.tags, tags),
                                ("regions", language.regions, regions)):
        shown: dict[str, list[TermIndex]] = {}
        for index in indexes:
            shown.setdefault(index.term.name.casefold(), []).append(index)
        lines = {name.name.casefold(): name.line for name in given}
        named = {name.slug for name in given}
        for name, same in shown.items():
            if len(same) > 1:
                # The files that give the name themselves, which the editor is to change.
                own = sorted({entry.item.source for index in same if index.term.slug not in named
                              for entry in index.entries})
                problems.warn(Location(CONFIG_FILE, lines.get(name, 0)),
                              f"languages.{language.code}.{key}: {len(same)} {key} are shown as "
                              f"'{same[0].term.name}' in '{language.code}': "
                              f"{' and '.join(sorted(index.term.slug for index in same))}",
                              "tag a translation as its original is tagged: the name given "
                              "here is shown for it" + (f"; given as a tag of its own by "
                                                        f"{', '.join(own)}" if own else ""))


def _report_unused_names(language: Language, tags: Iterable[TermIndex],
                         regions: Iterable[TermIndex], problems: Problems) -> None:
    """A warning for each name `languages:` gives a tag or region that no item has, in the
    originals' indexes or the language's own: a typo, or a term since renamed, whose name
    would otherwise never show. (A term named in a language keeps its slug.)"""
    for key, given, indexes in (("tags", language.tags, tags),
                                ("regions", language.regions, regions)):
        known: dict[str, str] = {}  # by slug, the originals' names before the language's own
        for index in indexes:
            known.setdefault(index.term.slug, index.term.name)
        for name in given:
            if name.slug not in known:
                problems.warn(Location(CONFIG_FILE, name.line),
                              f"languages.{language.code}.{key}: no item has the {key[:-1]} "
                              f"'{name.written}'",
                              did_you_mean(name.written, sorted(set(known.values()))) or
                              f"name one of the {key} the items give, as they write it")


def _identities(sources: Sources, language: LanguageSources, main: dict[Path, Identity],
                problems: Problems) -> dict[Path, Identity]:
    """Where each source is published in this language: its translated page where the
    language has one, else the original's, so that a link leads to the same language where
    it can. A link to a translation file itself ('01-x.es.md') leads where its original's does."""
    own = links.identities(sources, problems)
    found = dict(main)
    found.update({path: Identity(identity.issue_slug, identity.slug,
                                 language.prefix + identity.url)
                  for path, identity in own.items()})
    for path, twin in language.twins.items():
        if nfc_path(path) in found:
            found[nfc_path(twin.path)] = found[nfc_path(path)]
    return found


def _belonging(found: Problems, language: LanguageSources, said: Problems) -> Problems:
    """The problems of `found` that are in a translation file, not in an inherited field nor
    said already at its original (in `said`, the main site's) when they may be the original's:
    a required field a translation misses because its original misses it too, or a problem of
    the whole file (a picture it shows). One at a line of the translation is its own writing,
    whatever the original's."""
    originals = {twin.rel: posixpath.join(posixpath.dirname(twin.rel), original.name)
                 for original, twin in language.twins.items()}
    at_originals = {(problem.location.path, problem.message, problem.hint)
                    for problem in (*said.errors, *said.warnings)}

    def belongs(problem: Problem) -> bool:
        original = originals.get(problem.location.path)
        if original is None or problem.location.line == INHERITED:
            return False
        maybe_the_originals = (problem.location.line == 0
                               or problem.message.startswith(MISSING_FIELD))
        return not maybe_the_originals or \
            (original, problem.message, problem.hint) not in at_originals
    kept = Problems()
    kept.errors.extend(filter(belongs, found.errors))
    kept.warnings.extend(filter(belongs, found.warnings))
    return kept


def _text_languages(main: Site) -> dict[str, str]:
    """The language the text of each file of the `main` site is written in, by the file: its
    own `lang:`, else its issue's, else the site's. A translation file drops `lang:`
    (NOT_INHERITED), so only the original says it. (A single-file issue's items are written
    in its own.)"""
    found = {page.source: page.lang or main.language for page in main.pages}
    for issue in main.issues:
        in_issue = issue.lang or main.language
        found.update({item.source: item.lang or in_issue for item in issue.items})
        found[issue.source] = in_issue
    return found


def _heading_names(main: Site, translated: set[str]) -> dict[str, tuple[str, ...]]:
    """The ids of the headings of each item and page of the `main` site that a translation
    has (`translated`, their files), by its file, without the item's slug before them, in
    order: the translation's headings take them (`Originals`). Read from the HTML the
    renderer wrote, whose headings alone carry the slug's prefix."""
    texts = {page.source: (page.html_utf8, "") for page in main.pages
             if page.source in translated}
    for issue in main.issues:
        texts.update((item.source, (item.html_utf8, f"{item.slug}-")) for item in issue.items
                     # a single-file issue's sections are matched apart
                     if item.source in translated and item.source != issue.source)
    found = {source: tuple(name[len(prefix):] for name in _HEADING_ID.findall(html.decode())
                           if name.startswith(prefix))
             for source, (html, prefix) in texts.items()}
    return {source: names for source, names in found.items() if names}


_HEADING_ID = re.compile(r'<h[2-4] id="([^"]+)"')


def language_sites(site: Site) -> tuple[Site, ...]:
    """The main language's site, then each translation's, in the order of the language menu."""
    return (site, *site.translations)


def with_main_settings(site: Site) -> Site:
    """The site with its translations' settings made the main site's again, in their own
    language, title and tagline: a build that switches an edition off does it for every
    language."""
    if not site.translations:
        return site
    return replace(site, translations=tuple(
        replace(each, config=_in_language(site.config, Language(
            each.config.language, each.config.title, each.config.tagline,
            each.config.tagline_lang)))
        for each in site.translations))


def _in_language(config: SiteConfig, local: Language) -> SiteConfig:
    """The main settings as the site in `local`'s language has them."""
    return replace(config, language=local.code, title=local.title, tagline=local.tagline,
                   tagline_lang=local.tagline_lang)


def find_issue(site: Site, name: str) -> Issue:
    """The issue a command names by its slug, folder or file (`asked_slug`); an error listing
    the issues there are when there is none."""
    wanted = asked_slug(name)
    for issue in site.issues:
        if issue.slug == wanted:
            return issue
    raise no_such_issue(name, wanted, "this site", [issue.slug for issue in site.issues])


def issue_warnings(issue: Issue, warnings: Iterable[Problem],
                   others: Sequence[str] = ()) -> tuple[Problem, ...]:
    """Those of `warnings` about the edition of `issue` that a command makes (`bulletin pdf`,
    `email`): at the issue's files (its folder's, or its file), but its translations into
    the `others` languages, and at the settings, which shape every edition, but for the
    languages' (whose sites it does not make). Not every warning of the site: another issue's
    unknown field is the build's to say, and a Russian file's is not the Spanish edition's."""
    # An issue of a folder is read from its issue.yaml (issue.es.yaml); of one file, an .md.
    folder = None if issue.source.endswith(".md") else issue.source.rsplit("/", 1)[0] + "/"
    own = {issue.source, *(item.source for item in issue.items)}

    def about(warning: Problem) -> bool:
        path = warning.location.path
        if path == CONFIG_FILE:
            return not warning.message.startswith("languages")
        return path in own or (folder is not None and path.startswith(folder)
                               and not translation_of(path.rpartition("/")[2], others))

    return tuple(filter(about, warnings))


def asked_issue(name: str, codes: Iterable[str]) -> tuple[str, str | None]:
    """The slug of the issue a command names (`asked_slug`), and the language of `codes`
    that the file it names is a translation into ('issue.fr.yaml', '2026-05-may.fr.md',
    '01-lead.fr.md'), or None."""
    folder, _, file = name.replace("\\", "/").rstrip("/").rpartition("/")
    twin = translation_of(file, codes)
    if twin is None:
        return asked_slug(name), None
    return asked_slug(f"{folder}/{twin[0]}" if folder else twin[0]), twin[1]


def asked_slug(name: str) -> str:
    """The slug of the issue a command names by its folder or file ('2026-03-march',
    'content/issues/2026-03-march/', '2006-07-august.md'), or by a file inside its folder
    ('content/issues/2026-03-march/01-lead.md')."""
    parts = [part for part in name.replace("\\", "/").split("/") if part]
    if "issues" in parts[:-1]:  # the folder or file after the last `issues/`
        parts = [parts[len(parts) - parts[::-1].index("issues")]]
    return slugify(parts[-1].removesuffix(".md") if parts else name)


def issue_translated(main: Site, translated: Site, slug: str) -> None:
    """Raise, saying how to start one, when the issue `slug` of the main language has no
    translation in `translated`'s language: 'no issue' would send the editor looking for a
    misspelling."""
    wanted = asked_slug(slug)
    if translated is main or any(issue.slug == wanted for issue in translated.issues):
        return
    if any(issue.slug == wanted for issue in main.issues):
        raise BulletinError(f"issue '{wanted}' has no '{translated.language}' translation (run "
                            f"'bulletin new translation {wanted} {translated.language}')")


def site_in(site: Site, language: str | None) -> Site:
    """The site of `language` ('es', in any case); the main one for None or the main
    language."""
    if language is None:
        return site
    found = next((each for each in language_sites(site)
                  if each.language.lower() == language.lower()), None)
    if found is None:
        codes = [each.language for each in language_sites(site)]
        # 'fr-FR' for 'fr': a region the site's language does not name.
        meant = next((code for code in codes if language.lower().startswith(f"{code.lower()}-")),
                     "")
        # 'arabic' or 'ara' (or 'kz', Kazakhstan's) for 'ar': a language's name or other code.
        named = language_meant(language) or country_meant(language)
        meant = meant or (named if named in codes else "")
        hint = f"did you mean {meant}?" if meant else did_you_mean(language, codes)
        raise BulletinError(f"no language '{language}' in this site: the languages are "
                            f"{', '.join(codes)} (see 'languages:' in bulletin.yaml)"
                            + (f"; {hint}" if hint else ""))
    return found

