"""The efficiency grader on hand-written transcripts: replies against the budget, loops."""

from __future__ import annotations

from hand_written import FACTS, HANDOFF, SIZE, A, C, make, notes, said

from kit.graders.efficiency import Efficiency

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



def test_efficiency_in_chinese(chinese) -> None:
    t = make([
        said(C, "这件棉服穿什么码？", "asks:size_advice"), (A, "请问您的身高和体重？"), (C, "一米六五，一百二十斤"),
        (A, "您选L码。"), said(C, "好。那我怎么买？", "asks:how_to_order"), (A, "直接下单就行。"), (C, "不买了！"),
    ], tasks=[SIZE, {"kind": "how_to_order"}], outcome="left")
    result = Efficiency()(t)
    assert notes(result) == [(6, "对话结束（顾客走了）：2 件事用了 3 条回复，办成 1 件")]
    assert result.hint == "顾客想办的事没有全部办成：先改“问题已解决”这一项指出的问题。"
    call = {"name": "size_lookup", "arguments": {"sku": "J-101", "height_cm": 165, "weight_kg": 60}, "result": "{}"}
    twice = make([(C, FACTS), said(A, "您选L码。", calls=[call, call]), (C, "好")])
    assert notes(Efficiency()(twice)) == [(2, "用同样的参数调用了两次 size_lookup"), (2, "1 件事用了 1 条回复，预算 3 条")]
