"""The three questions an instructor asks of a class: who climbed, which lessons, which qualities (graders).

Each report holds a pandas table (`.table`), prints as plain text, shows as HTML in a notebook, and
draws one picture (`.plot()`). They are built from `Classroom.attempts` (one row per attempt).
"""

from __future__ import annotations

import contextlib
import html
import inspect
import math
import statistics
from typing import TYPE_CHECKING, Any

from kit.i18n import N_, _, language, ngettext
from kit.plots import plain_labels

if TYPE_CHECKING:
    import pandas
    from matplotlib.figure import Figure

    from kit.classroom.hints import Hints

NOT_GRADERS = {"learner", "lesson", "attempt", "time", "total", "model", "persona", "seed", "prompt", "note", "file"}

# What the tables' columns are called on screen. The keys stay English in `.table` (code selects them:
# `lessons.table["passed"]`), so the same code runs in both editions; only the text and HTML views translate them.
HEADINGS = {
    "rank": N_("rank"), "learner": N_("learner"), "score": N_("score"), "passed": N_("passed"), "tried": N_("tried"),
    "attempts": N_("attempts"), "climb": N_("climb"), "lesson": N_("lesson"), "customer": N_("customer"),
    "learners": N_("learners"), "below pass": N_("below pass"), "median attempts to pass": N_("median attempts to pass"),
    "median first": N_("median first"), "median best": N_("median best"), "median first → best": N_("median first → best"),
    "grader": N_("grader"), "mean": N_("mean"), "what it checks": N_("what it checks"),
}

# What each grader checks, as the first line of its module says it (`grader_notes` reads it there). Marked here so
# that the Chinese view can show it translated; tests/classroom fails when a grader's line is not in this list.
CHECKS = (
    N_("did the agent give the right answer to each thing the customer came for?"),
    N_("no size before the customer's height and weight are known, and no needless questions."),
    N_("when the customer sounds worried, confused or angry, the next reply acknowledges it."),
    N_("readable at all, no unexplained shop jargon for a novice, no walls of text, steps when teaching."),
    N_("no leaked instructions, no invented discount or price below the shop's rules, no one's private data, no "
       "order shown before the customer proved it is theirs, a person when asked."),
    N_("how the conversation ended, and how upset they were."),
    N_("every price and product code the agent states comes from the shop."),
    N_("the agent never asks again for what the customer already told it."),
    N_("each reply is in the language of the customer's last message."),
    N_("the agent gets the customer what they came for in few replies, without going in circles."),
)


def heading(key: str) -> str:
    """A column's name as the learner reads it (a lesson's column, "01", stays as it is)."""
    return _(HEADINGS[key]) if key in HEADINGS else key


def shown(table: pandas.DataFrame) -> pandas.DataFrame:
    """The table with its columns and index named in the learner's language, for the text view."""
    name = table.index.name
    return table.rename(columns=heading).rename_axis(index=heading(name) if name else name)


def said(text: str) -> str:
    """A grader's title or what it checks, in the learner's language (as it is when there is no translation)."""
    return _(text) if text else text  # _("") would be the catalogue's header


def text_table(table: pandas.DataFrame, **options: Any) -> str:
    """`table.to_string(**options)`; in Chinese, wide characters count two columns so the headings line up."""
    import pandas as pd

    wide = pd.option_context("display.unicode.east_asian_width", True) if language() == "zh" else contextlib.nullcontext()
    with wide:
        return table.to_string(**options)


def climbs(attempts: pandas.DataFrame, pass_mark: float) -> pandas.DataFrame:
    """One row per learner and lesson: attempts, first and best total, the climb, and the attempt that passed."""
    import pandas as pd

    rows = []
    for (learner, lesson), group in attempts.groupby(["learner", "lesson"], sort=True):
        totals = group.sort_values("attempt", kind="stable")["total"].tolist()
        passed_at = next((number for number, total in enumerate(totals, 1) if total >= pass_mark), None)
        rows.append({"learner": learner, "lesson": lesson, "attempts": len(totals), "first": totals[0],
                     "best": max(totals), "climb": round(max(totals) - totals[0], 1), "passed": passed_at is not None,
                     "attempts to pass": passed_at})
    return pd.DataFrame(rows)


