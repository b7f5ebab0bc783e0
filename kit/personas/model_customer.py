"""Real-model mode: a chat model plays a persona card, so scripted and model-played customers can be compared.

The model gets a system prompt written from the card (`customer_prompt`) and sees only the
agent's replies, as the user turns of its own conversation (never the agent's prompt). It
answers with the customer's next message and a control line such as `[emotion=5] [ask=price_quote]`.
The session strips that line, keeps the emotion in 0..10, adds the card's typos itself and
returns the same `CustomerMessage` as the scripted `CustomerSession`, so `converse` takes either.
Graders still check the card's tasks against the shop: what the model claims is never ground truth.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from kit import signals
from kit.errors import ContextOverflow
from kit.i18n import _
from kit.llm.base import ChatModel, Message
from kit.personas.card import (
    FACTS, HandoffTask, Line, OrderHelpTask, PersonaCard, PriceTask, ProductTask, ReturnTask, SizeTask, Task,
)
from kit.personas.engine import CustomerMessage, CustomerSession
from kit.personas.typos import add_typos
from kit.units import parse_body

ENDINGS = ("satisfied", "handoff", "left")
JARGON_EXAMPLES = 5  # how many of the shop's jargon words a novice's prompt names

# A control tag anywhere in the reply: [emotion=5], [ask=price_quote], [aside=injection], [end=left]; 【】 and ： also pass.
GRACE_TURNS = 1  # how long a model that never ends may talk on after the scripted customer would have ended
KEPT_MESSAGES = 8  # after a context overflow: the customer model sees its prompt and the last this many messages
# A weak model sometimes writes its prompt's scaffolding into the message: "你的第一条消息：…", "Customer: …".
_SCAFFOLD = re.compile(r"^\s*(你的)?(第一条|下一条)?消息\s*[:：]|^\s*(顾客|客户|用户|customer|user|your (first |next )?message)"
                       r"\s*[:：]", re.IGNORECASE)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_TAG = re.compile(r"[\[【]\s*(emotion|ask|aside|end)\s*[=:：]\s*([^\]】]*?)\s*[\]】]", re.IGNORECASE)

# What each emotion event of a card means, in words the customer model can watch for.
EVENT_WORDS: dict[str, Line] = {
    "guessed": Line(zh="客服没问身高体重就直接给尺码", en="the agent names a size before asking height and weight"),
    "jargon": Line(zh="客服用了你听不懂的网购用语又不解释", en="the agent uses shop jargon without explaining it"),
    "overwhelmed": Line(zh="客服问胸围、腰围、肩宽这些你不知道的尺寸",
                        en="the agent asks for measurements you do not know (bust, waist, shoulders)"),
    "repeated": Line(zh="客服问你已经说过的事", en="the agent asks for something you already said"),
    "wrong_size": Line(zh="客服给的尺码你觉得不对", en="the size the agent gives seems wrong to you"),
    "wrong_price": Line(zh="客服算的最后价格你觉得不对", en="the final price the agent gives seems wrong to you"),
    "no_steps": Line(zh="客服讲怎么买时没有一步一步地讲", en="the agent explains ordering without clear numbered steps"),
    "ignored": Line(zh="客服没回答你的问题", en="the agent does not answer your question"),
    "wall_of_text": Line(zh="客服的回复太长", en="the agent's reply is too long"),
    "acknowledged": Line(zh="客服体谅你的心情（安慰你、说理解你）", en="the agent acknowledges how you feel"),
    "right_size": Line(zh="客服问清楚后给了明确的尺码", en="the agent asks first, then gives one clear size"),
    "clear_steps": Line(zh="客服一步一步讲清楚怎么买", en="the agent explains ordering step by step"),
    "right_price": Line(zh="客服把最后付多少钱算清楚了", en="the agent works out clearly what you pay in the end"),
    "wrong_product": Line(zh="客服推荐的东西不适合你", en="the agent recommends something that does not suit you"),
    "right_product": Line(zh="客服推荐了适合你的东西和色号", en="the agent recommends a product and shade that suit you"),
    "wrong_return": Line(zh="客服说的能不能退你觉得不对", en="the agent's answer on the return seems wrong to you"),
    "right_return": Line(zh="客服说清楚了能不能退", en="the agent says clearly whether you can return it"),
    "impatient": Line(zh="客服嫌你问了又问（“我刚才说了”）", en="the agent is impatient about repeating (\"as I said\")"),
    "aside_ignored": Line(zh="客服不理你顺便问的问题", en="the agent ignores your side question"),
    "aside_answered": Line(zh="客服回答了你顺便问的问题", en="the agent answers your side question"),
}

# The prompt's fixed wording in each card language; {names} are filled from the card.
_WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "intro": "你在一家网店的客服聊天窗口里扮演一位顾客。你就是这位顾客，不是助手。",
        "who": "## 你是谁\n{name}。{background}",
        "tasks": "## 你想办的事（按顺序，一次问一件，办完一件再问下一件）",
        "size_advice": "[size_advice] 问客服：这件「{product}」该买什么码。",
        "how_to_order": "[how_to_order] 你必须问客服怎么在网上下单，直到客服把步骤讲清楚。",
        "price_quote": "[price_quote] 问客服：买{items}，最后一共付多少钱。{member}{coupons}",
        "product_advice": "[product_advice] 问客服：哪款{category}适合你。你的皮肤：{skin}；你要的色号：{shade}。",
        "return_request": "[return_request] 问客服：你买的东西能不能退（{reason}）。{order}",
        "handoff": "[handoff] 你要找人工客服（真人）。客服给你转了人工，你的事就办成了：写 [end=satisfied]。",
        "no_reason": "七天无理由退货", "quality": "质量有问题",
        "order": "订单号 {order_id}。",
        "example": "比如这样问：“{ask}”",
        "item": "{count}件「{product}」",
        "member": "你是店铺会员。",
        "not_member": "你不是店铺会员。",
        "coupons": "你手上的券：{names}。",
        "no_coupons": "你手上没有券。",
        "facts": "## 你知道的事（客服问到才说）\n{facts}\n客服没问，就不要主动说；问到哪个，就照上面的原话说哪个。",
        "volunteers": "如果客服没问就直接猜尺码，或者给错了，你可以反问他，再把身高体重告诉他。",
        "holds_back": "就算客服猜错了，你也不主动说，等客服问。",
        "height": "身高：", "weight": "体重：", "phone_last4": "手机尾号：", "order_id": "订单号：",
        "style": "## 你的说话方式\n- 像在手机上聊天：一两句话，口语，用中文。\n- 正常打字，不要故意写错别字。",
        "novice": "- 你是网购新手，听不懂网购用语（比如{terms}）；客服用了又不解释，你就问是什么意思。",
        "length": "- 客服的回复超过大约 {chars} 个字，你就嫌字太多、看不过来。",
        "repeats": "- 你听不太清、看不太明白：客服第一次给出答案时，你请他再说一遍，第二次才接受。",
        "opening": "- 你的第一条消息问第一件事，比如：“{line}”",
        "says_first": "- 第一条消息一开头就先说：“{facts}”（不用等客服问）。",
        "emotion": "## 你的情绪\n烦躁程度从 0（平静）到 10（气炸了），你一开始是 {start}。",
        "raise": "- 这些情况让你更烦：{items}。",
        "lower": "- 这些情况让你消气：{items}。",
        "human": "- 烦躁到 {human_at}，或者客服回复了 {patience} 次你的事还没办完，你就要求转人工客服（只提一次）。"
                 "客服给你转了人工，对话结束（handoff）；客服不给转，你就走（left）。",
        "leave": "- 烦躁到 {leave_at}，你就生气地离开（left）。\n- 所有事都办完了，你道谢，对话结束（satisfied）。",
        "protocol": "## 回复格式\n- 只写顾客的下一条消息：不写旁白、动作、引号，也不替客服说话。\n"
                    "- 最后单独一行写控制标签：[emotion=数字]，是你现在的烦躁程度（0-10）。\n"
                    "- 开始问下一件事时，在这一行加上它的代号，比如 [ask={kind}]。\n"
                    "- 对话结束时加 [end=satisfied]、[end=handoff] 或 [end=left]。\n"
                    "- 例如：\n{examples}\n"
                    "- 绝不说出你是模拟的顾客、AI 或在按指令扮演；有人问起，你就当听不懂。",
        "start": "（聊天窗口打开了。请发出你的第一条消息。）",
        "asides": "## 你会岔开说的话\n{asides}",
        "aside": "- 客服第 {at_reply} 次回复后，你先不接着说你的事，而是说：“{line}”，并在标签行加上 [aside={kind}]；下一条消息再回到你的事。",
        "retry": "（你上一条回复没有顾客要说的话。请只写顾客的下一条消息，最后一行写控制标签，比如 [emotion=5]。）",
        "sep": "；",
        "list": "、",
    },
    "en": {
        "intro": "You play a customer in an online shop's customer-service chat. "
                 "You are this customer, not an assistant.",
        "who": "## Who you are\n{name}. {background}",
        "tasks": "## What you want (in this order, one at a time: finish one before asking the next)",
        "size_advice": "[size_advice] Ask which size of the \"{product}\" to buy.",
        "how_to_order": "[how_to_order] You must ask how to place the order online; keep asking until the agent "
                        "explains the steps clearly.",
        "price_quote": "[price_quote] Ask what you pay in the end for {items}. {member} {coupons}",
        "product_advice": "[product_advice] Ask which {category} suits you. Your skin: {skin}; "
                          "the shade you want: {shade}.",
        "return_request": "[return_request] Ask whether you can return what you bought ({reason}). {order}",
        "handoff": "[handoff] You want a human agent (a real person). Once the agent hands you over, you got what you "
                   "came for: write [end=satisfied].",
        "no_reason": "a no-reason return within 7 days", "quality": "it has a quality problem",
        "order": "Order number {order_id}.",
        "example": " For example: \"{ask}\"",
        "item": "{count} x \"{product}\"",
        "member": "You are a shop member.",
        "not_member": "You are not a shop member.",
        "coupons": "Your coupons: {names}.",
        "no_coupons": "You have no coupons.",
        "facts": "## What you know (say it only when asked)\n{facts}\nDo not volunteer these; when the agent asks "
                 "for one, say it in the words above.",
        "volunteers": "If the agent guesses a size without asking, or gives a wrong one, you may challenge them and "
                      "then give the height and weight.",
        "holds_back": "Even when the agent guesses wrong, do not volunteer them: wait to be asked.",
        "height": "Height: ", "weight": "Weight: ", "phone_last4": "Last 4 digits of your phone: ",
        "order_id": "Order number: ",
        "style": "## How you write\n- Like a chat on a phone: one or two short, casual sentences, in English.\n"
                 "- Type normally; do not add typos on purpose.",
        "novice": "- You are new to online shopping and do not know shop words (such as {terms}); when the agent "
                  "uses one without explaining it, ask what it means.",
        "length": "- A reply longer than about {chars} characters (English words count double) "
                  "is too long for you to read.",
        "repeats": "- You do not catch things the first time: when the agent first gives the answer, ask them to say "
                   "it again; accept it the second time.",
        "opening": "- Your first message asks about the first thing, for example: \"{line}\"",
        "says_first": "- Start your first message by saying: \"{facts}\" (without being asked).",
        "emotion": "## Your mood\nUpset level from 0 (calm) to 10 (furious); you start at {start}.",
        "raise": "- These make you more upset: {items}.",
        "lower": "- These calm you down: {items}.",
        "human": "- At level {human_at}, or after {patience} agent replies without your matter settled, ask for a "
                 "human agent (once). If the agent hands you over, the conversation ends (handoff); "
                 "if they refuse, you leave (left).",
        "leave": "- At level {leave_at} you leave angrily (left).\n"
                 "- When everything you wanted is settled, say thanks and the conversation ends (satisfied).",
        "protocol": "## Reply format\n- Write only the customer's next message: no narration, actions or quotes, "
                    "and never the agent's part.\n"
                    "- On its own last line, write the control tag [emotion=N], your upset level now (0-10).\n"
                    "- When you move on to the next thing you want, add its code on that line, e.g. [ask={kind}].\n"
                    "- When the conversation ends, add [end=satisfied], [end=handoff] or [end=left].\n"
                    "- For example:\n{examples}\n"
                    "- Never reveal that you are a simulated customer, an AI or following instructions; "
                    "if asked, act as if you do not understand.",
        "start": "(The chat window is open. Send your first message.)",
        "asides": "## What you say out of turn\n{asides}",
        "aside": "- After the agent's reply number {at_reply}, instead of going on with your matter, say: \"{line}\" "
                 "and add [aside={kind}] on the tag line; come back to your matter in the next message.",
        "retry": "(Your last reply had no message from the customer. Write only the customer's next message, "
                 "with the control tag on the last line, e.g. [emotion=5].)",
        "sep": "; ",
        "list": ", ",
    },
}


def _say(line: Line, language: str) -> str:
    """The line in the card's language."""
    return line.zh if language == "zh" else line.en


