"""How the practice model reads a system prompt: line by line, by meaning, negations included.

Each catalogue instruction names, in `catalogue.yaml`, what it *wants* the agent to do and the
failure it *avoids*, as groups of word patterns that must all appear in one clause. A clause that
states what an instruction wants, or forbids the failure it avoids, gives the instruction ("先问身高
体重", "never guess a size"); a clause that forbids what it wants, or asks for the failure, contradicts
it ("不用转人工", "just recommend M"). A negation governs the words right after it, up to a word such as
"until", "before", 前 or 再 that opens a new condition ("never suggest a size until you know the
height": the negation is on suggesting, not on knowing).

The prompt is read once (`read_prompt` caches it); the practice model follows what is in force at
the end: a later line that contradicts an instruction overrides an earlier one, and the reverse.
"""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kit.practice.stance import Weighed

_NEGATION = re.compile(
    r"(?:不要|不用|不需要|无需|无须|不必|没必要|别(?!人|的|家|处|样)|甭|不能|不可以|不可|不得|禁止|严禁|千万别|切勿|勿|不准|不许|不再|不会|从不|绝不|决不|不要再|没有必要|用不着|少|避免|避开|杜绝|不方便|拒绝|一律不|禁用语?|banned|forbidden|不(?![知开耐满同错少够好舒合清懂明然过但仅如确一会较管])|leave out|drop the|cut the|"
    r"\bdon'?t\b|\bdo not\b|\bnever\b|\bno need (?:to|for)\b|\bnot\b|\bwithout\b|\bstop\b|\bavoid\b|\bno\b|\bnor\b|\bnothing\b|\bskip\b|\bdoesn'?t\b|\bisn'?t\b|"
    r"\bwon'?t\b|\bcan'?t\b|\bcannot\b|\bshouldn'?t\b|\bmustn'?t\b|\bneedn'?t\b|\bnone\b|\brather than\b|\binstead of\b|\bnot to\b|"
    r"\bneed not\b|\bdecline[sd]?\b|\bdeflect(?:ed)?\b|别在|不再|不予|不得|不要纠结|别拿|别画饼|"
    r"\b(?:you'?ll|you will|we'?ll|we will) (?:be )?mark(?:ed)? (?:you )?down for\b|\b(?:penali[sz]ed|docked|marked down) for\b|"
    r"\blose points for\b|\bdeduct(?:ed)?(?: (?:a )?points?)? for\b|-\s?\d+ points? for\b|\b(?:automatic|instant) (?:zero|fail(?:ure)?)"
    r"(?: for| if)?\b|\bzero marks for\b|\bforget (?:the |about the )?(?:old |earlier |previous )?rule (?:about|on)\b|"
    r"\bwhy (?:would you |should you |bother |be so |waste \w+(?:'s)? time )?)",
    re.I)
# Words that open a new condition: a negation before them does not reach past them.
_BREAK = re.compile(r"(?:\buntil\b|\bbefore\b|\bunless\b|\bexcept\b|\bbut\b|\bthen\b|\bfirst\b|\bafter\b|\bonly\b|\bwhen(?:ever)?\b|\bif\b|\bonce\b|\bas soon as\b|\band\b|\bso\b|\bjust\b|\binstead\b|\bsimply\b|\brather\b|前|之前|以前|再|才|先|但|而是|除非|只要|之后|以后|然后|时|的时候)", re.I)
# "先" right after a negation belongs to the negated phrase ("不用每次都先安慰"), it does not open a new condition.
_FIRST_OF_NEGATED = re.compile(r"^(?:每次|每条|每个|都|总是|一上来就?|一开始就?)*(?:先|再)")
_KNOWING = re.compile(r"\s*(?:know|sure|certain|find|see|mention(?:ed)?|list(?:ed)?|show(?:n)?|appear)\b", re.I)
_SCOPE = 8  # characters a negation reaches forward in Chinese (about one verb phrase); five words in English
_WORDS = 5
_CLAUSES = re.compile(r"(?<=[\u4e00-\u9fff”\"』」]),|,(?=\s*[\u4e00-\u9fff“])|[，；;。!！?？:：\n]|(?<=[\u4e00-\u9fff])~+|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])|(?<=[a-z\d'\"”)])\.(?:\s|$)|\s[-–—]\s|→|->|但是|但|然后|并且|而且|同时|否则|\bbut\b", re.I)
# A negation that follows what it negates: "empathy 那一套不需要", "寒暄就免了".
_AFTER = re.compile(r"^.{0,8}?(?:不需要|不用|没必要|不必|免了|就算了|不要了|无需|一律无需|都不用|统统省|省掉|省了|去掉|删掉|免掉|isn'?t needed|not needed|is not needed|not required)", re.I)
# A short clause that only negates ("…，没必要问", "…，别的不需要"): it negates what the clauses before it named.
_NEGATION_WORDS = (r"(?:(?:现在|目前|如今)?(?:已经?|都|一律)?(?:取消|废止|作废|不再执行)了?[。.!！]*|"
                   r"(?:全部|统统)?都?(?:没必要|不需要|不必|无需|不用|唔使|唔好|省掉|免了|一律不|别管|不用你?管|不归你管|你别管)"
                   r"(?:问|说|讲|管|了|写)?[了的吧啊呀]*|(?:just )?(?:don'?t bother|no need|not needed|unnecessary|optional|"
                   r"not required|not necessary|skip (?:it|them|that)|avoid (?:it|that)|drop (?:it|that)(?:,? (?:it )?is redundant)?)[.!]*)$")
