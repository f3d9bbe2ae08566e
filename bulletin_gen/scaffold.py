"""`bulletin init` and `bulletin new`: file writers for new sites, issues, items and
translations.

New files are named to sort after the existing ones (issues by date, items by their `NN-`
prefix) and carry the front matter their kind needs with a commented skeleton. Nothing here
ever overwrites a file: an existing target is an error naming it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path
from typing import TypeGuard

from .config import load_config
from .content import (
    ISSUE_FILE,
    MARKDOWN_SUFFIXES,
    YAML_SUFFIXES,
    read_sources,
    split_front_matter,
)
from .errors import BulletinError, Problems, no_such_issue
from .i18n import country_meant, language_name
from .languages import listed_language, translated_name, translation_of
from .layout import CACHE_DIR, OUTPUT_DIR
from .markdown import slugify
from .model import ITEM_KINDS
from .sitelock import LOCK_FILE
from .validate import BRIEF_PLACEHOLDER
from .write import BESIDE_OUTPUT, beside_output
from .yamlio import YamlError, load_yaml

STARTER = Path(__file__).parent / "starter"
_ORDER = re.compile(r"^(\d+)[-_.]")
# A new file's name takes the title's first words up to this many characters: a whole title
# of Arabic or Chinese could pass the 255 bytes a file name may hold.
SLUG_LENGTH = 60


def init_site(directory: Path) -> list[Path]:
    """Copy the starter site into `directory`: a new folder, or one where none of the starter's
    files and folders are yet (a fresh clone of a repository, with its README, takes a site)."""
    if directory.exists() and not directory.is_dir():
        raise BulletinError(f"{directory} is a file; choose a new folder for the site.")
    sources = sorted(source for source in STARTER.rglob("*") if source.is_file())
    names = [source.relative_to(STARTER) for source in sources]
    # The site's own folders are taken whole; of a repository's (.github), only the files.
    site_parts = sorted({name.parts[0] for name in names if not name.parts[0].startswith(".")})
    taken = [part for part in site_parts if os.path.lexists(directory / part)] + [
        name.as_posix() for name in names
        if name.parts[0].startswith(".") and os.path.lexists(directory / name)]
    if taken:
        raise BulletinError(f"{directory} already has {', '.join(taken)}: a site may be there; "
                            "choose a new folder for the site.")
    written = []
    for source, name in zip(sources, names, strict=True):
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
    ignore = _write_gitignore(directory)
    return written + ([ignore] if ignore else [])


def _write_gitignore(site: Path) -> Path | None:
    """A .gitignore of what builds make in the site, so that `git add -A` commits only what the
    editors wrote; None when the site has its own, which is left as it is. Written here, not
    kept in starter/, so that the names come from where the build takes them."""
    output = site / OUTPUT_DIR
    made = [OUTPUT_DIR, *(beside_output(output, role).name for role in BESIDE_OUTPUT),
            CACHE_DIR]
    # `bulletin pdf` and `bulletin email` write ISSUE.pdf and ISSUE.eml where they are run.
    lines = [f"/{name}/\n" for name in made] + [f"/{LOCK_FILE}\n", "/*.pdf\n", "/*.eml\n"]
    path = site / ".gitignore"
    try:
        with path.open("x", encoding="utf-8") as handle:  # 'x': never replace the editors' own
            handle.write("# What `bulletin build` makes in the site: not to be committed.\n"
                         + "".join(lines))
    except FileExistsError:
        return None
    return path


def new_issue(site_dir: Path, title: str, date: dt.date | None = None,
              single_file: bool = False) -> tuple[Path, str]:
    """Write a new draft issue (a folder with issue.yaml, or one .md file); returns its path,
    and a note: the date it took when none was given (its name begins with it), and whether
    issues dated after it already use its number (`_next_number`)."""
    dated = "" if date else (f"note: dated today, {dt.date.today():%Y-%m-%d} (its name begins "
                             "with the month): for another date, give --date YYYY-MM-DD")
    date = date or dt.date.today()
    slug = _title_slug(title)
    number, volume, later = _next_number(site_dir, date)
    name = f"{date:%Y-%m}-{slug}"
    issues_dir = site_dir / "content" / "issues"
    for taken in (issues_dir / name, issues_dir / f"{name}.md"):
        if taken.exists():
            raise BulletinError(f"{taken} already exists; choose another title or --date.")
    fields = _yaml_fields(title=title, date=date, number=number, volume=volume)
    fields += ("summary: \"\"        # one or two sentences for the archive and the feed\n"
               "status: draft       # change to 'published' when the issue is ready\n")
    if single_file:
        path = issues_dir / f"{name}.md"
        _write_new(path, f"---\n{fields}---\n{SINGLE_FILE_BODY}")
    else:
        path = issues_dir / name / ISSUE_FILE
        _write_new(path, fields)
    return path, "\n".join(note for note in (dated, _renumber_note(number, volume, later))
                            if note)


def _renumber_note(number: int, volume: int | None, later: list[str]) -> str:
    """What to do when the new issue's number is taken by an issue dated after it: it keeps the
    number that follows the issue before it (so the numbers follow the dates), and renumbering
    the later ones is the editor's choice to make; a build reports the two until then."""
    if not later:
        return ""
    of_volume = "" if volume is None else f" of volume {volume}"
    return (f"note: number {number}{of_volume} is already that of {', '.join(later)}, dated "
            "after this issue: renumber the issues after this one before it is published "
            "(two issues of a volume cannot share a number)")


