"""The README documents what the kit really does: its commands and the practice model's catalogue."""

from pathlib import Path

from kit.practice.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_catalogue_instruction_is_in_the_readme_table() -> None:
    for instruction in load_catalogue().instructions:
        assert f"| `{instruction.id}` | {instruction.title} |" in README, f"add {instruction.id} to README's table"


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in README and "make lab" in README
    assert (ROOT / ".ci" / "run").read_text().strip().endswith("make test")


def test_the_readme_shows_the_demo_climb_as_it_is() -> None:
    import re
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "kit", "demo"], capture_output=True, text=True, check=True).stdout
    climb = re.search(r"Totals: .*", out).group(0)
    assert climb in README, f"update the README's demo block to: {climb}"
