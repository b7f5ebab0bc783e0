"""An arena described in YAML: the agents, the customers, the seeds and the limits, checked by pydantic.

    agents:
      - name: one-liner
        prompt: You are a customer service bot.
      - name: cast
        prompt_file: prompts/cast.txt      # relative to this file
        tools: shop                        # or a list: [size_lookup, quote_price]
        knowledge: true                    # the shop's help pages (kit.rag.Index.from_docs())
    personas: all                          # or a list of ids (kit personas list)
    seeds: 3

A mistake is reported as `file:line: field: what is wrong — what to write`.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import (BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt, ValidationError, field_validator,
                      model_validator)

from kit.errors import KitError
from kit.i18n import N_, _
from kit.yaml_files import parse, pydantic_message, read_text

if TYPE_CHECKING:
    from kit.conversation import Agent
    from kit.llm import ChatModel


class ArenaError(KitError, ValueError):
    """An arena config or argument the arena cannot run: the message says where and what to write."""


# What to write, per field: shown after the problem.
MAX_PROMPT_BYTES = 200_000  # a prompt file larger than this is refused

HINTS = {  # marked with N_: shown translated, with _()
    "name": N_("a short name for the agent, unique in this file, e.g. `name: polite-v2`"),
    "prompt": N_("the system prompt, e.g. `prompt: You are the customer service of a clothing shop.` "
                 "(a `|` block for several lines)"),
    "prompt_file": N_("a text file with the system prompt, relative to this config, e.g. `prompt_file: prompts/v2.txt`"),
    "model": N_("`practice` for the offline practice model, or a model name at the configured endpoint "
                "(KIT_BASE_URL), e.g. `model: qwen-plus`; leave it out for KIT_MODEL"),
    "tools": N_("`tools: shop` for all the shop's tools, or a list of their names, e.g. "
                "`tools: [size_lookup, quote_price]`"),
    "knowledge": N_("`knowledge: true` to give the agent the shop's help pages"),
    "k": N_("how many help-page passages the agent reads per turn, e.g. `k: 3`"),
    "agents": N_("a list of agents, each with at least `name:` and `prompt:`"),
    "personas": N_("`personas: all`, or a list of customer ids (see `kit personas list`)"),
    "seeds": N_("how many conversations per agent and customer, e.g. `seeds: 3`"),
    "concurrency": N_("how many conversations run at once, e.g. `concurrency: 8`"),
    "results": N_("the results file (JSON lines), relative to this config, e.g. `results: arena.results.jsonl`"),
    "report": N_("where `kit arena` writes the HTML report, e.g. `report: arena.html`"),
    "timeout_s": N_("seconds one model call may take before it is retried, e.g. `timeout_s: 30`"),
    "conversation_timeout_s": N_("seconds a whole conversation may take before it counts as failed, e.g. 300"),
    "max_retries": N_("how often a failed model call is retried (with backoff), e.g. `max_retries: 2`"),
    "prices": N_("a price table (YAML) like the kit's prices.yaml, relative to this config"),
    "max_turns": N_("the most replies the agent gets per conversation, e.g. `max_turns: 12`"),
    "prompt_folders": N_("more folders prompt files may come from, relative to this config, "
                         "e.g. `prompt_folders: [../shared-prompts]` (the config's own folder always counts)"),
}

class AgentSpec(BaseModel):
    """One agent of the arena, as written in YAML."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    prompt: str | None = None
    prompt_file: str | None = None
    model: str | None = None
    tools: Literal["shop"] | list[str] | None = None
    knowledge: bool = False
    k: PositiveInt = 3

    @model_validator(mode="after")
    def _one_prompt(self) -> AgentSpec:
        if (self.prompt is None) == (self.prompt_file is None):
            raise ValueError("prompt: " + _("give the system prompt as `prompt:` or as `prompt_file:` (one of them)"))
        if self.prompt is not None and not self.prompt.strip():
            raise ValueError("prompt: " + _("the prompt is empty"))
        return self

    @field_validator("tools")
    @classmethod
    def _known_tools(cls, tools: Any) -> Any:
        from kit.tools import SHOP_TOOLS

        known = [tool.name for tool in SHOP_TOOLS]
        unknown = [name for name in tools or () if name not in known] if isinstance(tools, list) else []
        if unknown:
            raise ValueError(_("no tool called {names}; the tools are: {tools}").format(
                names=", ".join(map(repr, unknown)), tools=", ".join(known)))
        return tools


