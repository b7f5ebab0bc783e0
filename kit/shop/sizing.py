"""Size advice from height and weight, the way a Chinese shop's size chart is read."""

from __future__ import annotations

from dataclasses import dataclass

from kit.shop.catalogue import SizeChart, SizeRow


@dataclass(frozen=True)
class SizeAdvice:
    """The recommended row, and whether height and weight pointed at different sizes."""

    row: SizeRow
    by_height: SizeRow
    by_weight: SizeRow
    beyond_chart: bool

    @property
    def size(self) -> str:
        return self.row.size

    @property
    def between(self) -> bool:
        return self.by_height.size != self.by_weight.size

    @property
    def span(self) -> tuple[str, str]:
        """The smaller and the larger of the two sizes that height and weight point at."""
        low, high = sorted((self.by_height, self.by_weight), key=lambda row: row.height_cm)
        return low.size, high.size

    def explain(self, lang: str = "en") -> str:
        """Why this size, in plain words."""
        row = self.row
        if lang == "zh":
            text = f"建议{row.size}码（号型{row.code}，适合身高{_band(row.height_cm)}厘米、体重{_band(row.weight_kg)}公斤）。"
            if self.between:
                small, large = self.span
                text += (f"按身高是{self.by_height.size}码，按体重是{self.by_weight.size}码，介于{small}和{large}之间："
                         f"喜欢宽松选{large}码，喜欢修身可以选{small}码。")
            if self.beyond_chart:
                text += "超出了尺码表的范围，这是最大的码，建议先咨询再买。"
            return text
        text = f"Size {row.size} ({row.code}: height {_band(row.height_cm)} cm, weight {_band(row.weight_kg)} kg)."
        if self.between:
            small, large = self.span
            text += (
                f" Between {small} and {large} (height says {self.by_height.size}, weight says {self.by_weight.size}):"
                f" {large} if you like it loose, {small} if you like it snug."
            )
        if self.beyond_chart:
            text += " This is beyond the chart: it is the largest size, so check before buying."
        return text


def _band(band: tuple[float, float]) -> str:
    return f"{band[0]:g}-{band[1]:g}"


def _index(bands: list[tuple[float, float]], value: float) -> int:
    """The first row whose upper bound covers the value; the last row if none does."""
    for index, (_, high) in enumerate(bands):
        if value <= high:
            return index
    return len(bands) - 1


def recommend_size(chart: SizeChart, height_cm: float, weight_kg: float) -> SizeAdvice:
    """Pick the size that fits both height and weight; when they disagree, the larger one."""
    rows = chart.rows
    by_height = _index([row.height_cm for row in rows], height_cm)
    by_weight = _index([row.weight_kg for row in rows], weight_kg)
    beyond = height_cm > rows[-1].height_cm[1] or weight_kg > rows[-1].weight_kg[1]
    return SizeAdvice(
        row=rows[max(by_height, by_weight)],
        by_height=rows[by_height],
        by_weight=rows[by_weight],
        beyond_chart=beyond,
    )