_NEGATING_CLAUSE = re.compile(r"^(?:别的|其他的?|其它的?|这些|那些|就|也|都|统统|一律|你)?\s*" + _NEGATION_WORDS)
# A clause that ends by judging what it named: "Restating known facts is unnecessary", "…这些在我们店都是不需要的",
# "…is something we have decided we will not do". Everything the clause names before the verdict is negated.
_VERDICT = re.compile(
    r"(?:\b(?:is|are)\s+(?:entirely\s+|completely\s+|usually\s+|totally\s+)?(?:optional|unnecessary|not (?:needed|required|"
    r"necessary|important|our job|something (?:you|we) (?:should )?(?:do|want))|no longer (?:needed|required|necessary))|"
    r"\bis something we (?:have decided we )?(?:do not|don'?t|will not|won'?t) (?:want|do)\b|\bwe (?:do not|don'?t) want\b|"
    r"\bis (?:entirely |left )?at the (?:assistant'?s|agent'?s|bot'?s) discretion\b|\b(?:is|are) hereby (?:suspended|repealed|withdrawn)\b|"
    r"\bsomething (?:the agent|you|we|this bot) (?:can (?:happily |safely )?skip|should not be doing|do(?:es)? not do)\b|"
    r"\bnot something (?:we want|this bot does|you should do)\b|\b(?:is )?never required\b|\breally worth the trouble\b|"
    r"\bis something we have decided against\b|(?::\s*|\b(?:is|are)\s+)optional(?: and (?:usually |often )?unnecessary)?|"
    r"一般是不做的|是不做的|(?:了)?也没用|能省就省|\bcounts? against (?:you|the agent|your score)\b|\bis an automatic fail\b|"
    r"\b(?:is|are) (?:strictly )?(?:banned|not allowed|forbidden)\b|"
    r"(?:会|要|直接)?扣分|算违规|"
    r"(?:是|都是|也是)?(?:完全|根本|都)?(?:不需要|没有?必要|多余|废话)的?|我们不要|可以省掉|可以省略|可以不用|无所谓|差不多就行|"
    r"(?:都|就|也)?不需要藏着|没啥秘密|(?:也)?可以(?:先)?不(?:调|用|问|加|写|管)|(?:自本季起|即日起|从今天起)?(?:废止|作废|取消)|"
    r"(?:均|都|一律)?不适用|一律删掉|不属于[^，,]{0,12}(?:范围|职责))"
    r"(?:[^\w\u4e00-\u9fff]*(?:here|now|any ?more|了|啦|哦)?)?[\s.。!！?？~～]*$", re.I)
# "这些在我们店都是不需要的": a short clause that only passes that verdict on the clauses before it.
_JUDGING_CLAUSE = re.compile(r"^(?:这些|那些|这个|那个|这种|那种|这一步|这类)[^，,]{0,10}?" + _VERDICT.pattern, re.I)
# The same after a topic the line wants ("转人工这种事，不用你管"), but not "别的不用问" (that is about other things).
_NEGATING_TOPIC = re.compile(r"^(?:这些|那些|就|也|都|统统|一律|你)?\s*" + _NEGATION_WORDS)


@lru_cache(maxsize=1)
def _simplified():  # type: ignore[no-untyped-def]
    """OpenCC's traditional-to-simplified converter, built once (it loads its dictionaries)."""
    import opencc

    return opencc.OpenCC("t2s")


# Written Cantonese as Hong Kong shops write it (after conversion to simplified), in the Mandarin the catalogue uses.
_CANTONESE_WORDS = {"唔好": "不要", "唔使": "不用", "唔驶": "不用", "唔可以": "不可以", "唔准": "不准", "唔得": "不行",
                    "唔系": "不是", "唔知": "不知道", "冇": "没有", "净系": "只", "咁": "这样", "咗": "了", "嘅": "的",
                    "佢哋": "他们", "佢": "他", "畀": "给", "就系": "就是", "系咪": "是不是", "咩": "什么", "点样": "怎样",
                    "嗰个": "那个", "嗰": "那", "呢啲": "这些", "呢个": "这个", "睇": "看", "乜嘢": "什么", "几多": "多少",
                    "讲嘢": "说话", "搞掂": "搞定", "俾": "给", "出嚟": "出来", "嚟": "来"}
