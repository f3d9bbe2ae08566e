"""The editions made from each issue besides the web pages: print (PDF) and email.

Each edition is a function from the site and one issue to `Artifact`s, switched on by its own
section of bulletin.yaml and by build options.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment

from ..errors import Problems
from ..model import Site
from ..render import Artifact


def edition_artifacts(site_dir: Path, site: Site, env: Environment, pdf: bool = True,
                      email: bool = True, problems: Problems | None = None) -> list[Artifact]:
    """Every edition file of every issue, in a fixed order; an edition that cannot be made
    (a missing optional library) adds a warning to `problems` instead of failing the build."""
    artifacts: list[Artifact] = []
    if pdf and site.config.pdf.enabled:
        from .pdf import pdf_artifacts

        pdfs, warnings = pdf_artifacts(site_dir, site, env)
        artifacts += pdfs
        if problems is not None:
            problems.warnings.extend(warnings)
    return artifacts
