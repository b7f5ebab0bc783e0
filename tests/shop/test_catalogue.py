"""The catalogue: enough products of every kind, the seed's beauty shades, product pages, and data
mistakes that fail with the file, the entry and the field."""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from kit.errors import CardError
from kit.practice.page import read_page as _read_page  # how the practice model reads a product page
from kit.shop import brief
from kit.shop.catalogue import (
    DATA_DIR,
    DATA_FILE,
    KINDS,
    Clothing,
    Cosmetic,
    Finish,
    Shoe,
    SkinType,
    Undertone,
    catalogue,
    load_catalogue,
)

SHOP = catalogue()
BASE_MAKEUP = {"foundation", "cushion", "concealer", "powder"}


# --- what the shop sells ----------------------------------------------------------------------


def test_the_shop_has_at_least_40_products_and_every_kind() -> None:
    counts = {kind: len(SHOP.of_kind(kind)) for kind in KINDS}
    assert sum(counts.values()) == len(SHOP.products) >= 40
    assert counts["cosmetics"] >= 15 and counts["clothing"] >= 15 and counts["shoes"] >= 6
    assert {type(product) for product in SHOP.products} == {Clothing, Cosmetic, Shoe}


def test_skus_are_unique_and_the_catalogue_is_loaded_once() -> None:
    skus = [product.sku for product in SHOP.products]
    assert len(skus) == len(set(skus))
    assert catalogue() is SHOP


def test_every_product_has_names_price_stock_and_delivery() -> None:
    for product in SHOP.products:
        assert product.name.zh and product.name.en and product.description.zh and product.description.en
        assert product.category in SHOP.categories
        assert isinstance(product.price, Decimal) and product.price > 0 and product.price.as_tuple().exponent == -2
        assert product.units() >= 0
        assert product.delivery.ships_from in SHOP.warehouses
        assert 1 <= product.delivery.days[0] <= product.delivery.days[1]


def test_clothing_has_hao_xing_charts_and_stock_per_size() -> None:
    for product in SHOP.of_kind("clothing"):
        chart = SHOP.chart_for(product.sku)
        assert all(re.fullmatch(r"\d{3}/\d{2,3}A", row.code) for row in chart.rows)
        assert isinstance(product.stock, dict) and set(product.stock) == set(chart.sizes)
    # a slim cut and an oversized cut read the same body differently
    slim, loose = SHOP.chart_for("W-103"), SHOP.chart_for("T-401")
    assert slim != loose and slim.rows[1].weight_kg[1] < loose.rows[1].weight_kg[1]


def test_base_makeup_has_shades_finish_and_says_who_it_is_not_for() -> None:
    for product in SHOP.of_kind("cosmetics"):
        assert isinstance(product, Cosmetic)
        assert product.skin_types and product.ingredients and product.volume
        assert not set(product.skin_types) & set(product.not_for)
        if product.category in BASE_MAKEUP:
            assert product.shades and product.finish is not None
            assert isinstance(product.stock, dict) and set(product.stock) == {shade.code for shade in product.shades}
        if product.finish is Finish.MATTE:
            assert SkinType.DRY in product.not_for  # a matte finish clings to dry patches
    skincare = [p for p in SHOP.of_kind("cosmetics") if p.category not in BASE_MAKEUP | {"primer"}]
    assert {p.category for p in skincare} >= {"cleanser", "toner", "sunscreen", "moisturiser"}


def test_the_seed_shades_exist_with_the_right_undertones() -> None:
    shades = defaultdict(set)
    for product in SHOP.of_kind("cosmetics"):
        for shade in product.shades:  # type: ignore[attr-defined]
            shades[shade.name.zh].add((shade.code, shade.undertone, shade.depth))
    assert shades["黄一白"] == {("Y01", Undertone.YELLOW, 1)}
    assert shades["黄二白"] == {("Y02", Undertone.YELLOW, 2)}
    assert shades["粉一白"] == {("P01", Undertone.PINK, 1)}
    assert shades["象牙白"] == {("N01", Undertone.NEUTRAL, 1)}
    assert shades["自然色"] == {("N02", Undertone.NEUTRAL, 3)}
    assert all(len(same) == 1 for same in shades.values())  # one name, one code, everywhere


def test_skin_types_have_names_glosses_and_count_as_jargon() -> None:
    names = {SHOP.skin_types[skin].name.zh for skin in SkinType}
    assert names >= {"混油皮", "干皮", "油皮", "敏感肌", "中性皮"}
    assert all(name in SHOP.jargon for name in names)
    assert {"黄二白", "黄一白", "粉一白", "号型", "加购", "下单"} <= set(SHOP.jargon)
    assert SHOP.skin_type("混油皮") is SkinType.COMBINATION_OILY
    assert SHOP.skin_type("Oily skin") is SHOP.skin_type("大油皮") is SHOP.skin_type("oily") is SkinType.OILY
    with pytest.raises(KeyError, match="混油皮"):
        SHOP.skin_type("油光皮")