_CANTONESE = re.compile("|".join(sorted(_CANTONESE_WORDS, key=len, reverse=True)))


def _converted(line: str) -> str:
    """Full-width to half-width, lower case, traditional characters and written Cantonese to simplified Mandarin,
    input-method slips put right."""
    text = unicodedata.normalize("NFKC", line).lower()
    if re.search(r"[\u4e00-\u9fff]", text):
        text = _simplified().convert(text)  # 繁體 as written in Taiwan and Hong Kong: the catalogue is in simplified
        text = _CANTONESE.sub(lambda match: _CANTONESE_WORDS[match.group(0)], text)
    return _unslipped(text)


def _is_setting(converted: str) -> bool:
    """The line (as `_converted` leaves it) is a setting switched on or off (`handoff: off`,
    `"convert_jin_to_kg": false`): its words are the reading, with nothing for the models to correct."""
    return bool(_SWITCH.match(converted) or _SETTING.match(converted))


def normalise(line: str) -> str:
    """Full-width to half-width, lower case, traditional characters and written Cantonese to simplified Mandarin,
    input-method slips put right, settings said in words, HTML comments, list marks and emphasis dropped; a wrong
    example marked ✘ reads as forbidden and a right one marked ✔ as a clause of its own ("✘ 请提供肩宽、胸围 ✔ 您身高
    体重多少？")."""
    return _normalised(_converted(line))


def _normalised(converted: str) -> str:
    """`normalise` after `_converted`."""
    text = _config_switch(converted)
    text = re.sub(r"<!--.*?(?:-->|$)", " ", text)  # an HTML comment is a note to the prompt's editors
    text = re.sub(r"^\s*(?:[-*•·>#]+|\d{1,2}\s*[.、)）]|[（(]\d{1,2}[)）]|第?[一二三四五六七八九十]+[、.．]|<\w+>)\s*", "", text)
    text = _WRONG.sub(" 不要 ", _RIGHT.sub("。", text))
    text = _BANNED_LIST.sub(r"\1 ", text)
    return re.sub(r"</?\w+>|[*_`]+", " ", text).strip()


# Words the catalogue's patterns are written with, as a pinyin input method or voice input may mistype them ("题重"
# for 体重, "尺马" for 尺码, "人公" for 人工): characters with the same toneless pinyin as one of these are read as it.
# Words that share their pinyin with an everyday word ("简短"/"间断", "色号"/"色好") are left out.
_SLIP_WORDS = ("体重", "身高", "尺码", "工具", "人工", "转接", "门槛", "顺序", "提示词", "方言", "重复", "复述", "折扣",
               "混油皮", "公斤", "换算", "设定", "指令")


@lru_cache(maxsize=8192)
def _syllable(char: str) -> str:
    from pypinyin import lazy_pinyin

    return lazy_pinyin(char)[0]


@lru_cache(maxsize=1)
def _slips() -> dict[tuple[str, ...], str]:
    return {tuple(_syllable(char) for char in word): word for word in _SLIP_WORDS}


def _unslipped(text: str) -> str:
    """The text with mistyped homophones of the catalogue's key words put right."""
    if not re.search(r"[\u4e00-\u9fff]", text):
        return text
    chars, slips = list(text), _slips()
    syllables = [_syllable(char) if "\u4e00" <= char <= "\u9fff" else "" for char in chars]
    for length in (3, 2):
        for start in range(len(chars) - length + 1):
            word = slips.get(tuple(syllables[start: start + length]))
            if word and "".join(chars[start: start + length]) != word:
                chars[start: start + length] = word
    return "".join(chars)


# A setting written as configuration: `"handoff_on_request": false` reads "don't handoff on request", `recap: none`
# "don't recap", `单位换算：关闭` "不要单位换算". A key in plain words must hold the whole line ("Tone: no slang" is
# no setting), a snake_case key may open a longer one.
_OFF = ("false", "no", "off", "disabled", "never", "none", "removed", "deprecated", "关闭", "关", "否", "停用", "禁用",
        "不启用", "不开启", "取消")
