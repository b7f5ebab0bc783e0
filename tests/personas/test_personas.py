"""Persona cards and the customer simulator: loading, validation, determinism, reactions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import kit
from kit.errors import CardError, UnknownPersona
from kit.personas import CARDS, load, load_card, names
from kit.personas.typos import homophones


def test_the_cast_includes_the_typo_auntie() -> None:
    assert "typo_auntie" in names()
    assert load("typo_auntie").card.name.zh == "错别字阿姨"


def test_unknown_persona_lists_the_known_ones() -> None:
    with pytest.raises(UnknownPersona) as caught:
        load("typo_uncle")
    assert "typo_uncle" in str(caught.value) and "typo_auntie" in str(caught.value)


def test_same_seed_same_messages_and_typos() -> None:
    auntie = load("typo_auntie")
    assert auntie.preview(3) == auntie.preview(3)
    assert len({auntie.preview(seed).text for seed in range(6)}) > 1


def test_typos_are_homophones_and_the_facts_stay_readable() -> None:
    session = load("typo_auntie").start(seed=1)
    first = session.opening()
    assert first.typos, "the auntie types with wrong characters"
    for typo in first.typos:
        assert typo.wrong in homophones(typo.right)
    reply = session.respond("请问您的身高和体重是多少？")
    assert "一米六五" in reply.text and "一百二十斤" in reply.text
    assert reply.revealed == ("height", "weight")


def test_guessing_upsets_her_and_an_acknowledgement_calms_her() -> None:
    guessed = load("typo_auntie").start(seed=0)
    start = guessed.emotion
    assert "guessed" in guessed.respond("您穿M码就可以。").events
    assert guessed.emotion == start + 2
    calmed = load("typo_auntie").start(seed=0)
    message = calmed.respond("您别着急，我来帮您。请问您的身高和体重是多少？")
    assert "acknowledged" in message.events and calmed.emotion == start - 1


def test_she_asks_for_a_human_when_patience_runs_out_and_leaves_if_refused() -> None:
    session = load("typo_auntie").start(seed=0)
    for _ in range(6):
        message = session.respond("请问还有什么可以帮您？")
        if "asks_for_human" in message.events:
            break
    assert "asks_for_human" in message.events and kit.signals.asks_for_human(message.intended)
    assert session.respond("我就是客服哦。").outcome == "left"


def test_a_hand_off_when_asked_ends_the_conversation_as_handoff() -> None:
    session = load("typo_auntie").start(seed=0)
    session.asked_human = True
    assert session.respond("好的，马上为您转接人工客服。").outcome == "handoff"


GOOD_CARD = (CARDS / "typo_auntie.yaml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "card.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_field_is_reported_with_file_line_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_CARD.replace("typo_rate: 0.12", "typo_rate: 1.7"))
    with pytest.raises(CardError) as caught:
        load_card(path)
    message = str(caught.value)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "typo_rate" in text)
    assert f"{path}:{line}: style.typo_rate" in message and "less than or equal to 1" in message


def test_an_unsolvable_goal_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_CARD.replace("sku: J-101", "sku: NOPE-1"))
    with pytest.raises(CardError, match="NOPE-1"):
        load_card(path)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "id: x\nname: {zh: a, en: b\n")
    with pytest.raises(CardError, match=r"card\.yaml:\d+: not valid YAML"):
        load_card(path)


def test_cli_validate_reports_problems_without_a_traceback(tmp_path: Path) -> None:
    bad = write(tmp_path, GOOD_CARD.replace("start: 4", "start: 9"))
    run = subprocess.run(
        [sys.executable, "-m", "kit", "personas", "validate", str(CARDS / "typo_auntie.yaml"), str(bad)],
        capture_output=True, text=True,
    )
    assert run.returncode == 1
    assert "typo_auntie.yaml: ok" in run.stdout
    assert "start < human_at" in run.stderr and "Traceback" not in run.stderr


SEEKER = (CARDS / "size_seeker.yaml").read_text(encoding="utf-8")


def test_the_size_seeker_asks_for_a_size_then_a_price_and_checks_both() -> None:
    session = load("size_seeker").start(seed=0)
    first = session.opening()
    assert "asks:size_advice" in first.events and not first.typos
    facts = session.respond("请问您爸爸的身高和体重是多少？")
    assert "五尺三" in facts.text and "一百三十斤" in facts.text
    price_question = session.respond("您爸爸穿L码正合适。")
    assert "asks:price_quote" in price_question.events and "满400减35" in price_question.text
    wrong = session.respond("最后到手¥358.50。")
    assert "wrong_price" in wrong.events and "358.5" in wrong.text and wrong.outcome is None
    assert session.respond("算好了：最终¥378.50。").outcome == "satisfied"


def test_a_card_missing_the_lines_its_tasks_need_names_them(tmp_path: Path) -> None:
    path = write(tmp_path, SEEKER.replace("  wrong_price:\n", "  unused_lines:\n"))
    with pytest.raises(CardError, match="unused_lines"):
        load_card(path)  # an unknown field
    cut = SEEKER.split("  wrong_price:")[0] + "  right_price:" + SEEKER.split("  right_price:")[1]
    with pytest.raises(CardError, match=r"lines\.wrong_price: needed by this card's price_quote"):
        load_card(write(tmp_path, cut))


def test_a_price_task_with_an_unknown_coupon_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(CardError, match=r"tasks\.1\.coupons: .*shop-999"):
        load_card(write(tmp_path, SEEKER.replace("coupons: [shop-200-20,", "coupons: [shop-999,")))


def test_a_later_task_needs_the_lines_that_ask_it(tmp_path: Path) -> None:
    size_second = GOOD_CARD.replace("tasks:\n  - {kind: size_advice, sku: J-101}\n", "tasks:\n").replace(
        "\nfacts:", "\n  - {kind: size_advice, sku: J-101}\nfacts:", 1
    )
    with pytest.raises(CardError, match=r"tasks\.1\.ask: every task after the first needs the line\(s\) that ask it"):
        load_card(write(tmp_path, size_second))


def test_canned_phrasing_reads_as_robotic_and_upsets_who_minds_it() -> None:
    session = load("human_now").start(seed=0)
    session.opening()
    before = session.emotion
    message = session.respond("亲，感谢您的咨询～请问还有什么可以帮您？")
    assert "robotic" in message.events and message.emotion > before


def test_the_shipping_asker_checks_the_fee_for_her_region() -> None:
    session = load("shipping_asker").start(seed=0)
    assert "asks:shipping_question" in session.opening().events
    assert "wrong_price" in session.respond("亲，我们全国包邮哦！").events
    assert session.respond("新疆属于偏远地区，不参与包邮，运费20元。").outcome == "satisfied"


# The customer who changes her mind (lesson 06): facts said unasked, a change of mind as an aside.

def test_mind_changer_says_her_facts_first_and_changes_her_mind_at_the_third_reply() -> None:
    session = load("mind_changer").start(0)
    opening = session.opening()
    assert opening.text.startswith("我一米六五，一百二十斤。") and set(opening.revealed) == {"height", "weight"}
    session.respond("¥169")
    session.respond("这款有这些颜色：灰色、藏青色、杏色。")  # answers her aside about black
    changed = session.respond("¥169")
    assert "aside:change_mind" in changed.events and "三件" in changed.text
    stuck = session.respond("一共¥169。")  # still the price of one
    assert "wrong_price" in stuck.events
    right = session.respond("三件最终：¥457.00")
    assert "right_price" in right.events and "asks:size_advice" in right.events


def test_says_first_must_name_a_fact_of_the_card(tmp_path: Path) -> None:
    text = (CARDS / "mind_changer.yaml").read_text(encoding="utf-8").replace(
        "says_first: [height, weight]", "says_first: [height, order_id]")
    card = tmp_path / "bad.yaml"
    card.write_text(text, encoding="utf-8")
    with pytest.raises(CardError, match=r"bad.yaml.*says_first: no fact order_id under facts"):
        load_card(card)


def test_bot_weary_asks_for_a_person_after_one_canned_reply_and_stays_for_a_plain_one() -> None:
    canned = load("bot_weary").start(0)
    canned.opening()
    reply = canned.respond("亲，您好！感谢您的咨询～请问您的身高和体重是多少？如有其他问题欢迎随时咨询哦～祝您购物愉快！")
    assert "robotic" in reply.events and "asks_for_human" in reply.events
    plain = load("bot_weary").start(0)
    plain.opening()
    reply = plain.respond("请问您的身高和体重是多少？")
    assert "asks_for_human" not in reply.events and set(reply.revealed) == {"height", "weight"}


def test_in_chinese_an_unknown_persona_lists_the_ids_and_the_cast_table_has_chinese_headers() -> None:
    from kit import i18n
    from kit.errors import KitError

    i18n.set_language("zh")
    try:
        with pytest.raises(UnknownPersona) as caught:
            load("typo_aunty")
        assert str(caught.value).startswith("没有叫 'typo_aunty' 的顾客人设。现有的人设：")
        assert "typo_auntie" in str(caught.value)  # the ids stay as code spells them
        table = kit.personas.table()
        assert list(table.columns) == ["名字", "想要", "难在哪里"] and table.index.name == "id"
        assert table.loc["typo_auntie", "想要"] == "size_advice, how_to_order"  # task kinds are identifiers
        assert "错别字" in table.loc["typo_auntie", "难在哪里"]
        with pytest.raises(KitError, match="练习模型只能扮演客服"):
            load("typo_auntie").start(0, model="practice")
    finally:
        i18n._chosen = None
    assert list(kit.personas.table().columns) == ["name", "wants", "difficult because"]
