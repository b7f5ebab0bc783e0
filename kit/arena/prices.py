"""What the arena's model calls cost: a price table per model, editable as YAML.

The kit ships `prices.yaml` with list prices; a config's `prices:` (or `run(prices=...)`) points at
the learner's own copy. A model missing from the table shows its tokens but no cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, PositiveInt, ValidationError

from kit.errors import KitError
from kit.i18n import _

DEFAULT_PRICES = Path(__file__).with_name("prices.yaml")


class PriceError(KitError):
    """A price table that cannot be read: the message names the file and the field."""


class _Price(BaseModel):
    model_config = ConfigDict(extra="forbid")
    input: NonNegativeFloat = Field(description="price of `per` prompt tokens")
    output: NonNegativeFloat = Field(description="price of `per` reply tokens")


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid")
    currency: str = "USD"
    per: PositiveInt = 1_000_000
    models: dict[str, _Price]


@dataclass(frozen=True)
class Prices:
    """Prices per model; `cost` finds a model by its exact name, else the longest listed prefix (gpt-4o-mini-2024-07-18)."""

    currency: str
    per: int
    models: dict[str, tuple[float, float]]
    source: str = "built-in"

    def price_of(self, model: str) -> tuple[float, float] | None:
        """(input, output) price per `per` tokens, or None when the model is not in the table."""
        name = model.lower()
        table = {key.lower(): value for key, value in self.models.items()}
        if name in table:
            return table[name]
        prefixes = [key for key in table if name.startswith(key)]
        return table[max(prefixes, key=len)] if prefixes else None

    def cost(self, model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
        """The estimated cost of these tokens on this model, or None when its price is unknown."""
        price = self.price_of(model)
        if price is None:
            return None
        return (prompt_tokens * price[0] + completion_tokens * price[1]) / self.per


def load_prices(path: str | Path | None = None) -> Prices:
    """Read a price table (the kit's own by default); a bad file fails with its name and the field to fix."""
    path = Path(path) if path is not None else DEFAULT_PRICES
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PriceError(_("{path}: no such price table. Copy {name} from the kit ({default}) and edit it, or leave "
                           "`prices:` out to use the kit's.").format(path=path, name=DEFAULT_PRICES.name,
                                                                     default=DEFAULT_PRICES)) from None
    except yaml.YAMLError as error:
        raise PriceError(_("{path}: not valid YAML: {error}").format(path=path, error=error)) from None
    try:
        table = _Table.model_validate(raw)
    except ValidationError as error:
        from kit.yaml_files import pydantic_message

        issue = error.errors()[0]
        field = ".".join(str(part) for part in issue["loc"]) or _("(file)")
        raise PriceError(_("{path}: {field}: {problem}. Each model needs an input and an output price per `per` "
                           "tokens, e.g. `gpt-4o-mini: {{input: 0.15, output: 0.60}}` under `models:`.").format(
                               path=path, field=field, problem=pydantic_message(issue))) from None
    return Prices(table.currency, table.per, {name: (p.input, p.output) for name, p in table.models.items()},
                  "built-in" if path == DEFAULT_PRICES else str(path))
