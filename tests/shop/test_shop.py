"""The shop as ground truth: the size chart, size advice, the product page, and bad data files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kit.errors import CardError
from kit.shop import brief, catalogue, load_catalogue, recommend_size
from kit.shop.catalogue import DATA_FILE

CHART = catalogue().chart_for("J-101")


@pytest.mark.parametrize(
    ("height", "weight", "size", "between"),
    [
        (165, 60, "L", False),  # the auntie: 一米六五, 一百二十斤
        (165, 120, "XXL", True),  # the same auntie with 斤 misread as kg
        (160, 50, "M", False),
        (158, 60, "L", True),  # height says M, weight says L: the larger
        (150, 40, "S", False),
    ],
)
def test_size_advice_follows_the_chart(height: float, weight: float, size: str, between: bool) -> None:
    advice = recommend_size(CHART, height, weight)
    assert (advice.size, advice.between) == (size, between)


def test_advice_beyond_the_chart_says_so() -> None:
    advice = recommend_size(CHART, 165, 120)
    assert advice.beyond_chart and "beyond the chart" in advice.explain("en") and "超出了尺码表" in advice.explain("zh")


def test_prices_are_exact_decimals() -> None:
    assert catalogue().product("J-101").price == Decimal("299.00")


def test_the_product_page_carries_chart_price_and_steps() -> None:
    page = brief("J-101")
    assert "¥299.00" in page and "| L | 165/88A | 163-167 | 55-62 |" in page and "1. " in page
    assert "Size chart" in brief("J-101", "en")


def test_unknown_sku_lists_the_shop() -> None:
    with pytest.raises(KeyError, match="J-101"):
        catalogue().product("X-1")


def test_a_bad_catalogue_names_file_and_field(tmp_path: Path) -> None:
    broken = tmp_path / "catalogue.yaml"
    broken.write_text(DATA_FILE.read_text(encoding="utf-8").replace('price: "299.00"', 'price: "cheap"'), encoding="utf-8")
    with pytest.raises(CardError) as caught:
        load_catalogue(broken)
    assert str(broken) in str(caught.value) and "products.0.price" in str(caught.value)


def test_a_chart_range_must_go_up(tmp_path: Path) -> None:
    broken = tmp_path / "catalogue.yaml"
    broken.write_text(DATA_FILE.read_text(encoding="utf-8").replace("[163, 167]", "[167, 163]"), encoding="utf-8")
    with pytest.raises(CardError, match="low to high"):
        load_catalogue(broken)


def test_the_in_between_case_is_explained_both_ways() -> None:
    advice = recommend_size(CHART, 158, 60)  # height says M, weight says L
    assert advice.span == ("M", "L")
    assert "Between M and L" in advice.explain("en") and "L if you like it loose, M if you like it snug" in advice.explain("en")
    assert "介于M和L之间：喜欢宽松选L码，喜欢修身可以选M码" in advice.explain("zh")