class ArenaConfig(BaseModel):
    """A whole arena: agents, customers, seeds, limits and where results go."""

    model_config = ConfigDict(extra="forbid")
    agents: list[AgentSpec] = Field(min_length=1)
    personas: Literal["all"] | list[str] = "all"
    seeds: PositiveInt = 3
    concurrency: PositiveInt = 8
    results: str | None = None
    report: str | None = None
    timeout_s: PositiveFloat | None = None
    conversation_timeout_s: PositiveFloat | None = None
    max_retries: int | None = Field(None, ge=0)
    prices: str | None = None
    max_turns: PositiveInt = 12
    prompt_folders: list[str] = []
    folder: Path = Field(Path("."), exclude=True)  # the config file's folder: relative paths start here
    source: str = Field("(arguments)", exclude=True)

    @field_validator("agents")
    @classmethod
    def _unique_names(cls, agents: list[AgentSpec]) -> list[AgentSpec]:
        names = [agent.name for agent in agents]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(_("two agents are called {names}; give each agent its own name").format(
                names=", ".join(map(repr, twice))))
        return agents

    @field_validator("personas")
    @classmethod
    def _known_personas(cls, personas: Any) -> Any:
        from kit.personas import names

        known = names()
        unknown = [p for p in personas if p not in known] if isinstance(personas, list) else []
        if unknown:
            raise ValueError(_("no customer called {names}; the cast is: {cast}").format(
                names=", ".join(map(repr, unknown)), cast=", ".join(known)))
        if isinstance(personas, list) and not personas:
            raise ValueError(_("the list is empty"))
        return personas

    def path(self, value: str | None) -> Path | None:
        """A path from the config, relative to the config file's folder."""
        return None if value is None else (self.folder / value).expanduser()

    @property
    def results_path(self) -> Path:
        """The results file: `results:`, else `<config name>.results.jsonl` beside the config."""
        stem = Path(self.source).stem if self.source != "(arguments)" else "arena"
        return self.path(self.results) or self.folder / f"{stem}.results.jsonl"

    def _prompt_text(self, number: int, file: Path) -> str:
        """A prompt file's text: a regular file inside the config's folder (or one it names in
        `prompt_folders:`), not a link, not huge.

        On a shared machine a prompt file may be a link to someone's `.env` or a FIFO that blocks:
        the arena reads only what the folders the config chose hold.
        """
        where = f"{self.source}: agents.{number}.prompt_file"
        if file.is_symlink():
            raise ArenaError(_("{where}: {file} is a link; the arena reads only real files in the config's folder. "
                               "Copy the prompt into a text file there.").format(where=where, file=file))
        if not file.exists():
            raise ArenaError(_("{where}: no file {file}. Write {hint}.").format(where=where, file=file,
                                                                                 hint=_(HINTS["prompt_file"])))
        if not file.is_file():
            raise ArenaError(_("{where}: {file} is not a regular file (a folder, a pipe or a device). Point it at a "
                               "text file.").format(where=where, file=file))
        allowed = [self.folder, *(self.folder / extra for extra in self.prompt_folders)]
        if not any(file.resolve().is_relative_to(folder.resolve()) for folder in allowed):
            raise ArenaError(_("{where}: {file} is outside the config's folder {folder}; keep prompts next to the "
                               "config (e.g. prompts/v2.txt), or name their folder in `prompt_folders:`.").format(
                                   where=where, file=file, folder=self.folder))
        if file.stat().st_size > MAX_PROMPT_BYTES:
            raise ArenaError(_("{where}: {file} is {size} bytes; a prompt file may hold at most {limit}.").format(
                where=where, file=file, size=f"{file.stat().st_size:,}", limit=f"{MAX_PROMPT_BYTES:,}"))
        try:
            return file.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            raise ArenaError(_("{where}: {file} is not UTF-8 text ({reason} at byte {start}).").format(
                where=where, file=file, reason=error.reason, start=error.start)) from None

    def build_agents(self) -> list[Agent]:
        """The kit.Agents this config describes (the knowledge base is built once and shared)."""
        from kit.conversation import Agent
        from kit.tools import SHOP_TOOLS

        index = None
        agents = []
        for number, spec in enumerate(self.agents):
            if spec.prompt_file is not None:
                file = self.path(spec.prompt_file)
                assert file is not None
                prompt = self._prompt_text(number, file)
            else:
                prompt = spec.prompt or ""
            tools = SHOP_TOOLS if spec.tools == "shop" else [t for t in SHOP_TOOLS if t.name in (spec.tools or ())]
            if spec.knowledge and index is None:
                from kit.rag import Index

                index = Index.from_docs()
            model = make_model(spec.model, self.timeout_s, self.max_retries)
            agents.append(Agent(prompt, model=model, tools=tools, knowledge=index if spec.knowledge else None,
                                name=spec.name, k=spec.k))
        return agents


def make_model(name: str | None, timeout_s: float | None = None, max_retries: int | None = None) -> ChatModel:
    """A model by name ("practice", a name at the configured endpoint, None for KIT_MODEL) with these call limits."""
    from kit.llm import get_model

    return with_call_limits(get_model(name), timeout_s, max_retries)


