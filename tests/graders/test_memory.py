"""The memory grader on hand-written transcripts: asking again for what the customer already said."""

from __future__ import annotations

import pytest
from hand_written import FACTS, TWO_FOR_DAD, A, C, make, notes

from kit.conversation import Turn
from kit.graders import memory
from kit.graders.memory import Memory


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



def test_memory_in_chinese_names_the_facts_in_chinese(chinese) -> None:
    ask = "我是会员，买两件，手上有满200减20、满400减35的店铺券和满299减30的平台券，到手一共多少钱？"
    again = make([(C, ask), (A, "好的～请问您是会员吗？一共要买几件呢？")], tasks=[TWO_FOR_DAD])
    result = Memory()(again)
    assert notes(result) == [(2, "又问了一遍是不是会员（第 1 轮说过）、买几件（第 1 轮说过）")]
    assert result.hint.startswith("让客服用上顾客已经说过的信息")
    back = make([(C, "这件外套我穿什么码？"), (A, "您好～您是想问这件外套您穿什么码吗？")])
    assert notes(Memory()(back)) == [(2, "把顾客自己的问题（第 1 轮）又反问给了顾客")]
