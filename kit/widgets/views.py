"""HTML pieces the playground and the side-by-side share: the explain list, the learning curve, messages."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from kit.i18n import _
from kit.views.chat import listed

if TYPE_CHECKING:
    from kit.llm import Explanation
    from kit.practice.catalogue import Recognised
    from kit.tracker import Tracker


def _code(text: str | None) -> str:
    return f"<code>{html.escape((text or '').strip())}</code>"


def explain_html(explanation: Explanation, practice: bool = True) -> str:
    """Which practice-model instructions the prompt holds, with the line that did it; the rest folded."""
    found = [row for row in explanation.rows if row.found]
    against = [row for row in explanation.rows if row.contradicted]
    missing = [row for row in explanation.rows if not row.found and not row.contradicted]
    items = "".join(
        f"<li>✅ <b>{html.escape(row.instruction.shown('title'))}</b> — "
        f"{_('line {number}: {text}').format(number=row.line_number, text=_code(row.line))}"
        f"<br><small>{html.escape(row.instruction.shown('does'))}</small></li>"
        for row in found
    ) or f"<li>{_('none yet: the practice model will behave like a weak assistant.')}</li>"
    items += "".join(
        f"<li>⚠️ <b>{html.escape(row.instruction.shown('title'))}</b> — "
        f"{_('line {number} tells the agent not to: {text}').format(number=row.line_number, text=_code(row.line))}"
        f"<br><small>{_('so it will: {without}').format(without=html.escape(row.instruction.shown('without')))}"
        f"</small></li>"
        for row in against
    )
    others = "".join(
        f"<li>{html.escape(row.instruction.shown('title'))} <small>— "
        f"{_('without it: {without}').format(without=html.escape(row.instruction.shown('without')))}</small></li>"
        for row in missing
    )
    lines = "".join(f"<li>{_('line {number}: {text}').format(number=line.number, text=_code(line.text))} — "
                    f"{html.escape(line.words())}</li>"
                    for line in explanation.lines)
    practice_model = f"<i>{_('practice model')}</i>"
    note = "" if practice else (
        "<p><small>" + _("This list is what the {practice_model} would recognise; a real model reads the whole "
                         "prompt.").format(practice_model=practice_model) + "</small></p>")
    headline = _("{explain}: the practice model recognised {found} of {total} instructions in this prompt").format(
        explain=f"<b>{_('Explain')}</b>", found=len(found), total=len(explanation.rows))
    return (f"<div>{headline}{note}<ul style='margin:2px 0'>{items}</ul>"
            f"<details><summary>{_('Line by line ({count})').format(count=len(explanation.lines))}</summary>"
            f"<ul style='margin:2px 0'>{lines}</ul></details>"
            f"<details><summary>{_('Not found ({count})').format(count=len(missing))}</summary>"
            f"<ul style='margin:2px 0'>{others}</ul>"
            f"</details></div>")


def explain_text(explanation: Explanation) -> str:
    """One line: the recognised instructions and their lines."""
    def named(row: Recognised) -> str:
        return _("{title} (line {number})").format(title=row.instruction.shown("title"), number=row.line_number)

    found = [named(row) for row in explanation.rows if row.found]
    against = [named(row) for row in explanation.rows if row.contradicted]
    text = _("Recognised: {instructions}").format(instructions=listed(found) if found else _("nothing yet"))
    return _("{recognised}; contradicted: {instructions}").format(recognised=text, instructions=listed(against)) \
        if against else text


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
        return f"<p><i>{_('The learning curve appears after your first run.')}</i></p>"
    alt = _("Learning curve of {lesson}: {attempts} attempts, last total {total}").format(
        lesson=tracker.lesson, attempts=attempts, total=f"{tracker.history()[-1]['total']:.0f}")
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
    return (f"<p class='kit-curve-static'><b>{_('Learning curve so far:')}</b> <span style='font-size:140%;letter-spacing:1px'>"
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
