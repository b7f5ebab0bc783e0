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
    assert "(key set from " in keyed.describe()


def test_dashscope_key_variable_is_understood(tmp_path: Path) -> None:
    settings = load_settings(environ={"KIT_PROVIDER": "dashscope", "DASHSCOPE_API_KEY": "ds"}, cwd=tmp_path)
    assert settings.api_key.get_secret_value() == "ds"


def test_an_unknown_provider_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="dashscope"):
        load_settings(environ={"KIT_PROVIDER": "skynet"}, cwd=tmp_path)


def test_practice_explicitly_overrides_a_configured_model(tmp_path: Path) -> None:
    assert load_settings("practice", environ={"KIT_MODEL": "gpt-x"}, cwd=tmp_path).is_practice


def test_settings_errors_and_the_description_in_chinese_never_show_the_key(tmp_path: Path) -> None:
    from kit import i18n

    i18n.set_language("zh")
    try:
        with pytest.raises(ConfigError) as caught:
            load_settings(environ={"KIT_TIMEOUT": "abc"}, cwd=tmp_path)
        message = str(caught.value)
        assert message.startswith("KIT_TIMEOUT='abc'（在环境变量中）不是有效的每次调用模型的秒数") and "KIT_TIMEOUT=60" in message
        with pytest.raises(ConfigError, match="不是已知的服务商"):
            load_settings(environ={"KIT_PROVIDER": "nobody"}, cwd=tmp_path)
        keyed = load_settings(environ={"KIT_MODEL": "qwen-plus", "KIT_BASE_URL": "https://user:pw@example.com/v1",
                                       "KIT_API_KEY": "sk-secret-abcdefgh"}, cwd=tmp_path)
        shown = keyed.describe()
        assert shown == "qwen-plus，地址 https://***@example.com/v1（密钥来自环境变量中的 KIT_API_KEY，来自环境变量）"
        assert "sk-secret" not in shown and "pw@" not in shown
    finally:
        i18n._chosen = None