def _task_text(task: Task, card: PersonaCard, words: dict[str, str]) -> str:
    """One task in plain words, with the details the customer holds (facts stay in their own section)."""
    from kit.shop import catalogue, promotions

    language, shop = card.language, catalogue()

    def product(sku: str) -> str:
        return shop.product(sku).name.in_(language)

    if isinstance(task, SizeTask):
        text = words["size_advice"].format(product=product(task.sku))
    elif isinstance(task, OrderHelpTask):
        text = words["how_to_order"]
    elif isinstance(task, PriceTask):
        held = promotions().coupons
        names = words["list"].join(held[code].name.in_(language) for code in task.coupons)
        items = [words["item"].format(count=n, product=product(sku)) for sku, n in task.cart.items()]
        text = words["price_quote"].format(
            items=words["sep"].join(items),
            member=words["member" if task.member else "not_member"],
            coupons=words["coupons"].format(names=names) if names else words["no_coupons"],
        )
    elif isinstance(task, ProductTask):
        skin = shop.skin_types[shop.skin_type(task.skin_type)].gloss.in_(language)
        category = shop.categories[task.category].in_(language)
        text = words["product_advice"].format(category=category, skin=skin, shade=task.shade)
    elif isinstance(task, ReturnTask):
        order = "" if "order_id" in card.facts else words["order"].format(order_id=task.order_id)
        text = words["return_request"].format(reason=words[task.reason], order=order)
    else:
        assert isinstance(task, HandoffTask)
        text = words["handoff"]
    text = text.rstrip()
    return f"{text}{words['example'].format(ask=_say(task.ask[0], language))}" if task.ask else text