def test_shoes_map_cn_eu_us_and_foot_length() -> None:
    for product in SHOP.of_kind("shoes"):
        table = SHOP.shoe_sizes_for(product.sku)
        assert isinstance(product.stock, dict) and set(product.stock) == set(table.sizes)
    table = SHOP.shoe_sizes_for("F-501")
    row = table.for_foot(233)
    assert (row.cn, row.eu, row.us, row.foot_mm) == (37, 37, 6.5, (231, 235))
    assert table.for_foot(300) == table.rows[-1]
    with pytest.raises(KeyError, match="not a shoe"):
        SHOP.shoe_sizes_for("J-101")
    with pytest.raises(KeyError, match="no size chart"):
        SHOP.chart_for("F-501")


def test_the_three_lesson_products_are_unchanged() -> None:
    expected = {
        "J-101": ("加厚保暖棉服外套", "Padded winter jacket", "299.00", ["黑色", "酒红色", "藏青色"], ["black", "wine red", "navy"]),
        "V-205": ("轻薄羽绒马甲", "Light down vest", "159.00", ["米白色", "黑色"], ["off-white", "black"]),
        "S-310": ("羊毛混纺高领毛衣", "Wool-blend turtleneck sweater", "199.00", ["燕麦色", "灰色"], ["oatmeal", "grey"]),
    }
    for sku, (zh, en, price, colours_zh, colours_en) in expected.items():
        product = SHOP.product(sku)
        assert isinstance(product, Clothing)
        assert (product.name.zh, product.name.en, product.price) == (zh, en, Decimal(price))
        assert product.colours == {"zh": colours_zh, "en": colours_en}
        assert product.size_chart == "womens_outerwear"
    rows = [(r.size, r.code, r.height_cm, r.weight_kg) for r in SHOP.size_charts["womens_outerwear"].rows]
    assert rows == [
        ("S", "155/80A", (148, 157), (38, 48)),
        ("M", "160/84A", (158, 162), (48, 55)),
        ("L", "165/88A", (163, 167), (55, 62)),
        ("XL", "170/92A", (168, 172), (62, 70)),
        ("XXL", "175/96A", (173, 180), (70, 80)),
    ]


# --- product pages ----------------------------------------------------------------------------

J101_PAGE = """## 商品信息: 加厚保暖棉服外套 (J-101)
- 价格: ¥299.00
- 颜色: 黑色, 酒红色, 藏青色
- 中长款加厚棉服，领口可拆卸，适合零下10度左右的冬天。

### 尺码表
| 尺码 | 号型 | 身高(厘米) | 体重(公斤) |
|---|---|---|---|
| S | 155/80A | 148-157 | 38-48 |
| M | 160/84A | 158-162 | 48-55 |
| L | 165/88A | 163-167 | 55-62 |
| XL | 170/92A | 168-172 | 62-70 |
| XXL | 175/96A | 173-180 | 70-80 |

### 促销活动
- 会员价 ¥279.00（仅会员）
- 外套第二件半价
- 跨店每满300减50
- 店铺券满200减20（持券可用，券号 shop-200-20）
- 店铺券满400减35（持券可用，券号 shop-400-35）
- 平台券满299减30（持券可用，券号 platform-299-30）
- 平台无门槛券减10（持券可用，券号 platform-10）
- 买外套送羽绒清洗剂小样
- 满499送羊毛袜
- 计算顺序：单品价（会员价与折扣取低）→ 第二件半价 → 跨店满减 → 店铺券 → 平台券；赠品不改变价格。

### 下单步骤
1. 在商品页面点“选择尺码”，选好颜色和尺码。
2. 点“立即购买”。
3. 填写收货地址和电话，核对一下。
4. 点“提交订单”，然后用微信或支付宝付款。"""


def test_the_clothing_page_keeps_its_layout() -> None:
    assert brief("J-101") == J101_PAGE  # lessons, recorded conversations and the practice model rely on it
    page = _read_page(brief("P-601", "en"))
    assert page.price == Decimal("189.00") and [row.code for row in page.chart][:2] == ["155/62A", "160/66A"]
    assert len(page.steps) == 4


