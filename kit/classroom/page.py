"""The class report as one HTML page: the summary, the three tables, and their plots inlined as PNG."""

from __future__ import annotations

import base64
import html
import io
from typing import TYPE_CHECKING

from kit.i18n import _, language

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from kit.classroom import Classroom


def png(figure: Figure) -> str:
    """A figure as an <img> tag with the PNG inside, so the page is one file to keep or e-mail."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return f"<img alt='plot' src='data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}'>"


def report_page(room: Classroom) -> str:
    """The whole report: who climbed, which lessons, which graders, each with its table and its picture."""
    board, lessons, graders = room.leaderboard(), room.lessons(), room.graders()
    sections = [
        (_("Who climbed?"), board._repr_html_(), board.plot()),
        (_("Which lessons did the class struggle with?"), lessons._repr_html_(), lessons.plot()),
        (_("Which qualities (graders) did the class struggle with?"),
         graders._repr_html_(rows=20) + graders.hints()._repr_html_(), graders.plot()),
    ]
    body = "".join(f"<h2>{html.escape(title)}</h2>{table}<p>{png(figure)}</p>" for title, table, figure in sections)
    style = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
             "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 8px;"
             "text-align:center}th{background:#f3f4f6}img{max-width:100%}")
    title = _("Class report")
    opening = "<html lang='zh'>" if language() == "zh" else "<html>"  # so that a browser picks a Chinese font
    return (f"<!doctype html>{opening}<head><meta charset='utf-8'><title>{title}</title><style>{style}</style>"
            f"</head><body><h1>{title}</h1>{room._repr_html_()}{body}</body></html>")
