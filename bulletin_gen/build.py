"""The pipeline, stage by stage: settings, sources, model, pages, editions, output.

`build` reads like the table of contents of bulletin-gen; `check` (and `bulletin check`'s
audit, through `render_in_memory`) runs the same stages up to the rendered pages, in memory,
and writes nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from jinja2 import Environment

from .config import CACHE_DIR, CONFIG_FILE, load_config
from .content import read_sources
from .editions import edition_plans, switch_editions
from .editions.pdf import find_issue, issue_pdf
from .errors import BulletinError, Problem, Problems
from .i18n import LOCALES_DIR, catalogue_digest
from .images import image_files, measure_images
from .incremental import BuildCache, Remembered
from .languages import add_translations, site_in, split_sources, with_main_settings
from .markdown import MarkdownRenderer
from .model import Site
from .render import Artifact, PagePlan, plan_pages, render_pages, speaking
from .search import search_files, switch_search
from .sitelock import site_lock
from .templates import THEME_DIR, THEME_STATIC, make_environment
from .validate import build_site
from .write import Copy, check_output_dir, publish, static_copies, write_atomic, write_file

BUILD_RECORD = "last-build.json"  # in the cache folder: the last build that finished
# With bulletin.yaml, the folders of the site that a build reads (and `serve` watches).
INPUT_FOLDERS = ("content", "templates", "static", "translations")

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): 'load' once (total: the issues), 'pdf' once when the PDF
library is loaded, 'render' after each page or edition file, 'write'."""


