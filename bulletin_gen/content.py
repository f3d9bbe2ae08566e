"""Stage 2: read `content/` into raw source documents. The only module that reads content.

Nothing here interprets fields: it finds the files, decodes them, splits front matter from the
body and parses the YAML (keeping line numbers). `validate.py` turns the result into the typed
content model of `model.py`. Files are visited in sorted order so the result never depends on
the file system's listing order.
"""

from __future__ import annotations

import itertools
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from .errors import Location, Problems, display_path
from .layout import editor_temporary
from .pool import CHUNKS_PER_JOB, Learner, map_chunks, split
from .yamlio import Mapping, YamlError, bad_characters, load_yaml

CONTENT_DIR = "content"
ISSUE_FILE = "issue.yaml"
MARKDOWN_SUFFIXES = (".md", ".markdown")
YAML_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_LINES_SAID = 10  # of a file's lines holding characters no page can hold, each an error
# The line of a field that a translation takes from its original (languages.py): a problem
# with it is its original's, and its text is in the original's language.
INHERITED = -1
# The inherited fields whose text a reader sees, which the theme marks with their language
# (model.lang_of): a briefs file's `items` are its briefs; of a `contact`, its role (a name is
# no language's, as a round table's presenters are not).
SHOWN_TEXT = ("title", "summary", "image_alt", "items", "session", "venue", "contact")
# Fewer issues than this are read in the main process: starting workers would cost more.
PARALLEL_ISSUES = 64


@dataclass(frozen=True)
class SourceDoc:
    """One content file: its YAML fields and its Markdown body."""

    path: Path  # absolute
    rel: str  # as the editor knows it, relative to the site folder
    meta: Mapping
    body: str = ""
    body_line: int = 1  # line of the file where the body starts
    readable: bool = True  # False when the file or its YAML could not be read (already reported)

    @property
    def stem(self) -> str:
        return self.path.stem


@dataclass(frozen=True)
class IssueSource:
    """An issue as found on disk: a folder with issue.yaml, or one Markdown file."""

    name: str  # folder or file name without suffix: the issue's slug
    meta: SourceDoc
    items: tuple[SourceDoc, ...] = ()  # .md and .yaml item files, in file-name order
    assets: tuple[Path, ...] = ()  # other files of the folder, relative to it
    folder: Path | None = None  # None for a single-file issue


class KeptDocuments(Learner, Protocol):
    """The documents an earlier build read (the incremental layer's model memo); in worker
    processes, it learns what they read."""

    def document(self, path: Path, read: Callable[[Problems], SourceDoc],
                 problems: Problems) -> SourceDoc:
        """The document at `path` as kept, when its file has not changed; else `read`'s."""
        ...

    def without_body(self, doc: SourceDoc) -> SourceDoc:
        """`doc` without its Markdown body, when it can be read again from the file later."""
        ...

    def whole(self, doc: SourceDoc) -> SourceDoc:
        """`doc` with every field and its body, as its file holds them: what the memo kept
        it without is read again."""
        ...


@dataclass(frozen=True)
class Sources:
    """Everything under content/."""

    issues: tuple[IssueSource, ...]
    pages: tuple[SourceDoc, ...]


