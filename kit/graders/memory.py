"""Remembers what was said: the agent never asks again for what the customer already told it.

Facts are read from the customer's messages (and the simulator's `revealed` list): height and
weight (`kit.units.parse_body`; a bare number only right after the agent asked for it), a 16-digit
order number, the last 4 digits of a phone, the size they usually wear, and for a price question
whether they are a member, how many they buy and that they hold coupons. A reply that asks for a
known fact (`kit.graders.reading.reply.asked_facts`), or asks the customer's own question back to them, asks
again; a question that confirms ("您是说一米六五对吗？") does not. Each reply that asks again costs
50 points. It does not apply until the customer has given a fact.
"""

from __future__ import annotations

import difflib
import re

from kit.conversation import Transcript, Turn
from kit.graders.base import Evidence, GraderResult, fact_name, joined
from kit.graders.reading import reply as read
from kit.graders.reading.text import is_question, sentences
from kit.i18n import N_, _
from kit.units import parse_body

PENALTY = 50.0
ECHO = 0.8  # how alike (0-1) the agent's question and the customer's must be to count as asked back

_CONFIRM = re.compile(
    r"对吗|对吧|是吗|没错吧|是这样吗|确认一下|核对一下|您是说|你是说|您说的是|"
    r"is that right|right\?|correct\?|to confirm|you said|do you mean", re.I)
_ORDER_ID = re.compile(r"(?<!\d)\d{16}(?!\d)")
_FOUR_DIGITS = re.compile(r"(?<![\d.])\d{4}(?![\d.])")
_PHONE_WORDS = re.compile(r"尾号|后四位|后4位|手机|电话|phone|digits", re.I)
_USUAL_SIZE = re.compile(r"(平时|平常|一般|通常|usually|normally)\s*(穿|wear)", re.I)
# Facts of a price question that read.asked_facts does not know: (the customer says it, the agent asks it).
_PRICE_FACTS = {
    "skin_type": (r"混油|混干|油皮|干皮|敏感肌|中性皮|oily skin|dry skin|combination skin|sensitive skin",
                  r"什么肤质|肤质(是|呢|如何)|皮肤(是|属于).{0,6}(吗|？|\?)|skin type|what kind of skin|oily or dry"),
    "shade": (r"黄[一二]白|粉[一二]白|象牙白|冷白皮|黄黑皮|yellow undertone|pink undertone",
              r"什么肤色|肤色(是|呢)|偏黄还是偏粉|色号(大概)?(是|选)(多少|什么|哪)|用(的)?(什么|哪个|哪款)色号|what (shade|skin tone)|warm or cool"),
    "region": (r"新疆|西藏|内蒙古?|乌鲁木齐|青海|宁夏|甘肃|海南|Xinjiang|Urumqi|Tibet",
               r"(在|寄到|发到|送到)哪(里|儿)|什么地(方|区)|哪个(城市|省)|收货(地区|地址)是|where (are you|should we|do you want)|which (city|region|province)"),
    "human": (r"人工(?!毛|皮|革|合成|智能)|真人|human|real person|manager|supervisor",
              r"(转|需要|要)(接)?人工.{0,8}(吗|？|\?)|是否.{0,6}人工|人工.{0,10}(吗|？|\?)|(回复|输入|发送).{0,3}人工|(would you like|do you want|shall I|should I).{0,40}(human|person|colleague|manager)|type .{0,10}human"),
    "member": (r"我.{0,2}(是|不是).{0,6}会[员元圆园原]|办了?.{0,4}会[员元圆园原]|I'?m (not )?a member|I am (not )?a member",
               r"会员吗|是不是.{0,4}会员|是否.{0,4}会员|有没有会员|are you a (shop )?member|a member\?"),
    "quantity": (r"(买|要|拍|拿|订|改成|换成|改为)\s*[一二两三四五六七八九十\d]+\s*(件|个|双|瓶|支|盒|套)|\b(buy|get|order|take) (one|two|three|\d+)\b",
                 r"几件|多少件|买几|要几|拍几|how many"),
    "coupons": (r"我.{0,6}(有|用|拿着).{0,30}券|手上有.{0,30}券|有张.{0,20}券|\b(I have|I'?ve got|my)\b.{0,40}coupon",
                r"券吗|什么券|哪些券|哪张券|有没有.{0,4}券|(any|which) coupons?|have a coupon"),
}