def test_the_cosmetics_page_has_shades_skin_types_ingredients_and_not_for() -> None:
    page = brief("C-111")
    assert "- 价格: ¥189.00" in page and "- 妆效: 哑光" in page
    assert "| Y02 | 黄二白 | 黄调 | 2 | 有货 |" in page and "| Y04 | 小麦色 | 黄调 | 4 | 缺货 |" in page
    assert "### 适合肤质\n- 混油皮：" in page and "- 烟酰胺" in page
    assert "### 不适合\n- 干皮：哑光质地容易卡在干皮起皮的地方" in page
    assert "选择色号" in page
    english = brief("C-111", "en")
    assert "| Y02 | Light Yellow (黄二白) | yellow (warm) | 2 | in stock |" in english
    assert "- combination-oily skin (混油皮): " in english and "### Not for\n- dry skin (干皮): " in english
    read = _read_page(page)  # shade rows are not size rows, and only the ordering steps are numbered
    assert read.price == Decimal("189.00") and read.chart == [] and len(read.steps) == 4


def test_the_skincare_page_has_stock_and_cautions_but_no_shades() -> None:
    page = brief("C-222", "en")
    assert "- Stock: in stock" in page and "### Shades" not in page
    assert "### Good to know\n- Start every other day" in page and "- sensitive skin (敏感肌): " in page


def test_the_shoe_page_has_its_size_table_and_fit() -> None:
    page = brief("F-501")
    assert "| 尺码 | 欧码 | 美码 | 脚长(毫米) | 库存 |" in page and "| 37 | 37 | 6.5 | 231-235 | 有货 |" in page
    assert "- 尺码建议: 正码" in page and "- 发货: 从福建晋江发出，付款后2-4天送达" in page
    assert "| 40 | 40 | 8.5 | 246-250 | in stock |" in brief("F-501", "en")
    read = _read_page(page)
    assert read.chart == [] and len(read.steps) == 4


