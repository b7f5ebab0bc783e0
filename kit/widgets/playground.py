"""The prompt playground: write a system prompt, pick a customer and a model, press Enter, watch the score.

    pg = kit.widgets.Playground(lesson="01_first_prompt", prompt="You are ...", seeds=3)
    pg            # in JupyterLab: the prompt box, pickers, Run, progress, scorecard, learning curve, explain
    pg.run()      # the same run from code (tests, scripts, a kernel without widgets): returns a PlaygroundRun

Each run plays every chosen customer with seeds 0, 1, ..., grades every conversation, and logs one
attempt to the lesson's tracker: the mean of each grader over those conversations, so one run is
one point on the learning curve.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from kit.errors import KitError, PromptError, UnknownPersona
from kit.i18n import _, language
from kit.widgets.frontend import Displayable, require, unavailable_note
from kit.widgets.playground_run import PlaygroundRun, mean_scorecard
from kit.widgets.views import curve_html, explain_html, explain_text, message_html, sparkline, sparkline_text, tight

if TYPE_CHECKING:
    from kit.tracker import Tracker

PRACTICE, CONFIGURED = "practice", "configured"
MAX_SEEDS = 10


class PlaygroundError(KitError, ValueError):
    """A playground setting cannot make a run (seeds, model choice)."""


def _as_tuple(personas: str | Sequence[str]) -> tuple[str, ...]:
    return (personas,) if isinstance(personas, str) else tuple(personas)


def _check_personas(personas: tuple[str, ...]) -> None:
    from kit.personas import names

    known = names()
    if not personas:
        raise UnknownPersona(_("Choose at least one customer. Known personas: {known}.").format(known=", ".join(known)))
    if unknown := [p for p in personas if p not in known]:
        raise UnknownPersona(_("No persona called {unknown}. Known personas: {known}.").format(
            unknown=", ".join(map(repr, unknown)), known=", ".join(known)))


def _check_seeds(seeds: Any) -> int:
    if isinstance(seeds, bool) or not isinstance(seeds, int) or not 1 <= seeds <= 100:
        raise PlaygroundError(_("seeds is how many conversations per customer: a whole number from 1 to 100; "
                                "got {seeds}.").format(seeds=repr(seeds)))
    return seeds


def persona_labels() -> dict[str, str]:
    """Persona id -> "English name (中文名)" for the customer picker; "中文名（English name）" in Chinese."""
    return _persona_labels(language())


@cache
def _persona_labels(lang: str) -> dict[str, str]:
    """Read once per language: loading every card takes a moment."""
    from kit.personas import load, names

    if lang == "zh":
        return {name: f"{load(name).card.name.zh}（{load(name).card.name.en}）" for name in names()}
    return {name: f"{load(name).card.name.en} ({load(name).card.name.zh})" for name in names()}


class Playground(Displayable):
    """A prompt, a customer, a model and seeds; Run plays, grades, logs and redraws the learning curve."""

    def __init__(
        self,
        lesson: str = "01_first_prompt",
        prompt: str = "",
        personas: str | Sequence[str] = ("typo_auntie",),
        seeds: int = 3,
        tools: Sequence[Any] | None = None,
        knowledge: Any = None,
        tracker: Tracker | None = None,
        model: str | None = None,
    ) -> None:
        from kit.tracker import Tracker

        self.tracker = tracker if tracker is not None else Tracker(lesson)
        self.lesson = self.tracker.lesson
        self.prompt = prompt
        self.personas = _as_tuple(personas)
        self.seeds = seeds
        self.tools = tools
        self.knowledge = knowledge
        from kit.config import configured_model

        self.configured = configured_model()
        self.model = model or (CONFIGURED if self.configured else PRACTICE)  # "practice" or "configured"
        self.runs: list[PlaygroundRun] = []
        self.message, self.error = "", False
        self._widget: Any = None
        self._parts: dict[str, Any] = {}

    # ---- running -------------------------------------------------------------------------------------------

    def _model_argument(self, model: str) -> str | None:
        if model == PRACTICE:
            return PRACTICE
        if model == CONFIGURED and self.configured:
            return None  # kit.Agent's default: the configured endpoint
        if self.configured:
            raise PlaygroundError(_("Model {model} is not available here: choose 'practice' or 'configured'.").format(
                model=repr(model)))
        raise PlaygroundError(_("Model {model} is not available here: choose 'practice' (set KIT_MODEL, KIT_BASE_URL "
                                "and KIT_API_KEY to add your own model).").format(model=repr(model)))

    def run(
        self,
        prompt: str | None = None,
        personas: str | Sequence[str] | None = None,
        seeds: int | None = None,
        model: str | None = None,
        progress: Callable[[int, int], None] | None = None,
        concurrency: int | None = None,
    ) -> PlaygroundRun:
        """Play every chosen customer with seeds 0..seeds-1, grade, log one attempt, and return the run.

        On an endpoint the conversations play `concurrency` at a time (default: KIT_CONCURRENCY, else 8) and
        each one's score is shown as it ends. Interrupted, the run keeps the conversations that finished and
        is not logged (a mean of fewer conversations is not comparable with the others on the curve).
        """
        from kit.conversation import Agent
        from kit.runner import Job, Played, Spend, play_many

        prompt = self.prompt if prompt is None else prompt
        personas = self.personas if personas is None else _as_tuple(personas)
        seeds = _check_seeds(self.seeds if seeds is None else seeds)
        model = self.model if model is None else model
        if not isinstance(prompt, str) or not prompt.strip():
            raise PromptError(_("The prompt is empty: write at least one sentence telling the agent who it is and how "
                                "to help, then press Run."))
        _check_personas(personas)
        agent = Agent(prompt, model=self._model_argument(model), tools=self.tools, knowledge=self.knowledge)
        jobs = [Job(agent, persona, seed) for persona in personas for seed in range(seeds)]
        arrived: list[str] = []

        def show(played: Played) -> None:
            arrived.append(_("{customer} seed {seed}: {score}").format(
                customer=played.job.customer, seed=played.job.seed,
                score=f"{played.card.total:.0f}" if played.card else _("failed")))
            self._arrived(arrived, len(jobs))
            if progress is not None:
                progress(len(arrived), len(jobs))

        batch = play_many(jobs, concurrency=concurrency, progress=False, on_result=show, fail_fast=True)
        finished = batch.finished
        if not finished:
            raise KeyboardInterrupt(_("the playground was interrupted before any conversation finished"))
        transcripts = tuple(p.transcript for p in finished)
        cards = tuple(p.card for p in finished)
        card = mean_scorecard(cards)
        spend = Spend.of(batch, agent.model.name)
        self.prompt, self.personas, self.seeds, self.model = prompt, personas, seeds, model
        if batch.interrupted:
            result = PlaygroundRun(0, agent.system_prompt, agent.model.name, personas, seeds, transcripts, cards, card,
                                   spend, interrupted=True)
        else:
            entry = self.tracker.log(agent, card, note=f"playground: {len(jobs)} conversations")
            result = PlaygroundRun(entry["attempt"], agent.system_prompt, agent.model.name, personas, seeds,
                                   transcripts, cards, card, spend)
        self.runs.append(result)
        self.message, self.error = result.summary(), batch.interrupted
        self._refresh()
        return result

    def _arrived(self, arrived: list[str], total: int) -> None:
        """Each conversation's score as it ends, in the widget's status line (nothing when not displayed)."""
        if self._parts:
            self._parts["status"].value = message_html(_("Running… {done}/{total}: {scores}").format(
                done=len(arrived), total=total, scores=" · ".join(arrived)))

    @property
    def last(self) -> PlaygroundRun | None:
        return self.runs[-1] if self.runs else None

    # ---- static views --------------------------------------------------------------------------------------

    def _settings_line(self) -> str:
        model = self.configured if self.model == CONFIGURED and self.configured else _("practice model")
        return _("lesson {lesson} · Customer: {customers} · Model: {model} · Seeds: {seeds}").format(
            lesson=self.lesson, customers=", ".join(self.personas), model=model, seeds=self.seeds)

    def _explain(self) -> str:
        from kit.llm import explain

        return explain_html(explain(self.prompt), practice=self.model == PRACTICE) if self.prompt.strip() else ""

    def static_text(self) -> str:
        """The terminal view: the settings, the last run's total, the recognised instructions."""
        from kit.llm import explain

        lines = [f"{_('Prompt playground')} · {self._settings_line()}"]
        lines.append(self.last.summary() if self.last else _("Not run yet: press Run in JupyterLab, or call .run()."))
        if totals := [attempt["total"] for attempt in self.tracker.history()]:
            lines.append(f"{_('Learning curve so far:')} {sparkline_text(totals)} " + " → ".join(f"{t:.0f}" for t in totals))
        if self.prompt.strip():
            lines.append(explain_text(explain(self.prompt)))
        return "\n".join(lines)

    def static_html(self) -> str:
        """The saved-page view: the prompt, the last run's scorecard, the curve so far (SVG), the explain list."""
        totals = [attempt["total"] for attempt in self.tracker.history()]
        result = (self.last._repr_html_() if self.last else
                  "<p><i>" + _("Not run yet: in JupyterLab, edit the prompt and press Enter or Run; in code, call "
                               "{code}.").format(code="<code>.run()</code>") + "</i></p>")
        return (f"<div class='kit-playground-static'><b>{_('Prompt playground')}</b> <small>· "
                f"{html.escape(self._settings_line())}</small>{unavailable_note()}"
                f"<pre style='white-space:pre-wrap;background:#f8fafc;padding:6px'>{html.escape(self.prompt)}</pre>"
                f"{result}{sparkline(totals)}{self._explain()}</div>")


    # ---- the widget ----------------------------------------------------------------------------------------

    def build(self) -> Any:
        """Build the widget once: prompt box, pickers, Run, progress, status, curve, explain, scorecard."""
        if self._widget is not None:
            return self._widget
        require()
        import ipywidgets as w

        from kit.widgets.prompt_box import PromptBox

        box = PromptBox(value=self.prompt, label=_("System prompt (Enter runs, Shift+Enter for a new line)"))
        options = [(label, (name,)) for name, label in persona_labels().items()]
        if len(self.personas) > 1:
            options.insert(0, (" + ".join(self.personas), self.personas))
        known = {value for _, value in options}
        customer = w.Dropdown(options=options, value=self.personas if self.personas in known else None,
                              description=_("Customer"))
        models = [(_("Practice model (offline)"), PRACTICE)]
        if self.configured:
            models.append((_("{model} (configured endpoint)").format(model=self.configured), CONFIGURED))
        model = w.Dropdown(options=models, value=self.model if self.model in dict(models).values() else PRACTICE,
                           description=_("Model"))
        seeds = w.IntSlider(value=min(max(int(self.seeds) if isinstance(self.seeds, int) else 1, 1), MAX_SEEDS),
                            min=1, max=MAX_SEEDS, description=_("Seeds"),
                            tooltip=_("conversations per customer"))
        button = w.Button(description=_("Run"), button_style="primary", icon="play",
                          tooltip=_("Play the customers with this prompt, grade, and log the attempt"))
        button.add_class("kit-run")
        progress = w.IntProgress(value=0, min=0, max=1, description=_("Progress"))
        progress.add_class("kit-progress")
        status = w.HTML(message_html(self.message, self.error))
        status.add_class("kit-status")
        scorecard = w.HTML(tight(self.last._repr_html_() if self.last else
                                 f"<p><i>{_('Press Run (or Enter in the prompt box) to see the scorecard.')}</i></p>"))
        scorecard.add_class("kit-scorecard")
        curve = w.HTML(curve_html(self.tracker))
        curve.add_class("kit-curve")
        explain = w.HTML(tight(self._explain()))
        explain.add_class("kit-explain")
        curve.layout = w.Layout(flex="0 1 480px")
        explain.layout = w.Layout(flex="1 1 360px")
        root = w.VBox([
            w.HTML(f"<b>{_('Prompt playground')}</b> <small>· {_('every run is logged to your learning curve')}</small>"),
            box, w.HBox([customer, model, seeds], layout=w.Layout(flex_flow="row wrap")), w.HBox([button, progress]),
            status, w.HBox([curve, explain], layout=w.Layout(align_items="flex-start", flex_flow="row wrap")), scorecard,
        ])
        root.add_class("kit-playground")
        self._parts = dict(box=box, customer=customer, model=model, seeds=seeds, button=button, progress=progress,
                           status=status, scorecard=scorecard, curve=curve, explain=explain)

        box.observe(self._prompt_changed, "value")
        button.on_click(lambda _: self._run_from_widget())
        box.observe(lambda _: self._run_from_widget(), "submitted")
        self._widget = root
        return root

    def _prompt_changed(self, change: dict[str, Any]) -> None:
        self.prompt = change["new"]
        self._parts["explain"].value = tight(self._explain())

    def _run_from_widget(self) -> PlaygroundRun | None:
        """Run with the controls' values; any problem becomes a message in the widget, not a traceback."""
        parts = self._parts
        self.prompt = parts["box"].value
        self.model = parts["model"].value
        self.seeds = parts["seeds"].value
        if parts["customer"].value is not None:
            self.personas = tuple(parts["customer"].value)
        parts["button"].disabled = parts["box"].disabled = True
        parts["progress"].value, parts["progress"].bar_style = 0, ""
        parts["status"].value = message_html(_("Running…"))

        def step(done: int, total: int) -> None:
            parts["progress"].max, parts["progress"].value = total, done

        try:
            return self.run(progress=step)
        except Exception as error:  # shown to the learner in the widget; a callback's traceback would be hidden
            self.message, self.error = (str(error) if isinstance(error, KitError) else
                                        f"{type(error).__name__}: {error}"), True
            parts["status"].value = message_html(self.message, error=True)
            parts["progress"].bar_style = "danger"
            return None
        finally:
            parts["button"].disabled = parts["box"].disabled = False

    def _refresh(self) -> None:
        """Redraw the widget after a run (nothing to do when it was never displayed)."""
        if not self._parts or self.last is None:
            return
        parts = self._parts
        parts["scorecard"].value = tight(self.last._repr_html_())
        parts["curve"].value = curve_html(self.tracker)
        parts["explain"].value = tight(self._explain())
        if parts["box"].value != self.prompt:
            parts["box"].value = self.prompt
        parts["progress"].bar_style = "success"
        parts["status"].value = message_html(self.message)  # last: "Attempt N" appears once everything is drawn
