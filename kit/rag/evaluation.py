"""How well does an index find the right page? recall@k and MRR over labelled questions.

    report = evaluate(Index.from_docs())   # the shipped questions, kit/rag/questions.yaml
    report.table()                         # overall, by language, by kind of question
    report.misses(5)                       # the questions whose page is not in the top 5
    table, figure = sweep(chunk_sizes=(60, 120, 240))

Pages are ranked by their best chunk, so k counts pages, not chunks.
recall@k: of the pages labelled relevant to a question, the share found among the first k,
averaged over the questions. MRR (mean reciprocal rank): the mean of 1 / the rank of the first
relevant page, counting 0 when none is in the first max(ks); 1.0 means always first.
"""

from __future__ import annotations

import html
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit import columns
from kit.errors import KitError
from kit.i18n import _, language
from kit.rag.documents import LANGS, Document, load_docs

if TYPE_CHECKING:
    import pandas
    from matplotlib.figure import Figure

    from kit.rag.index import Index

QUESTIONS = Path(__file__).resolve().parent / "questions.yaml"
KS = (1, 3, 5, 10)


class QuestionError(KitError, ValueError):
    """The labelled questions cannot be used: a missing field, or a page id no page has."""


@dataclass(frozen=True)
class Question:
    """A customer's question and the pages that answer it (labelled by hand)."""

    text: str
    lang: str
    relevant: tuple[str, ...]
    kinds: tuple[str, ...] = ()  # what makes it hard, e.g. ("typo",), ("jargon",), ("promotion",)
    answer_hint: str = ""


def recall_at_k(ranking: Sequence[str], relevant: Iterable[str], k: int) -> float:
    """The share of the relevant pages found among the first `k` of `ranking`."""
    wanted = set(relevant)
    if not wanted:
        raise ValueError(_("recall needs at least one relevant page."))
    return len(wanted & set(ranking[:k])) / len(wanted)


def reciprocal_rank(ranking: Sequence[str], relevant: Iterable[str]) -> float:
    """1 / the rank of the first relevant page in `ranking`, or 0 if there is none."""
    wanted = set(relevant)
    return next((1 / rank for rank, page in enumerate(ranking, 1) if page in wanted), 0.0)


@dataclass(frozen=True)
class Result:
    """One question and the pages the index ranked first for it."""

    question: Question
    ranking: tuple[str, ...]

    def recall(self, k: int) -> float:
        return recall_at_k(self.ranking, self.question.relevant, k)

    @property
    def reciprocal_rank(self) -> float:
        return reciprocal_rank(self.ranking, self.question.relevant)


