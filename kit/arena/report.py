"""The arena's pictures and its self-contained HTML report (plots inline as base64, one file to share)."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kit.artifacts import write_artifact
from kit.errors import KitError
from kit.i18n import _, language
from kit.plots import plain_labels

if TYPE_CHECKING:
    import pandas
    from matplotlib.figure import Figure


class Arena(Protocol):
    """What a report reads of an arena (`kit.arena.Arena` has it): the report never imports the leaderboard,
    which calls the report, so the two modules do not import each other."""

    records: list[dict[str, Any]]
    agents: list[str]
    personas: list[str]
    seeds: int
    pass_at: float
    prices: Any
    failed_count: int

    def leaderboard(self) -> pandas.DataFrame: ...
    def by_grader(self) -> pandas.DataFrame: ...
    def by_persona(self) -> pandas.DataFrame: ...
    def matches(self) -> Any: ...
    def worst(self, agent: str) -> Any: ...


class ReportExists(KitError, FileExistsError):
    """The report file is already there: choose another name so nothing is overwritten."""


def _anchor(index: int) -> str:
    return f"worst-{index}"


def grader_label(name: str) -> str:
    """A grader as a label: its id with spaces ("task solved"); in the Chinese edition its Chinese title."""
    if language() == "zh":
        from kit.graders import GRADERS

        titles = {grader.name: grader.title for grader in GRADERS}
        if name in titles:
            return _(titles[name])
    return name.replace("_", " ")


@plain_labels
def ranking_figure(arena: Arena) -> Figure:
    """Each agent's mean (dot) and 90% bootstrap band (bar), best at the top, failures written beside."""
    import matplotlib.pyplot as plt

    board = arena.leaderboard()
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.5 * len(board)))
    for y, (_rank, row) in enumerate(board.iterrows()):
        if row["low 90%"] == row["low 90%"]:
            ax.hlines(y, row["low 90%"], row["high 90%"], color="tab:blue", linewidth=8, alpha=0.35)
        ax.plot(row["mean"], y, "o", color="black")
        note = f"{row['mean']:.1f}" + (" · " + _("{count} failed").format(count=row["failed"]) if row["failed"] else "")
        ax.annotate(note, (row["mean"], y), textcoords="offset points", xytext=(0, 7), ha="center", fontsize=9)
    ax.axvline(arena.pass_at, color="tab:green", linestyle=":",
               label=_("pass ≥ {score}").format(score=f"{arena.pass_at:g}"))
    ax.set(yticks=range(len(board)), yticklabels=list(board["agent"]), xlim=(-2, 102), ylim=(len(board) - 0.4, -0.6),
           xlabel=_("mean total over all conversations (failed = 0), with its 90% band"), title=_("Ranking"))
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    plt.close(fig)  # shown once, as the cell's value
    return fig


@plain_labels
def heatmap_figure(arena: Arena) -> Figure:
    """Agent (rows, ranked) × customer (columns): the mean total in each cell, red to green."""
    import matplotlib.pyplot as plt

    table = arena.by_persona()
    fig, ax = plt.subplots(figsize=(1.6 + 0.75 * len(table.columns), 1.2 + 0.45 * len(table)))
    image = ax.imshow(table.to_numpy(dtype=float), cmap="RdYlGn", vmin=0, vmax=100, aspect="auto")
    for (y, x), value in ((yx, table.iat[yx]) for yx in ((y, x) for y in range(len(table)) for x in range(len(table.columns)))):
        if value == value:
            ax.text(x, y, f"{value:.0f}", ha="center", va="center", fontsize=8)
    ax.set_xticks(range(len(table.columns)), list(table.columns), rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(table)), list(table.index), fontsize=9)
    ax.set_title(_("Mean total per customer"))
    fig.colorbar(image, ax=ax, fraction=0.03)
    fig.tight_layout()
    plt.close(fig)
    return fig


