"""Search help-centre pages: BM25 over words (and pinyin), embeddings, or both fused by rank.

    index = Index.from_docs()              # the pages in kit/rag/docs, default settings
    index.search("尺马怎么选", k=3)        # → Hits: chunk text, page id and title, score, outdated flag
    index.rank_docs("尺马怎么选", k=5)     # → page ids, best first (what evaluation scores)

How text becomes search terms (`terms`): Chinese has no spaces, so each run of Chinese characters is
cut into words by jieba in search mode, which also gives the shorter words inside a long one
(黄二白粉底液 → 黄二白, 粉底, 粉底液). English words are lower-cased and stemmed by PyStemmer
(returns, returned, returning → return), so a question need not use the page's exact word form.
Mixed text gets both. Little words that carry no meaning (的, 吗, the, is) are dropped.

BM25 scores a chunk by the query terms it contains: rare terms count more, repeats count less and
less, long chunks are not favoured for being long. Two kinds of typo give words the pages never use:
- a Chinese character that sounds right (尺马 for 尺码): with `pinyin=True` a second BM25 reads the
  toneless pinyin of the Chinese text as syllable pairs (chi_ma), where both spellings agree;
- a misspelt English word (jaket): with `spelling=True` it is read as the most alike word the pages do use.
Rankings are merged by reciprocal rank fusion (RRF): a chunk scores Σ weight / (60 + its rank) over
the rankings it is in, so what is near the top of any ranking rises, and scores on different scales
never have to be mixed.

Then three rules about pages rather than words:
- the customer's language: by default only pages in the query's language are searched;
- pages marked `outdated` are kept (a customer may ask about last season) but their scores are
  multiplied by `outdated_weight`, unless the query itself asks about the past (去年, last season...);
- `rank_docs` scores a page by its best chunk plus half of each of its next two, so the page that
  explains the promotions beats forty product pages that each copy the promotions list once.
"""

from __future__ import annotations

import functools
import html
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from kit.errors import ConfigError, ModelError
from kit.i18n import N_, _
from kit.rag.chunking import CHUNK_SIZE, OVERLAP, Chunk, check_sizes, chunk_docs
from kit.rag.documents import LANGS, Document, load_docs

if TYPE_CHECKING:
    import numpy as np

    from kit.config import Settings

Method = Literal["bm25", "embeddings", "hybrid"]
METHODS: tuple[str, ...] = ("bm25", "embeddings", "hybrid")
Embed = Callable[[list[str]], Sequence[Sequence[float]]]  # texts in, one vector per text out

RRF_K = 60  # the usual constant of reciprocal rank fusion (Cormack et al., 2009): rank 1 → 1/61
WEIGHTS = {"bm25": 1.0, "pinyin": 0.5, "embeddings": 1.0}  # how much each ranking counts in the fusion
OUTDATED_WEIGHT = 0.5  # an outdated page's score is multiplied by this unless the query asks about the past
SPELLING_CUTOFF = 0.75  # how alike (difflib ratio, 0-1) an unknown English word must be to a known one to stand for it
PAGE_SUPPORT = (0.5, 0.5)  # a page's score: its best chunk + these shares of its 2nd, 3rd best chunks
EMBED_BATCH = 10  # texts per /embeddings request: DashScope accepts at most 10, OpenAI many more
EMBED_MODELS = {"openai": "text-embedding-3-small", "dashscope": "text-embedding-v3", "ollama": "bge-m3"}

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"([{_HAN}]+)|([^\W_{_HAN}]+)")  # a run of Chinese characters, or a run of letters/digits
# Words that join a sentence together but say nothing about which page answers it.
STOP_ZH = frozenset("的 地 得 了 着 过 吗 呢 吧 啊 呀 哦 嘛 么 啦 哈 是 我 你 您 他 她 它 我们 你们 他们 这 那 这个 那个 "
                    "请 请问 一下 和 与 及 或 就 都 也 还 又 很 在 把 被 给 怎么 怎样 如何 什么 哪些 哪个 能 会 要 想".split())
STOP_EN = frozenset("a an and are as at be been by can could do does did for from have has how i if in into is it "
                    "its me my of on or our please so than that the their them then there these they this to us "
                    "was we were what when where which who why will with would you your".split())