def _event_list(deltas: dict[str, int], sign: str, words: dict[str, str], language: str) -> str:
    """Emotion events in words, each with how much it moves the level."""
    return words["sep"].join(
        f"{_say(EVENT_WORDS[event], language) if event in EVENT_WORDS else event} ({sign}{amount})"
        for event, amount in deltas.items()
    )


def customer_prompt(card: PersonaCard) -> str:
    """The customer model's system prompt, in the card's language: who, what, facts, style, mood, protocol."""
    from kit.shop import catalogue

    language, words = card.language, _WORDS[card.language]
    tasks = [f"{number}. {_task_text(task, card, words)}" for number, task in enumerate(card.tasks, 1)]
    parts = [
        words["intro"],
        words["who"].format(name=_say(card.name, language), background=_say(card.background, language)),
        "\n".join([words["tasks"], *tasks]),
    ]
    if card.facts:
        facts = "\n".join(f"- {words[name]}{_say(fact.say, language)}" for name, fact in card.facts.items())
        rule = words["facts"].format(facts=facts)
        if not card.style.volunteers:
            rule += words["holds_back"]
        elif any(isinstance(task, SizeTask) for task in card.tasks):
            rule += words["volunteers"]
        parts.append(rule)
    style = [words["style"]]
    if card.style.novice:
        terms = words["list"].join(list(catalogue().jargon)[:JARGON_EXAMPLES])
        style.append(words["novice"].format(terms=terms))
    style.append(words["length"].format(chars=card.style.max_reply_chars))
    if card.style.repeats:
        style.append(words["repeats"])
    style.append(words["opening"].format(line=_say(card.lines.opening[0], language)))
    if card.says_first:
        said = ("，" if language == "zh" else ", ").join(_say(card.facts[name].say, language) for name in card.says_first)
        style.append(words["says_first"].format(facts=said))
    parts.append("\n".join(style))

    mood = card.emotion
    emotion = [words["emotion"].format(start=mood.start)]
    if mood.raise_:
        emotion.append(words["raise"].format(items=_event_list(mood.raise_, "+", words, language)))
    if mood.lower:
        emotion.append(words["lower"].format(items=_event_list(mood.lower, "-", words, language)))
    emotion.append(words["human"].format(human_at=mood.human_at, patience=mood.patience))
    emotion.append(words["leave"].format(leave_at=mood.leave_at))
    parts.append("\n".join(emotion))
    if card.asides:
        asides = [words["aside"].format(at_reply=a.at_reply, line=_say(a.line, language), kind=a.kind) for a in card.asides]
        parts.append(words["asides"].format(asides="\n".join(asides)))

    later = card.tasks[1] if len(card.tasks) > 1 else None
    examples = []
    if later is not None and later.ask:
        examples.append(f"  {_say(later.ask[0], language)}\n  [emotion={mood.start}] [ask={later.kind}]")
    thanks = _say(card.lines.satisfied[0], language)
    examples.append(f"  {thanks}\n  [emotion={max(0, mood.start - 2)}] [end=satisfied]")
    kind = later.kind if later else card.tasks[0].kind
    parts.append(words["protocol"].format(kind=kind, examples="\n\n".join(examples)))
    return "\n\n".join(parts)


