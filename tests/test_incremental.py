"""Property: after any sequence of edits, an incremental build equals a clean build, byte for byte.

Hypothesis makes random edits, additions, renames and deletions of items and issues (and of a
setting); after each one the site is rebuilt incrementally, with the cache of the builds
before it, and compared with a clean build of a fresh copy of the same files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import snapshot, write_files
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bulletin_gen.build import BuildOptions, build

WORDS = ["water", "council", "Pécs", "budget", "mediation", "**Lima**", "canal", "youth"]
TAGS = ["water", "youth", "budget", "elections"]
REGIONS = ["Peru", "Hungary", "Bolivia"]

Site = dict[str, str]


def item_text(title: str, words: list[str], tags: list[str], region: str) -> str:
    return (f"---\ntitle: {title}\ntags: [{', '.join(tags)}]\nregions: [{region}]\n---\n"
            f"{' '.join(words)}\n\n## Part {len(words)}\n\n- {words[0]}\n")


def issue_text(title: str, day: int) -> str:
    return f"title: {title}\ndate: 2026-01-{day:02d}\n"


def starting_site(pdf: bool = False) -> Site:
    """Two issues; the email edition on, the print edition when `pdf` (a second a PDF)."""
    return {
        "bulletin.yaml": "title: Property Bulletin\nbase_url: https://example.org/\n"
                         f"pdf: {{enabled: {str(pdf).lower()}}}\n"
                         "email: {from: news@example.org}\n",
        "content/issues/i1/issue.yaml": issue_text("Issue one", 1),
        "content/issues/i1/01-a.md": item_text("A", ["water"], ["water"], "Peru"),
        "content/issues/i1/02-b.md": item_text("B", ["budget"], ["budget"], "Hungary"),
        "content/issues/i2/issue.yaml": issue_text("Issue two", 2),
        "content/issues/i2/01-c.md": item_text("C", ["youth"], ["youth", "water"], "Bolivia"),
    }


def translated_site() -> Site:
    """The starting site with a Spanish edition: the first issue and one item translated."""
    site = starting_site()
    site["bulletin.yaml"] += "languages: {es: {}}\n"
    site["content/issues/i1/issue.es.yaml"] = "title: Número uno\n"
    site["content/issues/i1/01-a.es.md"] = item_text("A en español", ["agua"], ["agua"], "Peru")
    return site


def items(site: Site) -> list[str]:
    return sorted(path for path in site if path.endswith(".md") and ".es." not in path)


def issues(site: Site) -> list[str]:
    return sorted(path.rsplit("/", 1)[0] for path in site if path.endswith("issue.yaml"))


OPERATION = st.tuples(
    st.sampled_from(["edit", "retag", "add_item", "rename_item", "delete_item", "add_issue",
                     "delete_issue", "retitle_issue", "setting", "translate", "untranslate"]),
    st.integers(0, 20),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=6),
    st.lists(st.sampled_from(TAGS), min_size=1, max_size=3, unique=True),
)


def apply(site: Site, operation: tuple[str, int, list[str], list[str]], step: int) -> None:
    """Change the site's files in place, as an editor would."""
    kind, pick, words, tags = operation
    region = REGIONS[pick % len(REGIONS)]
    all_items, all_issues = items(site), issues(site)
    if kind == "edit" and all_items:
        path = all_items[pick % len(all_items)]
        site[path] = item_text(f"Edited {step}", words, tags[:1], region)
    elif kind == "retag" and all_items:
        path = all_items[pick % len(all_items)]
        site[path] = site[path].replace("tags: [", f"tags: [{', '.join(tags)}, ", 1)
    elif kind == "add_item" and all_issues:
        folder = all_issues[pick % len(all_issues)]
        site[f"{folder}/{10 + step:02d}-new{step}.md"] = item_text(f"New {step}", words, tags,
                                                                   region)
    elif kind == "rename_item" and all_items:
        path = all_items[pick % len(all_items)]
        site[path.rsplit("/", 1)[0] + f"/{20 + step:02d}-renamed{step}.md"] = site.pop(path)
    elif kind == "delete_item" and len(all_items) > 1:
        del site[all_items[pick % len(all_items)]]
    elif kind == "add_issue":
        folder = f"content/issues/n{step}"
        site[f"{folder}/issue.yaml"] = issue_text(f"Issue {step}", 3 + step % 25)
        site[f"{folder}/01-first.md"] = item_text(f"First {step}", words, tags, region)
    elif kind == "delete_issue" and len(all_issues) > 1:
        folder = all_issues[pick % len(all_issues)]
        for path in [path for path in site if path.startswith(folder + "/")]:
            del site[path]
    elif kind == "retitle_issue" and all_issues:
        folder = all_issues[pick % len(all_issues)]
        site[f"{folder}/issue.yaml"] = issue_text(f"Retitled {step}", 1 + pick % 27)
    elif kind == "setting":
        site["bulletin.yaml"] = site["bulletin.yaml"].replace(
            "title: ", f"title: {words[0].strip('*')} ", 1)
    elif "languages:" in site["bulletin.yaml"]:
        translate(site, kind, pick, words, step)


