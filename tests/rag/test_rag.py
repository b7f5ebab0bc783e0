"""Retrieval: pages and their front matter, chunking, search terms, BM25 / pinyin / embeddings, evaluation."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kit.errors import ConfigError
from kit.rag.chunking import chunk_doc, chunk_docs, sections, units, windows
from kit.rag.documents import DOCS_DIR, Document, DocumentError, load_docs, parse_doc
from kit.rag.evaluation import (QUESTIONS, Question, QuestionError, evaluate, load_questions, recall_at_k,
                                reciprocal_rank, sweep)
from kit.rag.index import PAGE_SUPPORT, Index, asks_about_past, fuse, pinyin_terms, query_lang, terms

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "rag"
FRONT = "---\nid: {id}\ntitle: T\nlang: {lang}\nkind: faq\n---\n"


def page(text: str, lang: str = "zh", doc_id: str = "p") -> Document:
    return parse_doc(FRONT.format(id=doc_id, lang=lang) + text)


@pytest.fixture(scope="module")
def index() -> Index:
    return Index.from_docs(FIXTURES)


# --- pages ------------------------------------------------------------------------------------


def test_pages_and_their_front_matter() -> None:
    docs = {doc.id: doc for doc in load_docs(FIXTURES)}
    assert len(docs) == 7
    old = docs["promo-double11-2024-zh"]
    assert (old.title, old.lang, old.kind) == ("双十一活动规则（2024）", "zh", "promotion")
    assert (old.season, old.outdated) == ("2024-autumn", True)
    assert docs["sizing-zh"].season is None and docs["sizing-zh"].outdated is False
    assert old.text.startswith("# 双十一活动规则") and old.path == FIXTURES / "promo-double11-2024-zh.md"


def test_other_fields_are_kept_and_a_misspelt_one_is_an_error() -> None:
    doc = parse_doc("---\nid: a\ntitle: T\nlang: en\nkind: faq\nsource: x.yaml\nseason: 2025\n---\nText")
    assert doc.extra == {"source": "x.yaml"} and doc.season == "2025"
    with pytest.raises(DocumentError, match="'outdate'.*did you mean 'outdated'"):
        parse_doc("---\nid: a\ntitle: T\nlang: en\nkind: faq\noutdate: true\n---\nText")


@pytest.mark.parametrize(("text", "message"), [
    ("# no front matter", "no front matter"),
    ("---\nid: a\nlang: zh\nkind: faq\n---\nText", "field 'title' is missing"),
    ("---\nid: a\ntitle: T\nlang: fr\nkind: faq\n---\nText", "field 'lang' must be one of zh, en, got 'fr'"),
    ("---\nid: a\ntitle: T\nlang: zh\nkind: faq\noutdated: maybe\n---\nText", "field 'outdated' must be true or false"),
    ("---\nid: a b\ntitle: T\nlang: zh\nkind: faq\n---\nText", "field 'id'"),
    ("---\nid: a\ntitle: [T\nlang: zh\n---\nText", "not valid YAML"),
    ("---\nid: a\ntitle: T\nlang: zh\nkind: faq\n---\n\n", "no text"),
])
def test_a_bad_page_names_its_file_and_field(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "bad.md").write_text(text, encoding="utf-8")
    with pytest.raises(DocumentError, match=message) as caught:
        load_docs(tmp_path)
    assert str(tmp_path / "bad.md") in str(caught.value)


def test_duplicate_ids_missing_folders_and_empty_folders(tmp_path: Path) -> None:
    for name in ("one.md", "two.md"):
        (tmp_path / name).write_text(FRONT.format(id="same", lang="zh") + "文字", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"two\.md: field 'id': 'same' is already the id of .*one\.md"):
        load_docs(tmp_path)
    with pytest.raises(DocumentError, match="no such folder"):
        load_docs(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DocumentError, match="no .md pages"):
        load_docs(tmp_path / "empty")


# --- chunking ---------------------------------------------------------------------------------


def test_sections_follow_headings_and_skip_code_fences() -> None:
    text = "前言。\n# 退货\n## 七天\n七天内可退。\n```\n# 不是标题\n```\n## 运费\n买家付。\n# 空\n"
    found = [(s.headings, text[s.start:s.end].strip()) for s in sections(text)]
    assert found == [((), "前言。"), (("退货", "七天"), "七天内可退。\n```\n# 不是标题\n```"),
                     (("退货", "运费"), "买家付。")]


def test_units_are_chinese_characters_and_other_words() -> None:
    text = "七天内 return it，SF123。"
    assert [text[a:b] for a, b in units(text)] == ["七", "天", "内", "return", "it", "，", "SF123", "。"]


def test_windows_overlap_and_cover_everything() -> None:
    assert windows(10, 4, 1) == [(0, 4), (3, 7), (6, 10)]
    assert windows(3, 4, 1) == [(0, 3)] and windows(0, 4, 1) == []
    for size, overlap in ((0, 0), (4, 4), (4, -1), (2.5, 0)):
        with pytest.raises(ValueError):
            windows(10, size, overlap)  # type: ignore[arg-type]


def test_chinese_is_cut_by_characters_with_overlap_and_ids() -> None:
    doc = page("## 退货\n" + "一二三四五六七八九十甲乙丙丁", doc_id="faq-returns-zh")
    chunks = chunk_doc(doc, chunk_size=6, overlap=2)
    assert [c.text for c in chunks] == ["一二三四五六", "五六七八九十", "九十甲乙丙丁"]
    assert [c.id for c in chunks] == ["faq-returns-zh#0", "faq-returns-zh#1", "faq-returns-zh#2"]
    assert all(c.headings == ("退货",) and doc.text[c.start:c.start + len(c.text)] == c.text for c in chunks)


def test_english_is_cut_by_words() -> None:
    doc = page("## Returns\nYou can return an unused item within seven days of delivery.", lang="en")
    chunks = chunk_doc(doc, chunk_size=4, overlap=1)
    assert [c.text for c in chunks] == ["You can return an", "an unused item within", "within seven days of",
                                        "of delivery."]
    assert chunks[0].heading_path == "Returns"


def test_every_chunk_keeps_its_page_heading_path_and_position() -> None:
    chunks = chunk_docs(load_docs(FIXTURES), chunk_size=10, overlap=3)
    assert len({c.id for c in chunks}) == len(chunks)
    returns = [c for c in chunks if c.doc_id == "returns-zh"]
    assert [c.position for c in returns] == list(range(len(returns)))
    assert returns[0].headings == ("退货与退款", "七天无理由退货")
    assert returns[-1].headings == ("退货与退款", "退货运费")
    assert all(len(units(c.text)) <= 10 for c in chunks)


# --- search terms -----------------------------------------------------------------------------


def test_jieba_cuts_shop_words_sensibly() -> None:
    assert terms("黄二白粉底液") == ["黄二白", "粉底", "粉底液"]
    assert "双十一" in terms("双十一预售定金")  # a shop word, not 双十 + 一
    assert terms("我想问一下尺码") == ["问", "尺码"]  # 我, 想, 一下 are stop words


def test_english_words_are_lowercased_and_stemmed() -> None:
    assert terms("returns Returned RETURN returning") == ["return"] * 4
    assert terms("What is the refund policy?") == ["refund", "polici"]


def test_mixed_text_gets_both() -> None:
    assert terms("我想退货 returns, 快递单号SF123") == ["退货", "return", "快递", "单号", "快递单号", "sf123"]


def test_pinyin_terms_match_homophones() -> None:
    assert pinyin_terms("尺马表") == pinyin_terms("尺码表") == ["chi_ma", "ma_biao"]
    assert pinyin_terms("only English") == []


# --- retrieval --------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "page_id"), [
    ("退货运费谁出", "returns-zh"),
    ("退款多久到账", "returns-zh"),
    ("黄二白适合什么肤色", "shades-zh"),
    ("混油皮用哪个粉底", "shades-zh"),
    ("165/88A 是什么意思", "sizing-zh"),
    ("Who pays for returned shipping?", "returns-en"),
    ("how long until my refund arrives", "returns-en"),
    ("tracking number for my parcel", "shipping-en"),
])
def test_the_right_page_comes_first(index: Index, query: str, page_id: str) -> None:
    hits = index.search(query, k=3)
    assert hits[0].doc_id == page_id
    assert hits[0].title == index.docs[page_id].title and hits[0].text in index.docs[page_id].text


def test_a_homophone_typo_is_found_by_pinyin_only() -> None:
    plain = Index.from_docs(FIXTURES, pinyin=False)
    assert plain.search("尺马") == []  # 尺马 is in no page
    hits = Index.from_docs(FIXTURES, pinyin=True).search("尺马")
    assert hits[0].doc_id == "sizing-zh" and set(hits[0].scores) == {"bm25", "pinyin"}


def test_what_bm25_does_with_an_outdated_near_duplicate() -> None:
    """Plain BM25 knows nothing of seasons: last year's page wins, it repeats 双十一 once more."""
    plain = Index.from_docs(FIXTURES, pinyin=False, outdated_weight=1.0)
    assert [h.doc_id for h in plain.search("双十一满减", k=2)] == ["promo-double11-2024-zh", "promo-double11-zh"]
    held_back = Index.from_docs(FIXTURES, pinyin=False)  # default: outdated pages' scores halved
    assert [h.doc_id for h in held_back.search("双十一满减", k=2)] == ["promo-double11-zh", "promo-double11-2024-zh"]
    assert [h.outdated for h in held_back.search("双十一满减", k=2)] == [False, True]
    # A customer asking about last year gets last year's page, still flagged outdated.
    last_year = held_back.search("去年双十一满减是多少", k=2)
    assert last_year[0].doc_id == "promo-double11-2024-zh" and last_year[0].outdated


