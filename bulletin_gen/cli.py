"""The `bulletin` command: parses arguments and calls the library. No logic of its own."""

from __future__ import annotations

from pathlib import Path

import click

from . import __version__

SITE = click.argument("site", default=".", type=click.Path(file_okay=False, path_type=Path))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bulletin")
def main() -> None:
    """bulletin-gen: build a bulletin's web, print and email editions from Markdown and YAML."""


@main.command()
@SITE
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Output folder "
              "(default: SITE/output).")
@click.option("--drafts", is_flag=True, help="Include issues with 'status: draft'.")
@click.option("--base-url", help="Override base_url from bulletin.yaml.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def build(site: Path, output: Path | None, drafts: bool, base_url: str | None,
          strict: bool) -> None:
    """Build the whole site into its output folder."""
    from .build import BuildOptions
    from .build import build as run_build

    report = run_build(site, BuildOptions(output, drafts, base_url, strict))
    _print_warnings(report.warnings)
    click.echo(f"Built {report.issues} issue{'s' if report.issues != 1 else ''}, "
               f"{report.pages} pages into {report.output} in {report.seconds:.1f} s")


@main.command()
@SITE
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(site: Path, strict: bool) -> None:
    """Validate content, links and templates without writing anything."""
    from .build import check as run_check

    report = run_check(site, strict=strict)
    _print_warnings(report.warnings)
    click.echo(f"No problems found in {report.issues} issue{'s' if report.issues != 1 else ''}"
               f" ({report.pages} pages).")


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
def init(directory: Path) -> None:
    """Create a new site with example content in DIRECTORY."""
    from .scaffold import init_site

    init_site(directory)
    click.echo(f"Created a new bulletin in {directory}. Next: bulletin build {directory}")


def _print_warnings(warnings: tuple[object, ...]) -> None:
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
