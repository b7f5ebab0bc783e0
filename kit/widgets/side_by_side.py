"""Two prompts against the same customer and seed: transcripts and scorecards next to each other.

    kit.widgets.SideBySide(prompt_a, prompt_b, persona="typo_auntie", seed=0, labels=("before", "after"))

Same customer, same seed: the only difference between the two conversations is the prompt. Below
them, the grader-by-grader comparison (`Scorecard.compare`). In JupyterLab both prompts can be
edited; Enter in either box, or Compare, plays both again.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kit.errors import KitError, PromptError
from kit.i18n import _
from kit.widgets.frontend import Displayable, require, unavailable_note
from kit.views.chat import chat_html
from kit.widgets.views import message_html, tight

if TYPE_CHECKING:
    from kit.conversation import Transcript
    from kit.graders import Comparison, Scorecard


@dataclass(frozen=True)
class Side:
    """One prompt's conversation and scorecard."""

    label: str
    prompt: str
    transcript: Transcript
    card: Scorecard


def play(labels: Sequence[str], prompts: Sequence[str], persona: str, seed: int, model: Any, tools: Any,
         knowledge: Any) -> tuple[Side, ...]:
    """Both sides at once (on an endpoint; one after the other offline): each prompt's conversation and scorecard."""
    from kit.conversation import Agent
    from kit.runner import Job, play_many

    for label, prompt in zip(labels, prompts):
        if not isinstance(prompt, str) or not prompt.strip():
            raise PromptError(_("Prompt {label} is empty: write at least one sentence for the agent.").format(
                label=repr(label)))
    jobs = [Job(Agent(prompt, model=model, tools=tools, knowledge=knowledge), persona, seed) for prompt in prompts]
    batch = play_many(jobs, progress=False, fail_fast=True)
    if batch.interrupted:
        raise KeyboardInterrupt(_("side by side was interrupted"))
    return tuple(Side(label, prompt.strip(), p.transcript, p.card)
                 for label, prompt, p in zip(labels, prompts, batch.finished))


def compact_scorecard(card: Scorecard) -> str:
    """Each grader's score as a bar, without the evidence (the comparison below quotes it), and the first hint."""
    from kit.graders.scorecard import score_bar

    rows = []
    for r in card.results:
        bar, shown = score_bar(r.score, width=120, height=9)
        rows.append(f"<tr><td style='text-align:left'>{html.escape(_(r.title))}</td><td>{bar}</td><td>{shown}</td></tr>")
    hint = f"<p><b>{_('Next step:')}</b> {html.escape(card.hints[0])}</p>" if card.hints else ""
    return f"<table>{''.join(rows)}</table>{hint}"


def _result(side: Side) -> str:
    """Under the prompt: the compact scorecard and the conversation, folded."""
    return (f"{compact_scorecard(side.card)}<details><summary>{_('Read the conversation')}</summary>"
            f"{chat_html(side.transcript)}</details>")


def _title(side: Side) -> str:
    return f"<h4 style='margin:2px 0'>{html.escape(side.label)}: {side.card.total:.0f}/100</h4>"


def _column(side: Side) -> str:
    return (f"{_title(side)}<pre style='white-space:pre-wrap;background:#f8fafc;padding:6px;font-size:85%'>"
            f"{html.escape(side.prompt)}</pre>{_result(side)}")


