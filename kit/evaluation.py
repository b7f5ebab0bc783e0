"""Repeated trials: one agent against several customers and seeds, with the noise and the reliability (pass^k).

    ev = kit.evaluate(agent, personas=["typo_auntie", "size_seeker"], seeds=5)
    ev.table(); ev.plot()
    ev.compare(better)        # is the new prompt better by more than the noise?

pass^k is the chance that k conversations in a row all pass. From c passes in n trials it is
estimated without bias as C(c, k) / C(n, k) (Yao et al., "tau-bench", 2024).
"""

from __future__ import annotations

import html
import math
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from kit import columns
from kit.conversation import Agent, Transcript
from kit.errors import KitError, UnknownPersona
from kit.graders import Scorecard
from kit.i18n import N_, _
from kit.personas import Persona, names
from kit.plots import plain_labels
from kit.runner import Job, Spend, play_many

if TYPE_CHECKING:
    import pandas
    from matplotlib.figure import Figure

# A difference is real beyond 2 standard errors (a 4.55% chance of a false alarm). With several customers compared
# at once, each one's verdict needs more (Bonferroni: the same 4.55% chance for the whole family of comparisons).
FAMILY_ALPHA = 0.0455
BOOTSTRAP_FROM = 5  # fewer seeds than this give no bootstrap interval: too few to resample
BOOTSTRAP_DRAWS = 2000
LEVEL = 0.90  # the bootstrap interval holds the mean 90% of the time


class EvaluationError(KitError, ValueError):
    """The arguments of `evaluate` or `compare` cannot make a fair evaluation."""


def pass_hat_k(passes: int, trials: int, k: int) -> float:
    """The chance that k fresh trials all pass, estimated from `passes` of `trials`: C(passes, k) / C(trials, k)."""
    if not 0 <= passes <= trials or not 1 <= k <= trials:
        raise ValueError(_("pass^k needs 0 <= passes <= trials and 1 <= k <= trials; got passes={passes}, "
                           "trials={trials}, k={k}.").format(passes=passes, trials=trials, k=k))
    return math.comb(passes, k) / math.comb(trials, k)


def bootstrap_interval(values: Sequence[float], level: float = LEVEL, draws: int = BOOTSTRAP_DRAWS) -> tuple[float, float]:
    """Where the mean of `values` lies `level` of the time: resample with replacement, always with Random(0)."""
    rng = random.Random(0)
    means = sorted(statistics.fmean(rng.choices(values, k=len(values))) for _ in range(draws))
    tail = (1 - level) / 2
    return means[round(tail * (draws - 1))], means[round((1 - tail) * (draws - 1))]


@dataclass(frozen=True)
class Trials:
    """One customer's totals over the seeds: the mean, the noise around it, and how often it passed."""

    persona: str
    totals: tuple[float, ...]
    pass_at: float

    @property
    def mean(self) -> float:
        return statistics.fmean(self.totals)

    @property
    def stdev(self) -> float:
        """The sample standard deviation of the totals (0 with one seed)."""
        return statistics.stdev(self.totals) if len(self.totals) > 1 else 0.0

    @cached_property
    def interval(self) -> tuple[float, float] | None:
        """The bootstrap 90% interval of the mean, from 5 seeds on; None with fewer."""
        return bootstrap_interval(self.totals) if len(self.totals) >= BOOTSTRAP_FROM else None

    @property
    def passes(self) -> int:
        return sum(total >= self.pass_at for total in self.totals)

    @property
    def pass_rate(self) -> float:
        return self.passes / len(self.totals)

    @property
    def pass_hat(self) -> tuple[float, ...]:
        """pass^k for k = 1, 2, ... up to the number of seeds."""
        n = len(self.totals)
        return tuple(pass_hat_k(self.passes, n, k) for k in range(1, n + 1))


