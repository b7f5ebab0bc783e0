"""How fast the scripted customers play, next to baselines measured in the same run; and a full cast run.

Run: .venv/bin/python benchmarks/personas.py [seconds-per-measurement]

Part 1, the engine alone. Every persona x 10 seeds x two prompts is played once with the practice
model, and the agent replies are kept. Those same turns are then replayed, interleaved round by
round so machine noise hits all alike, through:
  - a dict lookup of the canned reply (the floor: what a turn costs with no customer at all),
  - `CustomerSession.respond` on the canned replies (the scripted customer, alone),
  - `PracticeModel.complete` on the same conversations (the practice agent writing those replies).
It prints turns per second (best of the rounds) and ratios, never a verdict or a time limit.

Part 2, the full run: the same grid through `kit.converse` + `kit.grade`, timed as one batch
(wall seconds, conversations per second), with the mean total score per prompt and per persona.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import kit
from kit import personas
from kit.demo import CAST_PROMPT, PROMPTS
from kit.tools import SHOP_TOOLS
from kit.llm import Message, PracticeModel

SEEDS = range(10)
# The weakest and the strongest prompt of lesson 01 (kit demo's first and last attempt).
CHOSEN = {  # label -> (prompt, tools)
    "weak (one line)": (PROMPTS[0][1], ()),
    "lesson 01's last": (PROMPTS[-1][1], ()),
    "cast prompt + tools": (CAST_PROMPT, SHOP_TOOLS),
}
ROUNDS = 5


@dataclass(frozen=True)
class Played:
    """One conversation's turns, ready to replay: who, which seed, and the agent's replies in order."""

    persona: personas.Persona
    seed: int
    replies: tuple[str, ...]
    customer: tuple[str, ...]  # what the customer said, to check the replay reproduces it
    contexts: tuple[tuple[Message, ...], ...]  # what the agent saw before each reply


def record() -> list[Played]:
    """Play the grid once with the practice model and keep every turn."""
    played = []
    for name in personas.names():
        persona = personas.load(name)
        for prompt, _ in CHOSEN.values():  # the engine part needs no tools: it replays plain replies
            agent = kit.Agent(prompt, model="practice")
            opening = agent.opening_messages(persona.card.page, persona.card.language)
            for seed in SEEDS:
                transcript = kit.converse(agent, persona, seed=seed)
                messages: list[Message] = list(opening)
                contexts = []
                for turn in transcript.turns:
                    if turn.role == "agent":
                        contexts.append(tuple(messages))
                    messages.append({"role": "user" if turn.role == "customer" else "assistant", "content": turn.text})
                replies = tuple(turn.text for turn in transcript.agent_turns)
                customer = tuple(turn.text for turn in transcript.customer_turns)
                played.append(Played(persona, seed, replies, customer, tuple(contexts)))
    return played


def replay_customer(conversation: Played) -> list[str]:
    """The scripted customer alone: a fresh session fed the canned agent replies."""
    session = conversation.persona.start(conversation.seed)
    said = [session.opening().text]
    for reply in conversation.replies:
        said.append(session.respond(reply).text)
    return said


def turns_per_second(work: Callable[[Played], object], played: list[Played]) -> float:
    """Agent replies handled per second over one pass through every recorded conversation."""
    turns = sum(len(conversation.replies) for conversation in played)
    started = time.perf_counter()
    for conversation in played:
        work(conversation)
    return turns / (time.perf_counter() - started)


def engine_alone(played: list[Played], seconds: float) -> None:
    model = PracticeModel()
    canned = {(id(c), n): reply for c in played for n, reply in enumerate(c.replies)}

    def lookup(conversation: Played) -> None:
        key = id(conversation)
        for number in range(len(conversation.replies)):
            canned[key, number]

    def practice(conversation: Played) -> None:
        for context in conversation.contexts:
            model.complete(list(context))

    candidates = {
        "dict lookup (floor)": lookup,
        "CustomerSession.respond": replay_customer,
        "PracticeModel.complete": practice,
    }
    mismatched = [c for c in played if tuple(replay_customer(c)) != c.customer]
    assert not mismatched, f"the replay differs from the recorded conversation for {len(mismatched)} of them"
    turns = sum(len(c.replies) for c in played)
    results: dict[str, list[float]] = {name: [] for name in candidates}
    deadline = time.perf_counter() + seconds * len(candidates) * ROUNDS
    rounds = 0
    while rounds < ROUNDS or (time.perf_counter() < deadline and rounds < 50):
        for name, work in candidates.items():
            results[name].append(turns_per_second(work, played))
        rounds += 1
    best = {name: max(rates) for name, rates in results.items()}
    engine, agent = best["CustomerSession.respond"], best["PracticeModel.complete"]
    print(f"Part 1 · the engine alone: {len(played)} recorded conversations, {turns:,} agent replies, "
          f"replayed {rounds} rounds, interleaved")
    print(f"{'':<26} {'turns/s (best)':>15} {'median':>12} {'x practice model':>17}")
    for name, rates in results.items():
        print(f"{name:<26} {best[name]:15,.0f} {statistics.median(rates):12,.0f} {best[name] / agent:17.2f}")
    print(f"  → a scripted customer turn costs {agent / engine:.2f}x a practice-model reply "
          f"(customer share of a conversation's turns: {agent / (engine + agent):.0%})")


def full_run() -> None:
    names = personas.names()
    scores: dict[str, dict[str, list[float]]] = {label: {name: [] for name in names} for label in CHOSEN}
    outcomes: dict[str, dict[str, int]] = {label: {} for label in CHOSEN}
    conversing = grading = 0.0
    started = time.perf_counter()
    for label, (prompt, tools) in CHOSEN.items():
        agent = kit.Agent(prompt, model="practice", tools=tools)
        for name in names:
            persona = personas.load(name)
            for seed in SEEDS:
                t0 = time.perf_counter()
                transcript = kit.converse(agent, persona, seed=seed)
                t1 = time.perf_counter()
                card = kit.grade(transcript)
                grading += time.perf_counter() - t1
                conversing += t1 - t0
                scores[label][name].append(card.total)
                outcomes[label][transcript.outcome] = outcomes[label].get(transcript.outcome, 0) + 1
    wall = time.perf_counter() - started
    count = len(CHOSEN) * len(names) * len(SEEDS)
    print(f"\nPart 2 · full run: {len(names)} personas x {len(SEEDS)} seeds x {len(CHOSEN)} prompts = {count} "
          f"conversations, practice model, converse + grade")
    print(f"  wall {wall:.2f} s · {count / wall:.1f} conversations/s · converse {conversing:.2f} s, "
          f"grade {grading:.2f} s")
    width = max(map(len, names))
    print(f"  {'mean total (0-100)':<{width}} " + " ".join(f"{label:>26}" for label in CHOSEN))
    for name in names:
        print(f"  {name:<{width}} " + " ".join(f"{statistics.mean(scores[l][name]):26.1f}" for l in CHOSEN))
    print(f"  {'ALL':<{width}} " + " ".join(
        f"{statistics.mean(s for per in scores[l].values() for s in per):26.1f}" for l in CHOSEN))
    for label in CHOSEN:
        ends = ", ".join(f"{outcome} {n}" for outcome, n in sorted(outcomes[label].items()))
        print(f"  outcomes, {label}: {ends}")


def main(seconds: float = 0.5) -> None:
    started = time.perf_counter()
    played = record()  # also the warm-up: catalogue, promotions, size charts, signals
    print(f"(recorded the grid in {time.perf_counter() - started:.2f} s)")
    engine_alone(played, seconds)
    full_run()


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 0.5)
