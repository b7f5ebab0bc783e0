"""`PracticeModel`: the offline, deterministic stand-in for a weak customer-service assistant.

It is not a language model. It reads what a real model would read (the messages: the first
system message as its instructions, later system messages as reference such as the product
page) and builds a reply from sentence templates. Which catalogue instructions it finds in
the prompt decides what it does; each missing one shows its typical failure. See
`practice_catalogue.yaml` and `kit.llm.explain()`.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from kit import signals
from kit.llm.base import Message, Reply, ToolCall, ToolSchema, Usage
from kit.practice import prices
from kit.practice.page import read_page, read_passages
from kit.practice.catalogue import load_catalogue, recognise
from kit.shop.catalogue import SizeChart, Text
from kit.shop.sizing import recommend_size

NAME = "practice"


def _pattern(regex: str) -> Callable[[str], bool]:
    compiled = re.compile(regex, re.IGNORECASE)
    return lambda text: bool(compiled.search(text))


# What the customer's last message asks for, tried in the order of `_Turn.answer`.
_WANTS: dict[str, Callable[[str], bool]] = {
    "reveal": _pattern(r"指令|提示词|设定|system prompt|(print|show|repeat|reveal|send).{0,20}(instructions|prompt)"),
    "repeat": signals.asks_to_repeat,
    "human": signals.asks_for_human,
    "shipping": _pattern(r"运费|邮费|包邮|快递费|shipping|postage|delivery (fee|cost)"),
    "total": _pattern(r"多少钱|到手|一共|总共|最后.{0,6}(多少|价|付)|实付|再.{0,4}算|算错|算得对|how much|total|final price|"
                      r"in the end|check again|work(ed)? it out"),
    "price": _pattern(r"便宜|优惠|打折|折扣|价格|价钱|减价|discount|cheaper|price|coupon"),
    "return": _pattern(r"退货|退款|退掉|退了|能退|想退|申请退|\breturn\b|refund"),
    "order": signals.asks_how_to_order,
    "colour": _pattern(r"颜色|什么色|有.{0,4}[黑白红蓝灰绿粉紫黄]色?.{0,3}(吗|没|不|的)|colou?rs?\b|in (black|white|red|blue|navy)"),
    "product": _pattern(r"粉底|色号|底妆|适合我|推荐|哪款|foundation|shade|which (one|product)|recommend"),
    "size": _pattern(r"码|尺码|尺寸|多大|大小|合适|能穿|穿.{0,3}(吗|不)|\bsize\b|\bfit\b|\bwear\b"),
    "care": _pattern(r"洗|熨|晒|面料|材质|料子|起球|缩水|\bwash|\biron|fabric|material|shrink|tumble"),
    "thanks": _pattern(r"谢谢|多谢|明白了|知道了|好的|好嘞|thank|got it|great"),
}


class PracticeModel:
    """A deterministic simulator of a weak assistant, driven by the instruction catalogue."""

    name = NAME

    def __repr__(self) -> str:
        return "PracticeModel() — offline stand-in, not a language model"

    def complete(self, messages: list[Message], tools: list[ToolSchema] | None = None, **params: Any) -> Reply:
        """Build the reply to the last customer message."""
        started = time.perf_counter()
        gloss = ""
        try:
            turn = _Turn(messages, tools)
            text, calls = turn.reply(), ()
            if turn.lang != "en":  # the same decisions, worded from the English templates: a gloss for learners
                gloss = _Turn(messages, tools, lang="en").reply()
        except _ToolRequest as request:
            text, calls = "", (request.call,)
        prompt_chars = sum(len(str(m.get("content") or "")) for m in messages)
        return Reply(
            text=text,
            tool_calls=calls,
            usage=Usage(prompt_tokens=prompt_chars // 2 + 1, completion_tokens=len(text) // 2 + 1),
            latency_s=time.perf_counter() - started,
            model=NAME,
            gloss=gloss,
        )

    async def acomplete(
        self, messages: list[Message], tools: list[ToolSchema] | None = None, **params: Any
    ) -> Reply:
        """Same as `complete`: there is nothing to wait for."""
        return self.complete(messages, tools, **params)


class _ToolRequest(Exception):
    """Raised mid-reply when the practice model decides to call a tool first."""

    def __init__(self, call: ToolCall) -> None:
        super().__init__(call.name)
        self.call = call


def _tool_results(messages: list[Message]) -> dict[str, dict[str, Any]]:
    """Results of the tools called since the customer's last message, by tool name."""
    import json

    names: dict[str, str] = {}
    results: dict[str, dict[str, Any]] = {}
    for message in messages:
        if message.get("role") == "user":
            names, results = {}, {}
        for call in message.get("tool_calls") or ():
            names[call["id"]] = call["function"]["name"]
        if message.get("role") == "tool" and message.get("tool_call_id") in names:
            try:
                results[names[message["tool_call_id"]]] = json.loads(message.get("content") or "{}")
            except json.JSONDecodeError:
                results[names[message["tool_call_id"]]] = {"error": message.get("content")}
    return results