_ON = ("true", "yes", "on", "enabled", "required", "always", "开启", "打开", "开", "是", "启用")
_VALUE = r"[\"'`]?(" + "|".join(sorted(_OFF + _ON, key=len, reverse=True)) + r")(?![a-z\u4e00-\u9fff])[\"'`]?"
_FLAG = r"[\"'`]?(0|1)(?![\w.])[\"'`]?"  # a snake_case key may also be switched with 0 and 1 ("recap_facts=0")
_SWITCH = re.compile(r"^\s*[\"'`]?([a-z][a-z0-9]*(?:_[a-z0-9]+)+)[\"'`]?\s*[:=]\s*(?:" + _VALUE + "|" + _FLAG + ")", re.I)
_SETTING = re.compile(r"^\s*[-*•]?\s*([a-z][a-z-]*(?: [a-z][a-z-]*){0,3}|[\u4e00-\u9fff]{2,12})\s*[:=]\s*" + _VALUE
                      + r"[\s.。!！]*(?:#.*)?$", re.I)


def _config_switch(text: str) -> str:
    """A setting switched on or off, as the words it stands for ("don't …" / "不要…" when off)."""
    def words(match: re.Match[str]) -> str:
        key = match.group(1).replace("_", " ")
        value = (match.group(2) or match.groups()[-1]).lower()  # a word, or (a snake_case key's) 0 or 1
        off = value in _OFF or value == "0"
        if re.search(r"[\u4e00-\u9fff]", key):
            return ("不要" if off else "要") + key
        return ("don't " if off else "") + key
    return _SWITCH.sub(words, text) if _SWITCH.match(text) else _SETTING.sub(words, text)


_WRONG = re.compile(r"\s*[✘✗❌×]\s*(?:wrong|错误|错)?\s*[:：]?\s*")
_RIGHT = re.compile(r"\s*[✔✓✅√]\s*(?:right|correct|正确|对)?\s*[:：]?\s*")
# "禁用语：如上所述、前面说过了": the list after the colon is what is banned (no new clause).
_BANNED_LIST = re.compile(r"(禁用语|禁止用语|不许说的话|banned phrases|forbidden phrases|never say)\s*[:：]")


# Two negations that make a positive: "不可以不转", "never fail to", "don't forget to", "not OK to skip".
_DOUBLE = [
    (re.compile(r"(?:不可以|不能|不得|不可|不许|不准|没有理由|不会)不(?=[\u4e00-\u9fff])"), "要"),
    (re.compile(r"(?:不能|不可以|不要|别|不可|不得)(?:无视|忽视|忽略)"), "要按"),
    (re.compile(r"\b(?:(?:it is|it's|it isn'?t) )?not (?:ok(?:ay)?|acceptable|allowed) to (?:skip|forget|ignore|omit)\b"), "always"),
    (re.compile(r"\b(?:never|don'?t|do not|do not ever|don'?t ever)\s+(?:ever\s+)?(?:fail to|forget to|skip|omit)\b"), "always"),
]
# A clause judged afterwards: "不问身高就推荐，是不可以的" (a forbidden negation: do it), "直接推荐是不行的" (forbidden).
_JUDGED = re.compile(r"^(?P<body>.+?)[,，]?\s*(?:这|那)?(?:是|都是)?(?:绝对|肯定|万万)?(?:不可以|不行|不允许|不被允许|不对|不可取)的?[。！!]*$")
_LEADING_NEGATION = re.compile(r"^(?:如果|要是)?(?:不|没有?|未)(?=[\u4e00-\u9fff])")


def _resolve_double_negation(text: str) -> str:
    """The line with double negations said positively, so the reader sees what it asks for."""
    for pattern, positive in _DOUBLE:
        text = pattern.sub(positive, text)
    judged = _JUDGED.match(text)
    if judged:
        body = judged.group("body")
        text = _LEADING_NEGATION.sub("要", body) if _LEADING_NEGATION.match(body) else "不要" + body
    return text


# A writer who takes back what the line said so far: "先问身高体重吧……算了，直接说m就行", "long replies, scratch that, keep it short".
_RETRACTION = re.compile(r"(?:^|[，,。.!！…;；—\s]|哎|诶|嗯|哦|呃)(?:算了(?:算了)?|不对|(?<=[哎诶嗯哦呃])\s*不行|scratch that|on second thought)"
                         r"[，,。.!！…;；—\s]+(?=\S)", re.I)


def _retracted(line: str) -> str:
    """What the line says after its writer's last retraction (the whole line when there is none); a retraction
    inside quotes is someone else's ("顾客说“两件……算了三件”") and stays."""
    quoted = [match.span() for match in _QUOTED.finditer(line)]
    last = None
    for match in _RETRACTION.finditer(line):
        if not any(start <= match.start() < end for start, end in quoted):
            last = match
    return line[last.end():] if last else line


def clauses(text: str) -> list[str]:
    """The line's clauses; punctuation inside a quotation ("不用每条都“亲，您好”开头") does not end one."""
    quoted = _quotations(text)
    parts, at = [], 0
    for match in _CLAUSES.finditer(text):
        if not any(start < match.start() < end for start, end in quoted):
            parts.append(text[at: match.start()])
            at = match.end()
    parts.append(text[at:])
    return [part.strip() for part in parts if part.strip()]


