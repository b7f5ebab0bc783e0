"""Finding the model: arguments over environment over .env; presets; the practice default."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.config import PRESETS, load_settings
from kit.errors import ConfigError


def test_nothing_configured_means_the_practice_model(tmp_path: Path) -> None:
    settings = load_settings(environ={}, cwd=tmp_path)
    assert settings.is_practice and "offline stand-in" in settings.describe()


def test_environment_wins_over_dotenv_and_arguments_win_over_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("KIT_MODEL=from-dotenv\nKIT_BASE_URL=http://dotenv/v1\nKIT_API_KEY=k1\n")
    monkeypatch.setattr("kit.config.COURSE", tmp_path)  # the course folder: its .env counts from notebooks/ too
    nested = tmp_path / "notebooks"
    nested.mkdir()
    assert load_settings(environ={}, cwd=nested).model == "from-dotenv"  # the course folder's .env
    env = {"KIT_MODEL": "from-env"}
    assert load_settings(environ=env, cwd=nested).model == "from-env"
    assert load_settings(environ=env, cwd=nested).base_url == "http://dotenv/v1"
    assert load_settings("from-args", environ=env, cwd=nested).model == "from-args"


@pytest.mark.parametrize("provider", sorted(PRESETS))
def test_presets_fill_url_and_model(provider: str, tmp_path: Path) -> None:
    settings = load_settings(environ={"KIT_PROVIDER": provider, "KIT_API_KEY": "x"}, cwd=tmp_path)
    assert settings.base_url == PRESETS[provider].base_url and settings.model == PRESETS[provider].model


def test_local_servers_need_no_key(tmp_path: Path) -> None:
    settings = load_settings(environ={"KIT_PROVIDER": "ollama"}, cwd=tmp_path)
    assert settings.api_key is not None  # the SDK insists on one
    assert "(no key needed, from preset ollama)" in settings.describe()
    keyed = load_settings(environ={"KIT_PROVIDER": "ollama", "KIT_API_KEY": "local-secret"}, cwd=tmp_path)
    assert "(key set," in keyed.describe()


def test_dashscope_key_variable_is_understood(tmp_path: Path) -> None:
    settings = load_settings(environ={"KIT_PROVIDER": "dashscope", "DASHSCOPE_API_KEY": "ds"}, cwd=tmp_path)
    assert settings.api_key.get_secret_value() == "ds"


def test_an_unknown_provider_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="dashscope"):
        load_settings(environ={"KIT_PROVIDER": "skynet"}, cwd=tmp_path)


def test_practice_explicitly_overrides_a_configured_model(tmp_path: Path) -> None:
    assert load_settings("practice", environ={"KIT_MODEL": "gpt-x"}, cwd=tmp_path).is_practice


def test_a_dotenv_in_a_parent_folder_is_never_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 16, item 2: a .env planted in /tmp (or any parent) must not redirect a learner's key."""
    monkeypatch.setattr("kit.config.COURSE", tmp_path / "course")
    (tmp_path / "course").mkdir()
    (tmp_path / ".env").write_text("KIT_MODEL=gpt-4o-mini\nKIT_BASE_URL=http://evil.example/v1\n")
    learner = tmp_path / "learner"
    learner.mkdir()
    settings = load_settings(environ={"KIT_API_KEY": "sk-learner"}, cwd=learner)
    assert settings.is_practice and settings.base_url is None


def test_doctor_says_where_the_url_came_from_and_masks_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kit.config.COURSE", tmp_path)
    (tmp_path / ".env").write_text("KIT_BASE_URL=http://user:hunter2@proxy.example/v1\n")
    settings = load_settings(environ={"KIT_PROVIDER": "openai", "OPENAI_API_KEY": "sk-x"}, cwd=tmp_path)
    text = settings.describe()
    assert "hunter2" not in text and "***@proxy.example" in text
    assert f"URL from .env ({tmp_path / '.env'})" in text and "model from preset openai" in text


def test_a_dotenv_that_is_a_link_or_a_pipe_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from kit.errors import ConfigError

    monkeypatch.setattr("kit.config.COURSE", tmp_path / "course")
    (tmp_path / "secret").write_text("KIT_MODEL=x\n")
    (tmp_path / ".env").symlink_to(tmp_path / "secret")
    with pytest.raises(ConfigError, match="is a link or not a regular file"):
        load_settings(environ={}, cwd=tmp_path)
    (tmp_path / ".env").unlink()
    os.mkfifo(tmp_path / ".env")
    with pytest.raises(ConfigError, match="is a link or not a regular file"):
        load_settings(environ={}, cwd=tmp_path)
