"""Play many conversations at once: the one engine behind `kit.evaluate`, the playground, the side-by-side
view, lesson cells that play a cast, the classroom's hint replays and the arena.

    batch = play_many([Job(agent, "typo_auntie", seed) for seed in range(3)], on_result=show)

On an endpoint a conversation spends nearly all its time waiting for the model, so up to
`concurrency` of them (an argument, else KIT_CONCURRENCY, default 8) play in worker threads, the
longest first. On the practice model there is nothing to wait for: a conversation is a few
milliseconds of Python on one core, threads would only take turns, and worker processes each import
the kit and read the cards first: the whole cast over three seeds took 1.96 s on two worker processes
against 1.91 s in one (`benchmarks/runner.py`, part c). So they play one after another in the
caller's thread. `Batch.mode` says which was used.

Results come back in the order of the jobs, whatever order they finished in; `on_result` sees each
one as it ends, in the caller's thread (so a notebook shows it under the right cell). Ctrl+C, or
interrupting the kernel, starts nothing new and returns what finished (`Batch.interrupted`).
"""

from __future__ import annotations

import concurrent.futures
import copy
import functools
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kit.errors import ConfigError, KitError, ModelError
from kit.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from kit.conversation import Agent, Transcript
    from kit.graders import Scorecard
    from kit.llm import ChatModel, Message, Reply, ToolSchema
    from kit.personas import Persona

DEFAULT_CONCURRENCY = 8
GRACE_S = 1.0  # past a conversation's deadline, how long to wait for a model call still under way
SEQUENTIAL = "one after another in this process (practice model: offline and CPU-bound, nothing to wait for)"


class ConversationTimeout(ModelError):
    """The whole conversation took longer than its deadline."""


class Stopped(KitError):
    """The run was interrupted: a conversation under way stops at its next model call."""


def concurrency_setting(value: int | None = None) -> int:
    """How many conversations play at once on an endpoint: `value`, else KIT_CONCURRENCY, else 8."""
    if value is None:
        text = os.environ.get("KIT_CONCURRENCY", "").strip()
        if not text:
            return DEFAULT_CONCURRENCY
        if not text.isdigit() or int(text) < 1:
            raise ConfigError(_("KIT_CONCURRENCY={text} is not a whole number of conversations at once (1 or more): "
                                "write e.g. KIT_CONCURRENCY=8, or unset it for the default ({default}).").format(
                                    text=repr(text), default=DEFAULT_CONCURRENCY))
        return int(text)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise KitError(_("concurrency is how many conversations play at once: a whole number of at least 1; got "
                         "{value}.").format(value=repr(value)))
    return value


@dataclass(frozen=True)
class Job:
    """One conversation to play: this agent, this customer, this seed."""

    agent: Agent
    customer: Persona | str
    seed: int = 0
    max_turns: int = 12
    customer_model: str | ChatModel | None = None


