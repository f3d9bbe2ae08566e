"""`python -m bulletin_gen` runs the `bulletin` command."""

from .cli import main

main()