@dataclass(frozen=True)
class BuildOptions:
    """What `bulletin build` was asked to do."""

    output: Path | None = None  # default: SITE/output
    drafts: bool = False
    base_url: str | None = None
    strict: bool = False  # warnings fail the build
    pdf: bool = True  # the print edition, when bulletin.yaml does not switch it off
    email: bool = True  # the email edition, likewise
    # Pages link to the PDFs, but this build leaves them out: `bulletin serve` shows an edit
    # first and makes the PDFs (seconds each) in a second build.
    pdf_later: bool = False
    progress: Progress | None = None  # told how the build advances (progress bar, --verbose)
    jobs: int = os.cpu_count() or 1  # processes rendering pages
    clean: bool = False  # ignore (and empty) the cache of earlier builds
    wait: float = 60.0  # seconds to wait for another build of the site to end (sitelock.py)
    waiting: Callable[[str], None] | None = None  # told who holds the site, if this one waits


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the one-line summary."""

    output: Path
    issues: int
    pages: int
    files: int
    seconds: float
    warnings: tuple[Problem, ...]
    pdfs: int = 0
    emails: int = 0
    # The pages and edition files this build rendered or made and wrote, in path order;
    # empty when the output was already up to date. Copied and carried files are not in it.
    rewritten: tuple[str, ...] = ()


# The counts of a report that the cache keeps, so that a rebuild with nothing to do can repeat it.
REMEMBERED = ("issues", "pages", "files", "pdfs", "emails")


def load_site(site_dir: Path, drafts: bool = False, base_url: str | None = None,
              strict: bool = False, cache: BuildCache | None = None,
              jobs: int = os.cpu_count() or 1) -> tuple[Site, Problems]:
    """Stages 1-3: settings, sources and model, read and built by `jobs` processes (one per
    core: `bulletin pdf`, `email` and `check` load the whole site too). Raises `ContentError`
    with every problem."""
    config, problems = load_config(site_dir, base_url, problems=Problems())
    memo = cache.model_memo(site_dir, config.unsafe_html) if cache else None
    # Worker processes read the files when there is nothing to take from an earlier build.
    sources = read_sources(site_dir, problems, memo, jobs if memo is None or memo.is_empty() else 1)
    renderer = (cache.renderer(config.unsafe_html) if cache
                else MarkdownRenderer(unsafe_html=config.unsafe_html))
    translations = split_sources(sources, config, reread=memo is not None)
    site = build_site(config, translations.main, renderer, problems, drafts, memo, jobs)
    site = add_translations(site, translations, renderer, problems, drafts, jobs)
    if memo:
        memo.save()
    if cache:  # kept even when the build fails, for the build after the fix
        cache.markdown.flush()
    # Measured on every build, outside the memo: a picture replaced by another of other
    # dimensions leaves its item file as it was.
    site = measure_images(site, problems)
    problems.raise_if_any(strict=strict)
    return site, problems


def build(site_dir: Path, options: BuildOptions | None = None) -> BuildReport:
    """Build the whole site of `site_dir` into its output folder, holding the site's lock: two
    builds of one site at once would share its cache and staging folder."""
    options = options or BuildOptions()
    # Absolute from here on, so that what the cache keeps by path (every source, the output)
    # is found again whichever folder the next build is started from.
    site_dir = Path(os.path.abspath(site_dir))
    output = Path(os.path.abspath(options.output or site_dir / "output"))
    check_output_dir(output, site_dir)  # a folder refused is refused before anything is made
    check_cache_dir(site_dir)
    with site_lock(site_dir, options.wait, options.waiting), _cache_errors(site_dir):
        return _build(site_dir, output, options)


def _build(site_dir: Path, output: Path, options: BuildOptions) -> BuildReport:
    started = time.perf_counter()
    check_output_dir(output, site_dir)  # again: another build may have changed it meanwhile
    notify = options.progress or _silent
    cache = BuildCache.open(site_dir, output, clean=options.clean)
    record = site_dir / CACHE_DIR / BUILD_RECORD
    record.unlink(missing_ok=True)  # until this build has finished, it has not
    inputs = _input_stamp(site_dir, options, cache)
    if unchanged := _unchanged(output, cache.up_to_date(inputs), started):
        _record_build(record, output, options, inputs)
        return unchanged
    site, problems = load_site(site_dir, options.drafts, options.base_url, options.strict,
                               cache, options.jobs)
    notify("load", len(site.issues), len(site.issues))
    site = switch_editions(site, options.pdf, options.email, problems)
    if site.config.pdf.enabled:  # WeasyPrint was imported: half a second, a stage of its own
        notify("pdf", 1, 1)
    env = site_environment(site_dir, site)
    cache.keep_compiled(env)
    words = partial(catalogue_digest, site_dir=site_dir)
    pages = speaking(site, plan_pages(site), words)
    editions = speaking(site, edition_plans(site_dir, site, problems), words)
    copies = _copies(site_dir, site)
    copies += [Copy(source, path) for source, path in image_files(site, cache.made_folder)]
    if site.config.search.enabled:
        copies += [Copy(source, path)
                   for source, path in search_files(site, cache.made_folder, options.jobs,
                                                    site_dir)]
    work = cache.sort(env, site, pages + editions, copies)
    if options.pdf_later:  # `serve`: the PDFs to make wait for the next build
        later = {plan.path for plan in work.render if plan.path.endswith(".pdf")}
        editions = [plan for plan in editions if plan.path not in later]
        work = replace(work, render=[plan for plan in work.render if plan.path not in later])
    problems.warnings.extend(work.warnings)
    problems.raise_if_any(strict=options.strict)
    files = len(work.record)
    if not work.untouched:
        made = render_pages(env, site, work.render, notify, options.jobs)
        files = publish(output, cache.noting(_noting_warnings(made, problems, options.strict)),
                        copies + work.links, work.keep, cache.spare_files(), mirror=True)
        cache.save(work, copies)
    notify("write", files, files)
    report = BuildReport(output, len(site.issues), len(pages), files,
                         time.perf_counter() - started, tuple(problems.warnings),
                         pdfs=sum(plan.path.endswith(".pdf") for plan in editions),
                         emails=sum(plan.path.endswith("email.html") for plan in editions),
                         rewritten=cache.rewritten())
    cache.remember(inputs, [getattr(report, count) for count in REMEMBERED], report.warnings)
    _record_build(record, output, options, inputs)
    return report


def _record_build(record: Path, output: Path, options: BuildOptions, inputs: str) -> None:
    """Note a finished build for `bulletin publish`: where it wrote, with which settings, and
    the stamp of the content it read, so that a later change to the content shows."""
    record.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(record, json.dumps({
        "output": str(output), "inputs": inputs, "drafts": options.drafts,
        "base_url": options.base_url, "strict": options.strict, "pdf": options.pdf,
        "email": options.email}, sort_keys=True).encode("utf-8"))


def content_changed(site_dir: Path, record: dict[str, object]) -> bool:
    """Whether the site's files differ from what the recorded build read."""
    base_url = record.get("base_url")
    options = BuildOptions(drafts=bool(record.get("drafts")), strict=bool(record.get("strict")),
                           pdf=bool(record.get("pdf", True)), email=bool(record.get("email", True)),
                           base_url=base_url if isinstance(base_url, str) else None)
    cache = BuildCache(None, site_dir / "output")
    return _input_stamp(site_dir, options, cache) != record.get("inputs")


class CacheError(BulletinError):
    """The build's cache (.bulletin-cache) cannot be written or is in the way."""


def check_cache_dir(site_dir: Path) -> None:
    """Refuse a site where something other than a folder holds the cache's name."""
    folder = site_dir / CACHE_DIR
    if os.path.lexists(folder) and not folder.is_dir():
        raise CacheError(f"{folder} is not a folder: builds keep their cache there; "
                         "delete or rename it")


