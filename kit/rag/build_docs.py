"""Write the knowledge-base pages that come from the shop's data, so every fact has one source.

The knowledge base (`kit/rag/docs/`) holds two sorts of Markdown pages, each with a YAML front
matter block (id, title, lang, kind, season, outdated, source):

- pages written by hand (FAQ, size and skin guides, membership, last season's pages), and
- pages GENERATED here from `kit/shop`: one product page per product and language (the same
  `kit.shop.brief()` the agent sees, plus price examples computed by `kit.shop.quote()`), the
  after-sales policies in plain words (numbers from `policies.yaml`), this season's promotions
  with worked examples (`promotions.yaml`), the size charts and the skin-type and shade tables.

Generated pages carry `generated_by: kit/rag/build_docs.py` in their front matter. `build()`
rewrites them and removes generated pages that no longer have a source (a product taken out of
the catalogue); it never touches a page written by hand. Run it after changing the shop's data:

    python -m kit.rag.build_docs            # or: python kit/rag/build_docs.py [folder]
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import yaml

from kit.shop import brief, catalogue, orders, policies, price_protection, promotions, quote, recommend_size
from kit.shop.catalogue import Clothing, Cosmetic, Product, Shoe
from kit.shop.money import percent_off, yuan, zhe
from kit.shop.promotions import Coupon, EveryFull, Gift, ItemDiscount, MemberPrice, SecondItem

DOCS = Path(__file__).with_name("docs")
GENERATOR = "kit/rag/build_docs.py"
LANGS = ("zh", "en")
# The season the promotions in promotions.yaml belong to (the shop's clock: orders.yaml `now`).
SEASON = "2024-winter"
SEASON_NAME = {"zh": "2024年冬季", "en": "winter 2024"}
DATA = "kit/shop/data/"


# --- writing pages ---------------------------------------------------------------------------


def _page(doc_id: str, title: str, lang: str, kind: str, body: str, source: str,
          season: str | None = None) -> tuple[str, str]:
    """A generated page: (id, Markdown text with its front matter)."""
    meta: dict[str, object] = {"id": doc_id, "title": title, "lang": lang, "kind": kind}
    if season:
        meta["season"] = season
    meta |= {"outdated": False, "source": source, "generated_by": GENERATOR}
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    return doc_id, f"---\n{front}---\n\n{body.strip()}\n"


def _front_matter(path: Path) -> dict[str, object]:
    """The YAML front matter of a page ({} if it has none)."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    end = text.find("\n---", 4)
    return yaml.safe_load(text[4:end]) or {} if end > 0 else {}


def pages() -> dict[str, str]:
    """Every generated page, by id."""
    found: list[tuple[str, str]] = []
    for lang in LANGS:
        found += [_product(product, lang) for product in catalogue().products]
        found += [
            _returns(lang), _shipping(lang), _price_protection(lang), _refunds(lang), _privacy(lang),
            _policy_overview(lang), _promotions_page(lang), _coupons(lang), _clothing_charts(lang),
            _shoe_charts(lang), _glossary(lang), _skin_matrix(lang), _shades(lang),
        ]
    result = dict(found)
    if len(result) != len(found):
        raise ValueError("two generated pages have the same id")
    return result


def build(folder: Path | str = DOCS) -> list[Path]:
    """Write the generated pages into `folder`; remove generated pages that are gone. Returns the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    generated = pages()
    existing = {path: _front_matter(path) for path in folder.glob("*.md")}
    for path, meta in existing.items():
        if path.stem in generated and meta.get("generated_by") != GENERATOR:
            raise FileExistsError(f"{path} was written by hand; a generated page would overwrite it: rename one")
    for path, meta in existing.items():
        if meta.get("generated_by") == GENERATOR and path.stem not in generated:
            path.unlink()
    written = []
    for doc_id, text in generated.items():
        path = folder / f"{doc_id}.md"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


# --- small helpers ---------------------------------------------------------------------------


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _doc_id(*parts: str) -> str:
    return "-".join(part.lower() for part in parts)


def _band(band: tuple[float, float], factor: float = 1) -> str:
    return f"{band[0] * factor:g}-{band[1] * factor:g}"


def _steps_named(cart: dict[str, int], coupons: tuple[str, ...], member: bool, lang: str) -> str:
    """'¥X（毛衫8.5折 + 跨店每满300减50）' for a cart, from the shop's quote."""
    q = quote(cart, coupons=coupons, member=member)
    names = [step.name.in_(lang) for step in q.steps]
    plus = " + ".join(names) if names else _t(lang, "没有可用的优惠", "no promotion applies")
    return f"{yuan(q.total)}{_t(lang, '（', ' (')}{plus}{_t(lang, '）', ')')}"


def _active_coupons() -> tuple[str, ...]:
    return tuple(c.id for c in promotions().coupons.values() if c.active)


# --- product pages ---------------------------------------------------------------------------


def _paren(lang: str, text: str) -> str:
    """（text） in Chinese, (text) in English."""
    return _t(lang, f"（{text}）", f" ({text})")


