"""The product page the agent sees: the same facts as the catalogue, as text a model can read."""

from __future__ import annotations

from kit.shop.catalogue import catalogue

_HEAD = {
    "zh": ("商品信息", "价格", "颜色", "尺码表", "尺码", "号型", "身高(厘米)", "体重(公斤)", "下单步骤"),
    "en": ("Product page", "Price", "Colours", "Size chart", "Size", "Code", "Height (cm)", "Weight (kg)", "How to order"),
}


def brief(sku: str, lang: str = "zh") -> str:
    """Markdown for one product: name, price, colours, size chart and how to order."""
    shop = catalogue()
    product = shop.product(sku)
    page, price, colours, chart_title, size, code, height, weight, how = _HEAD[lang]
    lines = [
        f"## {page}: {product.name.in_(lang)} ({product.sku})",
        f"- {price}: ¥{product.price}",
        f"- {colours}: {', '.join(product.colours[lang])}",
        f"- {product.description.in_(lang)}",
    ]
    if product.size_chart:
        lines += ["", f"### {chart_title}", f"| {size} | {code} | {height} | {weight} |", "|---|---|---|---|"]
        for row in shop.chart_for(sku).rows:
            lines.append(
                f"| {row.size} | {row.code} | {row.height_cm[0]:g}-{row.height_cm[1]:g} "
                f"| {row.weight_kg[0]:g}-{row.weight_kg[1]:g} |"
            )
    lines += ["", f"### {how}"]
    lines += [f"{number}. {step}" for number, step in enumerate(shop.how_to_order[lang], start=1)]
    return "\n".join(lines)