# Shop words jieba's general dictionary would cut apart (双十一 → 双十 + 一).
SHOP_WORDS = ("双十一", "双11", "618", "混油皮", "干皮", "油皮", "敏感肌", "色号", "尺码", "号型", "包邮", "运费险",
              "七天无理由", "预售", "定金", "尾款", "满减", "优惠券", "以旧换新", "保价", "价保", "换货", "退款", "单号",
              "订单号", "快递单号")
_PAST = re.compile(r"去年|前年|上一?季|上个?季度|往年|往期|上一?届|以前|之前|原来|当时|那时候?|旧版|老版|过期|历史|"
                   r"\b(?:last (?:season|year|time)|previous|past|old|older|expired|former|before|used to|back then)\b",
                   re.IGNORECASE)
_LATIN_WORD = re.compile(r"[A-Za-z]+")


@functools.cache
def _jieba():  # type: ignore[no-untyped-def]
    """A private jieba tokenizer with the shop's words added (built once, ~1 s; the global one stays untouched)."""
    import logging

    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)  # no "Building prefix dict..." chatter
    tokenizer = jieba.Tokenizer()
    for word in SHOP_WORDS:
        tokenizer.add_word(word)
    return tokenizer


@functools.cache
def _stemmer():  # type: ignore[no-untyped-def]
    """PyStemmer's English (Porter 2) stemmer."""
    import Stemmer

    return Stemmer.Stemmer("english")


def terms(text: str) -> list[str]:
    """Search terms of any text: jieba words for Chinese runs, lower-case stems for other words; stop words dropped."""
    found: list[str] = []
    for han, other in _RUN.findall(text):
        if han:
            found += [word for word in _jieba().lcut_for_search(han) if word not in STOP_ZH]
        elif (word := other.lower()) not in STOP_EN:
            found.append(_stemmer().stemWord(word))
    return found


def pinyin_terms(text: str) -> list[str]:
    """Toneless pinyin of each Chinese run as neighbouring syllable pairs: 尺码表 and 尺马表 → chi_ma, ma_biao."""
    from pypinyin import lazy_pinyin

    found: list[str] = []
    for han, _other in _RUN.findall(text):
        if han:
            syllables = lazy_pinyin(han)
            found += syllables if len(syllables) == 1 else [f"{a}_{b}" for a, b in zip(syllables, syllables[1:])]
    return found


def query_lang(query: str) -> str:
    """'zh' or 'en': whichever has more units, counting each Chinese character and each English word as one."""
    return "en" if len(_LATIN_WORD.findall(query)) > len(re.findall(f"[{_HAN}]", query)) else "zh"


def asks_about_past(query: str) -> bool:
    """Does the query ask about an earlier season (去年, 上一季, last season...)? Then outdated pages are not held back."""
    return _PAST.search(query) is not None


class _BM25:
    """One bm25s index over pre-split term lists (bm25s's own tokenizer knows no Chinese)."""

    def __init__(self, corpus: list[list[str]]) -> None:
        import bm25s

        self.model = bm25s.BM25()  # Lucene's BM25 variant, k1=1.5, b=0.75
        self.model.index(corpus, show_progress=False)
        self._known_words: list[str] | None = None  # English words of the index, for `correct`
        self._corrections: dict[str, list[str]] = {}  # unknown word → [the known word it stands for] or []

    def correct(self, query_terms: list[str]) -> list[str]:
        """Each English term the index does not know, replaced by the most alike one it does (retrun → return)."""
        import difflib

        if self._known_words is None:
            self._known_words = [t for t in self.model.vocab_dict if t.isascii() and t.isalpha() and len(t) > 2]
        fixed = []
        for term in query_terms:
            if term in self.model.vocab_dict or not (term.isascii() and term.isalpha() and len(term) > 2):
                fixed.append(term)
            else:
                if term not in self._corrections:
                    self._corrections[term] = difflib.get_close_matches(term, self._known_words, n=1,
                                                                        cutoff=SPELLING_CUTOFF)
                fixed += self._corrections[term]
        return fixed

    def scores(self, query_terms: list[str]) -> np.ndarray:
        """The BM25 score of every chunk; all zeros when no query term is in the index."""
        import numpy as np

        known = [t for t in dict.fromkeys(query_terms) if t in self.model.vocab_dict]  # each term once
        if not known:
            return np.zeros(self.model.scores["num_docs"], dtype=np.float32)
        return self.model.get_scores(known)