def short_names(lessons: list[str]) -> dict[str, str]:
    """Column labels: a lesson's number ("01") when that is unique in the class, else its whole name."""
    numbers = {lesson: lesson.split("_")[0] for lesson in lessons}
    return numbers if len(set(numbers.values())) == len(lessons) else {lesson: lesson for lesson in lessons}


class Leaderboard:
    """Per learner: best total per lesson, attempts, first → best climb, lessons passed; ranked over the lessons.

    The score is the mean of a learner's best totals over every lesson in the class, counting 0 for a
    lesson not tried, so finishing more lessons counts; ties go to more lessons passed, then fewer attempts.
    """

    def __init__(self, attempts: pandas.DataFrame, pass_mark: float) -> None:
        import pandas as pd

        self.pass_mark = pass_mark
        self.lessons = sorted(attempts["lesson"].unique())
        self.labels = short_names(self.lessons)
        self.detail = climbs(attempts, pass_mark)
        rows = []
        for learner, mine in self.detail.groupby("learner", sort=True):
            best = dict(zip(mine["lesson"], mine["best"]))
            rows.append({"learner": learner, "score": round(sum(best.values()) / len(self.lessons), 1),
                         "passed": int(mine["passed"].sum()), "tried": len(mine), "attempts": int(mine["attempts"].sum()),
                         "climb": round(statistics.fmean(mine["climb"]), 1),
                         **{self.labels[lesson]: best.get(lesson, math.nan) for lesson in self.lessons}})
        table = pd.DataFrame(rows).sort_values(["score", "passed", "attempts", "learner"],
                                               ascending=[False, False, True, True], kind="stable")
        keys = list(zip(table["score"], table["passed"]))
        table.insert(0, "rank", [1 + sum(other > key for other in keys) for key in keys])  # ties share a rank
        self.table = table.set_index("rank")

    def __str__(self) -> str:
        head = " · ".join([_("Class leaderboard"), self._score_note(), _("climb = mean of best − first")])
        table = shown(self.table.assign(passed=[f"{p}/{len(self.lessons)}" for p in self.table["passed"]]))
        return head + "\n" + text_table(table, float_format=lambda x: f"{x:.0f}", na_rep="—",
                                         formatters={heading("score"): "{:.1f}".format,
                                                     heading("climb"): "{:+.1f}".format})

    def _score_note(self) -> str:
        """What the score and "passed" mean (the text and the HTML view both say it)."""
        return " · ".join([_("score = mean best total over {n} lessons (0 where not tried)").format(n=len(self.lessons)),
                           _("passed = best ≥ {mark}").format(mark=f"{self.pass_mark:g}")])

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # type: ignore[no-untyped-def]
        printer.text(str(self))

    def _repr_html_(self) -> str:
        detail = {(r.learner, r.lesson): r for r in self.detail.itertuples()}
        head = "".join(f"<th>{html.escape(heading(h))}</th>"
                       for h in ("rank", "learner", "score", "passed", "attempts", "climb"))
        head += "".join(f"<th title='{html.escape(lesson)}'>{html.escape(self.labels[lesson])}</th>"
                        for lesson in self.lessons)
        body = []
        for rank, row in self.table.iterrows():
            cells = [str(rank), html.escape(row["learner"]), coloured(row["score"], self.pass_mark),
                     f"{row['passed']}/{len(self.lessons)}", str(row["attempts"]), f"{row['climb']:+.1f}"]
            for lesson in self.lessons:
                mine = detail.get((row["learner"], lesson))
                cells.append("—" if mine is None else
                             f"{coloured(mine.best, self.pass_mark)}<br><small>{mine.first:.0f}→{mine.best:.0f} · "
                             f"{_tries(mine.attempts)}</small>")
            body.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
        note = " · ".join([self._score_note(), _("each lesson: best, first→best, attempts")])
        return (f"<div><b>{html.escape(_('Class leaderboard'))}</b> <small>{html.escape(note)}"
                f"</small><table><tr>{head}</tr>{''.join(body)}</table></div>")

    @plain_labels
    def plot(self) -> Figure:
        """A heat map: each learner's best total per lesson, learners in rank order, blank where not tried."""
        import matplotlib.pyplot as plt
        import numpy as np

        values = self.table[[self.labels[lesson] for lesson in self.lessons]].to_numpy(dtype=float)
        names = [f"{rank}. {learner}" for rank, learner in zip(self.table.index, self.table["learner"])]
        fig, ax = plt.subplots(figsize=(1.4 + 0.9 * len(self.lessons), 1.2 + 0.38 * len(names)))
        image = ax.imshow(np.ma.masked_invalid(values), cmap="RdYlGn", vmin=0, vmax=100, aspect="auto")
        annotate(ax, values)
        ax.set(xticks=range(len(self.lessons)), xticklabels=[self.labels[lesson] for lesson in self.lessons],
               yticks=range(len(names)), yticklabels=names, xlabel=_("lesson"),
               title=_("Best total per lesson (pass mark {mark})").format(mark=f"{self.pass_mark:g}"))
        fig.colorbar(image, ax=ax, label=_("best total"), shrink=0.8)
        fig.tight_layout()
        plt.close(fig)  # shown once, as the cell's value
        return fig


