"""One press of Run in the playground: every conversation and scorecard, and the mean that was logged."""

from __future__ import annotations

import html
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kit.i18n import _, language
from kit.views.chat import chat_html

if TYPE_CHECKING:
    from kit.conversation import Transcript
    from kit.runner import Spend
    from kit.evaluation import Evaluation
    from kit.graders import Scorecard

PASS_AT = 80.0  # the total a conversation needs to pass, as in kit.evaluate


def mean_scorecard(cards: Sequence[Scorecard]) -> Scorecard:
    """Each grader's mean over the conversations where it applied; the total follows from the weights."""
    from kit.graders import GraderResult, Scorecard

    first = cards[0]
    results = []
    for result in first.results:
        scores = [r.score for card in cards for r in card.results if r.name == result.name and r.score is not None]
        results.append(GraderResult(result.name, result.title, round(statistics.fmean(scores), 1) if scores else None))
    personas = "+".join(dict.fromkeys(card.persona_id for card in cards))
    return Scorecard(tuple(results), dict(first.weights), persona_id=personas, seed=first.seed)


@dataclass(frozen=True)
class PlaygroundRun:
    """One press of Run: every conversation and scorecard, the mean scorecard that was logged, the attempt."""

    attempt: int
    prompt: str
    model: str
    personas: tuple[str, ...]
    seeds: int
    transcripts: tuple[Transcript, ...]
    scorecards: tuple[Scorecard, ...]
    card: Scorecard  # each grader's mean over the conversations: what the tracker logged
    spend: Spend | None = None  # model calls, tokens and estimated cost
    interrupted: bool = False  # stopped early: the conversations that finished, not logged

    @property
    def total(self) -> float:
        return self.card.total

    @property
    def weakest(self) -> int:
        """The index of the lowest-scoring conversation: the one worth reading."""
        return min(range(len(self.scorecards)), key=lambda i: self.scorecards[i].total)

    def what(self) -> str:
        """What the total is the mean of: how many conversations, with whom, which seeds, which model."""
        from kit.i18n import ngettext

        seeds = _("seed 0") if self.seeds == 1 else _("seeds 0-{last}").format(last=self.seeds - 1)
        count = len(self.transcripts)
        return ngettext("mean of {count} conversation ({customers}; {seeds}; {model})",
                        "mean of {count} conversations ({customers}; {seeds}; {model})", count).format(
            count=count, customers=", ".join(self.personas), seeds=seeds, model=self.model)

    def summary(self) -> str:
        """One line: the attempt, the total, and what it is the mean of."""
        if self.interrupted:
            return _("Interrupted: Total {total}/100, {what}. Not logged to your learning curve (fewer conversations "
                     "than the others); press Run again for a full attempt.").format(total=f"{self.total:.0f}",
                                                                                   what=self.what())
        return _("Attempt {attempt}: Total {total}/100, {what}").format(attempt=self.attempt, total=f"{self.total:.0f}",
                                                                        what=self.what())

    def evaluation(self) -> Evaluation:
        """The same conversations summed up as `kit.evaluate` does: mean, noise and pass^k per customer."""
        from kit.evaluation import Evaluation

        pairs = list(zip(self.transcripts, self.scorecards))
        played = [p for p in self.personas if any(t.persona_id == p for t, _ in pairs)]  # all, unless interrupted
        return Evaluation(
            agent=self.prompt.splitlines()[0][:40], model=self.model, seeds=tuple(range(self.seeds)), pass_at=PASS_AT,
            k=min(self.seeds, *(sum(t.persona_id == p for t, _ in pairs) for p in played)),
            transcripts={p: tuple(t for t, _ in pairs if t.persona_id == p) for p in played},
            scorecards={p: tuple(c for t, c in pairs if t.persona_id == p) for p in played},
            spend=self.spend, interrupted=self.interrupted,
        )

    def __str__(self) -> str:
        spent = [_("Spent: {spend}").format(spend=self.spend)] if self.spend else []
        return "\n".join([self.summary(), *spent, str(self.scorecards[self.weakest])])

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        """The headline total, the per-grader means, and the weakest conversation with its evidence."""
        weak = self.weakest
        t, card = self.transcripts[weak], self.scorecards[weak]
        attempt = _("interrupted, not logged") if self.interrupted else _("attempt {attempt}").format(attempt=self.attempt)
        spent = f"<br><small>{_('spent: {spend}').format(spend=html.escape(str(self.spend)))}</small>" if self.spend else ""
        total = _("Total {total}").format(total=f"{self.total:.0f}")
        parts = [f"<div><span style='font-size:140%'><b>{total}</b>/100</span> "
                 f"<small>· {attempt} · {html.escape(self.what())}</small>{spent}</div>"]
        if len(self.scorecards) > 1:
            each = ("；" if language() == "zh" else ", ").join(_("{customer} seed {seed}: {score}").format(customer=c.persona_id, seed=tr.seed,
                                                                       score=f"{c.total:.0f}")
                             for c, tr in zip(self.scorecards, self.transcripts))
            means = _("Each grader's mean")
            how = _("How reliable over the seeds (as {function} reports it)").format(function="<code>kit.evaluate</code>")
            lowest = _("{lowest} ({customer}, seed {seed}): {what}").format(
                lowest=f"<b>{_('The lowest-scoring conversation')}</b>", customer=html.escape(t.persona_id), seed=t.seed,
                what=_("what went wrong, and what to try next") if card.total < 100 else _("all of them scored 100"))
            parts += [f"<p><small>{_('Each conversation: {scores}').format(scores=html.escape(each))}</small></p>",
                      f"<details><summary>{means}</summary>", self.card._repr_html_(),
                      "</details>", f"<details><summary>{how}</summary>",
                      self.evaluation()._repr_html_(), "</details>", f"<p>{lowest}</p>"]
        parts += [card._repr_html_(), f"<details><summary>{_('Read the conversation')}</summary>", chat_html(t),
                  "</details>"]
        return "".join(parts)