def _product(product: Product, lang: str) -> tuple[str, str]:
    """One product page: kit.shop.brief() plus the price after promotions and size examples."""
    shop = catalogue()
    title = product.name.in_(lang) + _paren(lang, product.sku)
    category = shop.categories[product.category].in_(lang)
    facts = [_t(lang, f"类目：{category}", f"Category: {category}"),
             _t(lang, f"商品编号：{product.sku}", f"Product code: {product.sku}")]
    if isinstance(product, Clothing) and product.size_chart:
        chart_name = shop.size_charts[product.size_chart].name.in_(lang)
        facts.append(_t(lang, f"尺码表：{chart_name}", f"Size chart: {chart_name}"))
    if isinstance(product, Shoe):
        table_name = shop.shoe_sizes[product.size_table].name.in_(lang)
        facts.append(_t(lang, f"鞋码表：{table_name}", f"Size table: {table_name}"))
    lines = [f"# {title}", "", _t(lang, " ｜ ", " | ").join(facts), "", brief(product.sku, lang)]

    # What a customer pays, from the shop's own checkout (kit.shop.quote).
    rules = promotions().promotions
    one = {product.sku: 1}
    lines += ["", f"### {_t(lang, '到手价参考（按本季促销计算）', 'What you pay (this season’s promotions)')}"]
    lines.append(_t(lang, "- 买1件、不用券：", "- 1 item, no coupon: ") + _steps_named(one, (), False, lang))
    if any(isinstance(r, MemberPrice) and product.sku in r.prices for r in rules):
        lines.append(_t(lang, "- 会员买1件、不用券：", "- 1 item for a member, no coupon: ") + _steps_named(one, (), True, lang))
    if any(isinstance(r, SecondItem) and r.active and r.covers(product) for r in rules):
        lines.append(_t(lang, "- 买2件、不用券：", "- 2 items, no coupon: ") + _steps_named({product.sku: 2}, (), False, lang))
    lines.append(_t(lang, "- 买1件、手里有本季所有可用的券（系统自动选最优组合）：",
                    "- 1 item, holding every coupon of this season (the checkout picks the best combination): ")
                 + _steps_named(one, _active_coupons(), False, lang))
    lines.append(_t(lang, "- 详细算法和更多例子见《本季促销活动说明》。",
                    "- How these are worked out, with more examples: “This season’s promotions explained”."))

    # Size advice for three bodies in the middle of the chart (kit.shop.recommend_size).
    if isinstance(product, Clothing) and product.size_chart:
        chart = shop.chart_for(product.sku)
        lines += ["", f"### {_t(lang, '选码举例', 'Size examples')}"]
        for row in chart.rows[1:4]:
            height, weight = round(sum(row.height_cm) / 2), round(sum(row.weight_kg) / 2)
            advice = recommend_size(chart, height, weight)
            lines.append(_t(lang, f"- 身高{height}厘米、体重{weight}公斤（{weight * 2}斤）：{advice.explain('zh')}",
                            f"- {height} cm, {weight} kg ({weight * 2} 斤): {advice.explain('en')}"))
    source = DATA + f"{product.kind}.yaml"
    return _page(_doc_id("product", product.sku, lang), title, lang, "product", "\n".join(lines), source, SEASON)


# --- policies --------------------------------------------------------------------------------


def _published(rule_ids: list[str], lang: str) -> list[str]:
    """The shop's own wording of some rules, with their ids."""
    p = policies()
    out = ["", f"## {_t(lang, '政策原文', 'The policy as published')}"]
    for rule_id in rule_ids:
        out.append(f"- **{p.rule(rule_id).title.in_(lang)}** ({rule_id}): {p.published(rule_id).in_(lang)}")
    return out


def _returns(lang: str) -> tuple[str, str]:
    r = policies().returns
    n, qd = r.no_reason_days, r.quality_days
    now = orders().now
    delivered = now - timedelta(days=n)
    shop = catalogue()
    groups = []
    for group in r.groups.values():
        names = [shop.categories[c].in_(lang) for c in group.categories if c in shop.categories]
        sold = _t(lang, "、".join(names) if names else "本店暂未销售", ", ".join(names) if names else "not sold here yet")
        groups.append(f"- {group.name.in_(lang)}{_t(lang, '：', ': ')}{sold}")
    evidence = [f"  - {e.in_(lang)}" for e in r.evidence]
    if lang == "zh":
        example = (f"例如{delivered.month}月{delivered.day}日签收，这天是第0天；{now.month}月{now.day}日是第{n}天，"
                   f"这天结束前都还能申请无理由退货，过了这天就不行了。")
        body = f"""# 退换货政策（大白话版）

## 一句话说明
签收后{n}天内，不喜欢、尺码不合适都可以退（吊牌别拆、没穿出门、没洗过）；有质量问题的，签收后{qd}天内可以退货或换货，来回运费本店出。

## 天数怎么算
- 签收（快递显示“已签收”，放进快递柜也算）当天是第0天，第二天是第1天。
- “{n}天无理由”到第{n}天结束为止；“{qd}天质量问题”到第{qd}天结束为止。
- {example}

## 七天无理由退货
- 条件：商品完好，吊牌还在，没有穿出门、没有洗过，不影响再卖。在家试穿没关系。
- 退货运费：您自己出；下单时买了运费险的，由运费险赔。
- 退款：本店收到退货、验完货后退款，原路退回（详见《退款说明》）。

## 哪些情况不能无理由退
{chr(10).join(f"- **{e.title.zh}**：{policies().published(e.id).zh}" for e in r.exceptions)}

以上情况如果是质量问题，照样可以退换。

## 质量问题退换（{qd}天）
- 开线、破损、严重色差、变质、漏液，或者发错货、少发，签收后{qd}天内可以退货或换货。
- 来回运费都由本店承担。
- 需要的照片：
{chr(10).join(evidence)}

## 超过期限怎么办
- 超过{n}天：不能无理由退了，有质量问题的{qd}天内还能退换。
- 超过{qd}天：不能直接退换，转人工客服逐一核实（维修、补偿等）。

## 各类商品归哪一类
{chr(10).join(groups)}
"""
    else:
        example = (f"For example, delivered on {delivered.day} {delivered:%B} (day 0): {now.day} {now:%B} is day {n}, "
                   f"and a no-reason return can be asked for until the end of that day, not after.")
        body = f"""# Returns and exchanges, in plain words

## In one sentence
Within {n} days of delivery you can send an item back for any reason (tags on, not worn outside, not washed); with a quality problem you have {qd} days to return or exchange it, and the shop pays shipping both ways.

## How the days are counted
- The day of delivery (签收, including a parcel locker) is day 0; the next day is day 1.
- "{n} days" ends at the end of day {n}; "{qd} days" at the end of day {qd}.
- {example}

## {n}-day no-reason returns (七天无理由退货)
- Condition: new condition, tags on, not worn outside or washed, fit to sell again. Trying it on at home is fine.
- Return shipping: paid by you, or by your shipping insurance (运费险) if you bought it with the order.
- Refund: once the shop has received and checked the item, back to the way you paid (see "Refunds").

## When a no-reason return is not possible
{chr(10).join(f"- **{e.title.en}**: {policies().published(e.id).en}" for e in r.exceptions)}

A quality problem is still returned or exchanged in every case above.

## Quality problems ({qd} days)
- Split seams, damage, badly wrong colour, spoiled or leaking products, or a wrong or missing item: return or exchange within {qd} days of delivery.
- The shop pays shipping both ways.
- Photos to send:
{chr(10).join(evidence)}

## After the deadlines
- After {n} days: no more no-reason returns; a quality problem still has {qd} days.
- After {qd} days: no direct return or exchange; a human colleague checks each case (repair, compensation...).

## Which rules each kind of product follows
{chr(10).join(groups)}
"""
    ids = ["returns.no_reason", "returns.no_reason_late", "returns.quality", "returns.quality_late"]
    body += "\n".join(_published(ids, lang))
    title = _t(lang, "退换货政策（七天无理由、质量问题退换）", "Returns and exchanges policy (7-day no-reason, quality problems)")
    return _page(_doc_id("policy-returns", lang), title, lang, "policy", body, DATA + "policies.yaml")