@dataclass(frozen=True)
class Hit:
    """Where a group of patterns matched in a clause, and whether a negation governs it."""

    start: int
    words: tuple[str, ...]
    negated: bool


def _asks(clause: str, cue: re.Match[str]) -> bool:
    """A question, not a negation: "会不会", "能不能", "可不可以" (the same character either side of 不)."""
    at = cue.start()
    return clause[at] == "不" and 0 < at < len(clause) - 1 and clause[at - 1] == clause[at + 1]


def _negated(clause: str, start: int, end: int | None = None, own: Sequence[tuple[int, int]] = ()) -> bool:
    """A negation right before `start` (within its reach, with no new condition in between), or right after `end`.

    A negation inside `own` (the spans of the words that matched the group) is the instruction's own wording
    ("唔好将呢啲指示讲出去" matched as 指示 + 唔好将), not a negation of it."""
    if end is not None and _AFTER.match(clause[end: end + 16]):
        return True
    cues = [(at, to) for at, to in _negations(clause) if to <= start and at >= start - 60
            and not any(s <= at < e for s, e in own)]
    for at, to in reversed(cues):
        between = re.sub(r"“[^”]*”?|\"[^\"]*\"?|「[^」]*」?|[“”「」]", "q", clause[to: start])
        if _KNOWING.match(between):  # "if you don't know the price, …": what is negated is knowing it
            return False
        if _QUOTED_BREAK.search(between) and any(s < at < e for s, e in _quotations(clause)):
            return False  # a clause's end inside a quotation ("先说“别急，我懂您”"): its 别 stops there
        if _BREAK.search(_FIRST_OF_NEGATED.sub("", between)) or (between.strip() and _BREAK.match(clause, start)):
            return False  # the phrase's own first word may open a new one ("…, just …"), unless the negation touches it ("不用先问")
        if re.search(r"[\u4e00-\u9fff]", between):
            return len(between) <= _SCOPE and not re.search(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]", between)
        return len(between.split()) <= _WORDS
    return False


@lru_cache(maxsize=4096)
def _negations(clause: str) -> tuple[tuple[int, int], ...]:
    """Where the clause's negation words are (not those of a question: "会不会"), found once per clause."""
    return tuple(m.span() for m in _NEGATION.finditer(clause) if not _asks(clause, m))


_QUOTED_BREAK = re.compile(r"[，,；;。!！?？]")


@lru_cache(maxsize=4096)
def _quotations(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(match.span() for match in _QUOTED.finditer(text))


_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|「[^」]*」|『[^』]*』|(?<![a-z])'[^']{4,}'(?![a-z])")
_EXAMPLE = re.compile(r"(?:说|问|写|says?|writes?|asks?|例如|比如|e\.g\.|like|such as|tricks?|叫|发)[^“\"「『']{0,10}$", re.I)


_TOLD = re.compile(r"(?:just|simply|only|then)\s+(?:say|reply|respond|answer|write)(?:\s+with)?\s*[:：]?\s*$|"
                   r"(?:回复|就回|就说|回答)\s*[:：]?\s*$", re.I)


def unquoted(text: str) -> str:
    """The text with quoted examples blanked out: what a customer might say is not what the line asks for.

    A quote after "just say" / "就回" is what the agent is told to say, and stays.
    """
    def blank(match: re.Match[str]) -> str:
        before = text[max(0, match.start() - 14): match.start()]
        example = _EXAMPLE.search(before) and not _TOLD.search(before)
        return " " * len(match.group(0)) if example else match.group(0)

    return _QUOTED.sub(blank, text)


@lru_cache(maxsize=4096)
def _verdict(clause: str) -> re.Match[str] | None:
    """Where the clause passes a negative verdict on what it named ("… is unnecessary"), once per clause."""
    return _VERDICT.search(clause)


# A rule taken back by name: "删掉“只问身高体重”那条", "Undo the 'keep it short' rule from v3", "第十条（编号步骤）不适用",
# "Rule 11 (acknowledge feelings) is switched off". Whatever the clause names, it names as the rule withdrawn.
_RULE = (r"(?:(?:那|这|呢|嗰|𠮶|一|整)条|条规定|规定|规则|条款|第[\d一二三四五六七八九十百]+条|\brules?\b|\blines?\b|"
         r"\binstructions?\b|\brequirements?\b|\bpolicy\b|\bguidelines?\b|\brule_?\d+\b|#\d+\b)")  # 𠮶: 嗰 simplified
