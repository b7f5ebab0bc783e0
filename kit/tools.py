"""Functions an agent may call, with OpenAI tool schemas generated from their signatures.

    @tool
    def size_lookup(sku: str, height_cm: float, weight_kg: float) -> dict: ...

The decorator reads the type hints (with `Annotated[..., Field(description=...)]` for the
words a model sees) and the docstring's first paragraph, and builds both the JSON schema and
the validator that checks a model's arguments before the function runs. A bad call comes
back to the model as a readable tool error; it never crashes the conversation.
"""

from __future__ import annotations

import copy
import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Any, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from kit.i18n import N_, english, said

@dataclass(frozen=True)
class Tool:
    """A typed Python function offered to the model under its own name."""

    function: Callable[..., Any]

    @property
    def name(self) -> str:
        return self.function.__name__

    @property
    def description(self) -> str:
        return inspect.cleandoc(self.function.__doc__ or "").split("\n\n")[0].replace("\n", " ")

    @cached_property
    def arguments(self) -> type[BaseModel]:
        """A pydantic model of the parameters: it validates calls and writes the JSON schema."""
        hints = get_type_hints(self.function, include_extras=True)
        fields: dict[str, Any] = {}
        for name, parameter in inspect.signature(self.function).parameters.items():
            default = ... if parameter.default is inspect.Parameter.empty else parameter.default
            fields[name] = (hints[name], default)
        return create_model(f"{self.name}_arguments", __config__=ConfigDict(extra="forbid"), **fields)

    def schema(self) -> dict[str, Any]:
        """The OpenAI `tools=[...]` entry for this tool (a fresh copy: callers may change it)."""
        return copy.deepcopy(self._schema)

    @cached_property
    def _schema(self) -> dict[str, Any]:
        """Built once: pydantic's JSON schema costs about half a millisecond per tool and every turn sends it."""
        parameters = self.arguments.model_json_schema()
        parameters.pop("title", None)
        for field in parameters.get("properties", {}).values():
            field.pop("title", None)
        return {"type": "function", "function": {"name": self.name, "description": self.description, "parameters": parameters}}

    def run(self, arguments: dict[str, Any]) -> str:
        """Validate the model's arguments, call the function, and return JSON for the model to read."""
        try:
            checked = self.arguments.model_validate(arguments)
        except ValidationError as error:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'arguments'}: {e['msg']}" for e in error.errors())
            return _error(f"{self.name} was called with invalid arguments ({problems}). Fix them and call again.")
        try:
            result = self.function(**dict(checked))
        except (ValueError, KeyError, LookupError) as error:
            return _error(f"{self.name}: {english(error)}")
        return json.dumps(result, ensure_ascii=False, default=str)


def _error(message: str) -> str:
    return json.dumps({"error": message}, ensure_ascii=False)


def tool(function: Callable[..., Any]) -> Tool:
    """Make a typed function into a `Tool` (its name, docstring and type hints become the schema)."""
    return Tool(function)


# The shop's tools. Each returns plain data (dicts of strings and numbers) a model can read.

Sku = Annotated[str, Field(description="the product code shown on the product page, e.g. J-101")]


@tool
def size_lookup(
    sku: Sku,
    height_cm: Annotated[float, Field(gt=0, description="height in centimetres")],
    weight_kg: Annotated[float, Field(gt=0, description="weight in kilograms (1 斤 = 0.5 kg)")],
) -> dict[str, Any]:
    """Recommend a clothing size from the product's size chart, from height in cm and weight in kg."""
    from kit.shop import catalogue, recommend_size

    advice = recommend_size(catalogue().chart_for(sku), height_cm, weight_kg)
    return {
        "size": advice.size,
        "code": advice.row.code,
        "between": [advice.by_height.size, advice.by_weight.size] if advice.between else None,
        "explanation_zh": advice.explain("zh"),
        "explanation_en": advice.explain("en"),
    }


@tool
def convert_units(
    text: Annotated[str, Field(description="the customer's words with their height and/or weight, as written")],
) -> dict[str, Any]:
    """Read a height and weight written in any units (一米六五, 5尺2, 一百二十斤, 5'4", 132 lbs) as cm and kg."""
    from kit.units import parse_body

    body = parse_body(text)
    if body.height_cm is None and body.weight_kg is None:
        raise said(ValueError, N_("no height or weight found in {text}; ask the customer for them"), text=repr(text))
    return {"height_cm": body.height_cm, "weight_kg": body.weight_kg, "notes": list(body.ambiguous)}


@tool
def hand_off(
    reason: Annotated[str, Field(description="one sentence for the human colleague: what the customer needs")],
) -> dict[str, Any]:
    """Transfer the customer to a human colleague. Use it as soon as the customer asks for a person."""
    return {"handed_off": True, "queue": "human customer service", "reason": reason}


@tool
def quote_price(
    cart: Annotated[dict[str, int], Field(description='product codes and quantities, e.g. {"J-101": 2}')],
    coupons: Annotated[list[str], Field(description="ids of the coupons the customer holds, e.g. shop-200-20")] = [],  # noqa: B006 - pydantic copies defaults
    member: Annotated[bool, Field(description="whether the customer is a shop member")] = False,
) -> dict[str, Any]:
    """Compute the exact final price of a cart with every promotion and coupon, step by step."""
    from kit.shop import quote

    priced = quote(cart, coupons=coupons, member=member)
    return {
        "total": str(priced.total),
        "original": str(priced.original),
        "saved": str(priced.saved),
        "explanation_zh": priced.explain("zh"),
        "explanation_en": priced.explain("en"),
    }


@tool
def order_status(
    order_id: Annotated[str, Field(description="the 16-digit order number the customer gives")],
    phone_last4: Annotated[str | None, Field(description="last 4 digits of the order's phone, to verify the customer")] = None,
) -> dict[str, Any]:
    """Look up an order. It is shown only when the customer gives the last 4 digits of the order's phone."""
    from kit.shop import order_status as lookup

    view = lookup(order_id, phone_last4)
    return {"outcome": view.outcome, "message_zh": view.message.zh, "message_en": view.message.en,
            **({"details": view.model_dump(mode="json", exclude_none=True)} if view.verified else {})}


@tool
def product_search(
    query: Annotated[str, Field(description="what the customer wants, in their words, e.g. 混油皮 粉底")],
    skin_type: Annotated[str | None, Field(description="optional skin type, e.g. 混油皮 or oily")] = None,
    limit: Annotated[int, Field(ge=1, le=10, description="how many products to return")] = 3,
) -> dict[str, Any]:
    """Find products in the shop's catalogue that match a customer's need, best first."""
    from kit.shop import search

    return {"products": [hit.as_dict() for hit in search(query, skin_type=skin_type, limit=limit)]}


SHOP_TOOLS: tuple[Tool, ...] = (size_lookup, convert_units, quote_price, order_status, product_search, hand_off)