class OpenAIEmbeddings:
    """Vectors from the configured OpenAI-compatible `/embeddings` endpoint (the same settings as the chat model)."""

    def __init__(self, model: str | None = None, settings: Settings | None = None) -> None:
        from kit.config import load_settings

        settings = settings or load_settings()
        if settings.is_practice:
            raise ConfigError(_(
                "Embeddings need a real OpenAI-compatible endpoint, and none is configured (the offline practice "
                "model has no embeddings). Set KIT_MODEL, KIT_BASE_URL and KIT_API_KEY (or KIT_PROVIDER), "
                "or search with method='bm25', which needs no endpoint."
            ))
        name = model or os.environ.get("KIT_EMBED_MODEL") or EMBED_MODELS.get((settings.provider or "").lower())
        if not name:
            examples = ", ".join(EMBED_MODELS.values())
            if settings.base_url:
                raise ConfigError(_("Which embedding model at {url}? Pass embed_model='...' or set KIT_EMBED_MODEL "
                                    "(e.g. {examples}).").format(url=settings.base_url, examples=examples))
            raise ConfigError(_("Which embedding model at the endpoint? Pass embed_model='...' or set KIT_EMBED_MODEL "
                                "(e.g. {examples}).").format(examples=examples))
        if settings.api_key is None:
            raise ConfigError(_("No API key for the embeddings endpoint: set KIT_API_KEY (local servers accept any value)."))
        self.name, self.base_url, self._key = name, settings.base_url, settings.api_key
        self._client = None

    def __repr__(self) -> str:
        return f"OpenAIEmbeddings({self.name!r}, base_url={self.base_url!r})"

    def __call__(self, texts: list[str]) -> list[list[float]]:
        """One vector per text, asked for EMBED_BATCH texts at a time."""
        import openai

        if self._client is None:
            self._client = openai.OpenAI(base_url=self.base_url, api_key=self._key.get_secret_value(), max_retries=3)
        vectors: list[list[float]] = []
        for start in range(0, len(texts), EMBED_BATCH):
            try:
                response = self._client.embeddings.create(model=self.name, input=texts[start:start + EMBED_BATCH])
            except openai.APIError as error:
                if self.base_url:
                    raise ModelError(_("The embeddings call to {url} (model {model}) failed: {error}").format(
                        url=self.base_url, model=repr(self.name), error=error)) from None
                raise ModelError(_("The embeddings call to the provider's default URL (model {model}) failed: "
                                   "{error}").format(model=repr(self.name), error=error)) from None
            vectors += [item.embedding for item in sorted(response.data, key=lambda item: item.index)]
        return vectors


def _unit_rows(vectors: Sequence[Sequence[float]]) -> np.ndarray:
    """Vectors scaled to length 1, so a dot product is the cosine similarity."""
    import numpy as np

    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim != 2 or not matrix.shape[1]:
        raise ModelError(_("The embedding model returned no usable vectors (shape {shape}).").format(shape=matrix.shape))
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def fuse(rankings: dict[str, np.ndarray], weights: dict[str, float] = WEIGHTS, k: int = RRF_K) -> np.ndarray:
    """Reciprocal rank fusion: Σ weight / (k + rank) over the rankings in which a chunk scores above zero."""
    import numpy as np

    fused = np.zeros(len(next(iter(rankings.values()))), dtype=np.float64)
    for name, scores in rankings.items():
        order = np.argsort(-scores, kind="stable")
        order = order[scores[order] > 0]
        fused[order] += weights.get(name, 1.0) / (k + np.arange(1, len(order) + 1))
    return fused


