"""The kit's own words in Chinese and English: every message the code uses has both, with the same placeholders."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import kit
from kit import i18n
from kit.errors import ConfigError

KIT = Path(kit.__file__).resolve().parent


def used_messages() -> dict[str, str | None]:
    """Every literal message the kit passes to _(), N_() or ngettext(), found in its source: id -> plural id."""
    found: dict[str, str | None] = {}
    for path in KIT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            strings = [arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
            if node.func.id in ("_", "N_") and strings:
                found[strings[0]] = None
            elif node.func.id == "ngettext" and len(strings) == 2:
                found[strings[0]] = strings[1]
    return found


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    i18n._chosen = None


def test_every_message_the_code_uses_has_a_chinese_translation_with_the_same_placeholders() -> None:
    translated, twice = {}, []
    for path in i18n.catalogue_files("zh"):
        with path.open("rb") as source:
            for message in read_po(source, locale="zh"):
                if message.id:
                    key = message.id[0] if isinstance(message.id, tuple) else message.id
                    if key in translated:
                        twice.append(f"{path.name}: {key!r}")
                    translated[key] = message
    assert not twice, f"translated in two files (keep one): {twice}"
    used = used_messages()
    assert len(used) >= 30, "the scan found the kit's messages"
    missing = sorted(m for m in used if m not in translated)
    assert not missing, f"no Chinese for: {missing}"
    for message_id, plural in used.items():
        message = translated[message_id]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(s.strip() for s in strings), f"empty translation: {message_id!r}"
        if plural is not None:
            assert isinstance(message.id, tuple) and message.id[1] == plural, f"plural differs: {message_id!r}"
        for text in strings:
            assert placeholders(text) == placeholders(message_id), f"placeholders differ: {message_id!r}"
    unused = sorted(key for key in translated if key not in used)
    assert not unused, f"translations no code uses any more: {unused}"


def test_kit_lang_and_the_locale_choose_and_set_language_switches(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KIT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert i18n.language() == "en"
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.language() == "zh"
    monkeypatch.setenv("KIT_LANG", "en")
    assert i18n.language() == "en"
    monkeypatch.setenv("KIT_LANG", "fr")
    with pytest.raises(ConfigError, match="KIT_LANG='fr'"):
        i18n.language()
    i18n.set_language("zh")
    assert i18n.language() == "zh" and i18n._("Efficient") == "高效"
    with pytest.raises(ConfigError, match="set_language"):
        i18n.set_language("de")


def test_a_scorecard_in_chinese_keeps_what_was_said_as_it_was_said() -> None:
    transcript = kit.converse(kit.Agent("You are a bot."), "typo_auntie")
    english = str(kit.grade(transcript))
    i18n.set_language("zh")
    chinese = str(kit.grade(transcript))
    assert english.startswith("Score ") and chinese.startswith("总分 ")
    assert "问题已解决" in chinese and "下一步：" in chinese and "Task solved" not in chinese
    quoted = re.findall(r'"([^"]+)"', english)
    assert quoted and all(quote in chinese for quote in quoted)  # the agent's words are not translated
