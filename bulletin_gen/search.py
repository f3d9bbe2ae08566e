"""The search index: every item and every brief, indexed by Pagefind for a search page that
needs no server.

`search_documents` turns the content model into one small HTML document per item and per brief
of a briefs file, carrying the filters (year, kind, tag, region) and the result's details
(title, issue, date, link) as Pagefind's data attributes. The documents of the newest issue,
of the rest of its quarter, and of each year before, are indexed by the Pagefind program as a
bundle of their own (`SearchShard`), which the search page merges, so that an edit indexes one
issue, a quarter or a year again; `start_search` lists the bundles' files for the output, made
in folders that the build's cache keeps by the shard's digest.

Every language has bundles of its own under its folder (`es/pagefind/`, `es/pagefind/2025/`)
and its own search page (`es/search/`): Pagefind loads the index of the page's `<html lang>` and,
when a bundle has none in that language, falls back to another language's, so a bundle holds one
language only. An item shown untranslated in a translation is not indexed there: its original is,
once, in its own language's bundles. A translation's bundle leaves out Pagefind's interface
scripts, which its search page takes from the main language's bundle.

Pagefind 1.5 writes its filters in an order that changes from run to run (a hash map's), so
`canonical` sorts them and renames the files it rewrote: the same site gives the same bytes.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import cbor2

from .errors import Location, Problems
from .i18n import N_, format_date, punctuation, translations_for
from .model import Brief, Issue, Item, Site, Term
from .write import MadeFolder

INSTALL_HINT = "install it with: pip install 'bulletin-gen[search]'"
BUNDLE = "pagefind/"
SEARCH_PAGE = "search/"
# Pagefind's files start with this signature, then a CBOR document.
SIGNATURE = b"pagefind_dcd"
FILTERS = 3  # where a meta file lists its filters: [name, file hash] pairs
# The search page's filter by kind, in the site's language (make messages extracts them).
KIND_NAMES = {"feature": N_("Feature"), "news": N_("News"), "roundtable": N_("Round table"),
              "notice": N_("Notice"), "briefs": N_("Brief")}
# The names of the filters and of the details of a result, which the search page shows.
FILTER_NAMES = {"year": N_("Year"), "kind": N_("Kind"), "tag": N_("Topic"), "region": N_("Region")}
DETAIL_NAMES = {"issue": N_("Issue"), "date": N_("Date")}
# A folder in memory (Linux's), where `write_bundle` has Pagefind work when it can.
MEMORY_FOLDER = "/dev/shm"
# How `write_bundle` lays out the documents for Pagefind, which shapes the bundle's bytes.
SOURCE_LAYOUT = "numbered files in one folder"
IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
# What a page hides from screen readers is no text either: a checklist's ticks (✓ ☐) in a
# result's excerpt read as noise.
HIDDEN = re.compile(r'<span\b[^>]*\baria-hidden="true"[^>]*>[^<]*</span> ?')
# A typographic apostrophe (U+2019) within a word: l'eau, dell'acqua, network's as the Markdown
# typographer writes them. Pagefind 1.5 indexes a word with an ASCII apostrophe as itself and
# as what follows it (`eau` finds "l'eau"), but not one with U+2019: `eau` found nothing in a
# French page that says l'eau five times. The indexed text has the ASCII apostrophe (so the
# excerpts show it); the pages keep theirs.
APOSTROPHE = re.compile(r"(?<=\w)\u2019(?=\w)")


# The files of the bundle that the search page loads: `bulletin check`, which makes no index,
# counts them as written.
UI_FILES = (BUNDLE + "pagefind-ui.css", BUNDLE + "pagefind-ui.js")
# What a translation's own bundle keeps of Pagefind's scripts: the search engine, not its UI.
ENGINE_FILES = frozenset({"pagefind.js", "pagefind-worker.js"})
# The files of a bundle, at any depth (`pagefind/`, `es/pagefind/2025/`), that Pagefind names
# by a hash of their bytes ('<lang>_<hash>', as `canonical` keeps it): new bytes, a new name.
# The rest keep their names while their bytes change: the scripts and the `wasm.<lang>.pagefind`
# files with each Pagefind version, `pagefind-entry.json` with each build.
NAMED_BY_CONTENT = re.compile(rf"(?:^|/){BUNDLE}(?:[^/]+/)*"
                              r"(?:(fragment|index|filter)/[^/]+\.pf_\1|pagefind\.[^/]+\.pf_meta)$")


class SearchUnavailable(Exception):
    """The Pagefind program is not installed (or cannot run on this platform)."""


@dataclass(frozen=True)
class SearchDocument:
    """What Pagefind indexes for one result: where its document goes and its HTML."""

    path: str  # relative to the folder Pagefind reads
    html: str


def search_documents(site: Site, site_dir: Path | None = None) -> list[SearchDocument]:
    """One document per item and per brief, in the site's order, then each translation's."""
    documents = []
    for each in (site, *site.translations):
        words = Words(each, site_dir)
        documents += [document for issue in each.issues
                      for document in issue_documents(each, issue, words)]
    return documents


class Words:
    """What one language's documents say in that language: the names of the filters, of a
    result's details and of the kinds of item, from the site's own catalogue
    (`translations/LANG.po` in `site_dir`) or the theme's, looked up once for all of them."""

    def __init__(self, site: Site, site_dir: Path | None = None) -> None:
        self.language = site.config.language
        speech = translations_for(self.language, site_dir)
        self.filters = {key: speech.gettext(name) for key, name in FILTER_NAMES.items()}
        self.details = {key: speech.gettext(name) for key, name in DETAIL_NAMES.items()}
        self.kinds = {key: speech.gettext(name) for key, name in KIND_NAMES.items()}
        # A tag or region is filtered by its page's name, however an item spells it ('pécs').
        self.terms = {"tag": {index.term.slug: index.term.name for index in site.tags},
                      "region": {index.term.slug: index.term.name for index in site.regions}}

    def term_names(self, key: str, terms: tuple[Term, ...]) -> list[str]:
        """The names of `terms`, tags or regions (`key`), as their pages give them."""
        return [self.terms[key].get(term.slug, term.name) for term in terms]


