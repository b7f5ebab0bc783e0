"""Transcripts as HTML chat bubbles and as plain text: the one view of a conversation.

Jupyter shows a `Transcript` with `chat_html` (registered by `import kit`); the widgets build on it
(`kit.widgets.ChatViewer` adds a replay slider). It lives above the conversation and the graders, which
never import it: a transcript is data, and how it looks is decided here.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from kit.i18n import N_, _, language
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
ENDINGS = {"satisfied": N_("left satisfied ✓"), "handoff": N_("handed to a human ☎"), "left": N_("left upset ✗"),
           "max_turns": N_("ran out of turns …")}


def listed(items: Iterable[str]) -> str:
    """Short items one after another: "a, b" in English, "a、b" in Chinese."""
    return ("、" if language() == "zh" else ", ").join(items)


def ending(outcome: str) -> str:
    """How a conversation ended, in the learner's language (an outcome the kit does not name is shown as it is)."""
    return _(ENDINGS[outcome]) if outcome in ENDINGS else outcome


def meter(level: int) -> str:
    """The customer's upset level (0-10) as a face, a bar and words, readable with or without styles."""
    face = "😊" if level <= 2 else "😐" if level <= 4 else "😟" if level <= 6 else "😠"
    bar = "▮" * level + "▯" * (10 - level)
    label, short = _("upset {level} of 10").format(level=level), _("upset {level}/10").format(level=level)
    return (f"<span class='kit-emotion' role='img' aria-label='{label}' title='{short}' "
            f"style='color:#b91c1c'>{face} {bar} <small>{short}</small></span>")


def _gloss(turn: Turn, open_: bool) -> str:
    if not turn.gloss:
        return ""
    return (f"<details class='kit-gloss'{' open' if open_ else ''}><summary style='{SMALL}'>{_('English')}</summary>"
            f"<i>{html.escape(turn.gloss).replace(chr(10), '<br>')}</i></details>")


def _folds(turn: Turn) -> str:
    """The tools the agent called and the passages it was given, folded so the reply stays readable."""
    parts = [
        f"<details class='kit-tool'><summary style='{SMALL}'>🔧 {_('tool {name}').format(name=_code(call['name']))}"
        f"</summary><code>{html.escape(json.dumps(call['arguments'], ensure_ascii=False))}</code> → "
        f"<code>{html.escape(str(call['result']))}</code></details>"
        for call in turn.tool_calls
    ]
    if turn.sources:
        items = "".join(
            f"<li><code>{html.escape(src['chunk'])}</code> {html.escape(src['title'])}"
            + (f" <b>{_('(last season)')}</b>" if src.get("outdated") else "") + "</li>"
            for src in turn.sources
        )
        parts.append(f"<details class='kit-sources'><summary style='{SMALL}'>📄 "
                     f"{_('sources ({count})').format(count=len(turn.sources))}</summary>"
                     f"<ul style='margin:2px 0'>{items}</ul></details>")
    return "".join(parts)


def _code(text: str) -> str:
    return f"<code>{html.escape(text)}</code>"


def turn_html(turn: Turn, gloss_open: bool = False) -> str:
    """One bubble: customer on the left (typos, meter, English), agent on the right (folded tools and sources)."""
    text = html.escape(turn.text)
    if turn.role == "customer":
        shown = highlight(turn.text, turn.typos) if turn.typos else text
        mood = meter(turn.emotion) if turn.emotion is not None else ""
        who = _("{number} · customer").format(number=turn.number)
        return (f"<div class='kit-turn kit-customer' style='{CUSTOMER_BUBBLE}'><small>{who} "
                f"{mood}</small><br>{shown.replace(chr(10), '<br>')}{_gloss(turn, gloss_open)}</div>")
    who = _("{number} · agent").format(number=turn.number)
    return (f"<div class='kit-turn kit-agent' style='{AGENT_BUBBLE}'><small>{who}</small><br>"
            f"{_folds(turn)}{text.replace(chr(10), '<br>')}{_gloss(turn, gloss_open)}</div>")


def _header(transcript: Transcript, persona: str, model: str, ended: str) -> str:
    return _("{persona} · seed {seed} · {model} · ended: {ending}").format(persona=persona, seed=transcript.seed,
                                                                           model=model, ending=ended)


def header_html(transcript: Transcript) -> str:
    ended = f"<b>{html.escape(ending(transcript.outcome))}</b>"
    return (f"<div style='{SMALL}'>"
            f"{_header(transcript, html.escape(transcript.persona_name), html.escape(transcript.model), ended)}</div>")


def chat_html(transcript: Transcript, upto: int | None = None, gloss_open: bool = False) -> str:
    """The conversation as static HTML bubbles, up to turn `upto` (all turns by default)."""
    turns = transcript.turns if upto is None else transcript.turns[:upto]
    return scrub(STYLE + "<div class='kit-chat' style='max-width:720px'>" + header_html(transcript)
                 + "".join(turn_html(turn, gloss_open) for turn in turns) + "</div>")


def chat_text(transcript: Transcript, upto: int | None = None) -> str:
    """The conversation as plain text for a terminal, typos followed by the meant word in brackets."""
    lines = [_header(transcript, transcript.persona_name, transcript.model, ending(transcript.outcome))]
    for turn in transcript.turns if upto is None else transcript.turns[:upto]:
        if turn.role == "customer":
            mood = f" [{_('upset {level}/10').format(level=turn.emotion)}]" if turn.emotion is not None else ""
            fixes = listed(f"{t.wrong}→{t.right}" for t in turn.typos)
            lines.append(_("{number} customer{mood}: {text}").format(number=f"{turn.number:>2}", mood=mood, text=turn.text)
                         + ("   " + _("(typos: {fixes})").format(fixes=fixes) if fixes else ""))
            if turn.gloss:
                lines.append("   " + _("English: {gloss}").format(gloss=turn.gloss))
        else:
            lines += ["   " + _("tool {call}").format(call=f"{c['name']}({json.dumps(c['arguments'], ensure_ascii=False)})")
                      for c in turn.tool_calls]
            if turn.sources:
                lines.append("   " + _("sources: {chunks}").format(chunks=", ".join(src["chunk"] for src in turn.sources)))
            lines.append(_("{number} agent: {text}").format(number=f"{turn.number:>2}", text=turn.text))
    return "\n".join(lines)
