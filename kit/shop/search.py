"""Product search from a customer's words, in Chinese or English, with reasons a person can check.

How a product scores: the query becomes terms (English words; for Chinese, which has no spaces,
each pair of neighbouring characters), and so does each field of each product (name, category,
shades, skin types, ingredients, description, and the glosses of the jargon it uses). Every query
term found in a product adds the weight of the best field it is in (WEIGHTS) times how rare the
term is in the shop (rarer terms say more). Skin types and shades are read as whole names first:
a named skin type (混油皮, oily skin) scores the products that suit it and leaves out those that
are *not for* it; a named shade (黄二白, Y02) scores the products that have it, and only those, so
黄二白 never half-matches 粉二白.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any, TypeVar

from kit.i18n import N_, said
from kit.shop.catalogue import KINDS, Catalogue, Clothing, Cosmetic, Product, Shoe, SkinType, catalogue

# How much a term counts, by the field it is found in: a name says more than a description.
WEIGHTS = {
    "sku": 10.0, "name": 3.0, "shade": 3.0, "category": 2.0, "skin": 2.0, "finish": 1.5,
    "colour": 1.5, "undertone": 1.0, "ingredient": 1.0, "description": 1.0, "jargon": 0.5,
}
_LABELS = {
    "sku": ("编号", "SKU"), "name": ("名称", "name"), "shade": ("色号", "shade"), "category": ("类别", "category"),
    "skin": ("适合", "suits"), "finish": ("妆效", "finish"), "colour": ("颜色", "colour"), "undertone": ("色调", "undertone"),
    "ingredient": ("成分", "ingredient"), "description": ("介绍", "description"), "jargon": ("术语", "jargon"),
    "filters": ("符合筛选条件", "matches the filters"),
}
# Hits scoring under this share of the best hit are noise (a colour word matching a "dark" circle).
MIN_SHARE = 0.25
# Words that carry no product meaning, left out of queries. Chinese ones become a gap in the text.
_STOP_EN = frozenset(
    "a an and any are best can could do does for good have has i im in is it looking me my need of on or "
    "please recommend some something suit suits that the this to want what which with would you your".split()
)
_STOP_ZH = ("请问", "有没有", "推荐", "一下", "一款", "一个", "什么", "哪个", "哪款", "想要", "想买", "可以", "适合",
            "我", "你", "是", "的", "了", "吗", "呢", "吧", "啊", "呀", "哦", "嘛", "么", "给", "买", "要", "用")
_T = TypeVar("_T")
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Hit:
    """One product found: what it is, what it costs, and why it matched (plain data for a tool)."""

    sku: str
    name_zh: str
    name_en: str
    kind: str
    category: str
    price: Decimal
    in_stock: bool
    score: float
    why: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the price as exact text such as "189.00"."""
        return {**asdict(self), "price": str(self.price), "why": list(self.why)}


@dataclass(frozen=True)
class _Field:
    """One searchable text of a product: what it is (a WEIGHTS key), the text, and its terms."""

    label: str
    text: str
    terms: frozenset[str]


def terms(text: str, query: bool = False) -> frozenset[str]:
    """English words (lower case, plural s dropped) and, for Chinese, pairs of neighbouring characters.

    A product's text also gives each single character, so that a one-character query (裙) finds it;
    a query gives single characters only when that is all it has.
    """
    text = text.lower()
    found: set[str] = set()
    for run in _HAN.findall(text):
        pairs = {run[i : i + 2] for i in range(len(run) - 1)}
        found |= pairs if query and pairs else pairs | set(run)
    for word in _WORD.findall(text):
        found |= {_stem(part) for part in {word, *word.split("-")} if len(part) > 1 and part not in _STOP_EN}
    return frozenset(found)


def _query_terms(text: str) -> frozenset[str]:
    """A query's terms, with the Chinese stop words taken out first."""
    for word in _STOP_ZH:
        text = text.replace(word, " ")
    return terms(text, query=True)


