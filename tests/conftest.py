"""Every test runs offline on the practice model, writing only into temporary folders."""

from __future__ import annotations

import pytest

KIT_VARIABLES = ("KIT_MODEL", "KIT_BASE_URL", "KIT_API_KEY", "OPENAI_API_KEY", "KIT_PROVIDER", "KIT_CACHE", "DASHSCOPE_API_KEY",
                 "KIT_CONCURRENCY", "KIT_RPM", "KIT_MAX_TOKENS", "KIT_TEMPERATURE", "KIT_LESSON_SEEDS", "KIT_TIMEOUT",
                 "KIT_MAX_RETRIES", "KIT_ENV_FILE")


@pytest.fixture(autouse=True)
def offline_kit(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No real endpoint, no learner's progress folder: a clean environment for each test."""
    for name in KIT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KIT_DATA_DIR", str(tmp_path_factory.mktemp("kit-data")))
    monkeypatch.setenv("KIT_CACHE_DIR", str(tmp_path_factory.mktemp("kit-cache")))


@pytest.fixture
def chinese():  # type: ignore[no-untyped-def]
    """The kit speaks Chinese for one test, then English again, with matplotlib's fonts as they were."""
    import matplotlib

    from kit import i18n

    fonts = matplotlib.rcParams["font.family"]
    i18n.set_language("zh")
    try:
        yield
    finally:
        i18n._chosen = None
        matplotlib.rcParams["font.family"] = fonts