@dataclass(frozen=True, repr=False)
class Evaluation:
    """One agent over customers × seeds; every transcript and scorecard is kept for inspection."""

    agent: str
    model: str
    seeds: tuple[int, ...]
    pass_at: float
    k: int  # the pass^k shown in the table and views
    transcripts: dict[str, tuple[Transcript, ...]]
    scorecards: dict[str, tuple[Scorecard, ...]]
    spend: Spend | None = None  # model calls, tokens and estimated cost of playing them
    interrupted: bool = False  # stopped early: the customers and seeds that finished

    @cached_property
    def trials(self) -> dict[str, Trials]:
        return {p: Trials(p, tuple(c.total for c in cards), self.pass_at) for p, cards in self.scorecards.items()}

    @property
    def mean(self) -> float:
        """The mean total over customers (each customer counts the same)."""
        return statistics.fmean(t.mean for t in self.trials.values())

    @property
    def pass_rate(self) -> float:
        return statistics.fmean(t.pass_rate for t in self.trials.values())

    @property
    def pass_hat(self) -> tuple[float, ...]:
        """pass^k for k = 1, 2, ..., averaged over customers."""
        return tuple(statistics.fmean(ks) for ks in zip(*(t.pass_hat for t in self.trials.values())))

    @property
    def standard_error(self) -> float:
        """How much the overall mean would move with other seeds: sqrt(sum of var/n) / customers."""
        trials = self.trials.values()
        return math.sqrt(sum(t.stdev**2 / len(t.totals) for t in trials)) / len(trials)

    def compare(self, other: Evaluation) -> Improvement:
        """Is `other` better than this evaluation by more than the noise of both?"""
        return Improvement(self, other)

    def table(self) -> pandas.DataFrame:
        """One row per customer, and an overall row: mean, noise band, pass rate and pass^k."""
        import pandas as pd

        rows = [
            {"persona": t.persona, "mean": round(t.mean, 1), "min": min(t.totals), "max": max(t.totals),
             "std": round(t.stdev, 1), "low 90%": _maybe(t.interval, 0), "high 90%": _maybe(t.interval, 1),
             "pass rate": t.pass_rate, f"pass^{self.k}": t.pass_hat[self.k - 1]}
            for t in self.trials.values()
        ]
        rows.append({"persona": "overall", "mean": round(self.mean, 1), "pass rate": self.pass_rate,
                     f"pass^{self.k}": self.pass_hat[self.k - 1]})
        from kit.tracker import labelled

        return labelled(pd.DataFrame(rows).set_index("persona"), TABLE_LABELS)

    @plain_labels
    def plot(self) -> Figure:
        """Left: each customer's mean, 90% interval (thick) and min-max (thin); right: pass^k curves."""
        import matplotlib.pyplot as plt

        trials = list(self.trials.values())
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 1.6 + 0.4 * len(trials)),
                                          gridspec_kw={"width_ratios": (3, 2)})
        for y, t in enumerate(trials):
            left.hlines(y, min(t.totals), max(t.totals), color="grey", linewidth=1)
            if t.interval:
                left.hlines(y, *t.interval, color="tab:blue", linewidth=6, alpha=0.35)
            left.scatter(t.totals, [y] * len(t.totals), color="grey", s=12, alpha=0.5)
            left.plot(t.mean, y, "o", color="black")
            left.annotate(f"{t.mean:.1f}", (t.mean, y), textcoords="offset points", xytext=(0, 6), ha="center")
        left.axvline(self.pass_at, color="tab:green", linestyle=":",
                     label=_("pass ≥ {pass_at}").format(pass_at=f"{self.pass_at:g}"))
        left.set(yticks=range(len(trials)), yticklabels=[t.persona for t in trials], xlim=(-5, 105),
                 xlabel=_("total (0-100)"), title=_("Mean {mean} over {seeds} seeds").format(
                     mean=f"{self.mean:.1f}", seeds=len(self.seeds)))
        left.invert_yaxis()
        left.legend(loc="lower left", fontsize="small")
        ks = range(1, len(self.seeds) + 1)
        for t in trials:
            right.plot(ks, t.pass_hat, marker=".", alpha=0.35, label=t.persona)
        right.plot(ks, self.pass_hat, marker="o", linewidth=2.5, color="black", label=_(OVERALL))
        right.set(xticks=ks, ylim=(-0.05, 1.05), xlabel=_("k (conversations that must all pass)"), ylabel="pass^k",
                  title=_("Reliability"))
        right.legend(loc="center left", bbox_to_anchor=(1, 0.5), fontsize="small")
        fig.suptitle(f"{self.agent} · {self.model}")
        fig.tight_layout()
        plt.close(fig)  # shown once, as the cell's value
        return fig

    def __repr__(self) -> str:
        return f"Evaluation({self.agent!r}, {len(self.trials)} customers × {len(self.seeds)} seeds, mean {self.mean:.1f})"

    def _about(self) -> str:
        """ "on <model> · 2 customers × 5 seeds · pass = total ≥ 80" (after the agent's name)."""
        return _("on {model} · {customers} customers × {seeds} seeds · pass = total ≥ {pass_at}").format(
            model=self.model, customers=len(self.trials), seeds=len(self.seeds), pass_at=f"{self.pass_at:g}")

    def __str__(self) -> str:
        k = self.k
        head = [_(label) for label in HEADERS]
        lines = [f"{self.agent!r} {self._about()}",
                 f"  {columns.ljust(head[0], 20)} {columns.rjust(head[1], 6)} {columns.rjust(head[2], 13)} {columns.rjust(head[3], 5)} "
                 f"{columns.rjust(head[4], 13)} {columns.rjust(head[5], 7)} {f'pass^{k}':>7}"]
        for t in self.trials.values():
            lines.append(f"  {t.persona:<20} {t.mean:6.1f} {_band((min(t.totals), max(t.totals))):>13} "
                         f"{t.stdev:5.1f} {_band(t.interval):>13} {f'{t.passes}/{len(t.totals)}':>7} "
                         f"{t.pass_hat[k - 1]:7.0%}")
        lines.append(f"  {columns.ljust(_(OVERALL), 20)} {self.mean:6.1f} {'':>13} {'':>5} {'':>13} {self.pass_rate:7.0%} "
                     f"{self.pass_hat[k - 1]:7.0%}")
        lines.append("  " + _("pass^k overall: {curve}").format(
            curve=", ".join(f"k={i} {p:.0%}" for i, p in enumerate(self.pass_hat, 1))))
        lines += [f"  {note}" for note in self._notes()]
        return "\n".join(lines)

    def _notes(self) -> list[str]:
        """What the numbers cost, and whether the run was cut short."""
        notes = [_("spent: {spend}").format(spend=self.spend)] if self.spend else []
        if self.interrupted:
            played = sum(len(ts) for ts in self.transcripts.values())
            notes.append(_("interrupted: the table covers the {played} conversations that finished").format(
                played=played))
        return notes

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # type: ignore[no-untyped-def]
        """IPython's plain-text view: the readable text, not the dataclass fields."""
        printer.text(str(self))

    def _repr_html_(self) -> str:
        k = self.k
        head = "".join(f"<th>{h}</th>" for h in (*(_(label) for label in HEADERS), f"pass^{k}"))
        rows = [
            f"<tr><td style='text-align:left'>{html.escape(t.persona)}</td><td>{_coloured(t.mean)}</td>"
            f"<td>{_band((min(t.totals), max(t.totals)))}</td><td>{t.stdev:.1f}</td><td>{_band(t.interval)}</td>"
            f"<td>{t.passes}/{len(t.totals)}</td><td>{t.pass_hat[k - 1]:.0%}</td></tr>"
            for t in self.trials.values()
        ]
        rows.append(f"<tr style='font-weight:bold'><td style='text-align:left'>{_(OVERALL)}</td><td>{_coloured(self.mean)}"
                    f"</td><td></td><td></td><td></td><td>{self.pass_rate:.0%}</td><td>{self.pass_hat[k - 1]:.0%}</td></tr>")
        curve = ", ".join(f"k={i}: {p:.0%}" for i, p in enumerate(self.pass_hat, 1))
        return (
            f"<div><b>{html.escape(self.agent)}</b> <small>{html.escape(self._about())}</small>"
            f"<table><tr>{head}</tr>{''.join(rows)}</table><small>{_('pass^k overall: {curve}').format(curve=curve)}"
            "</small>"
            + "".join(f"<br><small>{html.escape(note)}</small>" for note in self._notes()) + "</div>"
        )


