"""The arena's results as a ranking: means with noise bands, failures counted, the worst conversation at hand.

A failed conversation counts as 0 in its agent's mean, so an agent that breaks is never ranked
above one that answers; the failure count stands beside the mean.
"""

from __future__ import annotations

import html
import statistics
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit import columns
from kit.arena.prices import Prices, load_prices
from kit.arena.store import ResultStore
from kit.errors import KitError
from kit.i18n import _
from kit.plots import plain_labels

if TYPE_CHECKING:
    import pandas
    from matplotlib.figure import Figure

    from kit.conversation import Transcript
    from kit.graders import Scorecard

PASS_AT = 80.0  # a conversation passes with a total of at least this
SHOWN_FAILURES = 10  # failures listed in the text view; `failures()` has them all


@dataclass(frozen=True)
class Match:
    """One conversation of the arena: who met whom, how it scored, and the transcript to read."""

    record: dict[str, Any]

    @property
    def agent(self) -> str:
        return self.record["agent"]

    @property
    def persona(self) -> str:
        return self.record["persona"]

    @property
    def seed(self) -> int:
        return self.record["seed"]

    @property
    def total(self) -> float:
        """The conversation's total; 0 for a failed one."""
        return self.record["total"] if self.record["status"] == "scored" else 0.0

    @property
    def failed(self) -> bool:
        return self.record["status"] == "failed"

    @cached_property
    def transcript(self) -> Transcript | None:
        from kit.conversation import Transcript

        data = self.record.get("transcript")
        return Transcript.from_dict(data) if data else None

    @cached_property
    def scorecard(self) -> Scorecard | None:
        """The full scorecard (evidence and hints), graded again from the transcript: graders are deterministic."""
        from kit.graders import grade

        return grade(self.transcript) if self.transcript is not None else None

    @property
    def title(self) -> str:
        state = (_("failed: {reason}").format(reason=self.record["reason"]) if self.failed
                 else _("total {total}").format(total=f"{self.total:.0f}"))
        return _("{agent} vs {persona}, seed {seed} · {state}").format(agent=self.agent, persona=self.persona,
                                                                       seed=self.seed, state=state)

    def __str__(self) -> str:
        parts = [self.title]
        if self.scorecard is not None:
            parts += [str(self.scorecard), str(self.transcript)]
        return "\n".join(parts)

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # type: ignore[no-untyped-def]
        printer.text(str(self))

    def _repr_html_(self) -> str:
        head = f"<h4>{html.escape(self.title)}</h4>"
        if self.scorecard is None or self.transcript is None:
            return head
        from kit.views.chat import chat_html

        return head + self.scorecard._repr_html_() + chat_html(self.transcript)