def issue_documents(site: Site, issue: Issue, words: Words) -> list[SearchDocument]:
    """The documents of one issue of one language's `site`; an item it shows untranslated is
    left out (it is found in its own language)."""
    documents = []
    for item in issue.items:
        if item.untranslated:
            continue
        if item.kind == "briefs":
            documents += [_brief_document(site, issue, item, brief, words)
                          for brief in item.briefs]
        else:
            documents.append(_item_document(site, issue, item, words))
    return documents


def _item_document(site: Site, issue: Issue, item: Item, words: Words) -> SearchDocument:
    parts = [item.summary and f"<p>{html.escape(item.summary)}</p>", item.html]
    if item.roundtable:
        table = item.roundtable
        names = table.presenters + table.facilitators + table.secretaries + table.participants
        parts.append(f"<p>{html.escape(', '.join(names))}</p>")
        parts += [f"<h2>{html.escape(part.title)}</h2>{part.html}" for part in table.sections]
    filters = {"tag": words.term_names("tag", item.tags),
               "region": words.term_names("region", item.regions)}
    return _document(site, issue, item, f"{item.url}index.html", item.url, item.title,
                     "".join(parts), filters, words)


def _brief_document(site: Site, issue: Issue, item: Item, brief: Brief,
                    words: Words) -> SearchDocument:
    regions = words.term_names("region", brief.regions)
    title = brief.headline or (f"{item.title}: {', '.join(regions)}" if regions else item.title)
    filters = {"tag": words.term_names("tag", brief.tags), "region": regions}
    return _document(site, issue, item, f"{item.url}{brief.anchor}/index.html",
                     f"{item.url}#{brief.anchor}", title, brief.html, filters, words)


def _document(site: Site, issue: Issue, item: Item, path: str, url: str, title: str,
              body: str, filters: dict[str, list[str]], words: Words) -> SearchDocument:
    """The HTML Pagefind reads: the text in `data-pagefind-body`, the rest as attributes.
    The result's link is relative to the search page, one folder below its language's home
    (`search/`, `es/search/`), so it holds under any sub-path. The filters are named in the
    site's language, as are the details shown with a result: the search page shows their
    names."""
    # In the site's language whatever the item's own (`lang:`): Pagefind keeps an index per
    # language, and the search page reads only its own language's, so an item of another
    # language was found by no page. Its words are matched as written, without their stemming.
    lang = site.config.language
    filters = {"year": [str(issue.date.year)], "kind": [words.kinds.get(item.kind, item.kind)],
               **filters}
    # The issue as an item page says it (its breadcrumb).
    details = {"issue": f"{site.config.title}{punctuation(words.language).comma}{issue.title}",
               "date": format_date(item.date, words.language)}
    marks = [("data-pagefind-meta", f"url:../{url.removeprefix(site.prefix)}"),
             ("data-pagefind-meta", f"title:{title}"),
             *(("data-pagefind-meta", f"{words.details[key]}:{text}")
               for key, text in details.items())]
    marks += [("data-pagefind-filter", f"{words.filters[name]}:{value}")
              for name, values in filters.items() for value in values]
    attributes = "".join(f'<span {name}="{html.escape(value)}"></span>' for name, value in marks)
    # Images are left out: their addresses are the pages' own, and the results show none.
    text = APOSTROPHE.sub("'", HIDDEN.sub("", IMAGE.sub("", body)))
    heading = html.escape(APOSTROPHE.sub("'", title))  # the result's title is the meta's
    return SearchDocument(path, f'<!DOCTYPE html><html lang="{html.escape(lang)}"><head>'
                                f'<meta charset="utf-8"><title>{html.escape(title)}</title>'
                                f'</head><body data-pagefind-body>{attributes}'
                                f'<h1>{heading}</h1>{text}</body></html>')


