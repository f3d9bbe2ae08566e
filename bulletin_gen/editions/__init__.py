"""The editions made from each issue besides the web pages: print (PDF) and email.

Each edition is a function from the site and one issue to `Artifact`s, switched on by its own
section of bulletin.yaml and by build options.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment

from ..model import Site
from ..render import Artifact


def edition_artifacts(site_dir: Path, site: Site, env: Environment, pdf: bool = True,
                      email: bool = True) -> list[Artifact]:
    """Every edition file of every issue, in a fixed order."""
    artifacts: list[Artifact] = []
    return artifacts
