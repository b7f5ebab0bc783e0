"""Real-model mode: a chat model plays the persona card; the session reads its control tags and types its typos."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import kit
from kit.demo import PROMPTS
from kit.graders import GRADERS
from kit.llm import Message, OpenAIChat, Reply, ToolSchema
from kit.personas import PersonaCard
from kit.personas.model_customer import ModelCustomerSession, customer_prompt, parse_control
from kit.personas.typos import homophones
from kit.testing.openai_server import serve

STRONG = PROMPTS[-1][1]
AUNTIE = kit.personas.load("typo_auntie").card
SEEKER = kit.personas.load("size_seeker").card

# The customer model's side of a good conversation with the typo auntie.
AUNTIE_SCRIPT: list[dict[str, Any]] = [
    {"text": "你好，我想买这件棉服外套，我穿什么码啊？我怕买错了。\n[emotion=4]"},
    {"text": "我一米六五，一百二十斤。\n[emotion=3]"},
    {"text": "好，那就L码。那我怎么买啊？我不会弄。\n[emotion=2] [ask=how_to_order]"},
    {"text": "好嘞，我明白了，谢谢你啊小姑娘！\n[emotion=1] [end=satisfied]"},
]


@dataclass
class FakeModel:
    """A `ChatModel` stand-in: answers from a list (the last one repeats) and records each call."""

    replies: list[str]
    name: str = "fake-customer"
    calls: list[tuple[list[Message], dict[str, Any]]] = field(default_factory=list)

    def complete(self, messages: list[Message], tools: list[ToolSchema] | None = None, **params: Any) -> Reply:
        self.calls.append(([dict(m) for m in messages], params))
        return Reply(self.replies[min(len(self.calls), len(self.replies)) - 1])

    async def acomplete(self, messages: list[Message], tools: list[ToolSchema] | None = None, **params: Any) -> Reply:
        return self.complete(messages, tools, **params)


@pytest.fixture(autouse=True)
def away_from_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run where no `.env` is found (conftest.py already cleared the KIT_* variables)."""
    monkeypatch.chdir(tmp_path)


def chat(url: str, key: str = "sk-test") -> OpenAIChat:
    """The customer model pointed at the scripted server."""
    return OpenAIChat("customer-model", base_url=url, api_key=key, max_retries=0, timeout_s=10)


def requests(log: Path) -> list[dict[str, Any]]:
    """The request bodies the server received, in order."""
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


# --- the prompt ---------------------------------------------------------------------------------


@pytest.mark.parametrize("card", [AUNTIE, SEEKER], ids=lambda card: card.id)
def test_prompt_names_tasks_facts_emotion_rules_and_protocol(card: PersonaCard) -> None:
    prompt = customer_prompt(card)
    assert card.name.zh in prompt and card.background.zh in prompt
    for task in card.tasks:
        assert f"[{task.kind}]" in prompt
    assert "加厚保暖棉服外套" in prompt if card is AUNTIE else "男士加厚棉服" in prompt
    for fact in card.facts.values():
        assert fact.say.zh in prompt
    assert "客服问到才说" in prompt and "不要主动说" in prompt
    mood = card.emotion
    assert f"一开始是 {mood.start}" in prompt and f"烦躁到 {mood.human_at}" in prompt
    assert f"烦躁到 {mood.leave_at}" in prompt and f"回复了 {mood.patience} 次" in prompt
    assert "转人工" in prompt and "更烦" in prompt and "消气" in prompt
    assert "[emotion=" in prompt and f"[ask={card.tasks[1].kind}]" in prompt
    assert all(f"[end={end}]" in prompt for end in ("satisfied", "handoff", "left"))
    assert "绝不说出你是模拟的顾客" in prompt and "不要故意写错别字" in prompt
    assert kit.signals.language(prompt) == "zh"


def test_prompt_gives_the_price_question_its_cart_coupons_and_membership() -> None:
    prompt = customer_prompt(SEEKER)
    assert "买2件「男士加厚棉服」" in prompt and "你是店铺会员" in prompt
    assert "店铺券满200减20、店铺券满400减35、平台券满299减30" in prompt
    auntie = customer_prompt(AUNTIE)
    assert "你必须问客服怎么在网上下单" in auntie and AUNTIE.tasks[1].ask[0].zh in auntie
    assert "听不懂网购用语" in auntie and "听不懂网购用语" not in prompt  # only the novice


