"""Find the model backend: explicit arguments, then environment variables, then a `.env` file.

With nothing configured the kit uses the offline practice model. The API key is held as a
`SecretStr` so it never shows up in a repr, a log line or a notebook output.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from kit.errors import ConfigError, KitError
from kit.i18n import N_, _
from kit.keys import remember

PRACTICE = "practice"
NO_KEY_NEEDED = "not-needed"
DEFAULT_TIMEOUT_S = 60.0  # seconds one model call may take (KIT_TIMEOUT)
DEFAULT_MAX_RETRIES = 2  # retries after a 429, 5xx, timeout or dropped connection (KIT_MAX_RETRIES)
# The longest reply, in tokens, each role may ask for unless KIT_MAX_TOKENS sets one for all: a customer-service
# reply fits in a few hundred; without a limit a rambling model fills its whole context on every call.
REPLY_LIMITS = {"agent": 512, "customer": 256, "judge": 400}


@dataclass(frozen=True)
class Preset:
    """Defaults for a known OpenAI-compatible provider."""

    base_url: str
    model: str
    needs_key: bool = True
    key_env: str | None = None


PRESETS: dict[str, Preset] = {
    "openai": Preset("https://api.openai.com/v1", "gpt-4o-mini", key_env="OPENAI_API_KEY"),
    # Alibaba Cloud Model Studio (DashScope / 百炼), OpenAI-compatible mode.
    "dashscope": Preset(
        "https://dashscope.aliyuncs.com/compatible-mode/v1", "qwen-plus", key_env="DASHSCOPE_API_KEY"
    ),
    "ollama": Preset("http://localhost:11434/v1", "qwen2.5:7b", needs_key=False),
    "vllm": Preset("http://localhost:8000/v1", "Qwen/Qwen2.5-7B-Instruct", needs_key=False),
    "llamacpp": Preset("http://localhost:8080/v1", "local-model", needs_key=False),
}


@dataclass(frozen=True)
class Settings:
    """What the kit will talk to. `model == "practice"` means the offline practice model."""

    model: str
    base_url: str | None = None
    api_key: SecretStr | None = None
    provider: str | None = None
    source: str = "default"
    url_source: str = "default"  # where the base URL came from (a redirect hidden in a .env shows here)
    key_source: str = "default"  # which variable the key came from, and where ("OPENAI_API_KEY in environment")
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_retries: int = DEFAULT_MAX_RETRIES
    max_tokens: int | None = None  # KIT_MAX_TOKENS: one reply limit for every role (None: each role's own)
    temperature: float | None = None  # KIT_TEMPERATURE (None: the endpoint's default)
    rpm: float | None = None  # KIT_RPM: model calls started per minute by this process (None: no limit)

    @property
    def is_practice(self) -> bool:
        return self.model == PRACTICE

    def reply_limit(self, role: str) -> int:
        """The max_tokens sent for this role ("agent", "customer", "judge"): KIT_MAX_TOKENS, else the role's own."""
        return self.max_tokens or REPLY_LIMITS[role]

    def describe(self) -> str:
        """One line for humans; never includes the key itself."""
        if self.is_practice:
            return _("Practice model (offline stand-in) — set KIT_MODEL to use a real one")
        key = (_("no key needed") if self.api_key and self.api_key.get_secret_value() == NO_KEY_NEEDED
               else _("key set from {source}").format(source=_shown_source(self.key_source)) if self.api_key
               else _("no key"))
        url = mask_url(self.base_url) if self.base_url else _("the provider default")
        where = (_("from {source}").format(source=_shown_source(self.source))
                 if self.url_source in (self.source, "default")
                 else _("model from {source}, URL from {url_source}").format(
                     source=_shown_source(self.source), url_source=_shown_source(self.url_source)))
        return _("{model} at {url} ({key}, {where})").format(model=self.model, url=url, key=key, where=where)


SOURCES = {"environment": N_("environment"), "arguments": N_("arguments"), "default": N_("default")}


def _shown_source(source: str) -> str:
    """Where a setting came from, in the learner's language ("environment", "KIT_API_KEY in .env (...)", ...)."""
    if source in SOURCES:
        return _(SOURCES[source])
    if source.startswith("preset "):
        return _("preset {provider}").format(provider=source.removeprefix("preset "))
    if found := re.fullmatch(r"([A-Z][A-Z0-9_]*) in (.+)", source, flags=re.DOTALL):  # "KIT_API_KEY in .env (...)"
        return _("{name} in {where}").format(name=found.group(1), where=_shown_source(found.group(2)))
    return source


