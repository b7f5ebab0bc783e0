"""What each lesson costs on a real model, and how many seeds its cells play there.

On the practice model a lesson plays everything it shows (free and offline). On a real endpoint a
cell that plays several seeds per customer plays a smaller, stated sample, `sample(3)` -> 2 by
default (KIT_LESSON_SEEDS sets it, up to what the cell asks for): two seeds still show the noise and
let `compare` judge, at a fraction of the wait. `lessons.yaml` holds each lesson's model calls on
the practice model, measured by `scripts/lesson_costs.py`; `kit.check(lesson)` prints them with the
expected wait.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from kit.errors import ConfigError

COSTS = Path(__file__).with_name("lessons.yaml")
REAL_SEEDS = 2  # seeds per customer a lesson cell plays on a real endpoint unless KIT_LESSON_SEEDS says otherwise
LATENCY_S = 2.0  # a typical hosted model's seconds per call, for the expected wait


def _real() -> bool:
    from kit.config import load_settings

    return not load_settings().is_practice


def sample(seeds: int) -> int:
    """The seeds a lesson cell plays: all of them offline; on a real endpoint KIT_LESSON_SEEDS (default 2), at most `seeds`."""
    if not _real():
        return seeds
    text = os.environ.get("KIT_LESSON_SEEDS", "").strip()
    if text and (not text.isdigit() or int(text) < 1):
        from kit.i18n import _

        raise ConfigError(_("KIT_LESSON_SEEDS={text} is not a whole number of seeds (1 or more): write e.g. "
                            "KIT_LESSON_SEEDS=3, or unset it for {default}.").format(text=repr(text), default=REAL_SEEDS))
    chosen = min(seeds, int(text) if text else REAL_SEEDS)
    if chosen < seeds:
        from kit.i18n import ngettext

        print(ngettext("Real model: playing {chosen} seed per customer instead of {seeds} (set KIT_LESSON_SEEDS={seeds} "
                       "to play them all).",
                       "Real model: playing {chosen} seeds per customer instead of {seeds} (set KIT_LESSON_SEEDS={seeds} "
                       "to play them all).", chosen).format(chosen=chosen, seeds=seeds))
    return chosen


@functools.cache
def costs() -> dict[str, dict[str, int]]:
    """Lesson id -> {"calls", "conversations"} as measured on the practice model."""
    import yaml

    return yaml.safe_load(COSTS.read_text(encoding="utf-8")) or {} if COSTS.is_file() else {}


def cost_line(lesson: str, concurrency: int = 8) -> str:
    """One line for a lesson's header: its model calls and the expected wait on a real model."""
    cost = costs().get(lesson)
    if not cost:
        return ""
    from kit.i18n import _

    calls, conversations = cost["calls"], cost["conversations"]
    wait = calls * LATENCY_S / concurrency / 60
    return _("On a real model this lesson makes about {calls} model calls ({conversations} conversations): about "
             "{minutes} min at {latency} s a call, {concurrency} at a time (fewer: cells that play several seeds play "
             "{real_seeds} there).").format(calls=calls, conversations=conversations, minutes=max(1, round(wait)),
                                            latency=f"{LATENCY_S:g}", concurrency=concurrency, real_seeds=REAL_SEEDS)