def translate(site: Site, kind: str, pick: int, words: list[str], step: int) -> None:
    """Translate an item into Spanish (and its issue, when it has no translation yet), or
    delete a translation: the original is shown instead."""
    if kind == "translate" and items(site):
        path = items(site)[pick % len(items(site))]
        folder, name = path.rsplit("/", 1)
        site.setdefault(f"{folder}/issue.es.yaml", f"title: Número {step}\n")
        site[f"{folder}/{name.removesuffix('.md')}.es.md"] = item_text(
            f"Traducido {step}", words, ["agua"], REGIONS[pick % len(REGIONS)])
    elif kind == "untranslate":
        translations = sorted(path for path in site if path.endswith(".es.md"))
        if translations:
            del site[translations[pick % len(translations)]]


def sync(folder: Path, site: Site, aged: bool = False) -> None:
    """Make the site folder hold exactly `site`'s content files.

    `aged` moves the time of each file written back a minute, as if the editor had saved it
    well before the build, so that the model memo keeps it (it keeps no file newer than 2 s)."""
    content = folder / "content"
    for path in sorted(content.rglob("*"), reverse=True) if content.exists() else []:
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and relative not in site:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    changed: dict[str, str | bytes] = {
        name: text for name, text in site.items()
        if not (folder / name).is_file() or (folder / name).read_text("utf-8") != text}
    write_files(folder, changed)
    for name in changed if aged else ():
        stat = (folder / name).stat()
        os.utime(folder / name, ns=(stat.st_atime_ns, stat.st_mtime_ns - 60 * 10**9))


# Eight examples, new ones each run: the suite has three minutes on two cores, and this test
# alone took a tenth.
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(OPERATION, min_size=1, max_size=5), st.sampled_from([1, 2]), st.booleans())
def test_incremental_build_equals_clean_build(operations: list[tuple[str, int, list[str],
                                                                      list[str]]],
                                              jobs: int, aged: bool) -> None:
    check_edits(starting_site(), operations, jobs, aged)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(OPERATION, min_size=1, max_size=4), st.sampled_from([1, 2]), st.booleans())
def test_incremental_translated_build_equals_clean_build(
        operations: list[tuple[str, int, list[str], list[str]]], jobs: int, aged: bool) -> None:
    """The same with a Spanish edition, whose items the build keeps apart from the originals'
    and whose translations the edits add and delete."""
    check_edits(translated_site(), operations, jobs, aged)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(OPERATION, min_size=1, max_size=3), st.sampled_from([1, 2]),
       st.lists(st.booleans(), min_size=3, max_size=3))
@example([("edit", 0, ["water"], ["water"])] * 3, 1, [False, False, True])  # edits, PDFs off
def test_incremental_print_edition_equals_clean_build(
        operations: list[tuple[str, int, list[str], list[str]]], jobs: int,
        pdfs: list[bool]) -> None:
    """The same with the PDFs, fewer times: each takes WeasyPrint a second. Each build after
    the first makes the PDFs or, as `--no-pdf` does, leaves them out (`pdfs`)."""
    pytest.importorskip("weasyprint")
    check_edits(starting_site(pdf=True), operations, jobs, aged=True, pdfs=pdfs)


def check_edits(site: Site, operations: list[tuple[str, int, list[str], list[str]]], jobs: int,
                aged: bool, pdfs: list[bool] | None = None) -> None:
    """Apply each operation to `site`, build (with the PDFs of the step in `pdfs`, when they
    are on), and compare the output with a clean build's."""
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        sync(root / "site", site, aged)
        build(root / "site", BuildOptions(jobs=jobs))
        for step, operation in enumerate(operations):
            pdf = pdfs[step] if pdfs else True
            apply(site, operation, step)
            sync(root / "site", site, aged)
            incremental = build(root / "site", BuildOptions(jobs=jobs, pdf=pdf)).output
            reference = root / f"clean{step}"
            sync(reference, site)
            clean = build(reference, BuildOptions(jobs=1, clean=True, pdf=pdf)).output
            assert snapshot(incremental) == snapshot(clean), f"after {operation}, PDFs {pdf}"
            shutil.rmtree(reference)