@dataclass(frozen=True)
class Usage:
    """Model calls and tokens, the agent's and a model-played customer's together."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.calls + other.calls, self.prompt_tokens + other.prompt_tokens,
                     self.completion_tokens + other.completion_tokens)

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class Played:
    """One finished conversation: its transcript and scorecard, or why it failed; what it cost."""

    index: int
    job: Job
    transcript: Transcript | None
    card: Scorecard | None
    error: BaseException | None
    usage: Usage
    seconds: float

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def reason(self) -> str:
        """One line saying why the conversation failed ("" when it was scored)."""
        if self.error is None:
            return ""
        error = self.error
        text = str(error) if isinstance(error, KitError) else f"{type(error).__name__}: {error}"
        text = " ".join(text.split()) or type(error).__name__
        return text if len(text) <= 400 else text[:399] + "…"


@dataclass
class Batch:
    """Every job's result in the jobs' order (None: not played, after an interruption), and how they ran."""

    jobs: list[Job]
    results: list[Played | None]
    mode: str
    concurrency: int
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def finished(self) -> list[Played]:
        return [played for played in self.results if played is not None]

    @property
    def usage(self) -> Usage:
        total = Usage()
        for played in self.finished:
            total += played.usage
        return total


@dataclass(frozen=True)
class Spend:
    """What a batch cost: model calls, tokens and the estimated price (the arena's price table), and how it ran."""

    model: str
    usage: Usage
    cost: float | None  # None: the model is not in the price table
    currency: str
    seconds: float
    offline: bool  # played in turn on the practice model: no wall time is shown
    at_once: int = 1  # conversations played at once

    @classmethod
    def of(cls, batch: Batch, model: str) -> Spend:
        prices = _kit_prices()
        usage = batch.usage
        return cls(model, usage, prices.cost(model, usage.prompt_tokens, usage.completion_tokens), prices.currency,
                   batch.seconds, batch.mode == SEQUENTIAL, min(batch.concurrency, len(batch.jobs)) or 1)

    def __str__(self) -> str:
        calls = self.usage.calls
        if self.offline:  # no wall time: it differs run to run, and a lesson's saved output must not
            return ngettext("{calls} model call to the practice model (offline, free), played {mode}",
                            "{calls} model calls to the practice model (offline, free), played {mode}",
                            calls).format(calls=calls, mode=_("one after another in this process"))
        cost = (_("cost unknown (model not in the price table)") if self.cost is None
                else f"≈ {self.cost:.4f} {self.currency}")
        return ngettext("{calls} model call · {tokens} tokens ({prompt} in, {completion} out) · {cost} · {seconds} s, "
                        "{mode}",
                        "{calls} model calls · {tokens} tokens ({prompt} in, {completion} out) · {cost} · {seconds} s, "
                        "{mode}", calls).format(
            calls=calls, tokens=f"{self.usage.tokens:,}", prompt=f"{self.usage.prompt_tokens:,}",
            completion=f"{self.usage.completion_tokens:,}", cost=cost, seconds=f"{self.seconds:.1f}",
            mode=_("{at_once} at a time").format(at_once=self.at_once))


@functools.cache
def _kit_prices() -> Any:
    """The kit's own price table, read once per process."""
    from kit.arena.prices import load_prices

    return load_prices()


class Meter:
    """Wraps a model for one conversation: counts calls and tokens, and stops at the deadline or on a stop."""

    def __init__(self, inner: Any, stop: threading.Event, deadline: float | None = None,
                 limit_s: float | None = None) -> None:
        self.inner, self.name = inner, inner.name
        self.stop, self.deadline, self.limit_s = stop, deadline, limit_s
        self.usage = Usage()

    def __getattr__(self, name: str) -> Any:  # base_url, defaults, ...: as the wrapped model has them
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)

    def _check(self) -> None:
        if self.stop.is_set():
            raise Stopped(_("the run was interrupted"))
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise ConversationTimeout(_("the conversation took longer than {seconds} s (conversation_timeout_s) "
                                        "after {calls} model calls").format(seconds=f"{self.limit_s:g}",
                                                                            calls=self.usage.calls))

    def _count(self, reply: Reply) -> Reply:
        self.usage += Usage(1, reply.usage.prompt_tokens, reply.usage.completion_tokens)
        return reply

    def complete(self, messages: list[Message], tools: list[ToolSchema] | None = None, **params: Any) -> Reply:
        self._check()
        return self._count(self.inner.complete(messages, tools, **params))

    async def acomplete(self, messages: list[Message], tools: list[ToolSchema] | None = None, **params: Any) -> Reply:
        self._check()
        return self._count(await self.inner.acomplete(messages, tools, **params))


def is_practice(model: Any) -> bool:
    """True for the practice model, bare or wrapped (a cache or a meter answers to the name of what it wraps)."""
    from kit.config import PRACTICE

    return getattr(model, "name", None) == PRACTICE


