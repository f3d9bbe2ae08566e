"""Where things are: the names of a site's files and folders, and where the package keeps its
theme and message catalogues.

Standard library only, like everything the check that a build has nothing to do needs
(incremental/uptodate.py): that check runs before any stage is imported.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

CONFIG_FILE = "bulletin.yaml"
OUTPUT_DIR = "output"  # in the site: where a build writes unless told otherwise (-o)
CACHE_DIR = ".bulletin-cache"  # in the site: what earlier builds left for the next
# In the cache folder: the folders made from the content (search bundles, picture copies),
# each named by a digest of what it is made from and never changed once made.
MADE_DIR = "made"
BUILD_RECORD = "last-build.json"  # in the cache folder: the last build that finished
# With bulletin.yaml, the folders of the site that a build reads (and `serve` watches).
INPUT_FOLDERS = ("content", "templates", "static", "translations")


def edition_files(issue_url: str, issue_slug: str) -> tuple[str, str, str]:
    """The site paths of an issue's editions, as PRODUCT.md names them: its PDF, and its
    email's HTML and text."""
    return f"{issue_url}{issue_slug}.pdf", f"{issue_url}email.html", f"{issue_url}email.txt"


# Files editors write beside the one being saved, and delete or rename a moment later: sed -i's
# sedXXXXXX, vim's swap files and its 4913 write test, emacs' #autosave# and .#lock; and the
# backups they and patch leave (~, .bak, .orig, .rej). None is the editor's text: no build
# publishes one, and `serve` does not rebuild for one.
_EDITOR_FILES = re.compile(
    r"sed[A-Za-z0-9]{6}|4913|.*\.sw[a-p]|.*~|#.*#|\.#.*|.*\.(?:bak|orig|rej)")


def editor_temporary(name: str) -> bool:
    """Whether a file name is an editor's temporary file or backup, not something the editor
    wrote."""
    return _EDITOR_FILES.fullmatch(name) is not None


PACKAGE_DIR = Path(__file__).parent
THEME_DIR = PACKAGE_DIR / "theme"  # the built-in theme: templates/ and static/
LOCALES_DIR = PACKAGE_DIR / "locales"  # the theme's words in each language


def site_root(site_dir: Path) -> Path:
    """The one form of a site's path that `build` and `publish` both use: absolute, with links
    resolved. The input stamp names each file by its path, so '.', 'site/', an absolute path
    and a link to the site must all come out alike, or a publish takes the last build for old."""
    return Path(os.path.realpath(site_dir))


def missing_site(site_dir: Path) -> tuple[str, str, str] | None:
    """What keeps `site_dir` from being a site's folder, as (where, what, hint); None when it
    holds a bulletin.yaml. Asked before anything is read or written there."""
    if not site_dir.is_dir():
        return (str(site_dir), "no such folder",
                "give the site's folder, or run 'bulletin init DIR' to start a site")
    if not (site_dir / CONFIG_FILE).is_file():
        holding = site_holding(str(site_dir))  # a folder inside a site: content/, say
        if holding is not None:
            return (str(site_dir), "not a site's folder, but one inside the site at "
                    f"{holding}", f"give the site's folder: {_shown(holding)}")
        return (str(site_dir / CONFIG_FILE), "no bulletin.yaml here",
                "run 'bulletin init DIR' to start a site, or pass its folder")
    return None


def _shown(folder: Path) -> str:
    """`folder` as the user would type it: relative to the current folder when inside it."""
    try:
        return os.path.relpath(folder) if folder.is_relative_to(Path.cwd()) else str(folder)
    except ValueError:  # on another drive (Windows)
        return str(folder)


def site_holding(path: str) -> Path | None:
    """The site that the file or folder `path` is part of, or would be: the nearest folder at
    or above it that holds bulletin.yaml (a misspelt issue's path still names its site, whose
    command can then say which issue it meant); None when no such folder holds it."""
    here = Path(os.path.abspath(path))
    return next((folder for folder in (here, *here.parents)
                 if (folder / CONFIG_FILE).is_file()), None)