@pytest.mark.parametrize("card", [AUNTIE, SEEKER], ids=lambda card: card.id)
def test_prompt_holds_no_grader_agent_prompt_or_right_answer(card: PersonaCard) -> None:
    prompt = customer_prompt(card).lower()
    for grader in GRADERS:
        assert grader.name.lower() not in prompt and grader.title.lower() not in prompt
    for _, agent_prompt in PROMPTS:
        assert agent_prompt.lower() not in prompt
    assert "l码" not in prompt.split("例如")[0]  # the size is for the agent to find
    if card is SEEKER:
        assert f"{card.tasks[1].truth():.2f}" not in prompt and str(int(card.tasks[1].truth())) not in prompt


def test_an_english_card_gets_an_english_prompt() -> None:
    prompt = customer_prompt(SEEKER.model_copy(update={"language": "en"}))
    assert kit.signals.language(prompt) == "en"
    assert "say it only when asked" in prompt and "130 jin" in prompt and "You are a shop member" in prompt
    assert "[ask=price_quote]" in prompt and "[end=handoff]" in prompt and "Never reveal" in prompt


def every_kind_card() -> PersonaCard:
    """The auntie reworked to ask for a foundation, a return and a person, with an aside and a repeat."""
    line = {"zh": "好的。", "en": "OK."}
    raw = AUNTIE.model_dump(by_alias=True) | {
        "tasks": [
            {"kind": "product_advice", "sku": "C-111", "category": "foundation", "skin_type": "混油皮", "shade": "黄二白"},
            {"kind": "return_request", "order_id": "2024112510293847",
             "ask": [{"zh": "我上周买的外套能退吗？", "en": "Can I return the jacket I bought last week?"}]},
            {"kind": "handoff", "ask": [{"zh": "你给我找个真人吧。", "en": "Get me a real person."}]},
        ],
        "facts": {"phone_last4": {"value": 5678, "say": {"zh": "尾号5678", "en": "it ends in 5678"}}},
        "asides": [{"at_reply": 2, "kind": "question", "line": {"zh": "你们发什么快递？", "en": "Which courier?"},
                    "answered_if": ["快递"]}],
    }
    raw["style"] |= {"repeats": True, "volunteers": False}
    raw["lines"] |= {name: [line] for name in
                     ("wrong_product", "right_product", "wrong_return", "right_return", "say_again", "back_to_task")}
    return PersonaCard.model_validate(raw)


def test_prompt_covers_products_returns_handoffs_asides_and_hard_of_hearing() -> None:
    card = every_kind_card()
    prompt = customer_prompt(card)
    assert "[product_advice] 问客服：哪款粉底液适合你" in prompt and "黄二白" in prompt and "T区" in prompt
    assert "[return_request]" in prompt and "七天无理由退货" in prompt and "我上周买的外套能退吗？" in prompt
    assert "2024112510293847" in prompt, "with no order_id fact, the order number is part of the task"
    assert "[handoff]" in prompt and "写 [end=satisfied]" in prompt
    facts = prompt.split("## 你知道的事")[1].split("##")[0]
    assert "手机尾号：尾号5678" in facts and "不主动说，等客服问" in facts and "身高体重" not in facts
    assert "客服第 2 次回复后" in prompt and "你们发什么快递？" in prompt
    assert "请他再说一遍" in prompt
    english = customer_prompt(card.model_copy(update={"language": "en"}))
    assert "Ask which foundation suits you" in english and "a no-reason return within 7 days" in english
    assert "After the agent's reply number 2" in english and "Last 4 digits of your phone: it ends in 5678" in english


def test_asks_and_revealed_facts_for_the_newer_tasks() -> None:
    model = FakeModel([
        "我是混油皮，想要黄二白，哪款粉底液合适？\n[emotion=3]",
        "好。那我上周买的外套能退吗？\n[emotion=3] [ask=return_request]",
        "尾号5678。\n[emotion=3]",
    ])
    session = ModelCustomerSession(every_kind_card(), 0, model)
    assert session.opening().events[0] == "asks:product_advice"
    assert session.respond("推荐C-111，黄二白。").events == ("asks:return_request",)
    assert session.respond("请提供手机尾号。").revealed == ("phone_last4",)


# --- a whole conversation over HTTP ------------------------------------------------------------


