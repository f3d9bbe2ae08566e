"""The editions made from each issue besides the web pages: print (PDF) and email.

Each edition plans one file per issue and format, like the web pages (render.py), with a
`finish` step after the template; each is switched on by its own section of bulletin.yaml and
by build options.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from ..errors import Location, Problems
from ..i18n import translations_for
from ..languages import language_sites, with_main_settings
from ..model import Site
from ..render import PagePlan
from ..search import switch_search


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


def edition_plans(site_dir: Path, site: Site, problems: Problems, lay_out: bool = True,
                  pictures: Mapping[str, Path] | None = None) -> list[PagePlan]:
    """Every edition file of every issue, in a fixed order, for the editions the site's
    settings (as `switch_editions` left them) switch on, in every language, planned like the
    web pages, each with the step that finishes it after its template; warnings go to
    `problems`. Without `lay_out`, a PDF's plan is of its print HTML alone; `pictures`, the
    copies of the images, which it shows (pdf.pdf_plans)."""
    plans: list[PagePlan] = []
    for each in language_sites(site):  # each language's issues, under its own folder
        own: list[PagePlan] = []
        if each.config.pdf.enabled:
            from .pdf import pdf_plans

            own += pdf_plans(site_dir, each, problems, lay_out, pictures)
        if each.config.email.enabled:
            # Imported here, like the PDF edition: a build without emails (or with nothing
            # to build) need not load the email packages.
            from .email import email_plans

            own += email_plans(each, problems,
                               translations_for(each.config.language, site_dir).gettext)
        # A translation's editions are rendered with its own site, as its pages are.
        plans += own if each is site else [plan.with_context({"site": each})
                                           for plan in own]
    return plans


def _pdf_ready(problems: Problems) -> bool:
    from .pdf import INSTALL_HINT, PdfUnavailable, load_weasyprint

    try:
        load_weasyprint()
    except PdfUnavailable as error:
        problems.warn(Location("bulletin.yaml"), "the print edition (PDF) was not written: "
                      f"{error.reason}", INSTALL_HINT)
        return False
    return True
