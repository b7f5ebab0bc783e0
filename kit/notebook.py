"""Notebook niceties: a kit error shows as one clear message instead of a wall of traceback."""

from __future__ import annotations

import sys


def install_error_display() -> None:
    """In IPython, print `KitError`s as their message alone (other errors keep their traceback)."""
    if "IPython" not in sys.modules:
        return
    from IPython import get_ipython

    from kit.errors import KitError

    shell = get_ipython()
    if shell is None:
        return

    def show(shell, kind, error, traceback, tb_offset=None):  # type: ignore[no-untyped-def]
        print(f"{kind.__name__}: {error}", file=sys.stderr)

    shell.set_custom_exc((KitError,), show)
