"""An LLM judge: a real model reads the conversation against a rubric and answers with a score and its reason.

    judge = Judge(rubric="empathy")     # uses the model in KIT_MODEL; pass model=... to choose another
    result = judge(transcript)          # -> JudgeResult: .score, .passed (score >= threshold), .reason

The judge sees the conversation, never the agent's system prompt: it judges what the agent did.
The practice model cannot judge, so without a real model the judge is "not applicable".
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from pydantic import BaseModel, Field, ValidationError

from kit.config import PRACTICE, load_settings
from kit.conversation import Transcript
from kit.errors import KitError, ModelError
from kit.graders.base import Evidence, GraderResult
from kit.i18n import N_, _
from kit.llm import ChatModel, Message, Reply, get_model

UNREADABLE = N_("the judge's answer could not be read")
NO_MODEL = N_(
    "Not applicable: the practice model cannot judge. Set KIT_MODEL (and KIT_API_KEY, or KIT_PROVIDER) "
    "in the environment or a .env file, or pass a real model: Judge(model=\"gpt-4o-mini\")."
)
NOT_JSON = N_("it is not JSON")  # what was wrong with an answer: the model is told in English, the learner in theirs


@dataclass(frozen=True)
class Rubric:
    """What the judge looks for, in words a model reads."""

    title: str
    criteria: str


RUBRICS: dict[str, Rubric] = {  # the titles are shown to the learner, the criteria read by the model
    "overall": Rubric(N_("overall service"), (
        "Judge the agent's service as a whole: did it solve what the customer came for, correctly; ask for "
        "what it needed before guessing; stay kind when the customer was worried or upset; use plain words "
        "that suit this customer; follow the shop's policies and hand over to a human when asked?")),
    "empathy": Rubric(N_("empathy"), (
        "Judge empathy only: when the customer sounds worried, confused or angry, does the next reply "
        "acknowledge the feeling before solving the problem (别着急，我来帮您 / Don't worry, I'll help)? "
        "Is the tone warm and human, not robotic, cold or over-apologetic? Ignore whether answers are correct.")),
    "clarity": Rubric(N_("clarity"), (
        "Judge clarity for this customer only: short replies, plain words, shop jargon (号型, 加购, 下单) "
        "explained for a customer new to online shopping, numbered steps when explaining how to do "
        "something, no walls of text. Ignore whether answers are correct.")),
    "task": Rubric(N_("task solved"), (
        "Judge the task only: did the agent give a correct, specific answer to each thing the customer came "
        "for (a size, a price, a product, a return, how to order, a human)? A size needs the customer's "
        "height and weight first, and 斤 must be converted (1 斤 = 0.5 kg). Ignore tone and style.")),
}

INSTRUCTIONS = """You review customer-service chats of an online clothing shop. {criteria}

The chat may be in Chinese, English or both. Customers make typos (错别字) and use local units
(斤 = 0.5 kg, 尺 ≈ 33 cm); judge what they meant and what the agent did, not the language.
Score 0-100: 90-100 nothing a good human agent would do better; 70-89 small flaws;
40-69 problems the customer noticed; 0-39 the customer was failed.

Answer with only a JSON object, no other text:
{{"score": <0-100>, "passed": <true if score >= {threshold:g}>, "reason": "<one or two sentences in English, quoting the turn that matters most>", "evidence_turns": [<numbers of the turns your reason is about>]}}"""

CORRECTION = (
    "Your answer could not be read: {problem}. Answer again with only the JSON object "
    '{{"score": <0-100>, "passed": <true or false>, "reason": "...", "evidence_turns": [<turn numbers>]}}.'
)


class Verdict(BaseModel):
    """The JSON the judge must answer with; `passed` is asked for but recomputed from the score."""

    score: float = Field(ge=0, le=100)
    passed: bool
    reason: str = Field(min_length=1)
    evidence_turns: list[int] = Field(default_factory=list)


@dataclass(frozen=True)
class JudgeResult(GraderResult):
    """A grader result with the judge's verdict: `passed` is None when the judge did not apply."""

    passed: bool | None = None
    reason: str = ""