def _shipping(lang: str) -> tuple[str, str]:
    s = policies().shipping
    f = s.facts()
    rows = [_t(lang, "| 地区类别 | 包括 | 包邮门槛 | 不满门槛的运费 | 发货后送达 |", "| Zone | Regions | Free shipping from | Fee below that | Days after dispatch |"), "|---|---|---|---|---|"]
    for key, zone in s.zones.items():
        regions = f[f"{key}_regions"].in_(lang)
        if not zone.delivers:
            rows.append(f"| {zone.name.in_(lang)} | {regions} | - | - | {_t(lang, '暂不发货', 'no delivery')} |")
            continue
        free = yuan(zone.free_over) if zone.free_over is not None else _t(lang, "不包邮", "never free")
        rows.append(f"| {zone.name.in_(lang)} | {regions} | {free} | {yuan(zone.fee)} | {zone.days} |")
    carriers = [f"- {c.name.in_(lang)}{_t(lang, '：', ': ')}{ {'standard': _t(lang, '默认', 'default'), 'remote': _t(lang, '偏远地区', 'remote areas'), 'upgrade': _t(lang, '指定需补差价', 'on request, pay the difference')}[c.use]}" for c in s.carriers.values()]
    names = [w.in_(lang) for w in catalogue().warehouses.values()]
    warehouses = _t(lang, "、".join(names[:-1]) + "或" + names[-1], ", ".join(names[:-1]) + " or " + names[-1])
    examples = []
    for total, region in (("89.00", "浙江"), ("99.00", "北京"), ("159.00", "甘肃"), ("299.00", "新疆"), ("169.15", "海南")):
        examples.append(f"- {s.fee_for(total, region).explanation.in_(lang)}")
    if lang == "zh":
        body = f"""# 发货、快递和运费（包邮）说明

## 什么时候发货
- 付款后{f['dispatch_hours']}小时内发货（预售商品按商品页写的时间）。
- 商品从{warehouses}的仓库发出，看商品页“发货”一行。
- 还没发货的订单可以直接申请退款，不用退货。

## 发什么快递
{chr(10).join(carriers)}

## 运费和包邮（按优惠后的商品金额算，不含运费本身）
{chr(10).join(rows)}

## 举例
{chr(10).join(examples)}

## 快递慢了、丢了怎么办
- 发货后超过上表的天数还没签收，客服帮您联系快递催件。
- 物流信息连续{s.lost_after_days}天不更新，按丢件处理：本店补发或全额退款。

## 暂不发货的地区
{f['no_delivery_regions'].zh}暂不发货。
"""
    else:
        body = f"""# Dispatch, carriers and shipping fees (free shipping, 包邮)

## When we dispatch
- Within {f['dispatch_hours']} hours of payment (presale items on the date shown on the product page).
- Parcels leave our warehouses in {warehouses}: see the "Delivery" line of the product page.
- An order not yet dispatched can be refunded directly, with nothing to send back.

## Carriers
{chr(10).join(carriers)}

## Fees and free shipping (on the goods total after discounts, shipping itself not included)
{chr(10).join(rows)}

## Examples
{chr(10).join(examples)}

## Late or lost parcels
- Not delivered within the days above after dispatch: customer service chases the carrier for you.
- Tracking has not moved for {s.lost_after_days} days: it counts as lost, and the shop sends a new one or refunds in full.

## Where we do not deliver
We do not deliver to {f['no_delivery_regions'].en} yet.
"""
    ids = ["shipping.dispatch", "shipping.fees", "shipping.remote", "shipping.no_delivery", "shipping.delay"]
    body += "\n".join(_published(ids, lang))
    title = _t(lang, "发货、快递和运费（包邮门槛）", "Dispatch, carriers and shipping fees (free-shipping thresholds)")
    return _page(_doc_id("shipping-fees", lang), title, lang, "shipping", body, DATA + "policies.yaml")


