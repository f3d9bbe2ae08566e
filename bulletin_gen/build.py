"""The pipeline, stage by stage: settings, sources, model, pages, editions, output.

`build` reads like the table of contents of bulletin-gen; `check` runs the same stages up to
the model and writes nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .config import load_config
from .content import read_sources
from .editions import edition_artifacts
from .errors import Problem, Problems
from .markdown import MarkdownRenderer
from .model import Site
from .render import Artifact, plan_pages, render_pages
from .templates import THEME_STATIC, make_environment
from .validate import build_site
from .write import Copy, check_output_dir, publish, static_copies


@dataclass(frozen=True)
class BuildOptions:
    """What `bulletin build` was asked to do."""

    output: Path | None = None  # default: SITE/output
    drafts: bool = False
    base_url: str | None = None
    strict: bool = False  # warnings fail the build
    pdf: bool = True  # the print edition, when bulletin.yaml does not switch it off
    email: bool = True  # the email edition, likewise


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the one-line summary."""

    output: Path
    issues: int
    pages: int
    files: int
    seconds: float
    warnings: tuple[Problem, ...]


def load_site(site_dir: Path, drafts: bool = False, base_url: str | None = None,
              strict: bool = False) -> tuple[Site, Problems]:
    """Stages 1-3: settings, sources and model. Raises `ContentError` with every problem."""
    config, problems = load_config(site_dir, base_url, problems=Problems())
    sources = read_sources(site_dir, problems)
    renderer = MarkdownRenderer(unsafe_html=config.unsafe_html)
    site = build_site(config, sources, renderer, problems, drafts=drafts)
    problems.raise_if_any(strict=strict)
    return site, problems


def build(site_dir: Path, options: BuildOptions | None = None) -> BuildReport:
    """Build the whole site of `site_dir` into its output folder."""
    options = options or BuildOptions()
    started = time.perf_counter()
    output = options.output or site_dir / "output"
    check_output_dir(output, site_dir)
    site, problems = load_site(site_dir, options.drafts, options.base_url, options.strict)
    env = make_environment(site_dir)
    plans = plan_pages(site)
    artifacts = render_pages(env, site, plans)
    artifacts += edition_artifacts(site_dir, site, env, pdf=options.pdf, email=options.email)
    count = publish(output, artifacts, _copies(site_dir, site))
    return BuildReport(output, len(site.issues), len(plans), count,
                       time.perf_counter() - started, tuple(problems.warnings))


def check(site_dir: Path, drafts: bool = False, strict: bool = False) -> BuildReport:
    """Validate everything a build would, and render every page in memory; write nothing."""
    started = time.perf_counter()
    site, problems = load_site(site_dir, drafts=drafts, strict=strict)
    plans = plan_pages(site)
    artifacts: list[Artifact] = render_pages(make_environment(site_dir), site, plans)
    return BuildReport(site_dir / "output", len(site.issues), len(plans), len(artifacts),
                       time.perf_counter() - started, tuple(problems.warnings))


def _copies(site_dir: Path, site: Site) -> list[Copy]:
    copies = static_copies(THEME_STATIC, "assets/")
    copies += [Copy(asset.source, asset.url) for issue in site.issues for asset in issue.assets]
    copies += static_copies(site_dir / "static")
    return copies
