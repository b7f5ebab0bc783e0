"""Two scorecards side by side: what each grader scored before and after, and which problems went or came.

    diff = kit.graders.compare.compare(card_before, card_after)   # or card_before.compare(card_after)
    diff.changes   # {"task_solved": 100.0, "policy": None, ...}
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from kit.graders.base import Evidence
from kit import columns
from kit.graders.scorecard import Scorecard
from kit.i18n import N_, _

UP, DOWN = "#16a34a", "#dc2626"  # green for better, red for worse
STATUS_COLOURS = {"fixed": UP, "new problem": DOWN, "still": "#6b7280"}
STATUS_SHOWN = {"fixed": N_("fixed"), "new problem": N_("new problem"), "still": N_("still")}
DEFAULT_LABELS = (N_("before"), N_("after"))


def problems(card: Scorecard, name: str) -> tuple[Evidence, ...]:
    """The evidence of what went wrong in one grader (none when it scored 100 or does not apply)."""
    result = next((r for r in card.results if r.name == name), None)
    if result is None or result.score is None or result.score >= 100:
        return ()
    return tuple(e for e in result.evidence if not e.good)


def kind(note: str) -> str:
    """The kind of problem a note names: numbers masked, details after a colon (: or ：) dropped, so it matches
    across turns."""
    return re.sub(r"\d+(?:\.\d+)?", "#", note.split(":")[0].split("：")[0]).strip()


def match(before: tuple[Evidence, ...], after: tuple[Evidence, ...]) -> list[tuple[str, Evidence]]:
    """Pair problems by note, then by kind: unpaired before are "fixed", unpaired after "new problem", pairs "still"."""
    gone, came, still = list(before), list(after), []
    for key in (lambda e: e.note, lambda e: kind(e.note)):
        for old in list(gone):
            new = next((e for e in came if key(e) == key(old)), None)
            if new is not None:
                gone.remove(old)
                came.remove(new)
                still.append(("still", new))
    return [("fixed", e) for e in gone] + [("new problem", e) for e in came] + still


@dataclass(frozen=True)
class GraderChange:
    """One grader before and after, and the problems that explain the change."""

    name: str
    title: str
    before: float | None
    after: float | None
    problems: tuple[tuple[str, Evidence], ...]  # ("fixed" | "new problem" | "still", evidence)

    @property
    def delta(self) -> float | None:
        return None if self.before is None or self.after is None else round(self.after - self.before, 1)


@dataclass(frozen=True)
class Comparison:
    """Two scorecards of the same agent task, e.g. an old prompt and a new one."""

    before: Scorecard
    after: Scorecard
    labels: tuple[str, str] = ("before", "after")

    @property
    def graders(self) -> list[GraderChange]:
        """Every grader of either scorecard, in the order the scorecard lists them."""
        titles = {r.name: r.title for r in (*self.before.results, *self.after.results)}
        return [
            GraderChange(name, title, self.before.scores.get(name), self.after.scores.get(name),
                         tuple(match(problems(self.before, name), problems(self.after, name))))
            for name, title in titles.items()
        ]

    @property
    def changes(self) -> dict[str, float | None]:
        """Grader -> after minus before; None where the grader does not apply on either side."""
        return {g.name: g.delta for g in self.graders}

    @property
    def total_change(self) -> float:
        return round(self.after.total - self.before.total, 1)

    @property
    def warning(self) -> str:
        """Why the two conversations are not the same test, or "" when they are."""
        b, a = self.before, self.after
        if b.persona_id != a.persona_id:
            return _("Different customers ({before} vs {after}): the change mixes your prompt with who was asking.").format(
                before=b.persona_id, after=a.persona_id)
        if b.seed != a.seed:
            return _("Different seeds ({before} vs {after}): part of the change may be chance.").format(
                before=b.seed, after=a.seed)
        return ""

    def _label(self, side: int) -> str:
        """A side's label as shown: the default ones (before, after) in the learner's language, their own as written."""
        label = self.labels[side]
        return _(label) if label in DEFAULT_LABELS else label

    def _side(self, card: Scorecard, side: int) -> str:
        return _("{label}: {persona}, seed {seed}").format(label=self._label(side), persona=card.persona_id, seed=card.seed)

    def _where(self, status: str, evidence: Evidence) -> str:
        """Which conversation and turn a problem is quoted from: a fixed one from before, the others from after."""
        return _("{label}, turn {turn}").format(label=self._label(0 if status == "fixed" else 1), turn=evidence.turn)

    def __str__(self) -> str:
        lines = [_("Score {before} → {after}  ({change})   {before_side} · {after_side}").format(
            before=f"{self.before.total:.0f}", after=f"{self.after.total:.0f}", change=_arrow(self.total_change),
            before_side=self._side(self.before, 0), after_side=self._side(self.after, 1))]
        if self.warning:
            lines.append(_("Note: {note}").format(note=self.warning))
        width = max(5, columns.width(_shown(None)))  # the score columns: wide enough for "n/a" in the learner's language
        for g in self.graders:
            lines.append(f"  {columns.ljust(_(g.title), 26)} {columns.rjust(_shown(g.before), width)} → {columns.rjust(_shown(g.after), width)}"
                         f"   {_arrow(g.delta)}")
            lines += [f"      {columns.ljust(_(STATUS_SHOWN[status]), 11)} "
                      + _("({where}) “{quote}” — {note}").format(where=self._where(status, e), quote=e.quote, note=e.note)
                      for status, e in g.problems]
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # type: ignore[no-untyped-def]
        """IPython's plain-text view: the readable text, not the dataclass fields."""
        printer.text(str(self))

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(x)}</th>" for x in ("", self._label(0), self._label(1), _("change"), _("why")))
        rows = []
        for g in self.graders:
            notes = "<br>".join(
                f"<small><b style='color:{STATUS_COLOURS[status]}'>{_(STATUS_SHOWN[status])}</b> "
                + _("({where}) “{quote}” — {note}").format(where=html.escape(self._where(status, e)),
                                                         quote=html.escape(e.quote), note=html.escape(e.note))
                + "</small>"
                for status, e in g.problems
            )
            rows.append(
                f"<tr><td style='text-align:left'>{html.escape(_(g.title))}</td><td>{_shown(g.before)}</td>"
                f"<td>{_shown(g.after)}</td><td>{_coloured(g.delta)}</td><td style='text-align:left'>{notes}</td></tr>"
            )
        warning = f"<div style='color:#b45309'>⚠ {html.escape(self.warning)}</div>" if self.warning else ""
        return (
            f"<div><span style='font-size:160%;font-weight:bold'>{self.before.total:.0f} → {self.after.total:.0f}"
            f"</span> {_coloured(self.total_change)} <small>"
            + _("({before_side} · {after_side})").format(before_side=html.escape(self._side(self.before, 0)),
                                                        after_side=html.escape(self._side(self.after, 1)))
            + f"</small>{warning}"
            f"<table><tr>{head}</tr>{''.join(rows)}</table></div>"
        )


def _shown(score: float | None) -> str:
    return _("n/a") if score is None else f"{score:.0f}"


def _arrow(delta: float | None) -> str:
    """▲ 12 for better, ▼ 12 for worse, = for no change, — when a side does not apply."""
    if delta is None:
        return "—"
    if delta == 0:
        return "="
    return f"{'▲' if delta > 0 else '▼'} {abs(delta):.{0 if abs(delta) >= 1 else 1}f}"


def _coloured(delta: float | None) -> str:
    colour = "#6b7280" if not delta else UP if delta > 0 else DOWN
    return f"<b style='color:{colour}'>{_arrow(delta)}</b>"


def compare(before: Scorecard, after: Scorecard, labels: tuple[str, str] = ("before", "after")) -> Comparison:
    """Compare two scorecards grader by grader; labels name the two sides, e.g. ("one line", "with steps")."""
    if len(labels) != 2:
        raise ValueError(_("labels needs two names, one per scorecard, e.g. ('before', 'after'); got {labels}.").format(
            labels=repr(labels)))
    return Comparison(before, after, (str(labels[0]), str(labels[1])))