@dataclass(frozen=True)
class Hit:
    """One chunk found: its text, the page it comes from, its score, and whether the page is outdated."""

    chunk_id: str
    doc_id: str
    title: str
    text: str
    score: float
    outdated: bool
    headings: tuple[str, ...] = ()
    scores: dict[str, float] = field(default_factory=dict, hash=False)  # each ranking's own score: {"bm25": 7.2}

    def __str__(self) -> str:
        where = " › ".join(_path(self.title, self.headings))
        flag = " " + _("[OUTDATED]") if self.outdated else ""
        return f"{self.score:.3g}  {self.chunk_id}{flag}  {where}\n    {_short(self.text, 160)}"

    def _repr_html_(self) -> str:
        parts = ", ".join(f"{name} {value:.3g}" for name, value in self.scores.items())
        flag = f" <span style='color:#b00;font-weight:bold'>{html.escape(_('[已过期 outdated]'))}</span>" if self.outdated else ""
        path = html.escape(" › ".join(_path(self.title, self.headings)))
        score = html.escape(_("score {score}").format(score=f"{self.score:.3g}"))
        return (f"<div style='margin:4px 0'><b>{path}</b>{flag} <small><code>{html.escape(self.chunk_id)}</code> "
                f"{score}{' (' + html.escape(parts) + ')' if parts else ''}</small>"
                f"<div style='white-space:pre-wrap'>{html.escape(_short(self.text, 400))}</div></div>")


class Hits(list[Hit]):
    """The chunks found for one query, best first: a plain list that also prints as a table."""

    def __init__(self, hits: Iterable[Hit], query: str) -> None:
        super().__init__(hits)
        self.query = query

    def __str__(self) -> str:
        head = _("{count} hits for {query}").format(count=len(self), query=repr(self.query))
        return head + "".join(f"\n{i}. {hit}" for i, hit in enumerate(self, 1))

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{hit._repr_html_()}</li>" for hit in self)
        head = html.escape(_("{count} hits for").format(count=len(self)))
        return f"<div><small>{head}</small> <b>{html.escape(self.query)}</b><ol>{items}</ol></div>"