def offline(job: Job) -> bool:
    """True when no call of this conversation leaves the process: practice agent, scripted (or practice) customer."""
    customer = job.customer_model
    from kit.config import PRACTICE

    return is_practice(job.agent.model) and (customer is None or customer == PRACTICE or is_practice(customer))


def play(index: int, job: Job, stop: threading.Event, conversation_timeout_s: float | None = None) -> Played:
    """Play and grade one conversation; never raises: a failure comes back in `Played.error`."""
    from kit.conversation import converse
    from kit.graders import grade
    from kit.llm import get_model

    started = time.monotonic()
    deadline = started + conversation_timeout_s if conversation_timeout_s else None
    agent_meter = Meter(job.agent.model, stop, deadline, conversation_timeout_s)
    player = copy.copy(job.agent)  # its own meter and last_sources, so threads never share them
    player.model, player.last_sources = agent_meter, ()
    customer_meter = None
    transcript = card = error = None
    try:
        customer_model = job.customer_model
        if customer_model is not None:
            customer_meter = Meter(get_model(customer_model), stop, deadline, conversation_timeout_s)
            customer_model = customer_meter
        transcript = converse(player, job.customer, seed=job.seed, max_turns=job.max_turns,
                              customer_model=customer_model)
        card = grade(transcript)
    except Exception as failure:  # any failure is kept with its reason, never lost
        error = failure
        transcript = card = None
    usage = agent_meter.usage + (customer_meter.usage if customer_meter else Usage())
    return Played(index, job, transcript, card, error, usage, round(time.monotonic() - started, 3))


def expected_work(job: Job) -> int:
    """A rough size of a conversation, so the longest start first and a run does not end on a few stragglers.

    Each task and aside is a turn or two; an agent with tools or a knowledge base makes extra calls per turn.
    """
    from kit.personas import load

    customer = load(job.customer) if isinstance(job.customer, str) else job.customer
    card, agent = customer.card, job.agent
    return (len(card.tasks) + len(card.asides)) * (1 + bool(agent.tools) + (agent.knowledge is not None))


_WARMED: set[str] = set()
_WARM_LOCK = threading.Lock()


def warm_up(jobs: Sequence[Job]) -> None:
    """Load, in this thread, what conversations load on first use (typo tables, number and unit parsers, graders).

    Some libraries the kit imports lazily (pypinyin among them) break when several threads import
    them for the first time at once; a short offline conversation with each customer imports them first.
    """
    from kit.conversation import Agent, converse
    from kit.demo import CAST_PROMPT
    from kit.graders import grade
    from kit.practice import PracticeModel
    from kit.tools import SHOP_TOOLS

    with _WARM_LOCK:
        warm = None
        for job in jobs:
            key = job.customer if isinstance(job.customer, str) else job.customer.id
            if key not in _WARMED:  # once per customer and process is enough
                warm = warm or Agent(CAST_PROMPT, model=PracticeModel(), tools=SHOP_TOOLS, name="warm-up")
                grade(converse(warm, job.customer, seed=0, max_turns=2))
                _WARMED.add(key)


