"""The `bulletin` command: parses arguments and calls the library. No logic of its own.

Each command has a `short_help` for the lists of `bulletin --help` and `bulletin new --help`:
from a docstring, click cuts a description at the list's width ('as...') or at its first full
stop, even that of 'e.g.'.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import replace
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

from . import __version__
from .layout import site_holding

if TYPE_CHECKING:
    from .errors import Problem


def _found_site(context: click.Context, parameter: click.Parameter, site: Path) -> Path:
    """SITE as given. Left out: the site that holds ISSUE when the command names it by its
    path (`bulletin pdf news/content/issues/2026-03-march/`), else the current folder, or the
    nearest one above it that holds bulletin.yaml (as git finds its repository), so that
    `bulletin new item` run in content/issues/ writes into its site."""
    if context.get_parameter_source(str(parameter.name)) is not ParameterSource.DEFAULT:
        return site
    issue = context.params.get("issue")  # an argument given: read before SITE, left out
    found = (site_holding(issue) if isinstance(issue, str) else None) or site_holding(".")
    if found is None:
        return site
    try:
        return Path(os.path.relpath(found))
    except ValueError:  # on another drive (Windows)
        return found


SITE = click.argument("site", default=".", callback=_found_site,
                      type=click.Path(file_okay=False, path_type=Path))


def _issue_date(context: click.Context, parameter: click.Parameter,
                value: str | None) -> Date | None:
    """--date as content files write a date, said wrong as they are."""
    if value is None:
        return None
    try:
        return Date.fromisoformat(value.strip())
    except ValueError:
        from .fields import impossible_date

        impossible = impossible_date(value.strip())
        raise click.BadParameter(f"{value.strip()} is not a real date: {impossible}" if impossible
                                 else f"expected a date YYYY-MM-DD, got '{value}'") from None


def _edition_file(context: click.Context, parameter: click.Parameter,
                  value: str | None) -> Path | None:
    """-o of `pdf` and `email`: a file, or a folder to write in; one written as a folder
    ('newdir/') must be one, not the name of a file to make."""
    if value is None:
        return None
    if value.endswith(("/", os.sep)) and not os.path.isdir(value):
        raise click.BadParameter(f"there is no folder {value}")
    return Path(value)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bulletin")
def main() -> None:
    """bulletin-gen: build a bulletin's web, print and email editions from Markdown and YAML."""


@main.command(short_help="Build the whole site into its output folder.")
@SITE
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output folder "
              "(default: SITE/output).")
