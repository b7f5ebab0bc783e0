"""How the kit's results look: HTML and text views that nothing below them imports."""

from kit.views.chat import chat_html, chat_text

__all__ = ["chat_html", "chat_text"]