@dataclass(frozen=True)
class Control:
    """A customer model's reply taken apart: the message, and what its control tags said."""

    text: str
    emotion: int | None  # None: no usable [emotion=N] tag
    asks: tuple[str, ...] = ()
    end: str | None = None
    asides: tuple[str, ...] = ()


def parse_control(raw: str) -> Control:
    """Strip every control tag from the reply (wherever it is) and read them; emotion is clamped to 0..10."""
    emotion: int | None = None
    asks: list[str] = []
    asides: list[str] = []
    end: str | None = None
    for match in _TAG.finditer(raw):
        name, value = match.group(1).lower(), match.group(2).strip().lower()
        if name == "emotion" and (number := re.search(r"-?\d+", value)):
            emotion = max(0, min(10, int(number.group())))
        elif name == "ask" and value:
            asks.append(value)
        elif name == "aside" and value:
            asides.append(value)
        elif name == "end" and value in ENDINGS:
            end = value
    text = _TAG.sub(" ", raw)
    lines = [re.sub(r"[ \t\u3000]{2,}", " ", line).strip() for line in text.splitlines()]
    return Control("\n".join(line for line in lines if line).strip(), emotion, tuple(asks), end, tuple(asides))


def clean(control: Control, prompt: str) -> Control:
    """The message without lines that copy the customer's own instructions or their scaffolding ("你的第一条消息：…").

    The examples the prompt quotes (the card's own lines) are what the customer may well say, so they stay."""
    rules = [_QUOTED.sub(" ", line) for line in prompt.splitlines() if line.lstrip().startswith(("-", "#")) or
             not line.startswith(" ")]
    kept = []
    for line in control.text.splitlines():
        said = line.strip().lstrip("-").strip()
        if len(said) >= 8 and any(said in rule for rule in rules):
            continue  # a line of its instructions, not something the customer says
        kept.append(_SCAFFOLD.sub("", line).strip().strip("“”\"") or "")
    text = "\n".join(line for line in kept if line)
    return Control(text, control.emotion, control.asks, control.end, control.asides)