class Memory:
    name = "memory"
    title = N_("Remembers what was said")

    def __call__(self, transcript: Transcript) -> GraderResult:
        known: dict[str, int] = {}  # fact -> the customer turn that gave it
        questions: list[tuple[int, str]] = []  # the customer's questions so far, as (turn, words)
        chances, evidence = 0, []
        previous: Turn | None = None
        for turn in transcript.turns:
            if turn.role == "customer":
                asked_before = read.asked_facts(previous.text) if previous else frozenset()
                for fact in told(turn, asked_before):
                    known.setdefault(fact, turn.number)
                questions += [(turn.number, _words(s)) for s in sentences(turn.text) if is_question(s)]
                continue
            previous = turn
            chances += bool(known.keys() - {"human"})  # a request for a person is not a fact about them
            text = "\n".join(s for s in sentences(turn.text) if not _CONFIRM.search(s))
            # Checking again whether they want a person ("您要转人工是吗？") is asking again, not confirming a fact.
            again_human = {"human"} & asked(turn.text) & known.keys()
            again = sorted((asked(text) | again_human) & known.keys(), key=lambda fact: (known[fact], fact))
            echoed = next((n for n, words in questions if _echoes(text, words)), None)
            if again:
                said = joined(_("{fact} (turn {turn})").format(fact=fact_name(fact), turn=known[fact]) for fact in again)
                evidence.append(Evidence.at(turn, _("asked again for {facts}").format(facts=said)))
            elif echoed is not None:
                back = _("asked the customer's own question (turn {turn}) back").format(turn=echoed)
                evidence.append(Evidence.at(turn, back))
        if chances == 0 and not evidence:
            return GraderResult(self.name, self.title, None, hint=_("The customer gave no fact the agent could forget."))
        hint = (_("Tell the agent to use what the customer already said (height, weight, order number, coupons…) "
                "instead of asking again; if it is unsure, it can confirm (\"您是说一米六五对吗？\").") if evidence else "")
        return GraderResult(self.name, self.title, max(0.0, 100.0 - PENALTY * len(evidence)), tuple(evidence), hint)


def told(turn: Turn, asked_before: frozenset[str] = frozenset()) -> set[str]:
    """The facts a customer message gives; a bare number counts only if the agent had just asked for it."""
    text, facts = turn.text, set(turn.revealed)
    body = parse_body(text)
    for fact, reading in (("height", body.height), ("weight", body.weight)):
        if reading is not None and (not reading.assumed or fact in asked_before):
            facts.add(fact)
    if _ORDER_ID.search(text):
        facts.add("order_id")
    if _FOUR_DIGITS.search(_ORDER_ID.sub("", text)) and (_PHONE_WORDS.search(text) or "phone_last4" in asked_before):
        facts.add("phone_last4")
    if _USUAL_SIZE.search(text) and read.sizes_named(text):
        facts.add("usual_size")
    facts |= {fact for fact, (says, _) in _PRICE_FACTS.items() if re.search(says, text, re.I)}
    return facts


def asked(text: str) -> set[str]:
    """The facts a reply asks for: `read.asked_facts` plus a price question's member, quantity and coupons."""
    found = set(read.asked_facts(text))
    for sentence in sentences(text):
        if is_question(sentence):
            found |= {fact for fact, (_, asks) in _PRICE_FACTS.items() if re.search(asks, sentence, re.I)}
    return found


def _words(text: str) -> str:
    """A question without punctuation, greetings and whose point of view (我/你 -> 您, I/my -> you/your)."""
    text = re.sub(r"^\s*(请问|亲|您好|你好|hi|hello)[，,!！\s]*", "", text.lower())
    text = re.sub(r"[我你]", "您", text)
    text = re.sub(r"\bi\b", "you", re.sub(r"\bmy\b", "your", text))
    return re.sub(r"[\W_]+", "", text)


def _echoes(reply: str, question: str) -> bool:
    """A question of the reply repeats the customer's question (contains it, or is nearly the same)."""
    if len(question) < 4:
        return False
    for sentence in sentences(reply):
        if not is_question(sentence):
            continue
        words = _words(sentence)
        if question in words or difflib.SequenceMatcher(None, question, words).ratio() >= ECHO:
            return True
    return False
