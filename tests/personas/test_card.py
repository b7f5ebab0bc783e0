"""The messages a learner gets for a broken persona card: one line, the file, the field, the problem.

Each file in tests/cards/ is a copy of a shipped card with exactly ONE realistic mistake. The
table below says, per file, which field the message must name, what it must say, and how to fix
the mistake; fixing it must give a valid card, so the message is about that mistake alone.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from kit.errors import CardError
from kit.personas import load_card

CARDS = Path(__file__).resolve().parents[1] / "cards"

@dataclass(frozen=True)
class Case:
    field: str  # the dotted path the message must name right after file[:line]
    says: str  # what the message must say about the problem
    fix: tuple[str, str]  # (text in the bad card, its correction): the corrected card is valid
    yaml_line: bool = False  # a YAML error: the message must give the line of the mistake


CASES: dict[str, Case] = {
    "missing_opening_lines.yaml": Case(
        "lines.opening", "required",
        ("lines:\n",
         "lines:\n  opening:\n    - {zh: 你好，我穿什么码？, en: \"Hello, what size do I wear?\"}\n"),
    ),
    "typo_rate_as_word.yaml": Case(
        "style.typo_rate", "valid number", ("typo_rate: high", "typo_rate: 0.12"),
    ),
    "typo_rate_above_one.yaml": Case(
        "style.typo_rate", "less than or equal to 1", ("typo_rate: 1.5", "typo_rate: 0.12"),
    ),
    "unknown_emotion_trigger.yaml": Case(
        "emotion.raise", "unknown trigger rude", ("raise: {rude: 2, ", "raise: {"),
    ),
    "unknown_sku.yaml": Case(
        "tasks.0.sku", "No product with SKU 'J-999'", ("sku: J-999", "sku: J-101"),
    ),
    "size_task_on_a_cosmetic.yaml": Case(
        "tasks.0.sku", "has no size chart", ("sku: C-111", "sku: J-101"),
    ),
    "unknown_coupon.yaml": Case(
        "tasks.1.coupons", "unknown coupon 'shop-250-25'", ("coupons: [shop-250-25,", "coupons: [shop-200-20,"),
    ),
    "shade_not_in_catalogue.yaml": Case(
        "tasks.0.shade", "shade 黄三白", ("shade: 黄三白", "shade: 黄二白"),
    ),
    "later_task_without_ask.yaml": Case(
        "tasks.1.ask", "needs the line(s) that ask it",
        ("  - kind: how_to_order\n",
         "  - kind: how_to_order\n    ask: [{zh: 怎么买？, en: \"How do I buy it?\"}]\n"),
    ),
    "emotion_start_not_below_human_at.yaml": Case(
        "emotion", "start < human_at", ("  start: 8\n", "  start: 4\n"),
    ),
    "misspelled_background.yaml": Case(
        "backround", "background", ("backround:", "background:"),
    ),
    "unclosed_bracket.yaml": Case(
        "", "not closed", ("en: The typo auntie\n", "en: The typo auntie}\n"), yaml_line=True,
    ),
    "tab_indentation.yaml": Case(
        "", "tab", ("\ttypo_rate", "  typo_rate"), yaml_line=True,
    ),
    "size_task_without_facts.yaml": Case(
        "facts", "height",
        ("style:\n", "facts:\n  height: {value: 165, say: {zh: 我一米六五, en: 1.65 m}}\n"
                     "  weight: {value: 60, say: {zh: 一百二十斤, en: 60 kg}}\nstyle:\n"),
    ),
    "question_aside_without_answered_if.yaml": Case(
        "asides.0", "needs answered_if",
        ("  - at_reply: 1\n    kind: question\n", "  - at_reply: 1\n    kind: question\n    answered_if: [白色]\n"),
    ),
    "unknown_task_kind.yaml": Case(
        "tasks.0", "'size_advice'", ("kind: size,", "kind: size_advice,"),
    ),
    "id_with_capitals.yaml": Case(
        "id", "lowercase", ("id: Typo-Auntie", "id: typo_auntie"),
    ),
    "language_cn.yaml": Case(
        "language", "'zh' or 'en'", ("language: cn", "language: zh"),
    ),
}


def message_for(name: str) -> tuple[Path, str]:
    path = CARDS / name
    with pytest.raises(CardError) as caught:
        load_card(path)
    return path, str(caught.value)


def mistake_line(name: str) -> int:
    """The line of the bad card where the mistake is (where the fix applies)."""
    text = (CARDS / name).read_text(encoding="utf-8")
    return text[: text.index(CASES[name].fix[0])].count("\n") + 1


def test_every_bad_card_has_its_expectations_and_every_expectation_its_card() -> None:
    assert sorted(path.name for path in CARDS.glob("*.yaml")) == sorted(CASES)
    assert len(CASES) >= 10


@pytest.mark.parametrize("name", list(CASES))
def test_fixing_the_one_mistake_gives_a_valid_card(name: str, tmp_path: Path) -> None:
    bad, good = CASES[name].fix
    text = (CARDS / name).read_text(encoding="utf-8")
    assert text.count(bad) == 1, f"the fix's text {bad!r} must occur exactly once in {name}"
    fixed = tmp_path / name
    fixed.write_text(text.replace(bad, good), encoding="utf-8")
    load_card(fixed)  # raises if the card had a second mistake


@pytest.mark.parametrize("name", list(CASES))
def test_the_message_is_one_line_that_starts_with_the_file(name: str) -> None:
    path, message = message_for(name)
    assert "\n" not in message, message
    location = f"{path}:{mistake_line(name)}: " if CASES[name].yaml_line else f"{path}"
    assert message.startswith(location), f"{message!r} does not start with {location!r}"


@pytest.mark.parametrize("name", [name for name, case in CASES.items() if not case.yaml_line])
def test_the_message_names_the_field(name: str) -> None:
    path, message = message_for(name)
    field_path = CASES[name].field
    assert re.match(rf"{re.escape(str(path))}(:\d+)?: {re.escape(field_path)}\b", message), (
        f"{message!r} does not name {field_path!r} right after the file"
    )


@pytest.mark.parametrize("name", list(CASES))
def test_the_message_says_what_is_wrong_in_plain_words(name: str) -> None:
    path, message = message_for(name)
    problem = message.replace(str(path), "<file>")  # the file's name must not pass for the words
    assert CASES[name].says in problem, message
    assert "Value error" not in problem, message


@pytest.fixture(scope="module")
def validate_folder() -> subprocess.CompletedProcess[str]:
    """`python -m kit personas validate` on every bad card at once, in one subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "kit", "personas", "validate", *(str(CARDS / name) for name in sorted(CASES))],
        capture_output=True, text=True, timeout=120,
    )


