"""HTML pieces the playground and the side-by-side share: the explain list, the learning curve, messages."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kit.llm import Explanation
    from kit.tracker import Tracker


def explain_html(explanation: Explanation, practice: bool = True) -> str:
    """Which practice-model instructions the prompt holds, with the line that did it; the rest folded."""
    found = [row for row in explanation.rows if row.found]
    against = [row for row in explanation.rows if row.contradicted]
    missing = [row for row in explanation.rows if not row.found and not row.contradicted]
    items = "".join(
        f"<li>✅ <b>{html.escape(row.instruction.title)}</b> — line {row.line_number}: "
        f"<code>{html.escape((row.line or '').strip())}</code><br><small>{html.escape(row.instruction.does)}</small></li>"
        for row in found
    ) or "<li>none yet: the practice model will behave like a weak assistant.</li>"
    items += "".join(
        f"<li>⚠️ <b>{html.escape(row.instruction.title)}</b> — line {row.line_number} tells the agent not to: "
        f"<code>{html.escape((row.line or '').strip())}</code><br><small>so it will: {html.escape(row.instruction.without)}</small></li>"
        for row in against
    )
    others = "".join(
        f"<li>{html.escape(row.instruction.title)} <small>— without it: {html.escape(row.instruction.without)}</small></li>"
        for row in missing
    )
    lines = "".join(f"<li>line {line.number}: <code>{html.escape(line.text.strip())}</code> — {html.escape(line.words())}</li>"
                    for line in explanation.lines)
    note = "" if practice else ("<p><small>This list is what the <i>practice model</i> would recognise; "
                                "a real model reads the whole prompt.</small></p>")
    return (f"<div><b>Explain</b>: the practice model recognised {len(found)} of {len(explanation.rows)} "
            f"instructions in this prompt{note}<ul style='margin:2px 0'>{items}</ul>"
            f"<details><summary>Line by line ({len(explanation.lines)})</summary><ul style='margin:2px 0'>{lines}</ul></details>"
            f"<details><summary>Not found ({len(missing)})</summary><ul style='margin:2px 0'>{others}</ul>"
            f"</details></div>")


def explain_text(explanation: Explanation) -> str:
    """One line: the recognised instructions and their lines."""
    found = [f"{row.instruction.title} (line {row.line_number})" for row in explanation.rows if row.found]
    against = [f"{row.instruction.title} (line {row.line_number})" for row in explanation.rows if row.contradicted]
    text = "Recognised: " + (", ".join(found) if found else "nothing yet")
    return text + (f"; contradicted: {', '.join(against)}" if against else "")


def curve_png(tracker: Tracker) -> str:
    """The tracker's learning curve as a base64 PNG (matplotlib, imported here)."""
    figure = tracker.plot()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=72)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def curve_html(tracker: Tracker) -> str:
    """The learning curve as an <img>, or a line saying it appears after the first attempt."""
    attempts = len(tracker.history())
    if not attempts:
        return "<p><i>The learning curve appears after your first run.</i></p>"
    alt = f"Learning curve of {tracker.lesson}: {attempts} attempts, last total {tracker.history()[-1]['total']:.0f}"
    return (f"<img src='data:image/png;base64,{curve_png(tracker)}' alt='{html.escape(alt)}' "
            f"style='max-width:100%'>")


BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline_text(totals: Sequence[float]) -> str:
    """Totals per attempt as block characters (0 → ▁, 100 → █): a tiny curve that survives every renderer."""
    return "".join(BLOCKS[min(int(max(total, 0) / 100 * len(BLOCKS)), len(BLOCKS) - 1)] for total in totals)


def sparkline(totals: Sequence[float]) -> str:
    """The saved page's learning curve: block characters and the totals (SVG and images get sanitised away)."""
    if not totals:
        return ""
    numbers = " → ".join(f"{total:.0f}" for total in totals)
    return (f"<p class='kit-curve-static'><b>Learning curve so far:</b> <span style='font-size:140%;letter-spacing:1px'>"
            f"{sparkline_text(totals)}</span> {numbers}</p>")


def tight(content: str) -> str:
    """Content for an ipywidgets HTML widget, whose own line height (28px, one form row) is too loose for text."""
    return f"<div style='line-height:1.4'>{content}</div>"


def message_html(text: str, error: bool = False) -> str:
    """A status line; errors are red and announced to screen readers."""
    if not text:
        return ""
    if error:
        return f"<div class='kit-error' role='alert' style='color:#b91c1c'>⚠ {html.escape(text)}</div>"
    return f"<div role='status'>{html.escape(text)}</div>"