@dataclass(frozen=True)
class RetrievalReport:
    """recall@k and MRR of one index over a set of questions, overall and by group."""

    results: tuple[Result, ...]
    ks: tuple[int, ...]
    index: str  # the index's description: pages, chunks, settings

    def recall(self, k: int, results: Sequence[Result] | None = None) -> float:
        """Mean recall@k over the questions (all of them, or the given ones)."""
        return statistics.fmean(r.recall(k) for r in (self.results if results is None else results))

    def mrr(self, results: Sequence[Result] | None = None) -> float:
        """Mean reciprocal rank over the questions (all of them, or the given ones)."""
        return statistics.fmean(r.reciprocal_rank for r in (self.results if results is None else results))

    def groups(self) -> dict[str, list[Result]]:
        """'all', then one group per language, then one per kind of question."""
        found: dict[str, list[Result]] = {"all": list(self.results)}
        for lang in sorted({r.question.lang for r in self.results}):
            found[f"lang: {lang}"] = [r for r in self.results if r.question.lang == lang]
        for kind in sorted({kind for r in self.results for kind in r.question.kinds}):
            found[f"kind: {kind}"] = [r for r in self.results if kind in r.question.kinds]
        return found

    def rows(self) -> list[dict[str, Any]]:
        """One dict per group: the group, how many questions, recall@k for each k, MRR."""
        return [{"group": name, "questions": len(results),
                 **{f"recall@{k}": self.recall(k, results) for k in self.ks}, "MRR": self.mrr(results)}
                for name, results in self.groups().items()]

    def table(self) -> pandas.DataFrame:
        """The rows as a pandas table, indexed by group."""
        import pandas as pd

        return pd.DataFrame(self.rows()).set_index("group").round(3)

    def misses(self, k: int = 5) -> list[Result]:
        """The questions with a relevant page missing from the first `k`: where to look first."""
        return [r for r in self.results if r.recall(k) < 1]

    def __str__(self) -> str:
        head = f"  {columns.ljust(_('group'), 18)} {'n':>4} " + " ".join(f"{f'R@{k}':>6}" for k in self.ks) + f" {'MRR':>6}"
        lines = [_("Retrieval over {count} questions · {index}").format(count=len(self.results), index=self.index), head]
        for row in self.rows():
            lines.append(f"  {columns.ljust(_group(row['group']), 18)} {row['questions']:>4} "
                         + " ".join(f"{row[f'recall@{k}']:6.1%}" for k in self.ks) + f" {row['MRR']:6.3f}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # type: ignore[no-untyped-def]
        """IPython's plain-text view: the readable text, not the dataclass fields."""
        printer.text(str(self))

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in (_("group"), "n", *(f"recall@{k}" for k in self.ks), "MRR"))
        body = "".join(
            f"<tr><td style='text-align:left'>{html.escape(_group(row['group']))}</td><td>{row['questions']}</td>"
            + "".join(f"<td>{row[f'recall@{k}']:.1%}</td>" for k in self.ks) + f"<td>{row['MRR']:.3f}</td></tr>"
            for row in self.rows()
        )
        k = 5 if 5 in self.ks else max(self.ks)
        missed = "".join(
            f"<li>{html.escape(r.question.text)} <small>{html.escape(_wanted_got(r, k))}</small></li>" for r in self.misses(k)
        )
        summary = html.escape(_("{count} missed in the top {k}").format(count=len(self.misses(k)), k=k))
        counted = html.escape(_("{count} questions · {index}").format(count=len(self.results), index=self.index))
        return (f"<div><b>{html.escape(_('Retrieval'))}</b> <small>{counted}</small>"
                f"<table><tr>{head}</tr>{body}</table>"
                + (f"<details><summary>{summary}</summary><ul>{missed}</ul></details>"
                   if missed else "") + "</div>")


def _group(name: str) -> str:
    """A group's name as the views show it: 'all', 'lang: zh', 'kind: typo' in the kit's language (rows() keeps the keys)."""
    if name == "all":
        return _("all")
    field, _colon, value = name.partition(": ")
    if field == "lang":
        return _("lang: {lang}").format(lang=value)
    if field == "kind":
        return _("kind: {kind}").format(kind=value)
    return name


def _wanted_got(result: Result, k: int) -> str:
    """'wanted a, b; got c, d' for a missed question: the labelled pages and the first k found."""
    wanted = ", ".join(result.question.relevant)
    if result.ranking[:k]:
        return _("wanted {wanted}; got {got}").format(wanted=wanted, got=", ".join(result.ranking[:k]))
    return _("wanted {wanted}; got nothing").format(wanted=wanted)


def load_questions(path: Path | str = QUESTIONS) -> list[Question]:
    """The labelled questions of a YAML file: a list of {question, lang, relevant, kind, answer_hint}."""
    import yaml

    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise QuestionError(_("{path}: no such questions file.").format(path=path)) from None
    except yaml.YAMLError as error:
        raise QuestionError(_("{path}: not valid YAML: {error}").format(path=path, error=error)) from None
    if isinstance(raw, dict) and "questions" in raw:
        raw = raw["questions"]
    if not isinstance(raw, list) or not raw:
        raise QuestionError(_("{path}: expected a list of questions (optionally under 'questions:').").format(path=path))
    return [_question(entry, _("{path}: question {number}").format(path=path, number=number))
            for number, entry in enumerate(raw, 1)]


def _question(entry: Any, where: str) -> Question:
    """One question entry, checked, with its place named in any error."""
    if not isinstance(entry, dict):
        raise QuestionError(_("{where}: expected 'field: value' lines, got {entry}.").format(where=where, entry=repr(entry)))
    text, lang, relevant = entry.get("question"), entry.get("lang"), entry.get("relevant")
    if not isinstance(text, str) or not text.strip():
        raise QuestionError(_("{where}: field 'question' is missing or empty.").format(where=where))
    if lang not in LANGS:
        raise QuestionError(_("{where} ({question}): field 'lang' must be one of {langs}, got {lang}.").format(
            where=where, question=repr(text), langs=", ".join(LANGS), lang=repr(lang)))
    if isinstance(relevant, str):
        relevant = [relevant]
    if not relevant or not isinstance(relevant, list) or not all(isinstance(r, str) for r in relevant):
        raise QuestionError(_("{where} ({question}): field 'relevant' must list at least one page id.").format(
            where=where, question=repr(text)))
    kinds = entry.get("kind") or ()
    kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    return Question(text.strip(), lang, tuple(relevant), kinds, str(entry.get("answer_hint") or ""))


