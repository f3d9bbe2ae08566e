"""Linux system calls that Python's `os` module does not offer, found in the C library."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


def linux_call(name: str) -> Callable[..., Any] | None:
    """The C library's function `name` on Linux (errno kept for ctypes.get_errno); None
    elsewhere, or where the library lacks it: the caller then does without."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        function: Callable[..., Any] = getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError):
        return None
    return function
