"""Tests for kit.units: heights and weights in the mixed units real customers write."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kit.units import Body, Reading, parse_body, parse_height, parse_weight

REPO_ROOT = Path(__file__).resolve().parent.parent

HEIGHTS = [
    ("一米六五", 165.0),
    ("1米65", 165.0),
    ("1.65米", 165.0),
    ("165cm", 165.0),
    ("165公分", 165.0),
    ("165厘米", 165.0),
    ("一米六", 160.0),
    ("1m7", 170.0),
    ("一米六十", 160.0),
    ("一米〇五", 105.0),  # cn2an alone would read 〇五 as 5, i.e. 1米5 = 150
    ("五尺二", 173.33),
    ("5尺2", 173.33),
    ("5尺2寸", 173.33),
    ("5'4\"", 162.56),
    ("5 ft 4 in", 162.56),
    ("5 feet 4", 162.56),
    ("5’4”", 162.56),
    ("64 inches", 162.56),
    ("一米七几", 170.0),
    ("165", 165.0),
    ("1.65", 165.0),
]

# How customers really type it in a chat window: with context words, approximations, spacing.
EVERYDAY_HEIGHTS = [
    ("身高165", 165.0), ("我165", 165.0), ("1米6", 160.0), ("一米七", 170.0), ("一米五八", 158.0),
    ("1.58m", 158.0), ("158 cm", 158.0), ("158CM", 158.0), ("158公分左右", 158.0), ("大概一米六", 160.0),
    ("一米六出头", 160.0), ("5尺", 166.67), ("五尺三寸", 176.67), ("5ft", 152.4), ("5 foot 2", 157.48),
    ("5'2", 157.48), ("1m58", 158.0), ("1米58", 158.0), ("158厘米左右", 158.0), ("身高一米六八", 168.0),
    ("我个子一米五", 150.0), ("1.7米", 170.0), ("170", 170.0), ("一米八", 180.0), ("1米8", 180.0),
    ("六尺", 200.0), ("5 ft 10 in", 177.8), ("5′6″", 167.64), ("一米六二的个子", 162.0),
    ("I'm 5'4\"", 162.56), ("I am 165cm tall", 165.0), ("5 foot 4 inches", 162.56), ("height: 1.63 m", 163.0),
    ("162 centimeters", 162.0), ("1.65 metres", 165.0), ("5ft 3", 160.02),
]

WEIGHTS = [
    ("一百二十斤", 60.0),
    ("120斤", 60.0),
    ("60公斤", 60.0),
    ("60千克", 60.0),
    ("六十千克", 60.0),
    ("60kg", 60.0),
    ("60 KG", 60.0),
    ("132 lbs", 59.87),
    ("132磅", 59.87),
    ("一百斤出头", 50.0),
    ("一百多斤", 50.0),
    ("两百斤", 100.0),
    ("一百零五斤", 52.5),
    ("九十斤", 45.0),
    ("120", 60.0),  # bare, above 90: 斤
    ("60", 60.0),  # bare, 90 or less: kg
]

EVERYDAY_WEIGHTS = [
    ("一百一十斤", 55.0), ("110斤", 55.0), ("55kg", 55.0), ("55公斤左右", 55.0), ("五十五公斤", 55.0),
    ("110 lb", 49.9), ("121 pounds", 54.88), ("55.5kg", 55.5), ("九十八斤", 49.0), ("一百斤", 50.0),
    ("100斤", 50.0), ("二百斤", 100.0), ("一百六十斤", 80.0), ("八十斤", 40.0), ("50千克", 50.0),
    ("体重55", 55.0), ("45公斤", 45.0), ("一百零八斤", 54.0), ("一百一", 55.0), ("体重一百二", 60.0),
    ("130斤左右", 65.0), ("六十公斤出头", 60.0), ("55 KG", 55.0), ("大概一百三十斤", 65.0), ("120斤上下", 60.0),
    ("48kg", 48.0), ("90斤", 45.0), ("105磅", 47.63), ("五十公斤", 50.0), ("一百一十五斤", 57.5),
    ("about 60 kilos", 60.0), ("around 130 pounds", 58.97), ("I weigh 58 kg", 58.0), ("60 kgs", 60.0),
    ("I weigh 58 kilograms", 58.0), ("9 stone", 57.15),
]


@pytest.mark.parametrize(("text", "cm"), HEIGHTS)
def test_parse_height(text: str, cm: float) -> None:
    assert parse_height(text) == pytest.approx(cm, abs=0.01)


@pytest.mark.parametrize(("text", "kg"), WEIGHTS)
def test_parse_weight(text: str, kg: float) -> None:
    assert parse_weight(text) == pytest.approx(kg, abs=0.01)


def test_round_values_are_exact() -> None:
    assert parse_height("一米六五") == 165.0
    assert parse_height("一米六") == 160.0  # not 160.00000000000003


@pytest.mark.parametrize(
    ("text", "height_cm", "weight_kg"),
    [
        ("我一米六五，一百二十斤，穿什么码", 165.0, 60.0),
        ("我一米六五，一百二十斤，穿神么码", 165.0, 60.0),  # typo next to the numbers
        ("我一米六五一百二十斤", 165.0, 60.0),  # no separator: cn2an.transform gives up here
        ("I'm 5'4\" and 132 lbs", 162.56, 59.87),
        ("I am 5 ft 4 in, 60kg", 162.56, 60.0),
        ("我一米六五，穿什么码", 165.0, None),
        ("我120斤，想买2件", None, 60.0),
        ("你好，请问有货吗？", None, None),
        ("", None, None),
    ],
)
def test_parse_body(text: str, height_cm: float | None, weight_kg: float | None) -> None:
    body = parse_body(text)
    assert body.height_cm == (None if height_cm is None else pytest.approx(height_cm))
    assert body.weight_kg == (None if weight_kg is None else pytest.approx(weight_kg))
    for reading in (body.height, body.weight):
        if reading is not None:
            assert text[reading.start : reading.end] == reading.text


def test_parse_body_readings_point_into_original_text() -> None:
    body = parse_body("我一米六五，一百二十斤，穿什么码")
    assert body == Body(
        height_cm=165.0,
        weight_kg=60.0,
        height=Reading("一米六五", 1.65, "m", 1, 5, assumed=False),
        weight=Reading("一百二十斤", 120.0, "jin", 6, 11, assumed=False),
        ambiguous=(),
    )


def test_english_reading_units() -> None:
    body = parse_body("I'm 5'4\" and 132 lbs")
    assert body.height is not None and body.weight is not None
    assert (body.height.text, body.height.unit) == ("5'4\"", "ft_in")
    assert (body.weight.text, body.weight.unit) == ("132 lbs", "lb")


def test_bare_numbers_are_assumed_and_explained() -> None:
    body = parse_body("身高165，体重一百二")
    assert (body.height_cm, body.weight_kg) == (165.0, 60.0)
    assert body.height is not None and body.height.assumed and body.height.unit == "cm"
    assert body.weight is not None and body.weight.assumed and body.weight.unit == "jin"
    assert body.ambiguous == (
        '"165" has no unit: read as cm',
        '"一百二" has no unit: read as 斤 because 120 kg is unlikely (bare numbers above 90 are taken as 斤)',
    )


@pytest.mark.parametrize(
    ("text", "word"),
    [("我一米七几，一百斤", "几"), ("一米六五，一百斤出头", "出头"), ("一米六五，一百多斤", "多")],
)
def test_approximate_numbers_are_noted(text: str, word: str) -> None:
    notes = parse_body(text).ambiguous
    assert len(notes) == 1 and f'"{word}"' in notes[0]


def test_多少_is_not_approximate() -> None:
    assert parse_body("一百二十斤多少钱").ambiguous == ()


def test_implausible_value_in_a_message_is_ignored_with_a_note() -> None:
    body = parse_body("3米，60kg")
    assert (body.height_cm, body.weight_kg) == (None, 60.0)
    assert "implausible" in body.ambiguous[0]


@pytest.mark.parametrize(
    ("parse", "text", "expected"),
    [
        (parse_height, "很高", ['"很高"', "length unit", "165cm, 1米65, 一米六五, 5尺2 or 5'4\""]),
        (parse_height, "120斤", ['"120斤"', "Could not read a height"]),
        (parse_weight, "很重", ['"很重"', "weight unit", "60kg, 120斤, 一百二十斤 or 132 lbs"]),
        (parse_weight, "165cm", ['"165cm"', "Could not read a weight"]),
    ],
)
def test_unreadable_input_explains_accepted_forms(parse: Callable[[str], float], text: str, expected: list[str]) -> None:
    with pytest.raises(ValueError) as error:
        parse(text)
    for part in expected:
        assert part in str(error.value)


@pytest.mark.parametrize(
    ("parse", "text", "expected"),
    [
        (parse_height, "3米", "300 cm, which is implausible (expected 50-250 cm)"),
        (parse_height, "20cm", "20 cm, which is implausible"),
        (parse_weight, "1000斤", "500 kg, which is implausible (expected 2-300 kg)"),
        (parse_weight, "1kg", "1 kg, which is implausible"),
    ],
)
def test_implausible_values_raise(parse: Callable[[str], float], text: str, expected: str) -> None:
    with pytest.raises(ValueError, match="implausible") as error:
        parse(text)
    assert expected in str(error.value)


def test_import_is_lazy() -> None:
    """Importing kit.units must not pay for pint or cn2an; they load on first use."""
    check = "import kit.units, sys; assert 'pint' not in sys.modules and 'cn2an' not in sys.modules"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run([sys.executable, "-c", check], cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("text", "cm"), EVERYDAY_HEIGHTS)
def test_everyday_heights(text: str, cm: float) -> None:
    assert parse_height(text) == pytest.approx(cm, abs=0.01)


@pytest.mark.parametrize(("text", "kg"), EVERYDAY_WEIGHTS)
def test_everyday_weights(text: str, kg: float) -> None:
    assert parse_weight(text) == pytest.approx(kg, abs=0.01)


@pytest.mark.parametrize(
    ("parse", "text"),
    [(parse_height, "about 60 kilos"), (parse_height, "I weigh 58 kg"), (parse_weight, "162 centimeters"),
     (parse_weight, "1.65 metres"), (parse_height, "壹米陆伍")],
)
def test_the_wrong_kind_of_quantity_is_not_read(parse: Callable[[str], float], text: str) -> None:
    with pytest.raises(ValueError, match="Could not read"):
        parse(text)


def test_errors_are_explained_in_chinese_with_the_customers_words_as_written() -> None:
    from kit import i18n

    i18n.set_language("zh")
    try:
        with pytest.raises(ValueError) as unreadable:
            parse_weight("很重")
        with pytest.raises(ValueError) as implausible:
            parse_height("我身高3米")
        notes = parse_body("3米，60kg").ambiguous
    finally:
        i18n._chosen = None
    assert str(unreadable.value) == "没能从“很重”里读出体重：没有找到带重量单位的数字；请写成 60kg、120斤、一百二十斤 或 132 lbs 这样"
    assert str(implausible.value) == "“我身高3米”里的身高“3米”换算成 300 cm，不太可能（应在 50-250 cm 之间）"
    assert notes == parse_body("3米，60kg").ambiguous  # notes go to the model in a tool result: English in every edition
