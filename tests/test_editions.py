"""The Chinese edition is built from the English lesson: it is current, complete, and its code differs only where declared."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kit import editions
from kit.editions import Edition, EditionError, build, stale

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("edition", editions.editions("zh"), ids=lambda e: f"{e.kind}-{e.lesson}")
def test_every_committed_edition_is_what_its_translation_builds(edition: Edition) -> None:
    assert stale(edition) == ""
    english = json.loads(edition.english.read_text(encoding="utf-8"))["cells"]
    chinese = json.loads(edition.target.read_text(encoding="utf-8"))["cells"]
    assert [c["id"] for c in english] == [c["id"] for c in chinese]
    for en, zh in zip(english, chinese):
        text = "".join(zh["source"])
        if en["cell_type"] == "markdown":
            assert CJK.search(text), f"cell {en['id']} is not in Chinese"
        assert zh["cell_type"] == en["cell_type"]


def test_the_code_differs_only_by_the_declared_replacements() -> None:
    edition = Edition("zh", "00_setup")
    built = build(edition)
    english = json.loads(edition.english.read_text(encoding="utf-8"))
    changed = [en["id"] for en, zh in zip(english["cells"], built["cells"])
               if en["cell_type"] == "code" and "".join(en["source"]) != "".join(zh["source"])]
    assert changed == ["c02", "c04", "c08", "c12", "c14", "c16"]
    first = "".join(built["cells"][2]["source"])
    assert 'kit.i18n.set_language("zh")' in first and 'kit.check("00_setup")' in first


def copy_lesson(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, translation: str) -> Edition:
    """A lesson and its translation in a scratch course folder."""
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "lessons" / "zh").mkdir(parents=True)
    notebook = {"cells": [
        {"id": "c00", "cell_type": "markdown", "metadata": {}, "source": ["# Lesson"]},
        {"id": "c01", "cell_type": "code", "metadata": {}, "source": ['agent = kit.Agent("Be brief.")'],
         "outputs": [], "execution_count": 1}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "notebooks" / "99_x.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    (tmp_path / "lessons" / "zh" / "99_x.yaml").write_text(translation, encoding="utf-8")
    monkeypatch.setattr(editions, "ROOT", tmp_path)
    monkeypatch.setattr(editions, "SOURCES", tmp_path / "lessons")
    return Edition("zh", "99_x")


@pytest.mark.parametrize("translation, message", [
    ("cells:\n  c01:\n    replace: []\n", "cell c00 (markdown) has no translation"),
    ("cells:\n  c00: '# 课'\n  c01:\n    replace: [['\"Be short.\"', '\"简短。\"']]\n", "appears 0 times in the English code"),
    ("cells:\n  c00: '# 课'\n  c09: '# 多余'\n", "cells c09 are not in 99_x.ipynb"),
    ("cells: [1, 2]\n", "needs `cells:`"),
])
def test_a_translation_that_no_longer_fits_says_which_cell_and_what_to_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, translation: str, message: str) -> None:
    edition = copy_lesson(tmp_path, monkeypatch, translation)
    with pytest.raises(EditionError, match=re.escape(message)):
        build(edition)


def test_an_edition_goes_stale_when_the_english_code_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edition = copy_lesson(tmp_path, monkeypatch,
                          "cells:\n  c00: '# 课'\n  c01:\n    replace: [['\"Be brief.\"', '\"回复要简短。\"']]\n")
    assert "missing" in stale(edition)
    editions.write(edition)
    built = json.loads(edition.target.read_text(encoding="utf-8"))
    assert stale(edition) == "" and built["cells"][1]["source"] == ['agent = kit.Agent("回复要简短。")']
    source = json.loads(edition.english.read_text(encoding="utf-8"))
    source["cells"][1]["source"] = ['agent = kit.Agent("Be brief.", name="v2")']
    edition.english.write_text(json.dumps(source), encoding="utf-8")
    assert "cell c01 (code) differs" in stale(edition)


def english_fragments() -> set[str]:
    """The fixed words of every message the kit has in Chinese, four words or more, placeholders cut out."""
    from babel.messages.pofile import read_po

    from kit import i18n

    fragments = set()
    for path in i18n.catalogue_files("zh"):
        with path.open("rb") as source:
            for message in read_po(source, locale="zh"):
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                for text in filter(None, ids):
                    fragments |= {part.strip() for part in re.split(r"\{[^}]*\}|\n", text) if len(part.split()) >= 4}
    return fragments


def output_text(notebook: dict) -> str:
    parts = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            parts.append("".join(output.get("text", "")))
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/"):
                    parts.append("".join(value) if isinstance(value, list) else value)
    return "\n".join(parts)


@pytest.mark.parametrize("edition", editions.editions("zh"), ids=lambda e: f"{e.kind}-{e.lesson}")
def test_a_chinese_edition_shows_none_of_the_kits_english_messages(edition: Edition) -> None:
    shown = output_text(json.loads(edition.target.read_text(encoding="utf-8")))
    assert CJK.search(shown), "the edition has been executed"
    english = sorted(fragment for fragment in english_fragments() if fragment in shown)
    assert not english, f"{edition.target.name} shows the kit's English: {english[:10]}"
    assert "missing from font" not in shown, f"{edition.target.name} drew Chinese labels without a Chinese font"