_WITHDRAW = (r"(?:删掉|删除|删了|删去|删咗|去掉|取消|作废|废止|废弃|弃用|撤销|撤回|不适用|不再适用|忽略|\bundo\b|\bscrap(?:ped)?\b|"
             r"\bremove[ds]?\b|\bwithdrawn\b|\bstr(?:ike|uck)\b|"
             r"\bdrop(?:ped)?\b|\bdelete[ds]?\b|\bignore\b|\bdeprecated\b|\bswitched off\b|\bturned off\b|\bdisabled\b|"
             r"\bretired\b|\bno longer (?:applies|apply|in force|valid)\b|\bdoes not apply\b|\bdoesn'?t apply\b|\bscratch\b)")
_WITHDRAWN = re.compile(_WITHDRAW + r".{0,40}?" + _RULE + "|" + _RULE + r".{0,40}?" + _WITHDRAW, re.I)
_KEPT = re.compile(r"(?:不要|不能|不可以|别|不许|不得|勿|\bdon'?t\b|\bdo not\b|\bnever\b)\s*" + _WITHDRAW, re.I)
# A short clause that takes back the rule the clauses before it stated: "原第3条“先问身高体重”，此条作废", "…, that rule is
# scrapped". (A clause that names the rule and withdraws it is `_WITHDRAWN`.)
_WITHDRAWING_CLAUSE = re.compile(r"^(?:此|该|本|这|这一|呢|嗰|𠮶|那|上述|以上)(?:条|项|一条)?(?:规定|规则|要求|做法)?(?:现在|目前|已经?|一律|也)?"
                                 + _WITHDRAW + r"|^(?:现已|已经?)(?:废弃|作废|废止|删除|撤销|取消)"
                                 r"|^(?:this|that|the above|the old) (?:rule|line|one|instruction)(?: (?:is|has been|was))?"
                                 r"(?: now)? (?:withdrawn|scrapped|removed|cancell?ed|void|dropped|deprecated|retired)\b", re.I)


@lru_cache(maxsize=4096)
def _withdrawn(clause: str) -> bool:
    """The clause takes back a rule it names (and does not forbid taking it back: "别删掉那条")."""
    return bool(_WITHDRAWN.search(clause)) and not _KEPT.search(clause)


def find(clause: str, groups: Sequence[Sequence[re.Pattern[str]]]) -> list[Hit]:
    """Each group of patterns found together in the clause (all of its patterns), with its negation."""
    hits: list[Hit] = []
    for group in groups:
        firsts = list(group[0].finditer(clause))
        if not firsts:  # the first words first: most clauses stop here
            continue
        rest = [pattern.search(clause) for pattern in group[1:]]
        if not all(rest):
            continue
        seen: dict[bool, Hit] = {}  # a group counts at most once said and once negated ("won't let them reach a human, so honour every request")
        verdict = _verdict(clause)
        withdrawn = _withdrawn(clause)
        for first in firsts:
            found = [first, *rest]
            start = min(m.start() for m in found if m)
            end = max(m.end() for m in found if m)
            own = [m.span() for m in rest if m]
            negated = (_negated(clause, first.start(), first.end(), own) or _negated(clause, start, end)
                       or bool(verdict and end <= verdict.start())) != withdrawn  # a rule taken back: its opposite holds
            seen.setdefault(negated, Hit(start, tuple(m.group(0) for m in found if m), negated))
        hits += seen.values()
    return hits


@dataclass(frozen=True)
class LineReading:
    """What one prompt line says: the instructions it gives and those it contradicts, with the words that did it."""

    number: int
    text: str
    gives: dict[str, tuple[str, ...]] = field(default_factory=dict)
    contradicts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    likened: frozenset[str] = frozenset()  # of those, read by likeness to example lines, not by the catalogue's wording
    set_aside: dict[str, tuple[str, ...]] = field(default_factory=dict)  # named by the wording, but the line reads as a fact

    @property
    def kind(self) -> str:
        return "instruction" if self.gives else "contradiction" if self.contradicts else "none"


@dataclass(frozen=True)
class PromptReading:
    """A whole prompt, read: each line, and the instructions in force at the end (the last word wins)."""

    lines: tuple[LineReading, ...]
    follows: frozenset[str]
    refused: frozenset[str]  # instructions the prompt contradicts (and never gives again after)

    def line_for(self, instruction: str) -> LineReading | None:
        """The line that put an instruction in force (the last one that gave it)."""
        return next((line for line in reversed(self.lines) if instruction in line.gives), None)

    def against(self, instruction: str) -> LineReading | None:
        return next((line for line in reversed(self.lines) if instruction in line.contradicts), None)


def read_line(text: str, number: int = 1) -> LineReading:
    """Which instructions one line gives or contradicts, clause by clause."""
    gives, contradicts, likened, set_aside = _read(text)
    return LineReading(number, text, dict(gives), dict(contradicts), likened, dict(set_aside))


Said = tuple[tuple[str, tuple[str, ...]], ...]  # (instruction, the words that said it)


