"""A conversation as chat bubbles: typos marked with the meant word, an upset meter per customer turn,
tool calls and knowledge-base sources folded under the reply that used them, English on demand.

    kit.widgets.ChatViewer(transcript)      # a turn slider replays it; saved notebooks keep the bubbles
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kit.i18n import _
from kit.views.chat import chat_html, chat_text, header_html, turn_html
from kit.widgets.frontend import Displayable, require, unavailable_note
from kit.widgets.views import tight

if TYPE_CHECKING:
    from kit.conversation import Transcript

__all__ = ["ChatViewer", "chat_html", "chat_text", "header_html", "turn_html"]


class ChatViewer(Displayable):
    """A transcript as chat bubbles; in JupyterLab a slider (and a play button) replays it turn by turn."""

    def __init__(self, transcript: Transcript, english: bool = False) -> None:
        from kit.conversation import Transcript

        if not isinstance(transcript, Transcript):
            from kit.errors import KitError

            raise KitError(_("ChatViewer shows a kit Transcript, e.g. ChatViewer(kit.converse(agent, 'typo_auntie')); "
                             "got {kind}.").format(kind=type(transcript).__name__))
        self.transcript = transcript
        self.english = english
        self._widget: Any = None

    def static_html(self) -> str:
        """The saved-page view: every bubble, English folded (or open with english=True)."""
        return chat_html(self.transcript, gloss_open=self.english) + unavailable_note()

    def static_text(self) -> str:
        """The terminal view."""
        return chat_text(self.transcript)

    def build(self) -> Any:
        """The interactive view (built once): a turn slider with a play button, an English toggle, the bubbles."""
        if self._widget is not None:
            return self._widget
        require()
        import ipywidgets as w

        count = len(self.transcript.turns)
        slider = w.IntSlider(value=count, min=1, max=max(count, 1), description=_("Turn"),
                             continuous_update=True, layout=w.Layout(width="360px"))
        play = w.Play(value=count, min=1, max=max(count, 1), interval=900, description=_("Replay"),
                      tooltip=_("Replay the conversation turn by turn"))
        w.jslink((play, "value"), (slider, "value"))
        english = w.Checkbox(value=self.english, description=_("Show English"), indent=False)
        bubbles = w.HTML(tight(chat_html(self.transcript, gloss_open=self.english)))
        bubbles.add_class("kit-chat-bubbles")

        def redraw(_: Any = None) -> None:
            bubbles.value = tight(chat_html(self.transcript, upto=slider.value, gloss_open=english.value))

        slider.observe(redraw, "value")
        english.observe(redraw, "value")
        box = w.VBox([w.HBox([play, slider, english]), bubbles])
        box.add_class("kit-chat-viewer")
        self._widget = box
        return box
