"""The simulated shop: the ground truth that agents are told and graders check against.

    kit.shop.catalogue().product("J-101")          # 45 products: clothing, cosmetics, shoes
    kit.shop.quote({"J-101": 2}, coupons=["shop-200-20"], member=True).explain("en")
    kit.shop.recommend_size(chart, height_cm=165, weight_kg=60)
    kit.shop.order_status("2024112510293847", phone_last4="5678")
    kit.shop.can_return("outerwear", days_since_delivery=5)
    kit.shop.search("混油皮 粉底")
"""

from kit.shop.brief import brief
from kit.shop.catalogue import (
    Catalogue,
    Clothing,
    Cosmetic,
    Product,
    Shade,
    Shoe,
    ShoeSizeTable,
    SizeChart,
    SizeRow,
    SkinType,
    Text,
    Undertone,
    catalogue,
    load_catalogue,
)
from kit.shop.money import money, yuan
from kit.shop.orders import OrderBook, OrderView, Status, load_orders, order_status, orders
from kit.shop.policies import (
    Policies,
    PolicyAnswer,
    can_return,
    load_policies,
    policies,
    price_protection,
    refund_timing,
    shipping_fee,
)
from kit.shop.promotions import Promotions, Quote, QuoteError, load_promotions, promotions, quote
from kit.shop.search import Hit, search
from kit.shop.sizing import SizeAdvice, recommend_size

__all__ = [
    "Catalogue", "Clothing", "Cosmetic", "Hit", "OrderBook", "OrderView", "Policies", "PolicyAnswer",
    "Product", "Promotions", "Quote", "QuoteError", "Shade", "Shoe", "ShoeSizeTable", "SizeAdvice",
    "SizeChart", "SizeRow", "SkinType", "Status", "Text", "Undertone",
    "brief", "can_return", "catalogue", "load_catalogue", "load_orders", "load_policies", "load_promotions",
    "money", "order_status", "orders", "policies", "price_protection", "promotions", "quote",
    "recommend_size", "refund_timing", "search", "shipping_fee", "yuan",
]