def new_item(site_dir: Path, issue: str, title: str, kind: str = "news") -> Path:
    """Write a new item into the folder of `issue`, numbered after its last item."""
    if kind not in ITEM_KINDS:
        raise BulletinError(f"unknown kind {kind!r}; choose one of {', '.join(ITEM_KINDS)}.")
    folder = _issue_folder(site_dir, issue)
    slug = _title_slug(title)
    existing = [p for p in folder.iterdir() if p.is_file() and p.name != ISSUE_FILE
                and p.suffix in MARKDOWN_SUFFIXES + YAML_SUFFIXES]
    for path in existing:
        if _ORDER.sub("", path.stem) == slug:
            raise BulletinError(f"{path} already has the slug '{slug}'; choose another title.")
    numbers = [int(m.group(1)) for p in existing if (m := _ORDER.match(p.name))]
    suffix = ".yaml" if kind == "briefs" else ".md"
    path = folder / f"{max(numbers, default=0) + 1:02d}-{slug}{suffix}"
    if kind == "briefs":
        text = _yaml_fields(title=title) + BRIEFS_BODY
    else:
        body = ROUNDTABLE_BODY if kind == "roundtable" else ITEM_BODY
        text = f"---\n{_yaml_fields(title=title, kind=kind)}{body}"
    _write_new(path, text)
    return path


# The fields a translation gives in its own words; the others it takes from its original.
TRANSLATED_FIELDS = ("title", "summary", "session", "venue", "image_alt")


def new_translation(site_dir: Path, issue: str, language: str) -> list[Path]:
    """Write the `.LANGUAGE` twin of each file of `issue` (its issue file and its items), with
    the fields to translate and the text, for a translator to fill in; returns their paths.
    A twin that exists already is left as it is: items added to the issue since can be given
    theirs the same way."""
    config, _ = load_config(site_dir)
    codes = [each.code for each in config.languages]
    if language.lower() == config.language.lower():
        raise BulletinError(f"'{language}' is the site's main language ('language:' in "
                            "bulletin.yaml): its files are the originals, which the "
                            "translations translate")
    if language not in codes:
        meant = listed_language(language, codes) or (
            country_meant(language) if country_meant(language) in codes else None)
        advice = (f"did you mean {meant}?" if meant else
                  "add it under 'languages:' in bulletin.yaml first")
        raise BulletinError(f"'{language}' is not one of the site's languages "
                            f"({', '.join(codes) or 'none'}); {advice}")
    found = _issue_entry(site_dir, issue)
    if found.is_file():
        originals = [found]
    else:
        originals = [path for path in sorted(found.iterdir())
                     if path.is_file() and path.suffix in MARKDOWN_SUFFIXES + YAML_SUFFIXES
                     and not translation_of(path.name, codes)]
    # An item written in the language already (`lang: ar`) is shown as it is: no twin.
    originals = [path for path in originals if not _written_in(path, language)]
    twins = {path: path.with_name(translated_name(path.name, language)) for path in originals}
    missing = {path: twin for path, twin in twins.items() if not twin.exists()}
    if not missing:
        raise BulletinError(f"every file of {found.name} has its '{language}' translation "
                            "already; nothing was written")
    for original, twin in missing.items():
        _write_new(twin, _twin_text(original, language))
    return list(missing.values())