def test_asks_about_past() -> None:
    assert asks_about_past("去年双十一") and asks_about_past("last season's sale") and asks_about_past("上一季的活动")
    assert not asks_about_past("双十一满减") and not asks_about_past("this season's coupons")


def test_a_misspelt_english_word_is_read_as_the_nearest_known_one() -> None:
    assert Index.from_docs(FIXTURES, spelling=False).search("refnud") == []
    assert Index.from_docs(FIXTURES).search("refnud")[0].doc_id == "returns-en"  # refnud → refund


def test_pages_in_the_customers_language_by_default(index: Index) -> None:
    assert query_lang("退款 refund") == "zh" and query_lang("what does 包邮 mean") == "en"
    assert {h.doc_id for h in index.search("退款 refund", k=10)} == {"returns-zh"}
    assert {h.doc_id for h in index.search("退款 refund", k=10, lang="en")} == {"returns-en"}
    assert {h.doc_id for h in index.search("退款 refund", k=10, lang=None)} == {"returns-zh", "returns-en"}
    with pytest.raises(ValueError, match="lang must be"):
        index.search("退款", lang="fr")


def test_a_page_that_answers_in_several_places_ranks_first() -> None:
    front = "---\nid: {}\ntitle: 说明\nlang: zh\nkind: faq\n---\n"
    once = parse_doc(front.format("once") + "## 甲\n退款退款。")
    often = parse_doc(front.format("often") + "## 甲\n退款时间。\n## 乙\n退款方式。\n## 丙\n退款金额。")
    index = Index.from_docs([once, often], pinyin=False)
    best, *rest = index.search("退款", k=4)
    assert best.doc_id == "once" and [h.doc_id for h in rest] == ["often"] * 3  # the best single chunk
    assert best.score > rest[0].score and best.score < rest[0].score * (1 + sum(PAGE_SUPPORT))
    assert index.rank_docs("退款") == ["often", "once"]  # 0.173 + 0.5 x 0.173 x 2 beats 0.249