def is_local(url: str | None) -> bool:
    """True for a server on this machine (localhost, 127.x, ::1): Ollama, vLLM and llama.cpp need no key there."""
    host = re.sub(r"^[a-z]+://(?:[^@/]*@)?", "", url or "", flags=re.IGNORECASE).split("/")[0]
    host = host.rsplit(":", 1)[0] if host.count(":") == 1 or host.startswith("[") else host
    return host.strip("[]").lower() in {"localhost", "::1", "0.0.0.0"} or host.startswith("127.")


def mask_url(url: str) -> str:
    """A URL with any credentials in it (`https://user:secret@host`) replaced, for showing."""
    return re.sub(r"(?<=://)[^/@\s]+@", "***@", url)


COURSE = Path(__file__).resolve().parent.parent  # the course folder (this checkout)


def _dotenv_values(start: Path, chosen: str | None = None) -> tuple[dict[str, str], str]:
    """The course folder's `.env`, or the file the learner chose with KIT_ENV_FILE (relative to `start`).

    On a shared machine anyone may leave a `.env` in /tmp, /home or a shared working folder: reading
    one the learner did not choose would let it redirect their key. A `.env` that is a link or not a
    regular file is refused.
    """
    if chosen and not (start / chosen).exists() and not (start / chosen).is_symlink():
        raise ConfigError(_("KIT_ENV_FILE={chosen}: no such file (from {start}). Give the path of your .env "
                            "file, or unset KIT_ENV_FILE to use the course folder's .env.").format(chosen=chosen,
                                                                                                    start=start))
    for candidate in [start / chosen] if chosen else [COURSE / ".env"]:
        if candidate.is_symlink() or (candidate.exists() and not candidate.is_file()):
            raise ConfigError(_("{path} is a link or not a regular file; the kit reads settings only from a .env "
                                "file of its own. Remove it, or write the settings into a real .env file.").format(
                                    path=candidate))
        if candidate.is_file():
            from dotenv import dotenv_values

            return {k: v for k, v in dotenv_values(candidate).items() if v is not None}, f".env ({candidate})"
    return {}, ".env"