def test_validate_fails_on_the_folder_naming_every_file_without_a_traceback(
    validate_folder: subprocess.CompletedProcess[str],
) -> None:
    assert validate_folder.returncode == 1, validate_folder.stderr
    assert "Traceback" not in validate_folder.stderr
    assert ": ok (" not in validate_folder.stdout
    for name in CASES:
        assert str(CARDS / name) in validate_folder.stderr, f"{name} is not reported"


def test_validate_reports_one_line_per_bad_file(validate_folder: subprocess.CompletedProcess[str]) -> None:
    lines = validate_folder.stderr.splitlines()
    assert len(lines) == len(CASES), validate_folder.stderr
    for line, name in zip(lines, sorted(CASES)):
        assert line.startswith(f"{CARDS / name}:"), line


def test_card_errors_in_chinese_keep_the_file_line_and_field() -> None:
    from kit import i18n

    i18n.set_language("zh")
    try:
        for name, expected in [
            ("misspelled_background.yaml", ":5: backround: 没有这个字段；你是想写 background 吗？"),
            ("missing_opening_lines.yaml", ": lines.opening: 缺少这一项"),
            ("typo_rate_above_one.yaml", ":18: style.typo_rate: 应小于或等于 1"),
            ("later_task_without_ask.yaml", ": tasks.1.ask: 第一个任务之后的每个任务，都要写上顾客怎么问它"),
            ("emotion_start_not_below_human_at.yaml", ":23: emotion: 需要满足 start < human_at <= leave_at，现在是 8、8、10"),
            ("tab_indentation.yaml", ":18：不是有效的 YAML：有一个制表符（Tab）：缩进只能用空格"),
        ]:
            with pytest.raises(CardError) as caught:
                load_card(CARDS / name)
            assert str(caught.value) == f"{CARDS / name}{expected}"
        with pytest.raises(CardError, match="找不到这个文件（这里应该是一个人设卡）"):
            load_card(CARDS / "no_such_card.yaml")
    finally:
        i18n._chosen = None