def read_sources(site_dir: Path, problems: Problems, memo: KeptDocuments | None = None,
                 jobs: int = 1) -> Sources:
    """Read every issue and page under `site_dir/content`, recording unreadable files.

    With a `memo`, a file unchanged since the last build is not read again. With `jobs` > 1
    the issues are read by worker processes: YAML and decoding are a tenth of a cold build."""
    content = site_dir / CONTENT_DIR
    if not content.is_dir():
        problems.add(Location(CONTENT_DIR), "no content/ folder",
                     "create content/issues/ and put an issue in it")
        return Sources((), ())
    issues_dir = content / "issues"
    entries = _listing(issues_dir)
    # A folder that is no link lies where content/issues/ does (linked folders are not entered).
    issues_inside = issues_dir.resolve().is_relative_to(site_dir.resolve())

    parallel = jobs > 1 and len(entries) >= PARALLEL_ISSUES

    def read_issues(indices: range) -> list[tuple[IssueSource | None, Problems]]:
        read = []
        for index in indices:
            found = Problems()
            issue = _read_issue(site_dir, entries[index], issues_inside, found, memo)
            if issue and memo and parallel:
                # The items are built by worker processes too: their Markdown need not pass
                # through the main process, which would hold every body of the site at once.
                issue = replace(issue, items=tuple(map(memo.without_body, issue.items)))
            read.append((issue, found))
        return read

    chunks = split(len(entries), max(1, -(-len(entries) // (CHUNKS_PER_JOB * jobs))))
    issues: list[IssueSource] = []
    for part in map_chunks(read_issues, chunks, jobs if parallel else 1,
                           (memo,) if memo else ()):
        for issue, found in part:
            problems.extend(found)
            if issue:
                issues.append(issue)
    pages = tuple(read_document(site_dir, path, problems, memo)
                  for path in _listing(content / "pages")
                  if path.suffix.lower() in MARKDOWN_SUFFIXES)
    return Sources(tuple(issues), pages)


def _read_issue(site_dir: Path, entry: Path, issues_inside: bool, problems: Problems,
                memo: KeptDocuments | None) -> IssueSource | None:
    """The issue of a folder or a Markdown file in content/issues/; None for anything else."""
    if entry.is_dir():
        inside = (issues_inside and not entry.is_symlink()) or \
            entry.resolve().is_relative_to(site_dir.resolve())
        return _read_folder_issue(site_dir, entry, inside, problems, memo)
    if entry.suffix.lower() in MARKDOWN_SUFFIXES:  # inside the site when a folder's file is
        inside = issues_inside and not entry.is_symlink()
        return IssueSource(entry.stem, read_document(site_dir, entry, problems, memo, inside))
    return None


def _listing(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if not p.name.startswith((".", "_"))),
                  key=lambda p: p.name)


def _read_folder_issue(site_dir: Path, folder: Path, folder_inside: bool, problems: Problems,
                       memo: KeptDocuments | None) -> IssueSource | None:
    """`folder_inside`: the folder lies inside the site, so a file in it that is no link does."""
    meta_path = folder / ISSUE_FILE
    if not meta_path.is_file():
        problems.add(Location(display_path(folder, site_dir)), "issue folder without issue.yaml",
                     "add issue.yaml with at least 'title' and 'date'")
        return None
    meta = read_document(site_dir, meta_path, problems, memo,
                         checked=folder_inside and not meta_path.is_symlink())
    items: list[SourceDoc] = []
    assets: list[Path] = []
    for relative, is_link in _files_below(folder):
        if relative == ISSUE_FILE:
            continue
        path = folder / relative
        if not (folder_inside and not is_link) and not inside_site(path, site_dir, problems):
            continue
        if "/" not in relative and relative.lower().endswith(MARKDOWN_SUFFIXES + YAML_SUFFIXES):
            items.append(read_document(site_dir, path, problems, memo, checked=True))
        else:
            assets.append(Path(relative))
    return IssueSource(folder.name, meta, tuple(items), tuple(assets), folder)


def _files_below(folder: Path) -> list[tuple[str, bool]]:
    """Every file below `folder` (its path relative to it with '/', in path order) and whether
    it is a symbolic link; hidden files and folders, editors' temporary files and backups
    (layout.editor_temporary), and linked folders, are left out. One
    directory read per folder and no stat of a plain file: an archive has thousands of them."""
    found: list[tuple[str, bool]] = []
    waiting = [(str(folder), "")]
    while waiting:
        current, base = waiting.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    waiting.append((entry.path, f"{base}{entry.name}/"))
                    continue
                if editor_temporary(entry.name):
                    continue
                is_link = entry.is_symlink()
                if not is_link or entry.is_file():  # a link to a folder or to nothing: no file
                    found.append((base + entry.name, is_link))
    found.sort(key=lambda entry: entry[0].split("/"))
    return found


def read_document(site_dir: Path, path: Path, problems: Problems,
                  memo: KeptDocuments | None = None, checked: bool = False) -> SourceDoc:
    """Read a .md file (front matter + body) or a .yaml file (fields only).

    `checked`: the caller has made sure that the file lies inside the site."""
    if not checked and not inside_site(path, site_dir, problems):
        return SourceDoc(path, display_path(path, site_dir), Mapping(start_line=1),
                         readable=False)
    if memo is None:
        return _parse_document(site_dir, path, problems)
    return memo.document(path, lambda found: _parse_document(site_dir, path, found), problems)


def _parse_document(site_dir: Path, path: Path, problems: Problems) -> SourceDoc:
    return parse_file(path, display_path(path, site_dir), problems)


def parse_file(path: Path, rel: str, problems: Problems) -> SourceDoc:
    """The document of one content file, whose name for the editor is `rel`."""
    text = read_text(path, rel, problems)
    if text is None:
        return SourceDoc(path, rel, Mapping(start_line=1), readable=False)
    if path.suffix.lower() in YAML_SUFFIXES:
        meta = _parse_mapping(text, rel, 0, problems)
        if meta is None:
            return SourceDoc(path, rel, Mapping(start_line=1), readable=False)
        return SourceDoc(path, rel, meta)
    front, body, body_line = split_front_matter(text)
    if not _front_matter_sound(text, front, rel, problems):
        return SourceDoc(path, rel, Mapping(start_line=1), body, body_line, readable=False)
    meta = _parse_mapping(front, rel, 1, problems) if front is not None else Mapping(start_line=1)
    if meta is None:
        return SourceDoc(path, rel, Mapping(start_line=2), body, body_line, readable=False)
    return SourceDoc(path, rel, meta, body, body_line)


def read_body(path: Path, rel: str) -> tuple[str, int] | None:
    """The Markdown body of a content file and the line it starts on, read again without
    parsing the front matter again; None when the file can no longer be read."""
    text = read_text(path, rel, Problems())
    if text is None:
        return None
    if path.suffix.lower() in YAML_SUFFIXES:
        return "", 1
    _, body, body_line = split_front_matter(text)
    return body, body_line


def inside_site(path: Path, site_dir: Path, problems: Problems) -> bool:
    """False (and a problem) when a symbolic link makes `path` lead out of the site folder."""
    if path.resolve().is_relative_to(site_dir.resolve()):
        return True
    problems.add(Location(display_path(path, site_dir)),
                 f"symbolic link to {path.resolve()}, outside the site",
                 "copy the file into the site instead of linking it")
    return False


def read_text(path: Path, rel: str, problems: Problems) -> str | None:
    """Decode a UTF-8 file (with or without BOM), with LF line endings and NFC text."""
    try:
        if not path.is_file():  # a FIFO or device would block or never end
            problems.add(Location(rel), "not a regular file", "replace it with a text file")
            return None
        if path.stat().st_size > MAX_FILE_BYTES:
            problems.add(Location(rel), f"file is larger than {MAX_FILE_BYTES // 2**20} MB",
                         "split it into several items")
            return None
        raw = path.read_bytes()
    except OSError as error:
        problems.add(Location(rel), f"cannot read file: {error.strerror}")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.add(Location(rel, line), "not valid UTF-8 text",
                     "save the file with UTF-8 encoding")
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Typed into the file (a YAML escape of one is refused by the YAML reader): each line
    # that holds one, up to a few, so that one fix does not reveal the next.
    lines: dict[int, str] = {}
    line, counted = 1, 0
    for offset, message in bad_characters(text):
        line, counted = line + text.count("\n", counted, offset), offset
        lines[line] = message
        if len(lines) > MAX_LINES_SAID:
            break
    for line, message in list(lines.items())[:MAX_LINES_SAID]:
        problems.add(Location(rel, line), message)
    if len(lines) > MAX_LINES_SAID:
        problems.add(Location(rel, max(lines)), "more characters that pages and feeds cannot "
                     "hold, from this line on", "delete them too")
    return None if lines else unicodedata.normalize("NFC", text)


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split '---' front matter from a Markdown body: (front or None, body, body's first line)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    return "\n".join(lines[1:]), "", len(lines) + 1


def _front_matter_sound(text: str, front: str | None, rel: str, problems: Problems) -> bool:
    """False (and a problem) when the '---' lines around the fields are missing or half there.

    Without this, fields written without '---' are read as Markdown and the editor is told
    'missing required field', and an unclosed front matter fails at some line of the body."""
    if front is None:
        lines = text.split("\n")
        opened = _late_front_matter(lines)
        if opened:
            problems.add(Location(rel, opened),
                         "front matter must open on the file's first line: from here on its "
                         "fields are read as text, and the lines above it too",
                         "move what is above the '---' line below the front matter, or "
                         "delete it")
            return False
        for number, line in enumerate(lines, 1):
            if not line.strip() and number > 1:
                break  # only the first paragraph: a body may well say 'title:' further down
            if line.startswith("title:"):
                problems.add(Location(rel, number),
                             "no front matter: these fields are read as text because they are "
                             "not between '---' lines",
                             "put a line '---' before the first field and another after the last")
                return False
        return True
    if not any(line.strip() in ("---", "...") for line in text.split("\n")[1:]):
        problems.add(Location(rel, 1), "front matter opened here is never closed",
                     "add a line '---' after the last field, before the text")
        return False
    return True


def _late_front_matter(lines: list[str]) -> int:
    """The line of a '---' that opens fields (a `title:` follows, then another '---') after a
    few lines of something else (a translator's note above the front matter), or 0."""
    for number, line in enumerate(lines[1:6], 2):
        if line.strip() != "---":
            continue
        fields = list(itertools.takewhile(lambda each: each.strip() != "---", lines[number:]))
        closed = len(fields) < len(lines) - number
        return number if closed and any(each.startswith("title:") for each in fields) else 0
    return 0


def _parse_mapping(text: str, rel: str, line_offset: int, problems: Problems) -> Mapping | None:
    """The fields of a YAML text; None (and a problem) when it is not a readable mapping."""
    try:
        data = load_yaml(text, line_offset)
    except YamlError as error:
        problems.add(Location(rel, error.line), str(error), error.hint)
        return None
    if data is None:
        return Mapping(start_line=1 + line_offset)
    if not isinstance(data, Mapping):
        problems.add(Location(rel, 1 + line_offset),
                     f"expected 'key: value' fields, got {_describe(data)}",
                     "write one 'key: value' per line")
        return None
    return data


def _describe(data: object) -> str:
    return "a list" if isinstance(data, list) else f"the single value {data!r}"
