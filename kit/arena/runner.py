"""Play every agent against every customer over every seed, many conversations at once, resumably.

Each conversation runs `kit.converse` in a worker thread (so a slow endpoint never blocks the
others), under an asyncio semaphore that caps how many run at once. Each one that ends, scored
or failed, is appended to the results file at once; what the file already holds is skipped.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import hashlib
import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.arena.config import AgentSpec, ArenaConfig, ArenaError, parse_config, with_call_limits
from kit.arena.prices import Prices, load_prices
from kit.arena.store import ResultStore, key_of
from kit.errors import KitError, ModelError
from kit.keys import scrub

if TYPE_CHECKING:
    from kit.arena.leaderboard import Arena
    from kit.conversation import Agent
    from kit.llm import Message, Reply, ToolSchema
    from kit.personas import Persona


GRACE_S = 1.0  # past a conversation's deadline, how long to wait for a model call still under way


class ConversationTimeout(ModelError):
    """The whole conversation took longer than `conversation_timeout_s`."""


def fingerprint(agent: Agent) -> str:
    """A short hash of what decides the agent's answers: prompt, model, tools and knowledge (never a key)."""
    model = agent.model
    inner = getattr(model, "inner", model)  # the cache wrapper answers like the model it wraps
    knowledge = None
    if agent.knowledge is not None:
        describe = getattr(agent.knowledge, "describe", None)
        knowledge = [describe() if callable(describe) else type(agent.knowledge).__name__, agent.k]
    identity = {
        "prompt": agent.system_prompt,
        "model": model.name,
        "endpoint": getattr(inner, "base_url", None),
        "tools": [tool.schema() for tool in agent.tools.values()],
        "knowledge": knowledge,
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]