class Arena:
    """Every conversation of an arena run (the latest record of each), ranked."""

    def __init__(self, records: list[dict[str, Any]], agents: list[str] | None = None,
                 personas: list[str] | None = None, seeds: int | None = None, prices: Prices | None = None,
                 path: Path | None = None, pass_at: float = PASS_AT) -> None:
        self.records = records
        self.agents = agents or list(dict.fromkeys(r["agent"] for r in records))
        self.personas = personas or list(dict.fromkeys(r["persona"] for r in records))
        self.seeds = seeds if seeds is not None else len({r["seed"] for r in records})
        self.prices = prices or load_prices()
        self.path = path
        self.pass_at = pass_at

    def __repr__(self) -> str:
        return (f"Arena({len(self.agents)} agents × {len(self.personas)} customers × {self.seeds} seeds, "
                f"{len(self.records)} conversations, {self.failed_count} failed)")

    @property
    def failed_count(self) -> int:
        return sum(r["status"] == "failed" for r in self.records)

    def matches(self, agent: str | None = None) -> list[Match]:
        """The conversations, all or one agent's, in the order agent, customer, seed."""
        if agent is not None and agent not in self.agents:
            raise KitError(_("No agent called {name} in this arena; the agents are: {agents}.").format(
                name=repr(agent), agents=", ".join(self.agents)))
        return [Match(r) for r in self.records if agent is None or r["agent"] == agent]

    def leaderboard(self) -> pandas.DataFrame:
        """One row per agent, best first: mean (failures count 0) with its 90% bootstrap band, passes, failures, cost."""
        import pandas as pd

        from kit.evaluation import bootstrap_interval

        rows = []
        for name in self.agents:
            matches = self.matches(name)
            totals = [m.total for m in matches]
            low, high = bootstrap_interval(totals) if len(totals) >= 2 else (float("nan"), float("nan"))
            costs = [m.record.get("cost") for m in matches]
            rows.append({
                "agent": name,
                "mean": round(statistics.fmean(totals), 1) if totals else float("nan"),
                "low 90%": round(low, 1), "high 90%": round(high, 1),
                "pass rate": round(sum(t >= self.pass_at for t in totals) / len(totals), 2) if totals else float("nan"),
                "scored": sum(not m.failed for m in matches),
                "failed": sum(m.failed for m in matches),
                "tokens": sum(m.record.get("tokens", {}).get("prompt", 0) + m.record.get("tokens", {}).get("completion", 0)
                              for m in matches),
                f"cost ({self.prices.currency})": (round(sum(costs), 4) if all(c is not None for c in costs) and costs
                                                   else float("nan")),
            })
        table = pd.DataFrame(rows).sort_values(["mean", "failed"], ascending=[False, True], kind="stable")
        table.insert(0, "rank", range(1, len(table) + 1))
        return table.set_index("rank")

    def failures(self) -> pandas.DataFrame:
        """Every conversation that failed: which agent, customer and seed, and why."""
        import pandas as pd

        rows = [{"agent": m.agent, "persona": m.persona, "seed": m.seed, "reason": m.record["reason"]}
                for m in self.matches() if m.failed]
        return pd.DataFrame(rows, columns=["agent", "persona", "seed", "reason"])

    def worst(self, agent: str) -> Match:
        """The agent's lowest-scoring conversation that was played to the end (a failed one only if all failed)."""
        matches = self.matches(agent)
        if not matches:
            raise KitError(_("{name} has no conversations in this arena yet.").format(name=repr(agent)))
        scored = [m for m in matches if not m.failed] or matches
        return min(scored, key=lambda m: m.total)

    def by_persona(self) -> pandas.DataFrame:
        """Mean total per agent (rows, ranked) and customer (columns); failures count 0."""
        import pandas as pd

        table = pd.DataFrame([{"agent": m.agent, "persona": m.persona, "total": m.total} for m in self.matches()])
        pivot = table.pivot_table(index="agent", columns="persona", values="total", aggfunc="mean")
        return pivot.reindex(index=list(self.leaderboard()["agent"]), columns=self.personas).round(1)

    def by_grader(self) -> pandas.DataFrame:
        """Mean score per agent (rows, ranked) and grader (columns), over the conversations where it applied."""
        import pandas as pd

        rows = [{"agent": m.agent, **m.record["scores"]} for m in self.matches() if not m.failed]
        if not rows:
            return pd.DataFrame(index=list(self.leaderboard()["agent"]))
        table = pd.DataFrame(rows).groupby("agent").mean(numeric_only=True)
        return table.reindex(index=list(self.leaderboard()["agent"])).round(1)

    @plain_labels
    def plot(self) -> Figure:
        """The ranking: each agent's mean with its 90% band, and its failures."""
        from kit.arena.report import ranking_figure

        return ranking_figure(self)

    def heatmap(self) -> Figure:
        """Agent × customer: where each agent does well and where it breaks."""
        from kit.arena.report import heatmap_figure

        return heatmap_figure(self)

    def report(self, path: str | Path | None = None) -> Path:
        """Write a self-contained HTML report (plots inline); refuses to overwrite an existing file.

        Without a path: report-1.html, report-2.html, ... (the first free name) in the data folder's `arena/`.
        """
        from kit.arena.report import write_report
        from kit.config import data_dir

        if path is None:
            folder = data_dir() / "arena"
            path = next(folder / f"report-{n}.html" for n in range(1, 10**6) if not (folder / f"report-{n}.html").exists())
        return write_report(self, Path(path))

    def __str__(self) -> str:
        board = self.leaderboard()
        cost = board.columns[-1]
        shown_head = _("cost ({currency})").format(currency=self.prices.currency)
        lines = [_("Arena: {agents} agents × {customers} customers × {seeds} seeds = {conversations} conversations "
                   "({failed} failed, counted as 0)").format(agents=len(self.agents), customers=len(self.personas),
                                                             seeds=self.seeds, conversations=len(self.records),
                                                             failed=self.failed_count),
                 f"  {'#':>2} {columns.ljust(_('agent'), 24)} {columns.rjust(_('mean'), 6)} {columns.rjust(_('90% band'), 13)} "
                 f"{columns.rjust(_('pass'), 5)} {columns.rjust(_('failed'), 6)} {columns.rjust(_('tokens'), 9)} "
                 f"{columns.rjust(shown_head, 11)}"]
        for rank, row in board.iterrows():
            band = "—" if row["low 90%"] != row["low 90%"] else f"{row['low 90%']:.1f}–{row['high 90%']:.1f}"
            shown_cost = "?" if row[cost] != row[cost] else f"{row[cost]:.4f}"
            lines.append(f"  {rank:>2} {row['agent'][:24]:<24} {row['mean']:6.1f} {band:>13} {row['pass rate']:5.0%} "
                         f"{row['failed']:>6} {row['tokens']:>9} {shown_cost:>11}")
        failed = [m for m in self.matches() if m.failed]
        for m in failed[:SHOWN_FAILURES]:
            lines.append("  " + _("failed: {agent} vs {persona}, seed {seed}: {reason}").format(
                agent=m.agent, persona=m.persona, seed=m.seed, reason=m.record["reason"]))
        if len(failed) > SHOWN_FAILURES:
            lines.append("  " + _("… and {count} more failed: arena.failures() lists them all").format(
                count=len(failed) - SHOWN_FAILURES))
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # type: ignore[no-untyped-def]
        printer.text(str(self))

    def _repr_html_(self) -> str:
        from kit.arena.report import leaderboard_html, failures_html

        summary = _("{agents} agents × {customers} customers × {seeds} seeds = {conversations} conversations, "
                    "{failed} failed (counted as 0)").format(agents=len(self.agents), customers=len(self.personas),
                                                             seeds=self.seeds, conversations=len(self.records),
                                                             failed=self.failed_count)
        return (f"<div><b>{_('Arena')}</b> <small>{summary}</small>{leaderboard_html(self)}{failures_html(self)}"
                f"</div>")


def load(path: str | Path, pass_at: float = PASS_AT) -> Arena:
    """Every conversation in a results file (the latest record of each), whichever run wrote it.

    An agent whose prompt changed between runs appears once per version, as `name (fingerprint)`.
    """
    records = ResultStore(path).read()
    if not records:
        raise KitError(_("{path}: no arena results in this file (run an arena first).").format(path=path))
    latest = {(r["fingerprint"], r["persona"], r["seed"]): r for r in records}
    versions: dict[str, set[str]] = {}
    for r in latest.values():
        versions.setdefault(r["agent"], set()).add(r["fingerprint"])
    shown = [r if len(versions[r["agent"]]) == 1 else {**r, "agent": f"{r['agent']} ({r['fingerprint'][:6]})"}
             for r in latest.values()]
    order = {name: i for i, name in enumerate(dict.fromkeys(r["agent"] for r in shown))}
    shown.sort(key=lambda r: (order[r["agent"]], r["persona"], r["seed"]))
    return Arena(shown, path=Path(path), pass_at=pass_at)