@dataclass(frozen=True)
class Improvement:
    """`after` against `before`: a difference counts as real when it is more than twice its standard error."""

    before: Evaluation
    after: Evaluation

    def __post_init__(self) -> None:
        before, after = set(self.before.trials), set(self.after.trials)
        if before != after:
            raise EvaluationError(_("Compare evaluations of the same customers. Only before: {before}; only after: "
                                    "{after}.").format(before=sorted(before - after), after=sorted(after - before)))

    @property
    def difference(self) -> float:
        return round(self.after.mean - self.before.mean, 1)

    @property
    def noise(self) -> float:
        """Twice the standard error of the difference, from how much both evaluations vary over seeds."""
        return round(2 * math.hypot(self.before.standard_error, self.after.standard_error), 1)

    @property
    def verdict(self) -> str:
        """ "real improvement", "real decline", "within noise", or "too few seeds" (fewer than 2 on a side)."""
        return _verdict(self.difference, self.noise, min(len(self.before.seeds), len(self.after.seeds)))

    @property
    def z(self) -> float:
        """How many standard errors a customer's difference must exceed: 2 for one customer, more for several."""
        return critical_z(len(self.before.trials))

    @property
    def personas(self) -> dict[str, tuple[float, float, str]]:
        """Customer -> (difference of means, noise, verdict); the noise allows for comparing every customer at once."""
        result = {}
        for name, b in self.before.trials.items():
            a = self.after.trials[name]
            se = math.hypot(b.stdev / math.sqrt(len(b.totals)), a.stdev / math.sqrt(len(a.totals)))
            noise = round(self.z * se, 1)
            diff = round(a.mean - b.mean, 1)
            result[name] = (diff, noise, _verdict(diff, noise, min(len(b.totals), len(a.totals))))
        return result

    def __str__(self) -> str:
        b, a = self.before, self.after
        lines = [f"{b.agent!r} → {a.agent!r}: {_(self.verdict)}",
                 _("  overall mean {before} → {after}  ({difference}, noise ±{noise})").format(
                     before=f"{b.mean:.1f}", after=f"{a.mean:.1f}", difference=f"{self.difference:+.1f}",
                     noise=f"{self.noise:.1f}")]
        for name, (diff, noise, verdict) in self.personas.items():
            lines.append(f"  {name:<20} {b.trials[name].mean:6.1f} → {a.trials[name].mean:6.1f}  "
                         f"{diff:+6.1f} ±{noise:<5.1f} {_(verdict)}")
        if (several := self._several()):
            lines.append(f"  {several}")
        return "\n".join(lines)

    def _several(self) -> str:
        """The line that says the per-customer noise allows for the number of comparisons ("" for one customer)."""
        count = len(self.before.trials)
        return (_("{count} customers compared at once: each one's noise is ±{z} standard errors, not ±2, "
                  "so that a difference called real by chance stays as rare as for one comparison").format(
                      count=count, z=f"{self.z:.2f}")) if count > 1 else ""

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # type: ignore[no-untyped-def]
        """IPython's plain-text view: the readable text, not the dataclass fields."""
        printer.text(str(self))

    def _repr_html_(self) -> str:
        b, a = self.before, self.after
        rows = "".join(
            f"<tr><td style='text-align:left'>{html.escape(name)}</td><td>{b.trials[name].mean:.1f}</td>"
            f"<td>{a.trials[name].mean:.1f}</td><td>{diff:+.1f} ± {noise:.1f}</td><td>{_verdict_html(verdict)}</td></tr>"
            for name, (diff, noise, verdict) in self.personas.items()
        )
        change = _("mean {before} → {after} ({difference}, noise ± {noise})").format(
            before=f"{b.mean:.1f}", after=f"{a.mean:.1f}", difference=f"{self.difference:+.1f}", noise=f"{self.noise:.1f}")
        head = "".join(f"<th>{_(label)}</th>" for label in CHANGE_HEADERS)
        return (
            f"<div><span style='font-size:130%'>{_verdict_html(self.verdict)}</span>: {change}<br><small>"
            f"{html.escape(b.agent)} → {html.escape(a.agent)}</small><table><tr>{head}<th></th></tr>{rows}</table>"
            + (f"<small>{html.escape(self._several())}</small>" if self._several() else "") + "</div>"
        )


