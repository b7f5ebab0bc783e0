"""Read a customer's height and weight from mixed Chinese and Western units.

Customers write 一米六五, 1米65, 5尺2, 5'4", 一百二十斤, 132 lbs or just "120". We find each
number-with-unit in the original text (so spans point into what the customer typed), turn
Chinese numerals into numbers with cn2an, and convert units with pint. pint and cn2an are
imported lazily: building the unit registry takes a noticeable fraction of a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal, NamedTuple

from kit.i18n import N_, _

if TYPE_CHECKING:
    import pint

__all__ = ["Body", "Reading", "parse_body", "parse_height", "parse_weight"]

_Kind = Literal["height", "weight"]


@dataclass(frozen=True)
class Reading:
    """One height or weight as the customer wrote it, with where it sits in their message."""

    text: str  # the matched span, as written
    value: float  # the number in `unit`; compounds fold into the larger unit: 1米65 -> 1.65, 5'4" -> 5.333
    unit: str  # canonical unit: 'cm','m','chi','cun','ft_in','inch','jin','kg','lb','g','stone'
    start: int  # text == original[start:end]
    end: int
    assumed: bool = False  # True when no unit was written and we guessed it


@dataclass(frozen=True)
class Body:
    """Height and weight found in a whole customer message, plus notes on every guess made."""

    height_cm: float | None
    weight_kg: float | None
    height: Reading | None
    weight: Reading | None
    ambiguous: tuple[str, ...] = ()


# Unit words -> canonical unit. Feet are handled by their own pattern (5'4", 5 ft 4 in).
_UNIT_WORDS = {
    "米": "m", "公尺": "m", "m": "m", "meters": "m", "metres": "m", "meter": "m", "metre": "m",
    "厘米": "cm", "公分": "cm", "cm": "cm", "centimeters": "cm", "centimetres": "cm", "centimeter": "cm", "centimetre": "cm",
    "尺": "chi", "市尺": "chi",
    "寸": "cun",
    "英寸": "inch", "inches": "inch", "inch": "inch", "in": "inch",
    '"': "inch", "″": "inch", "”": "inch",
    "斤": "jin", "市斤": "jin",
    "公斤": "kg", "千克": "kg", "kg": "kg", "kgs": "kg", "kilos": "kg", "kilo": "kg", "kilograms": "kg", "kilogram": "kg",
    "stone": "stone", "stones": "stone",
    "磅": "lb", "lb": "lb", "lbs": "lb", "pound": "lb", "pounds": "lb",
    "克": "g", "g": "g",
}
_LENGTH = frozenset({"cm", "m", "chi", "cun", "ft_in", "inch"})
_MASS = frozenset({"jin", "kg", "lb", "g", "stone"})
_PINT_NAME = {"ft_in": "foot"}  # every other canonical name is already a pint unit name

# Words that make a number approximate (一百多斤, 一米七几, 一百斤出头): we read the number and say so.
_FUZZY = {
    "出头": "a bit over", "左右": "about", "上下": "about",
    "几": "a few", "多": "more than", "来": "about", "余": "more than",
}
_FUZZY_INSIDE = "多|几|来|余"  # between the number and its unit
_FUZZY_AFTER = "出头|左右|上下|几|多(?!少)"  # after the unit; 多少 is "how much", not "more than"

_ARABIC = r"(?<![A-Za-z\d.])\d+(?:\.\d+)?"
_CHINESE = r"(?:[零〇一二两三四五六七八九十百]|千(?!克))+(?:点[零〇一二三四五六七八九]+)?"  # 千 but not 千克
_NUM = f"(?:{_ARABIC}|{_CHINESE})"
_CN_DIGIT = "[零〇一二三四五六七八九]"
# Digits after 米 are the centimetres: 1米6 = 1.6 m, 1米65 = 1.65 m, 一米六十 = 1.60 m.
_METRE_TAIL = rf"\d{{1,2}}(?![\d.])|[一二三四五六七八九]十|{_CN_DIGIT}{{1,2}}(?![十百千])"
_INCHES = r"(?:1[01]|\d)(?:\.\d+)?(?![\d.])"  # under 12, so "5ft 60kg" is not 5 ft 60 in
_UNIT_ALTERNATIVES = "|".join(re.escape(word) for word in sorted(_UNIT_WORDS, key=len, reverse=True))

_READING = re.compile(
    rf"""
      (?P<m_num>{_NUM})(?:米|公尺|m)(?P<m_tail>{_METRE_TAIL})                    # 1米65, 一米六, 1m7
    | (?P<c_num>{_NUM})市?尺(?P<c_tail>\d(?![\d.])|{_CN_DIGIT}(?![十百千]))寸?     # 5尺2, 五尺二寸
    | (?P<f_num>{_ARABIC})\s*(?:feet|foot|ft(?![a-z])|英尺|['′’])
          (?:\s*(?P<f_in>{_INCHES})(?:\s*(?:inches|inch|in(?![a-z])|''|["″”]))?)?   # 5'4", 5 ft 4 in
    | (?P<s_num>{_NUM})\s*(?P<s_fuzzy>{_FUZZY_INSIDE})?\s*(?P<s_unit>{_UNIT_ALTERNATIVES})(?![a-z])  # 165cm, 一百多斤
    | (?P<b_num>{_NUM})(?=(?:{_FUZZY_AFTER})?(?:$|[\s,，.。!！?？;；、/]|的|和|身高|体重))  # a bare 165
    """,
    re.VERBOSE | re.IGNORECASE,
)
_FUZZY_AFTER_AT = re.compile(_FUZZY_AFTER)
_FUZZY_INSIDE_AT = re.compile(_FUZZY_INSIDE)
_CN_TO_DIGITS = str.maketrans("零〇一二三四五六七八九十", "001234567890")  # tails only: 六十 -> 60

_HEIGHT_CM = (50.0, 250.0)
_WEIGHT_KG = (2.0, 300.0)
_EXAMPLES = {"height": N_("165cm, 1米65, 一米六五, 5尺2 or 5'4\""), "weight": N_("60kg, 120斤, 一百二十斤 or 132 lbs")}
# What parse_height and parse_weight say when they cannot read the text, by kind (the learner reads them).
_UNREADABLE = {
    "height": N_('Could not read a height in "{text}": found no number with a length unit; write it like {examples}'),
    "weight": N_('Could not read a weight in "{text}": found no number with a weight unit; write it like {examples}'),
}
_NEGATIVE = {
    "height": N_('Height "-{reading}" in "{text}" is negative: a height is a positive amount, like {examples}'),
    "weight": N_('Weight "-{reading}" in "{text}" is negative: a weight is a positive amount, like {examples}'),
}
_IMPLAUSIBLE = {"height": N_('Height "{reading}" in "{text}" is {problem}'),
                "weight": N_('Weight "{reading}" in "{text}" is {problem}')}


class _Hit(NamedTuple):
    """A number found in the text; unit is None when none was written."""

    text: str
    value: float
    unit: str | None
    start: int
    end: int


@cache
def _ureg() -> pint.UnitRegistry:
    """The shared unit registry, built on first use because building it is slow."""
    import pint

    ureg = pint.UnitRegistry()
    ureg.define("jin = 0.5 * kilogram = 斤")  # 市斤
    ureg.define("chi = meter / 3 = 尺")  # 市尺
    ureg.define("cun = chi / 10 = 寸")  # 市寸
    return ureg


@cache
def _factor(unit: str, target: str) -> float:
    """How many `target` units one `unit` is, asked of pint once per pair (all these units are linear)."""
    return _ureg().Quantity(1, _PINT_NAME.get(unit, unit)).to(target).magnitude


def _convert(reading: Reading, target: str) -> float:
    """The reading in `target` units, rounded to 0.01 so 1.6 m gives 160.0, not 160.00000000000003."""
    return round(reading.value * _factor(reading.unit, target), 2)


def _number(token: str) -> float:
    """An Arabic or Chinese numeral as a float: '1.65' -> 1.65, '一百二' -> 120, '两百' -> 200."""
    try:
        return float(token)
    except ValueError:
        import cn2an

        return float(cn2an.cn2an(token, "normal"))  # "normal", not "strict": strict rejects 两 and 一百二


def _hit(match: re.Match[str]) -> _Hit:
    """Turn one regex match into a number with its canonical unit (None if no unit was written)."""
    group = match.group
    if group("m_num"):
        tail = group("m_tail").translate(_CN_TO_DIGITS)  # digit by digit: cn2an reads 〇五 as 5, not 05
        value, unit = _number(group("m_num")) + int(tail) / 10 ** len(tail), "m"
    elif group("c_num"):
        value, unit = _number(group("c_num")) + int(group("c_tail").translate(_CN_TO_DIGITS)) / 10, "chi"
    elif group("f_num"):
        value, unit = float(group("f_num")) + float(group("f_in") or 0) / 12, "ft_in"
    elif group("s_num"):
        value, unit = _number(group("s_num")), _UNIT_WORDS[group("s_unit").lower()]
    else:
        value, unit = _number(group("b_num")), None
    return _Hit(match.group(), value, unit, match.start(), match.end())


def _scan(text: str) -> list[_Hit]:
    """Every number in the text that has a unit or stands alone, left to right."""
    hits = []
    for match in _READING.finditer(text):
        try:
            hits.append(_hit(match))
        except ValueError:  # cn2an could not read it (e.g. a lone 百): not a number after all
            continue
    return hits


def _guess_unit(hit: _Hit, kind: _Kind) -> tuple[str, str]:
    """The unit for a bare number, and a note explaining the guess."""
    quoted = f'"{hit.text}" has no unit'
    if kind == "height":
        unit = "m" if hit.value < 3 else "cm"
        return unit, f"{quoted}: read as {unit}"
    if hit.value > 90:
        return "jin", f"{quoted}: read as 斤 because {hit.value:g} kg is unlikely (bare numbers above 90 are taken as 斤)"
    return "kg", f"{quoted}: read as kg (bare numbers up to 90 are taken as kg)"


def _candidates(hits: list[_Hit], kind: _Kind) -> list[tuple[Reading, str | None]]:
    """Readings of one kind with any guess note: numbers with a written unit first, then bare ones."""
    units = _LENGTH if kind == "height" else _MASS
    written: list[tuple[Reading, str | None]] = []
    bare: list[tuple[Reading, str | None]] = []
    for hit in hits:
        if hit.unit is None:
            if hit.value < 10 and hit.value.is_integer():
                continue  # a lone 1-9 is a count (一，两件) or a size, not a body measurement
            unit, note = _guess_unit(hit, kind)
            bare.append((Reading(hit.text, hit.value, unit, hit.start, hit.end, assumed=True), note))
        elif hit.unit in units:
            written.append((Reading(hit.text, hit.value, hit.unit, hit.start, hit.end), None))
    return written + bare


def _standard_value(reading: Reading, kind: _Kind) -> float:
    """Centimetres for a height, kilograms for a weight."""
    return _convert(reading, "cm" if kind == "height" else "kg")


def _implausible(value: float, kind: _Kind, translated: bool = False) -> str | None:
    """Why the value cannot be a human height or weight, or None if it can.

    In English for the notes a tool returns to the model; `translated` for an error the learner reads."""
    low, high = _HEIGHT_CM if kind == "height" else _WEIGHT_KG
    unit = "cm" if kind == "height" else "kg"
    if low <= value <= high:
        return None
    message = N_("{value} {unit}, which is implausible (expected {low}-{high} {unit})")
    return (_(message) if translated else message).format(value=f"{value:g}", unit=unit, low=f"{low:g}", high=f"{high:g}")


def _parse_one(text: str, kind: _Kind) -> float:
    """Shared body of parse_height and parse_weight: the first reading of `kind`, checked."""
    candidates = _candidates(_scan(text), kind)
    if not candidates:
        raise ValueError(_(_UNREADABLE[kind]).format(text=text, examples=_(_EXAMPLES[kind])))
    reading = candidates[0][0]
    if re.search(r"(?<![\w.])[-−–﹣－]\s*$|负\s*$", text[: reading.start]):
        raise ValueError(_(_NEGATIVE[kind]).format(reading=reading.text, text=text, examples=_(_EXAMPLES[kind])))
    value = _standard_value(reading, kind)
    problem = _implausible(value, kind, translated=True)
    if problem:
        raise ValueError(_(_IMPLAUSIBLE[kind]).format(reading=reading.text, text=text, problem=problem))
    return value


def parse_height(text: str) -> float:
    """The height in `text`, in centimetres; raises ValueError if none is readable or it is implausible."""
    return _parse_one(text, "height")


def parse_weight(text: str) -> float:
    """The weight in `text`, in kilograms; raises ValueError if none is readable or it is implausible."""
    return _parse_one(text, "weight")


def _fuzzy_note(text: str, reading: Reading, value: float, unit: str) -> str | None:
    """A note when the number is approximate (一米七几, 一百斤出头, 一百多斤), else None."""
    after = _FUZZY_AFTER_AT.match(text, reading.end)
    inside = _FUZZY_INSIDE_AT.search(reading.text)
    found = after or inside
    if not found:
        return None
    word = found.group()
    shown = text[reading.start : after.end()] if after else reading.text
    return f'"{shown}": "{word}" ({_FUZZY[word]}) was ignored, read as {value:g} {unit}'


def _pick(text: str, hits: list[_Hit], kind: _Kind, notes: list[str]) -> tuple[Reading | None, float | None]:
    """The first plausible reading of `kind` and its value in cm or kg; appends what was guessed to `notes`."""
    unit = "cm" if kind == "height" else "kg"
    for reading, guess in _candidates(hits, kind):
        value = _standard_value(reading, kind)
        problem = _implausible(value, kind)
        if problem:
            if not reading.assumed:  # a bare number that does not fit is simply not this kind
                notes.append(f'"{reading.text}" ignored as a {kind}: {problem}')
            continue
        notes.extend(note for note in (guess, _fuzzy_note(text, reading, value, unit)) if note)
        return reading, value
    return None, None


def parse_body(text: str) -> Body:
    """Height and weight from a whole customer message; missing ones are None, never an error."""
    hits = _scan(text)
    notes: list[str] = []
    height, height_cm = _pick(text, hits, "height", notes)
    if height is not None:  # a bare number used as the height cannot also be the weight
        hits = [hit for hit in hits if hit.start != height.start]
    weight, weight_kg = _pick(text, hits, "weight", notes)
    return Body(height_cm, weight_kg, height, weight, tuple(notes))
