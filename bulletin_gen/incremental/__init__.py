"""Incremental builds: everything that knows about earlier builds, kept in `.bulletin-cache/`.

The stages (settings, sources, model, Markdown, pages, editions, writing) know nothing of it:
build.py wraps this layer around them. It gives back what an earlier build made when nothing it
was made from has changed:

- cache.py: the record of every output file (what it was made from, as a fingerprint, and the
  file as written), which decides the pages and editions to render, and the stamp of every
  input, which lets a build with nothing changed stop at once;
- fingerprint.py: what a page or an edition is made from, hashed;
- memo.py: the parsed sources and validated items of the last build, by file stamp;
- fragments.py: rendered Markdown, by its text and settings.
"""

from .cache import BuildCache, Remembered

__all__ = ["BuildCache", "Remembered"]
