"""What the widgets need from the notebook front end, and how they degrade without it.

Every widget here is a plain Python object whose `_repr_mimebundle_` returns three views of
itself: the live ipywidgets view (JupyterLab), a static `text/html` one (GitHub, nbviewer, a
notebook opened without its kernel) and `text/plain` (a terminal). The live view is built only
when it is first displayed, so nothing here needs ipywidgets until then.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from kit.errors import KitError
from kit.i18n import _

INSTALL = 'pip install -e ".[lab]"'
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class WidgetsUnavailable(KitError, ImportError):
    """ipywidgets or anywidget is not installed, so only the static view can be shown."""


def missing() -> list[str]:
    """The widget libraries that cannot be imported here (empty when all are installed)."""
    return [name for name in ("ipywidgets", "anywidget") if importlib.util.find_spec(name) is None]


def require() -> None:
    """Raise a one-line, actionable error when the interactive part cannot be built."""
    if gone := missing():
        libraries = gone[0] if len(gone) == 1 else _("{first} and {second}").format(first=gone[0], second=gone[1])
        raise WidgetsUnavailable(
            _("The interactive widgets need {libraries}, which are not installed. Install the lab extras from the "
              "kit's folder: {command} (the static view below still works).").format(libraries=libraries,
                                                                                     command=INSTALL)
        )


def unavailable_note() -> str:
    """A short HTML line for the static view, saying how to get the interactive one ('' when installed)."""
    if not missing():
        return ""
    note = _("Static view: install the lab extras ({command}) for the interactive one.").format(
        command=f"<code>{INSTALL}</code>")
    return f"<p class='kit-note' style='color:#92400e'>{note}</p>"


class Displayable:
    """A kit widget: live in JupyterLab, static HTML on a saved page, plain text in a terminal.

    Subclasses write `static_html`, `static_text` and `build` (the ipywidgets view, built once);
    the display protocol is the same for all of them and lives here.
    """

    def static_html(self) -> str:
        raise NotImplementedError

    def static_text(self) -> str:
        raise NotImplementedError

    def build(self) -> Any:
        raise NotImplementedError

    @property
    def widget(self) -> Any:
        """The interactive view, built on first use (needs ipywidgets and anywidget)."""
        return self.build()

    def __str__(self) -> str:
        return self.static_text()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.static_text())

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return mimebundle(self)


def mimebundle(item: Displayable) -> dict[str, Any]:
    """The widget view (when it can be built) with the static HTML and plain-text fallbacks beside it."""
    data: dict[str, Any] = {"text/plain": item.static_text(), "text/html": item.static_html()}
    if not missing():
        view = item.build()._repr_mimebundle_()
        if WIDGET_VIEW in view:
            data[WIDGET_VIEW] = view[WIDGET_VIEW]
    return data
