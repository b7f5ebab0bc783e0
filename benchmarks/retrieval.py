"""How fast the retrieval index builds and answers, next to a naive substring scan in the same run.

Run: .venv/bin/python benchmarks/retrieval.py [rounds] [seconds-per-measurement]

The workload is the shipped help-centre pages and labelled questions (kit/rag/docs and
kit/rag/questions.yaml), or the test fixtures (tests/data/rag) when those are not there yet.
The baseline is what one might write first: lower-case every chunk, and score a chunk by how
many of the query's pieces (English words; for Chinese, each pair of neighbouring characters)
occur in it as substrings. Its "build" is chunking plus lower-casing, the same chunks as the index.

Measured, interleaved round by round so machine noise hits all of them alike:
  - build: chunking + indexing every page (the first build, which also loads jieba's dictionary,
    is timed once on its own as "cold"),
  - queries per second over all the questions (rank_docs, which evaluation uses),
and, for context, recall@5 of each on the same questions. The report gives medians and ratios to the
baseline, never a verdict.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from kit.rag.chunking import chunk_docs
from kit.rag.documents import DOCS_DIR, Document, load_docs
from kit.rag.evaluation import QUESTIONS, Question, load_questions, recall_at_k
from kit.rag.index import Index

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "data" / "rag"
_PIECES = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9]+")


class SubstringScan:
    """The baseline: count the query's words and Chinese character pairs found in each lower-cased chunk."""

    def __init__(self, docs: list[Document]) -> None:
        titles = {doc.id: doc.title for doc in docs}
        self.chunks = chunk_docs(docs)
        self.texts = [f"{titles[c.doc_id]}\n{' '.join(c.headings)}\n{c.text}".lower() for c in self.chunks]

    @staticmethod
    def pieces(query: str) -> set[str]:
        found = set()
        for run in _PIECES.findall(query.lower()):
            if run.isascii() or len(run) == 1:
                found.add(run)
            else:
                found |= {run[i:i + 2] for i in range(len(run) - 1)}
        return found

    def rank_docs(self, query: str, k: int = 10) -> list[str]:
        pieces = self.pieces(query)
        scores = [sum(piece in text for piece in pieces) for text in self.texts]
        ranked: list[str] = []
        for i in sorted(range(len(scores)), key=lambda i: -scores[i]):
            if scores[i] == 0 or len(ranked) == k:
                break
            if self.chunks[i].doc_id not in ranked:
                ranked.append(self.chunks[i].doc_id)
        return ranked


def seconds_per_call(work: Callable[[], object], seconds: float) -> float:
    """Mean time of one call of `work`, measured over about `seconds` (at least one call)."""
    calls, started = 0, time.perf_counter()
    while True:
        work()
        calls += 1
        if (elapsed := time.perf_counter() - started) >= seconds:
            return elapsed / calls


def recall5(ranker: SubstringScan | Index, questions: list[Question]) -> float:
    return statistics.fmean(recall_at_k(ranker.rank_docs(q.text, 5), q.relevant, 5) for q in questions)


def main(rounds: int = 5, seconds: float = 0.5) -> None:
    shipped = DOCS_DIR.is_dir() and QUESTIONS.is_file()
    docs = load_docs() if shipped else load_docs(FIXTURES)
    questions = load_questions() if shipped else load_questions(FIXTURES / "questions.yaml")
    texts = [q.text for q in questions]
    units = sum(len(doc.text) for doc in docs)

    started = time.perf_counter()
    Index.from_docs(docs, pinyin=False)
    cold = time.perf_counter() - started

    builders: dict[str, Callable[[], object]] = {
        "substring scan (baseline)": lambda: SubstringScan(docs),
        "BM25 (pinyin=False)": lambda: Index.from_docs(docs, pinyin=False),
        "BM25 + pinyin (default)": lambda: Index.from_docs(docs),
    }
    built = {name: build() for name, build in builders.items()}
    build_s: dict[str, list[float]] = {name: [] for name in builders}
    query_s: dict[str, list[float]] = {name: [] for name in builders}
    for _ in range(rounds):
        for name, build in builders.items():
            build_s[name].append(seconds_per_call(build, seconds))
            ranker = built[name]
            query_s[name].append(seconds_per_call(lambda: [ranker.rank_docs(t, 10) for t in texts], seconds) / len(texts))

    base_build = statistics.median(build_s["substring scan (baseline)"])
    base_query = statistics.median(query_s["substring scan (baseline)"])
    chunks = len(built["BM25 (pinyin=False)"].chunks)  # type: ignore[attr-defined]
    print(f"{len(docs)} pages ({units:,} characters) → {chunks} chunks; {len(questions)} questions "
          f"({'shipped' if shipped else 'test fixtures'})")
    print(f"first build, cold (loads jieba's dictionary): {cold:.2f} s")
    print(f"median of {rounds} interleaved rounds, about {seconds:g} s each:\n")
    print(f"{'ranker':<28} {'build ms':>9} {'÷ base':>7} {'queries/s':>10} {'÷ base':>7} {'recall@5':>9}")
    for name in builders:
        build, query = statistics.median(build_s[name]), statistics.median(query_s[name])
        print(f"{name:<28} {build * 1000:9.1f} {build / base_build:6.1f}x {1 / query:10,.0f} "
              f"{base_query / query:6.1f}x {recall5(built[name], questions):9.1%}")  # type: ignore[arg-type]
    print("\n÷ base: build time ÷ the scan's build time (higher is slower); queries/s ÷ the scan's queries/s "
          "(higher is faster).")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5, float(sys.argv[2]) if len(sys.argv) > 2 else 0.5)