def pagefind_program() -> Path:
    """The Pagefind binary of the `pagefind-bin` package, or one on the PATH."""
    try:
        from pagefind_bin import get_executable

        return Path(get_executable())
    except (ImportError, FileNotFoundError):
        found = shutil.which("pagefind")
        if found:
            return Path(found)
    raise SearchUnavailable("the Pagefind program is not installed")


def switch_search(site: Site, problems: Problems) -> Site:
    """The site with search switched off when it has nothing to index, or when Pagefind is
    missing (a warning names what to install), so that no page offers a search it lacks."""
    if not site.config.search.enabled:
        return site
    if any(issue.items for issue in site.issues):
        try:
            pagefind_program()
            return site
        except SearchUnavailable as error:
            problems.warn(Location("bulletin.yaml"),
                          f"the search index was not written: {error}", INSTALL_HINT)
    config = replace(site.config, search=replace(site.config.search, enabled=False))
    return replace(site, config=config)


@dataclass(frozen=True, eq=False)
class SearchShard:
    """The newest issue, the rest of its quarter or a year of issues of one language, indexed
    as a Pagefind bundle of its own (`_bundled_issues`): an edit indexes its bundle again, not
    the archive. Its documents are made when asked for, not kept: a rebuild hashes every
    bundle's and indexes one (at 10,000 items they are 60 MB)."""

    folder: str  # where its bundle goes: 'pagefind/', 'pagefind/2024/', 'es/pagefind/', ...
    site: Site  # its language's
    issues: tuple[Issue, ...]
    site_dir: Path | None = None  # where the site's own catalogues are

    def documents(self) -> Iterator[SearchDocument]:
        words = Words(self.site, self.site_dir)
        for issue in self.issues:
            yield from issue_documents(self.site, issue, words)

    def digest(self, made_by: str) -> str:
        """What its bundle is made from: the documents, and `made_by` (the Pagefind program's
        version and how the documents are handed to it, `start_search`)."""
        hashed = hashlib.sha256(made_by.encode())
        for document in self.documents():
            hashed.update(f"\0{document.path}\0{document.html}".encode("utf-8", "surrogatepass"))
        return hashed.hexdigest()[:32]


def search_shards(site: Site, site_dir: Path | None = None) -> list[SearchShard]:
    """The shards of each language, newest first."""
    return [shard for each in (site, *site.translations)
            for shard in _language_shards(each, site_dir)]


def _language_shards(site: Site, site_dir: Path | None) -> list[SearchShard]:
    return [SearchShard(folder, site, tuple(issues), site_dir)
            for folder, issues in _bundled_issues(site).items()]


def _bundled_issues(site: Site) -> dict[str, list[Issue]]:
    """The issues of one language's `site` that have something to index, by the folder of
    their bundle, newest first. The newest issue is the search page's own bundle (`pagefind/`,
    `es/pagefind/`), alone, so that the issue an editor is writing is indexed again by itself;
    the rest of its quarter is a bundle (`<that>/2026-q2/`), and each year before a bundle of
    its own (`<that>/2025/`). A new issue moves the one before it into the quarter's bundle: a
    quarter's few issues indexed again, a year's only when a quarter begins. A reader's search
    merges them all: a bundle a year, the quarter's and the newest issue's (bench/profile.md,
    "The issue being written, a bundle alone"). Decided from the model alone, so that
    planning the search page makes no documents."""
    indexed = [issue for issue in site.issues
               if any(not item.untranslated and (item.kind != "briefs" or item.briefs)
                      for item in issue.items)]
    if not indexed:
        return {}
    home = site.prefix + BUNDLE
    newest, *older = indexed  # newest first, as the site lists them
    year, quarter = _quarter(newest)
    bundles: dict[str, list[Issue]] = {home: [newest]}
    for issue in older:
        folder = (f"{home}{year}-q{quarter + 1}/" if _quarter(issue) == (year, quarter)
                  else f"{home}{issue.date.year}/")
        bundles.setdefault(folder, []).append(issue)
    return bundles