class Index:
    """Chunks of help-centre pages, ready to search; build it with `Index.from_docs`."""

    def __init__(self, docs: Sequence[Document], chunks: Sequence[Chunk], *, method: Method = "bm25",
                 pinyin: bool = True, spelling: bool = True, outdated_weight: float = OUTDATED_WEIGHT,
                 embed: Embed | None = None,
                 chunk_size: int = CHUNK_SIZE, overlap: int = OVERLAP) -> None:
        if method not in METHODS:
            raise ValueError(_("method must be one of {methods}; got {method}.").format(
                methods=", ".join(METHODS), method=repr(method)))
        if not chunks:
            raise ValueError(_("An index needs at least one chunk: the pages have no text."))
        if not 0 <= outdated_weight <= 1:
            raise ValueError(_("outdated_weight must be from 0 (hide outdated pages) to 1 (treat them like the others); "
                               "got {weight}.").format(weight=repr(outdated_weight)))
        self.docs = {doc.id: doc for doc in docs}
        self.chunks = list(chunks)
        self.method, self.outdated_weight, self.spelling = method, outdated_weight, spelling
        self.chunk_size, self.overlap = chunk_size, overlap
        self.embed = embed
        texts = [self._searchable(chunk) for chunk in self.chunks]
        self._bm25 = self._pinyin = self._vectors = None
        if method in ("bm25", "hybrid"):
            self._bm25 = _BM25([terms(text) for text in texts])
            pinyin_corpus = [pinyin_terms(text) for text in texts] if pinyin else []
            if any(pinyin_corpus):  # English-only pages have no pinyin to index
                self._pinyin = _BM25(pinyin_corpus)
        if method in ("embeddings", "hybrid"):
            if embed is None:
                raise ConfigError(_("method={method} needs an embedding function or model; see Index.from_docs.").format(
                    method=repr(method)))
            self._vectors = _unit_rows(embed(texts))
        import numpy as np

        self._outdated = np.array([self.docs[chunk.doc_id].outdated for chunk in self.chunks])
        self._lang = np.array([self.docs[chunk.doc_id].lang for chunk in self.chunks])

    @classmethod
    def from_docs(cls, docs: Iterable[Document] | Path | str | None = None, chunk_size: int = CHUNK_SIZE,
                  overlap: int = OVERLAP, method: Method = "bm25", embed_model: str | Embed | None = None,
                  pinyin: bool = True, spelling: bool = True, outdated_weight: float = OUTDATED_WEIGHT) -> Index:
        """Load (or take) the pages, chunk them and index the chunks.

        docs: Documents, a folder of Markdown pages, or None for the shipped pages (kit/rag/docs).
        method: "bm25" (no endpoint needed), "embeddings" or "hybrid" (both, fused by RRF).
        embed_model: for embeddings, a model name at the configured endpoint (default: KIT_EMBED_MODEL, or
            the provider's usual one), or any function from a list of texts to a list of vectors.
        pinyin: also match Chinese by sound, so a homophone typo (尺马 for 尺码) still finds the page.
        spelling: read an English word the pages never use as the most alike word they do (jaket → jacket).
        outdated_weight: what an outdated page's score is multiplied by, unless the query asks about the past.
        """
        if method not in METHODS:
            raise ValueError(_("method must be one of {methods}; got {method}.").format(
                methods=", ".join(METHODS), method=repr(method)))
        check_sizes(chunk_size, overlap)
        if docs is None or isinstance(docs, (str, Path)):
            docs = load_docs() if docs is None else load_docs(docs)
        docs = list(docs)
        embed: Embed | None = None
        if method == "bm25" and embed_model is not None:
            raise ValueError(_("embed_model is only used with method='embeddings' or 'hybrid'."))
        if method != "bm25":
            embed = embed_model if callable(embed_model) else OpenAIEmbeddings(embed_model)
        return cls(docs, chunk_docs(docs, chunk_size, overlap), method=method, pinyin=pinyin, spelling=spelling,
                   outdated_weight=outdated_weight, embed=embed, chunk_size=chunk_size, overlap=overlap)

    def _searchable(self, chunk: Chunk) -> str:
        """What a chunk is indexed under: its page title and headings, then its text."""
        title = self.docs[chunk.doc_id].title
        return "\n".join((*_path(title, chunk.headings), chunk.text))

    def rankings(self, query: str) -> dict[str, np.ndarray]:
        """Each ranking's score for every chunk (bm25, pinyin, embeddings), before fusion."""
        found: dict[str, np.ndarray] = {}
        if self._bm25 is not None:
            query_terms = terms(query)
            found["bm25"] = self._bm25.scores(self._bm25.correct(query_terms) if self.spelling else query_terms)
        if self._pinyin is not None:
            found["pinyin"] = self._pinyin.scores(pinyin_terms(query))
        if self._vectors is not None and self.embed is not None:
            found["embeddings"] = self._vectors @ _unit_rows(self.embed([query]))[0]
        return found

    def scores(self, query: str, lang: str | None = "auto") -> np.ndarray:
        """The final score of every chunk: one ranking's own score or the RRF of several, outdated pages held
        back, -inf for pages in another language (see `search` for `lang`)."""
        return self._score(query, lang)[0]

    def _score(self, query: str, lang: str | None = "auto") -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The final scores, -inf for pages in another language, and the rankings they come from.

        Everything is computed once per query: a query embedding costs a request.
        """
        import numpy as np

        if not isinstance(query, str) or not query.strip():
            raise ValueError(_("The query must be some text; got {query}.").format(query=repr(query)))
        rankings = self.rankings(query)
        # Fuse only rankings that found something: an English query has no pinyin, and RRF of one ranking
        # would only swap BM25's scores for 1/(60 + rank).
        live = {name: scores for name, scores in rankings.items() if (scores > 0).any()} or rankings
        final = next(iter(live.values())).astype(np.float64) if len(live) == 1 else fuse(live)
        if not asks_about_past(query):
            final = np.where(self._outdated & (final > 0), final * self.outdated_weight, final)
        wanted = query_lang(query) if lang == "auto" else lang
        if wanted is not None and wanted not in LANGS:
            raise ValueError(_("lang must be 'auto', None or one of {langs}; got {lang}.").format(
                langs=", ".join(LANGS), lang=repr(lang)))
        if wanted is not None and (self._lang == wanted).any():  # no page in that language: search them all
            final = np.where(self._lang == wanted, final, -np.inf)
        return final, rankings

    def _ranked(self, final: np.ndarray) -> list[int]:
        """Chunk numbers, best first, leaving out other languages and (except for embeddings) chunks matching nothing."""
        import numpy as np

        floor = -np.inf if self.method == "embeddings" else 0.0
        order = np.argsort(-final, kind="stable")
        return [int(i) for i in order if final[i] > floor]

    def search(self, query: str, k: int = 5, lang: str | None = "auto") -> Hits:
        """The `k` best chunks for `query`, best first; chunks that match nothing at all are left out.

        lang: "auto" searches the pages in the query's language (more Chinese characters than English
        words: zh), "zh" or "en" those pages, None every page.
        """
        if not isinstance(k, int) or k < 1:
            raise ValueError(_("k must be a whole number, at least 1; got {k}.").format(k=repr(k)))
        final, rankings = self._score(query, lang)
        hits = []
        for i in self._ranked(final)[:k]:
            chunk, doc = self.chunks[i], self.docs[self.chunks[i].doc_id]
            hits.append(Hit(chunk.id, doc.id, doc.title, chunk.text, float(final[i]), doc.outdated, chunk.headings,
                            {name: round(float(s[i]), 4) for name, s in rankings.items()}))
        return Hits(hits, query)

    def rank_docs(self, query: str, k: int = 10, lang: str | None = "auto") -> list[str]:
        """The ids of the `k` best pages for `query` (what evaluation counts).

        A page scores its best chunk plus PAGE_SUPPORT shares of its next best ones, so a page that
        answers in several places beats one that mentions the words once (a product page's copy of
        the promotions list, say).
        """
        final = self._score(query, lang)[0]
        best: dict[str, list[float]] = {}
        for i in self._ranked(final):
            scores = best.setdefault(self.chunks[i].doc_id, [])
            if len(scores) <= len(PAGE_SUPPORT):
                scores.append(float(final[i]))
        page = {doc_id: s[0] + sum(w * x for w, x in zip(PAGE_SUPPORT, s[1:])) for doc_id, s in best.items()}
        return sorted(page, key=page.__getitem__, reverse=True)[:k]

    def describe(self, translated: bool = False) -> str:
        """One line: how many pages and chunks, and the settings.

        In English unless `translated` (in the kit's language, for the views): the arena's fingerprint
        of an agent hashes this line, and the same agent must have the same fingerprint in every language.
        """
        rankers = {"bm25": "BM25", "embeddings": "embeddings", "hybrid": "BM25 + embeddings"}[self.method]
        if self._pinyin is not None:
            rankers += " + pinyin"
        if self._bm25 is not None and self.spelling:
            rankers += ", spelling"
        outdated = sum(doc.outdated for doc in self.docs.values())
        line = N_("{pages} pages ({outdated} outdated) → {chunks} chunks (chunk_size {chunk_size}, overlap {overlap}); "
                  "{rankers}")
        return (_(line) if translated else line).format(
            pages=len(self.docs), outdated=outdated, chunks=len(self.chunks), chunk_size=self.chunk_size,
            overlap=self.overlap, rankers=rankers)

    def __repr__(self) -> str:
        return f"Index({self.describe()})"

    def __str__(self) -> str:
        return _("Index: {description}").format(description=self.describe(translated=True))

    def _repr_html_(self) -> str:
        from collections import Counter

        counts = Counter(chunk.doc_id for chunk in self.chunks)
        rows = "".join(
            f"<tr><td style='text-align:left'><code>{html.escape(doc.id)}</code></td>"
            f"<td style='text-align:left'>{html.escape(doc.title)}</td><td>{doc.lang}</td><td>{html.escape(doc.kind)}</td>"
            f"<td>{counts[doc.id]}</td><td>{html.escape(_('outdated')) if doc.outdated else ''}</td></tr>"
            for doc in self.docs.values()
        )
        head = f"<th>id</th><th>title</th><th>lang</th><th>kind</th><th>{html.escape(_('chunks'))}</th>"  # front matter fields
        return (f"<div><b>{html.escape(_('Index'))}</b> <small>{html.escape(self.describe(translated=True))}</small>"
                f"<details><summary>{html.escape(_('pages'))}</summary>"
                f"<table><tr>{head}<th></th></tr>"
                f"{rows}</table></details></div>")


def _path(title: str, headings: tuple[str, ...]) -> tuple[str, ...]:
    """The title, then the headings, without a first heading that only repeats the title."""
    return (title, *headings[1:]) if headings and headings[0] == title else (title, *headings)


def _short(text: str, limit: int) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"
