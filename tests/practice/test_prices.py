"""How the practice model prices a cart without the quote tool: naively, or in the page's order."""

from __future__ import annotations

from decimal import Decimal as D

from kit.practice.prices import Ask, describe, in_order, naive, read_ask, read_offers
from kit.shop import brief, quote

SON = "我是会员，买两件，有满200减20和满400减35两张店铺券，还有一张满299减30的平台券，最后一共多少钱？"


def test_the_product_page_promotions_are_read_in_both_languages() -> None:
    zh, en = read_offers(brief("J-101")), read_offers(brief("J-101", "en"))
    assert zh == en
    assert (zh.member_price, zh.rate, zh.second_half, zh.every_full) == (D("279.00"), None, True, (D(300), D(50)))
    assert [c[0] for c in zh.coupons] == ["shop-200-20", "shop-400-35", "platform-299-30", "platform-10"]
    assert read_offers("## a page without promotions") == read_offers("")


def test_the_customers_cart_membership_and_coupons_are_read() -> None:
    offers = read_offers(brief("W-105"))
    assert read_ask(SON, offers) == Ask(2, True, ("shop-200-20", "shop-400-35", "platform-299-30"))
    assert read_ask("我不是会员，买一件，用无门槛券", offers) == Ask(1, False, ("platform-10",))
    assert read_ask("I'm a member buying both, with the 满200减20 coupon", offers) == Ask(2, True, ("shop-200-20",))


def test_naive_takes_everything_off_the_original_price() -> None:
    offers = read_offers(brief("W-105"))
    worked = naive(D("329.00"), offers, read_ask(SON, offers))
    # 658 - 164.50 (half of one) - 2 x 50 (658 holds two full 300s) - 20 - 35 - 30 = 308.50
    assert worked.total == D("308.50")


def test_in_order_follows_the_page_but_knows_nothing_of_one_shop_coupon_per_order() -> None:
    offers = read_offers(brief("W-105"))
    ask = read_ask(SON, offers)
    worked = in_order(D("329.00"), offers, ask)
    # 658 - 164.50 = 493.50; every full 300: -50 = 443.50; -20 = 423.50; -35 = 388.50; -30 = 358.50
    assert worked.total == D("358.50")
    assert quote({"W-105": 2}, coupons=ask.coupons, member=True).total == D("378.50")  # the shop's rule: one shop coupon
    two = Ask(2, True, ("shop-200-20", "platform-299-30"))
    assert in_order(D("329.00"), offers, two).total == quote({"W-105": 2}, coupons=two.coupons, member=True).total


def test_in_order_checks_thresholds_on_the_running_total() -> None:
    offers = read_offers(brief("J-101"))
    one = Ask(1, True, ("shop-400-35",))
    assert in_order(D("299.00"), offers, one).total == D("279.00")  # member price 279 < 400: no coupon
    assert naive(D("299.00"), offers, one).total == D("244.00")  # 299 - 20 - 35: the threshold ignored


def test_describe_reads_as_a_sentence_or_as_steps() -> None:
    offers = read_offers(brief("W-105"))
    worked = in_order(D("329.00"), offers, Ask(2, False, ()))
    assert describe(worked, "zh", False) == "原价 ¥658.00，第二件半价 −¥164.50，每满300减50 −¥50.00，最后到手 ¥443.50。"
    assert describe(worked, "en", True).splitlines()[-1] == "4. final total ¥443.50"


def test_latest_reads_the_last_message_that_names_a_quantity_and_its_largest_number() -> None:
    from kit.practice.prices import read_ask, read_offers, note_ask
    from kit.shop import brief

    offers = read_offers(brief("W-105"))
    said = "我买一件。\n算了，改成三件吧。\n多少钱？"
    assert read_ask(said, offers).quantity == 1 and read_ask(said, offers, latest=True).quantity == 3
    assert read_ask("那我买两件，我自己也要一件。", offers, latest=True).quantity == 2
    # a recap note is read back as the same order
    text = "我是会员，有满200减20和满299减30的券，买两件。"
    note = note_ask(text, offers, "zh", latest=True)
    assert note == "2件，会员，券：满200减20、满299减30"
    assert read_ask(note, offers, latest=True) == read_ask(text, offers, latest=True)
    assert note_ask("I'm a member, two of them", offers, "en", latest=True) == "2 pieces, member"