class _Metered:
    """Wraps the agent's model for one conversation: counts tokens and stops at the conversation's deadline."""

    def __init__(self, inner: Any, deadline: float | None, limit_s: float | None) -> None:
        self.inner, self.name = inner, inner.name
        self.deadline, self.limit_s = deadline, limit_s
        self.prompt_tokens = self.completion_tokens = self.calls = 0

    def _check(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise ConversationTimeout(f"the conversation took longer than {self.limit_s:g} s (conversation_timeout_s) "
                                      f"after {self.calls} model calls")

    def _count(self, reply: Reply) -> Reply:
        self.calls += 1
        self.prompt_tokens += reply.usage.prompt_tokens
        self.completion_tokens += reply.usage.completion_tokens
        return reply

    def complete(self, messages: list[Message], tools: list[ToolSchema] | None = None, **params: Any) -> Reply:
        self._check()
        return self._count(self.inner.complete(messages, tools, **params))

    async def acomplete(self, messages: list[Message], tools: list[ToolSchema] | None = None, **params: Any) -> Reply:
        self._check()
        return self._count(await self.inner.acomplete(messages, tools, **params))


@dataclass(frozen=True)
class _Entrant:
    """An agent as the arena runs it: the agent, its fingerprint and its place in the ranking's input order."""

    agent: Agent
    fingerprint: str


def _reason(error: BaseException) -> str:
    """One line saying why a conversation failed: the kit's own message, else the exception's type and text."""
    text = str(error) if isinstance(error, KitError) else f"{type(error).__name__}: {error}"
    text = " ".join(text.split()) or type(error).__name__
    return text if len(text) <= 400 else text[:399] + "…"


def play(entrant: _Entrant, customer: Persona, seed: int, max_turns: int, conversation_timeout_s: float | None,
         prices: Prices) -> dict[str, Any]:
    """Play and grade one conversation; never raises: a failure comes back as a `failed` record with its reason."""
    from kit.conversation import converse
    from kit.graders import grade

    started = time.monotonic()
    deadline = started + conversation_timeout_s if conversation_timeout_s else None
    meter = _Metered(entrant.agent.model, deadline, conversation_timeout_s)
    player = copy.copy(entrant.agent)  # its own model wrapper and last_sources, so threads never share them
    player.model, player.last_sources = meter, ()
    record: dict[str, Any] = {"agent": entrant.agent.name, "fingerprint": entrant.fingerprint, "persona": customer.id,
                              "seed": seed, "model": meter.name}
    try:
        transcript = converse(player, customer, seed=seed, max_turns=max_turns)
        card = grade(transcript)
    except Exception as error:  # any failure is recorded with its reason, never lost
        record |= {"status": "failed", "reason": _reason(error), "total": None, "scores": {}, "outcome": None,
                   "transcript": None}
    else:
        record |= {"status": "scored", "reason": "", "total": card.total, "scores": card.scores,
                   "outcome": transcript.outcome, "transcript": transcript.to_dict()}
    record["tokens"] = {"prompt": meter.prompt_tokens, "completion": meter.completion_tokens, "calls": meter.calls}
    record = scrub(record)  # the in-memory record too: reports and leaderboards are built from it
    record["cost"] = prices.cost(meter.name, meter.prompt_tokens, meter.completion_tokens)
    record["seconds"] = round(time.monotonic() - started, 3)
    return record


def _timed_out(entrant: _Entrant, persona: str, seed: int, limit_s: float) -> dict[str, Any]:
    """The record of a conversation stopped by its deadline while a model call was still waiting."""
    return {"agent": entrant.agent.name, "fingerprint": entrant.fingerprint, "persona": persona, "seed": seed,
            "model": entrant.agent.model.name, "status": "failed",
            "reason": f"the conversation took longer than {limit_s:g} s (conversation_timeout_s); a model call was "
                      "still waiting", "total": None, "scores": {}, "outcome": None, "transcript": None,
            "tokens": {"prompt": 0, "completion": 0, "calls": 0}, "cost": None, "seconds": limit_s}


def _entrants(agents: Any, timeout_s: float | None, max_retries: int | None) -> list[_Entrant]:
    """kit.Agents, YAML-like dicts/AgentSpecs, or an ArenaConfig, as entrants with the call limits applied."""
    from kit.conversation import Agent

    if isinstance(agents, ArenaConfig):
        built = agents.build_agents()
    else:
        if isinstance(agents, Agent) or isinstance(agents, (dict, AgentSpec)):
            agents = [agents]
        specs = [a for a in agents if not isinstance(a, Agent)]
        if any(not isinstance(s, (dict, AgentSpec)) for s in specs):
            wrong = next(type(s).__name__ for s in specs if not isinstance(s, (dict, AgentSpec)))
            raise ArenaError(f"agents are kit.Agent objects or dicts like {{'name': ..., 'prompt': ...}}; got a {wrong}.")
        raw = [s.model_dump() if isinstance(s, AgentSpec) else s for s in specs]
        from_specs = iter(parse_config({"agents": raw}).build_agents() if specs else ())
        built = [a if isinstance(a, Agent) else next(from_specs) for a in agents]
    if not built:
        raise ArenaError("The arena needs at least one agent.")
    names = [agent.name for agent in built]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ArenaError(f"Two agents are called {', '.join(map(repr, twice))}: give each its own name, "
                         "e.g. kit.Agent(prompt, name='polite-v2').")
    entrants = []
    for agent in built:
        if timeout_s is not None or max_retries is not None:
            agent = copy.copy(agent)
            agent.model = with_call_limits(agent.model, timeout_s, max_retries)
        entrants.append(_Entrant(agent, fingerprint(agent)))
    return entrants


def default_results() -> Path:
    """Where results go when no file is named: `arena/results.jsonl` in the learner's data folder."""
    from kit.config import data_dir

    return data_dir() / "arena" / "results.jsonl"


@dataclass
class _Plan:
    """What one arena run will do: who plays, the conversations wanted, and those still to play."""

    entrants: list[_Entrant]
    cast: list[str]
    people: dict[str, Persona]  # each customer's card, read once (not once per conversation)
    seeds: int
    concurrency: int
    max_turns: int
    conversation_timeout_s: float | None
    prices: Prices
    store: ResultStore
    latest: dict[tuple[str, str, int], dict[str, Any]]
    wanted: list[tuple[_Entrant, str, int]]
    todo: list[tuple[_Entrant, str, int]]
    stop: threading.Event = field(default_factory=threading.Event)  # set: start no new conversation

    def arena(self) -> Arena:
        """The latest record of every wanted conversation, in the order agent, customer, seed."""
        from kit.arena.leaderboard import Arena

        # Shown under this run's names: a renamed agent (same prompt, model, tools, knowledge) keeps its results.
        records = [{**self.latest[(e.fingerprint, p, s)], "agent": e.agent.name} for e, p, s in self.wanted]
        return Arena(records, agents=[e.agent.name for e in self.entrants], personas=self.cast, seeds=self.seeds,
                     prices=self.prices, path=self.store.path)


def _plan(agents: Any, personas: str | Sequence[str] | None, seeds: int, concurrency: int, results: str | Path | None,
          timeout_s: float | None, conversation_timeout_s: float | None, prices: str | Path | Prices | None,
          max_turns: int, max_retries: int | None, retry_failed: bool) -> _Plan:
    """Check the arguments, read what the results file already holds, and list the conversations left to play."""
    from kit.evaluation import _personas
    from kit.personas import load

    for name, value, low in (("seeds", seeds, 1), ("concurrency", concurrency, 1), ("max_turns", max_turns, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ArenaError(f"{name} must be a whole number of at least {low}; got {value!r}.")
    for name, limit in (("timeout_s", timeout_s), ("conversation_timeout_s", conversation_timeout_s)):
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit <= 0):
            raise ArenaError(f"{name} is a number of seconds above 0 (or None for no limit); got {limit!r}.")
    entrants = _entrants(agents, timeout_s, max_retries)
    cast = _personas(personas)
    table = prices if isinstance(prices, Prices) else load_prices(prices)
    store = ResultStore(results if results is not None else default_results())
    store.lock()  # before reading what is done: two runs on one file would both plan the same conversations
    wanted = [(e, p, s) for e in entrants for p in cast for s in range(seeds)]
    latest = {key_of(r): r for r in store.read()}
    todo = [(e, p, s) for e, p, s in wanted
            if (r := latest.get((e.fingerprint, p, s))) is None or (retry_failed and r["status"] == "failed")]
    todo = list({(e.fingerprint, p, s): (e, p, s) for e, p, s in todo}.values())  # two names, one agent: play once
    people = {persona: load(persona) for persona in cast}
    todo.sort(key=lambda job: _expected_work(job[0], people[job[1]]), reverse=True)
    return _Plan(entrants, cast, people, seeds, concurrency, max_turns, conversation_timeout_s, table, store, latest,
                 wanted, todo)


def _expected_work(entrant: _Entrant, customer: Persona) -> int:
    """A rough size of a conversation, so the longest start first and the run does not end on a few stragglers.

    Each task and aside is a turn or two; an agent with tools or a knowledge base makes extra calls per turn.
    """
    card = customer.card
    agent = entrant.agent
    return (len(card.tasks) + len(card.asides)) * (1 + bool(agent.tools) + (agent.knowledge is not None))


def _progress_bar(plan: _Plan, progress: bool) -> Any:
    """A tqdm bar (a widget in Jupyter), made in the caller's thread so a notebook shows it under the cell."""
    from tqdm.auto import tqdm

    return tqdm(total=len(plan.wanted), initial=len(plan.wanted) - len(plan.todo), desc="arena", unit="conv",
                disable=not progress, dynamic_ncols=True)


def _warm_up(plan: _Plan) -> None:
    """Load, in this thread, what conversations load on first use (typo tables, number and unit parsers, graders).

    Some libraries the kit imports lazily (pypinyin among them) break when several threads import
    them for the first time at once; a short offline conversation with each customer imports them first.
    """
    from kit.conversation import Agent, converse
    from kit.demo import CAST_PROMPT
    from kit.graders import grade
    from kit.llm import PracticeModel
    from kit.tools import SHOP_TOOLS

    warm = Agent(CAST_PROMPT, model=PracticeModel(), tools=SHOP_TOOLS, name="warm-up")
    for persona in dict.fromkeys(persona for _, persona, _ in plan.todo):
        if persona not in _WARMED:  # once per customer and process is enough
            grade(converse(warm, plan.people[persona], seed=0, max_turns=2))
            _WARMED.add(persona)


_WARMED: set[str] = set()


def _ready(*plan_arguments: Any) -> _Plan:
    """The plan (see `_plan`), with the libraries warmed up when conversations will run side by side."""
    plan = _plan(*plan_arguments)
    if plan.concurrency > 1:
        _warm_up(plan)
    return plan


async def _play_all(plan: _Plan, bar: Any) -> None:
    """Play the conversations left, `concurrency` at a time, appending each record as it ends."""
    failed = 0
    limit = asyncio.Semaphore(plan.concurrency)
    loop = asyncio.get_running_loop()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=plan.concurrency, thread_name_prefix="arena")
    writer = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="arena-writer")
    deadline = plan.conversation_timeout_s

    async def one(entrant: _Entrant, persona: str, seed: int) -> None:
        nonlocal failed
        async with limit:
            if plan.stop.is_set():
                return
            work = loop.run_in_executor(pool, play, entrant, plan.people[persona], seed, plan.max_turns, deadline,
                                        plan.prices)
            try:  # the meter stops the thread at its next call; this stops waiting for a call that hangs
                record = await asyncio.wait_for(work, deadline + GRACE_S) if deadline else await work
            except asyncio.TimeoutError:
                record = _timed_out(entrant, persona, seed, deadline or 0.0)
        await loop.run_in_executor(writer, plan.store.append, record)  # one writer thread: fsync never blocks the loop
        plan.latest[key_of(record)] = record
        failed += record["status"] == "failed"
        bar.update(1)
        if failed:
            bar.set_postfix(failed=failed)

    try:
        await asyncio.gather(*(one(*job) for job in plan.todo))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        writer.shutdown(wait=True)
        plan.store.close()
        bar.close()


