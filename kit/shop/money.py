"""Money in yuan: exact Decimals rounded to the fen (¥0.01) half up, and printed as price tags.

One rule everywhere: an amount is rounded with ROUND_HALF_UP to 0.01 at the moment it is computed
(¥127.075 -> ¥127.08), never later and never twice, so the explanation a customer reads adds up.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal | int | str) -> Decimal:
    """`value` in yuan rounded to the fen, half up: the shop's only rounding rule."""
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def yuan(value: Decimal) -> str:
    """A price tag such as '¥299.00', the way the catalogue and the explanation print money."""
    return f"¥{money(value)}"


def zhe(rate: Decimal) -> str:
    """A rate as Chinese shops write it: 0.85 -> '8.5折', 0.5 -> '5折'."""
    return f"{(rate * 10).normalize():f}折"


def percent_off(rate: Decimal) -> str:
    """A rate as English shops write it: 0.85 -> '15% off'."""
    return f"{((1 - rate) * 100).normalize():f}% off"
