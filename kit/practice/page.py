"""What the practice model can read off a product page (the reference text the agent is given).

It reads the page's fixed layout (see `kit.shop.brief`): title and SKU, price, colours, the
size chart rows, the shades table, the skin types it suits, and the numbered ordering steps.
A real model reads the same text; it just reads it better.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from kit.shop.catalogue import SizeRow

_TITLE = re.compile(r"^##\s*[^:：\n]+[:：]\s*(.+?)\s*(?:\(([^)]*)\))?\s*$", re.M)
_PRICE = re.compile(r"^-\s*(?:价格|Price)\s*[:：]\s*[¥￥]?\s*([\d.]+)", re.M)
_COLOURS = re.compile(r"^-\s*(?:颜色|Colours)\s*[:：]\s*(.+)$", re.M)
_FIELD = re.compile(r"^[^:：]{1,12}[:：]")  # "价格: ¥359" and the like, not a free-text note
_SIZE_ROW = re.compile(r"^\|\s*([A-Z0-9]+)\s*\|\s*([\d/]+[A-Z])\s*\|\s*([\d.]+)-([\d.]+)\s*\|\s*([\d.]+)-([\d.]+)\s*\|", re.M)
_SHADE_ROW = re.compile(r"^\|\s*([A-Z]{1,2}\d{2,3})\s*\|\s*([^|]+?)\s*\|", re.M)
_SECTION = r"^###\s*(?:{title})\s*$(.*?)(?=^###|\Z)"
_SUITS = re.compile(_SECTION.format(title="适合肤质|Suits"), re.M | re.S)
_STEP = re.compile(r"^\d+\.\s*(.+)$", re.M)


@dataclass(frozen=True)
class Shade:
    code: str
    name: str  # as the page writes it: 黄二白, or "Light Yellow (黄二白)"


@dataclass(frozen=True)
class Passage:
    """A knowledge-base excerpt the agent was given: its id ([faq-returns-zh#2]), title and text."""

    id: str
    title: str
    text: str


_PASSAGE = re.compile(r"^\[([^\]\n]+)\]\s*(.*)$", re.M)


def read_passages(reference: str) -> list[Passage]:
    """The knowledge-base excerpts in the reference text, in the order they were retrieved."""
    start = reference.find("## 知识库摘录")
    if start < 0:
        return []
    section = reference[start:]
    marks = list(_PASSAGE.finditer(section))
    return [
        Passage(mark.group(1), mark.group(2).strip(), section[mark.end(): marks[i + 1].start() if i + 1 < len(marks) else len(section)].strip())
        for i, mark in enumerate(marks)
    ]


@dataclass
class Page:
    """The product page, as read by the practice model."""

    product: str = ""
    sku: str = ""
    price: Decimal | None = None
    colours: list[str] = field(default_factory=list)
    chart: list[SizeRow] = field(default_factory=list)
    shades: list[Shade] = field(default_factory=list)
    suits: list[str] = field(default_factory=list)  # skin-type lines, e.g. "混油皮：T区容易出油…"
    steps: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # free-text lines under the title: fabric, care, fit


def read_page(reference: str) -> Page:
    """Read the product page(s) in the reference text."""
    page = Page()
    if title := _TITLE.search(reference):
        page.product, page.sku = title.group(1), title.group(2) or ""
    if price := _PRICE.search(reference):
        page.price = Decimal(price.group(1))
    if colours := _COLOURS.search(reference):
        page.colours = [c.strip() for c in colours.group(1).split(",")]
    page.chart = [
        SizeRow(size=size, code=code, height_cm=(float(h1), float(h2)), weight_kg=(float(w1), float(w2)))
        for size, code, h1, h2, w1, w2 in _SIZE_ROW.findall(reference)
    ]
    page.shades = [Shade(code, name) for code, name in _SHADE_ROW.findall(reference)]
    if suits := _SUITS.search(reference):
        page.suits = [line[2:].strip() for line in suits.group(1).splitlines() if line.startswith("- ")]
    page.steps = _STEP.findall(reference)
    if title:
        head = reference[title.end():].split("\n#", 1)[0]
        page.notes = [line[2:].strip() for line in head.splitlines()
                      if line.startswith("- ") and not _FIELD.match(line[2:].strip())]
    return page