def with_call_limits(model: ChatModel, timeout_s: float | None, max_retries: int | None) -> ChatModel:
    """The same model with another per-call timeout and retry count (the openai SDK's own); others unchanged."""
    from kit.llm import CachedModel, OpenAIChat

    if timeout_s is None and max_retries is None:
        return model
    if isinstance(model, CachedModel):
        return CachedModel(with_call_limits(model.inner, timeout_s, max_retries), model.mode, model.folder)
    if isinstance(model, OpenAIChat):
        return model.with_limits(timeout_s=timeout_s, max_retries=max_retries)
    return model


def load_config(path: str | Path) -> ArenaConfig:
    """Read and check an arena config; every problem names the file, line and field, and what to write."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        raise ArenaError(_("{path}: no such arena config. See examples/arena.yaml for one to copy.").format(path=path))
    text = read_text(path, N_("arena config"), ArenaError)
    raw = parse(text, path, N_("arena config"), ArenaError)
    if not isinstance(raw, dict):
        raise ArenaError(_("{path}: an arena config is a YAML mapping with at least `agents:` (a list of agents, "
                           "each with `name:` and `prompt:`).").format(path=path))
    return parse_config(raw, path, text)


def parse_config(raw: dict[str, Any], path: Path | None = None, text: str = "") -> ArenaConfig:
    """Check a config given as data (from YAML, or dicts in Python); problems name the field and what to write."""
    source = str(path) if path is not None else "(arguments)"
    folder = path.parent if path is not None else Path(".")
    try:
        return ArenaConfig.model_validate({**raw, "folder": folder, "source": source})
    except ValidationError as error:
        raise ArenaError(_explain(error, source, text)) from None


def _explain(error: ValidationError, path: str, text: str) -> str:
    """Pydantic's issues as `file:line: field: problem — write ...`, one per line."""
    problems = []
    for issue in error.errors():
        loc = tuple(issue["loc"])
        message = str(issue["ctx"]["error"]) if issue["type"] == "value_error" else pydantic_message(issue)
        if issue["type"] == "value_error" and ": " in message and message.split(": ", 1)[0] in HINTS:
            field_name, message = message.split(": ", 1)
            loc = (*loc, field_name)
        loc = tuple(part for part in loc if not (isinstance(part, str) and ("[" in part or part in ("list", "str"))))
        if issue["type"] == "extra_forbidden":
            known = _fields_at(loc)
            near = difflib.get_close_matches(str(loc[-1]), known, n=1)
            message = (_("unknown field; did you mean {name}?").format(name=near[0]) if near
                       else _("unknown field (the fields are: {fields})").format(fields=", ".join(known)))
        field = ".".join(str(part) for part in loc) or _("(file)")
        named = [part for part in loc if isinstance(part, str)]
        hint = HINTS.get(named[-1]) if named else None
        line = _line_of(text, loc)
        where = f"{path}:{line}" if line else str(path)
        problem = f"{where}: {field}: {message}"
        if hint and issue["type"] != "extra_forbidden":
            problem = _("{problem} — write {hint}").format(problem=problem, hint=_(hint))
        problems.append(problem)
    return "\n".join(dict.fromkeys(problems))


def _fields_at(loc: tuple) -> list[str]:
    model = AgentSpec if "agents" in loc else ArenaConfig
    return [name for name, field in model.model_fields.items() if not field.exclude]


def _line_of(text: str, loc: tuple) -> int | None:
    """Best effort: the line of the field named last in `loc`; for agents.N.field, inside the Nth agent."""
    lines = text.splitlines()
    start, end = 0, len(lines)
    if len(loc) >= 2 and loc[0] == "agents" and isinstance(loc[1], int):
        top = [i for i, line in enumerate(lines) if line[:1].isalpha()]  # top-level keys
        agents_at = next((i for i in top if lines[i].startswith("agents:")), None)
        if agents_at is None:
            return None
        block_end = next((i for i in top if i > agents_at), len(lines))
        items = [i for i in range(agents_at + 1, block_end) if lines[i].lstrip().startswith("- ")]
        indent = min((len(lines[i]) - len(lines[i].lstrip()) for i in items), default=0)
        items = [i for i in items if len(lines[i]) - len(lines[i].lstrip()) == indent]
        if loc[1] >= len(items):
            return None
        start, end = items[loc[1]], (items + [block_end])[loc[1] + 1]
        if len(loc) == 2:
            return start + 1
    keys = [part for part in loc if isinstance(part, str)]
    for number in range(start, end):
        if keys and lines[number].lstrip().removeprefix("- ").startswith(f"{keys[-1]}:"):
            return number + 1
    return start + 1 if start else None
