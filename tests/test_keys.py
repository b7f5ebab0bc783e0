"""`kit.keys.scrub`: one scrubber for everything the kit writes or shows (issue 16, item 5).

The attack itself (a server echoing the Authorization header; every artifact of an arena run and of a
lesson searched for the key) is in tests/test_shared_machine.py.
"""

from __future__ import annotations

import secrets

import pytest

import kit
from kit.keys import HIDDEN, remember, scrub


def test_scrub_hides_keys_inside_nested_records_and_leaves_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    key = "sk-" + secrets.token_hex(12)
    monkeypatch.setenv("KIT_API_KEY", key)
    record = {"text": f"your key is {key}", "calls": [{"arguments": {"note": key}}], "seed": 3, "pair": (key, 1.5)}
    assert scrub(record) == {"text": f"your key is {HIDDEN}", "calls": [{"arguments": {"note": HIDDEN}}], "seed": 3,
                             "pair": (HIDDEN, 1.5)}
    monkeypatch.setenv("KIT_API_KEY", "none")  # a placeholder, not a secret: ordinary words stay as they are
    assert scrub("none of the sizes") == "none of the sizes"


def test_a_key_given_to_a_model_is_hidden_even_when_it_is_in_no_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    key = "sk-" + secrets.token_hex(12)
    for name in ("KIT_API_KEY", "OPENAI_API_KEY", "DASHSCOPE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    kit.llm.OpenAIChat("test-model", base_url="http://127.0.0.1:9/v1", api_key=key)
    assert scrub(f"Bearer {key}") == f"Bearer {HIDDEN}"
    remember("short")  # too short to be a key: ignored
    assert scrub("a short answer") == "a short answer"
