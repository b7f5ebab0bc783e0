"""The practice model: an offline, deterministic stand-in for a weak assistant (not a language model).

It reads the system prompt once per conversation against its documented instruction catalogue
(`catalogue.yaml`), follows the instructions it finds, and shows the typical failure of each one it
does not find or that the prompt contradicts. `explain(prompt)` shows, line by line, what it read.
"""

from __future__ import annotations

from kit.practice.catalogue import Explanation, explain, load_catalogue, recognise
from kit.practice.model import PracticeModel

__all__ = ["Explanation", "PracticeModel", "explain", "load_catalogue", "recognise"]
