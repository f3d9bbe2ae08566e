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
from .email import email_artifacts


def edition_artifacts(site_dir: Path, site: Site, env: Environment, pdf: bool = True,
                      email: bool = True, problems: Problems | None = None) -> list[Artifact]:
    """Every edition file of every issue, in a fixed order; warnings go to `problems`."""
    artifacts: list[Artifact] = []
    if email and site.config.email.enabled:
        artifacts += email_artifacts(site, env, problems if problems is not None else Problems())
    return artifacts