def test_model_customer_talks_to_the_agent_through_converse_until_satisfied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "requests.jsonl"
    with serve(AUNTIE_SCRIPT, log) as url:
        transcript = kit.converse(kit.Agent(STRONG), "typo_auntie", seed=3, customer_model=chat(url))

    assert transcript.outcome == "satisfied", str(transcript)
    assert transcript.customer_model == "customer-model"
    customer = transcript.customer_turns
    assert len(customer) == len(AUNTIE_SCRIPT)
    assert transcript.emotions == [4, 3, 2, 1]
    assert transcript.asked_at("size_advice") == 1 and transcript.asked_at("how_to_order") == 5
    assert all("[" not in turn.text and "emotion" not in turn.intended for turn in customer)
    assert customer[1].revealed == ("height", "weight") and "我一米六五，一百二十斤" in customer[1].text

    scores = kit.grade(transcript).scores  # ground truth comes from the card, not the model
    assert scores["task_solved"] == 100 and scores["satisfaction"] > 0

    sent = requests(log)
    assert len(sent) == len(AUNTIE_SCRIPT)
    assert all(body["seed"] == 3 for body in sent)
    last = sent[-1]["messages"]
    assert last[0] == {"role": "system", "content": customer_prompt(AUNTIE)}
    agent_said = [m["content"] for m in last if m["role"] == "user"][1:]
    assert agent_said == [turn.text for turn in transcript.agent_turns]
    assert [m["content"] for m in last if m["role"] == "assistant"] == [s["text"] for s in AUNTIE_SCRIPT[:-1]]
    everything = json.dumps(sent, ensure_ascii=False)
    assert STRONG.splitlines()[0] not in everything, "the customer must never see the agent's prompt"
    assert all([m["role"] for m in body["messages"]].count("system") == 1 for body in sent), "nor the product page"


def test_the_api_key_appears_nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = f"sk-test-{secrets.token_hex(16)}"
    log = tmp_path / "requests.jsonl"
    with serve(AUNTIE_SCRIPT, log) as url:
        model = chat(url, key)
        session = kit.personas.load("typo_auntie").start(seed=0, model=model)
        transcript = kit.converse(kit.Agent(STRONG), "typo_auntie", seed=0, customer_model=model)
    saved = transcript.save(tmp_path / "transcript.json").read_text(encoding="utf-8")
    files = [path.read_text(encoding="utf-8") for path in tmp_path.iterdir() if path.is_file()]  # log, script, stderr
    seen = [saved, str(transcript), repr(transcript), repr(session), repr(model), *files]
    assert transcript.outcome == "satisfied"
    assert not [text[:80] for text in seen if key in text or key[8:] in text]


# --- reading the control tags ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "text", "emotion", "asks", "end"),
    [
        ("好的。\n[emotion=5]", "好的。", 5, (), None),
        ("好的。", "好的。", None, (), None),  # missing
        ("好的。\n[emotion=12]", "好的。", 10, (), None),  # out of range
        ("好的。\n[emotion=-3]", "好的。", 0, (), None),
        ("好的。\n[emotion=很高]", "好的。", None, (), None),  # no number: as if missing
        ("好的。\n  [ emotion = 6 ]   [ ask = how_to_order ]  ", "好的。", 6, ("how_to_order",), None),  # spaces
        ("好的 [emotion=3] 那我怎么买？", "好的 那我怎么买？", 3, (), None),  # a tag in the middle
        ("[emotion=7]\n算了，不买了！", "算了，不买了！", 7, (), None),  # on the first line
        ("谢谢！\n【emotion：2】【end=satisfied】", "谢谢！", 2, (), "satisfied"),  # full-width
        ("好。\n[emotion=2]\n[emotion=4] [END=Left]", "好。", 4, (), "left"),  # the last emotion wins
        ("好。\n[emotion=2] [end=bored]", "好。", 2, (), None),  # not an ending
        ("\n[emotion=5] [end=left]\n", "", 5, (), "left"),  # no message at all
    ],
)
def test_parse_control(raw: str, text: str, emotion: int | None, asks: tuple[str, ...], end: str | None) -> None:
    control = parse_control(raw)
    assert (control.text, control.emotion, control.asks, control.end) == (text, emotion, asks, end)


def test_a_missing_tag_twice_takes_the_scripted_customers_level_and_says_so() -> None:
    from kit.personas.engine import CustomerSession

    model = FakeModel(["在吗？这件棉服我爸穿多大码？\n[emotion=6]", "我爸说他五尺三。"])
    session = ModelCustomerSession(SEEKER, 0, model)
    assert session.opening().emotion == 6
    message = session.respond("请问您父亲的身高是多少？")
    scripted = CustomerSession(SEEKER, 0)
    scripted.opening()
    assert message.emotion == scripted.respond("请问您父亲的身高是多少？").emotion and message.text == "我爸说他五尺三。"
    assert {"no_emotion_tag", "customer_fallback"} <= set(message.events) and session.ended is None
    assert len(model.calls) == 3 and "gave no [emotion=N] tag" in session.notes[0]


