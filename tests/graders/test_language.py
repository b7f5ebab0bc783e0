"""The language grader on hand-written transcripts: answering in the customer's language."""

from __future__ import annotations

import pytest
from hand_written import HANDOFF, A, C, make, notes

from kit import signals
from kit.graders.language import Language


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



def test_language_in_chinese(chinese) -> None:
    t = make([(C, "这件棉服穿什么码？"), (A, "请问您的身高和体重是多少？"), (C, "一米六五，一百二十斤"),
              (A, "Based on 165 cm and 60 kg, size L fits you best.")])
    assert notes(Language()(t)) == [(4, "顾客用中文写（第 3 轮），这条回复却是英文")]
    english = make([(C, "Hi, which size should I get?"), (A, "亲，请问您的身高体重是多少呢？")], language="en")
    assert notes(Language()(english)) == [(2, "顾客用英文写（第 1 轮），这条回复却是中文")]
    assert Language()(make([(C, "在吗？")])).hint == "客服一次也没有回复。"
