"""Repeated trials: exact pass^k arithmetic, the noise band, determinism, and real vs noisy improvements."""

from __future__ import annotations

import statistics
import subprocess
import sys

import pytest

import kit
from kit.demo import CAST_PROMPT, PROMPTS
from kit.errors import UnknownPersona
from kit.evaluation import Evaluation, EvaluationError, Trials, bootstrap_interval, evaluate, pass_hat_k
from kit.graders import GraderResult, Scorecard
from kit.tools import SHOP_TOOLS

CUSTOMERS = ["typo_auntie", "angry_city_woman", "size_seeker"]


def made_up(totals: dict[str, list[float]], pass_at: float = 80.0) -> Evaluation:
    """An evaluation from hand-written totals: one grader whose score is the total."""
    cards = {
        p: tuple(Scorecard((GraderResult("task_solved", "Task solved", t),), {"task_solved": 1}, p, s)
                 for s, t in enumerate(ts))
        for p, ts in totals.items()
    }
    n = len(next(iter(totals.values())))
    return Evaluation("made up", "none", tuple(range(n)), pass_at, n, {p: () for p in totals}, cards)


@pytest.fixture(scope="module")
def weak() -> Evaluation:
    return evaluate(kit.Agent(PROMPTS[0][1], model="practice"), CUSTOMERS, seeds=3)


@pytest.fixture(scope="module")
def strong() -> Evaluation:
    return evaluate(kit.Agent(CAST_PROMPT, model="practice", tools=SHOP_TOOLS), CUSTOMERS, seeds=3)


def test_pass_hat_k_is_c_choose_k_over_n_choose_k() -> None:
    assert [pass_hat_k(3, 5, k) for k in range(1, 6)] == pytest.approx([0.6, 0.3, 0.1, 0.0, 0.0])
    assert [pass_hat_k(5, 5, k) for k in range(1, 6)] == [1.0] * 5
    assert [pass_hat_k(0, 5, k) for k in range(1, 6)] == [0.0] * 5
    assert pass_hat_k(2, 4, 2) == pytest.approx(1 / 6)
    with pytest.raises(ValueError):
        pass_hat_k(6, 5, 1)
    with pytest.raises(ValueError):
        pass_hat_k(3, 5, 6)


def test_one_customers_trials() -> None:
    t = Trials("typo_auntie", (90.0, 70.0, 85.0, 95.0, 60.0), 80.0)
    assert (t.mean, t.passes, t.pass_rate) == (80.0, 3, 0.6)
    assert t.stdev == pytest.approx(statistics.stdev(t.totals))
    assert t.pass_hat == pytest.approx((0.6, 0.3, 0.1, 0.0, 0.0))
    low, high = t.interval
    assert 60 < low < 80 < high < 95
    assert Trials("x", (90.0, 70.0, 85.0), 80.0).interval is None  # fewer than 5 seeds: no bootstrap
    assert Trials("x", (50.0,), 80.0).stdev == 0.0


def test_bootstrap_is_deterministic_and_tight_for_equal_values() -> None:
    values = [90.0, 70.0, 85.0, 95.0, 60.0]
    assert bootstrap_interval(values) == bootstrap_interval(values)
    assert bootstrap_interval([42.0] * 5) == (42.0, 42.0)


def test_overall_numbers_average_over_customers() -> None:
    ev = made_up({"a": [90, 70, 85, 95, 60], "b": [100, 100, 100, 100, 100]})
    assert ev.mean == 90.0
    assert ev.pass_rate == pytest.approx(0.8)
    assert ev.pass_hat == pytest.approx((0.8, 0.65, 0.55, 0.5, 0.5))
    table = ev.table()
    assert list(table.index) == ["a", "b", "overall"]
    assert list(table.columns) == ["mean", "min", "max", "std", "low 90%", "high 90%", "pass rate", "pass^5"]
    assert table.loc["a", "pass^5"] == 0.0 and table.loc["overall", "pass^5"] == 0.5
    assert table.loc["a", "min"] == 60 and table.loc["a", "max"] == 95