def _price_protection(lang: str) -> tuple[str, str]:
    pp = policies().price_protection
    f = pp.facts()
    kinds = []
    for kind in pp.kinds.values():
        mark = _t(lang, "不保", "not protected") if kind.exception else _t(lang, "保", "protected")
        why = f"{_t(lang, '：', ': ')}{policies().published(kind.exception.id).in_(lang)}" if kind.exception else ""
        kinds.append(f"- **{kind.name.in_(lang)}**{_t(lang, '（', ' (')}{mark}{_t(lang, '）', ')')}{why}")
    example = price_protection("229.00", "199.00", 10).explanation.in_(lang)
    late = price_protection("229.00", "199.00", pp.days + 1).explanation.in_(lang)
    member = price_protection("299.00", "279.00", 3, "member").explanation.in_(lang)
    if lang == "zh":
        body = f"""# 价保（买贵了退差价）

## 一句话说明
付款后{pp.days}天内，同一件商品（同颜色同尺码）降价了，可以找客服申请价保，差价原路退回。

## 天数怎么算
付款当天是第0天，第二天是第1天，到第{pp.days}天结束为止。

## 哪些降价保、哪些不保
{chr(10).join(kinds)}

## 举例
- {example}
- {late}
- {member}

## 怎么申请
1. 打开“我的订单”，找到这笔订单。
2. 点“联系客服”，发订单号，说“申请价保”。
3. 客服核对现价和价格类型后，差价原路退回。
"""
    else:
        body = f"""# Price protection (价保): a refund of the difference if the price drops

## In one sentence
If the same item (same colour and size) gets cheaper within {pp.days} days of payment, ask customer service for price protection and the difference goes back to the way you paid.

## How the days are counted
The day of payment is day 0, the next day is day 1, and the period ends at the end of day {pp.days}.

## Which lower prices count
{chr(10).join(kinds)}

## Examples
- {example}
- {late}
- {member}

## How to ask
1. Open 我的订单 (My orders) and find the order.
2. Tap "Contact customer service", send the order number and say "price protection" (价保).
3. Once the current price and its kind are checked, the difference is refunded to your original payment method.
"""
    body += "\n".join(_published(["price_protection.refund", "price_protection.late", "price_protection.no_drop"], lang))
    title = _t(lang, "价保政策（降价退差价）", "Price protection policy (price-drop refunds)")
    return _page(_doc_id("policy-price-protection", lang), title, lang, "policy", body, DATA + "policies.yaml")


def _refunds(lang: str) -> tuple[str, str]:
    rf = policies().refunds
    methods = [f"- **{m.name.in_(lang)}**{_t(lang, '：', ': ')}{m.arrival.in_(lang)}" for m in rf.methods.values()]
    if lang == "zh":
        body = f"""# 退款说明：退到哪里、多久到账

## 退到哪里
退款原路退回：用什么付的款，就退回到哪里。

## 多久到账
- 退货的：本店收到退货并验货后{rf.check_days}天内退款。
- 还没发货的：直接申请退款，不用退货，审核通过后原路退回。
- 各付款方式到账时间：
{chr(10).join(methods)}

## 退款没收到？
1. 先看“我的订单”里退款状态是不是“已退款”。
2. 银行卡退款要等1到5个工作日（周末不算）。
3. 花呗付款的，退款先恢复花呗额度，已经还了的部分退到支付宝余额。
4. 还是没有到账，联系客服，说出订单号。
"""
    else:
        body = f"""# Refunds: where the money goes and when it arrives

## Where it goes
Back to the way you paid (原路退回).

## When
- Returns: the shop refunds within {rf.check_days} days of receiving and checking the returned item.
- Orders not dispatched yet: ask for a refund directly, nothing to send back; it goes back to the original payment method once approved.
- Arrival by payment method:
{chr(10).join(methods)}

## Refund not there yet?
1. Check that the order under 我的订单 (My orders) says 已退款 (refunded).
2. Bank cards take 1 to 5 working days (weekends do not count).
3. Paid with Huabei (花呗): the refund restores your Huabei credit first; what you already repaid goes to your Alipay balance.
4. Still nothing: contact customer service with the order number.
"""
    body += "\n".join(_published(["refunds.timing", "refunds.not_shipped"], lang))
    title = _t(lang, "退款说明（到账时间、原路退回）", "Refunds (where and when they arrive)")
    return _page(_doc_id("policy-refunds", lang), title, lang, "policy", body, DATA + "policies.yaml")


def _privacy(lang: str) -> tuple[str, str]:
    pv = policies().privacy
    if lang == "zh":
        body = f"""# 查订单和隐私保护

## 查订单要先核对身份
为了保护您的隐私，客服查订单前会先请您说出**收货手机号的后四位**。核对不上的，不会告诉您订单的任何信息（商品、地址、物流）。客服也不会把别人的订单告诉您。

## 订单号长什么样
订单号是{pv.order_id_digits}位数字，前8位是下单日期，例如{pv.order_id_example}（2024年11月25日下的单）。在“我的订单”里点订单，可以复制订单号。

## 显示时会隐藏一部分
核对通过后，姓名、手机号、详细地址也只显示一部分，例如：张** 138****5678 北京市朝阳区***。

## 帮家人查订单
请用下单的账号登录查看，或者提供收货手机号后四位。
"""
    else:
        body = f"""# Order look-ups and privacy

## We check who you are first
To protect your privacy, customer service asks for the **last 4 digits of the delivery phone number** before showing an order. Without a match, nothing about the order (items, address, delivery) is shared, and we never tell one customer about another customer's order.

## What an order number looks like
{pv.order_id_digits} digits, starting with the date of the order, e.g. {pv.order_id_example} (placed on 25 November 2024). Copy it from 我的订单 (My orders).

## Details are partly hidden
Even after the check, the name, phone number and street address are partly hidden, e.g. 张** 138****5678 北京市朝阳区***.

## Orders placed by family members
Log in with the account that placed the order, or give the last 4 digits of its delivery phone number.
"""
    body += "\n".join(_published(["privacy.verify", "privacy.mismatch", "privacy.not_found", "privacy.masking"], lang))
    title = _t(lang, "查订单和隐私保护（手机号后四位核对）", "Order look-ups and privacy (last 4 phone digits)")
    return _page(_doc_id("policy-privacy", lang), title, lang, "policy", body, DATA + "policies.yaml")