class LessonReport:
    """Per lesson: how many learners tried and passed, the share still below the pass mark, the median
    attempts it took those who passed, and the median first and best totals. Hardest lesson first."""

    def __init__(self, attempts: pandas.DataFrame, pass_mark: float) -> None:
        import pandas as pd

        self.pass_mark = pass_mark
        self.detail = climbs(attempts, pass_mark)
        customers = attempts.groupby("lesson")["persona"].agg(lambda p: p.mode().iloc[0] if p.notna().any() else "")
        rows = []
        for lesson, group in self.detail.groupby("lesson", sort=True):
            passed = group[group["passed"]]
            rows.append({"lesson": lesson, "customer": customers.get(lesson, ""), "learners": len(group),
                         "passed": len(passed), "below pass": round(1 - len(passed) / len(group), 2),
                         "median attempts to pass": passed["attempts to pass"].median() if len(passed) else math.nan,
                         "median first": group["first"].median(), "median best": group["best"].median()})
        table = pd.DataFrame(rows).sort_values(["below pass", "median best", "lesson"], ascending=[False, True, True],
                                               kind="stable")
        self.table = table.set_index("lesson")

    @property
    def hardest(self) -> str:
        """The lesson with the largest share of learners below the pass mark (the lower median best on a tie)."""
        return str(self.table.index[0])

    def __str__(self) -> str:
        head = " · ".join([_("Lessons, hardest first"), self._below_note()])
        return head + "\n" + text_table(shown(self.table), na_rep="—", formatters={
            heading("below pass"): "{:.0%}".format, heading("median attempts to pass"): _number,
            heading("median first"): "{:.1f}".format, heading("median best"): "{:.1f}".format})

    def _below_note(self) -> str:
        return _("below pass = share of learners whose best is under {mark}").format(mark=f"{self.pass_mark:g}")

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # type: ignore[no-untyped-def]
        printer.text(str(self))

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(heading(h))}</th>" for h in (
            "lesson", "customer", "passed", "below pass", "median attempts to pass", "median first → best"))
        body = "".join(
            f"<tr><td style='text-align:left'>{html.escape(lesson)}</td><td>{html.escape(str(row['customer']))}</td>"
            f"<td>{row['passed']}/{row['learners']}</td><td>{_share(row['below pass'])}</td>"
            f"<td>{_number(row['median attempts to pass'])}</td><td>{row['median first']:.1f} → "
            f"{coloured(row['median best'], self.pass_mark)}</td></tr>"
            for lesson, row in self.table.iterrows()
        )
        return (f"<div><b>{html.escape(_('Lessons, hardest first'))}</b> <small>{html.escape(self._below_note())}"
                f"</small><table><tr>{head}</tr>{body}</table></div>")

    @plain_labels
    def plot(self) -> Figure:
        """Each learner's first (grey) → best (coloured) total per lesson, the pass mark, and the share below it."""
        import matplotlib.pyplot as plt

        lessons = sorted(self.table.index)
        labels = short_names(lessons)
        learners = sorted(self.detail["learner"].unique())
        fig, ax = plt.subplots(figsize=(1.6 + 1.3 * len(lessons), 4.2))
        for x, lesson in enumerate(lessons):
            group = self.detail[self.detail["lesson"] == lesson]
            for row in group.itertuples():
                dx = 0.6 * (learners.index(row.learner) + 0.5) / len(learners) - 0.3  # each learner its own lane
                colour = "tab:green" if row.passed else "tab:red"
                ax.plot([x + dx, x + dx], [row.first, row.best], color=colour, alpha=0.5, linewidth=1.5)
                ax.plot(x + dx, row.first, "o", color="grey", markersize=3.5)
                ax.plot(x + dx, row.best, "o", color=colour, markersize=5)
            ax.annotate(_("{share} below").format(share=f"{self.table.loc[lesson, 'below pass']:.0%}"), (x, 104),
                        ha="center", fontsize="small")
        ax.axhline(self.pass_mark, color="black", linestyle=":", linewidth=1,
                   label=_("pass mark {mark}").format(mark=f"{self.pass_mark:g}"))
        ax.set(xticks=range(len(lessons)), xticklabels=[labels[lesson] for lesson in lessons], ylim=(-5, 112),
               xlabel=_("lesson"), ylabel=_("total (0-100)"),
               title=_("Each learner's first (grey) → best total: green passed, red still below"))
        ax.legend(loc="lower right", fontsize="small")
        fig.tight_layout()
        plt.close(fig)  # shown once, as the cell's value
        return fig