@plain_labels
def graders_figure(arena: Arena) -> Figure:
    """One panel per grader: each agent's mean score, so it shows which quality separates them."""
    import matplotlib.pyplot as plt

    table = arena.by_grader()
    graders = list(table.columns)
    columns = 5
    rows = max(1, -(-len(graders) // columns))
    fig, axes = plt.subplots(rows, columns, figsize=(12, 0.6 + rows * (0.5 + 0.3 * len(table))), squeeze=False,
                             sharey=True)
    for ax, grader in zip(axes.flat, graders):
        values = table[grader].fillna(0)
        ax.barh(range(len(values)), values, color=["tab:green" if v >= 80 else "tab:orange" if v >= 50 else "tab:red"
                                                    for v in values])
        ax.set(xlim=(0, 100), title=grader_label(grader), yticks=range(len(values)), yticklabels=list(table.index))
        ax.invert_yaxis()
        ax.title.set_fontsize(9)
        ax.tick_params(labelsize=8)
    for ax in list(axes.flat)[len(graders):]:
        ax.axis("off")
    fig.suptitle(_("Mean score per grader"))
    fig.tight_layout()
    plt.close(fig)
    return fig


def _png(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return f"<img alt='' src='data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}'>"


def _colour(score: float) -> str:
    return "#16a34a" if score >= 80 else "#d97706" if score >= 50 else "#dc2626"


def leaderboard_html(arena: Arena, links: bool = False) -> str:
    """The ranking as an HTML table; with `links`, each agent points at its worst conversation below."""
    board = arena.leaderboard()
    cost = board.columns[-1]
    order = {name: i for i, name in enumerate(arena.agents)}
    rows = []
    for rank, row in board.iterrows():
        name = html.escape(row["agent"])
        if links:
            name = f"<a href='#{_anchor(order[row['agent']])}'>{name}</a>"
        band = "—" if row["low 90%"] != row["low 90%"] else f"{row['low 90%']:.1f}–{row['high 90%']:.1f}"
        bar = ""
        if row["low 90%"] == row["low 90%"]:
            bar = (f"<div style='position:relative;background:#eee;width:160px;height:10px'>"
                   f"<div style='position:absolute;left:{1.6 * row['low 90%']:.0f}px;"
                   f"width:{max(2.0, 1.6 * (row['high 90%'] - row['low 90%'])):.0f}px;height:10px;background:#93c5fd'></div>"
                   f"<div style='position:absolute;left:{1.6 * row['mean'] - 1:.0f}px;width:3px;height:10px;"
                   f"background:#111'></div></div>")
        failed = f"<b style='color:#dc2626'>{row['failed']}</b>" if row["failed"] else "0"
        shown_cost = "?" if row[cost] != row[cost] else f"{row[cost]:.4f}"
        rows.append(f"<tr><td>{rank}</td><td style='text-align:left'>{name}</td>"
                    f"<td><b style='color:{_colour(row['mean'])}'>{row['mean']:.1f}</b></td><td>{band}</td><td>{bar}</td>"
                    f"<td>{row['pass rate']:.0%}</td><td>{row['scored']}</td><td>{failed}</td><td>{row['tokens']}</td>"
                    f"<td>{shown_cost}</td></tr>")
    cost_head = _("cost ({currency})").format(currency=arena.prices.currency)
    head = "".join(f"<th>{h}</th>" for h in ("#", _("agent"), _("mean"), _("90% band"), "",
                                              _("pass (≥{score})").format(score=f"{arena.pass_at:g}"), _("scored"),
                                              _("failed"), _("tokens"), html.escape(cost_head)))
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def failures_html(arena: Arena) -> str:
    """The failed conversations with their reasons, or nothing when none failed."""
    failed = [m for m in arena.matches() if m.failed]
    if not failed:
        return ""
    items = "".join("<li>" + _("{agent} vs {persona}, seed {seed}: {reason}").format(
        agent=f"<b>{html.escape(m.agent)}</b>", persona=html.escape(m.persona), seed=m.seed,
        reason=html.escape(m.record["reason"])) + "</li>" for m in failed)
    count = f"<b style='color:#dc2626'>{_('{count} failed').format(count=len(failed))}</b>"
    summary = _("{failed} (counted as 0)").format(failed=count)
    return f"<details><summary>{summary}</summary><ul>{items}</ul></details>"


STYLE = """<style>
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#111}
table{border-collapse:collapse}td,th{padding:3px 8px;border-bottom:1px solid #eee;text-align:right}
img{max-width:100%;height:auto}
h2{margin-top:1.6em;border-bottom:2px solid #ddd}.worst{border:1px solid #ddd;border-radius:8px;padding:8px 12px;margin:1em 0}
.typo{background:#fde68a;border-bottom:1px dotted #b45309}
</style>"""


def write_report(arena: Arena, path: Path) -> Path:
    """Write the report to `path` (a new file only): ranking, heatmap, grader bars, failures, worst conversations."""
    if path.exists():
        raise ReportExists(_("{path} already exists; choose another name (the arena never overwrites a file).").format(
            path=path))
    if not arena.records:
        raise KitError(_("This arena has no conversations yet: nothing to report."))
    worst = []
    for index, name in enumerate(arena.agents):
        match = arena.worst(name)
        body = match._repr_html_() if not match.failed else f"<h4>{html.escape(match.title)}</h4>"
        heading = _("{name}: worst conversation").format(name=html.escape(name))
        worst.append(f"<div class='worst' id='{_anchor(index)}'><h3>{heading}</h3>"
                     f"{body}<p><a href='#top'>{_('back to the ranking')}</a></p></div>")
    failed = (failures_html(arena).replace("<details>", "<details open>")
              or f"<p>{_('None: every conversation was scored.')}</p>")
    source = _("built-in") if arena.prices.source == "built-in" else arena.prices.source
    summary = _("""{agents} agents × {customers} customers × {seeds} seeds = {conversations} conversations,
{failed} failed (counted as 0 in the mean). A conversation passes with a total of {score} or more.
The band is where the mean would land 90% of the time with other seeds (bootstrap): agents whose bands overlap may be equally good.
Costs are estimates from the price table ({source}).""").format(
        agents=len(arena.agents), customers=len(arena.personas), seeds=arena.seeds, conversations=len(arena.records),
        failed=arena.failed_count, score=f"{arena.pass_at:g}", source=html.escape(source))
    page = f"""<!DOCTYPE html>
<html lang="{language()}"><head><meta charset="utf-8"><title>{_('Arena report')}</title>{STYLE}</head><body>
<h1 id="top">{_('Arena report')}</h1>
<p>{summary}</p>
<h2>{_('Ranking')}</h2>
<p>{_('Click an agent to read its worst conversation.')}</p>
{leaderboard_html(arena, links=True)}
{_png(ranking_figure(arena))}
<h2>{_('Agent × customer')}</h2>
{_png(heatmap_figure(arena))}
<h2>{_('Per grader')}</h2>
{_png(graders_figure(arena))}
<h2>{_('Failed conversations')}</h2>
{failed}
<h2>{_('The worst conversation of each agent')}</h2>
{''.join(worst)}
</body></html>"""
    try:
        return write_artifact(path, page)
    except FileExistsError as error:
        raise ReportExists(_("{error} (the arena never overwrites a file).").format(error=error)) from None

