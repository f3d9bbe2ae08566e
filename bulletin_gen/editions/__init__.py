"""The editions made from each issue besides the web pages: print (PDF) and email.

Each edition is a function from the site and one issue to `Artifact`s, switched on by its own
section of bulletin.yaml and by build options.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment

from ..errors import Location, Problems
from ..languages import language_sites, with_main_settings
from ..model import Site
from ..render import Artifact
from ..search import switch_search

if TYPE_CHECKING:  # the module itself is imported only when PDFs are made
    from .pdf import PdfStore


def switch_editions(site: Site, pdf: bool, email: bool, problems: Problems) -> Site:
    """The site with each edition (and the search index) switched off that this build skips
    (--no-pdf) or cannot make (a missing optional library: a warning saying what to install),
    so that no page links to a file the build does not write."""
    config = site.config
    if config.pdf.enabled and not (pdf and _pdf_ready(problems)):
        config = replace(config, pdf=replace(config.pdf, enabled=False))
    if config.email.enabled and not email:
        config = replace(config, email=replace(config.email, enabled=False))
    site = site if config is site.config else replace(site, config=config)
    return with_main_settings(switch_search(site, problems))


def edition_artifacts(site_dir: Path, site: Site, env: Environment, problems: Problems,
                      pdfs: PdfStore | None = None) -> list[Artifact]:
    """Every edition file of every issue, in a fixed order, for the editions the site's
    settings (as `switch_editions` left them) switch on; warnings go to `problems`. PDFs are
    taken from `pdfs` when nothing they are made from has changed."""
    artifacts: list[Artifact] = []
    for each in language_sites(site):  # each language's issues, under its own folder
        if each.config.pdf.enabled:
            from .pdf import pdf_artifacts

            artifacts += pdf_artifacts(site_dir, each, env, problems, pdfs)
        if each.config.email.enabled:
            # Imported here, like the PDF edition: a build without emails (or with nothing
            # to build) need not load the email packages.
            from .email import email_artifacts

            artifacts += email_artifacts(each, env, problems)
    return artifacts


def _pdf_ready(problems: Problems) -> bool:
    from .pdf import INSTALL_HINT, PdfUnavailable, load_weasyprint

    try:
        load_weasyprint()
    except PdfUnavailable as error:
        problems.warn(Location("bulletin.yaml"), "the print edition (PDF) was not written: "
                      f"{error.reason}", INSTALL_HINT)
        return False
    return True