def _written_in(path: Path, language: str) -> bool:
    """Whether the item file `path` says it is written in `language` (its `lang:`)."""
    text = path.read_text("utf-8-sig", errors="replace")
    front = split_front_matter(text)[0] if path.suffix in MARKDOWN_SUFFIXES else text
    try:
        fields = load_yaml(front) if front else None
    except YamlError:  # a file that cannot be read is the build's to report
        return False
    lang = fields.get("lang") if isinstance(fields, dict) else None
    return isinstance(lang, str) and lang.strip().lower() == language.lower()


def _twin_text(original: Path, language: str) -> str:
    """A translation's first draft: the original's words to replace, and a note saying so."""
    text = original.read_text(encoding="utf-8-sig")
    note = (f"# The {language_name(language)} ({language}) translation of {original.name}: "
            "translate these fields (and the text);\n# every field left out is taken from the "
            "original.\n")
    if original.suffix in YAML_SUFFIXES:
        fields = load_yaml(text)
        if isinstance(fields, dict) and "items" in fields:  # briefs: the list is replaced whole
            return note + text
        return note + _kept_fields(fields)
    front, body, _ = split_front_matter(text)
    fields = load_yaml(front) if front else {}
    return f"---\n{note}{_kept_fields(fields)}---\n{body}"


def _kept_fields(fields: object) -> str:
    """The fields of TRANSLATED_FIELDS that `fields` has, as YAML lines, and a contact that has
    a role, whole: a translation's `contact:` replaces the original's, and its role is words."""
    found = fields if isinstance(fields, dict) else {}
    kept: dict[str, object] = {key: str(found[key]) for key in TRANSLATED_FIELDS if key in found}
    contact = found.get("contact")
    if isinstance(contact, dict) and contact.get("role"):
        kept["contact"] = contact
    return _yaml_fields(**kept)


def _title_slug(title: str) -> str:
    """The slug a new file is named after: the title's first words, up to SLUG_LENGTH
    characters; an error when the title is not one line or has nothing to make it of."""
    if any(end in title for end in "\n\r\u2028\u2029"):
        raise BulletinError(f"the title {title!r} holds a line break; a title is one line.")
    words = slugify(title).split("-")
    if not words[0]:
        raise BulletinError(f"cannot make a file name from the title {title!r}; "
                            "use letters or digits in it.")
    slug = words[0][:SLUG_LENGTH]
    for word in words[1:]:
        if len(slug) + 1 + len(word) > SLUG_LENGTH:
            break
        slug += f"-{word}"
    return slug


def _next_number(site_dir: Path, date: dt.date) -> tuple[int, int | None, list[str]]:
    """The number after that of the last issue dated on or before `date`, its volume, and the
    issues dated after `date` that have that number in that volume.

    By date, not the highest number: an editor filling in an archive adds a 2006 issue after
    the 2026 ones, and it follows the 2006 issues, not the newest."""
    sources = read_sources(site_dir, Problems())  # unreadable files do not stop scaffolding
    earlier: list[tuple[str, int, int | None]] = []
    after: list[tuple[str, int, int | None, str]] = []
    for issue in sources.issues:
        meta = issue.meta.meta
        when = str(meta.get("date", ""))
        number, volume = meta.get("number"), meta.get("volume")
        found = (when, number if _whole(number) else 0, volume if _whole(volume) else None)
        if when and when <= date.isoformat():
            earlier.append(found)
        elif when:
            after.append((*found, issue.meta.rel))
    if not earlier:
        number, volume = 1, None
    else:
        _, last, volume = max(earlier, key=lambda found: (found[0], found[1]))
        # Issues without numbers: the new one's position among them by date.
        number = (last or len(earlier)) + 1
    later = sorted(rel for _, other, other_volume, rel in after
                   if other == number and other_volume == volume)
    return number, volume, later


