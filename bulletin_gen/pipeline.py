"""The pipeline, stage by stage: settings, sources, model, pages, editions, output.

`run_stages` reads like the table of contents of bulletin-gen, with the incremental layer
wrapped around the stages; `build.build` calls it when the site changed since the last build.
`check` (and `bulletin check`'s audit, through `render_in_memory`) runs the same stages up to
the rendered pages, in memory, and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Generic, TypeVar

from .build import BuildOptions, BuildReport, Progress
from .config import load_config
from .content import read_sources
from .editions import edition_plans, switch_editions
from .editions.pdf import issue_pdf
from .errors import BulletinError, Location, Problem, Problems, display_path
from .i18n import catalogue_digest, check_theme_words
from .images import image_files, measure_images
from .incremental.cache import BuildCache
from .incremental.uptodate import InputStamp
from .languages import (
    add_translations,
    asked_issue,
    find_issue,
    issue_translated,
    issue_warnings,
    site_in,
    split_sources,
    with_main_settings,
)
from .layout import CACHE_DIR, CONFIG_FILE, MADE_DIR, OUTPUT_DIR, edition_files
from .links import linked_files
from .markdown import MarkdownRenderer
from .model import Issue, Site
from .overrides import check_overrides
from .render import Artifact, PagePlan, plan_pages, read_pages, render_pages
from .search import start_search, switch_search
from .templates import THEME_STATIC, ThemeEnvironment, make_environment
from .terms import check_term_names
from .validate import build_site, check_future_dates, check_issue_numbers, in_drafts
from .write import Copy, check_file_target, made_in, publish, static_copies, write_file

T = TypeVar("T")


def load_site(site_dir: Path, drafts: bool = False, base_url: str | None = None,
              strict: bool = False, cache: BuildCache | None = None,
              jobs: int = os.cpu_count() or 1) -> tuple[Site, Problems]:
    """Stages 1-3: settings, sources and model, read and built by `jobs` processes (one per
    core: `bulletin pdf`, `email` and `check` load the whole site too). Raises `ContentError`
    with every problem."""
    config, problems = load_config(site_dir, base_url, problems=Problems())
    check_theme_words([config.language, *(language.code for language in config.languages)],
                      site_dir, config.key_lines.get("languages", 0) if config.languages
                      else config.key_lines.get("language", 0), problems)
    memo = (cache.model_memo(site_dir, config.unsafe_html,
                             (config.language, *(language.code for language in config.languages)))
            if cache else None)
    # Worker processes read the files when there is nothing to take from an earlier build.
    sources = read_sources(site_dir, problems, memo, jobs if memo is None or memo.is_empty() else 1)
    renderer = MarkdownRenderer(config.unsafe_html, config.language)
    translations = split_sources(sources, config, memo)
    site = build_site(config, translations.main, renderer, problems, drafts, memo, jobs)
    check_issue_numbers(site.issues, translations.main, problems)  # translations share them
    check_future_dates(site.issues, translations.main, problems, dt.date.today())
    check_term_names(site.issues, translations.main, problems)  # and take their terms
    # Measured on every build, outside the memo: a picture replaced by another of other
    # dimensions leaves its item file as it was. Before the translations, which show the
    # same pictures: a picture's problem is said at the original, not again at each of them.
    site = measure_images(site, problems)
    site = add_translations(site, translations, renderer, problems, drafts, jobs,
                            cache.translation_memo if cache else None)
    if cache:  # kept even when the build fails, for the build after the fix
        cache.keep_model()
    if not drafts:  # a draft may be half written: its problems wait for builds that show it
        problems.forget(in_drafts(translations.main,
                                  [language.code for language in config.languages]))
    problems.raise_if_any(strict=strict)
    return site, problems


def run_stages(site_dir: Path, output: Path, options: BuildOptions, inputs: InputStamp,
               started: float) -> BuildReport:
    """Build the site of `site_dir` into `output`, rendering only what changed since the
    build the cache remembers (`inputs`: what this build reads, stamped before reading it)."""
    notify = options.progress or _silent
    cache = BuildCache.open(site_dir, output, inputs, clean=options.clean)
    site, problems = load_site(site_dir, options.drafts, options.base_url, options.strict,
                               cache, options.jobs)
    notify("load", len(site.issues), len(site.issues))
    pdf_skipped = site.config.pdf.enabled and not options.pdf  # `--no-pdf`, for this build
    site = without_base_url(site, options.email, problems)
    site = switch_editions(site, options.pdf, options.email, problems)
    if site.config.pdf.enabled:  # WeasyPrint was imported: half a second, a stage of its own
        notify("pdf", 1, 1)
    env = site_environment(site_dir, site)
    cache.keep_compiled(env)
    pages, copies = _pages_and_copies(site_dir, site, problems,
                                      pdf=site.config.pdf.enabled or pdf_skipped)
    pictures = image_files(site, cache.made_folder)
    copies += [Copy(source, path) for source, path in pictures]
    editions = edition_plans(site_dir, site, problems,
                             pictures={path: source for source, path in pictures})
    # A page's words are its language's catalogue's, the theme's or the site's own.
    words = partial(catalogue_digest, site_dir=site_dir)
    # Pagefind indexes in processes of its own while this one hashes the pages.
    made_folder = cache.made_earlier if options.finish_later else cache.made_folder
    search = (start_search(site, made_folder, options.jobs, site_dir,
                           cache.search_key(env, site, words))
              if site.config.search.enabled else None)
    plans = pages + editions
    try:
        fingerprints = cache.fingerprint(env, site, plans, words)
    finally:
        copies += [Copy(source, path) for source, path in (search() if search else [])]
    # After the fingerprints, which parse a changed template for its compiling too.
    problems.extend(check_overrides(env, site_dir))
    work = cache.sort(plans, fingerprints, copies, keep_aside=pdf_skipped)
    later: set[str] = set()
    if options.finish_later:  # `serve`: the PDFs to make wait for the next build
        later = {plan.path for plan in work.render if plan.path.endswith(".pdf")}
        editions = [plan for plan in editions if plan.path not in later]
        work = cache.postpone(work, later)
    problems.warnings.extend(work.warnings)
    problems.raise_if_any(strict=options.strict)
    files = len(work.record)
    if not work.untouched:
        made = render_pages(env, site, work.render, notify, options.jobs)
        files = publish(output, cache.noting(_noting_warnings(made, problems, options.strict)),
                        copies + work.links, work.keep, cache.spare_files(), mirror=True)
        cache.save(work, copies)
    notify("write", files, files)
    return BuildReport(output, len(site.issues), len(pages), files,
                       time.perf_counter() - started, problems.warnings_once(),
                       pdfs=sum(plan.path.endswith(".pdf") for plan in editions),
                       pdfs_later=len(later), search_later=len(cache.postponed),
                       emails=sum(plan.path.endswith("email.html") for plan in editions),
                       drafts=site.drafts_left_out,
                       rewritten=cache.rewritten(), read=cache.files_read())


def without_base_url(site: Site, email: bool, problems: Problems) -> Site:
    """`site` as it is when it has a `base_url`; else with the email edition off, and one
    warning naming everything the build leaves out for want of it (render.py, base.html):
    said once for the build, not once for each language or edition. `email`: whether the
    build was asked for the email edition (not `--no-email`)."""
    if site.config.base_url:
        return site
    left_out = ["the feeds", "the sitemap", "the canonical links"]
    if site.translations:
        left_out.append("the hreflang links between languages")
    left_out.append("the pictures of link previews")
    wants_email = site.config.email.enabled and email
    if wants_email:
        left_out.append("the email edition")
    problems.warn(Location(CONFIG_FILE), "base_url is not set, and every address read away "
                  f"from the site must be absolute: left out {', '.join(left_out[:-1])} and "
                  f"{left_out[-1]}", "add 'base_url: https://example.org/bulletin/' to "
                  "bulletin.yaml or pass --base-url")
    if not wants_email:
        return site
    return replace(site, config=replace(site.config,
                                        email=replace(site.config.email, enabled=False)))


def _noting_warnings(artifacts: Iterator[Artifact], problems: Problems,
                     strict: bool) -> Iterator[Artifact]:
    """The rendered files, their warnings (an edition's) added to `problems`; those fail a
    --strict build once every file is made, before the output is swapped in."""
    for artifact in artifacts:
        problems.warnings.extend(artifact.warnings)
        yield artifact
    problems.raise_if_any(strict=strict)


def _silent(stage: str, done: int, total: int) -> None:
    """The progress callback of a build nobody watches."""


def _nothing(page: Artifact) -> None:
    """What `check` keeps of a page: that it rendered."""


@dataclass(frozen=True)
class RenderedSite(Generic[T]):
    """A site rendered in memory: what `check` inspects instead of writing it."""

    site: Site
    problems: Problems
    plans: list[PagePlan]
    pages: list[T]  # what was kept of each web page as it was rendered, in plan order
    copies: list[Copy]
    seconds: float


def render_in_memory(site_dir: Path, read: Callable[[Artifact], T], drafts: bool = True,
                     strict: bool = False, jobs: int = os.cpu_count() or 1,
                     progress: Progress | None = None) -> RenderedSite[T]:
    """Stages 1-4 without writing: the model, `read(page)` of every web page (rendered and
    read by `jobs` processes, so that only what `read` keeps comes back: a large archive's
    pages held at once took more memory than its build), and the files to copy. The editions
    are rendered too, for their templates' and their own problems, and let go: the print
    edition's HTML, not laid out as a PDF."""
    started = time.perf_counter()
    site, problems = load_site(site_dir, drafts=drafts, strict=strict, jobs=jobs)
    site = with_main_settings(switch_search(without_base_url(site, True, problems), problems))
    plans, copies = _pages_and_copies(site_dir, site, problems, site.config.pdf.enabled)
    editions = edition_plans(site_dir, site, problems, lay_out=False)
    env = site_environment(site_dir, site)
    problems.extend(check_overrides(env, site_dir))
    problems.raise_if_any()  # a template that loads itself would never finish rendering
    # In one run, so that a mistake of the web templates and one of the editions' are found
    # together.
    let_go = {plan.path for plan in editions}

    def of_pages(stage: str, done: int, total: int) -> None:  # the editions come after them
        if progress and done <= len(plans):
            progress(stage, done, len(plans))

    results = list(read_pages(env, site, plans + editions, partial(_read_web, read, let_go),
                              jobs=jobs, progress=of_pages))
    pages: list[T] = []
    for result in results:
        problems.warnings.extend(result.warnings)
        if isinstance(result, PageRead):
            pages.append(result.kept)
    return RenderedSite(site, problems, plans, pages, copies, time.perf_counter() - started)


@dataclass(frozen=True)
class EditionRead:
    """What `render_in_memory` keeps of an edition's file: its warnings."""

    warnings: tuple[Problem, ...]


@dataclass(frozen=True)
class PageRead(Generic[T]):
    """What `render_in_memory` keeps of a web page: `read(page)`, and its warnings."""

    kept: T
    warnings: tuple[Problem, ...]


def _read_web(read: Callable[[Artifact], T], editions: set[str],
              page: Artifact) -> PageRead[T] | EditionRead:
    if page.path in editions:
        return EditionRead(page.warnings)
    return PageRead(read(page), page.warnings)


def check(site_dir: Path, drafts: bool = False, strict: bool = False) -> BuildReport:
    """Validate everything a build would, and render every page in memory; write nothing."""
    rendered = render_in_memory(site_dir, _nothing, drafts, strict)
    return BuildReport(site_dir / OUTPUT_DIR, len(rendered.site.issues), len(rendered.plans),
                       len(rendered.plans), rendered.seconds,
                       rendered.problems.warnings_once())


@dataclass(frozen=True)
class PdfReport:
    """What `bulletin pdf` wrote."""

    path: Path
    title: str  # the issue's: the file is the whole issue, whichever of its files named it
    size: int  # bytes
    draft: bool
    warnings: tuple[Problem, ...]


@dataclass(frozen=True)
class OneIssue:
    """One issue loaded to make one of its editions alone (`bulletin pdf`, `bulletin email`):
    the site of its language, the issue, the templates speaking that language, and the
    warnings loading gave about the issue's own files."""

    site: Site
    issue: Issue
    env: ThemeEnvironment
    warnings: tuple[Problem, ...]

    def target(self, given: Path | None, suffix: str) -> Path:
        """Where to write the edition of `suffix` ('pdf'): the file `given`, or in the folder
        `given` or else the current folder, ISSUE.pdf (ISSUE.CODE.pdf in a translation's
        language)."""
        code = [self.site.language] if self.site.prefix else []  # a translation's site
        name = ".".join([self.issue.slug, *code, suffix])
        if given is None:
            return Path(name)
        return given / name if given.is_dir() else given


def load_issue(site_dir: Path, name: str, language: str | None = None,
               base_url: str | None = None) -> OneIssue:
    """The issue `name` (its slug, folder or file; drafts included) in `language` ('es': its
    translation), else in the language of the translation file it names, else the main
    language."""
    main, problems = load_site(site_dir, drafts=True, base_url=base_url)
    if os.path.exists(name):  # '.' or 'issue.es.yaml' in an issue's folder: where it is
        name = os.path.abspath(name)
    issue_slug, named = asked_issue(name, [each.language for each in main.translations])
    if named and language and named.lower() != language.lower():
        raise BulletinError(f"{name} is the issue's '{named}' translation, and --lang asks "
                            f"for '{language}' (leave out --lang, or name the issue by its "
                            f"slug: {issue_slug})")
    site = site_in(main, language or named)
    issue_translated(main, site, issue_slug)
    issue = find_issue(site, issue_slug)
    others = [each.language for each in (main, *main.translations) if each is not site]
    return OneIssue(site, issue, make_environment(site_dir, language=site.config.language),
                    issue_warnings(issue, problems.warnings, others))


def build_pdf(site_dir: Path, name: str, target: Path | None = None,
              language: str | None = None) -> PdfReport:
    """Write the print edition of one issue (drafts included) to `target` (by default
    `OneIssue.file_name`), in `language` ('es': its translation) or that of the translation
    file `name` names, else the main language."""
    one = load_issue(site_dir, name, language)
    target = one.target(target, "pdf")
    check_file_target(target, site_dir, "PDF", lambda start: start.startswith(b"%PDF-"))
    made = Problems()
    with tempfile.TemporaryDirectory(prefix="bulletin-pictures-") as scratch:
        # The copies of its pictures: those a build made, from the cache, else made here.
        pictures = image_files(replace(one.site, issues=(one.issue,), translations=()),
                               made_in(Path(scratch), site_dir / CACHE_DIR / MADE_DIR))
        data = issue_pdf(site_dir, one.site, one.env, one.issue, made,
                         {path: source for source, path in pictures})
    write_file(target, data)
    return PdfReport(target, one.issue.title, len(data), one.issue.is_draft,
                     one.warnings + tuple(made.warnings))


def site_environment(site_dir: Path, site: Site) -> ThemeEnvironment:
    """The templates of the site, speaking its language and ready to speak its translations'."""
    return make_environment(site_dir, site.config.language,
                            tuple(each.config.language for each in site.translations))


def _pages_and_copies(site_dir: Path, site: Site, problems: Problems, pdf: bool
                      ) -> tuple[list[PagePlan], list[Copy]]:
    """The web pages to render, and the files copied as they are. A later copy wins a path,
    so the site's static/ can replace the theme's assets; and a page the site's static/ has a
    file of its own for (its own robots.txt, say) is not rendered: the site's file is copied.
    `pdf`: the output holds the PDFs (made, or kept from the last build)."""
    own = static_copies(site_dir / "static")
    paths = {copy.path for copy in own}
    pages = [plan for plan in plan_pages(site) if plan.path not in paths]
    copies = static_copies(THEME_STATIC, "assets/")
    copies += _issue_files(site_dir, site, {plan.path for plan in pages}, problems, pdf)
    return pages, copies + own


def _issue_files(site_dir: Path, site: Site, pages: set[str], problems: Problems,
                 pdf: bool) -> list[Copy]:
    """The files of the issues' folders that a text links or shows, copied beside their pages.
    Warned of and left out: a file nothing links to (notes, a draft of an attachment), which
    would be published without anyone knowing; and one at the address of a page or an edition
    the build writes (a PDF that `bulletin pdf` left in the folder), which would take its place."""
    copies = []
    linked = linked_files([site, *site.translations],
                          [asset.url for issue in site.issues for asset in issue.assets])
    for issue in site.issues:
        pdf_file, *email_files = edition_files(issue.url, issue.slug)
        editions = ([pdf_file] if pdf else []) + (email_files if site.config.email.enabled
                                                   else [])
        for asset in issue.assets:
            where = Location(display_path(asset.source, site_dir))
            if asset.url in pages or asset.url in editions:
                problems.warn(where, f"left out: the build writes {asset.url} itself",
                              "rename the file, or remove it if a command left it there")
            elif asset.url not in linked:
                problems.warn(where, "left out: no published text links to it or shows it",
                              "link to it from a text to publish it; else move it out of "
                              "content/, or into static/ to publish it as it is")
            else:
                copies.append(Copy(asset.source, asset.url))
    return copies