def _stem(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def search(
    query: str,
    lang: str | None = None,
    category: str | None = None,
    skin_type: str | SkinType | None = None,
    limit: int = 5,
    shop: Catalogue | None = None,
) -> list[Hit]:
    """The products that best match the query, best first; [] when nothing matches.

    lang: the language of `why` (default: the query's). category: a kind (clothing, cosmetics,
    shoes) or a category id or name (foundation, 粉底液). skin_type: keep only cosmetics that suit
    it (an id such as oily, or a name such as 油皮). With a blank query, the filters alone decide.
    shop: the catalogue to search (default: the shop's own, `catalogue()`).
    """
    if limit < 1:
        raise said(ValueError, N_("limit must be at least 1, not {limit}"), limit=limit)
    shop = shop or catalogue()
    index = _index(shop)
    lang = lang or ("zh" if _HAN.search(query) else "en")
    candidates = _filtered(shop, category, skin_type)
    skins, rest = _named(query, index.skin_words)
    shades, rest = _named(rest, index.shade_words)
    wanted = _query_terms(rest)
    if not (wanted or skins or shades):
        if category is None and skin_type is None:
            return []
        return [_hit(product, 0.0, (_label("filters", lang),)) for product in candidates[:limit]]
    hits = []
    for product in candidates:
        if reasons := _reasons(product, _Asked(wanted, skins, shades), index, lang):
            ranked = tuple(sorted(reasons, key=lambda reason: -reasons[reason]))
            hits.append(_hit(product, sum(reasons.values()), ranked))
    hits.sort(key=lambda hit: -hit.score)  # stable: equal scores keep catalogue order
    return [hit for hit in hits if hit.score >= MIN_SHARE * hits[0].score][:limit]


@dataclass(frozen=True)
class _Asked:
    """What the query asks for: terms to look up, skin types and shades it names."""

    terms: frozenset[str]
    skins: list[SkinType]
    shades: list[str]


def _reasons(product: Product, asked: _Asked, index: _Index, lang: str) -> dict[str, float]:
    """Why this product matches, each reason with the points it earns; {} if it does not match."""
    if any(skin in getattr(product, "not_for", {}) for skin in asked.skins):
        return {}  # the customer named a skin type this product is not for
    reasons: dict[str, float] = {}
    for term in asked.terms:
        found = [field for field in index.fields[product.sku] if term in field.terms]
        if found:
            best = max(found, key=lambda field: WEIGHTS[field.label])
            reason = _reason(best, lang)
            reasons[reason] = reasons.get(reason, 0.0) + WEIGHTS[best.label] * index.rarity[term]
    for wanted in asked.shades:
        for shade in getattr(product, "shades", ()):
            if wanted in (shade.name.zh, shade.code):
                name = shade.name.zh if lang == "zh" else f"{shade.name.zh} ({shade.name.en})"
                reasons[f"{_label('shade', lang)}: {shade.code} {name}"] = WEIGHTS["shade"] * index.rareness(wanted)
    if (asked.terms or asked.shades) and not reasons:
        return {}  # a skin type alone is not enough when the customer also asked for something
    for skin in asked.skins:
        if skin in getattr(product, "skin_types", ()):
            name = index.shop.skin_types[skin].name.in_(lang)
            reasons[f"{_label('skin', lang)}: {name}"] = WEIGHTS["skin"] * index.rareness(skin)
    return reasons


def _filtered(shop: Catalogue, category: str | None, skin_type: str | SkinType | None) -> list[Product]:
    """The products a search may return, after the category and skin-type filters."""
    products = list(shop.products)
    if category is not None:
        wanted = category.strip().lower()
        ids = {key for key, name in shop.categories.items() if wanted in {key, name.zh, name.en.lower()}}
        if wanted not in KINDS and not ids:
            raise said(ValueError, N_("No category {category}; use a kind ({kinds}) or a category ({categories})"),
                       category=repr(category), kinds=", ".join(KINDS), categories=", ".join(shop.categories))
        products = [p for p in products if p.kind == wanted or p.category in ids]
    if skin_type is not None:
        try:
            skin = skin_type if isinstance(skin_type, SkinType) else shop.skin_type(skin_type)
        except KeyError as error:
            raised = ValueError(error.args[0])
            raised.english = getattr(error, "english", error.args[0])  # type: ignore[attr-defined]  # for a tool
            raise raised from None
        products = [p for p in products if skin in getattr(p, "skin_types", ())]
    return products


def _named(query: str, words: dict[str, _T]) -> tuple[list[_T], str]:
    """What the query names from a vocabulary (longest word first, so 混油皮 is not also read as 油皮), and the rest."""
    found: list[_T] = []
    for word in sorted(words, key=len, reverse=True):
        pattern = re.escape(word) if _HAN.search(word) else rf"\b{re.escape(word)}\b"
        query, count = re.subn(pattern, " ", query, flags=re.IGNORECASE)
        if count and words[word] not in found:
            found.append(words[word])
    return found, query


@dataclass(frozen=True)
class _Index:
    """What search looks things up in, built once per shop."""

    shop: Catalogue
    fields: dict[str, list[_Field]]  # by SKU
    rarity: dict[str, float]  # by term
    having: Counter[Any]  # how many products suit each skin type, or have each shade name and code
    skin_words: dict[str, SkinType]  # 混油皮, oily skin, 大油皮...
    shade_words: dict[str, str]  # 黄二白, Y02...

    def rareness(self, thing: Any) -> float:
        """log(1 + products / products that have it): high for what few products have."""
        return math.log(1 + len(self.shop.products) / self.having[thing])


_INDEXES: dict[int, _Index] = {}  # by id(shop); the index keeps its shop, so that id stays the shop's


def _index(shop: Catalogue) -> _Index:
    """The shop's search index, built on first use."""
    if id(shop) not in _INDEXES:
        fields = {product.sku: _fields(product, shop) for product in shop.products}
        having: Counter[Any] = Counter()
        for product in shop.products:
            having.update(getattr(product, "skin_types", ()))
            having.update({key for shade in getattr(product, "shades", ()) for key in (shade.name.zh, shade.code)})
        skin_words = {
            word: skin for skin, info in shop.skin_types.items() for word in (info.name.zh, info.name.en, *info.also)
        }
        shade_words = {key: key for key in having if isinstance(key, str)}
        _INDEXES[id(shop)] = _Index(shop, fields, _rarity(fields, len(shop.products)), having, skin_words, shade_words)
    return _INDEXES[id(shop)]


def _fields(product: Product, shop: Catalogue) -> list[_Field]:
    """Every searchable text of a product, each with the label that says how much it counts."""
    texts = [("sku", product.sku), ("name", product.name.zh), ("name", product.name.en)]
    category = shop.categories[product.category]
    texts += [("category", f"{category.zh} {category.en}"), ("category", product.kind)]
    texts += [("description", product.description.zh), ("description", product.description.en)]
    if isinstance(product, (Clothing, Shoe)):
        texts += [("colour", ", ".join(product.colours["zh"])), ("colour", ", ".join(product.colours["en"]))]
    if isinstance(product, Cosmetic):
        for shade in product.shades:
            tone = shop.undertones[shade.undertone]
            texts += [("shade", f"{shade.code} {shade.name.zh} {shade.name.en}"), ("undertone", f"{tone.zh} {tone.en}")]
        names = [shop.skin_types[skin].name for skin in product.skin_types]
        texts += [("skin", f"{name.zh} {name.en}") for name in names]
        texts += [("ingredient", f"{item.zh} {item.en}") for item in product.ingredients]
        if product.finish:
            texts.append(("finish", f"{shop.finishes[product.finish].zh} {shop.finishes[product.finish].en}"))
    said = " ".join(text for label, text in texts if label in ("name", "description", "shade"))
    texts += [("jargon", f"{word}: {gloss.zh} {gloss.en}") for word, gloss in shop.jargon.items() if word in said]
    return [_Field(label, text, terms(text)) for label, text in texts]


def _rarity(fields: dict[str, list[_Field]], count: int) -> dict[str, float]:
    """How much each term says: log(1 + products / products that have it), high for rare terms."""
    having = Counter(term for product in fields.values() for term in set().union(*(field.terms for field in product)))
    return {term: math.log(1 + count / number) for term, number in having.items()}


def _reason(field: _Field, lang: str) -> str:
    text = field.text if len(field.text) <= 40 else field.text[:39] + "…"
    return f"{_label(field.label, lang)}: {text}"


def _label(key: str, lang: str) -> str:
    zh, en = _LABELS[key]
    return zh if lang == "zh" else en


def _hit(product: Product, score: float, why: tuple[str, ...]) -> Hit:
    return Hit(
        sku=product.sku, name_zh=product.name.zh, name_en=product.name.en, kind=product.kind,
        category=product.category, price=product.price, in_stock=product.units() > 0, score=round(score, 2), why=why,
    )