@contextlib.contextmanager
def _cache_errors(site_dir: Path) -> Iterator[None]:
    """A cache file that cannot be written (a full disk) is a message, not a traceback. The
    output stays whole either way: the cache is written beside it, never into it."""
    folder = site_dir / CACHE_DIR
    try:
        yield
    except OSError as error:
        name = error.filename if isinstance(error.filename, str) else ""
        if not name or not Path(name).is_relative_to(folder):
            raise
        raise CacheError(f"cannot write the build cache {name}: {error.strerror}. The output "
                         "folder was left whole; free some space (or delete "
                         f"{folder}) and build again") from None


def _unchanged(output: Path, last: Remembered | None, started: float) -> BuildReport | None:
    """The last build's report again, when the cache found nothing changed since that build."""
    if last is None or len(last.counts) != len(REMEMBERED):
        return None
    issues, pages, files, pdfs, emails = last.counts  # in the order of REMEMBERED
    return BuildReport(output, issues, pages, files, time.perf_counter() - started,
                       last.warnings, pdfs=pdfs, emails=emails)


def _noting_warnings(artifacts: Iterator[Artifact], problems: Problems,
                     strict: bool) -> Iterator[Artifact]:
    """The rendered files, their warnings (an edition's) added to `problems`; those fail a
    --strict build once every file is made, before the output is swapped in."""
    for artifact in artifacts:
        problems.warnings.extend(artifact.warnings)
        yield artifact
    problems.raise_if_any(strict=strict)


def _input_stamp(site_dir: Path, options: BuildOptions, cache: BuildCache) -> str:
    """What the last build must have read, for the cache to know that nothing changed."""
    folders = [site_dir / folder for folder in INPUT_FOLDERS] + [THEME_DIR, LOCALES_DIR]
    return cache.stamp_inputs([site_dir / CONFIG_FILE], folders,
                              options.drafts, options.base_url, options.strict, options.pdf,
                              options.email, options.pdf_later)


def _silent(stage: str, done: int, total: int) -> None:
    """The progress callback of a build nobody watches."""


@dataclass(frozen=True)
class RenderedSite:
    """A site rendered in memory: what `check` inspects instead of writing it."""

    site: Site
    problems: Problems
    plans: list[PagePlan]
    artifacts: list[Artifact]
    copies: list[Copy]
    seconds: float


def render_in_memory(site_dir: Path, drafts: bool = True, strict: bool = False) -> RenderedSite:
    """Stages 1-4 without writing: the model, every web page as bytes, and the files to copy."""
    started = time.perf_counter()
    site, problems = load_site(site_dir, drafts=drafts, strict=strict)
    site = with_main_settings(switch_search(site, problems))
    plans = plan_pages(site)
    artifacts = list(render_pages(site_environment(site_dir, site), site, plans))
    return RenderedSite(site, problems, plans, artifacts, _copies(site_dir, site),
                        time.perf_counter() - started)


def check(site_dir: Path, drafts: bool = False, strict: bool = False) -> BuildReport:
    """Validate everything a build would, and render every page in memory; write nothing."""
    rendered = render_in_memory(site_dir, drafts, strict)
    return BuildReport(site_dir / "output", len(rendered.site.issues), len(rendered.plans),
                       len(rendered.artifacts), rendered.seconds,
                       tuple(rendered.problems.warnings))


def build_pdf(site_dir: Path, issue_slug: str, target: Path,
              language: str | None = None) -> tuple[Problem, ...]:
    """Write the print edition of one issue (drafts included) to `target`, in `language`
    ('es': its translation) or the main language; returns warnings."""
    site, problems = load_site(site_dir, drafts=True)
    site = site_in(site, language)
    issue = find_issue(site, issue_slug)
    env = make_environment(site_dir, language=site.config.language)
    write_file(target, issue_pdf(site_dir, site, env, issue, problems))
    return tuple(problems.warnings)


def site_environment(site_dir: Path, site: Site) -> Environment:
    """The templates of the site, speaking its language and ready to speak its translations'."""
    return make_environment(site_dir, site.config.language,
                            tuple(each.config.language for each in site.translations))


def _copies(site_dir: Path, site: Site) -> list[Copy]:
    """The files copied as they are; a later one wins a path, so the site's static/ can
    replace the theme's assets."""
    copies = static_copies(THEME_STATIC, "assets/")
    copies += [Copy(asset.source, asset.url) for issue in site.issues for asset in issue.assets]
    copies += static_copies(site_dir / "static")
    return copies
