"""Functions an agent may call, each with its OpenAI tool schema.

The conversation loop runs a tool when the model asks for it and sends the result back.
Lesson 05 builds on these; for now the shop offers a size lookup.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Tool:
    """A named function with a JSON-schema description the model reads."""

    name: str
    description: str
    parameters: dict[str, Any]
    function: Callable[..., Any]

    def schema(self) -> dict[str, Any]:
        """The OpenAI `tools=[...]` entry for this tool."""
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": self.parameters},
        }

    def run(self, arguments: dict[str, Any]) -> str:
        """Call the function; a bad call comes back as an error the model can read and correct."""
        try:
            result = self.function(**arguments)
        except (TypeError, ValueError, KeyError) as error:
            return json.dumps({"error": f"{self.name}: {error}"}, ensure_ascii=False)
        return json.dumps(result, ensure_ascii=False, default=str)


def _size_lookup(sku: str, height_cm: float, weight_kg: float) -> dict[str, Any]:
    from kit.shop import catalogue, recommend_size

    advice = recommend_size(catalogue().chart_for(sku), float(height_cm), float(weight_kg))
    return {"size": advice.size, "code": advice.row.code, "explanation": advice.explain("zh")}


size_lookup = Tool(
    name="size_lookup",
    description="Recommend a clothing size from the product's size chart. Height in centimetres, weight in kilograms.",
    parameters={
        "type": "object",
        "properties": {
            "sku": {"type": "string", "description": "product code, e.g. J-101"},
            "height_cm": {"type": "number"},
            "weight_kg": {"type": "number", "description": "kilograms: 1 斤 = 0.5 kg"},
        },
        "required": ["sku", "height_cm", "weight_kg"],
    },
    function=_size_lookup,
)

ALL = (size_lookup,)
