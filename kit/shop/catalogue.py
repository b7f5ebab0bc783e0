"""The shop's data, validated: products, size charts, shoe sizes, skin types and shop words.

The data lives in YAML files in `data/` (CATALOGUE_FILES): `catalogue.yaml` holds what is
shop-wide, and one file per kind of product (clothing, cosmetics, shoes) holds those products
and their size tables. Each file is checked on its own, then all of them against each other;
a mistake fails with the file, the entry (a SKU or a chart id) and the field, before any
conversation starts.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, TypeVar, Union

import yaml
from pydantic import (
    AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator,
)

from kit.errors import CardError
from kit.i18n import N_, _, said

T = TypeVar("T", int, float)
DATA_DIR = Path(__file__).with_name("data")
CATALOGUE_FILES = ("catalogue.yaml", "clothing.yaml", "cosmetics.yaml", "shoes.yaml")
# The clothing file: J-101, V-205, S-310 and their size chart. tests/shop/test_shop.py breaks a copy of it.
DATA_FILE = DATA_DIR / "clothing.yaml"


def _low_to_high(band: tuple[Any, Any]) -> tuple[Any, Any]:
    if band[0] >= band[1]:
        raise ValueError(_("range {band} must go from low to high").format(band=list(band)))
    return band


# An inclusive range such as a height band [163, 167], checked to go from low to high.
Band = Annotated[tuple[T, T], AfterValidator(_low_to_high)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """The same words in Chinese and English."""

    zh: str
    en: str

    def in_(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def _both_languages(lists: dict[str, list[str]]) -> dict[str, list[str]]:
    """A {zh: [...], en: [...]} pair of lists must have both languages, item for item."""
    if set(lists) != {"zh", "en"}:
        if not lists:
            raise ValueError(_("needs exactly the keys zh and en, not none"))
        raise ValueError(_("needs exactly the keys zh and en, not {keys}").format(keys=", ".join(lists)))
    if len(lists["zh"]) != len(lists["en"]):
        raise ValueError(_("zh has {zh} items and en has {en}: give each in both languages").format(
            zh=len(lists["zh"]), en=len(lists["en"])))
    return lists


Bilingual = Annotated[dict[str, list[str]], AfterValidator(_both_languages)]


class SkinType(str, Enum):
    """Skin types as Chinese shops name them; names and glosses are in cosmetics.yaml."""

    COMBINATION_OILY = "combination_oily"  # 混油皮
    COMBINATION_DRY = "combination_dry"  # 混干皮
    OILY = "oily"  # 油皮
    DRY = "dry"  # 干皮
    NORMAL = "normal"  # 中性皮
    SENSITIVE = "sensitive"  # 敏感肌


class Undertone(str, Enum):
    """A shade's undertone: 黄调 (warm), 粉调 (cool) or 中性调."""

    YELLOW = "yellow"
    PINK = "pink"
    NEUTRAL = "neutral"


class Finish(str, Enum):
    """How base makeup looks on the skin: 哑光, 水光 or 自然光."""

    MATTE = "matte"
    DEWY = "dewy"
    NATURAL = "natural"


class SkinTypeInfo(_Strict):
    """A skin type's name, a plain gloss, and other words customers use for it."""

    name: Text
    gloss: Text
    also: tuple[str, ...] = ()


class SizeRow(_Strict):
    """One size: its letter, its GB/T 1335 号型 code, and the body it fits (inclusive ranges)."""

    size: str
    code: str
    height_cm: Band[float]
    weight_kg: Band[float]


class SizeChart(_Strict):
    """Sizes from smallest to largest."""

    name: Text
    rows: tuple[SizeRow, ...]

    @property
    def sizes(self) -> tuple[str, ...]:
        return tuple(row.size for row in self.rows)


_HAO_XING = re.compile(r"^(\d{3})/(\d{2,3})[YABC]$")


def _sound_chart(chart: SizeChart) -> SizeChart:
    """A shop's chart: 号型 codes whose height lies in the row's band, rows going up in height and weight."""
    for index, row in enumerate(chart.rows):
        code = _HAO_XING.match(row.code)
        if code is None:
            raise ValueError(_("rows.{index}.code: {code} is not a 号型 code such as 160/84A").format(
                index=index, code=repr(row.code)))
        if not row.height_cm[0] <= int(code[1]) <= row.height_cm[1]:
            band = _band(row.height_cm)
            raise ValueError(_("rows.{index}: code {code} is for height {height} cm, outside {band}").format(
                index=index, code=row.code, height=code[1], band=band))
        before = chart.rows[index - 1] if index else None
        for field in ("height_cm", "weight_kg"):
            if before and not all(b < a for b, a in zip(getattr(before, field), getattr(row, field))):
                raise ValueError(
                    _("rows.{index}.{field}: {band} must start and end above the row before ({before}): sizes go "
                      "from smallest to largest").format(
                        index=index, field=field, band=_band(getattr(row, field)), before=_band(getattr(before, field)))
                )
    return chart


