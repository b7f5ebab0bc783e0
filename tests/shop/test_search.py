"""Product search: customers' words in Chinese and English find the right products first, filters
narrow them, a named skin type leaves out what is not for it, and nothing found is []."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kit.shop.catalogue import DATA_DIR, Cosmetic, SkinType, catalogue, load_catalogue
from kit.shop.search import Hit, search, terms

SHOP = catalogue()


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("混油皮 粉底", "C-111"),
        ("我是黄二白，混油皮，想要一款不脱妆的粉底液", "C-111"),  # the angry city woman
        ("黄一白 气垫", "C-121"),
        ("黄二白粉底液", "C-111"),
        ("Y02 cushion", "C-121"),
        ("干皮 气垫", "C-122"),
        ("不卡粉的粉底", "C-112"),
        ("敏感肌 防晒", "C-252"),
        ("面霜 干皮", "C-241"),
        ("棉服", "J-101"),  # the typo auntie's padded jacket
        ("羽绒服", "W-102"),
        ("牛仔裤", "P-601"),
        ("雪地靴", "F-503"),
        ("小白鞋", "F-501"),
        ("foundation for oily skin", "C-111"),
        ("dry skin cushion", "C-122"),
        ("sunscreen for sensitive skin", "C-252"),
        ("concealer for dark circles", "C-131"),
        ("padded jacket", "J-101"),
        ("snow boots", "F-503"),
        ("running shoes", "F-502"),
        ("moisturiser for dry skin", "C-241"),
        ("J-101", "J-101"),
    ],
)
def test_realistic_queries_find_the_right_product_first(query: str, first: str) -> None:
    hits = search(query)
    assert hits and hits[0].sku == first, [(hit.sku, hit.score, hit.why) for hit in hits]


def test_a_shade_name_finds_the_products_that_have_it() -> None:
    hits = search("黄二白", limit=10)
    having = {p.sku for p in SHOP.of_kind("cosmetics") if any(s.name.zh == "黄二白" for s in p.shades)}  # type: ignore[attr-defined]
    assert {hit.sku for hit in hits} == having and len(having) >= 5
    assert all(hit.why == ("色号: Y02 黄二白",) for hit in hits)  # not 粉二白: a shade is matched whole
    assert [hit.sku for hit in search("Y02", limit=10)] == [hit.sku for hit in hits]


@pytest.mark.parametrize("skin", list(SkinType))
def test_a_named_skin_type_leaves_out_what_is_not_for_it(skin: SkinType) -> None:
    info = SHOP.skin_types[skin]
    for query in (f"{info.name.zh} 粉底", f"{info.name.en} foundation", f"{info.name.zh} 防晒", info.name.zh):
        for hit in search(query, limit=20):
            product = SHOP.product(hit.sku)
            assert isinstance(product, Cosmetic) and skin not in product.not_for, (query, hit.sku)


def test_only_the_skin_type_finds_what_suits_it() -> None:
    hits = search("混油皮", limit=50)
    suits = {p.sku for p in SHOP.of_kind("cosmetics") if SkinType.COMBINATION_OILY in p.skin_types}  # type: ignore[attr-defined]
    assert {hit.sku for hit in hits} == suits
    assert all(hit.why == ("适合: 混油皮",) for hit in hits)


def test_filters_narrow_the_results() -> None:
    assert {hit.sku for hit in search("黄一白", category="cushion")} == {"C-121", "C-122"}
    assert {hit.sku for hit in search("黄一白", category="气垫粉底")} == {"C-121", "C-122"}
    assert all(hit.kind == "shoes" for hit in search("black", category="shoes", limit=20))
    dry = search("粉底", skin_type="干皮", limit=20)
    assert dry and all(SkinType.DRY in SHOP.product(hit.sku).skin_types for hit in dry)  # type: ignore[attr-defined]
    assert [hit.sku for hit in search("foundation", skin_type=SkinType.OILY)] == [hit.sku for hit in search("foundation", skin_type="oily skin")]


def test_a_blank_query_lists_what_the_filters_keep() -> None:
    hits = search("", category="sunscreen")
    assert [hit.sku for hit in hits] == ["C-251", "C-252"] and hits[0].why == ("matches the filters",)
    assert search("  ") == []


def test_bad_filters_say_what_is_valid() -> None:
    with pytest.raises(ValueError, match="No category 'hats'.*cosmetics.*foundation"):
        search("red", category="hats")
    with pytest.raises(ValueError, match="No skin type 'shiny'.*混油皮"):
        search("粉底", skin_type="shiny")
    with pytest.raises(ValueError, match="limit"):
        search("粉底", limit=0)


@pytest.mark.parametrize("query", ["xyzzy", "火箭发射", "the for with", "请问有没有"])
def test_a_query_with_no_match_returns_nothing(query: str) -> None:
    assert search(query) == []


def test_why_is_in_the_queries_language_unless_asked() -> None:
    assert search("黄二白")[0].why[0].startswith("色号: ")
    assert search("黄二白", lang="en")[0].why[0] == "shade: Y02 黄二白 (Light Yellow)"
    assert search("foundation for oily skin")[0].why == ("name: Oil-control long-wear liquid foundation", "suits: oily skin")


def test_hits_are_plain_data_for_a_tool() -> None:
    hit = search("混油皮 粉底", limit=1)[0]
    assert isinstance(hit, Hit)
    data = json.loads(json.dumps(hit.as_dict(), ensure_ascii=False))
    assert data["sku"] == "C-111" and data["price"] == "189.00" and data["name_zh"] == "控油持妆粉底液"
    assert data["name_en"] and data["in_stock"] is True and data["why"]
    assert len(search("粉底", limit=2)) == 2


def test_terms_are_words_and_character_pairs() -> None:
    assert terms("控油粉底") >= {"控油", "油粉", "粉底", "控"}
    assert terms("粉底", query=True) == {"粉底"} and terms("裙", query=True) == {"裙"}
    assert terms("Running shoes for oily skin") == {"running", "shoe", "oily", "skin"}


def test_search_reads_the_shop_it_is_given(tmp_path: Path) -> None:
    data = Path(shutil.copytree(DATA_DIR, tmp_path / "data"))
    clothing = data / "clothing.yaml"
    clothing.write_text(clothing.read_text(encoding="utf-8").replace("羊毛A字半身裙", "羊毛百褶半身裙"), encoding="utf-8")
    shop = load_catalogue(data)
    assert [hit.sku for hit in search("百褶裙", shop=shop)][:1] == ["K-701"]
    assert search("百褶") == []


def test_bad_filters_are_explained_in_chinese_and_in_english_to_a_tool() -> None:
    from kit import i18n

    i18n.set_language("zh")
    try:
        with pytest.raises(ValueError) as skin:
            search("粉底", skin_type="龙皮")
        with pytest.raises(ValueError, match="没有类别 'toys'；请用一个大类（clothing, cosmetics, shoes）或一个类别"):
            search("粉底", category="toys")
        hits = search("粉底", skin_type="干皮")
    finally:
        i18n._chosen = None
    assert str(skin.value).startswith("没有肤质 '龙皮'；店里认识的有：combination_oily (混油皮)")
    assert skin.value.english.startswith("No skin type '龙皮'; the shop knows: ")  # the customer's word stays as typed
    assert hits == search("粉底", skin_type="干皮")  # results (and their reasons) follow the query's language only