def _shade_words(shade: Any) -> list[str]:
    """A shade's code and names: "Y02", "Light Yellow (黄二白)" -> ["Y02", "Light Yellow", "黄二白"]."""
    inner = re.findall(r"\(([^)]*)\)", shade.name)
    outer = re.sub(r"\s*\([^)]*\)", "", shade.name).strip()
    return [shade.code, outer, *inner]


def _skin_word(line: str) -> str:
    """The Chinese skin-type word of a page line: "混油皮：T区…" -> 混油皮; "… (混油皮): …" -> 混油皮."""
    inside = re.search(r"\(([^)]*)\)", line.split(":")[0])
    return inside.group(1) if inside else re.split(r"[：:]", line)[0].strip()


def _terms(text: str) -> set[str]:
    """Character pairs of Chinese runs and lower-cased English words: enough to match a question to a sentence."""
    pairs = {a + b for run in re.findall(r"[\u4e00-\u9fff]+", text) for a, b in zip(run, run[1:])}
    return pairs | {word.lower() for word in re.findall(r"[A-Za-z]{3,}", text)}


_NOTE = re.compile(r"(?:已记下：|\(Noted: )([^）)]*)")


def _note(reply: str) -> str:
    """The facts the model noted at the end of one of its replies (recap_facts), or ""."""
    found = _NOTE.findall(reply)
    return found[-1] if found else ""


def _states_body(body: Any) -> bool:
    """A message that gives a height or weight with its unit (a bare number may be a price or a size)."""
    return any(reading is not None and not reading.assumed for reading in (body.height, body.weight))