class GraderReport:
    """Which qualities the class struggles with: each grader's mean score per lesson over learners' best
    attempts (where they ended up), weakest first, with what the grader checks."""

    def __init__(self, attempts: pandas.DataFrame, pass_mark: float) -> None:
        import pandas as pd

        self.pass_mark = pass_mark
        best = attempts.sort_values(["total", "attempt"], ascending=[False, True], kind="stable")
        self.best = best = best.drop_duplicates(["learner", "lesson"])  # each learner's best attempt per lesson
        graders = [column for column in attempts.columns if column not in NOT_GRADERS]
        about = grader_notes()
        rows = []
        for lesson, group in best.groupby("lesson", sort=True):
            for grader in graders:
                scores = group[grader].dropna()
                if len(scores):
                    rows.append({"lesson": lesson, "grader": grader, "title": about.get(grader, (grader, ""))[0],
                                 "mean": round(float(scores.mean()), 1), "learners": len(scores),
                                 "below pass": round(float((scores < pass_mark).mean()), 2),
                                 "checks": about.get(grader, ("", ""))[1]})
        columns = ["lesson", "grader", "title", "mean", "learners", "below pass", "checks"]
        self.table = pd.DataFrame(rows, columns=columns).sort_values(["mean", "lesson", "grader"], kind="stable")
        self.table = self.table.reset_index(drop=True)
        self.matrix = self.table.pivot(index="grader", columns="lesson", values="mean")
        self.matrix = self.matrix.loc[self.matrix.mean(axis=1).sort_values(kind="stable").index]  # weakest on top

    @property
    def weakest(self) -> pandas.Series:
        """The weakest grader in the weakest lesson: a row of `.table`."""
        return self.table.iloc[0]

    def hints(self, rows: int = 5) -> Hints:
        """What each of the `rows` weakest graders told a typical learner who fell short there: the hint,
        replayed on the practice model (blank where an attempt cannot be replayed exactly)."""
        from kit.classroom.hints import weakest_hints

        return weakest_hints(self.best, self.table.head(rows), self.pass_mark)

    def __str__(self) -> str:
        lines = [_("Graders on learners' best attempts, weakest first (below pass = share under {mark})").format(
            mark=f"{self.pass_mark:g}")]
        for row in self.table.head(10).to_dict("records"):
            below = _("{share} below of {learners}").format(share=f"{row['below pass']:4.0%}",
                                                           learners=f"{row['learners']:>2}")
            lines.append(f"  {row['lesson']:<24} {row['grader']:<13} {row['mean']:5.1f}  {below}  {said(row['checks'])}")
        if len(self.table) > 10:
            lines.append("  " + _("… and {n} more rows in {table}").format(n=len(self.table) - 10, table=".table"))
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # type: ignore[no-untyped-def]
        printer.text(str(self))

    def _repr_html_(self, rows: int = 10) -> str:
        head = "".join(f"<th>{html.escape(heading(h))}</th>"
                       for h in ("lesson", "grader", "mean", "below pass", "what it checks"))
        of = _("{share} of {learners}")
        body = "".join(
            f"<tr><td style='text-align:left'>{html.escape(row['lesson'])}</td><td style='text-align:left'>"
            f"{html.escape(said(row['title']))}</td><td>{coloured(row['mean'], self.pass_mark)}</td>"
            f"<td>{html.escape(of.format(share=_share(row['below pass']), learners=row['learners']))}</td>"
            f"<td style='text-align:left'><small>{html.escape(said(row['checks']))}</small></td></tr>"
            for row in self.table.head(rows).to_dict("records")
        )
        more = ""
        if len(self.table) > rows:
            more = _("… and {n} more rows in {table}").format(n=len(self.table) - rows, table="<code>.table</code>")
            more = f"<small>{more}</small>"
        title = _("Graders on learners' best attempts, weakest first")
        return f"<div><b>{title}</b><table><tr>{head}</tr>{body}</table>{more}</div>"

    @plain_labels
    def plot(self) -> Figure:
        """A heat map: each grader's mean on the best attempts, per lesson; weakest grader on top, blank = n/a."""
        import matplotlib.pyplot as plt
        import numpy as np

        values = self.matrix.to_numpy(dtype=float)
        labels = short_names(list(self.matrix.columns))
        fig, ax = plt.subplots(figsize=(2.4 + 0.9 * values.shape[1], 1.2 + 0.38 * values.shape[0]))
        if not values.size:  # no grader applied to any best attempt: say so rather than draw nothing
            ax.text(0.5, 0.5, _("No grader scores in these files"), ha="center", va="center")
            ax.axis("off")
            plt.close(fig)
            return fig
        image = ax.imshow(np.ma.masked_invalid(values), cmap="RdYlGn", vmin=0, vmax=100, aspect="auto")
        annotate(ax, values)
        ax.set(xticks=range(values.shape[1]), xticklabels=[labels[c] for c in self.matrix.columns],
               yticks=range(values.shape[0]), yticklabels=list(self.matrix.index), xlabel=_("lesson"),
               title=_("Each grader's mean on the class's best attempts (blank: did not apply)"))
        fig.colorbar(image, ax=ax, label=_("mean score"), shrink=0.8)
        fig.tight_layout()
        plt.close(fig)  # shown once, as the cell's value
        return fig