def test_hits_and_index_print_for_people(index: Index) -> None:
    hits = index.search("双十一满减", k=2)
    assert "[OUTDATED]" in str(hits) and "promo-double11-zh#0" in str(hits)
    assert "已过期" in hits._repr_html_() and "<ol>" in hits._repr_html_()
    assert "outdated" in hits[1]._repr_html_()
    assert str(index).startswith("Index: 7 pages (1 outdated) → ") and "BM25 + pinyin" in str(index)
    assert "<table>" in index._repr_html_() and "returns-zh" in index._repr_html_()


def test_bad_searches_and_settings(index: Index) -> None:
    with pytest.raises(ValueError, match="query"):
        index.search("   ")
    with pytest.raises(ValueError, match="k must be"):
        index.search("退货", k=0)
    with pytest.raises(ValueError, match="method must be one of"):
        Index.from_docs(FIXTURES, method="tfidf")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="overlap"):
        Index.from_docs(FIXTURES, chunk_size=10, overlap=10)
    with pytest.raises(ValueError, match="embed_model is only used"):
        Index.from_docs(FIXTURES, embed_model="text-embedding-3-small")
    assert index.search("zzzz qqqq") == []


def test_fusion_is_reciprocal_rank_arithmetic() -> None:
    import numpy as np

    fused = fuse({"a": np.array([3.0, 0.0, 1.0]), "b": np.array([0.0, 2.0, 1.0])}, {"a": 1.0, "b": 0.5}, k=60)
    assert fused == pytest.approx([1 / 61, 0.5 / 61, 1 / 62 + 0.5 / 62])


