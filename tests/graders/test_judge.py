"""The LLM judge against the scripted OpenAI server: verdicts, corrections, the pass mark, and no fake passes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import kit
from kit.conversation import Transcript
from kit.demo import PROMPTS
from kit.errors import ModelError
from kit.graders.judge import RUBRICS, UNREADABLE, Judge, parse, render
from kit.llm import OpenAIChat, PracticeModel, Reply
from kit.testing.openai_server import serve

SECRET = "sk-judge-secret-0123456789"


@pytest.fixture(autouse=True)
def away_from_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run where no `.env` is found (conftest.py already cleared the KIT_* variables)."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def transcript() -> Transcript:
    """The typo auntie and the strong demo prompt, on the practice model: seven turns."""
    return kit.converse(kit.Agent(PROMPTS[-1][1], model="practice"), "typo_auntie", seed=0)


def verdict(score: float, passed: bool, reason: str = "The agent asked first and said L.", turns: Any = (2, 4)) -> dict:
    return {"text": json.dumps({"score": score, "passed": passed, "reason": reason, "evidence_turns": list(turns)})}


def requests(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def judge_at(url: str, **options: Any) -> Judge:
    return Judge(OpenAIChat("judge-model", base_url=url, api_key=SECRET, max_retries=0, timeout_s=10), **options)


def test_a_well_formed_verdict_becomes_a_score_with_evidence_and_reason(tmp_path: Path, transcript: Transcript) -> None:
    log = tmp_path / "requests.jsonl"
    with serve([verdict(85, True, "别着急 in turn 2; L at turn 4 is right.")], log) as url:
        result = judge_at(url, rubric="empathy")(transcript)

    assert (result.name, result.title, result.score, result.passed) == ("judge", "Judge: empathy", 85.0, True)
    assert [e.turn for e in result.evidence] == [2, 4] and all(e.good for e in result.evidence)
    assert "别着急 in turn 2; L at turn 4 is right." in result.hint and result.reason in result.hint
    (sent,) = requests(log)
    assert sent["response_format"] == {"type": "json_object"}
    system, user = sent["messages"]
    assert RUBRICS["empathy"].criteria in system["content"] and "JSON" in system["content"]
    assert transcript.system_prompt not in json.dumps(sent, ensure_ascii=False), "judge the behaviour, not the prompt"
    assert "2 agent: " in user["content"] and "阿姨" in user["content"]


def test_a_malformed_verdict_is_corrected_once(tmp_path: Path, transcript: Transcript) -> None:
    log = tmp_path / "requests.jsonl"
    with serve([{"text": "I would give it about 80."}, verdict(80, True)], log) as url:
        result = judge_at(url)(transcript)

    assert result.score == 80.0 and result.passed
    first, second = requests(log)
    assert second["messages"][:2] == first["messages"]
    assert second["messages"][2] == {"role": "assistant", "content": "I would give it about 80."}
    assert second["messages"][3]["role"] == "user" and "could not be read" in second["messages"][3]["content"]


@pytest.mark.parametrize("bad", ["not JSON at all", '{"score": 140, "passed": true, "reason": "great"}',
                                 '{"grade": "A", "comment": "fine"}'])
def test_twice_malformed_is_not_applicable_never_a_pass(tmp_path: Path, transcript: Transcript, bad: str) -> None:
    log = tmp_path / "requests.jsonl"
    with serve([{"text": bad}], log) as url:
        result = judge_at(url)(transcript)

    assert result.score is None and not result.applicable and result.passed is None
    assert UNREADABLE in result.hint
    assert len(requests(log)) == 2, "one answer and one correction, no more"


@pytest.mark.parametrize(("score", "said", "threshold", "passed"), [(65, True, 70, False), (90, False, 70, True),
                                                                     (70, False, 70, True), (80, True, 85, False)])
def test_passed_comes_from_the_threshold_not_the_model(
    tmp_path: Path, transcript: Transcript, score: float, said: bool, threshold: float, passed: bool
) -> None:
    with serve([verdict(score, said)], tmp_path / "requests.jsonl") as url:
        result = judge_at(url, threshold=threshold)(transcript)

    assert result.score == score and result.passed is passed
    assert ("did not pass" in result.hint) is not passed
    assert all(e.good is passed for e in result.evidence)


def test_the_key_appears_in_no_output(tmp_path: Path, transcript: Transcript) -> None:
    log = tmp_path / "requests.jsonl"
    with serve([verdict(75, True)], log) as url:
        judge = judge_at(url)
        results = [judge(transcript)]
    with serve([{"status": 500}], tmp_path / "errors.jsonl") as url:
        results.append(judge_at(url)(transcript))

    assert results[0].applicable and not results[1].applicable and "500" in results[1].hint
    shown = [repr(judge), str(judge.model), *map(repr, results), log.read_text(encoding="utf-8"),
             str(kit.graders.Scorecard(tuple(results), {"judge": 1}))]
    assert not any(SECRET in text for text in shown)


def test_only_an_unsupported_response_format_falls_back_to_plain_requests(tmp_path: Path, transcript: Transcript) -> None:
    class NoJsonMode:
        name = "no-json-mode"

        def __init__(self) -> None:
            self.params: list[dict[str, Any]] = []

        def complete(self, messages: list, tools: Any = None, **params: Any) -> Reply:
            self.params.append(params)
            if "response_format" in params:
                raise ModelError("http://local/v1 answered 400: 'response_format' is not supported by this model")
            return Reply(json.dumps({"score": 60, "passed": False, "reason": "cold", "evidence_turns": [2]}))

        async def acomplete(self, messages: list, tools: Any = None, **params: Any) -> Reply:
            return self.complete(messages, tools, **params)

    model = NoJsonMode()
    judge = Judge(model)
    assert judge(transcript).score == 60 and judge(transcript).score == 60
    limit = {"max_tokens": 400}  # the judge's own reply limit
    assert model.params == [{"response_format": {"type": "json_object"}, **limit}, limit, limit], \
        "asked in JSON mode once only"

    log = tmp_path / "requests.jsonl"
    with serve([{"status": 400}], log) as url:  # any other 400 is an error, not a reason to drop JSON mode
        result = judge_at(url)(transcript)
    assert result.score is None and "400" in result.hint and len(requests(log)) == 1


@pytest.mark.parametrize("model", [None, "practice", PracticeModel()])
def test_the_practice_model_is_not_a_judge(transcript: Transcript, model: Any) -> None:
    result = Judge(model)(transcript)
    assert result.score is None and result.passed is None
    assert "KIT_MODEL" in result.hint and "practice" in result.hint


def test_a_judge_fits_in_a_scorecard_and_stays_out_of_the_total_when_not_applicable(transcript: Transcript) -> None:
    card = kit.grade(transcript)
    judged = kit.graders.Scorecard((*card.results, Judge()(transcript)), {**card.weights, "judge": 50})
    assert judged.total == card.total and judged.scores["judge"] is None


def test_the_transcript_is_rendered_compactly_with_turn_numbers(transcript: Transcript) -> None:
    text = render(transcript)
    numbers = [line.split(" ", 1)[0] for line in text.splitlines() if line[:1].isdigit()]
    assert numbers == [str(turn.number) for turn in transcript.turns]
    assert "came for: size advice, how to order" in text and "(upset 4/10)" in text and "[meaning: " in text
    assert "\n    2. " in text, "numbered steps keep their lines"
    assert transcript.system_prompt not in text


def test_parse_accepts_a_fenced_block_and_names_what_is_wrong() -> None:
    fenced = '```json\n{"score": 90, "passed": true, "reason": "ok", "evidence_turns": []}\n```'
    assert parse(fenced)[0] is not None
    assert parse("I'd say 80.") == (None, "it is not JSON")
    assert "score" in parse('{"score": -3, "passed": true, "reason": "x"}')[1]
    assert "reason" in parse('{"score": 50, "passed": true}')[1]


def test_unknown_rubric_and_bad_threshold_are_refused() -> None:
    with pytest.raises(ValueError, match="overall, empathy, clarity, task"):
        Judge(rubric="vibes")
    with pytest.raises(ValueError, match="0 to 100"):
        Judge(threshold=170)


def test_a_verdict_in_chinese_keeps_the_judges_reason_as_it_wrote_it(
    chinese, tmp_path: Path, transcript: Transcript
) -> None:
    with serve([verdict(65, True, "Turn 2 ignored her worry.")], tmp_path / "requests.jsonl") as url:
        result = judge_at(url, rubric="empathy")(transcript)

    assert result.title == "评审模型：安抚情绪"
    assert result.hint == "评审模型（judge-model）给了 65/100，没有通过（及格线 70）：Turn 2 ignored her worry."
    assert {e.note for e in result.evidence} == {"评审模型引用了这一轮"}
    with serve([{"text": "not JSON at all"}], tmp_path / "again.jsonl") as url:
        unreadable = judge_at(url)(transcript)
    assert unreadable.hint == "不适用：看不懂评审模型的回答（回答不是 JSON）。请再运行一次，或者换一个更强的模型。"
    correction = requests(tmp_path / "again.jsonl")[1]["messages"][3]["content"]
    assert correction.startswith("Your answer could not be read: it is not JSON")  # the model is told in English


def test_the_judges_refusals_in_chinese(chinese, transcript: Transcript) -> None:
    assert Judge("practice")(transcript).hint.startswith("不适用：练习模型不能当评审。请在环境变量或 .env 文件里设置 KIT_MODEL")
    with pytest.raises(ValueError, match="没有 'vibes' 这个评分标准：请从 overall, empathy, clarity, task 中选一个"):
        Judge(rubric="vibes")
    with pytest.raises(ValueError, match="threshold=170：及格线"):
        Judge(threshold=170)
