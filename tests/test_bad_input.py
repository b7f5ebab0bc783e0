"""Bad input gets one clear line, not a raw traceback or a silent wrong answer (issue 16, item 10)."""

from __future__ import annotations

import pytest

import kit
from kit.errors import KitError


def test_a_negative_height_or_weight_is_refused_and_a_range_still_reads() -> None:
    with pytest.raises(ValueError, match="negative"):
        kit.units.parse_height("-170cm")
    with pytest.raises(ValueError, match="negative"):
        kit.units.parse_weight("负60公斤")
    assert kit.units.parse_height("160-170cm") == 170.0


@pytest.mark.parametrize("max_turns", [0, -1, 1.5, "3", True])
def test_converse_refuses_a_turn_limit_that_is_not_a_positive_whole_number(max_turns: object) -> None:
    with pytest.raises(KitError, match="max_turns is how many replies"):
        kit.converse(kit.Agent("You are a bot."), "typo_auntie", max_turns=max_turns)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [None, "x", 1.5, -1])
def test_converse_refuses_a_seed_that_is_not_a_whole_number(seed: object) -> None:
    with pytest.raises(KitError, match="seed picks the customer's wording"):
        kit.converse(kit.Agent("You are a bot."), "typo_auntie", seed=seed)  # type: ignore[arg-type]


def test_agent_refuses_a_k_or_tools_it_cannot_use() -> None:
    with pytest.raises(KitError, match="a whole number of at least 1, not '3'"):
        kit.Agent("You are a bot.", k="3")  # type: ignore[arg-type]
    with pytest.raises(KitError, match="tools= takes the kit's tools"):
        kit.Agent("You are a bot.", tools=["x"])  # type: ignore[list-item]


def test_an_empty_customer_message_with_a_knowledge_base_is_answered() -> None:
    index = kit.rag.Index.from_docs()
    agent = kit.Agent("You are the customer service of a clothing shop.", knowledge=index)
    messages = agent.opening_messages("J-101", "zh") + [{"role": "user", "content": "   "}]
    reply, _ = agent.respond(messages)
    assert isinstance(reply.text, str) and agent.last_sources == ()


def _card_and_config_loaders() -> list:
    from kit.arena.config import load_config

    return [kit.personas.load, load_config]


@pytest.mark.parametrize("loader", _card_and_config_loaders(), ids=["persona card", "arena config"])
def test_a_yaml_nested_200k_deep_is_one_line_not_a_recursion_error(tmp_path, loader) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("agents: " + "[" * 200_000 + "]" * 200_000, encoding="utf-8")
    with pytest.raises(KitError, match="nested far too deeply") as caught:
        loader(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize("loader", _card_and_config_loaders(), ids=["persona card", "arena config"])
def test_a_file_not_saved_as_utf8_names_its_line_and_says_how_to_fix_it(tmp_path, loader) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("id: auntie\nname: 错别字阿姨\n".encode("gbk"))
    with pytest.raises(KitError, match=r"gbk\.yaml:2: not UTF-8 text\. Save the file as UTF-8"):
        loader(path)


@pytest.mark.parametrize("loader", _card_and_config_loaders(), ids=["persona card", "arena config"])
def test_a_pipe_or_a_folder_is_refused_without_waiting(tmp_path, loader) -> None:
    import os

    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "folder.yaml").mkdir()
    for name in ("pipe.yaml", "folder.yaml"):
        with pytest.raises(KitError, match="not a regular file"):
            loader(tmp_path / name)


def test_evaluate_takes_loaded_personas_and_a_wrong_one_is_a_short_error() -> None:
    auntie = kit.personas.load("typo_auntie")
    evaluation = kit.evaluate(kit.Agent("You are a bot."), personas=[auntie], seeds=1)
    assert list(evaluation.transcripts) == ["typo_auntie"]
    with pytest.raises(KitError, match="No persona called <class") as caught:
        kit.evaluate(kit.Agent("You are a bot."), personas=[kit.personas.Persona], seeds=1)  # type: ignore[list-item]
    assert len(str(caught.value)) < 500, "the message names the mistake; it does not dump a whole card"


def test_arena_results_with_wrong_typed_fields_are_skipped_with_their_line(tmp_path) -> None:
    import json
    import warnings

    results = tmp_path / "results.jsonl"
    kit.arena.run([kit.Agent("You are a shop assistant.", name="a")], personas=["typo_auntie"], seeds=1,
                  results=results, progress=False)
    good = json.loads(results.read_text(encoding="utf-8"))
    broken = [{"seed": 5, "total": "high"}, {"seed": 6, "scores": [1, 2]}, {"seed": 7, "tokens": "x"},
              {"seed": 8, "cost": "free"}, {"seed": 9, "status": "weird"}, {"seed": 10, "transcript": [1]},
              {"seed": 11, "status": "failed", "reason": None}, {"seed": True}]
    with results.open("a", encoding="utf-8") as file:
        file.writelines(json.dumps(good | change) + "\n" for change in broken)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        arena = kit.arena.load(results)
        arena.leaderboard()
        report = arena.report(tmp_path / "report.html")
    assert len(arena.records) == 1 and report.is_file()
    lines = sorted({int(str(w.message).split("line ")[1].split(":")[0]) for w in caught})
    assert lines == list(range(2, 2 + len(broken))), "each bad line named once per read, with its number"