def critical_z(comparisons: int) -> float:
    """The standard errors a difference must exceed when `comparisons` are made at once (2.0 for one)."""
    from statistics import NormalDist

    return NormalDist().inv_cdf(1 - FAMILY_ALPHA / (2 * max(1, comparisons)))


def _verdict(difference: float, noise: float, seeds: int) -> str:
    """The verdict's id (English, what code compares); `_(verdict)` shows it in the learner's language."""
    if seeds < 2:
        return N_("too few seeds")
    if abs(difference) <= noise:
        return N_("within noise")
    return N_("real improvement") if difference > 0 else N_("real decline")


def _verdict_html(verdict: str) -> str:
    colour = {"real improvement": "#16a34a", "real decline": "#dc2626"}.get(verdict, "#6b7280")
    return f"<b style='color:{colour}'>{_(verdict)}</b>"


# What the views show (the table's own column keys stay as they are, for code that selects them).
HEADERS = (N_("customer"), N_("mean"), N_("min–max"), N_("std"), N_("90% interval"), N_("passed"))
CHANGE_HEADERS = (N_("customer"), N_("before"), N_("after"), N_("change ± noise"))
OVERALL = N_("overall")
TABLE_LABELS = {"persona": N_("customer"), "mean": N_("mean"), "min": N_("min"), "max": N_("max"), "std": N_("std"),
                "low 90%": N_("low 90%"), "high 90%": N_("high 90%"), "pass rate": N_("pass rate"),
                "overall": OVERALL}


