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