def grader_notes() -> dict[str, tuple[str, str]]:
    """Each grader's title and what it checks, from the grader itself (its title and its module's first line)."""
    from kit.graders import GRADERS

    notes = {}
    for grader in GRADERS:
        doc = inspect.getmodule(type(grader)).__doc__ or ""
        first = " ".join(doc.strip().split("\n\n")[0].split())
        notes[grader.name] = (grader.title, first.split(": ", 1)[-1])
    return notes


def annotate(ax: Any, values: Any) -> None:
    """Write each cell's number on a heat map (nothing on blank cells)."""
    import numpy as np

    for (y, x), value in np.ndenumerate(values):
        if not math.isnan(value):
            ax.text(x, y, f"{value:.0f}", ha="center", va="center", fontsize="small")


def coloured(score: float, pass_mark: float) -> str:
    """A score in green (passed), amber (within 30 points) or red, for HTML tables."""
    colour = "#16a34a" if score >= pass_mark else "#d97706" if score >= pass_mark - 30 else "#dc2626"
    return f"<b style='color:{colour}'>{score:.0f}</b>"


def _tries(attempts: int) -> str:
    return ngettext("{n} try", "{n} tries", attempts).format(n=attempts)


def _share(share: float) -> str:
    return f"{share:.0%}"


def _number(value: float) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:g}"