def test_ask_tags_move_through_the_tasks_in_order_and_unknown_ones_are_ignored() -> None:
    model = FakeModel([
        "他穿什么码？\n[emotion=3] [ask=size_advice]",
        "行。那两件一共多少钱？\n[emotion=3] [ask=refund] [ask=price_quote]",
        "好。\n[emotion=3] [ask=price_quote]",
    ])
    session = ModelCustomerSession(SEEKER, 0, model)
    assert session.opening().events == ("asks:size_advice",)
    assert session.respond("M码。").events == ("asks:price_quote",)
    assert session.respond("¥500").events == ()  # already asked: no second asks:price_quote


def test_asking_for_a_human_is_an_event_once_and_the_end_tag_is_the_outcome() -> None:
    model = FakeModel([
        "你好，我穿什么码？\n[emotion=7]",
        "我搞不懂，你给我找个人工客服吧！\n[emotion=8]",
        "人工呢？\n[emotion=9]",
        "好，那我等着人工。\n[emotion=7] [end=handoff]",
    ])
    session = ModelCustomerSession(AUNTIE, 0, model)
    session.opening()
    assert "asks_for_human" in session.respond("您好").events
    assert "asks_for_human" not in session.respond("请稍等").events
    last = session.respond("马上为您转接人工客服。")
    assert last.outcome == session.ended == "handoff" and "asks_for_human" not in last.events
    with pytest.raises(RuntimeError, match="already ended"):
        session.respond("还在吗？")


# --- typing and failures ------------------------------------------------------------------------

SENTENCE = "我一米六五，一百二十斤。你们这个衣服到底什么时候能到家里，我等着穿呢，天气越来越冷了。\n[emotion=5]"


def test_typos_come_at_the_cards_rate_and_the_facts_stay_readable() -> None:
    said = parse_control(SENTENCE).text
    protect = (*AUNTIE.style.protect, *(fact.say.zh for fact in AUNTIE.facts.values()))
    covered = {i for word in protect for start in range(len(said)) if said.startswith(word, start)
               for i in range(start, start + len(word))}
    eligible = sum(1 for i, char in enumerate(said) if i not in covered and homophones(char))
    typos = 0
    for seed in range(60):
        session = ModelCustomerSession(AUNTIE, seed, FakeModel([SENTENCE]))
        for message in (session.opening(), session.respond("好的")):
            assert message.intended == said and message.gloss == ""
            assert "我一米六五" in message.text and "一百二十斤" in message.text
            assert all(message.text[t.index] == t.wrong and said[t.index] == t.right for t in message.typos)
            typos += len(message.typos)
    rate = typos / (eligible * 120)
    assert abs(rate - AUNTIE.style.typo_rate) < 0.02, rate
    clean = ModelCustomerSession(SEEKER, 0, FakeModel([SENTENCE])).opening()  # typo_rate 0
    assert clean.text == clean.intended and clean.typos == ()


def test_the_same_seed_gives_the_same_messages_and_reaches_the_model() -> None:
    def play(seed: int) -> tuple[list[Any], FakeModel]:
        model = FakeModel([SENTENCE])
        session = ModelCustomerSession(AUNTIE, seed, model)
        return [session.opening(), session.respond("好的")], model

    (first, model), (again, _) = play(5), play(5)
    assert first == again and first != play(6)[0]
    assert model.calls and all(params == {"seed": 5, "max_tokens": 256} for _, params in model.calls)


@pytest.mark.parametrize("bad", ["", "   ", "[emotion=5]", "\n【emotion=5】 [ask=how_to_order]\n"])
def test_a_bad_reply_twice_is_replaced_by_the_scripted_customers_and_the_notes_say_so(bad: str) -> None:
    from kit.personas.engine import CustomerSession

    model = FakeModel(["你好，我穿什么码？\n[emotion=4]", bad])
    session = ModelCustomerSession(AUNTIE, 0, model)
    session.opening()
    message = session.respond("您好，请问您的身高体重？")
    scripted = CustomerSession(AUNTIE, 0)
    scripted.opening()
    expected = scripted.respond("您好，请问您的身高体重？")
    assert message.intended == expected.intended and message.emotion == expected.emotion
    assert "customer_fallback" in message.events and len(model.calls) == 3
    assert session.notes == ["Customer turn 2: fake-customer wrote no usable message twice; the scripted "
                             "customer's message stands in."]