# --- mistakes in the data files ---------------------------------------------------------------


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the data folder, for breaking."""
    return Path(shutil.copytree(DATA_DIR, tmp_path / "data"))


def _error(data: Path, file: str, old: str, new: str) -> str:
    """Break one file (the first `old` becomes `new`) and return the loading error."""
    path = data / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the test's anchor {old!r} is no longer in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CardError) as caught:
        load_catalogue(data)
    return str(caught.value)


Y02 = "{code: Y02, name: {zh: 黄二白, en: Light Yellow}, undertone: yellow, depth: 2}"
C132_P01 = "{code: P01, name: {zh: 粉一白, en: Fair Pink}, undertone: pink, depth: 1}\n    skin_types: [dry, combination_dry, normal, sensitive]"
BROKEN = [
    # (file, old, new, the message: file, then entry (field path): problem)
    ("cosmetics.yaml", Y02, Y02.replace("yellow", "olive"),
     "cosmetics.yaml: product C-111 (products.0.shades.1.undertone): Input should be 'yellow', 'pink' or 'neutral'"),
    ("cosmetics.yaml", C132_P01, C132_P01.replace("P01", "Y01"),
     "cosmetics.yaml: product C-132 (products.6.shades): shade code Y01 is used more than once"),
    ("cosmetics.yaml", "skin_types: [combination_oily, oily, normal]", "skin_types: [combination_oily, oilly, normal]",
     "cosmetics.yaml: product C-111 (products.0.skin_types.1): Input should be 'combination_oily'"),
    ("cosmetics.yaml", "skin_types: [combination_oily, oily, normal]", "skin_types: [combination_oily, oily, normal, dry]",
     "cosmetics.yaml: product C-111 (products.0): not_for: dry is also under skin_types"),
    ("cosmetics.yaml", "  neutral: {zh: 中性调, en: neutral}\n", "", "cosmetics.yaml: undertones: no entry for neutral"),
    ("cosmetics.yaml", "  色号:", "  黄一白: {zh: 又一个, en: again}\n  色号:", "cosmetics.yaml: not valid YAML: '黄一白' is given twice"),
    ("clothing.yaml", 'price: "159.00"', "price: 159.0",
     'clothing.yaml: product V-205 (products.1.price): write the price as a quoted string such as "159.00"'),
    ("clothing.yaml", "size_chart: womens_slim\n", "size_chart: womens_slimm\n",
     "clothing.yaml: product W-103 (products.4.size_chart): no size chart 'womens_slimm'"),
    ("clothing.yaml", "XL: 15, XXL: 8}", "XL: 15, XXXL: 8}",
     "clothing.yaml: product J-101 (products.0.stock): counts are for S, M, L, XL, XXXL; give one for each of S, M, L, XL, XXL"),
    ("clothing.yaml", "    colours: {zh: [黑色, 酒红色, 藏青色]", "    colour: {zh: [黑色, 酒红色, 藏青色]",
     "clothing.yaml: product J-101 (products.0.colour): Extra inputs are not permitted"),
    ("clothing.yaml", "[163, 167], weight_kg: [52, 58]", "[163, 167], weight_kg: [45, 58]",
     "clothing.yaml: size chart womens_slim (size_charts.womens_slim): rows.2.weight_kg: 45-58 must start and end above"),
    ("clothing.yaml", "code: 160/84A, height_cm: [158, 162], weight_kg: [46, 52]", "code: 170/84A, height_cm: [158, 162], weight_kg: [46, 52]",
     "clothing.yaml: size chart womens_slim (size_charts.womens_slim): rows.1: code 170/84A is for height 170 cm, outside 158-162"),
    ("shoes.yaml", "sku: F-508", "sku: J-101", "shoes.yaml: product J-101 (products.7.sku): already used in "),
    ("shoes.yaml", "category: sandals", "category: sandal", "shoes.yaml: product F-508 (products.7.category): 'sandal' is not under categories"),
    ("shoes.yaml", "foot_mm: [236, 240]", "foot_mm: [226, 240]",
     "shoes.yaml: shoe size table womens_shoes (shoe_sizes.womens_shoes): rows.3: cn, eu, us and foot_mm must all go up"),
    ("shoes.yaml", "kind: shoes\n", "", "shoes.yaml: kind: should be one of shop, clothing, cosmetics, shoes"),
    ("catalogue.yaml", "  jinjiang: {zh: 福建晋江, en: Jinjiang (Fujian)}\n", "",
     "shoes.yaml: product F-501 (products.0.delivery.ships_from): 'jinjiang' is not a warehouse"),
    ("catalogue.yaml", "    - 点“立即购买”。\n", "", "catalogue.yaml: how_to_order: zh has 3 items and en has 4"),
    ("catalogue.yaml", "\njargon:\n", "\njargon:\n  色号: {zh: 颜色编号, en: shade code}\n", "cosmetics.yaml: jargon.色号: already defined in "),
]


@pytest.mark.parametrize(("file", "old", "new", "message"), BROKEN, ids=[case[3].split(":")[1].strip()[:40] for case in BROKEN])
def test_a_broken_file_names_file_entry_and_field(data: Path, file: str, old: str, new: str, message: str) -> None:
    error = _error(data, file, old, new)
    assert f"{data}/{message}" in error, error


def test_a_missing_file_is_named(data: Path) -> None:
    (data / "shoes.yaml").unlink()
    with pytest.raises(CardError, match=r"shoes\.yaml: the catalogue needs this file"):
        load_catalogue(data)


def test_one_file_is_not_a_whole_catalogue() -> None:
    with pytest.raises(CardError) as caught:
        load_catalogue(DATA_FILE)
    assert f"{DATA_FILE}: how_to_order: Field required" in str(caught.value) and "folder" in str(caught.value)


def test_a_copy_of_the_data_loads_the_same_shop(data: Path) -> None:
    assert load_catalogue(data) == SHOP


# --- in Chinese (KIT_LANG=zh) -------------------------------------------------------------------


@pytest.fixture
def chinese():
    from kit import i18n

    i18n.set_language("zh")
    yield
    i18n._chosen = None


def test_a_broken_file_is_explained_in_chinese_with_the_same_file_entry_and_field(data: Path, chinese: None) -> None:
    error = _error(data, "clothing.yaml", 'price: "159.00"', "price: 159.0")
    assert f'{data}/clothing.yaml: 商品 V-205（products.1.price）：价格请写成带引号的字符串，例如 "159.00"' in error, error
    shutil.copy(DATA_DIR / "clothing.yaml", data / "clothing.yaml")  # mend it, then break the stock
    error = _error(data, "clothing.yaml", "XL: 15, XXL: 8}", "XL: 15, XXXL: 8}")
    assert "商品 J-101（products.0.stock）：库存写的是 S, M, L, XL, XXXL；请为 S, M, L, XL, XXL 各写一个数量" in error, error


def test_a_lookup_error_names_the_product_in_chinese(chinese: None) -> None:
    with pytest.raises(KeyError) as caught:
        SHOP.chart_for("C-111")
    assert caught.value.args[0] == "C-111（控油持妆粉底液）没有尺码表"
    assert caught.value.english == "C-111 (Oil-control long-wear liquid foundation) has no size chart"  # what a tool returns
    with pytest.raises(KeyError, match="没有肤质 '龙皮'；店里认识的有：combination_oily"):
        SHOP.skin_type("龙皮")
