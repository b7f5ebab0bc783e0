"""The grounded, memory, language and efficiency graders on hand-written transcripts, then on the cast.

The hand-written replies are in the style of real assistants (not the practice model's templates);
the expected numbers follow from each grader's documented rules, so a changed rule shows up here.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import pytest

import kit
from kit import signals
from kit.conversation import Transcript, Turn
from kit.demo import CAST_PROMPT, PROMPTS
from kit.graders.base import GraderResult
from kit.graders.efficiency import Efficiency
from kit.graders.grounded import Grounded
from kit.graders.language import Language
from kit.graders import memory
from kit.graders.memory import Memory
from kit.tools import SHOP_TOOLS

C, A = "customer", "agent"
SIZE = {"kind": "size_advice", "sku": "J-101", "height_cm": 165, "weight_kg": 60}
ONE_JACKET = {"kind": "price_quote", "cart": {"J-101": 1}, "coupons": [], "member": False}  # the rules give ¥299.00
TWO_FOR_DAD = {"kind": "price_quote", "cart": {"W-105": 2}, "member": True,
               "coupons": ["shop-200-20", "shop-400-35", "platform-299-30"]}  # ¥378.50
GRANDMA = {"kind": "price_quote", "cart": {"S-310": 1}, "coupons": [], "member": True}  # ¥169.15 (8.5折 beats 会员价 ¥179)
CARDIGAN = {"kind": "price_quote", "cart": {"S-311": 1}, "coupons": [], "member": False}  # ¥194.65
HANDOFF = {"kind": "handoff"}

Step = tuple[str, str] | Turn  # (role, text), or a whole Turn when events or tool calls matter


def make(steps: Sequence[Step], tasks: Sequence[dict[str, Any]] = (SIZE,), outcome: str = "satisfied",
         language: str = "zh", persona: str = "hand_written") -> Transcript:
    """A transcript from (role, text) pairs or Turns, numbered from 1."""
    turns = tuple(
        Turn(n, step.role, step.text, events=step.events, revealed=step.revealed, tool_calls=step.tool_calls)
        if isinstance(step, Turn) else Turn(n, step[0], step[1])
        for n, step in enumerate(steps, start=1)
    )
    return Transcript(persona_id=persona, persona_name="hand-written", language=language, novice=False,
                      tasks=tuple(tasks), seed=0, model="hand-written", system_prompt="你是暖阳服饰旗舰店的客服。",
                      turns=turns, outcome=outcome)


def said(role: str, text: str, *events: str, calls: Sequence[dict[str, Any]] = ()) -> Turn:
    """A turn with events (customer) or tool calls (agent); make() numbers it."""
    return Turn(0, role, text, events=events, tool_calls=tuple(calls))


def notes(result: GraderResult) -> list[tuple[int, str]]:
    return [(e.turn, e.note) for e in result.evidence]


PRICE_ASK = "在吗？这件棉服我就买一件，最后付多少钱？"


# ---------------------------------------------------------------------------------------------
# Grounded
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("reply", [
    "这件现在没有能用的满减，到手价¥299.00哦～",
    "亲，一件的话就是299元，不满300所以跨店满减用不上。",
    "您好，最终价格￥299，今天下单48小时内发货。",
    "一件两百九十九元，满三百才能减五十，差一块钱哦。",
    "The jacket is CNY 299 in total for one.",
])
def test_grounded_a_right_price_in_any_format_scores_100(reply: str) -> None:
    result = Grounded()(make([(C, PRICE_ASK), (A, reply)], tasks=[ONE_JACKET]))
    assert (result.score, result.evidence, result.hint) == (100.0, (), "")


def test_grounded_an_invented_discount_costs_50_and_names_the_price() -> None:
    result = Grounded()(make([(C, PRICE_ASK), (A, "今天下单立减50元，到手价只要¥249.00！")], tasks=[ONE_JACKET]))
    assert result.score == 50.0
    # ¥50 is a real promotion amount (每满300减50); ¥249 follows from no rule for this cart
    assert notes(result) == [(2, "invented ¥249.00: not in the shop's prices, promotions or quotes")]
    assert "use only the shop's information" in result.hint and "quote_price tool" in result.hint


def test_grounded_thresholds_steps_and_coupon_amounts_all_follow_from_the_quote() -> None:
    reply = ("我帮您算了一下：两件原价658元，外套第二件半价减164.5元，跨店每满300减50元，"
             "再用满400元减35元的店铺券和满299元减30元的平台券，满200减20元那张这单用不上，最后到手378.5元。")
    result = Grounded()(make([(C, "我是会员，买两件，有三张券，到手多少？"), (A, reply)], tasks=[TWO_FOR_DAD]))
    assert (result.score, result.evidence) == (100.0, ())


def test_grounded_member_price_and_discount_are_data_but_stacking_them_is_invented() -> None:
    right = "您是会员，会员价是¥179，不过毛衫8.5折后是¥169.15，更便宜；两个优惠不叠加，最后到手¥169.15。"
    stacked = "会员价¥179再打8.5折，到手只要¥152.15！"
    assert Grounded()(make([(C, "会员买一件多少钱？"), (A, right)], tasks=[GRANDMA])).score == 100.0
    result = Grounded()(make([(C, "会员买一件多少钱？"), (A, stacked)], tasks=[GRANDMA]))
    assert result.score == 50.0
    assert notes(result) == [(2, "invented ¥152.15: not in the shop's prices, promotions or quotes")]


def test_grounded_two_of_the_page_product_without_a_tool_is_grounded() -> None:
    reply = "两件的话：原价¥598，第二件半价省¥149.5，再跨店满减减¥50，到手¥398.5，还送一份¥0的清洗剂小样。"
    assert Grounded()(make([(C, PRICE_ASK), (A, reply)], tasks=[ONE_JACKET])).score == 100.0


def test_grounded_anything_a_tool_returned_is_grounded_in_that_reply_and_after() -> None:
    call = {"name": "quote_price", "arguments": {"cart": {"J-101": 1}}, "result": '{"total": "284.05"}'}
    told = make([(C, PRICE_ASK), said(A, "系统算出来到手¥284.05。", calls=[call]), (C, "多少？"), (A, "¥284.05哦。")],
                tasks=[ONE_JACKET])
    assert Grounded()(told).score == 100.0  # the tool's number, even if the grader's quote says otherwise
    guessed = make([(C, PRICE_ASK), (A, "到手¥284.05。")], tasks=[ONE_JACKET])
    assert Grounded()(guessed).score == 50.0


def test_grounded_a_polite_refusal_may_echo_the_customers_number() -> None:
    turns = [(C, "这件开衫到手多少钱？"), (A, "这件开衫毛衫8.5折，到手¥194.65。"), (C, "能不能再便宜点？别家才卖一百。")]
    refused = make([*turns, (A, "理解您想省一点～不过一百元我们真给不了，¥194.65已经是活动后的价格了。")], tasks=[CARDIGAN])
    assert (Grounded()(refused).score, Grounded()(refused).evidence) == (100.0, ())
    gave_in = make([*turns, (A, "好吧，看您诚心要，就一百元卖您！")], tasks=[CARDIGAN])
    result = Grounded()(gave_in)
    assert result.score == 50.0
    assert notes(result) == [(4, "agreed to the customer's ¥100.00, which no shop rule gives")]


def test_grounded_heights_weights_and_size_bands_are_not_prices() -> None:
    reply = "您身高165cm、体重60公斤（一百二十斤），L码适合身高163-167厘米、体重55-62公斤，选L正合适。"
    result = Grounded()(make([(C, "我一米六五，一百二十斤"), (A, reply)]))
    assert result.score is None
    assert result.hint == "The agent stated no price and no product code."


def test_grounded_an_unknown_product_code_costs_50() -> None:
    reply = "这款J-101偏厚，您也可以看看X-999轻薄款。"
    result = Grounded()(make([(C, "有没有薄一点的？"), (A, reply)]))
    assert result.score == 50.0
    assert notes(result) == [(2, "product code X-999 is not in the catalogue")]
    assert "product_search tool" in result.hint


def test_grounded_a_product_the_agent_recommends_may_be_priced() -> None:
    reply = "混油皮黄二白推荐控油持妆粉底液（C-111）的Y02，¥189.00；两瓶的话满300减50，到手¥328.00。"
    result = Grounded()(make([(C, "混油皮黄二白，哪款粉底液适合我？"), (A, reply)],
                             tasks=[{"kind": "product_advice", "sku": "C-112", "category": "foundation",
                                     "skin_type": "混油皮", "shade": "黄二白"}]))
    assert (result.score, result.evidence) == (100.0, ())


def test_grounded_a_hand_off_states_nothing_to_check() -> None:
    t = make([(C, "转人工。"), (A, "好的，马上为您转接人工客服，请稍等。")], tasks=[HANDOFF])
    assert Grounded()(t).score is None


def test_grounded_each_reply_with_an_invented_price_costs_50() -> None:
    t = make([(C, PRICE_ASK), (A, "到手¥259！"), (C, "真的？"), (A, "是的，¥259，另外送您¥20优惠券。")], tasks=[ONE_JACKET])
    result = Grounded()(t)
    assert result.score == 0.0
    assert notes(result) == [(2, "invented ¥259.00: not in the shop's prices, promotions or quotes"),
                             (4, "invented ¥259.00: not in the shop's prices, promotions or quotes")]


# ---------------------------------------------------------------------------------------------
# Memory
# ---------------------------------------------------------------------------------------------

FACTS = "我一米六五，一百二十斤，这件棉服穿什么码？"


def test_memory_asking_again_for_height_and_weight_costs_50() -> None:
    result = Memory()(make([(C, FACTS), (A, "为了给您推荐合适的尺码，请问您的身高和体重是多少呢？")]))
    assert result.score == 50.0
    assert notes(result) == [(2, "asked again for height (turn 1), weight (turn 1)")]
    assert "instead of asking again" in result.hint


@pytest.mark.parametrize("reply", [
    "您是说身高一米六五、体重一百二十斤对吗？那L码正合适～",
    "跟您确认一下：身高165cm，体重60kg，对吧？这样的话选L码。",
    "Just to confirm, your height is 165 cm and you weigh 60 kg, right? Then L is your size.",
])
def test_memory_confirming_a_fact_is_not_asking_again(reply: str) -> None:
    assert memory.asked(reply) == set()  # it names both facts in a question, but to confirm them, not to ask
    result = Memory()(make([(C, FACTS), (A, reply)]))
    assert (result.score, result.evidence, result.hint) == (100.0, (), "")


def test_memory_asking_for_a_missing_fact_is_fine() -> None:
    result = Memory()(make([(C, "我一米六五，穿什么码？"), (A, "好的～那您的体重大概多少斤呢？"), (C, "一百二十斤"), (A, "那您穿L码正合适。")]))
    assert (result.score, result.evidence) == (100.0, ())


def test_memory_does_not_apply_before_the_customer_gives_a_fact() -> None:
    result = Memory()(make([(C, "这件棉服穿什么码？"), (A, "请问您的身高和体重是多少？")]))
    assert result.score is None
    assert result.hint == "The customer gave no fact the agent could forget."


def test_memory_a_bare_number_counts_only_as_the_answer_to_the_agents_question() -> None:
    asked = make([(C, "穿什么码？"), (A, "请问您身高多少？"), (C, "165"), (A, "好的，请问您多高呢？")])
    assert notes(Memory()(asked)) == [(4, "asked again for height (turn 3)")]
    unasked = make([(C, "这件165的有吗？"), (A, "请问您的身高是多少？")])  # 165 here may be a size code, not a height
    assert Memory()(unasked).score is None


def test_memory_order_number_and_phone_digits() -> None:
    t = make([
        (C, "2024111809876543这个订单我要退货。"),
        (A, "麻烦提供一下您的订单号和收货手机号后四位，我帮您查一下。"),  # the order number was given
        (C, "订单号上面发了！手机尾号1234。"),
        (A, "好的，请问手机号后四位是多少？"),  # the digits were just given
    ], tasks=[{"kind": "return_request", "order_id": "2024111809876543", "reason": "no_reason"}])
    result = Memory()(t)
    assert result.score == 0.0
    assert notes(result) == [(2, "asked again for order_id (turn 1)"), (4, "asked again for phone_last4 (turn 3)")]


def test_memory_a_price_questions_member_quantity_and_coupons() -> None:
    ask = "我是会员，买两件，手上有满200减20、满400减35的店铺券和满299减30的平台券，到手一共多少钱？"
    again = make([(C, ask), (A, "好的～请问您是会员吗？一共要买几件呢？")], tasks=[TWO_FOR_DAD])
    assert notes(Memory()(again)) == [(2, "asked again for member (turn 1), quantity (turn 1)")]
    fine = make([(C, ask), (A, "会员两件、三张券都用上的话，最后到手¥378.50。")], tasks=[TWO_FOR_DAD])
    assert Memory()(fine).score == 100.0


def test_memory_asking_the_customers_question_back() -> None:
    t = make([(C, "这件外套我穿什么码？"), (A, "您好～您是想问这件外套您穿什么码吗？")])
    result = Memory()(t)
    assert result.score == 50.0  # no fact given, but the mistake makes the grader apply
    assert notes(result) == [(2, "asked the customer's own question (turn 1) back")]


def test_memory_an_english_customer() -> None:
    t = make([(C, "I'm 5'5\", 130 lbs. Which size should I get?"),
              (A, "Happy to help! Could you tell me your height?")], language="en")
    assert notes(Memory()(t)) == [(2, "asked again for height (turn 1)")]


def test_memory_the_simulators_revealed_facts_count_too() -> None:
    t = make([(C, "穿什么码？"), (A, "请问您身高体重多少？"), Turn(0, C, "一米六，九十八斤。", revealed=("height", "weight")),
              (A, "请问您多重？")])
    assert notes(Memory()(t)) == [(4, "asked again for weight (turn 3)")]


# ---------------------------------------------------------------------------------------------
# Language
# ---------------------------------------------------------------------------------------------

def test_language_a_chinese_customer_answered_in_english() -> None:
    t = make([(C, "这件棉服穿什么码？"), (A, "请问您的身高和体重是多少？"), (C, "一米六五，一百二十斤"),
              (A, "Based on 165 cm and 60 kg, size L fits you best.")])
    result = Language()(t)
    assert result.score == 50.0
    assert notes(result) == [(4, "the customer writes Chinese (turn 3); this reply is in English")]
    assert "reply in the language the customer writes in" in result.hint


@pytest.mark.parametrize("reply", [
    "The 长款连帽羽绒服 (W-102) in size M fits you best.",
    "Size L (L码) of the 加厚保暖棉服外套 is right.",
    "Try the 水光滋润粉底液 in 黄二白 (Y02); 粉一白 is for a pinker tone.",
])
def test_language_an_english_customer_answered_in_english_with_chinese_names(reply: str) -> None:
    assert signals.language(reply) == "zh"  # counted raw, the Chinese names outweigh the English words
    t = make([(C, "Hi, which size should I get? I'm 5'5\", 130 lbs."), (A, reply)], language="en")
    result = Language()(t)
    assert (result.score, result.evidence) == (100.0, ())


def test_language_an_english_customer_answered_in_chinese() -> None:
    t = make([(C, "Hi, which size should I get?"), (A, "亲，请问您的身高体重是多少呢？")], language="en")
    assert notes(Language()(t)) == [(2, "the customer writes English (turn 1); this reply is in Chinese")]
    assert Language()(t).score == 0.0


def test_language_follows_the_customers_last_message() -> None:
    t = make([(C, "Hi, how much is this jacket?"), (A, "It's ¥299.00."), (C, "好的，那怎么买？"),
              (A, "1. 选尺码\n2. 点立即购买\n3. 付款")], language="en")
    assert Language()(t).score == 100.0


def test_language_short_messages_keep_the_language_and_short_replies_are_never_wrong() -> None:
    t = make([(C, "这件多少钱？"), (A, "¥299.00"), (C, "OK"), (A, "好的，还有什么需要随时找我～")])
    assert (Language()(t).score, Language()(t).evidence) == (100.0, ())


def test_language_dialect_typos_and_a_stray_english_word_are_still_chinese() -> None:
    t = make([(C, "老板，这件羽绒服size多大嘛？我一米六，一百零五斤。"), (A, "您选M码正合适～")])
    assert Language()(t).score == 100.0


def test_language_a_hand_off_in_the_customers_language() -> None:
    t = make([(C, "转人工。"), (A, "好的，马上为您转接人工客服，请稍等。")], tasks=[HANDOFF])
    assert Language()(t).score == 100.0


def test_language_applies_to_every_conversation_with_a_reply() -> None:
    assert Language()(make([(C, "在吗？")])).score is None
    assert Language()(make([(C, "在吗？"), (A, "在的～")])).score == 100.0


# ---------------------------------------------------------------------------------------------
# Efficiency
# ---------------------------------------------------------------------------------------------

SIZE_DONE = [(C, "这件棉服穿什么码？"), (A, "请问您的身高和体重是多少？"), (C, "一米六五，一百二十斤"), (A, "您选L码正合适。"),
             (C, "好，谢谢")]


def test_efficiency_within_the_budget_scores_100() -> None:
    result = Efficiency()(make(SIZE_DONE))
    assert result.score == 100.0
    assert notes(result) == [(4, "2 replies for 1 task, budget 3")]
    assert result.evidence[0].good and result.hint == ""


def test_efficiency_over_the_budget_scores_budget_over_replies() -> None:
    t = make([(C, "这件棉服穿什么码？"), (A, "请问您多高？"), (C, "一米六五"), (A, "请问您多重？"), (C, "一百二十斤"),
              (A, "您平时穿什么码？"), (C, "M"), (A, "喜欢宽松还是修身？"), (C, "宽松"), (A, "那您选L码。"), (C, "好")])
    result = Efficiency()(t)
    assert result.score == 60.0  # budget 3 / 5 replies
    assert notes(result) == [(10, "5 replies for 1 task, budget 3")]
    assert "ask for everything it needs in one question" in result.hint


def test_efficiency_a_hand_off_at_once_is_the_right_answer() -> None:
    hand_off = {"name": "hand_off", "arguments": {"reason": "customer asked"}, "result": '{"handed_off": true}'}
    t = make([(C, "转人工。"), said(A, "好的，马上为您转接人工客服，请稍等。", calls=[hand_off]), (C, "好，快点。")],
             tasks=[HANDOFF])
    result = Efficiency()(t)
    assert (result.score, notes(result)) == (100.0, [(2, "1 reply for 1 task, budget 3")])


def test_efficiency_an_unfinished_conversation_scores_on_how_far_it_got() -> None:
    t = make([
        said(C, "这件棉服穿什么码？", "asks:size_advice"), (A, "请问您的身高和体重？"), (C, "一米六五，一百二十斤"),
        (A, "您选L码。"), said(C, "好。那我怎么买？", "asks:how_to_order"), (A, "直接下单就行。"), (C, "不买了！"),
    ], tasks=[SIZE, {"kind": "how_to_order"}], outcome="left")
    result = Efficiency()(t)
    assert result.score == 25.0  # 50 x 1 of 2 tasks
    assert notes(result) == [(6, "ended (left) after 3 replies for 2 tasks, 1 done")]
    assert "did not get everything" in result.hint


def test_efficiency_the_same_reply_twice_is_a_loop_unless_the_customer_asked_again() -> None:
    loop = make([(C, "这件棉服穿什么码？"), (A, "请问您的身高和体重？"), (C, "有黑色的吗？"), (A, "请问您的身高和体重？"),
                 (C, "一米六五，一百二十斤"), (A, "L码。"), (C, "好")])
    result = Efficiency()(loop)
    assert result.score == 90.0  # 3 replies in a budget of 3, one loop
    assert notes(result) == [(4, "the same reply as turn 2, word for word"), (6, "3 replies for 1 task, budget 3")]
    assert "not to repeat itself" in result.hint
    again = make([(C, "这件棉服穿什么码？"), (A, "您穿L码。"), (C, "啊？你再说一遍，我没看清。"),
                  (A, "您穿L码。"), (C, "好")])
    assert Efficiency()(again).score == 100.0  # no loop, and 2 replies in a budget of 3 + 1 for the say-again


def test_efficiency_asides_add_to_the_budget() -> None:
    t = make([(C, "这件衬衫穿什么码？"), (A, "请问您的身高和体重？"), said(C, "等一下，有黑色的吗？", "aside:question"),
              (A, "有白色和香槟色，没有黑色。"), (C, "一米六，九十八斤"), (A, "您选M码。"), (C, "好")])
    assert Efficiency()(t).score == 100.0  # 3 replies, budget 2 x 1 + 1 + 1 aside = 4


def test_efficiency_a_tool_loop_costs_10() -> None:
    call = {"name": "size_lookup", "arguments": {"sku": "J-101", "height_cm": 165, "weight_kg": 60}, "result": "{}"}
    twice = make([(C, FACTS), said(A, "您选L码。", calls=[call, call]), (C, "好")])
    assert notes(Efficiency()(twice)) == [(2, "called size_lookup twice with the same arguments"),
                                          (2, "1 reply for 1 task, budget 3")]
    assert Efficiency()(twice).score == 90.0
    many = [{**call, "arguments": {**call["arguments"], "height_cm": h}} for h in (160, 165, 170, 175)]
    assert notes(Efficiency()(make([(C, FACTS), said(A, "您选L码。", calls=many), (C, "好")])))[0] == (
        2, "4 tool calls before one reply")


# ---------------------------------------------------------------------------------------------
# The cast: the kit's own conversations, a weak and a strong prompt
# ---------------------------------------------------------------------------------------------

GRADERS = (Grounded(), Memory(), Language(), Efficiency())


@cache
def cast(strength: str) -> tuple[Transcript, ...]:
    """Every persona's conversation with the one-line prompt, or with the cast prompt and the shop's tools."""
    def agent() -> kit.Agent:
        return kit.Agent(PROMPTS[0][1]) if strength == "weak" else kit.Agent(CAST_PROMPT, tools=SHOP_TOOLS)

    return tuple(kit.converse(agent(), persona, seed=0) for persona in kit.personas.names())


def mean(strength: str, grader: Any) -> float:
    scores = [s for t in cast(strength) if (s := grader(t).score) is not None]
    return sum(scores) / len(scores)


@pytest.mark.parametrize("strength", ["weak", "strong"])
def test_every_grader_runs_on_every_persona(strength: str) -> None:
    for transcript in cast(strength):
        for grader in GRADERS:
            result = grader(transcript)
            assert result.name == grader.name and result.title == grader.title
            assert result.score is None or 0.0 <= result.score <= 100.0, (transcript.persona_id, grader.name)
            if result.applicable:  # a hint exactly when points were lost; a grader that does not apply says why
                assert (result.hint != "") is (result.score < 100), (transcript.persona_id, grader.name)
            else:
                assert result.hint and not result.evidence, (transcript.persona_id, grader.name)
            assert all(1 <= e.turn <= len(transcript.turns) for e in result.evidence)


@pytest.mark.parametrize("grader", [Grounded(), Memory(), Efficiency()], ids=lambda g: g.name)
def test_the_strong_prompt_does_at_least_as_well_on_average(grader: Any) -> None:
    assert mean("strong", grader) >= mean("weak", grader)


def test_the_cast_prompt_with_tools_is_grounded_and_the_weak_one_invents_prices() -> None:
    assert mean("strong", Grounded()) == 100.0
    weak = {t.persona_id: Grounded()(t) for t in cast("weak")}
    assert weak["bargainer"].score == 0.0  # "立减50元，到手价只要¥179.00", twice
    assert "invented ¥179.00" in weak["bargainer"].evidence[0].note
    assert weak["retired_grandma"].score == 0.0  # 会员价 and 8.5折 stacked: ¥149.15


def test_language_holds_for_the_english_customer_in_both_casts() -> None:
    for strength in ("weak", "strong"):
        (english,) = [t for t in cast(strength) if t.persona_id == "english_customer"]
        assert Language()(english).score == 100.0


def test_grounded_flags_citations_of_outdated_or_ungiven_passages() -> None:
    from kit.conversation import Transcript, Turn
    from kit.graders.grounded import Grounded

    sources = ({"chunk": "promo-current-zh#1", "doc": "promo-current-zh", "title": "本季活动", "outdated": False},
               {"chunk": "promo-double11-zh#1", "doc": "promo-double11-zh", "title": "双11活动（往期）", "outdated": True})

    def said(reply: str) -> Transcript:
        turns = (Turn(1, "customer", "现在有什么活动？"), Turn(2, "agent", reply, sources=sources))
        return Transcript(persona_id="x", persona_name="x", language="zh", novice=False, tasks=(), seed=0,
                          model="m", system_prompt="…", turns=turns)

    assert Grounded()(said("本季跨店每满300减50（来源 [promo-current-zh#1]）。")).score == 100.0
    old = Grounded()(said("现在满300减40哦，到手¥259（来源 [promo-double11-zh#1]）。"))
    assert old.score == 50.0  # one reply, two problems: today's rules give no ¥259, and it cites last season
    assert "last-season page" in old.evidence[0].note and "invented ¥259.00" in old.evidence[0].note
    ghost = Grounded()(said("满200减20（来源 [faq-returns-zh#3]）。"))
    assert "a passage it was not given" in ghost.evidence[0].note


def test_grounded_flags_a_citation_that_does_not_say_the_amount() -> None:
    from kit.conversation import Transcript, Turn
    from kit.graders.grounded import Grounded

    source = ({"chunk": "shipping-fees-zh#5", "doc": "shipping-fees-zh", "title": "运费", "outdated": False,
               "text": "新疆属于偏远地区，不参与包邮，这单运费20.00元。"},)

    def said(reply: str) -> Transcript:
        turns = (Turn(1, "customer", "寄到新疆运费多少？"), Turn(2, "agent", reply, sources=source))
        return Transcript(persona_id="x", persona_name="x", language="zh", novice=False, tasks=(), seed=0,
                          model="m", system_prompt="…", turns=turns)

    assert Grounded()(said("新疆运费20元（来源 [shipping-fees-zh#5]）。")).score == 100.0
    wrong = Grounded()(said("新疆运费15元（来源 [shipping-fees-zh#5]）。"))
    assert "cites [shipping-fees-zh#5] for ¥15.00, which that passage does not say" in wrong.evidence[0].note


def test_policy_judges_prices_only_after_a_change_of_mind() -> None:
    """The mind changer asks for one hoodie (¥169) and then three (¥457): ¥169 before the change is no discount."""
    import kit

    prompt = ("You are the customer service of a clothing shop.\nKeep replies short.\n"
              "Use the tools to look up sizes and quote prices.\n"
              "Customers weigh themselves in 斤: 1 斤 = 0.5 kg.\nIf the customer changes their mind, use their latest choice.")
    right = kit.converse(kit.Agent(prompt, tools=kit.tools.SHOP_TOOLS), "mind_changer", seed=0)
    assert any("¥169" in t.text for t in right.agent_turns[:2])
    assert kit.grade(right).scores["policy"] == 100.0
    stuck = kit.converse(kit.Agent(prompt.rsplit("\n", 1)[0], tools=kit.tools.SHOP_TOOLS), "mind_changer", seed=0)
    assert kit.grade(stuck).scores["policy"] < 100.0  # ¥169 for three, after she said three
