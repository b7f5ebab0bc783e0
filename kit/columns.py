"""Text columns that line up in a terminal in any language: a Chinese character takes two columns.

    from kit import columns
    print(columns.ljust("问题已解决", 12) + "|")   # padded to 12 terminal columns, not 12 characters
"""

from __future__ import annotations

import unicodedata


def width(text: str) -> int:
    """The terminal columns `text` takes: wide and full-width characters (Chinese, ，) take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def ljust(text: str, columns: int) -> str:
    """`text` left-aligned in `columns` terminal columns."""
    return text + " " * max(0, columns - width(text))


def rjust(text: str, columns: int) -> str:
    """`text` right-aligned in `columns` terminal columns."""
    return " " * max(0, columns - width(text)) + text
