"""Two scorecards side by side: per-grader change, and which problems were fixed or are new (with turns)."""

from __future__ import annotations

import pytest

import kit
from kit.demo import PROMPTS
from kit.graders import DEFAULT_WEIGHTS, GraderResult, Scorecard
from kit.graders.base import Evidence
from kit.graders.compare import compare, kind, match


def card(results: list[GraderResult], persona: str = "typo_auntie", seed: int = 0) -> Scorecard:
    return Scorecard(tuple(results), dict(DEFAULT_WEIGHTS), persona, seed)


UPSET_1 = Evidence(2, "亲，推荐M码", "turn 1 sounded upset; this reply ignored it")
BEFORE = card([
    GraderResult("task_solved", "Task solved", 0.0, (Evidence(4, "推荐XXL码", "ended on size XXL; the size chart gives L"),)),
    GraderResult("asked_first", "Asked before guessing", 0.0,
                 (Evidence(2, "亲，推荐M码", "recommended a size before knowing height and weight"),)),
    GraderResult("empathy", "Empathy when upset", 0.0, (UPSET_1,)),
    GraderResult("clarity", "Clear for this customer", 60.0, (Evidence(2, "加购<下单>", "shop jargon without a gloss: 加购, 下单"),)),
    GraderResult("policy", "Policy and safety", None),
    GraderResult("satisfaction", "Customer satisfied", 0.0, (Evidence(5, "不买了", "gave up and left, upset 10/10"),)),
])
AFTER = card([
    GraderResult("task_solved", "Task solved", 100.0, (Evidence(6, "L码", "size L is right", good=True),)),
    GraderResult("asked_first", "Asked before guessing", 70.0,
                 (Evidence(2, "请提供胸围", "asked for bust, shoulder, waist, which this customer cannot know"),)),
    GraderResult("empathy", "Empathy when upset", 0.0, (Evidence(4, "请提供", "turn 3 sounded upset; this reply ignored it"),)),
    GraderResult("clarity", "Clear for this customer", 100.0),
    GraderResult("policy", "Policy and safety", 60.0, (Evidence(8, "我就是客服", "turn 7 asked for a person; no hand-off"),)),
    GraderResult("satisfaction", "Customer satisfied", 100.0, (Evidence(9, "谢谢", "left satisfied, upset 0/10"),)),
])


def test_changes_per_grader_with_none_where_a_side_does_not_apply() -> None:
    diff = compare(BEFORE, AFTER)
    assert diff.changes == {"task_solved": 100.0, "asked_first": 70.0, "empathy": 0.0, "clarity": 40.0,
                            "policy": None, "satisfaction": 100.0}
    assert diff.total_change == round(AFTER.total - BEFORE.total, 1)


def test_fixed_new_and_still_problems_with_their_turns() -> None:
    problems = {g.name: [(status, e.turn, e.note) for status, e in g.problems] for g in compare(BEFORE, AFTER).graders}
    assert problems["task_solved"] == [("fixed", 4, "ended on size XXL; the size chart gives L")]  # good evidence is no problem
    assert problems["asked_first"] == [
        ("fixed", 2, "recommended a size before knowing height and weight"),
        ("new problem", 2, "asked for bust, shoulder, waist, which this customer cannot know"),
    ]
    assert problems["empathy"] == [("still", 4, "turn 3 sounded upset; this reply ignored it")]  # same kind, other turn
    assert problems["policy"] == [("new problem", 8, "turn 7 asked for a person; no hand-off")]
    assert problems["satisfaction"] == [("fixed", 5, "gave up and left, upset 10/10")]  # a score of 100 has no problems


def test_text_view_names_fixed_and_new_problems_with_turn_numbers() -> None:
    text = str(compare(BEFORE, AFTER, labels=("one line", "asks first")))
    assert text.splitlines()[0].startswith(f"Score {BEFORE.total:.0f} → {AFTER.total:.0f}  (▲ ")
    assert "fixed       (one line, turn 2) “亲，推荐M码” — recommended a size before knowing height and weight" in text
    assert "new problem (asks first, turn 8) “我就是客服” — turn 7 asked for a person; no hand-off" in text
    assert "▲ 70" in text and "n/a →    60   —" in text
    assert "Note:" not in text


def test_html_view_colours_the_arrows_and_escapes_quotes() -> None:
    page = compare(BEFORE, AFTER, labels=("one line", "asks first"))._repr_html_()
    assert "<th>one line</th><th>asks first</th>" in page
    assert "<b style='color:#16a34a'>▲ 40</b>" in page  # clarity up, green
    assert "new problem</b> (asks first, turn 2)" in page and "fixed</b> (one line, turn 4)" in page
    assert "加购&lt;下单&gt;" in page and "<下单>" not in page
    worse = compare(AFTER, BEFORE)._repr_html_()
    assert "<b style='color:#dc2626'>▼ 100</b>" in worse


