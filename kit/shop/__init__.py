"""The simulated shop: the ground truth that agents are told and graders check against."""

from kit.shop.brief import brief
from kit.shop.catalogue import Catalogue, Product, SizeChart, SizeRow, catalogue, load_catalogue
from kit.shop.sizing import SizeAdvice, recommend_size

__all__ = [
    "Catalogue",
    "Product",
    "SizeAdvice",
    "SizeChart",
    "SizeRow",
    "brief",
    "catalogue",
    "load_catalogue",
    "recommend_size",
]