class SideBySide(Displayable):
    """Play two prompts with one customer and one seed; show both and what changed, grader by grader."""

    def __init__(
        self,
        prompt_a: str,
        prompt_b: str,
        persona: str = "typo_auntie",
        seed: int = 0,
        labels: Sequence[str] = ("A", "B"),
        model: str | None = None,
        tools: Sequence[Any] | None = None,
        knowledge: Any = None,
    ) -> None:
        if len(labels) != 2:
            raise KitError(_("labels names the two prompts, e.g. ('before', 'after'); got {labels}.").format(
                labels=repr(labels)))
        from kit.personas import load

        load(persona)  # an unknown persona fails here, with the list of known ones
        self.persona, self.seed, self.labels = persona, seed, (str(labels[0]), str(labels[1]))
        self.model, self.tools, self.knowledge = model, tools, knowledge
        self.message = ""
        self._widget: Any = None
        self._parts: dict[str, Any] = {}
        self.a, self.b = self._play(prompt_a, prompt_b)

    def _play(self, prompt_a: str, prompt_b: str) -> tuple[Side, Side]:
        return play(self.labels, (prompt_a, prompt_b), self.persona, self.seed, self.model,  # type: ignore[return-value]
                    self.tools, self.knowledge)

    def rerun(self, prompt_a: str | None = None, prompt_b: str | None = None) -> Comparison:
        """Play again with new prompts (either may stay as it is) and return the comparison."""
        self.a, self.b = self._play(self.a.prompt if prompt_a is None else prompt_a,
                                    self.b.prompt if prompt_b is None else prompt_b)
        self._refresh()
        return self.comparison

    @property
    def comparison(self) -> Comparison:
        return self.a.card.compare(self.b.card, labels=self.labels)

    # ---- static views --------------------------------------------------------------------------------------

    def _header(self) -> str:
        return _("{customer}, seed {seed}: {label_a} {total_a} → {label_b} {total_b}").format(
            customer=self.persona, seed=self.seed, label_a=self.labels[0], total_a=f"{self.a.card.total:.0f}",
            label_b=self.labels[1], total_b=f"{self.b.card.total:.0f}")

    def static_text(self) -> str:
        """The terminal view: both totals, then the grader-by-grader comparison."""
        return "\n\n".join([f"{_('Side by side')} · {self._header()}", str(self.comparison)])

    def static_html(self) -> str:
        """The saved-page view: two columns in a table (it survives every renderer), the comparison below."""
        return (f"<div class='kit-side-by-side-static'><b>{_('Side by side')}</b> <small>· "
                f"{_('the same customer and seed')} · {html.escape(self._header())}</small>{unavailable_note()}"
                f"<table style='width:100%;table-layout:fixed'><tr>"
                f"<td style='vertical-align:top;text-align:left'>{_column(self.a)}</td>"
                f"<td style='vertical-align:top;text-align:left'>{_column(self.b)}</td></tr></table>"
                f"<p><b>{_('Grader by grader')}</b></p>{self.comparison._repr_html_()}</div>")


    # ---- the widget ----------------------------------------------------------------------------------------

    def build(self) -> Any:
        """Build the widget once: two editable prompt boxes, their results, Compare, the comparison."""
        if self._widget is not None:
            return self._widget
        require()
        import ipywidgets as w

        from kit.widgets.prompt_box import PromptBox

        boxes, columns = [], []
        for side in (self.a, self.b):
            label = _("Prompt {label}").format(label=side.label)
            box = PromptBox(value=side.prompt, label=label, aria_label=label, rows=5)
            result = w.HTML(tight(_result(side)))  # the prompt is in the box above
            title = w.HTML(_title(side))
            boxes.append((box, title, result))
            columns.append(w.VBox([title, box, result], layout=w.Layout(flex="1 1 0", min_width="320px")))
        button = w.Button(description=_("Compare"), icon="columns",
                          tooltip=_("Play both prompts again with this customer"))
        button.add_class("kit-compare")
        status = w.HTML("")
        comparison = w.HTML(tight(self.comparison._repr_html_()))
        comparison.add_class("kit-comparison")
        root = w.VBox([
            w.HTML(f"<b>{_('Side by side')}</b> <small>· "
                   + _("{customer}, seed {seed}: the same customer and seed, only the prompt differs").format(
                       customer=html.escape(self.persona), seed=self.seed) + "</small>"),
            w.HBox(columns, layout=w.Layout(align_items="flex-start")), w.HBox([button, status]),
            w.HTML(f"<b>{_('Grader by grader')}</b>"), comparison,
        ])
        root.add_class("kit-side-by-side")
        self._parts = dict(boxes=boxes, status=status, comparison=comparison, button=button)
        button.on_click(lambda _: self._rerun_from_widget())
        for box, *_others in boxes:
            box.observe(lambda _change: self._rerun_from_widget(), "submitted")
        self._widget = root
        return root

    def _rerun_from_widget(self) -> None:
        (box_a, *_a), (box_b, *_b) = self._parts["boxes"]
        try:
            self.rerun(box_a.value, box_b.value)
            self.message = ""
            self._parts["status"].value = ""
        except Exception as error:  # shown in the widget, not as a hidden callback traceback
            self.message = str(error) if isinstance(error, KitError) else f"{type(error).__name__}: {error}"
            self._parts["status"].value = message_html(self.message, error=True)

    def _refresh(self) -> None:
        if not self._parts:
            return
        for side, (box, title, result) in zip((self.a, self.b), self._parts["boxes"]):
            title.value = _title(side)
            result.value = tight(_result(side))
        self._parts["comparison"].value = tight(self.comparison._repr_html_())