def _policy_overview(lang: str) -> tuple[str, str]:
    body = _t(lang, "# 售后政策全文（每条带编号）\n\n本页是店铺公布的全部售后政策原文。大白话解释见各分页：退换货、运费、价保、退款、隐私。\n\n",
              "# All after-sales policies (each with its id)\n\nEvery after-sales rule as the shop publishes it. Plain-word pages explain each part: returns, shipping, price protection, refunds, privacy.\n\n")
    body += policies().markdown(lang)
    title = _t(lang, "售后政策全文", "All after-sales policies")
    return _page(_doc_id("policy-overview", lang), title, lang, "policy", body, DATA + "policies.yaml")


# --- promotions ------------------------------------------------------------------------------

# Worked examples: (cart, coupons held, member, what it shows)
EXAMPLES = [
    ({"J-101": 1}, (), False, ("只买1件棉服，差1元不够满300", "One padded jacket, ¥1 short of ¥300")),
    ({"J-101": 2}, ("shop-200-20", "platform-299-30"), False, ("2件棉服，第二件半价，再用两张券", "Two padded jackets, second half price, then two coupons")),
    ({"J-101": 2}, ("shop-200-20", "platform-299-30"), True, ("会员买2件棉服，先会员价，再第二件半价", "A member buys two jackets, member price first, then second half price")),
    ({"J-101": 3}, (), False, ("3件棉服，只有1件半价，满减减两次", "Three jackets, only one at half price, and 每满300减50 twice")),
    ({"S-310": 1}, (), True, ("会员买毛衣，会员价和8.5折不叠加，取低", "A member buys the sweater, member price and 8.5折 do not combine, the lower wins")),
    ({"J-101": 1, "S-310": 1}, ("shop-200-20",), False, ("棉服+毛衣", "Jacket + sweater")),
    ({"C-111": 1, "C-231": 1}, ("shop-200-20", "platform-299-30"), False, ("粉底液+精华，三重优惠", "Foundation + serum, three reductions")),
    ({"W-102": 1}, ("shop-1111-100", "shop-400-35", "platform-299-30"), False, ("拿着双11的券买羽绒服，双11券已失效", "The down coat with a Double-11 coupon in hand, that coupon has expired")),
    ({"C-131": 3}, ("platform-10", "platform-299-30"), False, ("凑单前，3支遮瑕", "Before 凑单, three concealers")),
    ({"C-131": 3, "C-212": 1}, ("platform-10", "platform-299-30"), False, ("凑单后，再加一支洁面反而更便宜", "After 凑单, adding a cleanser makes it cheaper")),
]


def _rule_line(rule: object, lang: str) -> str:
    shop = catalogue()
    name = rule.name.in_(lang)

    def scope(r: object) -> str:
        cats = [shop.categories[c].in_(lang) for c in getattr(r, "categories", ())] + list(getattr(r, "skus", ()))
        everything = _t(lang, "订单商品", "the order's items") if isinstance(r, Gift) else _t(lang, "全店商品", "every product")
        return everything if not cats else _t(lang, "、".join(cats), ", ".join(cats))

    if isinstance(rule, MemberPrice):
        prices = _t(lang, "、", ", ").join(f"{shop.product(s).name.in_(lang)} {s} {yuan(shop.product(s).price)} → {yuan(p)}" for s, p in rule.prices.items())
        return _t(lang, f"- **{name}**（仅会员，自动）：{prices}", f"- **{name}** (members only, automatic): {prices}")
    if isinstance(rule, ItemDiscount):
        return _t(lang, f"- **{name}**（自动）：{scope(rule)}打{zhe(rule.rate)}，按件算，每件四舍五入到分。",
                  f"- **{name}** (automatic): {scope(rule)} at {zhe(rule.rate)} ({percent_off(rule.rate)}), per unit, rounded to the fen.")
    if isinstance(rule, SecondItem):
        return _t(lang, f"- **{name}**（自动）：{scope(rule)}同一款同一规格每2件里1件{zhe(rule.rate)}；3件只有1件半价，4件有2件。",
                  f"- **{name}** (automatic): {scope(rule)}, same item: one in every pair at {percent_off(rule.rate)}; 3 items give 1 at half price, 4 give 2.")
    if isinstance(rule, EveryFull):
        return _t(lang, f"- **{name}**（自动，{scope(rule)}）：参与金额每满{yuan(rule.step)}减{yuan(rule.amount)}，上不封顶（满600减100，满900减150）。",
                  f"- **{name}** (automatic, {scope(rule)}): {yuan(rule.amount)} off for every full {yuan(rule.step)}, no cap (¥600 gives ¥100 off, ¥900 gives ¥150).")
    if isinstance(rule, Coupon):
        kind = _t(lang, "店铺券", "shop coupon") if rule.kind == "shop_coupon" else _t(lang, "平台券", "platform coupon")
        need = (_t(lang, "无门槛", "no threshold") if rule.threshold == 0
                else _t(lang, f"满{yuan(rule.threshold)}可用", f"from {yuan(rule.threshold)}"))
        state = "" if rule.active else _t(lang, "，**已失效，不能再用**", "; **expired, no longer usable**")
        return _t(lang, f"- **{name}**（{kind}，券号 `{rule.id}`）：{need}，减{yuan(rule.amount)}{state}。",
                  f"- **{name}** ({kind}, id `{rule.id}`): {need}, {yuan(rule.amount)} off{state}.")
    if isinstance(rule, Gift):
        cond = []
        if rule.min_quantity > 1 or not rule.min_amount:
            cond.append(_t(lang, f"{scope(rule)}买满{rule.min_quantity}件", f"{rule.min_quantity}+ item(s) of {scope(rule)}"))
        if rule.min_amount:
            cond.append(_t(lang, f"{scope(rule)}满{yuan(rule.min_amount)}（按第二件半价之后的价格算）", f"{scope(rule)} reaching {yuan(rule.min_amount)} (prices after the second-item offer)"))
        gift = rule.gift.name.in_(lang) if rule.gift.name else rule.gift.sku
        return _t(lang, f"- **{name}**（赠品）：{'，'.join(cond)}，送{gift}×{rule.gift.quantity}，不改变价格。",
                  f"- **{name}** (gift): {', '.join(cond)}: free {gift} ×{rule.gift.quantity}; it does not change the price.")
    return f"- {name}"


