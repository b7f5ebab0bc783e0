"""Replies in the customer's language: each reply is in the language of the customer's last message.

The language is the one that carries the bulk of the text (`kit.graders.reading.text.language`) once product
names and codes, shade names and anything in brackets are set aside, so "Size M for the
长款连帽羽绒服 (W-102)" is English. A message too short to tell ("OK", "¥299.00") keeps the
language the customer wrote before; a reply too short to tell is never wrong. The score is the
share of replies in the customer's language.
"""

from __future__ import annotations

import re
from functools import cache

from kit.conversation import Transcript
from kit.graders.base import Evidence, GraderResult
from kit.graders.reading.text import language
from kit.i18n import N_, _
from kit.shop import catalogue

NAMES = {"zh": "Chinese", "en": "English"}
# A reply in the other language: (customer's, reply's, whether a customer turn told) -> what the grader notes.
MISMATCH = {
    ("zh", "en", True): N_("the customer writes Chinese (turn {turn}); this reply is in English"),
    ("zh", "en", False): N_("the customer writes Chinese; this reply is in English"),
    ("en", "zh", True): N_("the customer writes English (turn {turn}); this reply is in Chinese"),
    ("en", "zh", False): N_("the customer writes English; this reply is in Chinese"),
}
_BRACKETS = re.compile(r"[（(【\[][^（）()【】\[\]]{0,40}[)）】\]]")
_CODE = re.compile(r"(?<![A-Za-z0-9])[A-Z]-\d{3}(?!\d)|(?<![A-Za-z0-9])[A-Z]\d{2}(?!\d)")  # J-101, shade Y02
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z]{2,}")


class Language:
    name = "language"
    title = N_("Replies in the customer's language")

    def __call__(self, transcript: Transcript) -> GraderResult:
        replies = transcript.agent_turns
        if not replies:
            return GraderResult(self.name, self.title, None, hint=_("The agent never replied."))
        customer, written_at = transcript.language, 0  # until the customer's words tell
        evidence = []
        for turn in transcript.turns:
            if turn.role == "customer":
                if (said := language_of(turn.text, customer=True)) is not None:
                    customer, written_at = said, turn.number
                continue
            reply = language_of(turn.text)
            if reply is not None and reply != customer:
                evidence.append(Evidence.at(turn, _(MISMATCH[customer, reply, bool(written_at)]).format(turn=written_at)))
        hint = (_("Tell the agent to reply in the language the customer writes in (中文 → 中文, English → English); "
                "product names may stay as the page writes them.") if evidence else "")
        score = 100.0 * (len(replies) - len(evidence)) / len(replies)
        return GraderResult(self.name, self.title, round(score, 1), tuple(evidence), hint)


def language_of(text: str, customer: bool = False) -> str | None:
    """'zh' or 'en' for the bulk of the text, names and brackets aside; None when too little is left to tell."""
    text = _CODE.sub(" ", _BRACKETS.sub(" ", text))
    for name in _names():
        text = text.replace(name, " ")
    if len(_CJK.findall(text)) + len(_WORD.findall(text)) < 2:
        return None
    # A customer switches to English only when English clearly dominates (an English injection line inside
    # a Chinese conversation does not); a reply is English when its sentences are, Chinese names aside.
    return language(text, english_weight=1.0 if customer else 0.25)


@cache
def _names() -> tuple[str, ...]:
    """Product and shade names in both languages, longest first (so a long name goes before a part of it)."""
    names = set()
    for product in catalogue().products:
        names |= {product.name.zh, product.name.en}
        names |= {n for shade in getattr(product, "shades", ()) for n in (shade.name.zh, shade.name.en)}
    return tuple(sorted((n for n in names if n), key=len, reverse=True))