def test_views_show_the_key_numbers() -> None:
    ev = made_up({"a": [90, 70, 85, 95, 60], "b": [100, 100, 100, 100, 100]})
    low, high = ev.trials["a"].interval
    text, page = str(ev), ev._repr_html_()
    for view in (text, page):
        assert "pass^5" in view and f"{low:.1f}–{high:.1f}" in view and "60.0–95.0" in view
        assert "3/5" in view and "90.0" in view and "k=3" in view
    assert "  a                      80.0" in text
    assert "<td>3/5</td><td>0%</td>" in page
    assert repr(ev) == "Evaluation('made up', 2 customers × 5 seeds, mean 90.0)"


def test_compare_counts_a_difference_as_real_only_beyond_the_noise() -> None:
    steady = made_up({"a": [50, 50, 50], "b": [60, 60, 60]})
    better = made_up({"a": [70, 70, 70], "b": [60, 60, 60]})
    noisy = made_up({"a": [30, 90, 60], "b": [40, 80, 60]})
    assert steady.compare(better).verdict == "real improvement"
    assert better.compare(steady).verdict == "real decline"
    assert steady.compare(steady).verdict == "within noise"
    assert (steady.compare(noisy).difference, steady.compare(noisy).noise) == (5.0, 20.8)  # 2 * sqrt(900/3 + 400/3) / 2
    assert steady.compare(noisy).verdict == "within noise"
    assert made_up({"a": [50]}).compare(made_up({"a": [90]})).verdict == "too few seeds"
    assert steady.compare(better).personas == {"a": (20.0, 0.0, "real improvement"), "b": (0.0, 0.0, "within noise")}
    with pytest.raises(EvaluationError, match="same customers"):
        steady.compare(made_up({"a": [1, 2, 3]}))


def test_weak_vs_strong_prompt_is_a_real_improvement(weak: Evaluation, strong: Evaluation) -> None:
    result = weak.compare(strong)
    assert result.verdict == "real improvement"
    assert result.difference > 40 and result.difference > result.noise
    assert strong.mean > 80 > weak.mean
    assert "real improvement" in str(result) and "real improvement" in result._repr_html_()


def test_same_prompt_against_itself_is_within_noise(strong: Evaluation) -> None:
    again = evaluate(kit.Agent(CAST_PROMPT, model="practice", tools=SHOP_TOOLS), CUSTOMERS, seeds=3)
    assert strong.compare(again).verdict == "within noise"
    assert strong.compare(again).difference == 0.0


def test_evaluation_is_deterministic(weak: Evaluation) -> None:
    again = evaluate(kit.Agent(PROMPTS[0][1], model="practice"), CUSTOMERS, seeds=3)
    assert again.scorecards == weak.scorecards and again.transcripts == weak.transcripts
    assert again.table().equals(weak.table()) and str(again) == str(weak)


def test_transcripts_and_scorecards_are_kept(weak: Evaluation) -> None:
    assert list(weak.transcripts) == CUSTOMERS and weak.seeds == (0, 1, 2) and weak.k == 3
    assert [t.seed for t in weak.transcripts["size_seeker"]] == [0, 1, 2]
    assert [c.total for c in weak.scorecards["typo_auntie"]] == list(weak.trials["typo_auntie"].totals)
    assert weak.trials["typo_auntie"].interval is None  # 3 seeds: no bootstrap


def test_five_seeds_give_a_bootstrap_interval_and_k_picks_the_column() -> None:
    ev = evaluate(kit.Agent(CAST_PROMPT, model="practice", tools=SHOP_TOOLS), "size_seeker", seeds=5, k=2)
    t = ev.trials["size_seeker"]
    assert t.interval is not None and min(t.totals) <= t.interval[0] <= t.mean <= t.interval[1] <= max(t.totals)
    assert "pass^2" in ev.table().columns and "pass^2" in str(ev)
    assert ev.pass_hat[1] == pass_hat_k(t.passes, 5, 2)