def _whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _issue_folder(site_dir: Path, issue: str) -> Path:
    match = _issue_entry(site_dir, issue)
    if match.is_file():
        raise BulletinError(f"{match} is a single-file issue; add a '## Heading' section to it "
                            "instead of a new item file.")
    return match


def _issue_entry(site_dir: Path, issue: str) -> Path:
    """The folder or the file of `issue` (its name, with or without '.md')."""
    issues_dir = site_dir / "content" / "issues"
    candidates = {p.name: p for p in sorted(issues_dir.iterdir())} if issues_dir.is_dir() else {}
    wanted = Path(issue).name.removesuffix(".md")
    match = candidates.get(wanted) or next(
        (p for name, p in candidates.items() if slugify(Path(name).stem) == slugify(wanted)),
        None)
    if match is None:
        # not a translation's file ('2026-03-spring.es.md') nor a hidden one ('.DS_Store'):
        # a dot left in the stem
        issues = [stem for name in reversed(candidates) if "." not in (stem := Path(name).stem)]
        raise no_such_issue(issue, wanted, str(issues_dir), issues)
    return match


def _yaml_fields(**fields: object) -> str:
    """'key: value' lines; text and mappings are JSON, which YAML reads back unchanged."""
    lines = []
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, dt.date):
            shown: object = value.isoformat()
        else:
            shown = (json.dumps(value, ensure_ascii=False) if isinstance(value, (str, dict))
                     else value)
        lines.append(f"{key}: {shown}\n")
    return "".join(lines)


def _write_new(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:  # 'x': fail rather than overwrite
            handle.write(text)
    except FileExistsError:
        raise BulletinError(f"{path} already exists; it was left as it is.") from None
    except OSError as error:
        raise BulletinError(f"cannot write {path}: {error.strerror or error}") from None


SINGLE_FILE_BODY = """\
<!-- The text before the first '## ' heading is the issue's introduction. -->

## First item title

<!-- Each '## Heading' section below becomes one item of the issue. -->
"""

ITEM_BODY = """\
authors: []          # e.g. [Ana Pérez]
tags: []             # e.g. [mediation, water]
regions: []          # countries or places, e.g. [Peru]
summary: ""          # one sentence for the contents, the home page and the feed
# image: images/photo.jpg
# image_alt: What the picture shows
# contact: {name: Ana Pérez, role: Coordinator, email: ana@example.org}
---
<!-- Write the item here in Markdown: a blank line between paragraphs, **bold** for names
     and places, '- ' for lists, [text](address) for links. -->
"""

ROUNDTABLE_BODY = """\
session: Round Table
presenters: []       # a name, or a list of names
facilitators: []
secretaries: []
participants: []
venue: ""
tags: []
regions: []
summary: ""
---
## Summary

<!-- What was presented, in a few paragraphs. -->

## Discussion

<!-- The main points raised by the participants. -->

## Conclusions

<!-- One '- ' list entry per conclusion; they are listed among the issue's key outcomes. -->

## Recommendations

<!-- One '- ' list entry per recommendation. -->
"""

BRIEFS_BODY = """\
kind: briefs
# contact: {name: Ana Pérez, email: ana@example.org}
items:
  # One entry per brief; only 'body' is required.
  - headline: ""             # optional
    # id: pecs-budget        # optional: an anchor that stays when briefs move (links, feeds)
    regions: []              # e.g. [Tajikistan, Uzbekistan]
    tags: []
    body: |
      """ + BRIEF_PLACEHOLDER + "\n"
