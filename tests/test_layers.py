"""The examiner and the student read replies with separate readers.

The simulated customer and the practice model read conversations with `kit/signals.py`; the graders
read them with `kit/graders/reading/`. If either side imported the other's readers, a reply written to
satisfy the simulation would be graded by the same answer key. These tests read every module's imports
(at any depth: top level or inside functions) and fail on a crossing.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

KIT = Path(__file__).resolve().parent.parent / "kit"

# The student's side: what plays the customer and the practice model.
STUDENT = ("kit.signals", "kit.personas", "kit.practice")
# The examiner's side: the graders and their readers.
EXAMINER = ("kit.graders",)


def module_name(path: Path) -> str:
    parts = path.relative_to(KIT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module a file imports, by its full dotted name (`from kit import signals` -> kit.signals)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def inside(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == package or name.startswith(package + ".") for package in packages)


MODULES = {module_name(path): imports(path) for path in sorted(KIT.rglob("*.py"))}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if inside(m, EXAMINER)))
def test_graders_do_not_import_the_simulation_readers(module: str) -> None:
    crossing = sorted(name for name in MODULES[module] if inside(name, STUDENT) and not _card_data(name))
    assert not crossing, f"{module} imports the simulation's readers: {crossing}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if inside(m, STUDENT)))
def test_the_simulation_does_not_import_the_graders(module: str) -> None:
    crossing = sorted(name for name in MODULES[module] if inside(name, EXAMINER))
    assert not crossing, f"{module} imports the examiner's readers: {crossing}"


def _card_data(name: str) -> bool:
    """The persona cards themselves (who the customer is, what they came for) are the conversation's facts, not readers."""
    return name in {"kit.personas", "kit.personas.load", "kit.personas.Persona", "kit.personas.card", "kit.personas.card.Task"}


def test_the_check_sees_both_sides() -> None:
    assert any(inside(m, EXAMINER) for m in MODULES) and any(inside(m, STUDENT) for m in MODULES)
    assert "kit.graders.reading.reply" in MODULES and "kit.signals" in MODULES
    assert "kit.signals" in imports(KIT / "personas" / "engine.py")  # the check would see a crossing like this one
