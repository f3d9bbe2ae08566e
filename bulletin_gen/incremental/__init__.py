"""Incremental builds: everything that knows about earlier builds, kept in `.bulletin-cache/`.

The stages (settings, sources, model, Markdown, pages, editions, writing) know nothing of it:
build.py and pipeline.py wrap this layer around them. It gives back what an earlier build made
when nothing it was made from has changed:

- uptodate.py: the stamp of every input, which lets a build with nothing changed stop before
  any stage is imported;
- cache.py: the record of every output file (what it was made from, as a fingerprint, and the
  file as written), which decides the pages and editions to render;
- fingerprint.py: what a page or an edition is made from, hashed;
- memo.py: the parsed sources of the last build, by file stamp, and its items and issues (a
  memo for each language), by what was read.
"""