def load_settings(
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    provider: str | None = None,
    *,
    environ: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Settings:
    """Resolve the settings; explicit arguments win over the environment, which wins over `.env`."""
    env = dict(os.environ if environ is None else environ)
    dotenv, dotenv_name = _dotenv_values(cwd or Path.cwd(), env.get("KIT_ENV_FILE"))

    def lookup(*names: str) -> tuple[str | None, str]:
        for name in names:
            if env.get(name):
                return env[name], "environment"
        for name in names:
            if dotenv.get(name):
                return dotenv[name], dotenv_name
        return None, "default"

    provider = provider or lookup("KIT_PROVIDER")[0]
    preset = None
    if provider:
        preset = PRESETS.get(provider.lower())
        if preset is None:
            raise ConfigError(
                _("KIT_PROVIDER={provider} is not a known provider. "
                  "Use one of: {providers}; or leave it unset and set KIT_BASE_URL yourself.").format(
                    provider=repr(provider), providers=", ".join(PRESETS))
            )

    limits = {
        "timeout_s": _number("KIT_TIMEOUT", *lookup("KIT_TIMEOUT"), DEFAULT_TIMEOUT_S, N_("seconds per model call"),
                             "60"),
        "max_retries": int(_number("KIT_MAX_RETRIES", *lookup("KIT_MAX_RETRIES"), DEFAULT_MAX_RETRIES,
                                   N_("retries per model call"), "2", whole=True)),
        "max_tokens": _optional("KIT_MAX_TOKENS", *lookup("KIT_MAX_TOKENS"), N_("tokens per reply"), "400", 1, None,
                                True),
        "temperature": _optional("KIT_TEMPERATURE", *lookup("KIT_TEMPERATURE"), N_("sampling temperature"), "0.7", 0,
                                 2),
        "rpm": _optional("KIT_RPM", *lookup("KIT_RPM"), N_("model calls per minute"), "30", 0.1, None),
    }
    found_model, source = (model, "arguments") if model else lookup("KIT_MODEL")
    if not found_model and preset:
        found_model, source = preset.model, f"preset {provider}"
    if not found_model or found_model == PRACTICE:
        return Settings(model=PRACTICE, source=source, **limits)

    url_value, url_source = (base_url, "arguments") if base_url else lookup("KIT_BASE_URL")
    if not url_value and preset:
        url_value, url_source = preset.base_url, f"preset {provider}"
    found_url = url_value
    key_names = ["KIT_API_KEY"] + ([preset.key_env] if preset and preset.key_env else []) + ["OPENAI_API_KEY"]
    found_key, key_where = (api_key, "arguments") if api_key else lookup(*key_names)
    key_name = next((name for name in key_names if name in env and env[name] == found_key), None) or next(
        (name for name in key_names if dotenv.get(name) == found_key), "")
    key_source = "arguments" if api_key else f"{key_name} in {key_where}" if found_key else "default"
    remember(found_key)  # whatever it came from, the scrubber hides it from everything the kit writes
    if not found_key and (preset is not None and not preset.needs_key or is_local(found_url)):
        found_key = NO_KEY_NEEDED  # local servers accept any key, the SDK insists on one
    return Settings(
        model=found_model,
        base_url=found_url,
        api_key=SecretStr(found_key) if found_key else None,
        provider=provider,
        source=source,
        url_source=url_source if found_url else "default",
        key_source=key_source,
        **limits,
    )


def configured_model() -> str | None:
    """The name of the configured real model, or None (practice only, or a configuration that does not load)."""
    try:
        settings = load_settings()
    except KitError:
        return None
    return None if settings.is_practice else settings.model


def _number(name: str, text: str | None, where: str, default: float, what: str, example: str,
            whole: bool = False) -> float:
    """A setting that must be a number (a whole one for counts); a bad value says what to write instead."""
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (value.is_integer() and value >= 0 if whole else math.isfinite(value) and value > 0):
        message = (_("{name}={text} (in the {where}) is not a whole number of {what} ({bound}): write e.g. "
                     "{name}={example} in the environment or the .env file, or remove it for the default ({default}).")
                   if whole else
                   _("{name}={text} (in the {where}) is not a number of {what} ({bound}): write e.g. {name}={example} "
                     "in the environment or the .env file, or remove it for the default ({default})."))
        bound = _("{low} or more").format(low=0) if whole else _("more than {low}").format(low=0)
        raise ConfigError(message.format(name=name, text=repr(text), where=_setting_place(where), what=_(what),
                                         bound=bound, example=example, default=f"{default:g}"))
    return value


def _optional(name: str, text: str | None, where: str, what: str, example: str, low: float, high: float | None,
              whole: bool = False) -> float | None:
    """A setting that is off unless given; given, a number from `low` (to `high`), whole for counts."""
    if text is None or not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= low and (high is None or value <= high)
            and (not whole or value.is_integer())):
        bounds = (_("from {low} to {high}").format(low=f"{low:g}", high=f"{high:g}") if high is not None
                  else _("{low} or more").format(low=f"{low:g}"))
        message = (_("{name}={text} (in the {where}) is not a whole number of {what} ({bound}): write e.g. "
                     "{name}={example}, or remove it for the default.") if whole else
                   _("{name}={text} (in the {where}) is not a number of {what} ({bound}): write e.g. {name}={example}, "
                     "or remove it for the default."))
        raise ConfigError(message.format(name=name, text=repr(text), where=_setting_place(where), what=_(what),
                                         bound=bounds, example=example))
    return int(value) if whole else value


def _setting_place(where: str) -> str:
    """Where a bad setting was found, for "(in the ...)": the environment or the .env file."""
    return _(".env file") if where.startswith(".env") else _(SOURCES.get(where, where))


def data_dir() -> Path:
    """Where learners' progress and caches live: KIT_DATA_DIR, else `progress/` in a source checkout, else ~/.local/share."""
    if configured := os.environ.get("KIT_DATA_DIR"):
        return Path(configured).expanduser()
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir():
        return root / "progress"
    return Path.home() / ".local" / "share" / "cs-prompt-kit"


def cache_dir() -> Path:
    """Where recorded model calls are kept: KIT_CACHE_DIR, else a `cache` folder in the data folder."""
    if configured := os.environ.get("KIT_CACHE_DIR"):
        return Path(configured).expanduser()
    return data_dir() / "cache"