async def arun(
    agents: Any,
    personas: str | Sequence[str] | None = None,
    seeds: int = 3,
    concurrency: int = 8,
    results: str | Path | None = None,
    timeout_s: float | None = None,
    conversation_timeout_s: float | None = None,
    prices: str | Path | Prices | None = None,
    progress: bool = True,
    max_turns: int = 12,
    max_retries: int | None = None,
    retry_failed: bool = True,
) -> Arena:
    """The arena as a coroutine, for code that already runs an event loop; see `run`."""
    plan = _ready(agents, personas, seeds, concurrency, results, timeout_s, conversation_timeout_s, prices, max_turns,
                  max_retries, retry_failed)
    await _play_all(plan, _progress_bar(plan, progress))
    return plan.arena()


def run(
    agents: Any,
    personas: str | Sequence[str] | None = None,
    seeds: int = 3,
    concurrency: int = 8,
    results: str | Path | None = None,
    timeout_s: float | None = None,
    conversation_timeout_s: float | None = None,
    prices: str | Path | Prices | None = None,
    progress: bool = True,
    max_turns: int = 12,
    max_retries: int | None = None,
    retry_failed: bool = True,
) -> Arena:
    """Every agent against every customer over seeds 0..seeds-1, `concurrency` at a time; returns the `Arena`.

    agents: kit.Agents, or dicts as in an arena YAML ({"name", "prompt", "model", "tools", "knowledge"}).
    personas: customer ids (default: the whole cast).
    results: the JSON-lines file results are appended to (default: arena/results.jsonl in the data folder);
        conversations it already holds for the same agent (same prompt, model, tools, knowledge) are skipped,
        and failed ones are played again unless retry_failed=False.
    timeout_s, max_retries: per model call (the openai SDK's own timeout and backoff, honouring Retry-After).
    conversation_timeout_s: a deadline for a whole conversation; past it, the conversation counts as failed.
    prices: a price table (YAML path or Prices) for the cost column; default: the kit's prices.yaml.
    """
    plan = _ready(agents, personas, seeds, concurrency, results, timeout_s, conversation_timeout_s, prices, max_turns,
                  max_retries, retry_failed)
    bar = _progress_bar(plan, progress)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(_play_all(plan, bar))
    else:  # inside Jupyter an event loop is already running: run ours in a thread of its own
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as runner:
            future = runner.submit(asyncio.run, _play_all(plan, bar))
            try:
                future.result()
            except KeyboardInterrupt:  # the kernel was interrupted: finish and save what is under way, start nothing new
                plan.stop.set()
                future.result()
                raise
    return plan.arena()


def run_config(config: ArenaConfig, *, concurrency: int | None = None, progress: bool = True) -> Arena:
    """Run an arena YAML (already loaded with `load_config`)."""
    return run(config, personas=None if config.personas == "all" else config.personas, seeds=config.seeds,
               concurrency=concurrency or config.concurrency, results=config.results_path,
               timeout_s=None, conversation_timeout_s=config.conversation_timeout_s,
               prices=config.path(config.prices), progress=progress, max_turns=config.max_turns)