class Judge:
    """Asks a real model to score the conversation against a rubric; not applicable without one."""

    name = "judge"

    def __init__(self, model: str | ChatModel | None = None, rubric: str = "overall", threshold: float = 70) -> None:
        if rubric not in RUBRICS:
            raise ValueError(_("Unknown rubric {rubric}: use one of {rubrics}.").format(rubric=repr(rubric),
                                                                                         rubrics=", ".join(RUBRICS)))
        if not 0 <= threshold <= 100:
            raise ValueError(_("threshold={threshold}: the pass mark is a score from 0 to 100.").format(
                threshold=repr(threshold)))
        self.model, self.rubric, self.threshold = model, rubric, threshold
        self._no_json_mode: set[str] = set()  # models whose endpoint refused response_format

    @property
    def title(self) -> str:
        """The judge's title in the learner's language, e.g. "Judge: empathy"."""
        return _("Judge: {rubric}").format(rubric=_(RUBRICS[self.rubric].title))

    def __repr__(self) -> str:
        model = self.model if self.model is None or isinstance(self.model, str) else self.model.name
        return f"Judge(model={model!r}, rubric={self.rubric!r}, threshold={self.threshold:g})"

    def instructions(self) -> str:
        """The judge's system message for this rubric."""
        return INSTRUCTIONS.format(criteria=RUBRICS[self.rubric].criteria, threshold=self.threshold)

    def __call__(self, transcript: Transcript) -> JudgeResult:
        try:
            model = self._resolve()
            if model is None:
                return self._not_applicable(_(NO_MODEL))
            messages: list[Message] = [
                {"role": "system", "content": self.instructions()},
                {"role": "user", "content": render(transcript)},
            ]
            problem = ""
            for _attempt in range(2):  # one answer, and one more after a correction
                reply = self._ask(model, messages)
                verdict, problem = parse(reply.text)
                if verdict is not None:
                    return self._result(verdict, transcript, model.name)
                messages += [{"role": "assistant", "content": reply.text},
                             {"role": "user", "content": CORRECTION.format(problem=problem)}]
        except KitError as error:
            return self._not_applicable(_("Not applicable: the judge could not answer. {error}").format(error=error))
        unreadable = _("Not applicable: {unreadable} ({problem}). Run it again or use a stronger model.")
        return self._not_applicable(unreadable.format(unreadable=_(UNREADABLE), problem=_(problem)))

    def _resolve(self) -> ChatModel | None:
        """The judge's model, or None when only the practice model is configured."""
        if self.model is None:
            settings = load_settings()
            return None if settings.is_practice else get_model(None, settings)
        model = get_model(self.model)
        return None if model.name == PRACTICE else model

    def _ask(self, model: ChatModel, messages: list[Message]) -> Reply:
        """Ask in JSON mode when the endpoint supports it, and plainly when it says it does not."""
        if model.name not in self._no_json_mode:
            try:
                return model.complete(messages, response_format={"type": "json_object"}, max_tokens=self._limit())
            except ModelError as error:
                text = str(error).lower()
                if not any(word in text for word in ("response_format", "json_object", "not supported", "unsupported")):
                    raise
                self._no_json_mode.add(model.name)
        return model.complete(messages, max_tokens=self._limit())

    @staticmethod
    def _limit() -> int:
        """The judge's reply limit: room for a verdict and its evidence (KIT_MAX_TOKENS sets one for every role)."""
        return load_settings().reply_limit("judge")

    def _result(self, verdict: Verdict, transcript: Transcript, model_name: str) -> JudgeResult:
        passed = verdict.score >= self.threshold  # the model's own "passed" is not trusted
        turns = {turn.number: turn for turn in transcript.turns}
        cited = sorted({number for number in verdict.evidence_turns if number in turns})
        evidence = tuple(Evidence.at(turns[n], _("cited by the judge"), good=passed) for n in cited)
        verdict_line = (_("{score}/100, passed (pass mark {mark})") if passed else
                        _("{score}/100, did not pass (pass mark {mark})")).format(score=f"{verdict.score:.0f}",
                                                                                  mark=f"{self.threshold:g}")
        hint = _("The judge ({model}) gave {verdict}: {reason}").format(model=model_name, verdict=verdict_line,
                                                                        reason=verdict.reason)
        return JudgeResult(self.name, self.title, float(verdict.score), evidence, hint, passed, verdict.reason)

    def _not_applicable(self, hint: str) -> JudgeResult:
        return JudgeResult(self.name, self.title, None, hint=hint)


def parse(text: str) -> tuple[Verdict | None, str]:
    """Read the judge's answer: (verdict, "") or (None, what was wrong with it)."""
    body = text.strip()
    if body.startswith("```"):  # a JSON block in a Markdown fence
        body = body.strip("`").removeprefix("json").strip()
    try:
        return Verdict.model_validate_json(body), ""
    except ValidationError as error:
        if any(e["type"] == "json_invalid" for e in error.errors()):
            return None, NOT_JSON
        problems = [f"{'.'.join(map(str, e['loc'])) or 'answer'}: {e['msg']}" for e in error.errors()[:3]]
        return None, "; ".join(problems)


def render(transcript: Transcript, width: int = 160) -> str:
    """The conversation as the judge reads it: numbered turns, tool calls, no system prompt."""
    kinds = ", ".join(task["kind"].replace("_", " ") for task in transcript.tasks) or "nothing stated"
    novice = "new to online shopping; " if transcript.novice else ""
    lines = [f"Customer: {transcript.persona_name} ({novice}came for: {kinds}). Ended: {transcript.outcome}.", ""]
    for turn in transcript.turns:
        if turn.role == "customer":
            mood = f" (upset {turn.emotion}/10)" if turn.emotion is not None else ""
            meaning = f"  [meaning: {turn.gloss}]" if turn.gloss else ""
            lines.append(f"{turn.number} customer{mood}: {_indent(turn.text)}{meaning}")
            continue
        for call in turn.tool_calls:
            used = f"{call['name']}({json.dumps(call['arguments'], ensure_ascii=False)}) -> {call.get('result', '')}"
            lines.append(f"   [tool {used if len(used) <= width else used[: width - 1] + '…'}]")
        lines.append(f"{turn.number} agent: {_indent(turn.text)}")
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n    ".join(line for line in text.strip().splitlines() if line.strip())
