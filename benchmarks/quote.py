"""How fast the promotions engine quotes a cart, next to the plain sum of its prices.

Run: .venv/bin/python benchmarks/quote.py [rounds]
A small cart (the contest's two jackets and a coupon) and a large one (every catalogue product,
1-3 of each, every coupon, a member) are timed round by round, interleaved with the baseline, so
machine noise hits all of them alike. The report gives medians and ratios, never a verdict.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal

from kit.shop.catalogue import catalogue
from kit.shop.promotions import promotions, quote


def plain_sum(cart: dict[str, int]) -> Decimal:
    """The baseline: quantity x catalogue price, summed, with the same catalogue look-ups."""
    shop = catalogue()
    return sum((shop.product(sku).price * quantity for sku, quantity in cart.items()), Decimal("0.00"))


def rate(work: Callable[[], object], seconds: float = 0.2) -> float:
    """Calls per second of `work`, measured over about `seconds`."""
    calls, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        for _ in range(20):
            work()
        calls += 20
    return calls / elapsed


def main(rounds: int = 5) -> None:
    coupons = tuple(promotions().coupons)
    carts = {
        "small (2 jackets, 1 coupon)": ({"J-101": 2}, ("shop-200-20",), False),
        "large (every product, all coupons)": (
            {p.sku: 1 + i % 3 for i, p in enumerate(catalogue().products)}, coupons, True),
    }
    print(f"{'cart':<36} {'lines':>5} {'plain sum/s':>12} {'quote/s':>10} {'quote+explain/s':>16} "
          f"{'sum÷quote':>10}   (median of {rounds} interleaved rounds)")
    for name, (cart, held, member) in carts.items():
        samples: dict[str, list[float]] = {"sum": [], "quote": [], "explain": []}
        for _ in range(rounds):
            samples["sum"].append(rate(lambda: plain_sum(cart)))
            samples["quote"].append(rate(lambda: quote(cart, held, member)))
            samples["explain"].append(rate(lambda: (q := quote(cart, held, member)).explain("zh") + q.explain("en")))
        base, quoted, explained = (statistics.median(samples[key]) for key in ("sum", "quote", "explain"))
        print(f"{name:<36} {len(cart):>5} {base:>12,.0f} {quoted:>10,.0f} {explained:>16,.0f} {base / quoted:>9.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
