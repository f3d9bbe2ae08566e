"""bulletin-gen: a static site generator for periodic bulletins.

The pipeline, in the order data flows: config -> content -> links + validate (model) -> render
-> editions -> write; `pipeline.py` runs it, and `build.py` leads into it. The CLI in `cli.py`
only parses arguments.
"""

__version__ = "0.1.0"