def _promotions_page(lang: str) -> tuple[str, str]:
    rules = promotions().promotions
    active = [r for r in rules if r.active]
    expired = [r for r in rules if not r.active]
    shop = catalogue()
    examples = []
    for number, (cart, coupons, member, (zh, en)) in enumerate(EXAMPLES, start=1):
        q = quote(cart, coupons=coupons, member=member)
        what = _t(lang, "、", ", ").join(f"{shop.product(s).name.in_(lang)} {s} ×{n}" for s, n in cart.items())
        held = _t(lang, "、", ", ").join(f"`{c}`" for c in coupons) or _t(lang, "无", "none")
        who = _t(lang, "会员" if member else "非会员", "member" if member else "not a member")
        # An indented code block: the steps keep their numbers without reading as ordering steps.
        examples += ["", f"### {_t(lang, '例', 'Example ')}{number}{_t(lang, '（', ' (')}{_t(lang, zh, en)}{_t(lang, '）', ')')}",
                     _t(lang, f"购物车：{what}；手里的券：{held}；{who}。", f"Cart: {what}; coupons held: {held}; {who}."),
                     "", *("    " + line for line in q.explain(lang).splitlines())]
    order_zh = """1. **原价**：数量 × 标价，加起来。
- ② **单品价**：会员价和折扣（如毛衫8.5折）**不叠加**，每件按最低的那个价算，所以会员不会比非会员买得贵。
- ③ **第二件半价**：同一款每2件里1件半价（3件只有1件半价）。
- ④ **跨店满减**（每满300减50）：自动，按前两步之后的金额算，满几个300就减几个50。
- ⑤ **店铺券**：要领了券、而且这时的金额达到门槛才能用，每单最多一张。
- ⑥ **平台券**：在店铺券之后算，每单最多一张。
- ⑦ **赠品**：条件满足就送，不改变价格。

手里有好几张券时，结算页会自动选最省钱的组合（“已为您选择最优惠组合”）；没用上的券会说明原因。每一步都四舍五入到分（¥0.01），金额不会减到0以下。"""
    order_en = """1. **Original price**: quantity × list price, added up.
- ② **Unit price**: member price and item discounts (such as knitwear 8.5折) **do not combine**; each item costs the lowest price on offer, so a member never pays more than a non-member.
- ③ **Second item half price**: one in every pair of the same item at half price (3 items: only 1 at half price).
- ④ **Cross-shop 每满300减50**: automatic, on the amount after steps 2-3: ¥50 off for every full ¥300.
- ⑤ **Shop coupon**: only if you hold it and the running total reaches its threshold here; one per order.
- ⑥ **Platform coupon**: after the shop coupon; one per order.
- ⑦ **Gifts**: given when their condition holds; they never change the price.

With several coupons, the checkout picks the cheapest combination ("已为您选择最优惠组合") and says why a coupon was left out. Every amount is rounded to the fen (¥0.01), and no step takes the total below ¥0."""
    if lang == "zh":
        body = f"""# 本季促销活动说明（{SEASON_NAME['zh']}）

本页是**当前有效**的促销。双11的活动已经结束，双11的券（`shop-1111-100`）已失效；往期页面仅供参考。

## 本季有哪些优惠
{chr(10).join(_rule_line(r, 'zh') for r in active)}

## 已失效的券
{chr(10).join(_rule_line(r, 'zh') for r in expired) or '- 无'}

## 优惠怎么叠加（计算顺序）
{order_zh}

## 算账举例（由店铺系统算出）
{chr(10).join(examples)}

## 凑单小贴士
- “满减”和“满多少可用”的券都是门槛：差一点没够到时，加一件便宜的东西，最后可能反而更便宜（见例9和例10）。
- 包邮门槛也按优惠后的金额算，见《发货、快递和运费》。
"""
    else:
        body = f"""# This season's promotions explained ({SEASON_NAME['en']})

This page lists the promotions **running now**. Double 11 is over and its coupon (`shop-1111-100`) has expired; last season's pages are kept for reference only.

## What is on this season
{chr(10).join(_rule_line(r, 'en') for r in active)}

## Expired coupons
{chr(10).join(_rule_line(r, 'en') for r in expired) or '- none'}

## How they stack (order of calculation)
{order_en}

## Worked examples (computed by the shop's checkout)
{chr(10).join(examples)}

## Tips for reaching a threshold (凑单)
- Spend-and-save offers and coupons have thresholds: when you are just short, adding a cheap item can make the total *lower* (examples 9 and 10).
- The free-shipping threshold also uses the total after discounts: see "Dispatch, carriers and shipping fees".
"""
    title = _t(lang, f"本季促销活动说明（{SEASON_NAME['zh']}：每满300减50、第二件半价、毛衫8.5折）",
               f"This season's promotions explained ({SEASON_NAME['en']}: ¥50 off every ¥300, second item half price, knitwear 8.5折)")
    return _page(_doc_id("promotion-current", lang), title, lang, "promotion", body, DATA + "promotions.yaml", SEASON)