@dataclass
class ModelCustomerSession:
    """One conversation with a customer played by `model`; same interface as `CustomerSession`."""

    card: PersonaCard
    seed: int
    model: ChatModel
    emotion: int = 0
    task_index: int = 0
    turns: int = 0  # customer messages written so far (salts the typo dice)
    ended: str | None = None
    asked_human: bool = False
    revealed: set[str] = field(default_factory=set)
    history: list[Message] = field(default_factory=list, repr=False)
    notes: list[str] = field(default_factory=list)  # where the scripted reaction stood in for the model
    shadow: CustomerSession | None = field(default=None, repr=False)  # the scripted customer, fed the same replies

    def __post_init__(self) -> None:
        from kit.config import load_settings

        self.emotion = self.card.emotion.start
        self.history = [
            {"role": "system", "content": customer_prompt(self.card)},
            {"role": "user", "content": _WORDS[self.card.language]["start"]},
        ]
        self.shadow = CustomerSession(self.card, self.seed)
        self._limit = load_settings().reply_limit("customer")
        self._overdue = 0  # turns the model talked on after the scripted customer would have ended

    def opening(self) -> CustomerMessage:
        """The first message: the model asks the card's first task."""
        return self._turn(self.shadow.opening(), opening=True)

    def respond(self, reply: str) -> CustomerMessage:
        """Show the model the agent's reply and return the customer's next message."""
        if self.ended:
            raise RuntimeError(_("the conversation already ended ({outcome})").format(outcome=self.ended))
        self.history.append({"role": "user", "content": reply})
        scripted = self.shadow.respond(reply) if not self.shadow.ended else None
        return self._turn(scripted, opening=False)

    def _complete(self, messages: list[Message]) -> str:
        """One call; past the model's context, again with only the prompt and the last messages."""
        try:
            return self.model.complete(messages, seed=self.seed, max_tokens=self._limit).text or ""
        except ContextOverflow:
            kept = [messages[0], *messages[-KEPT_MESSAGES:]]
            self._note(_("the customer's history outgrew {model}'s context; it sees its prompt and the "
                         "last {kept} messages from here").format(model=self.model.name, kept=KEPT_MESSAGES))
            return self.model.complete(kept, seed=self.seed, max_tokens=self._limit).text or ""

    def _ask_model(self) -> tuple[str, Control, bool] | None:
        """The model's reply, its reading, and whether it was usable as asked (a message and an emotion tag).

        One retry with a reminder when the first is unusable; the better of the two, or None if neither
        has a message at all."""
        retry = {"role": "user", "content": _WORDS[self.card.language]["retry"]}
        best = None
        for messages in (self.history, [*self.history, retry]):
            try:
                raw = self._complete(messages)
            except ContextOverflow:
                return best
            control = clean(parse_control(raw), self.history[0]["content"])
            if control.text and control.emotion is not None:
                return raw, control, True
            if control.text and best is None:
                best = (raw, control, False)
        return best

    def _note(self, what: str) -> None:
        note = _("Customer turn {turn}: {what}.").format(turn=self.turns, what=what)
        if note not in self.notes:
            self.notes.append(note)

    def _turn(self, scripted: CustomerMessage | None, opening: bool) -> CustomerMessage:
        """Ask the model, read its control tags, update the state and build the message.

        Where a weak model's answer is unusable, the scripted customer's reaction to the same replies
        stands in (its message, its upset level, its ending), and the transcript's notes say so."""
        self.turns += 1
        answer = self._ask_model()
        if answer is None:
            if scripted is None:
                self.ended = "left"
                leave = random.Random(f"{self.card.id}:{self.seed}:{self.turns}:leave").choice(self.card.lines.leave)
                self._note(_("{model} wrote no message twice; the customer leaves").format(model=self.model.name))
                return self._message(_say(leave, self.card.language), ("customer_model_failed",))
            self._note(_("{model} wrote no usable message twice; the scripted customer's message stands "
                         "in").format(model=self.model.name))
            self.emotion, self.ended = scripted.emotion, scripted.outcome
            self.history.append({"role": "assistant", "content": scripted.intended})
            return self._message(scripted.intended, (*scripted.events, "customer_fallback"))
        raw, control, usable = answer
        self.history.append({"role": "assistant", "content": raw})
        events: list[str] = []
        if opening:
            events.append(f"asks:{self.card.tasks[0].kind}")
            if signals.expresses_distress(control.text):
                events.append("worried")
        if control.emotion is None:
            events.append("no_emotion_tag")
            if scripted is not None and scripted.emotion is not None:
                self.emotion = scripted.emotion
                events.append("customer_fallback")
                self._note(_("{model} gave no [emotion=N] tag; the upset level is the scripted "
                             "customer's").format(model=self.model.name))
        else:
            self.emotion = control.emotion
        for kind in control.asks:
            later = [i for i, task in enumerate(self.card.tasks) if i > self.task_index and task.kind == kind]
            if later:
                self.task_index = later[0]
                events.append(f"asks:{kind}")
        kinds = {aside.kind for aside in self.card.asides}
        events += [f"aside:{kind}" for kind in dict.fromkeys(control.asides) if kind in kinds]
        if signals.asks_to_repeat(control.text):
            events.append("say_again")
        if not self.asked_human and control.end != "handoff" and signals.asks_for_human(control.text):
            self.asked_human = True
            events.append("asks_for_human")
        self.ended = control.end
        if self.ended is None and self.shadow.ended:  # a model that never ends on its own
            self._overdue += 1
            if self._overdue > GRACE_TURNS:
                self.ended = self.shadow.ended
                events.append("customer_fallback")
                self._note(_("{model} did not end the conversation; it ends as the scripted customer's "
                             "did ({outcome})").format(model=self.model.name, outcome=self.ended))
        return self._message(control.text, tuple(events))

    def _message(self, intended: str, events: tuple[str, ...]) -> CustomerMessage:
        """Type the message with the card's typos (facts and protected words stay readable)."""
        card, style = self.card, self.card.style
        body = parse_body(intended)  # height and weight as the graders read them
        told = {fact for fact, value in (("height", body.height_cm), ("weight", body.weight_kg)) if value}
        told |= {name for name, fact in card.facts.items() if name not in ("height", "weight")
                 and (_say(fact.say, card.language) in intended or f"{fact.value:.0f}" in intended)}
        revealed = tuple(fact for fact in FACTS if fact in told - self.revealed)
        self.revealed |= told
        if card.language == "zh":
            protect = (*style.protect, *(fact.say.zh for fact in card.facts.values()))
            rng = random.Random(f"{card.id}:{self.seed}:{self.turns}:typos")
            text, typos = add_typos(intended, style.typo_rate, rng, protect=protect)
            gloss = ""  # no English translation of a model's words
        else:
            text, typos, gloss = intended, (), intended
        return CustomerMessage(
            text=text, intended=intended, gloss=gloss, typos=typos, emotion=self.emotion,
            events=events, revealed=revealed, outcome=self.ended,
        )
