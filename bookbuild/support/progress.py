"""How long-running steps tell the author what they are doing: a callable taking one line.

Lines that start with "warning:" are for the author even in quiet mode (the CLI shows them).
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str], None]


def silent(_message: str) -> None:
    """The default when nobody is listening."""