def _quarter(issue: Issue) -> tuple[int, int]:
    return issue.date.year, (issue.date.month - 1) // 3


def search_bundles(site: Site) -> list[str]:
    """The folders of one language's bundles: the search page's own first (none when the
    language has nothing of its own to index), then those it merges in."""
    return list(_bundled_issues(site))


ShardKey = Callable[[SearchShard, str], str]
"""key(shard, made_by) -> a digest of what the shard's bundle is made from: its documents, or
what they are made of, and `made_by` (the Pagefind that indexes them, and how)."""


def start_search(site: Site, made_folder: MadeFolder, jobs: int = 1,
                 site_dir: Path | None = None,
                 key: ShardKey = SearchShard.digest) -> Callable[[], list[tuple[str, str]]]:
    """Start making the search: the function returned waits for it and gives the files of
    every shard's bundle and where each goes in the output. Each bundle is made by
    `made_folder(key(shard, made_by), make, shard.folder)`: a folder holding what `make`
    writes, which the caller keeps between builds under that key (by default the digest of the
    shard's documents). The bundles to make are made in threads, `jobs` at a time, each
    waiting for a Pagefind process, while the caller goes on (Pagefind indexes on one core; a
    first build makes every bundle). Each shard's key is found before this returns, in the
    caller's thread: `key` need not be thread-safe. The site's own catalogues in
    `site_dir/translations/` name the filters, as they name the theme's words."""
    made_by = f"{program_version()}\0{SOURCE_LAYOUT}"
    shards = search_shards(site, site_dir)
    keys = [key(shard, made_by) for shard in shards]

    def made(shard: SearchShard, digest: str) -> Path:
        return made_folder(digest, functools.partial(write_bundle, shard), shard.folder)

    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    folders = [pool.submit(made, shard, digest) for shard, digest in zip(shards, keys,
                                                                         strict=True)]
    pool.shutdown(wait=False)  # its threads end once the last bundle is made

    def files() -> list[tuple[str, str]]:
        wait(folders)  # all of them, before one's error is raised: none goes on writing
        return [file for shard, folder in zip(shards, folders, strict=True)
                for file in bundle_files(shard, folder.result())]

    return files


def program_version() -> str:
    """The Pagefind program and its version, for the digests of the bundles it makes."""
    program = pagefind_program()
    run = subprocess.run([str(program), "--version"], capture_output=True, text=True,
                         check=False)
    return f"{program.name} {run.stdout.strip()}"


def write_bundle(shard: SearchShard, folder: Path, earlier: Path | None = None) -> None:
    """Index `shard` with Pagefind into the empty `folder`, the same bytes for the same
    documents. Where the system has a folder in memory, Pagefind reads and writes there and
    the bundle is then copied into `folder`: on a disk, its thousand small files took Pagefind
    twice as long to write as it took to index them (bench/profile.md, "Search"); a file
    that `earlier` (the last bundle made for the same place) holds as it is is then linked
    from there instead: after an edit, all but a few of a year's thousand files."""
    memory = MEMORY_FOLDER if os.access(MEMORY_FOLDER, os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="bulletin-search-", dir=memory) as scratch:
        source, bundle = Path(scratch) / "documents", Path(scratch) / "bundle"
        source.mkdir()
        # One folder of numbered files, not a folder per document: results link by the
        # `url` meta, and a year's thousand folders cost more to make and remove than
        # Pagefind takes to index them.
        for number, document in enumerate(shard.documents()):
            (source / f"{number:06d}.html").write_text(document.html, encoding="utf-8")
        target = bundle if memory else folder
        run = subprocess.run([str(pagefind_program()), "--site", str(source), "--output-path",
                              str(target), "--silent"], capture_output=True, text=True,
                             check=False)
        if run.returncode != 0:
            raise SearchUnavailable(f"Pagefind failed: {(run.stderr or run.stdout).strip()}")
        _make_canonical(target)
        if memory:
            _copy_folder(bundle, folder, earlier)


