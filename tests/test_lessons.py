"""What a lesson costs on a real model, and the smaller sample its cells play there."""

from __future__ import annotations

import pytest

import kit
from kit import lessons
from kit.errors import ConfigError


def real(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIT_MODEL", "some-model")
    monkeypatch.setenv("KIT_BASE_URL", "http://127.0.0.1:9/v1")


def test_offline_every_seed_is_played_and_nothing_is_said(capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIT_MODEL", "practice")
    assert lessons.sample(3) == 3 and capsys.readouterr().out == ""


def test_on_a_real_model_the_sample_is_smaller_and_stated(capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    real(monkeypatch)
    assert lessons.sample(3) == 2 and "playing 2 seeds per customer instead of 3" in capsys.readouterr().out
    assert lessons.sample(1) == 1
    monkeypatch.setenv("KIT_LESSON_SEEDS", "5")
    assert lessons.sample(3) == 3
    monkeypatch.setenv("KIT_LESSON_SEEDS", "none")
    with pytest.raises(ConfigError, match="KIT_LESSON_SEEDS='none'"):
        lessons.sample(3)


def test_every_lesson_has_a_measured_cost_and_the_header_states_the_wait(capsys: pytest.CaptureFixture[str],
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    notebooks = sorted(p.stem for p in (Path(kit.__file__).parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(lessons.costs()) == notebooks
    assert all(cost["calls"] >= cost["conversations"] > 0 for cost in lessons.costs().values())
    calls = lessons.costs()["03_difficult_customers"]["calls"]
    line = lessons.cost_line("03_difficult_customers")
    assert f"about {calls} model calls" in line and "at 2 s a call, 8 at a time" in line
    real(monkeypatch)
    kit.check("03_difficult_customers")
    out = capsys.readouterr().out
    assert line in out and "You are on some-model" in out and "read your own transcripts" in out
