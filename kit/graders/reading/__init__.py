"""The examiner's readers: what an agent's reply and a customer's message say, read by meaning.

Graders read conversations only through this package. It shares nothing with the readers of the
simulated customer and the practice model (`kit/signals.py`), so a reply written to satisfy the
simulation is not thereby graded well: `tests/test_layers.py` fails if either side imports the
other's. Accuracy on replies written outside the project: `benchmarks/readings.py`.
"""

from kit.graders.reading import customer, reply
from kit.graders.reading.reply import Prices

__all__ = ["Prices", "customer", "reply"]
