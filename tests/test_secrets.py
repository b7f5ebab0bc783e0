"""The API key never leaks (outputs, transcripts, tracker, cache), and recordings replay offline."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from kit.config import load_settings
from kit.errors import ReplayMiss
from kit.llm import CachedModel, OpenAIChat, get_model
from kit.testing.openai_server import serve

KEY_HEX = secrets.token_hex(16)
KEY = f"sk-test-{KEY_HEX}"

SCRIPT = [
    {"text": "阿姨您好，请问您的身高和体重是多少呢？"},
    {"tool_call": {"name": "size_lookup", "arguments": {"sku": "J-101", "height_cm": 165, "weight_kg": 60}}},
    {"text": "别着急，根据您的身高体重，建议您买L码，穿着不紧也不大。"},
    {"text": "1. 点页面下面的“L码”\n2. 点“立即购买”\n3. 填好地址，点“付款”就好了"},
]

# What a learner's notebook does, run in a fresh process configured only by the environment.
CONVERSE = """
import sys
import kit
from kit.config import load_settings
from kit.tools import size_lookup

agent = kit.Agent("你是一家服装店的客服。", tools=[size_lookup])
transcript = kit.converse(agent, "typo_auntie", seed=0)
transcript.save(sys.argv[1])
tracker = kit.Tracker("secrets_check")
tracker.log(agent, kit.grade(transcript))
settings = load_settings()
print(repr(agent), repr(agent.model), repr(settings), settings.describe(), repr(tracker), transcript, sep="\\n")
"""


@dataclass(frozen=True)
class Runs:
    """Everything the recorded and replayed runs left behind."""

    folder: Path
    env: dict[str, str]
    results: dict[str, subprocess.CompletedProcess[str]]


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run this Python with `args` in a fresh process, capturing what it prints."""
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=60
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """Record a conversation and run `kit doctor` against the server, then replay with it stopped."""
    folder = tmp_path_factory.mktemp("secrets")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIT_", "OPENAI_", "DASHSCOPE_"))}
    env |= {
        "KIT_DATA_DIR": str(folder / "data"), "KIT_CACHE_DIR": str(folder / "cache"),
        "KIT_MODEL": "test-model", "KIT_API_KEY": KEY,
    }
    results = {}
    with serve(SCRIPT, folder / "server" / "requests.jsonl") as url:
        env["KIT_BASE_URL"] = url
        write = {**env, "KIT_CACHE": "write"}
        results["write"] = run(["-c", CONVERSE, str(folder / "recorded.json")], write, folder)
        results["doctor"] = run(["-m", "kit", "doctor", "--timeout", "5"], write, folder)
        lesson = Path(__file__).resolve().parent.parent / "notebooks" / "01_first_prompt.ipynb"
        results["notebook"] = run(
            ["-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", str(lesson),
             "--output-dir", str(folder / "notebook"), "--output", "lesson01"], write, folder,
        )
    replay = {**env, "KIT_CACHE": "replay"}  # KIT_BASE_URL now points at a closed port
    results["replay"] = run(["-c", CONVERSE, str(folder / "replayed.json")], replay, folder)
    return Runs(folder, env, results)


def test_key_appears_in_no_output_and_no_file(runs: Runs) -> None:
    for name, result in runs.results.items():
        assert result.returncode == 0, f"{name}:\n{result.stdout}\n{result.stderr}"
        for stream in (result.stdout, result.stderr):
            assert KEY_HEX not in stream, f"the key leaked into the output of {name}"
    assert "key set" in runs.results["doctor"].stdout and "OpenAIChat(" in runs.results["write"].stdout

    files = [path for path in runs.folder.rglob("*") if path.is_file()]
    recorded = [path for path in files if path.is_relative_to(runs.folder / "cache")]
    assert recorded and (runs.folder / "data" / "secrets_check.jsonl").is_file()  # the walk sees real files
    executed = (runs.folder / "notebook" / "lesson01.ipynb").read_text(encoding="utf-8")
    assert "test-model" in executed and "key set" in executed  # the lesson really ran on the keyed endpoint
    leaked = [path for path in files if KEY_HEX.encode() in path.read_bytes()]
    assert not leaked, f"the key was written to {leaked}"


def test_replay_with_the_server_stopped_gives_the_same_transcript(runs: Runs) -> None:
    assert runs.results["replay"].returncode == 0, runs.results["replay"].stderr
    recorded = json.loads((runs.folder / "recorded.json").read_text(encoding="utf-8"))
    replayed = json.loads((runs.folder / "replayed.json").read_text(encoding="utf-8"))
    assert recorded["outcome"] == "satisfied"
    assert replayed == recorded


def test_unrecorded_call_under_replay_says_how_to_record(
    runs: Runs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("KIT_CACHE_DIR", "KIT_MODEL", "KIT_API_KEY", "KIT_BASE_URL"):
        monkeypatch.setenv(name, runs.env[name])
    monkeypatch.setenv("KIT_CACHE", "replay")
    monkeypatch.chdir(tmp_path)

    model = get_model()
    assert isinstance(model, CachedModel)
    with pytest.raises(ReplayMiss) as caught:
        model.complete([{"role": "user", "content": "a question nobody recorded"}])
    message = str(caught.value)
    assert "'test-model'" in message and "KIT_CACHE=write" in message
    assert KEY_HEX not in message


def test_settings_and_models_never_show_the_key(tmp_path: Path) -> None:
    from_env = load_settings(environ={"KIT_MODEL": "test-model", "KIT_API_KEY": KEY}, cwd=tmp_path)
    (tmp_path / ".env").write_text(f"KIT_MODEL=test-model\nOPENAI_API_KEY={KEY}\n", encoding="utf-8")
    from_dotenv = load_settings(environ={"KIT_ENV_FILE": ".env"}, cwd=tmp_path)
    from_args = load_settings(model="test-model", api_key=KEY, environ={}, cwd=tmp_path)

    for settings in (from_env, from_dotenv, from_args):
        assert settings.api_key is not None and settings.api_key.get_secret_value() == KEY
        chat = OpenAIChat(settings=settings)
        cached = CachedModel(chat, "off", tmp_path)
        shown = [repr(settings), str(settings), settings.describe(), repr(chat), repr(cached)]
        assert not [text for text in shown if KEY_HEX in text], shown
    assert from_dotenv.source == f".env ({tmp_path / '.env'})"
