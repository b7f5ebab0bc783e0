"""The grounded grader on hand-written transcripts: prices and offers checked against the shop's rules."""

from __future__ import annotations

import pytest
from hand_written import (
    CARDIGAN,
    GRANDMA,
    HANDOFF,
    ONE_JACKET,
    PRICE_ASK,
    TWO_FOR_DAD,
    A,
    C,
    make,
    notes,
    said,
)

from kit.graders.grounded import Grounded


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



def test_grounded_in_chinese(chinese) -> None:
    invented = Grounded()(make([(C, PRICE_ASK), (A, "今天下单立减50元，到手价只要¥249.00！")], tasks=[ONE_JACKET]))
    assert notes(invented) == [(2, "编造了 ¥249.00：店里的价格、活动和报价里都没有")]
    assert invented.hint.startswith("让客服只用店里的信息")
    unknown = Grounded()(make([(C, "有没有薄一点的？"), (A, "这款J-101偏厚，您也可以看看X-999、Y-888轻薄款。")]))
    assert notes(unknown) == [(2, "商品编号 X-999、Y-888 不在商品目录里")]
    assert Grounded()(make([(C, "在吗？"), (A, "在的，您说。")])).hint == "客服没有报价格，也没有提商品编号。"
