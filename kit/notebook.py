"""Notebook niceties: a kit error shows as one clear message instead of a wall of traceback, and a transcript
shows as chat bubbles (`kit.views.chat_html`: the view is registered here, so the conversation never imports it)."""

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
    html = shell.display_formatter.formatters["text/html"]
    html.for_type_by_name("kit.conversation", "Transcript", _transcript_html)


def _transcript_html(transcript: object) -> str:
    from kit.views.chat import chat_html

    return chat_html(transcript)  # type: ignore[arg-type]
