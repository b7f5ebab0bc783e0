"""The product page the agent sees: the same facts as the catalogue, as text a model can read.

Clothing pages keep one fixed layout (the practice model reads their price line, size-chart rows
and numbered steps); cosmetics pages add shades, skin types, ingredients and who a product is not
for; shoe pages add a size table from foot length. Only the ordering steps are numbered.
"""

from __future__ import annotations

from kit.shop.catalogue import Catalogue, Clothing, Cosmetic, Product, Shoe, SkinType, catalogue

_WORDS = {
    "zh": {
        "page": "商品信息", "price": "价格", "colours": "颜色", "chart": "尺码表", "size": "尺码", "code": "号型",
        "height": "身高(厘米)", "weight": "体重(公斤)", "how": "下单步骤", "volume": "规格", "finish": "妆效",
        "delivery": "发货", "stock": "库存", "in_stock": "有货", "sold_out": "缺货", "shades": "色号", "shade_code": "色号",
        "shade_name": "名称", "undertone": "色调", "depth": "深浅(1最浅)", "suits": "适合肤质",
        "ingredients": "主要成分", "not_for": "不适合", "cautions": "注意", "fit": "尺码建议",
        "cn": "尺码", "eu": "欧码", "us": "美码", "foot": "脚长(毫米)", "colon": "：",
    },
    "en": {
        "page": "Product page", "price": "Price", "colours": "Colours", "chart": "Size chart", "size": "Size",
        "code": "Code", "height": "Height (cm)", "weight": "Weight (kg)", "how": "How to order", "volume": "Size",
        "finish": "Finish", "delivery": "Delivery", "stock": "Stock", "in_stock": "in stock", "sold_out": "sold out",
        "shades": "Shades", "shade_code": "Code", "shade_name": "Name", "undertone": "Undertone",
        "depth": "Depth (1 = fairest)",
        "suits": "Suits", "ingredients": "Key ingredients", "not_for": "Not for", "cautions": "Good to know",
        "fit": "Fit", "cn": "CN", "eu": "EU", "us": "US", "foot": "Foot length (mm)", "colon": ": ",
    },
}


def brief(sku: str, lang: str = "zh") -> str:
    """Markdown for one product: name, price, what fits whom, and how to order."""
    shop = catalogue()
    product = shop.product(sku)
    words = _WORDS[lang]
    lines = [f"## {words['page']}: {product.name.in_(lang)} ({product.sku})", f"- {words['price']}: ¥{product.price}"]
    if isinstance(product, Clothing):
        lines += _clothing(shop, product, lang)
    elif isinstance(product, Cosmetic):
        lines += _cosmetic(shop, product, lang)
    elif isinstance(product, Shoe):
        lines += _shoe(shop, product, lang)
    lines += _promotions(product, lang)
    lines += ["", f"### {words['how']}"]
    lines += [f"{number}. {step}" for number, step in enumerate(shop.steps(product, lang), start=1)]
    return "\n".join(lines)


_PROMOTION_WORDS = {
    "zh": ("促销活动", "仅会员", "持券可用，券号", "计算顺序：单品价（会员价与折扣取低）→ 第二件半价 → 跨店满减 → 店铺券 → 平台券；赠品不改变价格。"),
    "en": ("Promotions", "members only", "with the coupon, id", "Order of calculation: unit price (member price or discount, the lower) → second item → cross-shop → shop coupon → platform coupon; gifts do not change the price."),
}


def _promotions(product: Product, lang: str) -> list[str]:
    """The promotions this product takes part in, and the order they stack in (see kit.shop.promotions)."""
    from kit.shop.promotions import Coupon, MemberPrice, promotions

    title, members, coupon, order = _PROMOTION_WORDS[lang]
    offers = promotions().for_product(product)
    if not offers:
        return []
    lines = ["", f"### {title}"]
    for rule in offers:
        name = rule.name.in_(lang)
        open_, close = ("（", "）") if lang == "zh" else (" (", ")")
        if isinstance(rule, MemberPrice):
            lines.append(f"- {name} ¥{rule.prices[product.sku]}{open_}{members}{close}")
        elif isinstance(rule, Coupon):
            lines.append(f"- {name}{open_}{coupon} {rule.id}{close}")
        else:
            lines.append(f"- {name}")
    lines.append(f"- {order}")
    return lines