def _questions(questions: Sequence[Question] | Path | str | None) -> list[Question]:
    """Questions as given, or read from a file (None: the shipped kit/rag/questions.yaml)."""
    if questions is None or isinstance(questions, (str, Path)):
        return load_questions(QUESTIONS if questions is None else questions)
    return list(questions)


def evaluate(index: Index, questions: Sequence[Question] | Path | str | None = None,
             ks: Sequence[int] = KS) -> RetrievalReport:
    """Ask the index every question and score where the labelled pages came out."""
    ks = tuple(sorted(set(ks)))
    if not ks or any(not isinstance(k, int) or k < 1 for k in ks):
        raise ValueError(_("ks must be whole numbers, at least 1; got {ks}.").format(ks=repr(ks)))
    questions = _questions(questions)
    if not questions:
        raise QuestionError(_("No questions to evaluate."))
    for question in questions:
        unknown = [page for page in question.relevant if page not in index.docs]
        if unknown:
            raise QuestionError(_("Question {question} names page(s) {pages}, which the index does not have "
                                  "(it has {count} pages).").format(
                question=repr(question.text), pages=", ".join(unknown), count=len(index.docs)))
    results = tuple(Result(q, tuple(index.rank_docs(q.text, k=max(ks)))) for q in questions)
    from kit.rag.index import Index

    described = index.describe(translated=True) if isinstance(index, Index) else index.describe()
    return RetrievalReport(results, ks, described)


def sweep(chunk_sizes: Sequence[int] = (40, 80, 120, 200, 400), ks: Sequence[int] = KS, overlap: float = 0.25,
          docs: Iterable[Document] | Path | str | None = None, questions: Sequence[Question] | Path | str | None = None,
          **index_options: Any) -> tuple[pandas.DataFrame, Figure]:
    """Evaluate one index per chunk size (overlap: the share of each size that neighbours share).

    Returns a table (one row per chunk size: chunks, recall@k, MRR) and a figure of recall@k
    against k, one line per chunk size. Other keywords go to `Index.from_docs` (method, pinyin...).
    """
    import matplotlib.pyplot as plt
    import pandas as pd

    from kit.rag.index import Index

    if not 0 <= overlap < 1:
        raise ValueError(_("overlap is a share of the chunk size, from 0 to below 1; got {overlap}.").format(
            overlap=repr(overlap)))
    pages = load_docs() if docs is None else load_docs(docs) if isinstance(docs, (str, Path)) else list(docs)
    asked = _questions(questions)
    rows = []
    for size in chunk_sizes:
        index = Index.from_docs(pages, chunk_size=size, overlap=round(size * overlap), **index_options)
        report = evaluate(index, asked, ks)
        rows.append({"chunk_size": size, "overlap": index.overlap, "chunks": len(index.chunks),
                     **{f"recall@{k}": report.recall(k) for k in report.ks}, "MRR": report.mrr()})
    table = pd.DataFrame(rows).set_index("chunk_size").round(3)
    from kit.plots import font_families

    with plt.rc_context({"font.family": font_families()} if language() == "zh" else {}):  # Chinese labels need a CJK font
        fig, ax = plt.subplots(figsize=(6, 4))
        ks_sorted = sorted(set(ks))
        for size, row in table.iterrows():
            ax.plot(ks_sorted, [row[f"recall@{k}"] for k in ks_sorted], marker="o",
                    label=_("{size} units ({chunks} chunks), MRR {mrr}").format(
                        size=size, chunks=int(row["chunks"]), mrr=f"{row['MRR']:.2f}"))
        ax.set(xticks=ks_sorted, ylim=(0, 1.05), xlabel=_("k (pages looked at)"), ylabel="recall@k",
               title=_("Recall by chunk size"))
        ax.legend(fontsize="small", loc="lower right")
        fig.tight_layout()
    plt.close(fig)  # shown once, as the cell's value
    return table, fig
