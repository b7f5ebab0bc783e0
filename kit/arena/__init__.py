"""The arena: many agents against the whole cast over several seeds, ranked, resumable and robust.

    arena = kit.arena.run([kit.Agent(v1, name="v1"), kit.Agent(v2, name="v2")], seeds=3)
    arena.leaderboard()        # mean with a 90% noise band, passes, failures, tokens, cost
    arena.worst("v1")          # its lowest-scoring conversation, with the scorecard's hints
    arena.report("arena.html") # one self-contained HTML file

From a terminal: `kit arena examples/arena.yaml --report arena.html`. Results are appended to a
JSON-lines file as each conversation ends; running again skips what it holds.
"""

from kit.arena.config import AgentSpec, ArenaConfig, ArenaError, load_config
from kit.arena.leaderboard import Arena, Match, load
from kit.arena.prices import Prices, load_prices
from kit.arena.runner import RunOptions, arun, fingerprint, run, run_config

__all__ = ["AgentSpec", "Arena", "ArenaConfig", "ArenaError", "Match", "Prices", "RunOptions", "arun", "fingerprint", "load",
           "load_config", "load_prices", "run", "run_config"]