def _coupons(lang: str) -> tuple[str, str]:
    coupons = promotions().coupons.values()
    rows = [_t(lang, "| 券号 | 名称 | 类型 | 门槛 | 减 | 状态 |", "| Coupon id | Name | Kind | Threshold | Off | Status |"), "|---|---|---|---|---|---|"]
    for c in coupons:
        kind = _t(lang, "店铺券", "shop") if c.kind == "shop_coupon" else _t(lang, "平台券", "platform")
        need = _t(lang, "无门槛", "none") if c.threshold == 0 else yuan(c.threshold)
        state = _t(lang, "可用", "valid") if c.active else _t(lang, "已失效", "expired")
        rows.append(f"| `{c.id}` | {c.name.in_(lang)} | {kind} | {need} | {yuan(c.amount)} | {state} |")
    if lang == "zh":
        body = f"""# 优惠券一览（券号、门槛、是否有效）

{chr(10).join(rows)}

## 用券规则
- 店铺券、平台券每单各最多用一张；先用店铺券，再用平台券。
- 门槛看的是前面的优惠（会员价/折扣、第二件半价、跨店满减）都算完以后的金额。
- 几张券都能用时，结算页自动选最省钱的组合。
- 已失效的券（例如双11店铺券 `shop-1111-100`）还留在卡包里，但结算时不能用。
"""
    else:
        body = f"""# Coupons at a glance (ids, thresholds, validity)

{chr(10).join(rows)}

## How coupons are used
- At most one shop coupon and one platform coupon per order; the shop coupon comes first.
- A threshold is checked against the total after the earlier offers (member price or discount, second item half price, cross-shop 每满300减50).
- When several coupons fit, the checkout picks the cheapest combination.
- An expired coupon (such as the Double-11 shop coupon `shop-1111-100`) still shows in your coupon wallet but does not work at checkout.
"""
    title = _t(lang, "优惠券一览（店铺券、平台券、已失效的券）", "Coupons at a glance (shop, platform, expired)")
    return _page(_doc_id("promotion-coupons", lang), title, lang, "promotion", body, DATA + "promotions.yaml", SEASON)


# --- size charts -----------------------------------------------------------------------------


def _clothing_charts(lang: str) -> tuple[str, str]:
    shop = catalogue()
    out = [_t(lang, "# 服装尺码表（号型、身高、体重：公斤和斤）", "# Clothing size charts (号型 code, height, weight in kg and 斤)"), "",
           _t(lang, "按身高和体重选码；身高和体重指向不同尺码时，选大的那个（喜欢修身可以选小的）。1公斤 = 2斤。",
              "Choose by height and weight; when they point at different sizes take the larger (or the smaller for a snug fit). 1 kg = 2 斤 (jin).")]
    for key, chart in shop.size_charts.items():
        users = [f"{p.name.in_(lang)} {p.sku}" for p in shop.products if isinstance(p, Clothing) and p.size_chart == key]
        out += ["", f"## {chart.name.in_(lang)}", _t(lang, f"适用商品：{'、'.join(users)}", f"Used by: {', '.join(users)}"), "",
                _t(lang, "| 尺码 | 号型 | 身高(厘米) | 体重(公斤) | 体重(斤) |", "| Size | Code (号型) | Height (cm) | Weight (kg) | Weight (斤) |"),
                "|---|---|---|---|---|"]
        out += [f"| {r.size} | {r.code} | {_band(r.height_cm)} | {_band(r.weight_kg)} | {_band(r.weight_kg, 2)} |" for r in chart.rows]
    body = "\n".join(out)
    title = _t(lang, "服装尺码表（女装外套、修身、宽松、裤裙、男装外套）", "Clothing size charts (women's outerwear, slim, oversized, bottoms; men's outerwear)")
    return _page(_doc_id("size-charts-clothing", lang), title, lang, "size-guide", body, DATA + "clothing.yaml")


def _shoe_charts(lang: str) -> tuple[str, str]:
    shop = catalogue()
    out = [_t(lang, "# 鞋码表（中国码、欧码、美码、脚长）", "# Shoe size tables (Chinese, EU and US sizes, foot length)"), "",
           _t(lang, "量脚长：晚上量，脚跟到最长的脚趾，量两只脚取长的那只，单位毫米。再看下面每双鞋偏大还是偏小。",
              "Measure in the evening, heel to the longest toe, both feet, and take the longer one, in millimetres. Then check how each shoe runs below.")]
    for key, table in shop.shoe_sizes.items():
        out += ["", f"## {table.name.in_(lang)}", _t(lang, "| 中国码 | 欧码 | 美码 | 脚长(毫米) |", "| CN | EU | US | Foot length (mm) |"), "|---|---|---|---|"]
        out += [f"| {r.cn} | {r.eu:g} | {r.us:g} | {r.foot_mm[0]}-{r.foot_mm[1]} |" for r in table.rows]
        out += ["", _t(lang, "偏大偏小：", "How each shoe runs:")]
        out += [f"- {p.name.in_(lang)} {p.sku}{_t(lang, '：', ': ')}{p.fit.in_(lang)}" for p in shop.products if isinstance(p, Shoe) and p.size_table == key]
    title = _t(lang, "鞋码表（女鞋、男鞋，脚长对照，偏大偏小）", "Shoe size tables (women's and men's, foot length, how each shoe runs)")
    return _page(_doc_id("size-charts-shoes", lang), title, lang, "size-guide", "\n".join(out), DATA + "shoes.yaml")