@click.option("--drafts", is_flag=True, help="Include issues with 'status: draft'.")
@click.option("--base-url", help="Override base_url from bulletin.yaml.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.option("-v", "--verbose", is_flag=True, help="Also print each stage and its time.")
@click.option("--no-pdf", is_flag=True, help="Skip the print edition (the PDF of each issue).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Processes rendering pages (default: one per CPU core).")
@click.option("--clean", is_flag=True, help="Ignore and empty the cache of earlier builds "
              "(.bulletin-cache/): render every page again.")
@click.option("--wait", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="How long to wait for another build of the site to end (default: 60).")
def build(site: Path, output: Path | None, drafts: bool, base_url: str | None,
          strict: bool, quiet: bool, verbose: bool, no_pdf: bool, jobs: int | None,
          clean: bool, wait: float | None) -> None:
    """Build the whole site into its output folder."""
    from .build import BuildOptions
    from .build import build as run_build
    from .console import BuildProgress, build_summary, work_line

    with BuildProgress(verbose=verbose and not quiet, bar=None if not quiet else False) as bar:
        options = BuildOptions(output, drafts, base_url, strict, pdf=not no_pdf, progress=bar,
                               clean=clean, waiting=None if quiet else _say_waiting)
        if jobs is not None:
            options = replace(options, jobs=jobs)
        if wait is not None:
            options = replace(options, wait=wait)
        report = run_build(site, options)
    _print_warnings(report.warnings)
    if verbose and not quiet:
        click.echo(f"Output: {report.output} ({report.files} files)")
        click.echo(work_line(report.read, report.rewritten))
    if not quiet:
        click.echo(build_summary(report.issues, report.pages, report.pdfs, report.emails,
                                 report.seconds, report.drafts))


@main.command(short_help="Check content, links, anchors and images; write nothing.")
@SITE
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--external", is_flag=True, help="Also check external links over the network.")
@click.option("--timeout", type=float, default=10.0, show_default=True,
              help="Seconds to wait for each external link.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: one JSON document on stdout, for CI.")
@click.option("--drafts", is_flag=True, help="Include issues with 'status: draft'.")
def check(site: Path, strict: bool, external: bool, timeout: float, fmt: str,
          drafts: bool) -> None:
    """Check content, links, anchors and images; write nothing."""
    import json

    from .audit import audit_site, check_summary, format_external, format_text
    from .console import BuildProgress

    with BuildProgress() as bar:  # on a terminal only, as for `bulletin build`
        audit = audit_site(site, external=external, strict=strict, timeout=timeout,
                           drafts=drafts, progress=bar)
    if fmt == "json":
        click.echo(json.dumps(audit.as_json(strict), indent=2, ensure_ascii=False))
    else:
        for line in format_text(audit):
            click.echo(line, err=True)
        for line in format_external(audit):
            click.echo(line)
        click.echo(check_summary(audit))
    if audit.failed(strict):
        raise click.exceptions.Exit(1)


@main.command(short_help="Create a new site with example content in DIRECTORY.")
@click.argument("directory", type=click.Path(path_type=Path))
def init(directory: Path) -> None:
    """Create a new site with example content in DIRECTORY."""
    from .scaffold import init_site

    init_site(directory)
    here = os.path.abspath(directory) == os.getcwd()
    click.echo("Created a new bulletin in this folder. Next: bulletin build" if here else
               f"Created a new bulletin in {directory}. Next: bulletin build "
               f"{shlex.quote(str(directory))}")  # a command to paste, spaces and all


@main.command(short_help="Publish the last build to a destination of bulletin.yaml.")
@SITE
@click.option("--to", "name", metavar="NAME", help="The destination of 'publish:' in "
              "bulletin.yaml (needed when there are several).")
@click.option("--dry-run", is_flag=True, help="List what would be uploaded, changed and "
              "deleted; change nothing.")
@click.option("--delete", is_flag=True, help="Remove what the site no longer has (only under "
              "the destination's prefix).")
@click.option("--no-push", is_flag=True, help="GitHub Pages: commit the branch, do not push.")
def publish(site: Path, name: str | None, dry_run: bool, delete: bool, no_push: bool) -> None:
    """Publish the last build of SITE to a destination of bulletin.yaml (S3 or GitHub Pages)."""
    from .console import BuildProgress
    from .publish import publish_site

    try:
        with BuildProgress() as progress:
            summary = publish_site(site, name, dry_run, delete, not no_push, click.echo,
                                   progress)
    except KeyboardInterrupt:
        raise click.ClickException("interrupted: what was sent stays, and running "
                                   "'bulletin publish' again finishes the job") from None
    click.echo(summary)


@main.command(short_help="Write the email edition of one ISSUE to an .eml file.")
@click.argument("issue")
@SITE
@click.option("-o", "--output", "--eml", "output", type=click.Path(), callback=_edition_file,
              help="The .eml file to write, HTML and plain text in one message, or the folder "
              "to write it in (default: ISSUE.eml in the current folder, ISSUE.CODE.eml in a "
              "translation's language). Never a file of the site's own.")
@click.option("--drafts", is_flag=True, help="Allow an issue with 'status: draft'.")
@click.option("--base-url", help="Override base_url from bulletin.yaml.")
@click.option("--lang", metavar="CODE", help="The edition of the issue's translation into "
              "this language (one of 'languages:' in bulletin.yaml).")
@click.option("--to", "to", multiple=True, metavar="ADDRESS",
              help="An address for the To: header, as 'Name <user@example.org>' (repeat for "
              "more); needed by `sendmail -t`.")
def email(issue: str, site: Path, output: Path | None, drafts: bool, base_url: str | None,
          lang: str | None, to: tuple[str, ...]) -> None:
    """Write the email edition of ISSUE (its slug, or its folder or file, as
    content/issues/2026-03-march/; a translation's file names that language's edition) as a
    message to import."""
    from .editions.email import export_eml

    report = export_eml(site, issue, output, drafts=drafts, base_url=base_url, language=lang,
                        to=to)
    _print_warnings(report.warnings)
    click.echo(f"Wrote {report.path}: \"{report.subject}\" ({report.html_bytes / 1024:.0f} KB "
               "of HTML)")


@main.command(short_help="Preview with drafts; rebuild and reload the browser on save.")
@SITE
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to serve on; 0 picks any free port.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--pdf/--no-pdf", default=True, show_default=True,
              help="Rebuild the PDFs on every save (--no-pdf makes previews faster).")
