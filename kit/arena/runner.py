"""Play every agent against every customer over every seed, many conversations at once, resumably.

The conversations are played by the kit's one engine for many conversations (`kit.runner`):
on an endpoint, `concurrency` at a time in worker threads, each with a deadline. Each one that
ends, scored or failed, is appended to the results file at once; what the file already holds is
skipped. The run's settings are one `RunOptions`, given as keywords (`run(agents, seeds=3)`) or as
an object (`run(agents, RunOptions(seeds=3))`).
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.arena.config import AgentSpec, ArenaConfig, ArenaError, parse_config, with_call_limits
from kit.arena.prices import Prices, load_prices
from kit.arena.store import ResultStore, key_of
from kit.i18n import _
from kit.keys import scrub
from kit.runner import Job, Played, play_many

if TYPE_CHECKING:
    from kit.arena.leaderboard import Arena
    from kit.conversation import Agent
    from kit.personas import Persona


@dataclass(frozen=True)
class RunOptions:
    """How an arena runs: who plays, how many seeds, how many at once, where results go, the limits per call.

    personas: customer ids (default: the whole cast).
    results: the JSON-lines file results are appended to (default: arena/results.jsonl in the data folder);
        conversations it already holds for the same agent (same prompt, model, tools, knowledge) are skipped,
        and failed ones are played again unless retry_failed=False.
    concurrency: conversations at once on an endpoint (default: KIT_CONCURRENCY, else 8).
    timeout_s, max_retries: per model call (the openai SDK's own timeout and backoff, honouring Retry-After).
    conversation_timeout_s: a deadline for a whole conversation; past it, the conversation counts as failed.
    prices: a price table (YAML path or Prices) for the cost column; default: the kit's prices.yaml.
    """

    personas: str | Sequence[str] | None = None
    seeds: int = 3
    concurrency: int | None = None
    results: str | Path | None = None
    timeout_s: float | None = None
    conversation_timeout_s: float | None = None
    prices: str | Path | Prices | None = None
    progress: bool = True
    max_turns: int = 12
    max_retries: int | None = None
    retry_failed: bool = True

    @classmethod
    def of(cls, options: RunOptions | None, overrides: dict[str, Any]) -> RunOptions:
        """`options` (or the defaults) with keyword overrides; an unknown keyword names the known ones."""
        known = [f.name for f in dataclasses.fields(cls)]
        if unknown := sorted(set(overrides) - set(known)):
            raise ArenaError(_("The arena has no setting {names}; its settings are: {settings}.").format(
                names=", ".join(map(repr, unknown)), settings=", ".join(known)))
        if options is not None and not isinstance(options, RunOptions):
            raise ArenaError(_("The arena's second argument is a kit.arena.RunOptions (or give settings as keywords, "
                               "e.g. seeds=3); got a {kind}.").format(kind=type(options).__name__))
        return dataclasses.replace(options or cls(), **overrides)


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


@dataclass(frozen=True)
class _Entrant:
    """An agent as the arena runs it: the agent, its fingerprint and its place in the ranking's input order."""

    agent: Agent
    fingerprint: str


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
            raise ArenaError(_("agents are kit.Agent objects or dicts like {{'name': ..., 'prompt': ...}}; got a "
                               "{kind}.").format(kind=wrong))
        raw = [s.model_dump() if isinstance(s, AgentSpec) else s for s in specs]
        from_specs = iter(parse_config({"agents": raw}).build_agents() if specs else ())
        built = [a if isinstance(a, Agent) else next(from_specs) for a in agents]
    if not built:
        raise ArenaError(_("The arena needs at least one agent."))
    names = [agent.name for agent in built]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ArenaError(_("Two agents are called {names}: give each its own name, e.g. kit.Agent(prompt, "
                           "name='polite-v2').").format(names=", ".join(map(repr, twice))))
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
    options: RunOptions
    prices: Prices
    store: ResultStore
    latest: dict[tuple[str, str, int], dict[str, Any]]
    wanted: list[tuple[_Entrant, str, int]]
    todo: list[tuple[_Entrant, str, int]]

    def arena(self) -> Arena:
        """The latest record of every wanted conversation, in the order agent, customer, seed."""
        from kit.arena.leaderboard import Arena

        # Shown under this run's names: a renamed agent (same prompt, model, tools, knowledge) keeps its results.
        records = [{**self.latest[(e.fingerprint, p, s)], "agent": e.agent.name} for e, p, s in self.wanted
                   if (e.fingerprint, p, s) in self.latest]
        return Arena(records, agents=[e.agent.name for e in self.entrants], personas=self.cast,
                     seeds=self.options.seeds, prices=self.prices, path=self.store.path)


def _plan(agents: Any, options: RunOptions) -> _Plan:
    """Check the settings, read what the results file already holds, and list the conversations left to play."""
    from kit.evaluation import _personas
    from kit.personas import load

    for name, low in (("seeds", 1), ("max_turns", 1)):
        value = getattr(options, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ArenaError(_("{name} must be a whole number of at least {low}; got {value}.").format(
                name=name, low=low, value=repr(value)))
    concurrency = options.concurrency
    if concurrency is not None and (isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1):
        raise ArenaError(_("{name} must be a whole number of at least {low}; got {value}.").format(
            name="concurrency", low=1, value=repr(concurrency)))
    for name in ("timeout_s", "conversation_timeout_s"):
        limit = getattr(options, name)
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit <= 0):
            raise ArenaError(_("{name} is a number of seconds above 0 (or None for no limit); got {value}.").format(
                name=name, value=repr(limit)))
    entrants = _entrants(agents, options.timeout_s, options.max_retries)
    cast = _personas(options.personas)
    prices = options.prices
    table = prices if isinstance(prices, Prices) else load_prices(prices)
    store = ResultStore(options.results if options.results is not None else default_results())
    store.lock()  # before reading what is done: two runs on one file would both plan the same conversations
    wanted = [(e, p, s) for e in entrants for p in cast for s in range(options.seeds)]
    latest = {key_of(r): r for r in store.read()}
    todo = [(e, p, s) for e, p, s in wanted
            if (r := latest.get((e.fingerprint, p, s))) is None or (options.retry_failed and r["status"] == "failed")]
    todo = list({(e.fingerprint, p, s): (e, p, s) for e, p, s in todo}.values())  # two names, one agent: play once
    people = {persona: load(persona) for persona in cast}
    return _Plan(entrants, cast, people, options, table, store, latest, wanted, todo)


def _record(entrant: _Entrant, played: Played, prices: Prices) -> dict[str, Any]:
    """A finished conversation as a line of the results file: scored or failed (with the reason), tokens, cost."""
    transcript, card, usage = played.transcript, played.card, played.usage
    record: dict[str, Any] = {"agent": entrant.agent.name, "fingerprint": entrant.fingerprint,
                              "persona": played.job.customer.id, "seed": played.job.seed,
                              "model": entrant.agent.model.name}
    if played.ok:
        record |= {"status": "scored", "reason": "", "total": card.total, "scores": card.scores,
                   "outcome": transcript.outcome, "transcript": transcript.to_dict()}
    else:
        record |= {"status": "failed", "reason": played.reason, "total": None, "scores": {}, "outcome": None,
                   "transcript": None}
    record["tokens"] = {"prompt": usage.prompt_tokens, "completion": usage.completion_tokens, "calls": usage.calls}
    record = scrub(record)  # the in-memory record too: reports and leaderboards are built from it
    record["cost"] = prices.cost(record["model"], usage.prompt_tokens, usage.completion_tokens)
    record["seconds"] = played.seconds
    return record


def _play(plan: _Plan) -> bool:
    """Play the conversations left, appending each record as it ends; False when the run was interrupted."""
    jobs = [Job(e.agent, plan.people[p], s, plan.options.max_turns) for e, p, s in plan.todo]
    entrants = [e for e, _persona, _seed in plan.todo]

    def save(played: Played) -> None:
        record = _record(entrants[played.index], played, plan.prices)
        plan.store.append(record)
        plan.latest[key_of(record)] = record

    try:
        batch = play_many(jobs, concurrency=plan.options.concurrency, progress=plan.options.progress, desc=_("arena"),
                          on_result=save, conversation_timeout_s=plan.options.conversation_timeout_s)
    finally:
        plan.store.close()
    return not batch.interrupted


def run(agents: Any, options: RunOptions | None = None, **settings: Any) -> Arena:
    """Every agent against every customer over seeds 0..seeds-1, many at a time; returns the `Arena`.

    agents: kit.Agents, or dicts as in an arena YAML ({"name", "prompt", "model", "tools", "knowledge"}).
    The settings (personas, seeds, concurrency, results, timeout_s, conversation_timeout_s, prices, progress,
    max_turns, max_retries, retry_failed) are those of `RunOptions`, as keywords or as one object.
    Interrupted (Ctrl+C, or the kernel's stop button), it starts nothing new, keeps every conversation that
    finished in the results file, and raises KeyboardInterrupt; run it again to play the rest.
    """
    plan = _plan(agents, RunOptions.of(options, settings))
    if not _play(plan):
        raise KeyboardInterrupt(_("arena interrupted: the conversations that finished are in the results file"))
    return plan.arena()


async def arun(agents: Any, options: RunOptions | None = None, **settings: Any) -> Arena:
    """The arena as a coroutine, for code that already runs an event loop; see `run`."""
    return await asyncio.to_thread(run, agents, options, **settings)


def run_config(config: ArenaConfig, *, concurrency: int | None = None, progress: bool = True) -> Arena:
    """Run an arena YAML (already loaded with `load_config`)."""
    return run(config, personas=None if config.personas == "all" else config.personas, seeds=config.seeds,
               concurrency=concurrency or config.concurrency, results=config.results_path,
               conversation_timeout_s=config.conversation_timeout_s, prices=config.path(config.prices),
               progress=progress, max_turns=config.max_turns)