def test_plot_has_two_panels_and_is_closed(weak: Evaluation) -> None:
    import matplotlib.pyplot as plt

    fig = weak.plot()
    assert len(fig.axes) == 2
    assert fig.number not in plt.get_fignums()
    assert [label.get_text() for label in fig.axes[0].get_yticklabels()] == CUSTOMERS


@pytest.mark.parametrize(("arguments", "message"), [
    ({"personas": ["typo_auntie", "nobody"]}, r"'nobody'.*Known personas: .*typo_auntie"),
    ({"personas": []}, "No customers to play"),
    ({"seeds": 0}, "at least 1"),
    ({"seeds": 2.5}, "whole number"),
    ({"pass_at": 120}, "0-100"),
    ({"pass_at": -1}, "0-100"),
    ({"seeds": 3, "k": 4}, "from 1 to seeds=3"),
])
def test_bad_input_says_what_to_do(arguments: dict, message: str) -> None:
    with pytest.raises((EvaluationError, UnknownPersona), match=message):
        evaluate(kit.Agent(PROMPTS[0][1], model="practice"), **arguments)


def test_a_prompt_string_is_not_an_agent() -> None:
    with pytest.raises(EvaluationError, match=r"kit.Agent"):
        evaluate(PROMPTS[0][1])  # type: ignore[arg-type]


def test_the_new_modules_load_no_heavy_library() -> None:
    code = "import sys, kit.evaluation, kit.graders.compare; print([m for m in ('pandas', 'matplotlib') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_in_chinese_the_views_are_chinese_and_the_table_keeps_its_keys_for_code() -> None:
    from kit import i18n

    ev = made_up({"a": [90, 70, 85, 95, 60], "b": [100, 100, 100, 100, 100]})
    before, after = made_up({"a": [50, 50, 50], "b": [60, 60, 60]}), made_up({"a": [70, 70, 70], "b": [60, 60, 60]})
    i18n.set_language("zh")
    try:
        text, page = str(ev), ev._repr_html_()
        assert text.startswith("'made up' 用 none · 2 位顾客 × 5 个种子 · 及格 = 总分 ≥ 80")
        assert "  顾客                 平均分" in text and "  总体 " in text and "总体 pass^k：k=1 80%" in text
        assert "  a                      80.0" in text  # the rows line up under the Chinese headers
        assert "<th>顾客</th><th>平均分</th>" in page and "<td>3/5</td><td>0%</td>" in page
        table = ev.table()
        assert list(table.columns) == ["mean", "min", "max", "std", "low 90%", "high 90%", "pass rate", "pass^5"]
        assert table.loc["overall", "pass^5"] == 0.5  # code selects the English keys in either language
        shown = table._repr_html_()
        assert "<th>平均分</th>" in shown and "<th>总体</th>" in shown and "pass rate" not in shown
        change = before.compare(after)
        assert change.verdict == "real improvement"  # the id code compares stays English
        assert str(change).startswith("'made up' → 'made up': 确实变好了\n  总平均分 55.0 → 65.0  （+10.0，噪声 ±0.0）\n")
        *_, customer_b, several = str(change).splitlines()
        assert customer_b.split() == ["b", "60.0", "→", "60.0", "+0.0", "±0.0", "在噪声范围内"]
        assert several == ("  同时比较了 2 位顾客：每位的噪声范围是 ±2.28 个标准误，而不是 ±2，这样因为巧合而被判为“确实”的差别，"
                           "和只比较一次时一样少见")
        assert "确实变好了" in change._repr_html_() and "<th>改前</th>" in change._repr_html_()
        with pytest.raises(UnknownPersona, match="没有叫 'nobody' 的顾客人设"):
            evaluate(kit.Agent("x"), ["nobody"], seeds=1)
        with pytest.raises(EvaluationError, match="seeds 是每位顾客的对话次数"):
            evaluate(kit.Agent("x"), ["typo_auntie"], seeds=0)
    finally:
        i18n._chosen = None
    assert "<th>mean</th>" in ev.table()._repr_html_()