class ShoeSizeRow(_Strict):
    """One shoe size: the Chinese 码, EU and US sizes, and the foot lengths it fits in mm (inclusive)."""

    cn: int
    eu: float
    us: float
    foot_mm: Band[int]


class ShoeSizeTable(_Strict):
    """Shoe sizes from smallest to largest."""

    name: Text
    rows: tuple[ShoeSizeRow, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ascending(self) -> ShoeSizeTable:
        for index, (before, row) in enumerate(zip(self.rows, self.rows[1:]), start=1):
            if not (before.cn < row.cn and before.eu < row.eu and before.us < row.us and before.foot_mm < row.foot_mm):
                raise ValueError(_("rows.{index}: cn, eu, us and foot_mm must all go up from the row before").format(
                    index=index))
        return self

    @property
    def sizes(self) -> tuple[str, ...]:
        return tuple(str(row.cn) for row in self.rows)

    def for_foot(self, foot_mm: float) -> ShoeSizeRow:
        """The first size whose foot range reaches this length; the largest if none does."""
        return next((row for row in self.rows if foot_mm <= row.foot_mm[1]), self.rows[-1])


def _band(band: tuple[float, float]) -> str:
    return f"{band[0]:g}-{band[1]:g}"


def _exact(value: Any) -> Any:
    """Prices are quoted strings in YAML: a float such as 299.9 is not exact money."""
    if isinstance(value, float):
        raise ValueError(_('write the price as a quoted string such as "{price}", so it stays exact').format(
            price=f"{value:.2f}"))
    return value


def _keys_as_text(value: Any) -> Any:
    """Stock keys are sizes or shade codes; shoe sizes such as 36 may be written as numbers."""
    return {str(key): count for key, count in value.items()} if isinstance(value, dict) else value


def _cents(price: Decimal) -> Decimal:
    """Always two decimals, so "299" shows as ¥299.00 like every other price."""
    return price.quantize(Decimal("0.01"))


Price = Annotated[Decimal, BeforeValidator(_exact), Field(gt=0, decimal_places=2), AfterValidator(_cents)]
Count = Annotated[int, Field(ge=0)]
Stock = Annotated[Union[Count, dict[str, Count]], BeforeValidator(_keys_as_text)]


class Delivery(_Strict):
    """Where the parcel ships from (a warehouse id) and how many days after payment it arrives."""

    ships_from: str
    days: tuple[int, int]

    @field_validator("days")
    @classmethod
    def _ordered(cls, days: tuple[int, int]) -> tuple[int, int]:
        if not 1 <= days[0] <= days[1]:
            raise ValueError(_("days {days} must be at least 1 and go from fewest to most").format(days=list(days)))
        return days


class Product(_Strict):
    """What every product has; Clothing, Cosmetic and Shoe add their own fields."""

    kind: ClassVar[str] = "product"
    sku: str = Field(pattern=r"^[A-Z]{1,2}-\d{3}$")
    name: Text
    category: str
    price: Price
    description: Text
    stock: Stock  # one count, or a count per size or shade code
    delivery: Delivery

    def units(self, variant: str | None = None) -> int:
        """How many are in stock: of one size or shade, or of all of them."""
        if isinstance(self.stock, int):
            return self.stock
        return self.stock.get(variant, 0) if variant is not None else sum(self.stock.values())


class Clothing(Product):
    """A garment: its colours and the id of its size chart (height and weight bands)."""

    kind: ClassVar[str] = "clothing"
    colours: Bilingual
    size_chart: str | None = None


class Shade(_Strict):
    """One shade of base makeup: code (Y02), name (黄二白), undertone and depth (1 = fairest, 5 = deepest)."""

    code: str = Field(pattern=r"^[A-Z]{1,2}\d{2,3}$")
    name: Text
    undertone: Undertone
    depth: int = Field(ge=1, le=5)


class Cosmetic(Product):
    """Makeup or skincare: shades if it has them, the skin types it suits, and who it is not for."""

    kind: ClassVar[str] = "cosmetics"
    volume: str
    shades: tuple[Shade, ...] = ()
    finish: Finish | None = None
    skin_types: tuple[SkinType, ...] = Field(min_length=1)
    ingredients: tuple[Text, ...] = Field(min_length=1)
    not_for: dict[SkinType, Text] = {}
    cautions: tuple[Text, ...] = ()

    @field_validator("shades")
    @classmethod
    def _codes_unique(cls, shades: tuple[Shade, ...]) -> tuple[Shade, ...]:
        codes = [shade.code for shade in shades]
        if twice := sorted({code for code in codes if codes.count(code) > 1}):
            raise ValueError(_("shade code {codes} is used more than once").format(codes=", ".join(twice)))
        return shades

    @model_validator(mode="after")
    def _suits_or_not(self) -> Cosmetic:
        if both := [skin.value for skin in self.not_for if skin in self.skin_types]:
            raise ValueError(_("not_for: {skins} is also under skin_types; a skin type is one or the other").format(
                skins=", ".join(both)))
        return self


class Shoe(Product):
    """A pair of shoes: colours, the id of its size table, and how it fits."""

    kind: ClassVar[str] = "shoes"
    colours: Bilingual
    size_table: str
    fit: Text


Kind = Literal["clothing", "cosmetics", "shoes"]
KINDS: tuple[str, ...] = ("clothing", "cosmetics", "shoes")


# One model per kind of data file; `kind:` at the top of a file says which.


class _ShopFile(_Strict):
    """catalogue.yaml: the shop, its warehouses and categories, how to order, shop words."""

    kind: Literal["shop"]
    shop: dict[str, Text]
    warehouses: dict[str, Text]
    categories: dict[str, Text]
    how_to_order: Bilingual
    how_to_order_by_kind: dict[Kind, Bilingual] = {}
    jargon: dict[str, Text] = {}


class _ClothingFile(_Strict):
    """clothing.yaml: garments and the size charts they use."""

    kind: Literal["clothing"]
    size_charts: dict[str, Annotated[SizeChart, AfterValidator(_sound_chart)]] = {}
    products: tuple[Clothing, ...] = ()


class _CosmeticsFile(_Strict):
    """cosmetics.yaml: makeup and skincare, with the words for skin types, undertones, finishes."""

    kind: Literal["cosmetics"]
    skin_types: dict[SkinType, SkinTypeInfo] = {}
    undertones: dict[Undertone, Text] = {}
    finishes: dict[Finish, Text] = {}
    jargon: dict[str, Text] = {}
    products: tuple[Cosmetic, ...] = ()


class _ShoesFile(_Strict):
    """shoes.yaml: shoes and their size tables."""

    kind: Literal["shoes"]
    shoe_sizes: dict[str, ShoeSizeTable] = {}
    products: tuple[Shoe, ...] = ()


_FILES: dict[str, type[BaseModel]] = {
    "shop": _ShopFile, "clothing": _ClothingFile, "cosmetics": _CosmeticsFile, "shoes": _ShoesFile,
}


class Catalogue(_Strict):
    """The whole shop: every data file's sections merged into one."""

    shop: dict[str, Text]
    warehouses: dict[str, Text]
    categories: dict[str, Text]
    how_to_order: Bilingual
    how_to_order_by_kind: dict[Kind, Bilingual] = {}
    jargon: dict[str, Text] = {}
    size_charts: dict[str, SizeChart] = {}
    shoe_sizes: dict[str, ShoeSizeTable] = {}
    skin_types: dict[SkinType, SkinTypeInfo] = {}
    undertones: dict[Undertone, Text] = {}
    finishes: dict[Finish, Text] = {}
    products: tuple[Union[Clothing, Cosmetic, Shoe], ...]

    def product(self, sku: str) -> Product:
        """The product with this SKU; a KeyError lists the SKUs there are."""
        for product in self.products:
            if product.sku == sku:
                return product
        known = ", ".join(p.sku for p in self.products)
        raise said(KeyError, N_("No product with SKU {sku}; the shop has: {known}"), sku=repr(sku), known=known)

    def of_kind(self, kind: str) -> tuple[Product, ...]:
        """The products of one kind: clothing, cosmetics or shoes."""
        return tuple(product for product in self.products if product.kind == kind)

    def chart_for(self, sku: str) -> SizeChart:
        """A garment's size chart by height and weight."""
        product = self.product(sku)
        chart = getattr(product, "size_chart", None)
        if chart is None:
            raise said(KeyError, N_("{sku} ({name}) has no size chart"), sku=sku, name=product.name.in_)
        return self.size_charts[chart]

    def shoe_sizes_for(self, sku: str) -> ShoeSizeTable:
        """A shoe's size table by foot length."""
        product = self.product(sku)
        if not isinstance(product, Shoe):
            raise said(KeyError, N_("{sku} ({name}) is not a shoe and has no shoe size table"), sku=sku,
                       name=product.name.in_)
        return self.shoe_sizes[product.size_table]

    def steps(self, product: Product, lang: str) -> list[str]:
        """How to order this kind of product: cosmetics pick a shade, clothes and shoes a size."""
        return self.how_to_order_by_kind.get(product.kind, self.how_to_order)[lang]

    def skin_type(self, word: str) -> SkinType:
        """The skin type a word names: its id, Chinese or English name, or another word for it."""
        wanted = word.strip().lower()
        for skin, info in self.skin_types.items():
            if wanted in {skin.value, info.name.zh, info.name.en.lower(), *(w.lower() for w in info.also)}:
                return skin
        known = ", ".join(f"{skin.value} ({info.name.zh})" for skin, info in self.skin_types.items())
        raise said(KeyError, N_("No skin type {word}; the shop knows: {known}"), word=repr(word), known=known)


def load_catalogue(path: Path = DATA_DIR) -> Catalogue:
    """Read and check the catalogue: a folder of CATALOGUE_FILES, or one file; errors name file, entry and field."""
    files = [path / name for name in CATALOGUE_FILES] if path.is_dir() else [path]
    parts = [(file, _read(file)) for file in files]
    merged, problems = _merge(parts)
    if problems:
        raise CardError("\n".join(problems))
    try:
        shop = Catalogue.model_validate(merged)
    except ValidationError as error:
        problems = [f"{path}: {_describe(merged, issue)}" for issue in error.errors()]
        hint = _("(a whole catalogue is a folder with {files})").format(files=", ".join(CATALOGUE_FILES))
        raise CardError("\n".join([*problems, hint])) from None
    if problems := _cross_check(parts, shop):
        raise CardError("\n".join(problems))
    return shop


def _read(file: Path) -> BaseModel:
    """One data file, validated by the model its `kind:` names."""
    try:
        with file.open(encoding="utf-8") as stream:
            raw = yaml.load(stream, Loader=_Loader)
    except FileNotFoundError:
        raise CardError(_("{path}: the catalogue needs this file ({files})").format(
            path=file, files=", ".join(CATALOGUE_FILES))) from None
    except yaml.YAMLError as error:
        raise CardError(_("{path}: not valid YAML: {error}").format(path=file, error=error)) from None
    kind = raw.get("kind") if isinstance(raw, dict) else None
    if kind not in _FILES:
        raise CardError(_("{path}: kind: should be one of {kinds}, not {kind}").format(
            path=file, kinds=", ".join(_FILES), kind=repr(kind)))
    try:
        return _FILES[kind].model_validate(raw)
    except ValidationError as error:
        raise CardError("\n".join(f"{file}: {_describe(raw, issue)}" for issue in error.errors())) from None


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when PyYAML has one: much faster


class _Loader(_SafeLoader):  # type: ignore[misc, valid-type]
    """PyYAML's safe loader, except that a key given twice in one mapping is an error, not a silent overwrite."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                problem = _("{key} is given twice").format(key=repr(key))
                raise yaml.constructor.ConstructorError(None, None, problem, key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_ENTRY = {
    "size_charts": N_("size chart {key} ({path}): {message}"),
    "shoe_sizes": N_("shoe size table {key} ({path}): {message}"),
    "jargon": N_("jargon {key} ({path}): {message}"),
    "skin_types": N_("skin type {key} ({path}): {message}"),
}


def _describe(raw: Any, issue: Any) -> str:
    """'product C-104 (products.3.shades.2.undertone): Input should be ...': entry, field path, problem."""
    loc, message = issue["loc"], issue["msg"].removeprefix("Value error, ")
    path = ".".join(str(part) for part in loc) or _("(top level)")
    if len(loc) > 1 and loc[0] == "products" and isinstance(loc[1], int):
        entry = raw["products"][loc[1]]
        sku = entry.get("sku") if isinstance(entry, dict) else None
        if sku:
            return _("product {sku} ({path}): {message}").format(sku=sku, path=path, message=message)
        return _("product number {number} (no sku) ({path}): {message}").format(
            number=loc[1] + 1, path=path, message=message)
    if len(loc) > 1 and loc[0] in _ENTRY:
        return _(_ENTRY[loc[0]]).format(key=loc[1], path=path, message=message)
    return f"{path}: {message}"


def _merge(parts: list[tuple[Path, BaseModel]]) -> tuple[dict[str, Any], list[str]]:
    """All files' sections in one mapping: products added up, named entries never defined twice."""
    merged: dict[str, Any] = {"products": []}
    where: dict[tuple[str, str], Path] = {}
    problems = []
    for file, part in parts:
        for section in type(part).model_fields:
            value = getattr(part, section)
            if section == "products":
                merged["products"] += value
            elif isinstance(value, dict):
                for key, item in value.items():
                    if (section, key) in where:
                        problems.append(_("{path}: {section}.{key}: already defined in {other}").format(
                            path=file, section=section, key=key, other=where[section, key]))
                    where[section, key] = file
                    merged.setdefault(section, {})[key] = item
    for skin, info in merged.get("skin_types", {}).items():  # skin-type names are jargon too, glossed once
        if info.name.zh in merged.get("jargon", {}):
            problems.append(_("{path}: jargon.{word}: already glossed under skin_types").format(
                path=where["skin_types", skin], word=info.name.zh))
        merged.setdefault("jargon", {})[info.name.zh] = info.gloss
    return merged, problems


def _cross_check(parts: list[tuple[Path, BaseModel]], shop: Catalogue) -> list[str]:
    """What no single file can check: unique SKUs, every id a product names exists, names for every enum."""
    problems: list[str] = []
    first: dict[str, Path] = {}
    for file, part in parts:
        for index, product in enumerate(getattr(part, "products", ())):
            if product.sku in first:
                problems.append(_("{path}: product {sku} (products.{index}.sku): already used in {first}").format(
                    path=file, sku=product.sku, index=index, first=first[product.sku]))
            first.setdefault(product.sku, file)
            for field, message in _product_problems(product, shop):
                problems.append(_("{path}: product {sku} (products.{index}.{field}): {message}").format(
                    path=file, sku=product.sku, index=index, field=field, message=message))
    if shop.of_kind("cosmetics"):
        cosmetics_file = next(file for file, part in parts if isinstance(part, _CosmeticsFile))
        for section, enum in (("skin_types", SkinType), ("undertones", Undertone), ("finishes", Finish)):
            if missing := [member.value for member in enum if member not in getattr(shop, section)]:
                problems.append(_("{path}: {section}: no entry for {missing}").format(
                    path=cosmetics_file, section=section, missing=", ".join(missing)))
    return problems


def _product_problems(product: Product, shop: Catalogue) -> list[tuple[str, str]]:
    """(field, problem) for each id this product names that the catalogue lacks, and for its stock."""
    problems = []
    if product.category not in shop.categories:
        problems.append(("category", _("{category} is not under categories ({known})").format(
            category=repr(product.category), known=", ".join(shop.categories))))
    if product.delivery.ships_from not in shop.warehouses:
        problems.append(("delivery.ships_from", _("{warehouse} is not a warehouse ({known})").format(
            warehouse=repr(product.delivery.ships_from), known=", ".join(shop.warehouses))))
    if isinstance(product, Clothing) and product.size_chart and product.size_chart not in shop.size_charts:
        problems.append(("size_chart", _("no size chart {chart} ({known})").format(
            chart=repr(product.size_chart), known=", ".join(shop.size_charts))))
    if isinstance(product, Shoe) and product.size_table not in shop.shoe_sizes:
        problems.append(("size_table", _("no shoe size table {table} ({known})").format(
            table=repr(product.size_table), known=", ".join(shop.shoe_sizes))))
    variants = _variants(product, shop)
    if isinstance(product.stock, dict) and variants is not None and set(product.stock) != set(variants):
        counted = ", ".join(product.stock)
        if variants:
            problem = _("counts are for {counted}; give one for each of {variants}").format(
                counted=counted, variants=", ".join(variants))
        else:
            problem = _("counts are for {counted}; give one for each of nothing: use one number").format(counted=counted)
        problems.append(("stock", problem))
    return problems


def _variants(product: Product, shop: Catalogue) -> tuple[str, ...] | None:
    """What stock is counted by: a garment's or shoe's sizes, a cosmetic's shade codes (None: no such chart)."""
    if isinstance(product, Clothing) and product.size_chart:
        chart = shop.size_charts.get(product.size_chart)
        return chart.sizes if chart else None
    if isinstance(product, Shoe):
        table = shop.shoe_sizes.get(product.size_table)
        return table.sizes if table else None
    if isinstance(product, Cosmetic):
        return tuple(shade.code for shade in product.shades)
    return ()


@cache
def catalogue() -> Catalogue:
    """The shop's catalogue, loaded once."""
    return load_catalogue()