def _maybe(interval: tuple[float, float] | None, side: int) -> float:
    return round(interval[side], 1) if interval else float("nan")


def _band(band: tuple[float, float] | None) -> str:
    return "—" if band is None else f"{band[0]:.1f}–{band[1]:.1f}"


def _coloured(score: float) -> str:
    colour = "#16a34a" if score >= 80 else "#d97706" if score >= 50 else "#dc2626"
    return f"<b style='color:{colour}'>{score:.1f}</b>"


def _personas(personas: str | Persona | Sequence[str | Persona] | None) -> dict[str, str | Persona]:
    """The customers to play, by id: all of them by default. A persona may be given by id or as a loaded
    `Persona` (a card of your own); anything else is an error that lists the known ids."""
    known = names()
    single = isinstance(personas, (str, Persona))
    chosen = known if personas is None else [personas] if single else list(personas)  # type: ignore[list-item]
    if not chosen:
        raise EvaluationError(_("No customers to play. Pass persona ids, or leave personas=None for all: "
                                "{known}.").format(known=", ".join(known)))
    wrong = [_short(p) for p in chosen if not isinstance(p, Persona) and p not in known]
    if wrong:
        raise UnknownPersona(_("No persona called {wrong}: pass persona ids (e.g. \"typo_auntie\") or "
                               "kit.personas.load(...) results. Known personas: {known}.").format(
                                   wrong=", ".join(wrong), known=", ".join(known)))
    return {p.id if isinstance(p, Persona) else p: p for p in chosen}


def _short(value: object) -> str:
    """A value as an error message can show it: its repr if short, else its type."""
    shown = repr(value)
    return shown if len(shown) <= 60 else _("a {kind} object").format(kind=type(value).__name__)


def evaluate(
    agent: Agent,
    personas: str | Persona | Sequence[str | Persona] | None = None,
    seeds: int = 5,
    pass_at: float = 80.0,
    k: int | None = None,
    concurrency: int | None = None,
    progress: bool = True,
) -> Evaluation:
    """Play each customer with seeds 0, 1, ..., grade every conversation, and sum up mean, noise and pass^k.

    On an endpoint the conversations play `concurrency` at a time (default: KIT_CONCURRENCY, else 8),
    with a progress bar; the scores are the same as one after another. Interrupted (Ctrl+C, or the
    kernel's stop button), it returns the conversations that finished, marked `interrupted`.
    """
    if not isinstance(agent, Agent):
        raise EvaluationError(_("evaluate needs a kit.Agent, e.g. kit.evaluate(kit.Agent(prompt)); "
                                "got {kind}.").format(kind=type(agent).__name__))
    chosen = _personas(personas)
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise EvaluationError(_("seeds is how many conversations per customer: a whole number of at least 1; got "
                                "{value}.").format(value=repr(seeds)))
    if isinstance(pass_at, bool) or not isinstance(pass_at, (int, float)) or not 0 <= pass_at <= 100:
        raise EvaluationError(_("pass_at is the total (0-100) a conversation needs to pass; got {value}.").format(
            value=repr(pass_at)))
    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= seeds):
        raise EvaluationError(_("k (for pass^k) must be a whole number from 1 to seeds={seeds}; got {value}.").format(
            seeds=seeds, value=repr(k)))
    jobs = [Job(agent, persona, seed) for persona in chosen.values() for seed in range(seeds)]
    batch = play_many(jobs, concurrency=concurrency, progress=progress, desc="evaluate", fail_fast=True)
    names_of = [name for name in chosen for _ in range(seeds)]
    played = [(name, p) for name, p in zip(names_of, batch.results) if p is not None]
    if not played:
        raise KeyboardInterrupt(_("evaluate was interrupted before any conversation finished"))
    finished = list(dict.fromkeys(name for name, _ in played))
    return Evaluation(
        agent=agent.name, model=agent.model.name, seeds=tuple(range(seeds)), pass_at=float(pass_at),
        k=min(seeds if k is None else k, *(sum(n == name for n, _ in played) for name in finished)),
        transcripts={name: tuple(p.transcript for n, p in played if n == name) for name in finished},
        scorecards={name: tuple(p.card for n, p in played if n == name) for name in finished},
        spend=Spend.of(batch, agent.model.name), interrupted=batch.interrupted,
    )
