"""Retrieval for the shop's help centre: find the page that answers a customer, then hand it to the agent.

    from kit import rag
    index = rag.Index.from_docs()          # the pages in kit/rag/docs, BM25 (+ pinyin for typos)
    index.search("尺马怎么选", k=3)        # the best chunks, with page id, title, score, outdated flag
    rag.evaluate(index).table()            # recall@k and MRR on the labelled questions
    table, figure = rag.sweep(chunk_sizes=(60, 120, 240))

Modules, in reading order: documents (pages and their front matter), chunking (cutting pages at
headings, then by size), index (search terms, BM25, pinyin, embeddings, fusion), evaluation.
Names load on first use, so `import kit.rag` costs nothing until you search.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_LAZY = {
    "Document": "kit.rag.documents", "DocumentError": "kit.rag.documents", "load_docs": "kit.rag.documents",
    "Chunk": "kit.rag.chunking", "chunk_docs": "kit.rag.chunking",
    "Index": "kit.rag.index", "Hit": "kit.rag.index", "Hits": "kit.rag.index", "terms": "kit.rag.index",
    "Question": "kit.rag.evaluation", "RetrievalReport": "kit.rag.evaluation", "evaluate": "kit.rag.evaluation",
    "load_questions": "kit.rag.evaluation", "sweep": "kit.rag.evaluation",
}

__all__ = sorted(_LAZY)

if TYPE_CHECKING:
    from kit.rag.chunking import Chunk, chunk_docs
    from kit.rag.documents import Document, DocumentError, load_docs
    from kit.rag.evaluation import Question, RetrievalReport, evaluate, load_questions, sweep
    from kit.rag.index import Hit, Hits, Index, terms


def __getattr__(name: str) -> Any:
    """Import public names on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'kit.rag' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value
