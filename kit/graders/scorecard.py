"""The scorecard: every grader's result, a weighted total, and the hints worth the most points."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kit import columns
from kit.graders.base import Evidence, GraderResult
from kit.i18n import _

if TYPE_CHECKING:
    from kit.graders.compare import Comparison


@dataclass(frozen=True)
class Scorecard:
    """Weighted total (0-100) over the graders that apply, with their evidence and hints."""

    results: tuple[GraderResult, ...]
    weights: dict[str, float]
    persona_id: str = ""
    seed: int = 0
    notes: tuple[str, ...] = ()  # what the conversation's transcript says about how it was played (see Transcript.notes)

    @property
    def total(self) -> float:
        applicable = [r for r in self.results if r.applicable]
        weight = sum(self.weights.get(r.name, 0.0) for r in applicable)
        if weight == 0:
            return 0.0
        return round(sum(self.weights.get(r.name, 0.0) * r.score for r in applicable) / weight, 1)

    @property
    def scores(self) -> dict[str, float | None]:
        return {r.name: r.score for r in self.results}

    @property
    def evidence(self) -> dict[str, tuple[Evidence, ...]]:
        return {r.name: r.evidence for r in self.results}

    @property
    def hints(self) -> list[str]:
        """Hints in the order the conversation went wrong: earliest evidence first, then most points lost."""
        missed = [r for r in self.results if r.applicable and r.hint and r.score < 100]
        missed.sort(key=lambda r: (min((e.turn for e in r.evidence if not e.good), default=10**6),
                                   -self.weights.get(r.name, 0.0) * (100 - r.score)))
        return [r.hint for r in missed]

    def compare(self, other: Scorecard, labels: tuple[str, str] = ("before", "after")) -> Comparison:
        """This scorecard (before) against `other` (after), grader by grader: what went up, what went down, why."""
        from kit.graders.compare import compare

        return compare(self, other, labels)

    def __str__(self) -> str:
        lines = [_("Score {total}/100  ({persona}, seed {seed})").format(total=f"{self.total:.0f}",
                                                                         persona=self.persona_id, seed=self.seed)]
        width = max(5, columns.width(_("n/a")))  # the score column: wide enough for "n/a" in the learner's language
        for r in self.results:
            shown = columns.rjust(_("n/a"), width) if r.score is None else f"{r.score:{width}.0f}"
            lines.append(f"  {columns.ljust(_(r.title), 26)} {shown}   {_('weight')} {self.weights.get(r.name, 0):g}")
            lines += [f"      {e}" for e in r.evidence if r.score is not None and r.score < 100]
        if self.hints:
            lines.append(_("Next step: {hint}").format(hint=self.hints[0]))
        lines += [_("Note: {note}").format(note=note) for note in self.notes]
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # type: ignore[no-untyped-def]
        """IPython's plain-text view: the readable text, not the dataclass fields."""
        printer.text(str(self))

    def _repr_html_(self) -> str:
        rows = []
        for r in self.results:
            bar, shown = score_bar(r.score)
            notes = "<br>".join(
                "<small>" + _("turn {turn}: “{quote}” — {note}").format(turn=e.turn, quote=html.escape(e.quote),
                                                                         note=html.escape(e.note)) + "</small>"
                for e in r.evidence
            )
            rows.append(
                f"<tr><td style='text-align:left'>{html.escape(_(r.title))}</td><td>{bar}</td><td>{shown}</td>"
                f"<td style='text-align:left'>{notes}</td></tr>"
            )
        hints = "".join(f"<li>{html.escape(h)}</li>" for h in self.hints)
        return (
            f"<div><span style='font-size:160%;font-weight:bold'>{self.total:.0f}</span>/100 "
            f"<small>{_('({persona}, seed {seed})').format(persona=html.escape(self.persona_id), seed=self.seed)}</small>"
            f"<table>{''.join(rows)}</table>"
            + (f"<b>{_('What to try next')}</b><ol>{hints}</ol>" if hints else "")
            + "".join(f"<p style='color:#92400e'><small><b>{_('Note:')}</b> {html.escape(n)}</small></p>"
                      for n in self.notes)
            + "</div>"
        )


def score_bar(score: float | None, width: int = 160, height: int = 10) -> tuple[str, str]:
    """A grader's score as a coloured HTML bar (green from 80, amber from 50, red below) and as text; n/a for None."""
    if score is None:
        return f"<i>{_('not applicable')}</i>", _("n/a")
    colour = "#16a34a" if score >= 80 else "#d97706" if score >= 50 else "#dc2626"
    bar = (f"<div style='background:#eee;width:{width}px;height:{height}px'>"
           f"<div style='background:{colour};width:{width / 100 * score:.0f}px;height:{height}px'></div></div>")
    return bar, f"{score:.0f}"