def serve(site: Path, port: int, host: str, pdf: bool) -> None:
    """Preview with drafts; rebuild and reload the browser on save."""
    from .build import BuildOptions
    from .serve import serve as run_serve

    run_serve(site, host, port, BuildOptions(pdf=pdf))


@main.group(short_help="Start a new issue, item or translation from a skeleton.")
def new() -> None:
    """Start a new issue, item or translation from a commented skeleton."""


@new.command("issue", short_help="Write a new draft issue titled TITLE (its period).")
@click.argument("title")
@SITE
@click.option("--date", metavar="YYYY-MM-DD", callback=_issue_date, help="The issue's date, "
              "YYYY-MM-DD (default: today).")
@click.option("--single-file", is_flag=True, help="One Markdown file instead of a folder.")
def new_issue(title: str, site: Path, date: Date | None, single_file: bool) -> None:
    """Write a new draft issue titled TITLE (the period, e.g. "July/August 2026")."""
    from .scaffold import new_issue as write_issue

    path, note = write_issue(site, title, date, single_file)
    click.echo(path)
    if note:
        click.echo(note, err=True)


@new.command("item", short_help="Write a new item titled TITLE into the folder of ISSUE.")
@click.argument("issue")
@click.argument("title")
@SITE
@click.option("--kind", type=click.Choice(["feature", "news", "roundtable", "notice", "briefs"]),
              default="news", show_default=True, help="What the item is.")
def new_item(issue: str, title: str, site: Path, kind: str) -> None:
    """Write a new item titled TITLE into the folder of ISSUE, after its last item."""
    from .scaffold import new_item as write_item

    click.echo(write_item(site, issue, title, kind))


@new.command("translation", short_help="Write the LANGUAGE twins of ISSUE's files, to translate.")
@click.argument("issue")
@click.argument("language")
@SITE
def new_translation(issue: str, language: str, site: Path) -> None:
    """Write the LANGUAGE twins of the files of ISSUE (e.g. 01-news.es.md) to translate."""
    from .scaffold import new_translation as write_twins

    for path in write_twins(site, issue, language):
        click.echo(path)


@main.command(short_help="Write the print edition (PDF) of one ISSUE.")
@click.argument("issue")
@SITE
@click.option("-o", "--output", type=click.Path(), callback=_edition_file,
              help="The PDF file to write, or the folder to write it in (default: ISSUE.pdf "
              "in the current folder, ISSUE.CODE.pdf in a translation's language). Never a "
              "file of the site's own.")
@click.option("--lang", metavar="CODE", help="The edition of the issue's translation into "
              "this language (one of 'languages:' in bulletin.yaml).")
def pdf(issue: str, site: Path, output: Path | None, lang: str | None) -> None:
    """Write the print edition (PDF) of one ISSUE, named by its slug, or by its folder or
    file (content/issues/2026-03-march/); a translation's file (issue.fr.yaml) names that
    language's edition."""
    from .pipeline import build_pdf

    report = build_pdf(site, issue, output, lang)
    _print_warnings(report.warnings)
    draft = ", a draft" if report.draft else ""
    click.echo(f"Wrote {report.path}: the print edition of \"{report.title}\"{draft} "
               f"({report.size / 1024:.0f} KB)")


def _say_waiting(holder: str) -> None:
    click.echo(f"Waiting for another build of this site ({holder}) to end...", err=True)


def _print_warnings(warnings: tuple[Problem, ...]) -> None:
    for warning in warnings:
        click.echo(warning.said_as("warning"), err=True)