# --- embeddings -------------------------------------------------------------------------------


def bag_of_characters(texts: list[str]) -> list[list[float]]:
    """A stand-in embedding: how often each of 64 character buckets occurs (no network, no model)."""
    vectors = []
    for text in texts:
        vector = [0.0] * 64
        for char in text.lower():
            if not char.isspace():
                vector[ord(char) % 64] += 1
        vectors.append(vector)
    return vectors


class _Embeddings(BaseHTTPRequestHandler):
    """POST /embeddings in OpenAI's shape, answered with `bag_of_characters`; each request body is logged."""

    log: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.log.append(body)
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(bag_of_characters(inputs))]
        answer = json.dumps({"object": "list", "data": data, "model": body["model"],
                             "usage": {"prompt_tokens": 1, "total_tokens": 1}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def embeddings_server() -> Iterator[str]:
    _Embeddings.log = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Embeddings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_embeddings_without_an_endpoint_say_so() -> None:
    for method in ("embeddings", "hybrid"):
        with pytest.raises(ConfigError, match="Embeddings need a real OpenAI-compatible endpoint, and none is configured"):
            Index.from_docs(FIXTURES, method=method)  # type: ignore[arg-type]


def test_embeddings_through_the_openai_sdk(embeddings_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIT_MODEL", "some-chat-model")
    monkeypatch.setenv("KIT_BASE_URL", embeddings_server)
    monkeypatch.setenv("KIT_API_KEY", "test-key")
    monkeypatch.setenv("KIT_EMBED_MODEL", "bag-of-characters")
    index = Index.from_docs(FIXTURES, method="embeddings")
    batches = [len(body["input"]) for body in _Embeddings.log]
    assert sum(batches) == len(index.chunks) and max(batches) <= 10
    assert {body["model"] for body in _Embeddings.log} == {"bag-of-characters"}
    hits = index.search("Who pays return shipping?", k=3)
    assert len(hits) == 3 and set(hits[0].scores) == {"embeddings"} and -1 <= hits[0].score <= 1
    assert "embeddings" in str(index)


def test_embeddings_need_a_model_name(embeddings_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIT_MODEL", "some-chat-model")
    monkeypatch.setenv("KIT_BASE_URL", embeddings_server)
    monkeypatch.setenv("KIT_API_KEY", "test-key")
    with pytest.raises(ConfigError, match="Which embedding model"):
        Index.from_docs(FIXTURES, method="embeddings")


def test_hybrid_fuses_bm25_pinyin_and_embeddings() -> None:
    index = Index.from_docs(FIXTURES, method="hybrid", embed_model=bag_of_characters)
    hits = index.search("尺马", k=2)
    assert hits[0].doc_id == "sizing-zh" and set(hits[0].scores) == {"bm25", "pinyin", "embeddings"}
    assert index.search("Who pays for returned shipping?")[0].doc_id == "returns-en"


# --- evaluation -------------------------------------------------------------------------------


def test_recall_and_reciprocal_rank_by_hand() -> None:
    assert recall_at_k(["b", "a", "c"], {"a"}, 1) == 0 and recall_at_k(["b", "a", "c"], {"a"}, 3) == 1
    assert recall_at_k(["c", "b", "d", "a"], {"a", "c"}, 3) == 0.5
    assert reciprocal_rank(["b", "a", "c"], {"a"}) == 0.5 and reciprocal_rank(["x"], {"a"}) == 0
    with pytest.raises(ValueError):
        recall_at_k(["a"], set(), 1)


class _Scripted:
    """An index that answers from a script: question → ranking of page ids."""

    def __init__(self, rankings: dict[str, list[str]]) -> None:
        self.rankings = rankings
        self.docs = {page: None for ranking in rankings.values() for page in ranking}

    def rank_docs(self, query: str, k: int = 10) -> list[str]:
        return self.rankings[query][:k]

    def describe(self) -> str:
        return "scripted"


def test_report_arithmetic_on_a_tiny_case() -> None:
    questions = [Question("q1", "zh", ("a",), ("typo",)), Question("q2", "en", ("a", "c"), ())]
    index = _Scripted({"q1": ["b", "a", "c"], "q2": ["c", "b", "d", "a"]})
    report = evaluate(index, questions, ks=(1, 3, 5))  # type: ignore[arg-type]
    assert [report.recall(k) for k in (1, 3, 5)] == [0.25, 0.75, 1.0]
    assert report.mrr() == 0.75  # (1/2 + 1/1) / 2
    table = report.table()
    assert table.loc["all", "recall@1"] == 0.25 and table.loc["lang: zh", "MRR"] == 0.5
    assert table.loc["kind: typo", "questions"] == 1 and table.loc["lang: en", "recall@3"] == 0.5
    assert [r.question.text for r in report.misses(3)] == ["q2"]
    assert "R@1" in str(report) and "<table>" in report._repr_html_() and "missed in the top 5" not in report._repr_html_()


def test_evaluate_on_the_fixture_questions(index: Index) -> None:
    report = evaluate(index, FIXTURES / "questions.yaml")
    assert report.recall(1) == 1.0 and report.mrr() == 1.0
    assert set(report.table().index) >= {"all", "lang: zh", "lang: en", "kind: typo"}


def test_bad_questions(tmp_path: Path, index: Index) -> None:
    with pytest.raises(QuestionError, match="no-such-page"):
        evaluate(index, [Question("退货", "zh", ("no-such-page",))])
    cases = {"- question: x\n  lang: zh\n": "field 'relevant'",
             "- question: x\n  lang: de\n  relevant: [a]\n": "field 'lang'",
             "- lang: zh\n  relevant: [a]\n": "field 'question'", "{}": "a list of questions"}
    for text, message in cases.items():
        (tmp_path / "q.yaml").write_text(text, encoding="utf-8")
        with pytest.raises(QuestionError, match=message):
            load_questions(tmp_path / "q.yaml")
    with pytest.raises(ValueError, match="ks"):
        evaluate(index, FIXTURES / "questions.yaml", ks=(0,))


def test_sweep_gives_a_table_and_a_closed_figure() -> None:
    import matplotlib.pyplot as plt

    table, figure = sweep((10, 60), ks=(1, 3), docs=FIXTURES, questions=FIXTURES / "questions.yaml")
    assert list(table.index) == [10, 60] and list(table.columns) == ["overlap", "chunks", "recall@1", "recall@3", "MRR"]
    assert table.loc[10, "chunks"] > table.loc[60, "chunks"] and table.loc[10, "overlap"] == 2
    assert len(figure.axes[0].lines) == 2 and figure.number not in plt.get_fignums()


# --- the shipped pages and questions ------------------------------------------------------------

shipped = pytest.mark.skipif(not (DOCS_DIR.is_dir() and QUESTIONS.is_file()), reason="no shipped pages/questions yet")


@shipped
def test_shipped_pages_load_and_questions_name_real_pages() -> None:
    docs = {doc.id for doc in load_docs()}
    questions = load_questions()
    assert {page for q in questions for page in q.relevant} <= docs


@shipped
def test_shipped_questions_recall_at_5_with_default_settings() -> None:
    report = evaluate(Index.from_docs())
    assert report.recall(5) >= 0.9, str(report)
    assert report.mrr() >= 0.85, str(report)


@shipped
def test_pinyin_helps_the_chinese_typo_questions() -> None:
    """The reason `pinyin=True` is the default: homophone typos (尺马, 退获) find their pages more often."""
    typos = [q for q in load_questions() if "typo" in q.kinds and q.lang == "zh"]
    docs = load_docs()
    with_pinyin, without = (evaluate(Index.from_docs(docs, pinyin=p), typos) for p in (True, False))
    assert with_pinyin.recall(5) > without.recall(5) and with_pinyin.mrr() > without.mrr()


def test_import_kit_rag_loads_no_heavy_library() -> None:
    heavy = ("numpy", "bm25s", "jieba", "Stemmer", "pypinyin", "pandas", "matplotlib", "openai")
    code = f"import sys, kit.rag; from kit.rag import Index, evaluate; print([m for m in {heavy!r} if m in sys.modules])"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


# --- in Chinese (KIT_LANG=zh) -------------------------------------------------------------------


def test_views_and_errors_in_chinese_keep_the_pages_words_and_the_table_keys(index: Index, chinese: None) -> None:
    hits = index.search("双十一满减", k=2)
    assert str(hits).startswith("'双十一满减' 的检索结果：2 条") and "[已过期]" in str(hits) and "[OUTDATED]" not in str(hits)
    assert "<b>双十一满减</b>" in hits._repr_html_() and hits[0].chunk_id in hits._repr_html_()  # the query as typed
    assert "检索结果 2 条：" in hits._repr_html_() and "得分" in hits._repr_html_()
    assert str(index).startswith("索引：7 个页面（1 个已过期）→ ") and "BM25 + pinyin" in str(index)
    assert index.describe().startswith("7 pages (1 outdated) → ")  # the arena's fingerprint hashes this: English always
    report = evaluate(index, FIXTURES / "questions.yaml")
    assert str(report).startswith("检索评估：") and "  全部" in str(report) and "语言：zh" in str(report)
    assert "<th>分组</th>" in report._repr_html_()
    assert set(report.table().index) >= {"all", "lang: zh", "kind: typo"}  # code selects rows by these keys
    with pytest.raises(DocumentError, match="：前置信息里缺少字段 'title'。"):
        parse_doc("---\nid: a\nlang: zh\nkind: faq\n---\nText")
    with pytest.raises(ValueError, match="k 必须是不小于 1 的整数；现在是 0。"):
        index.search("退货", k=0)


def test_the_sweep_draws_chinese_labels(chinese: None) -> None:
    _, figure = sweep((60,), ks=(1, 3), docs=FIXTURES, questions=FIXTURES / "questions.yaml")
    axes = figure.axes[0]
    assert axes.get_title() == "不同分块大小的召回率" and axes.get_xlabel() == "k（查看的页面数）"
    assert axes.get_legend().get_texts()[0].get_text().startswith("60 单位（")
