"""Text primitives the examiner's readers share: sentences, clauses, language, money amounts.

These are the graders' own: nothing here is shared with the simulated customer or the
practice model (`kit/signals.py`), so the examiner never reads a reply with the student's key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Brackets and quotes set aside when judging a reply's language: "Size M for the 长款羽绒服 (W-102)".
_ASIDE = re.compile(r"[（(【\[「『“\"][^）)】\]」』”\"]{0,40}[）)】\]」』”\"]")


_NOT_WORDS = re.compile(r"\b(?:XXXL|XXL|XL|XS|SKU|SPF|PA|VIP|OK|ok|cm|kg|ml)\b|[A-Z]-\d{3}|\d+/\d+[A-Z]")


def language(text: str, default: str | None = None, english_weight: float = 0.25) -> str:
    """'zh' when Chinese characters carry the text, else 'en' (quoted and bracketed words, sizes and codes set aside).

    A text with no words either way ("XL。", "¥299") has no language of its own: `default` (the
    customer's) when given. English carries the text when its words outnumber `english_weight` x the
    Chinese characters: a quarter for a reply (Chinese names inside English sentences), or 1 to ask
    whether a customer has switched to English.
    """
    core = _NOT_WORDS.sub(" ", _ASIDE.sub(" ", text))
    cjk, latin = len(CJK.findall(core)), len(_LATIN_WORD.findall(core))
    if not cjk and not latin and default:
        return default
    if not cjk and not latin:
        cjk, latin = len(CJK.findall(text)), len(_LATIN_WORD.findall(text))
    # English carries a reply when its words outnumber a quarter of the Chinese characters (names and
    # addresses in Chinese inside an English sentence stay English).
    return "zh" if cjk and cjk * english_weight >= latin else "en"


_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])|(?<=[～~])(?![\s\dA-Za-z])|(?<=[.])\s+(?=[A-Z\u4e00-\u9fff(\[*\"'“])|(?<=[.])$")


@lru_cache(maxsize=4096)
def sentences(text: str) -> tuple[str, ...]:
    """Sentences on Chinese and English end marks and line breaks."""
    return tuple(part.strip() for part in _SENTENCE_END.split(text) if part and part.strip())


_CLAUSE_END = re.compile(r"[，,；;：:]\s*|\s+[—–]\s+|\s-\s|[（(]|[）)]")


def clauses(sentence: str) -> list[str]:
    """A sentence cut at commas, semicolons, colons, dashes and brackets."""
    return [part.strip() for part in _CLAUSE_END.split(sentence) if part and part.strip()]


_QUESTION_WORD = re.compile(r"什么|啥|哪|怎么|怎样|多少|几|谁|是否|还是|能不能|要不要|有没有|可不可以|是不是|how|what|which|when|where|who|why")


def is_question(sentence: str) -> bool:
    """A sentence that asks: a question mark, 吗 at its end, or 呢 after a question word."""
    stripped = re.sub(r"[\s~～😊🙏🌸💕✨❤️😄😀🙂]+$", "", sentence)
    if re.search(r"[?？]", stripped) or re.search(r"吗[。!！]*$", stripped):
        return True
    return bool(re.search(r"呢[。!！]*$", stripped) and _QUESTION_WORD.search(stripped))


# ---- money -------------------------------------------------------------------------------------------

_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?"
_CN = r"[零〇一二两三四五六七八九十百千万]+"
_MONEY = re.compile(
    rf"(?P<pre>¥|￥|RMB|CNY|rmb)\s*(?P<a>{_DIGITS})"
    rf"|(?P<b>{_DIGITS})\s*(?P<unit>元|块钱|块|圆|yuan|RMB|rmb|CNY|kuai)(?:(?P<jiao>[零一二两三四五六七八九\d])(?![\d件个双瓶支盒套天号码])\s*(?:[角毛]\s*(?:(?P<fen>[零一二两三四五六七八九\d])\s*分?)?)?)?"
    rf"|(?P<c>{_CN})\s*(?P<cunit>元|块钱|块|圆)(?:(?P<cjiao>[零一二两三四五六七八九])\s*(?:[角毛]\s*(?:(?P<cfen>[零一二两三四五六七八九])\s*分?)?)?)?",
)
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@dataclass(frozen=True)
class Amount:
    """A money amount in a text, with where it stands."""

    start: int
    end: int
    yuan: Decimal


def _digit(ch: str | None) -> int:
    if not ch:
        return 0
    return int(ch) if ch.isdigit() else _CN_DIGIT[ch]


def chinese_number(word: str) -> int | None:
    """一百二十 -> 120, 三百零八 -> 308; None for a word that is not a number."""
    import cn2an

    try:
        return int(cn2an.cn2an(word, "normal"))
    except (ValueError, KeyError, IndexError):
        return None


@lru_cache(maxsize=4096)
def amounts(text: str) -> tuple[Amount, ...]:
    """Every money amount a text states (¥378.50, 378.5元, 三百七十八块五), in yuan, in order."""
    found = []
    for match in _MONEY.finditer(text):
        groups = match.groupdict()
        try:
            if groups["a"] or groups["b"]:
                value = Decimal((groups["a"] or groups["b"]).replace(",", ""))
                jiao, fen = groups["jiao"], groups["fen"]
            else:
                whole = chinese_number(groups["c"])
                if whole is None or len(groups["c"]) == 1 and groups["cunit"].startswith("块") and groups["cunit"] != "块钱":
                    continue  # "一块一块掉": a piece, not a yuan
                value = Decimal(whole)
                jiao, fen = groups["cjiao"], groups["cfen"]
        except InvalidOperation:
            continue
        if jiao or fen:
            value += Decimal(_digit(jiao)) / 10 + Decimal(_digit(fen)) / 100
        found.append(Amount(match.start(), match.end(), value.quantize(Decimal("0.01"))))
    return tuple(found)


def strip_markdown(text: str) -> str:
    """Bold and italic marks and inline code ticks removed: **L码** reads as L码."""
    return re.sub(r"(\*\*|__|`)", "", text)
