"""The shop's data, validated: products, size charts, ordering steps and jargon.

Everything is read from `data/catalogue.yaml`; a mistake in that file fails with the file,
the field and what is wrong, before any conversation starts.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from kit.errors import CardError

DATA_FILE = Path(__file__).with_name("data") / "catalogue.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """The same words in Chinese and English."""

    zh: str
    en: str

    def in_(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class SizeRow(_Strict):
    """One size: its letter, its GB/T 1335 号型 code, and the body it fits (inclusive ranges)."""

    size: str
    code: str
    height_cm: tuple[float, float]
    weight_kg: tuple[float, float]

    @field_validator("height_cm", "weight_kg")
    @classmethod
    def _ordered(cls, band: tuple[float, float]) -> tuple[float, float]:
        if band[0] >= band[1]:
            raise ValueError(f"range {list(band)} must go from low to high")
        return band


class SizeChart(_Strict):
    """Sizes from smallest to largest."""

    name: Text
    rows: tuple[SizeRow, ...]

    @property
    def sizes(self) -> tuple[str, ...]:
        return tuple(row.size for row in self.rows)


class Product(_Strict):
    sku: str
    name: Text
    category: str
    price: Decimal
    colours: dict[str, list[str]]
    size_chart: str | None = None
    description: Text


class Catalogue(_Strict):
    shop: dict[str, Text]
    size_charts: dict[str, SizeChart]
    products: tuple[Product, ...]
    how_to_order: dict[str, list[str]]
    jargon: dict[str, Text]

    @model_validator(mode="after")
    def _charts_exist(self) -> Catalogue:
        for product in self.products:
            if product.size_chart and product.size_chart not in self.size_charts:
                raise ValueError(
                    f"product {product.sku} names size_chart {product.size_chart!r}, "
                    f"which is not under size_charts ({', '.join(self.size_charts)})"
                )
        return self

    def product(self, sku: str) -> Product:
        for product in self.products:
            if product.sku == sku:
                return product
        known = ", ".join(p.sku for p in self.products)
        raise KeyError(f"No product with SKU {sku!r}; the shop has: {known}")

    def chart_for(self, sku: str) -> SizeChart:
        product = self.product(sku)
        if product.size_chart is None:
            raise KeyError(f"{sku} ({product.name.en}) has no size chart")
        return self.size_charts[product.size_chart]


def load_catalogue(path: Path = DATA_FILE) -> Catalogue:
    """Read and validate a catalogue file; errors name the file and the field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Catalogue.model_validate(raw)
    except yaml.YAMLError as error:
        raise CardError(f"{path}: not valid YAML: {error}") from None
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc']) or '(top level)'}: {issue['msg']}"
            for issue in error.errors()
        )
        raise CardError(f"{path}: {problems}") from None


@cache
def catalogue() -> Catalogue:
    """The shop's catalogue, loaded once."""
    return load_catalogue()