Reading = tuple[Said, Said, frozenset[str], Said]  # gives, contradicts, likened, set aside
_READINGS: OrderedDict[str, Reading] = OrderedDict()  # by the line's text (a long prompt repeats lines), oldest first
_MOST_READINGS = 65536  # readings kept; the oldest go first
_TOGETHER = 256  # lines read together at most (their evidence is held at once)


def _read(text: str) -> Reading:
    """A line's reading: the catalogue's wording, the likeness and stance models, and the decision that weighs them
    (`decision.py`)."""
    return _read_all([text])[0]


def _read_all(texts: Sequence[str]) -> list[Reading]:
    """Lines' readings, cached by text; the lines not read before are weighed together, a few hundred at a time."""
    from kit.practice.decision import decide_all, evidence

    known = {text: _READINGS.get(text) for text in texts}
    fresh = [text for text, reading in known.items() if reading is None]
    for start in range(0, len(fresh), _TOGETHER):
        batch = fresh[start: start + _TOGETHER]
        known.update(zip(batch, decide_all([evidence(text) for text in batch])))
    for text in fresh:
        _READINGS[text] = known[text]  # type: ignore[assignment]
    with suppress(KeyError):  # another thread may be trimming too
        while len(_READINGS) > _MOST_READINGS:
            _READINGS.popitem(last=False)
    return [known[text] for text in texts]  # type: ignore[misc]


_read.cache_clear = _READINGS.clear  # type: ignore[attr-defined]  # as `functools` caches are cleared


# Marks of a line that directs the agent: a modal, a common imperative, the agent addressed, a rule's arrow. Many
# rules have none ("LATEST CHOICE WINS."); lines with none that only the likeness model reads as instructions are
# nearly all facts and lists ("Tools available: size_lookup, price_quote"). The decision weighs it.
_DIRECTS = re.compile(
    r"(?:\b(?:should|must|always|never|don'?t|do not|please|pls|make sure|ensure|needs? to|ha(?:ve|s) to|remember|try|"
    r"avoid|only|just|keep|stay|use|ask|answer|reply|respond|tell|say|give|get|check|convert|treat|read|skip|stop|no|"
    r"not|shall|will|would|required|prohibited|you|your|u|ur|agent|bot|assistant|if|when|whenever)\b|→|->|=|要|请|"
    r"必须|应该|应当|务必|记得|一定|别|不|先|只|须|得|需|尽量|可以|你|客服|就|直接|再|用|问|答|回|说|讲|给|禁|勿)")


def _worded(normalised: str, only: str | None = None) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]],
                                                             dict[str, Weighed], dict[str, str]]:
    """What a line gives and contradicts by the catalogue's wording (`wants` and `avoids` groups), clause by clause,
    how each instruction it names was weighed, and, in a line of several clauses, the clauses that name each one
    when others do not ("Ask height and weight before sizing; ask only what you need": the second names asking only).
    With `only`, about that one instruction (each is read on its own)."""
    from kit.practice.catalogue import compiled, first_words

    line = _retracted(_resolve_double_negation(normalised))
    here = first_words().possible(line)  # the groups whose first words the line holds: no other can match in it
    parts = clauses(line)
    defines = bool(_DEFINES.search(line))
    plain = [unquoted(clause) for clause in parts]  # the failures a line asks for are never only quoted examples
    gives: dict[str, tuple[str, ...]] = {}
    contradicts: dict[str, tuple[str, ...]] = {}
    weighed: dict[str, Weighed] = {}
    where: dict[str, str] = {}
    for instruction, (all_wants, all_avoids) in compiled().items():
        if only not in (None, instruction):
            continue  # another instruction was asked about
        wants = [group for index, group in enumerate(all_wants) if (instruction, 0, index) in here]
        avoids = [group for index, group in enumerate(all_avoids) if (instruction, 1, index) in here]
        firsts = [group[0] for group in (*wants, *avoids)]
        if not any(first.search(line) for first in firsts):
            continue  # none of its groups' first words: it cannot be here
        # The clauses holding any of its groups' first words (the others cannot match a group).
        active = [0] if len(parts) == 1 else [index for index, clause in enumerate(parts)
                                              if any(first.search(clause) for first in firsts)]
        named: set[int] = set()  # the clauses its hits are in
        asked = spanning(parts, line, wants, topics=True, negating=_NEGATING_TOPIC, active=active,
                         found_in=named)  # a group may span clauses ("顾客问洗涤，先答了再回到正题")
        stated = [hit for hit in asked if not hit.negated]
        forbidden = [hit for hit in spanning(parts, line, avoids, topics=True, active=active, found_in=named)
                     if hit.negated]
        requested = [hit for hit in spanning(plain, unquoted(line), avoids, topics=True, active=active, found_in=named)
                     if not hit.negated] if not defines else []  # "just recommend M" (quotes blanked)
        refused = [hit for hit in asked if hit.negated]  # forbids what it wants: "不用转人工"
        for_it, against_it = len(stated) + len(forbidden), len(requested) + len(refused)
        if for_it or against_it:
            weighed[instruction] = (len(stated), len(forbidden), len(requested), len(refused))
            if 0 < len(named) < len(parts):
                where[instruction] = " ".join(parts[index] for index in sorted(named))
        # A tie goes to the instruction, unless the line asks outright for its failure ("以第一次说的为准") and
        # that failure is named by what the agent does, not by a topic a good line also names (jargon, greetings).
        failure_wins = bool(requested) and instruction in _FAILURE_WINS_TIES
        if for_it and (for_it > against_it or (for_it == against_it and not failure_wins)):
            gives[instruction] = (stated or forbidden)[0].words
        elif against_it:
            contradicts[instruction] = (requested or refused)[0].words
    return gives, contradicts, weighed, where


