"""The hint a grader gave: progress files keep scores, not hints, so replay an attempt and ask the grader again.

Only attempts made on the practice model are replayed (deterministic, offline, free), and a hint is
kept only when the replay gives every grader the same score as the file: as far as the scores can
tell, the same conversation, and so the hint that learner saw. An attempt that used tools, a
knowledge base or a short window (a progress file records none of them) usually replays
differently and is passed over. So is a prompt longer than any a lesson needs: one learner's
megabyte of text must not hold up the whole class's report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kit.errors import KitError
from kit.i18n import _

if TYPE_CHECKING:
    import pandas

CANDIDATES = 3  # attempts tried per row before giving up
MAX_REPLAYED_PROMPT = 20_000  # characters; the course's longest prompt is a few thousand


def replay_hint(attempt: dict[str, Any], grader_name: str) -> str | None:
    """The grader's hint on this attempt, replayed on the practice model; None unless every grader's score
    in the replay equals the file's (then it is the same conversation, and the hint the learner saw)."""
    from kit.conversation import Agent
    from kit.graders import GRADERS
    from kit.runner import Job, play_many

    prompt = attempt.get("prompt")
    if attempt.get("model") != "practice" or not attempt.get("persona") or not isinstance(prompt, str):
        return None
    if len(prompt) > MAX_REPLAYED_PROMPT:
        return None
    seed = attempt.get("seed")
    try:
        job = Job(Agent(prompt, model="practice"), attempt["persona"], 0 if seed is None or seed != seed else int(seed))
    except KitError:  # a prompt it cannot use
        return None
    (played,) = play_many([job], progress=False).results  # the practice model: in this thread, at once
    if played is not None and played.error is not None and not isinstance(played.error, KitError):
        raise played.error  # a fault of the kit itself is not a reason to skip a row quietly
    if played is None or played.card is None:  # interrupted, or a customer this kit no longer has
        return None
    card = played.card
    for grader in GRADERS:
        recorded, replayed = attempt.get(grader.name), card.scores.get(grader.name)
        recorded = None if recorded is None or recorded != recorded else float(recorded)  # NaN: did not apply
        if (recorded is None) != (replayed is None) or (recorded is not None and abs(recorded - replayed) > 0.05):
            return None
    result = next(r for r in card.results if r.name == grader_name)
    return result.hint or None


def weakest_hints(best: pandas.DataFrame, weakest: pandas.DataFrame, pass_mark: float) -> Hints:
    """For each (lesson, grader) row of `weakest`: what that grader told a learner whose best attempt fell short.

    The learner chosen is the one whose score there is nearest the class mean (a typical case, not the worst).
    """
    import pandas as pd

    rows = []
    for _, row in weakest.iterrows():
        lesson, grader = row["lesson"], row["grader"]
        short = best[(best["lesson"] == lesson) & (best[grader] < pass_mark)].copy()
        short["distance"] = (short[grader] - row["mean"]).abs()
        found = {"learner": None, "hint": None}
        for attempt in short.sort_values(["distance", "learner"], kind="stable").head(CANDIDATES).to_dict("records"):
            if hint := replay_hint(attempt, grader):
                found = {"learner": attempt["learner"], "hint": hint}
                break
        rows.append({"lesson": lesson, "grader": grader, "mean": row["mean"], **found})
    return Hints(pd.DataFrame(rows, columns=["lesson", "grader", "mean", "learner", "hint"]))


class Hints:
    """The weakest graders' hints: `.table` (lesson, grader, mean, learner, hint), shown as text or HTML."""

    def __init__(self, table: pandas.DataFrame) -> None:
        self.table = table

    def __str__(self) -> str:
        return hints_text(self.table)

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # type: ignore[no-untyped-def]
        printer.text(str(self))

    def _repr_html_(self) -> str:
        return hints_html(self.table)


def hints_text(hints: pandas.DataFrame) -> str:
    """The hints as plain lines, for the terminal."""
    lines = [_("What the weakest graders told a typical learner") + _(" (replayed on the practice model)")]
    for row in hints.itertuples():
        said = (_("{learner}: {hint}").format(learner=row.learner, hint=row.hint) if isinstance(row.hint, str)
                else _("(no attempt there replays exactly)"))
        mean = _(" (mean {mean})").format(mean=f"{row.mean:.0f}")
        lines.append(f"  {row.lesson} · {row.grader}{mean} → {said}")
    return "\n".join(lines)


def hints_html(hints: pandas.DataFrame) -> str:
    """The hints as a list, for the HTML report."""
    import html

    # The kit's own words go in as they are; what came from the files (names, hints) is escaped.
    mean, whose, none = _(" (mean {mean}): "), _("({learner}'s best attempt)"), _("no attempt there replays exactly")
    items = "".join(
        f"<li><b>{html.escape(row.lesson)} · {html.escape(row.grader)}</b>{mean.format(mean=f'{row.mean:.0f}')}"
        + (f"{html.escape(row.hint)} <small>{whose.format(learner=html.escape(row.learner))}</small>"
           if isinstance(row.hint, str) else f"<small>{none}</small>") + "</li>"
        for row in hints.itertuples()
    )
    title, how = _("What the weakest graders told a typical learner"), _(" (replayed on the practice model)")
    return f"<p><b>{title}</b>{how}</p><ul>{items}</ul>"