def _progress_bar(total: int, progress: bool, desc: str) -> Any:
    """A tqdm bar (a widget in Jupyter), made and updated in the caller's thread."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=_(desc), unit=_("conv"), disable=not progress or total == 0, dynamic_ncols=True,
                leave=False)


def play_many(
    jobs: Sequence[Job],
    *,
    concurrency: int | None = None,
    progress: bool = True,  # a bar on an endpoint (a widget in Jupyter); offline there is nothing to wait for
    desc: str = N_("conversations"),  # the bar's label, translated when shown
    on_result: Callable[[Played], None] | None = None,
    conversation_timeout_s: float | None = None,
    fail_fast: bool = False,
) -> Batch:
    """Play every job (concurrently on an endpoint, in turn offline); results in the jobs' order.

    fail_fast: on the first failed conversation, start no more and raise its error (what a learner's
    `kit.evaluate` wants: the reason, at once); otherwise failures are kept in `Played.error`.
    """
    jobs = list(jobs)
    width = concurrency_setting(concurrency)
    local = all(offline(job) for job in jobs)
    batch = Batch(jobs, [None] * len(jobs), SEQUENTIAL if local else f"{min(width, len(jobs)) or 1} at a time "
                  "(threads: each conversation waits on the endpoint)", 1 if local else width)
    stop = threading.Event()
    bar = _progress_bar(len(jobs), progress and not local, desc)  # offline it is over before a bar means anything
    started = time.monotonic()

    def finish(played: Played) -> None:
        batch.results[played.index] = played
        bar.update(1)
        if failed := sum(not p.ok for p in batch.finished):
            bar.set_postfix(failed=failed)
        if on_result is not None:
            on_result(played)
        if fail_fast and played.error is not None:
            raise played.error

    try:
        if local or width == 1:
            for index, job in enumerate(jobs):
                finish(play(index, job, stop, conversation_timeout_s))
        else:
            _play_threads(jobs, width, stop, conversation_timeout_s, finish)
    except KeyboardInterrupt:
        batch.interrupted = True
    finally:
        stop.set()  # conversations still under way stop at their next model call
        bar.close()
        batch.seconds = round(time.monotonic() - started, 3)
    return batch


def _play_threads(jobs: list[Job], width: int, stop: threading.Event, limit_s: float | None,
                  finish: Callable[[Played], None]) -> None:
    """Play in a thread pool, longest first; a conversation past its deadline (+ grace) is recorded as failed."""
    warm_up(jobs)
    order = sorted(range(len(jobs)), key=lambda i: expected_work(jobs[i]), reverse=True)
    starts: dict[int, float] = {}

    def work(index: int) -> Played:
        starts[index] = time.monotonic()
        return play(index, jobs[index], stop, limit_s)

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=width, thread_name_prefix="kit-play")
    try:
        pending = {pool.submit(work, index): index for index in order}
        while pending:
            done, _waiting = concurrent.futures.wait(pending, timeout=0.25 if limit_s else None,
                                              return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                pending.pop(future)
                finish(future.result())
            if limit_s:  # a call that hangs past the deadline: stop waiting for it
                now = time.monotonic()
                for future, index in list(pending.items()):
                    if index in starts and now > starts[index] + limit_s + GRACE_S:
                        pending.pop(future)
                        error = ConversationTimeout(_("the conversation took longer than {seconds} s "
                                                      "(conversation_timeout_s); a model call was still waiting").format(
                                                          seconds=f"{limit_s:g}"))
                        finish(Played(index, jobs[index], None, None, error, Usage(), limit_s))
    finally:
        stop.set()
        pool.shutdown(wait=False, cancel_futures=True)


def converse_many(
    agent: Agent,
    customers: Persona | str | Sequence[Persona | str],
    seeds: int = 1,
    *,
    concurrency: int | None = None,
    progress: bool = True,
) -> list[Transcript]:
    """Each customer with seeds 0..seeds-1, as `kit.converse` would play them, all at once on an endpoint.

    The transcripts come in the order customer by customer, seed by seed; the first failure is raised.
        for t in kit.converse_many(agent, ["typo_auntie", "retired_grandma"], seeds=2): ...
    """
    from kit.personas import Persona

    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise KitError(_("seeds is how many conversations per customer: a whole number of at least 1; got "
                         "{value}.").format(value=repr(seeds)))
    cast = [customers] if isinstance(customers, (str, Persona)) else list(customers)
    jobs = [Job(agent, customer, seed) for customer in cast for seed in range(seeds)]
    batch = play_many(jobs, concurrency=concurrency, progress=progress, desc=N_("conversations"), fail_fast=True)
    if batch.interrupted:
        raise KeyboardInterrupt(_("interrupted after {finished} of {total} conversations").format(
            finished=len(batch.finished), total=len(jobs)))
    return [played.transcript for played in batch.finished]
