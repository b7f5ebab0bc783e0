"""Tools: schemas generated from typed signatures, arguments validated, errors returned to the model."""

from __future__ import annotations

import json
from typing import Annotated

from pydantic import Field

import kit
from kit.tools import SHOP_TOOLS, convert_units, size_lookup, tool


@tool
def shipping_days(city: Annotated[str, Field(description="the customer's city")], express: bool = False) -> dict:
    """How many days delivery takes to a city.

    The second paragraph is for programmers, not for the model.
    """
    return {"days": 1 if express else 3, "city": city}


def test_the_schema_comes_from_the_signature_and_the_docstring() -> None:
    schema = shipping_days.schema()
    assert schema == {
        "type": "function",
        "function": {
            "name": "shipping_days",
            "description": "How many days delivery takes to a city.",
            "parameters": {
                "additionalProperties": False,
                "properties": {
                    "city": {"description": "the customer's city", "type": "string"},
                    "express": {"default": False, "type": "boolean"},
                },
                "required": ["city"],
                "type": "object",
            },
        },
    }


def test_every_shop_tool_has_a_described_schema() -> None:
    for shop_tool in SHOP_TOOLS:
        function = shop_tool.schema()["function"]
        assert function["description"] and function["parameters"]["type"] == "object"
        assert all("description" in field for field in function["parameters"]["properties"].values())


def test_valid_arguments_run_the_function() -> None:
    assert json.loads(size_lookup.run({"sku": "J-101", "height_cm": 165, "weight_kg": 60}))["size"] == "L"
    assert json.loads(convert_units.run({"text": "5尺2，一百斤"})) == {"height_cm": 173.33, "weight_kg": 50.0, "notes": []}


def test_invalid_arguments_come_back_as_an_error_the_model_can_fix() -> None:
    error = json.loads(size_lookup.run({"sku": "J-101", "height_cm": "tall"}))["error"]
    assert "height_cm: Input should be a valid number" in error and "weight_kg: Field required" in error
    assert "call again" in error
    extra = json.loads(shipping_days.run({"city": "北京", "colour": "red"}))["error"]
    assert "colour: Extra inputs are not permitted" in extra


def test_a_failing_lookup_is_an_error_not_a_crash() -> None:
    assert "No product with SKU 'X-1'" in json.loads(size_lookup.run({"sku": "X-1", "height_cm": 1, "weight_kg": 1}))["error"]
    assert "ask the customer" in json.loads(convert_units.run({"text": "你好"}))["error"]


def test_the_agent_reports_an_unknown_tool_to_the_model() -> None:
    agent = kit.Agent("You are a shop assistant.", tools=[shipping_days])
    result = json.loads(agent._run_tool("size_lookup", {}))
    assert result == {"error": "there is no tool named 'size_lookup'; the tools are: shipping_days"}


def test_in_chinese_the_learner_reads_chinese_and_the_model_still_reads_english() -> None:
    import pytest

    from kit import i18n
    from kit.shop import quote
    from kit.tools import product_search, quote_price

    english = {
        "quote": quote_price.run({"cart": {"J101": 1}}),
        "size": size_lookup.run({"sku": "C-111", "height_cm": 160, "weight_kg": 50}),
        "search": product_search.run({"query": "粉底", "skin_type": "龙皮"}),
        "units": convert_units.run({"text": "你好"}),
    }
    i18n.set_language("zh")
    try:
        chinese = {
            "quote": quote_price.run({"cart": {"J101": 1}}),
            "size": size_lookup.run({"sku": "C-111", "height_cm": 160, "weight_kg": 50}),
            "search": product_search.run({"query": "粉底", "skin_type": "龙皮"}),
            "units": convert_units.run({"text": "你好"}),
        }
        with pytest.raises(kit.shop.QuoteError, match="购物车里有未知商品编号 'J101'"):
            quote({"J101": 1})
    finally:
        i18n._chosen = None
    assert chinese == english  # a tool result is part of the conversation: the same in every edition
    assert json.loads(english["quote"])["error"] == "quote_price: the cart has unknown SKU 'J101'; did you mean J-101?"
    assert "C-111 (Oil-control long-wear liquid foundation) has no size chart" in english["size"]
