"""Transcripts as HTML chat bubbles and as plain text: the one view of a conversation.

Jupyter shows a `Transcript` with `chat_html` (registered by `import kit`); the widgets build on it
(`kit.widgets.ChatViewer` adds a replay slider). It lives above the conversation and the graders, which
never import it: a transcript is data, and how it looks is decided here.
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING

from kit.keys import scrub
from kit.personas.typos import highlight

if TYPE_CHECKING:
    from kit.conversation import Transcript, Turn

STYLE = (
    "<style>"
    ".kit-chat .typo{background:#fde68a;border-bottom:1px dotted #b45309;cursor:help}"
    ".kit-chat details>summary{cursor:pointer}"
    "</style>"
)
CUSTOMER_BUBBLE = "margin:4px 30% 4px 0;padding:6px 10px;background:#f1f1f1;border-radius:10px"
AGENT_BUBBLE = "margin:4px 0 4px 30%;padding:6px 10px;background:#dbeafe;border-radius:10px"
SMALL = "font-size:80%;color:#555"
ENDINGS = {"satisfied": "left satisfied ✓", "handoff": "handed to a human ☎", "left": "left upset ✗",
           "max_turns": "ran out of turns …"}


def meter(level: int) -> str:
    """The customer's upset level (0-10) as a face, a bar and words, readable with or without styles."""
    face = "😊" if level <= 2 else "😐" if level <= 4 else "😟" if level <= 6 else "😠"
    bar = "▮" * level + "▯" * (10 - level)
    return (f"<span class='kit-emotion' role='img' aria-label='upset {level} of 10' title='upset {level}/10' "
            f"style='color:#b91c1c'>{face} {bar} <small>upset {level}/10</small></span>")


def _gloss(turn: Turn, open_: bool) -> str:
    if not turn.gloss:
        return ""
    return (f"<details class='kit-gloss'{' open' if open_ else ''}><summary style='{SMALL}'>English</summary>"
            f"<i>{html.escape(turn.gloss).replace(chr(10), '<br>')}</i></details>")


def _folds(turn: Turn) -> str:
    """The tools the agent called and the passages it was given, folded so the reply stays readable."""
    parts = [
        f"<details class='kit-tool'><summary style='{SMALL}'>🔧 tool <code>{html.escape(call['name'])}</code></summary>"
        f"<code>{html.escape(json.dumps(call['arguments'], ensure_ascii=False))}</code> → "
        f"<code>{html.escape(str(call['result']))}</code></details>"
        for call in turn.tool_calls
    ]
    if turn.sources:
        items = "".join(
            f"<li><code>{html.escape(src['chunk'])}</code> {html.escape(src['title'])}"
            + (" <b>(last season)</b>" if src.get("outdated") else "") + "</li>"
            for src in turn.sources
        )
        parts.append(f"<details class='kit-sources'><summary style='{SMALL}'>📄 sources "
                     f"({len(turn.sources)})</summary><ul style='margin:2px 0'>{items}</ul></details>")
    return "".join(parts)


def turn_html(turn: Turn, gloss_open: bool = False) -> str:
    """One bubble: customer on the left (typos, meter, English), agent on the right (folded tools and sources)."""
    text = html.escape(turn.text)
    if turn.role == "customer":
        shown = highlight(turn.text, turn.typos) if turn.typos else text
        mood = meter(turn.emotion) if turn.emotion is not None else ""
        return (f"<div class='kit-turn kit-customer' style='{CUSTOMER_BUBBLE}'><small>{turn.number} · customer "
                f"{mood}</small><br>{shown.replace(chr(10), '<br>')}{_gloss(turn, gloss_open)}</div>")
    return (f"<div class='kit-turn kit-agent' style='{AGENT_BUBBLE}'><small>{turn.number} · agent</small><br>"
            f"{_folds(turn)}{text.replace(chr(10), '<br>')}{_gloss(turn, gloss_open)}</div>")


def header_html(transcript: Transcript) -> str:
    return (f"<div style='{SMALL}'>{html.escape(transcript.persona_name)} · seed {transcript.seed} · "
            f"{html.escape(transcript.model)} · ended: <b>{html.escape(ENDINGS.get(transcript.outcome, transcript.outcome))}"
            f"</b></div>")


def chat_html(transcript: Transcript, upto: int | None = None, gloss_open: bool = False) -> str:
    """The conversation as static HTML bubbles, up to turn `upto` (all turns by default)."""
    turns = transcript.turns if upto is None else transcript.turns[:upto]
    return scrub(STYLE + "<div class='kit-chat' style='max-width:720px'>" + header_html(transcript)
                 + "".join(turn_html(turn, gloss_open) for turn in turns) + "</div>")


def chat_text(transcript: Transcript, upto: int | None = None) -> str:
    """The conversation as plain text for a terminal, typos followed by the meant word in brackets."""
    lines = [f"{transcript.persona_name} · seed {transcript.seed} · {transcript.model} · "
             f"ended: {ENDINGS.get(transcript.outcome, transcript.outcome)}"]
    for turn in transcript.turns if upto is None else transcript.turns[:upto]:
        if turn.role == "customer":
            mood = f" [upset {turn.emotion}/10]" if turn.emotion is not None else ""
            fixes = ", ".join(f"{t.wrong}→{t.right}" for t in turn.typos)
            lines.append(f"{turn.number:>2} customer{mood}: {turn.text}" + (f"   (typos: {fixes})" if fixes else ""))
            if turn.gloss:
                lines.append(f"   English: {turn.gloss}")
        else:
            lines += [f"   tool {c['name']}({json.dumps(c['arguments'], ensure_ascii=False)})" for c in turn.tool_calls]
            if turn.sources:
                lines.append("   sources: " + ", ".join(src["chunk"] for src in turn.sources))
            lines.append(f"{turn.number:>2} agent: {turn.text}")
    return "\n".join(lines)
