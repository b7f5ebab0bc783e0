"""The lesson widgets: chat viewer, prompt playground, side-by-side, and how they degrade without a front end."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

import kit
from kit.conversation import Transcript
from kit.widgets import ChatViewer, Playground, SideBySide
from kit.widgets.frontend import WIDGET_VIEW

from hand_written import with_tools_and_sources

WEAK = "You are a customer service bot."
STRONG = """You are the customer service of a clothing shop.
Ask for the customer's height and weight before recommending a size; ask only what you need.
Customers weigh themselves in 斤: 1 斤 = 0.5 kg.
Acknowledge the customer's feelings first when they are worried or upset.
Use plain words and avoid jargon.
Explain how to order in numbered steps.
Keep replies short."""


@pytest.fixture(scope="module")
def auntie_weak() -> Transcript:
    return kit.converse(kit.Agent(WEAK), "typo_auntie", seed=0)


@pytest.fixture
def tracker(tmp_path) -> kit.Tracker:
    return kit.Tracker("01_first_prompt", folder=tmp_path, learner="tester")


# ---- chat viewer -------------------------------------------------------------------------------------------


def test_viewer_html_marks_typos_with_the_meant_word(auntie_weak: Transcript) -> None:
    page = ChatViewer(auntie_weak).static_html()
    first = auntie_weak.turns[0]
    assert first.typos, "seed 0's first message has typos"
    for typo in first.typos:
        assert f'<span class="typo" title="meant: {typo.right}">{typo.wrong}</span>' in page


def test_viewer_html_has_an_emotion_meter_per_customer_turn(auntie_weak: Transcript) -> None:
    page = ChatViewer(auntie_weak).static_html()
    meters = re.findall(r"class='kit-emotion'[^>]*aria-label='upset (\d+) of 10'", page)
    assert [int(m) for m in meters] == auntie_weak.emotions
    assert page.count("kit-turn kit-customer") == len(auntie_weak.customer_turns)


def test_viewer_folds_tool_calls_and_sources_under_the_reply(auntie_weak: Transcript) -> None:
    page = ChatViewer(with_tools_and_sources(auntie_weak)).static_html()
    agent_bubble = page.split("kit-turn kit-agent", 1)[1].split("kit-turn", 1)[0]
    assert "<details class='kit-tool'>" in agent_bubble and "size_lookup" in agent_bubble
    assert "<details class='kit-sources'>" in agent_bubble and "faq-shipping-zh#2" in agent_bubble
    assert "(last season)" in agent_bubble


def test_viewer_english_is_folded_unless_asked(auntie_weak: Transcript) -> None:
    assert "<details class='kit-gloss'><summary" in ChatViewer(auntie_weak).static_html()
    assert "<details class='kit-gloss' open>" in ChatViewer(auntie_weak, english=True).static_html()


def test_viewer_plain_text_reads_in_a_terminal(auntie_weak: Transcript) -> None:
    text = ChatViewer(with_tools_and_sources(auntie_weak)).static_text()
    assert "(typos: 冬→东" in text
    assert "[upset 4/10]" in text and "English:" in text
    assert "tool size_lookup" in text and "sources: faq-shipping-zh#2" in text


def test_viewer_mimebundle_has_widget_and_fallbacks(auntie_weak: Transcript) -> None:
    bundle = ChatViewer(auntie_weak)._repr_mimebundle_()
    assert {WIDGET_VIEW, "text/html", "text/plain"} <= set(bundle)
    assert "0x" not in bundle["text/plain"]  # no object addresses: nbval compares it


def test_viewer_slider_replays_turn_by_turn(auntie_weak: Transcript) -> None:
    viewer = ChatViewer(auntie_weak)
    controls, bubbles = viewer.widget.children
    slider = controls.children[1]
    assert slider.description == "Turn" and slider.max == len(auntie_weak.turns)
    slider.value = 2
    assert bubbles.value.count("kit-turn ") == 2
    controls.children[2].value = True  # Show English
    assert "<details class='kit-gloss' open>" in bubbles.value


def test_viewer_rejects_what_is_not_a_transcript() -> None:
    with pytest.raises(kit.errors.KitError, match="Transcript"):
        ChatViewer("hello")


# ---- playground --------------------------------------------------------------------------------------------


def test_playground_run_logs_and_returns_a_scorecard(tracker: kit.Tracker) -> None:
    pg = Playground(prompt=WEAK, seeds=2, tracker=tracker)
    run = pg.run()
    assert run.attempt == 1 and len(run.transcripts) == 2 and run.seeds == 2
    assert 0 <= run.total <= 100
    logged = tracker.history()
    assert len(logged) == 1 and logged[0]["total"] == run.total and logged[0]["prompt"] == WEAK
    assert "Total" in run._repr_html_() and "Total" in run.summary()


def test_playground_a_better_prompt_climbs(tracker: kit.Tracker) -> None:
    pg = Playground(prompt=WEAK, seeds=1, tracker=tracker)
    weak = pg.run().total
    strong = pg.run(prompt=STRONG).total
    assert strong > weak + 30
    assert [a["attempt"] for a in tracker.history()] == [1, 2]


def test_playground_mean_over_seeds_and_customers(tracker: kit.Tracker) -> None:
    run = Playground(prompt=STRONG, personas=("typo_auntie", "size_seeker"), seeds=2, tracker=tracker).run()
    assert [t.persona_id for t in run.transcripts] == ["typo_auntie", "typo_auntie", "size_seeker", "size_seeker"]
    assert [t.seed for t in run.transcripts] == [0, 1, 0, 1]
    means = {name: score for name, score in run.card.scores.items() if score is not None}
    task = [c.scores["task_solved"] for c in run.scorecards if c.scores["task_solved"] is not None]
    assert means["task_solved"] == pytest.approx(sum(task) / len(task), abs=0.06)
    assert run.transcripts[run.weakest] is min(zip(run.scorecards, run.transcripts), key=lambda p: p[0].total)[1]
    evaluation = run.evaluation()
    assert evaluation.trials["size_seeker"].totals == tuple(c.total for c in run.scorecards[2:])
    assert "pass^2" in run._repr_html_()


def test_playground_shows_each_score_as_it_arrives_then_the_mean(tracker: kit.Tracker) -> None:
    class Status:
        value = ""

    pg = Playground(prompt=STRONG, personas=("typo_auntie", "size_seeker"), seeds=2, tracker=tracker)
    seen: list[str] = []
    pg._parts = {"status": Status()}
    pg._refresh = lambda: None  # only the status line is under test here
    run = pg.run(progress=lambda done, total: seen.append(pg._parts["status"].value))
    assert len(seen) == 4 and all(f"{n}/4" in text for n, text in enumerate(seen, 1))
    assert "typo_auntie seed 0: " in seen[0] and seen[-1].count("seed") == 4
    assert run.spend is not None and "4 model calls" not in str(run.spend)  # conversations make several calls
    assert "to the practice model (offline, free)" in str(run) and run.attempt == 1


def test_an_interrupted_playground_run_keeps_what_finished_and_is_not_logged(tracker: kit.Tracker) -> None:
    def ctrl_c_after_two(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt  # the kernel's stop button, while the third conversation would start

    pg = Playground(prompt=STRONG, personas=("typo_auntie", "size_seeker"), seeds=2, tracker=tracker)
    run = pg.run(progress=ctrl_c_after_two)
    assert run.interrupted and len(run.transcripts) == 2 and tracker.history() == []
    assert run.summary().startswith("Interrupted") and "Not logged" in run.summary()
    assert pg.last is run and run.evaluation().interrupted
    assert pg.run().attempt == 1  # a full run afterwards is the first attempt on the curve


def test_playground_curve_gains_a_point_per_run(tracker: kit.Tracker) -> None:
    pg = Playground(prompt=WEAK, seeds=1, tracker=tracker)
    curve = pg.widget and pg._parts["curve"]
    assert "<img" not in curve.value  # no attempts yet
    for attempts in (1, 2):
        pg.run()
        assert "<img src='data:image/png;base64," in curve.value
        assert f"{attempts} attempts" in curve.value
    assert len(tracker.history()) == 2


def test_playground_explain_lists_recognised_lines(tracker: kit.Tracker) -> None:
    pg = Playground(prompt=STRONG, tracker=tracker)
    pg.widget
    panel = pg._parts["explain"].value
    assert "line 3: <code>Customers weigh themselves in 斤: 1 斤 = 0.5 kg.</code>" in panel
    assert f"recognised {len(kit.llm.explain(STRONG).recognised)} of" in panel
    pg._parts["box"].value = WEAK  # typing updates the panel before any run
    assert "recognised 0 of" in pg._parts["explain"].value


def test_playground_run_button_runs(tracker: kit.Tracker) -> None:
    pg = Playground(prompt=WEAK, seeds=1, tracker=tracker)
    root = pg.widget
    assert "kit-playground" in root._dom_classes
    pg._parts["box"].value = STRONG
    pg._parts["button"].click()
    assert len(tracker.history()) == 1 and tracker.history()[0]["prompt"] == STRONG
    assert "Total" in pg._parts["scorecard"].value
    assert pg._parts["progress"].value == pg._parts["progress"].max == 1


def test_playground_enter_in_the_prompt_box_runs(tracker: kit.Tracker) -> None:
    pg = Playground(prompt=WEAK, seeds=2, tracker=tracker)
    pg.widget
    pg._parts["seeds"].value = 1
    pg._parts["box"].submit()  # what the browser does on Enter: submitted += 1
    assert len(tracker.history()) == 1 and len(pg.last.transcripts) == 1
    assert pg._parts["progress"].value == 1


def test_playground_controls_are_labelled(tracker: kit.Tracker) -> None:
    pg = Playground(prompt=WEAK, tracker=tracker)
    pg.widget
    parts = pg._parts
    assert parts["box"].aria_label == "System prompt" and parts["box"].label
    assert (parts["customer"].description, parts["model"].description, parts["seeds"].description) == (
        "Customer", "Model", "Seeds")
    assert parts["button"].description == "Run" and "kit-run" in parts["button"]._dom_classes
    for name, css in [("progress", "kit-progress"), ("scorecard", "kit-scorecard"), ("curve", "kit-curve"),
                      ("explain", "kit-explain")]:
        assert css in parts[name]._dom_classes
    assert parts["progress"].description


def test_playground_empty_prompt_is_a_message_not_a_traceback(tracker: kit.Tracker) -> None:
    pg = Playground(prompt=WEAK, tracker=tracker)
    pg.widget
    pg._parts["box"].value = "   "
    pg._parts["button"].click()
    assert "prompt is empty" in pg._parts["status"].value and "kit-error" in pg._parts["status"].value
    assert tracker.history() == [] and not pg._parts["button"].disabled
    with pytest.raises(kit.errors.PromptError, match="prompt is empty"):
        pg.run(prompt="")


def test_playground_unknown_persona_is_a_message(tracker: kit.Tracker) -> None:
    pg = Playground(prompt=WEAK, personas="nobody", tracker=tracker)
    pg.widget
    assert pg._parts["customer"].value is None
    pg._parts["button"].click()
    status = pg._parts["status"].value
    assert "No persona called &#x27;nobody&#x27;" in status and "typo_auntie" in status
    with pytest.raises(kit.errors.UnknownPersona):
        pg.run()
    assert tracker.history() == []


def test_playground_bad_seeds_and_model_say_what_to_do(tracker: kit.Tracker) -> None:
    pg = Playground(prompt=WEAK, tracker=tracker)
    with pytest.raises(kit.errors.KitError, match="whole number"):
        pg.run(seeds=0)
    with pytest.raises(kit.errors.KitError, match="KIT_MODEL"):
        pg.run(model="configured")


def test_playground_model_picker_never_shows_a_key(tracker: kit.Tracker, monkeypatch) -> None:
    monkeypatch.setenv("KIT_MODEL", "qwen-plus")
    monkeypatch.setenv("KIT_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("KIT_API_KEY", "sk-secret-123")
    pg = Playground(prompt=WEAK, tracker=tracker)
    pg.widget
    labels = [label for label, _ in pg._parts["model"].options]
    assert labels == ["Practice model (offline)", "qwen-plus (configured endpoint)"]
    bundle = pg._repr_mimebundle_()
    assert "sk-secret" not in bundle["text/html"] + bundle["text/plain"] + repr(pg._parts["model"].get_state())


def test_playground_fallbacks_show_the_last_run(tracker: kit.Tracker) -> None:
    pg = Playground(prompt=STRONG, seeds=1, tracker=tracker)
    before = pg._repr_mimebundle_()
    assert {WIDGET_VIEW, "text/html", "text/plain"} <= set(before)
    assert "Not run yet" in before["text/plain"]
    pg.run()
    after = pg._repr_mimebundle_()
    assert "Attempt 1: Total" in after["text/plain"]
    assert "Total" in after["text/html"] and "Learning curve so far:" in after["text/html"]  # drawn in characters
    assert "0x" not in after["text/plain"] and "/tmp" not in after["text/html"]


def test_sparkline_text_maps_totals_to_blocks() -> None:
    from kit.widgets.views import sparkline_text

    assert sparkline_text([0, 22, 38, 100]) == "▁▂▄█"
    assert sparkline_text([]) == ""


def test_prompt_box_esm_runs_on_enter_and_keeps_shift_enter_for_new_lines() -> None:
    from kit.widgets.prompt_box import PromptBox, esm_source

    esm = esm_source()
    assert 'event.key === "Enter" && !event.shiftKey' in esm
    assert '"submitted", model.get("submitted") + 1' in esm
    assert "event.preventDefault()" in esm and "isComposing" in esm  # Enter that picks IME characters does not run
    assert 'execCommand("insertText", false, "\\n")' in esm  # Shift+Enter puts the new line in itself
    assert 'setAttribute("aria-label", model.get("aria_label"))' in esm and 'document.createElement("label")' in esm
    assert 'area.className = "kit-prompt"' in esm
    box = PromptBox()
    assert box.aria_label == "System prompt" and box.submitted == 0


# ---- side by side ------------------------------------------------------------------------------------------


def test_side_by_side_same_customer_and_seed() -> None:
    sbs = SideBySide(WEAK, STRONG, persona="typo_auntie", seed=1, labels=("one line", "lesson 01"))
    assert sbs.a.transcript.seed == sbs.b.transcript.seed == 1
    assert sbs.a.transcript.persona_id == sbs.b.transcript.persona_id == "typo_auntie"
    assert sbs.comparison.total_change == pytest.approx(sbs.b.card.total - sbs.a.card.total, abs=0.1)
    bundle = sbs._repr_mimebundle_()
    assert {WIDGET_VIEW, "text/html", "text/plain"} <= set(bundle)
    assert bundle["text/html"].count("kit-turn kit-agent") == len(sbs.a.transcript.agent_turns) + len(
        sbs.b.transcript.agent_turns)
    assert "Asked before guessing" in bundle["text/plain"] and "▲" in bundle["text/plain"]
    assert "kit-side-by-side" in sbs.widget._dom_classes


def test_side_by_side_edit_and_compare_again() -> None:
    sbs = SideBySide(WEAK, WEAK)
    assert sbs.comparison.total_change == 0
    sbs.widget
    (box_a, _, _), (box_b, _, _) = sbs._parts["boxes"]
    box_b.value = STRONG
    box_b.submit()
    assert sbs.b.prompt == STRONG and sbs.comparison.total_change > 30
    box_a.value = ""
    sbs._parts["button"].click()
    assert "empty" in sbs._parts["status"].value and sbs.a.prompt == WEAK  # the old result stays


def test_side_by_side_unknown_persona() -> None:
    with pytest.raises(kit.errors.UnknownPersona, match="Known personas"):
        SideBySide(WEAK, STRONG, persona="nobody")


# ---- in Chinese (KIT_LANG=zh / kit.i18n.set_language("zh")) ----------------------------------------------------


@pytest.fixture
def chinese():
    kit.i18n.set_language("zh")
    yield
    kit.i18n._chosen = None


def test_viewer_controls_in_chinese(auntie_weak: Transcript, chinese: None) -> None:
    viewer = ChatViewer(auntie_weak)
    play, slider, english = viewer.widget.children[0].children
    assert (play.description, slider.description, english.description) == ("重放", "轮次", "显示英文")
    page = viewer.static_html()
    assert "结局：<b>" in page and "英文</summary>" in page
    with pytest.raises(kit.errors.KitError, match="ChatViewer 只能显示 kit 的 Transcript"):
        ChatViewer("hello")


def test_playground_in_chinese_keeps_the_prompt_as_written(tracker: kit.Tracker, chinese: None) -> None:
    pg = Playground(prompt=STRONG, personas=("typo_auntie", "size_seeker"), seeds=1, tracker=tracker)
    assert pg.static_text().splitlines()[:2] == [
        "提示词练习场 · 课程 01_first_prompt · 顾客：typo_auntie, size_seeker · 模型：练习模型 · 种子数：1",
        "还没有运行：在 JupyterLab 里按“运行”，或者调用 .run()。"]
    parts = pg.widget and pg._parts
    assert (parts["box"].label, parts["box"].aria_label, parts["box"].help) == (
        "系统提示词（回车运行，Shift+回车换行）", "系统提示词", "回车运行 · Shift+回车换行")
    assert (parts["customer"].description, parts["model"].description, parts["seeds"].description,
            parts["button"].description, parts["progress"].description) == ("顾客", "模型", "种子数", "运行", "进度")
    assert "错别字阿姨（The typo auntie）" in [label for label, _ in parts["customer"].options]
    assert [label for label, _ in parts["model"].options] == ["练习模型（离线）"]
    panel = parts["explain"].value
    assert "练习模型认识 18 条指令，在这段提示词里识别出 7 条" in panel
    assert "第 3 行：<code>Customers weigh themselves in 斤: 1 斤 = 0.5 kg.</code>" in panel  # the prompt as written
    assert "✅ <b>换算中国单位（1 斤 = 0.5 公斤）</b>" in panel
    run = pg.run()
    html_view = run._repr_html_()
    assert "<b>总分 " in html_view and "得分最低的一段对话" in html_view and "查看对话记录" in html_view
    weakest = run.transcripts[run.weakest]
    assert weakest.agent_turns[0].text[:20] in html_view  # what the agent said stays as it said it
    assert pg.static_text().splitlines()[1].startswith("第 1 次尝试：总分 ")
    assert "目前的学习曲线：" in pg.static_html()


def test_playground_errors_in_chinese(tracker: kit.Tracker, chinese: None) -> None:
    pg = Playground(prompt=WEAK, tracker=tracker)
    pg.widget
    pg._parts["box"].value = "   "
    pg._parts["button"].click()
    assert "提示词是空的" in pg._parts["status"].value
    with pytest.raises(kit.errors.KitError, match="1 到 100 之间的整数"):
        pg.run(seeds=0)
    with pytest.raises(kit.errors.UnknownPersona, match="没有叫 'nobody' 的顾客"):
        pg.run(prompt=WEAK, personas="nobody")


def test_side_by_side_in_chinese(chinese: None) -> None:
    sbs = SideBySide(WEAK, STRONG, labels=("前", "后"))
    assert sbs.static_text().startswith("并排对比 · typo_auntie，种子 0：前 ")
    page = sbs.static_html()
    assert "同一位顾客、同一个种子" in page and "<b>逐项对比</b>" in page and "查看对话记录" in page
    assert "<td style='text-align:left'>问题已解决</td>" in page and "Task solved" not in page
    assert f"<pre style='white-space:pre-wrap;background:#f8fafc;padding:6px;font-size:85%'>{WEAK}</pre>" in page
    sbs.widget
    (box_a, *_), _ = sbs._parts["boxes"]
    assert box_a.label == "提示词 前" and sbs._parts["button"].description == "对比"
    with pytest.raises(kit.errors.PromptError, match="提示词 'A' 是空的"):
        SideBySide("", STRONG)


def test_without_the_widget_libraries_the_message_is_chinese(monkeypatch: pytest.MonkeyPatch, chinese: None) -> None:
    from kit.widgets import frontend

    monkeypatch.setattr(frontend, "missing", lambda: ["ipywidgets", "anywidget"])
    with pytest.raises(kit.widgets.WidgetsUnavailable, match="交互式小部件需要 ipywidgets 和 anywidget"):
        frontend.require()
    assert "这是静态视图" in frontend.unavailable_note()


# ---- no widget front end -----------------------------------------------------------------------------------

NO_WIDGETS = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('ipywidgets', 'anywidget'):
            raise ModuleNotFoundError(name)
sys.meta_path.insert(0, Block())
import importlib.util
_find = importlib.util.find_spec
importlib.util.find_spec = lambda name, *a: None if name in ('ipywidgets', 'anywidget') else _find(name, *a)
import kit, kit.widgets, tempfile
pg = kit.widgets.Playground(prompt='You are a customer service bot.', seeds=1, personas='terse_customer',
                            tracker=kit.Tracker('x', folder=tempfile.mkdtemp(), learner='t'))
run = pg.run()
bundle = pg._repr_mimebundle_()
print(sorted(bundle), run.attempt)
print('lab extras' in bundle['text/html'])
try:
    pg.widget
except kit.widgets.WidgetsUnavailable as error:
    print(error)
"""


def test_without_ipywidgets_the_static_views_and_run_still_work() -> None:
    out = subprocess.run([sys.executable, "-c", NO_WIDGETS], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    assert lines[0] == "['text/html', 'text/plain'] 1"
    assert lines[1] == "True"
    assert 'pip install -e ".[lab]"' in lines[2] and "ipywidgets and anywidget" in lines[2]


def test_import_kit_widgets_loads_no_widget_library() -> None:
    code = "import sys, kit.widgets; print([m for m in ('ipywidgets', 'anywidget', 'matplotlib', 'pandas') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