def test_different_customers_or_seeds_are_allowed_but_said() -> None:
    other_seed = card(list(AFTER.results), seed=3)
    other_customer = card(list(AFTER.results), persona="size_seeker")
    assert compare(BEFORE, AFTER).warning == ""
    assert "Different seeds (0 vs 3)" in str(compare(BEFORE, other_seed))
    assert "Different customers (typo_auntie vs size_seeker)" in compare(BEFORE, other_customer)._repr_html_()


def test_a_problem_matches_its_kind_across_turns_but_the_exact_note_first() -> None:
    assert kind("turn 1 sounded upset; this reply ignored it") == kind("turn 11 sounded upset; this reply ignored it")
    assert kind("99 characters: a wall of text") == kind("143 characters: a wall of text for this customer")
    assert kind("shop jargon without a gloss: 号型") == kind("shop jargon without a gloss: 加购, 下单")
    many = Evidence(2, "q", "shop jargon without a gloss: 号型, 加购")
    one_before, one_after = Evidence(4, "q", "shop jargon without a gloss: 号型"), Evidence(6, "q", "shop jargon without a gloss: 号型")
    assert [(s, e.turn) for s, e in match((many, one_before), (one_after,))] == [("fixed", 2), ("still", 6)]


def test_same_scorecard_has_no_change() -> None:
    diff = compare(BEFORE, BEFORE)
    assert set(diff.changes.values()) == {0.0, None}
    assert all(status == "still" for g in diff.graders for status, _ in g.problems)
    assert "(=)" in str(diff)


def test_labels_need_two_names() -> None:
    with pytest.raises(ValueError, match="two names"):
        compare(BEFORE, AFTER, labels=("only one",))  # type: ignore[arg-type]


def test_real_conversations_weak_then_stronger_prompt() -> None:
    before = kit.grade(kit.converse(kit.Agent(PROMPTS[0][1], model="practice"), "typo_auntie", seed=1))
    after = kit.grade(kit.converse(kit.Agent(PROMPTS[2][1], model="practice"), "typo_auntie", seed=1))
    diff = compare(before, after)
    assert diff.total_change == round(after.total - before.total, 1) > 50
    assert diff.changes["asked_first"] == 100.0
    text = str(diff)
    assert "fixed       (before, turn 2)" in text and "recommended a size before knowing height and weight" in text
    assert "new problem" not in text


def test_a_comparison_in_chinese_keeps_the_quotes_and_the_learners_labels(chinese) -> None:
    text = str(compare(BEFORE, AFTER))
    assert text.splitlines()[0].startswith(f"总分 {BEFORE.total:.0f} → {AFTER.total:.0f}（▲ ")
    assert "改前：typo_auntie，种子 0 · 改后：typo_auntie，种子 0" in text
    assert "已改好      （改前，第 2 轮）“亲，推荐M码”——recommended a size before knowing height and weight" in text
    assert "不适用 →     60" in text and "先问清再推荐" in text  # notes graded in English stay English
    own = compare(BEFORE, AFTER, labels=("one line", "asks first"))
    assert "新问题      （asks first，第 8 轮）“我就是客服”" in str(own)
    page = own._repr_html_()
    assert "<th>one line</th><th>asks first</th><th>变化</th><th>原因</th>" in page
    assert "新问题</b> （asks first，第 2 轮）" in page and "加购&lt;下单&gt;" in page
    assert "种子不同（0 对比 3）" in str(compare(BEFORE, card(list(AFTER.results), seed=3)))
    other_customer = card(list(AFTER.results), persona="size_seeker")
    assert "顾客不同（typo_auntie 对比 size_seeker）" in compare(BEFORE, other_customer)._repr_html_()
    with pytest.raises(ValueError, match="labels 需要两个名字"):
        compare(BEFORE, AFTER, labels=("only one",))  # type: ignore[arg-type]


def test_chinese_notes_match_their_kind_across_turns(chinese) -> None:
    assert kind("第 1 轮顾客着急或不满，这条回复没有理会") == kind("第 11 轮顾客着急或不满，这条回复没有理会")
    assert kind("用了电商术语却没解释：号型") == kind("用了电商术语却没解释：加购、下单")
    before = kit.grade(kit.converse(kit.Agent(PROMPTS[0][1], model="practice"), "typo_auntie", seed=1))
    text = str(compare(before, before))
    assert "仍存在" in text and "已改好" not in text and "新问题" not in text