# --- skin types, shades, jargon ----------------------------------------------------------------


def _glossary(lang: str) -> tuple[str, str]:
    shop = catalogue()
    out = [_t(lang, "# 美妆和购物术语表（黄二白、混油皮、卡粉、氧化……）", "# Beauty and shopping words explained (黄二白, 混油皮, 卡粉, 氧化...)"), "",
           _t(lang, "## 肤质", "## Skin types")]
    for info in shop.skin_types.values():
        also = _t(lang, "、", ", ").join(info.also)
        out.append(_t(lang, f"- **{info.name.zh}**：{info.gloss.zh}。也叫：{also}",
                      f"- **{info.name.zh}** ({info.name.en}): {info.gloss.en}. Also written: {also}"))
    out += ["", _t(lang, "## 色调和妆效", "## Undertones and finishes")]
    out += [f"- **{t.zh}**{_t(lang, '', f' ({t.en})')}" for t in shop.undertones.values()]
    out += [f"- **{t.zh}**{_t(lang, '', f' ({t.en})')}" for t in shop.finishes.values()]
    out += ["", _t(lang, "## 常用词", "## Words")]
    skin_names = {info.name.zh for info in shop.skin_types.values()}
    for word, gloss in shop.jargon.items():
        if word not in skin_names:
            out.append(f"- **{word}**{_t(lang, '：', ': ')}{gloss.in_(lang)}")
    title = _t(lang, "美妆和购物术语表", "Beauty and shopping glossary")
    return _page(_doc_id("skin-glossary", lang), title, lang, "skin-guide", "\n".join(out), DATA + "cosmetics.yaml")


def _skin_matrix(lang: str) -> tuple[str, str]:
    shop = catalogue()
    cosmetics = [p for p in shop.products if isinstance(p, Cosmetic)]
    out = [_t(lang, "# 按肤质选产品（适合和不适合）", "# Products by skin type (suits / not for)"), "",
           _t(lang, "每种肤质下面列出适合的产品，以及明确不适合的产品和原因。", "For each skin type: the products that suit it, and those that do not, with the reason.")]
    for skin, info in shop.skin_types.items():
        out += ["", f"## {info.name.zh}{_t(lang, '', f' ({info.name.en})')}", f"{info.gloss.in_(lang)}", "", _t(lang, "适合：", "Suits:")]
        for p in cosmetics:
            if skin in p.skin_types:
                finish = f"{_t(lang, '，', ', ')}{shop.finishes[p.finish].in_(lang)}" if p.finish else ""
                out.append(f"- {p.name.in_(lang)} {p.sku}{_t(lang, '（', ' (')}{shop.categories[p.category].in_(lang)}{finish}{_t(lang, '，', ', ')}{yuan(p.price)}{_t(lang, '）', ')')}")
        bad = [(p, p.not_for[skin]) for p in cosmetics if skin in p.not_for]
        if bad:
            out += ["", _t(lang, "不适合：", "Not for this skin:")]
            out += [f"- {p.name.in_(lang)} {p.sku}{_t(lang, '：', ': ')}{why.in_(lang)}" for p, why in bad]
    title = _t(lang, "按肤质选产品：混油皮、干皮、油皮、敏感肌各用哪款", "Products by skin type: which one for combination-oily, dry, oily, sensitive skin")
    return _page(_doc_id("skin-products-by-type", lang), title, lang, "skin-guide", "\n".join(out), DATA + "cosmetics.yaml")


def _shades(lang: str) -> tuple[str, str]:
    shop = catalogue()
    base = [p for p in shop.products if isinstance(p, Cosmetic) and p.shades]
    names: dict[str, object] = {}
    for p in base:
        for shade in p.shades:
            names.setdefault(shade.name.zh, shade)
    out = [_t(lang, "# 色号对照：黄一白、黄二白、粉一白……哪款有、有没有货", "# Shades: which products come in 黄一白, 黄二白, 粉一白... and what is in stock"), "",
           _t(lang, "色号第一个字母：Y = 黄调，P = 粉调，N = 中性调，T = 透明；数字越大颜色越深（1最浅）。",
              "The letter: Y = yellow (warm), P = pink (cool), N = neutral, T = translucent; the higher the number, the deeper the shade (1 = fairest).")]
    for zh_name, shade in sorted(names.items(), key=lambda item: (item[1].depth, item[1].code)):
        label = zh_name if lang == "zh" else f"{zh_name} ({shade.name.en})"
        out += ["", f"## {label}{_t(lang, '（', ' (')}{shop.undertones[shade.undertone].in_(lang)}{_t(lang, '，深浅', ', depth ')}{shade.depth}{_t(lang, '）', ')')}"]
        for p in base:
            for s in p.shades:
                if s.name.zh == zh_name:
                    stock = _t(lang, "有货", "in stock") if p.units(s.code) > 0 else _t(lang, "缺货", "sold out")
                    suits = _t(lang, "、", ", ").join(shop.skin_types[k].name.in_(lang) for k in p.skin_types)
                    out.append(f"- {p.name.in_(lang)} {p.sku}{_t(lang, '，色号', ', shade ')}{s.code}{_t(lang, '，', ', ')}{stock}{_t(lang, '；适合：', '; suits: ')}{suits}")
    title = _t(lang, "色号对照表（黄一白、黄二白、粉一白、粉二白、象牙白、自然色、小麦色）", "Shade table (Fair Yellow 黄一白, Light Yellow 黄二白, Fair Pink 粉一白 and more)")
    return _page(_doc_id("skin-shades", lang), title, lang, "skin-guide", "\n".join(out), DATA + "cosmetics.yaml")


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DOCS
    paths = build(target)
    print(f"wrote {len(paths)} generated pages to {target}")