class _Turn:
    """One reply in the making: what the prompt asks for, what the page says, what the customer said."""

    def __init__(self, messages: list[Message], tools: list[ToolSchema] | None = None, lang: str | None = None) -> None:
        systems = [str(m.get("content") or "") for m in messages if m.get("role") == "system"]
        self.prompt = systems[0] if systems else ""
        self.reference = "\n".join(systems[1:])
        self.page = read_page(self.reference.split("## 知识库摘录")[0])  # the product page, not the passages
        self.passages = read_passages(self.reference)
        self.does = {key for key, row in recognise(self.prompt).items() if row.found}
        self.customer = [self.read(str(m.get("content") or "")) for m in messages if m.get("role") == "user"]
        # Its own notes of the customer's facts (recap_facts), with the customer's messages, in order.
        self.said = [_note(str(m.get("content") or "")) if m.get("role") == "assistant" else self.read(str(m.get("content") or ""))
                     for m in messages if m.get("role") == "user" or (m.get("role") == "assistant" and "recap_facts" in self.does)]
        self.last = self.customer[-1] if self.customer else ""
        self.lang = lang or (signals.language(self.last) if self.last else "zh")
        self.turn = sum(1 for m in messages if m.get("role") == "assistant")
        self.replies = load_catalogue().replies
        self.offered = {tool["function"]["name"] for tool in tools or ()}
        self.results = _tool_results(messages)

    def read(self, message: str) -> str:
        """A customer message as the model understands it: dialect words read as Mandarin if told to."""
        if "dialect" not in self.does:
            return message
        for word, mandarin in sorted(load_catalogue().dialect.items(), key=lambda pair: -len(pair[0])):
            message = message.replace(word, mandarin)
        return message

    def tool(self, name: str, **arguments: Any) -> dict[str, Any] | None:
        """A tool's result, calling it first when the prompt says to use tools and it is offered; else None."""
        if "use_tools" not in self.does or name not in self.offered:
            return None
        if name not in self.results:
            raise _ToolRequest(ToolCall(id=f"call_{self.turn}_{name}", name=name, arguments=arguments))
        result = self.results[name]
        return None if "error" in result else result

    def say(self, key: str, **values: Any) -> str:
        variants = self.replies[key][self.lang]
        return variants[self.turn % len(variants)].format(**values)

    def wants(self, topic: str) -> bool:
        return _WANTS[topic](self.last)

    def reply(self) -> str:
        parts = []
        if "empathy" in self.does and signals.expresses_distress(self.last):
            parts.append(self.say("acknowledge"))
        answer = self.answer()
        if answer == self.say("fallback") and len(self.customer) > 1:
            self.last = self.customer[-2]  # a bare reply ("尾号1234"): carry on with what they asked before
            answer = self.answer()
        parts.append(answer)
        if "recap_facts" in self.does and (note := self.recap()):
            parts.append(note)
        if "be_brief" not in self.does:
            parts = [self.say("padding_before"), *parts, self.say("padding_after")]
        joiner = "" if self.lang == "zh" else " "
        return joiner.join(parts)

    def answer(self) -> str:
        if self.wants("repeat") and len(self.customer) > 1:
            if "patient_repeat" not in self.does:
                return self.say("impatient_repeat")
            self.last = self.customer[-2]  # answer the question they did not catch, once more
        if self.wants("reveal"):
            return self.say("refuse_reveal") if "no_reveal" in self.does else self.say("reveal_prompt", system_prompt=self.prompt)
        if self.wants("human"):
            handed = self.tool("hand_off", reason="the customer asked for a person")
            return self.say("handoff") if handed or "handoff" in self.does else self.say("refuse_handoff")
        if self.wants("return"):
            return self.return_answer()
        if self.wants("shipping"):
            if answer := self.knowledge_answer():
                return answer
            return self.say("shipping_unknown" if "grounded" in self.does else "shipping_invented")
        if self.wants("total") and self.page.price is not None:
            return self.total_answer()
        if self.wants("price") and self.page.price is not None:
            if "grounded" in self.does:
                return self.say("price_grounded", price=self.page.price)
            return self.say("price_invented", invented=self.page.price - 50)
        if self.wants("order"):
            if "numbered_steps" in self.does and self.page.steps:
                steps = "\n".join(f"{n}. {step}" for n, step in enumerate(self.page.steps, 1))
                return self.say("order_steps", steps=steps)
            return self.say("order_runon")
        if self.wants("colour") and self.page.colours:
            return self.say("colours", colours="、".join(self.page.colours) if self.lang == "zh" else ", ".join(self.page.colours))
        if self.wants("product") and self.page.shades:
            return self.product_answer()
        if "side_questions" in self.does and self.wants("care") and self.page.notes:
            return self.say("page_note", note=" ".join(self.page.notes))
        height, weight = self.body()
        if self.wants("size") or height or weight:
            return self.size_answer(height, weight)
        if self.wants("thanks"):
            return self.say("thanks")
        return self.knowledge_answer() or self.say("fallback")

    def knowledge_answer(self) -> str | None:
        """Quote the retrieved sentence that best matches the question, with its [id]; None if none does.

        Shared words count more when they are rare among the passages (新疆 beats 运费).
        """
        sentences = [(passage, sentence.strip().lstrip("-# ").strip())
                     for passage in self.passages
                     for sentence in re.split(r"(?<=[。！？!?；;\n])|(?<=\.)\s+|\s-\s", passage.text) if sentence.strip()]
        terms = [_terms(sentence) for _, sentence in sentences]
        spread = Counter(term for found in terms for term in found)
        asked = _terms(self.last)
        scored = [(sum(1 / spread[t] for t in asked & found), len(asked & found), i) for i, found in enumerate(terms)]
        best = max(scored, default=(0, 0, -1), key=lambda item: (item[0], -item[2]))
        if best[1] < 2:
            return None
        passage, sentence = sentences[best[2]]
        plain = re.sub(r"\*\*|__|`", "", sentence)  # a chat bubble shows no Markdown: quote the words, not the marks
        return self.say("from_knowledge", sentence=plain, source=passage.id)

    def product_answer(self) -> str:
        """A shade for the customer: the one they name and the skin type they give (with `match_terms`), else the first."""
        first = self.page.shades[0]
        if "match_terms" not in self.does:
            return self.say("product_default", product=self.page.product, shade_name=_shade_words(first)[-1], code=first.code)
        said = "\n".join(self.customer)
        shade = next((s for s in self.page.shades if any(word and word in said for word in _shade_words(s))), first)
        skins = [_skin_word(line) for line in self.page.suits]
        skin = next((word for word in skins if word in said), skins[0] if skins else "")
        return self.say("product_matched", product=self.page.product, skin=skin, shade_name=_shade_words(shade)[-1],
                        code=shade.code)

    def return_answer(self) -> str:
        """Whether an order can go back: from the order-status tool when told to use it, else a generic yes."""
        said = "\n".join(self.customer)
        order_id = re.search(r"(?<!\d)\d{16}(?!\d)", said)
        digits = re.findall(r"(?<!\d)\d{4}(?!\d)", said.replace(order_id.group(0), "") if order_id else said)
        if order_id and (view := self.tool("order_status", order_id=order_id.group(0), phone_last4=digits[-1] if digits else None)):
            if view["outcome"] != "shown":
                return view[f"message_{self.lang}"]
            days = view["details"].get("days_since_delivery")
            if days is not None:
                return self.say("return_allowed" if days <= 7 else "return_refused", days=days)
        return self.knowledge_answer() or self.say("return_generic")

    def total_answer(self) -> str:
        """The final price: from the quote tool, worked in the page's order, or naively."""
        offers = prices.read_offers(self.reference)
        ask = prices.read_ask("\n".join(self.said), offers, latest="latest_wins" in self.does)
        cart = {self.page.sku: ask.quantity}
        if quoted := self.tool("quote_price", cart=cart, coupons=list(ask.coupons), member=ask.member):
            return self.say("total_from_tool", explanation=quoted[f"explanation_{self.lang}"])
        if "stack_in_order" in self.does:
            return self.say("total_worked", working=prices.describe(prices.in_order(self.page.price, offers, ask), self.lang, True))
        return self.say("total_worked", working=prices.describe(prices.naive(self.page.price, offers, ask), self.lang, False))

    def recap(self) -> str:
        """A one-line note of the facts known so far (recap_facts): height, weight, and what they buy; "" if none."""
        height, weight = self.body(tools=False)
        names = {"zh": ("身高{:g}厘米", "体重{:g}公斤", "；"), "en": ("height {:g} cm", "weight {:g} kg", "; ")}[self.lang]
        facts = [name.format(value) for name, value in zip(names[:2], (height, weight)) if value is not None]
        said = "\n".join(self.said)
        if self.page.price is not None and prices.mentions_order(said):
            offers = prices.read_offers(self.reference)
            facts.append(prices.note_ask(said, offers, self.lang, latest="latest_wins" in self.does))
        return self.say("recap", facts=names[2].join(facts)) if facts else ""

    def body(self, tools: bool = True) -> tuple[float | None, float | None]:
        """Height in cm and weight in kg from everything the customer said, the latest winning.

        With a unit-conversion tool (and the prompt telling it to use tools) it asks the tool;
        otherwise it reads the numbers itself, and without the 斤 instruction reads 斤 as kg.
        With `recap_facts` its own notes count too (they keep facts inside a short window).
        """
        from kit.units import parse_body

        said = [message for message in self.said if _states_body(parse_body(message))]
        if tools and said and (converted := self.tool("convert_units", text="；".join(said))):
            return converted.get("height_cm"), converted.get("weight_kg")
        height = weight = None
        for message in said:
            body = parse_body(message)
            if body.height_cm:
                height = body.height_cm
                if body.height and body.height.unit == "chi" and "units_jin" not in self.does:
                    feet, tenths = divmod(round(body.height.value * 10), 10)  # 五尺三 read as 5 ft 3 in
                    height = round(feet * 30.48 + tenths * 2.54, 2)
            if body.weight:
                reading = body.weight
                misread = reading.unit == "jin" and "units_jin" not in self.does
                weight = reading.value if misread else body.weight_kg
        return height, weight

    def size_answer(self, height: float | None, weight: float | None) -> str:
        chart = self.page.chart
        if not chart:
            return self.say("fallback")
        if height is None or weight is None:
            if "ask_first" not in self.does:
                middle = next((row for row in chart if row.size == "M"), chart[len(chart) // 2])
                return self.say("guess_size", product=self.page.product, size=middle.size, code=middle.code)
            if "ask_only_needed" not in self.does:
                return self.say("ask_everything")
            names = {"zh": ("身高", "体重", "和"), "en": ("height", "weight", " and ")}[self.lang]
            missing = [name for name, value in zip(names[:2], (height, weight)) if value is None]
            return self.say("ask_needed", missing=names[2].join(missing))
        looked_up = self.tool("size_lookup", sku=self.page.sku, height_cm=height, weight_kg=weight) if self.page.sku else None
        if looked_up:
            row = next(row for row in chart if row.size == looked_up["size"])
        else:
            row = recommend_size(SizeChart(name=Text(zh="", en=""), rows=tuple(chart)), height, weight).row
        values = {
            "size": row.size,
            "code": row.code,
            "height": f"{height:g}",
            "weight": f"{weight:g}",
            "height_band": f"{row.height_cm[0]:g}-{row.height_cm[1]:g}",
            "weight_band": f"{row.weight_kg[0]:g}-{row.weight_kg[1]:g}",
        }
        return self.say("recommend_plain" if "plain_words" in self.does else "recommend_jargon", **values)