def _copy_folder(source: Path, target: Path, earlier: Path | None) -> None:
    """Copy every file below `source` into the folder `target`, or link it from the same
    place in `earlier` where that file has the same bytes. (Not `shutil.copytree`, whose
    error says neither the reason nor the file: a full disk must say so.)"""
    for parent, folders, names in os.walk(source):
        inside = os.path.relpath(parent, source)
        for name in folders:
            os.mkdir(os.path.join(target, inside, name))
        for name in names:
            new, there = os.path.join(parent, name), os.path.join(target, inside, name)
            if not (earlier and _linked_if_same(new, os.path.join(earlier, inside, name), there)):
                shutil.copyfile(new, there)


def _linked_if_same(new: str, old: str, target: str) -> bool:
    """Link `old` at `target` when it holds the bytes of `new` (a bundle's files are small:
    each is read whole); False, with nothing done, when it does not or cannot."""
    try:
        with open(new, "rb") as first, open(old, "rb") as second:
            if first.read() != second.read():
                return False
        os.link(old, target)
    except OSError:
        return False
    return True


def _make_canonical(folder: Path) -> None:
    """Rewrite in `folder` the few files of a bundle that `canonical` changes."""
    paths = [folder / "pagefind-entry.json", *sorted(folder.glob("pagefind.*.pf_meta")),
             *sorted(folder.glob("filter/*.pf_filter"))]
    old = {path.relative_to(folder).as_posix(): path.read_bytes() for path in paths}
    new = canonical(old)
    for name in old.keys() - new.keys():
        (folder / name).unlink()
    for name, data in new.items():
        if old.get(name) != data:
            (folder / name).write_bytes(data)


def bundle_files(shard: SearchShard, folder: Path) -> list[tuple[str, str]]:
    """The files of a shard's bundle in `folder` and where each goes in the output. The main
    language's own bundle keeps every script; a translation's own bundle the search engine
    only (its page loads the interface from the main bundle); a merged bundle needs only its
    index: the search page runs its own bundle's scripts."""
    kept = _kept_scripts(shard.folder)
    files = []
    # Strings from os.walk, not Path.rglob: every build lists every bundle's files.
    for parent, _, names in os.walk(folder):
        inside = os.path.relpath(parent, folder).replace(os.sep, "/")
        prefix = shard.folder if inside == "." else f"{shard.folder}{inside}/"
        files += [(os.path.join(parent, name), prefix + name) for name in names
                  if inside != "." or not name.endswith((".js", ".css"))
                  or kept is None or name in kept]
    return sorted(files, key=lambda file: file[1])


def _kept_scripts(bundle: str) -> frozenset[str] | None:
    """The scripts a bundle's folder keeps: all of them (None), the engine's, or none."""
    if bundle == BUNDLE:
        return None
    return ENGINE_FILES if bundle.endswith("/" + BUNDLE) else frozenset()


def canonical(files: dict[str, bytes]) -> dict[str, bytes]:
    """Pagefind's bundle in a fixed order: its languages by code, each language's filters
    listed by name in its meta file, each filter's values sorted, and every file rewritten
    here named by the hash of its new bytes, as Pagefind names them."""
    files = dict(files)
    entry = json.loads(files["pagefind-entry.json"])
    # A bundle of more than one language (an item with a `lang:` of its own) lists them in
    # the order Pagefind's threads finished them.
    entry["languages"] = dict(sorted(entry["languages"].items()))
    for language, details in entry["languages"].items():
        meta_name = f"pagefind.{details['hash']}.pf_meta"
        meta = _decode(files.pop(meta_name))
        listed = []
        for name, old_hash in meta[FILTERS]:
            values = _decode(files.pop(f"filter/{old_hash}.pf_filter"))
            values[1].sort(key=lambda value: value[0])
            data = _encode(values)
            new_hash = _hash_name(language, data, 7)
            files[f"filter/{new_hash}.pf_filter"] = data
            listed.append([name, new_hash])
        meta[FILTERS] = sorted(listed)
        data = _encode(meta)
        details["hash"] = _hash_name(language, data, 10)
        files[f"pagefind.{details['hash']}.pf_meta"] = data
    files["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False,
                                              separators=(",", ":")).encode("utf-8")
    return files


def _decode(data: bytes) -> list[Any]:
    raw = gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise SearchUnavailable("Pagefind wrote a file of an unknown format")
    decoded = cbor2.loads(raw[len(SIGNATURE):])
    assert isinstance(decoded, list)
    return decoded


def _encode(value: object) -> bytes:
    return gzip.compress(SIGNATURE + cbor2.dumps(value), mtime=0)


def _hash_name(language: str, data: bytes, length: int) -> str:
    return f"{language}_{hashlib.sha256(data).hexdigest()[:length]}"