def _clothing(shop: Catalogue, product: Clothing, lang: str) -> list[str]:
    """Colours, description and the size chart by height and weight (a fixed layout: see the module)."""
    words = _WORDS[lang]
    lines = [f"- {words['colours']}: {', '.join(product.colours[lang])}", f"- {product.description.in_(lang)}"]
    if product.size_chart:
        lines += ["", f"### {words['chart']}", _row(words["size"], words["code"], words["height"], words["weight"])]
        lines.append(_rule(4))
        for row in shop.chart_for(product.sku).rows:
            lines.append(
                f"| {row.size} | {row.code} | {row.height_cm[0]:g}-{row.height_cm[1]:g} "
                f"| {row.weight_kg[0]:g}-{row.weight_kg[1]:g} |"
            )
    return lines


def _cosmetic(shop: Catalogue, product: Cosmetic, lang: str) -> list[str]:
    """Volume, finish, delivery, then shades, skin types it suits, ingredients, who it is not for."""
    words = _WORDS[lang]
    lines = [f"- {words['volume']}: {product.volume}"]
    if product.finish:
        lines.append(f"- {words['finish']}: {shop.finishes[product.finish].in_(lang)}")
    if not product.shades:
        lines.append(f"- {words['stock']}: {_available(product, None, lang)}")
    lines += [f"- {words['delivery']}: {_delivery(shop, product, lang)}", f"- {product.description.in_(lang)}"]
    if product.shades:
        lines += ["", f"### {words['shades']}"]
        lines.append(_row(words["shade_code"], words["shade_name"], words["undertone"], words["depth"], words["stock"]))
        lines.append(_rule(5))
        for shade in product.shades:
            name = shade.name.zh if lang == "zh" else f"{shade.name.en} ({shade.name.zh})"
            undertone = shop.undertones[shade.undertone].in_(lang)
            lines.append(_row(shade.code, name, undertone, str(shade.depth), _available(product, shade.code, lang)))
    lines += ["", f"### {words['suits']}"]
    colon = words["colon"]
    lines += [f"- {_skin(shop, skin, lang)}{colon}{shop.skin_types[skin].gloss.in_(lang)}" for skin in product.skin_types]
    lines += ["", f"### {words['ingredients']}"] + [f"- {item.in_(lang)}" for item in product.ingredients]
    if product.not_for:
        lines += ["", f"### {words['not_for']}"]
        lines += [f"- {_skin(shop, skin, lang)}{colon}{why.in_(lang)}" for skin, why in product.not_for.items()]
    if product.cautions:
        lines += ["", f"### {words['cautions']}"] + [f"- {caution.in_(lang)}" for caution in product.cautions]
    return lines


def _shoe(shop: Catalogue, product: Shoe, lang: str) -> list[str]:
    """Colours, fit, delivery, description, and the size table by foot length."""
    words = _WORDS[lang]
    lines = [
        f"- {words['colours']}: {', '.join(product.colours[lang])}",
        f"- {words['fit']}: {product.fit.in_(lang)}",
        f"- {words['delivery']}: {_delivery(shop, product, lang)}",
        f"- {product.description.in_(lang)}",
        "",
        f"### {words['chart']}",
        _row(words["cn"], words["eu"], words["us"], words["foot"], words["stock"]),
        _rule(5),
    ]
    for row in shop.shoe_sizes_for(product.sku).rows:
        foot = f"{row.foot_mm[0]}-{row.foot_mm[1]}"
        lines.append(_row(str(row.cn), f"{row.eu:g}", f"{row.us:g}", foot, _available(product, str(row.cn), lang)))
    return lines


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def _rule(columns: int) -> str:
    return "|" + "---|" * columns


def _skin(shop: Catalogue, skin: SkinType, lang: str) -> str:
    """A skin type's name; English pages add the Chinese word customers use."""
    name = shop.skin_types[skin].name
    return name.zh if lang == "zh" else f"{name.en} ({name.zh})"


def _available(product: Product, variant: str | None, lang: str) -> str:
    return _WORDS[lang]["in_stock" if product.units(variant) > 0 else "sold_out"]


def _delivery(shop: Catalogue, product: Product, lang: str) -> str:
    """Where it ships from and how many days after payment it arrives."""
    low, high = product.delivery.days
    days = f"{low}" if low == high else f"{low}-{high}"
    warehouse = shop.warehouses[product.delivery.ships_from].in_(lang)
    if lang == "zh":
        return f"从{warehouse}发出，付款后{days}天送达"
    return f"ships from {warehouse}, arrives {days} days after payment"