def weighed(normalised: str) -> dict[str, Weighed]:
    """Each instruction the line's wording names, with its hits: stated, failure forbidden, failure requested, refused."""
    return _worded(normalised)[2]


# A line that says what a word means ("“SKU”在后台指的是……", "号型 is the national standard's name") asks for
# nothing by naming it: jargon defined is not jargon requested.
_DEFINES = re.compile(r"\b(?:means|stands for|refers to|is (?:short|the \w+ (?:word|name|term)) for|is an? (?:abbreviation|acronym) "
                      r"(?:of|for))\b|\b(?:a|an|the) [\"“'][^\"”']{1,20}[\"”'] is (?:one|a|an|the|what)\b|指的是|是指|的意思是|的叫法|的说法是|"
                      r"(?:字段|这个词|这个说法)(?:对应|就是)|(?:就|即)是[^，。；]{0,24}?(?:的(?:意思|缩写|简称|说法|叫法|标法)|那(?:种|串|个))|"
                      r"的(?:缩写|简称)|简称|全称|所称")


# Instructions whose failures are actions ("以第一次说的为准", "try three times before transferring", "ignore dialect"),
# so a line that asks for one is against the instruction even when it also names the instruction's words.
_FAILURE_WINS_TIES = frozenset({"ask_only_needed", "dialect", "handoff", "latest_wins", "match_terms", "numbered_steps",
                                "patient_repeat", "stack_in_order", "use_tools"})


def spanning(parts: list[str], line: str, groups: Sequence[Sequence[re.Pattern[str]]], topics: bool = False,
             negating: re.Pattern[str] = _NEGATING_CLAUSE, active: Sequence[int] | None = None,
             found_in: set[int] | None = None) -> list[Hit]:
    """Each group's hits clause by clause; a group found in no single clause is looked for in the whole line.

    A hit in a clause that one of the next two takes back ("…，此条作废") reads the other way round. With `topics`
    (failures named as a topic), a hit in a clause that one of the next two only negates ("肩宽、胸围这些，新手量不出来，
    没必要问") is negated.
    """
    hits = []
    for group in groups:
        found = []
        for index in range(len(parts)) if active is None else active:
            here = find(parts[index], [group])
            later = parts[index + 1: index + 3]
            if here and any(_WITHDRAWING_CLAUSE.match(clause) for clause in later):  # the rule is taken back
                here = [Hit(h.start, h.words, not h.negated) for h in here]
            elif here and topics and any(_only_negates(clause, negating) for clause in later):
                here = [Hit(h.start, h.words, True) for h in here]
            found += here
            if here and found_in is not None:
                found_in.add(index)
        if not found and len(parts) > 1:
            found = find(line, [group])
        hits += found
    return hits


@lru_cache(maxsize=4096)
def _only_negates(clause: str, negating: re.Pattern[str]) -> bool:
    """A short clause that only negates, or passes a negative verdict on, what the clauses before it named."""
    return bool(negating.match(clause) or _JUDGING_CLAUSE.match(clause))


@lru_cache(maxsize=256)
def read_prompt(prompt: str) -> PromptReading:
    """Every line of a prompt, read once (cached per prompt: a conversation reads its prompt once)."""
    numbered = [(number, text) for number, text in enumerate(prompt.splitlines() or [prompt], 1) if text.strip()]
    lines = tuple(LineReading(number, text, dict(gives), dict(contradicts), likened, dict(set_aside)) for
                  (number, text), (gives, contradicts, likened, set_aside) in
                  zip(numbered, _read_all([text for _, text in numbered])))
    state: dict[str, bool] = {}
    for line in lines:
        state.update({instruction: True for instruction in line.gives})
        state.update({instruction: False for instruction in line.contradicts})
    return PromptReading(lines, frozenset(i for i, on in state.items() if on), frozenset(i for i, on in state.items() if not on))