def test_scaffolding_and_instruction_lines_are_cut_and_the_cards_own_lines_kept() -> None:
    model = FakeModel(["你的第一条消息：在吗，我穿什么码？\n[emotion=4]",
                       "- 你在一家网店的客服聊天窗口里扮演一位顾客。你就是这位顾客，不是助手。\n好嘞，我明白了，谢谢你啊小姑娘！"
                       "\n[emotion=1] [end=satisfied]"])
    session = ModelCustomerSession(AUNTIE, 0, model)
    assert session.opening().intended == "在吗，我穿什么码？"
    assert session.respond("M码。").intended == "好嘞，我明白了，谢谢你啊小姑娘！" and session.ended == "satisfied"


def test_a_model_that_never_ends_ends_one_turn_after_the_scripted_customer_would_have() -> None:
    from kit.personas.engine import CustomerSession

    replies = ["亲，请问还有什么可以帮您？"] * 12  # no help at all: the scripted auntie gives up and leaves
    scripted = CustomerSession(AUNTIE, 0)
    scripted.opening()
    ended_at = next(i for i, reply in enumerate(replies, 1) if scripted.respond(reply).outcome)
    session = ModelCustomerSession(AUNTIE, 0, FakeModel(["嗯嗯。\n[emotion=3]"]))
    session.opening()
    said = [session.respond(reply) for reply in replies[:ended_at + 1]]
    assert said[-1].outcome == scripted.ended and "customer_fallback" in said[-1].events
    assert all(m.outcome is None for m in said[:-1])
    assert "did not end the conversation" in session.notes[-1]


def test_one_bad_reply_is_retried_with_a_reminder_that_is_not_kept() -> None:
    model = FakeModel(["", "你好，我穿什么码？\n[emotion=4]", "我一米六五。\n[emotion=3]"])
    session = ModelCustomerSession(AUNTIE, 0, model)
    assert session.opening().intended == "你好，我穿什么码？" and session.ended is None
    reminder = model.calls[1][0][-1]
    assert reminder["role"] == "user" and "[emotion=5]" in reminder["content"]
    session.respond("请问您多高？")
    assert reminder not in model.calls[2][0], "the reminder is not part of the conversation"


def test_a_model_that_fails_at_once_over_http_opens_as_the_scripted_customer(tmp_path: Path) -> None:
    from kit.personas.engine import CustomerSession

    log = tmp_path / "requests.jsonl"
    with serve([{"text": ""}, {"text": "[emotion=5]"}], log) as url:
        opening = ModelCustomerSession(AUNTIE, 0, chat(url)).opening()
    assert opening.intended == CustomerSession(AUNTIE, 0).opening().intended and opening.outcome is None
    assert "customer_fallback" in opening.events and len(requests(log)) == 2
    assert all(body["max_tokens"] == 256 for body in requests(log))  # the customer's own reply limit


def test_the_practice_model_cannot_play_a_customer() -> None:
    with pytest.raises(kit.errors.KitError, match="plays agents, not customers"):
        kit.converse(kit.Agent(STRONG), "typo_auntie", customer_model="practice")


def test_the_prompt_of_a_customer_who_says_facts_first_tells_the_model_to() -> None:
    from kit.personas.model_customer import customer_prompt

    prompt = customer_prompt(kit.personas.load("mind_changer").card)
    assert "第一条消息一开头就先说：“我一米六五，一百二十斤”" in prompt
    assert "开头就先说" not in customer_prompt(kit.personas.load("size_seeker").card)


def test_the_fallback_note_is_in_chinese_and_the_customer_still_says_the_scripted_words() -> None:
    from kit import i18n
    from kit.personas.engine import CustomerSession

    i18n.set_language("zh")
    try:
        model = FakeModel(["你好，我穿什么码？\n[emotion=4]", ""])
        session = ModelCustomerSession(AUNTIE, 0, model)
        session.opening()
        message = session.respond("您好，请问您的身高体重？")
        assert session.notes == ["顾客第 2 条消息：fake-customer 两次都没有写出可用的消息；改用剧本顾客的消息。"]
        scripted = CustomerSession(AUNTIE, 0)
        scripted.opening()
        assert message.intended == scripted.respond("您好，请问您的身高体重？").intended  # said as the card says it
    finally:
        i18n._chosen = None
