"""Reading a YAML file someone wrote by hand: one clear line for each way it can be broken.

Persona cards and arena configs come from learners and instructors, on shared machines. A file
may be missing, a pipe, huge, saved in another encoding or nested absurdly deep; each of these
becomes the caller's own error type with the file's name and what to do, never a raw traceback.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import yaml

from kit.i18n import N_, _, language

MAX_BYTES = 2_000_000  # a card or a config is a few KB; more is a mistake or an attack
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's loader when PyYAML was built with it


def read_text(path: Path, what: str, error: type[Exception]) -> str:
    """The file's text, if it is a regular UTF-8 file of a sane size; else `error` naming the file.

    `what` names the kind of file ("persona card"), marked with N_ by the caller so that it is shown translated."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise error(_("{path}: no such file ({a_what} was expected here); check the name and the folder.").format(
            path=path, a_what=_a(what))) from None
    except OSError as problem:
        raise error(_("{path}: cannot read this {what} ({reason}).").format(
            path=path, what=_(what), reason=problem.strerror)) from None
    if not stat.S_ISREG(info.st_mode):
        raise error(_("{path}: not a regular file (a folder, a pipe or a device); give the path of the {what} "
                      "itself.").format(path=path, what=_(what)))
    if info.st_size > MAX_BYTES:
        raise error(_("{path}: {size} bytes is far too big for {a_what} (at most {limit}).").format(
            path=path, size=f"{info.st_size:,}", a_what=_a(what), limit=f"{MAX_BYTES:,}"))
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as problem:
        line = data[:problem.start].count(b"\n") + 1
        raise error(_("{path}:{line}: not UTF-8 text. Save the file as UTF-8 (in most editors: Save As, "
                      "Encoding: UTF-8) and try again.").format(path=path, line=line)) from None


def _a(what: str) -> str:
    """ "a persona card", "an arena config": the kind of file with its article, in the learner's language."""
    return (_("an {what}") if what[0] in "aeiou" else _("a {what}")).format(what=_(what))


def parse(text: str, path: Path | str, what: str, error: type[Exception]) -> Any:
    """The YAML document in `text`; `error` with the line of a syntax problem, or for absurd nesting."""
    try:
        try:
            return yaml.load(text, Loader=_LOADER)
        except yaml.YAMLError:
            try:  # the pure-Python loader words its problems better (it names a tab, for one)
                yaml.safe_load(text)
            except yaml.YAMLError as problem:
                raise error(_yaml_problem(path, problem)) from None
            raise
    except RecursionError:
        raise error(_("{path}: nested far too deeply (thousands of brackets or indents); {a_what} needs only "
                      "a few levels of mappings and lists.").format(path=path, a_what=_a(what))) from None


def _yaml_problem(path: Path | str, error: yaml.YAMLError) -> str:
    """A YAML error in plain words, at the line a learner must fix."""
    mark = getattr(error, "problem_mark", None)
    problem = str(getattr(error, "problem", "") or error)
    context, opened = getattr(error, "context", "") or "", getattr(error, "context_mark", None)
    if "\t" in problem or "'\\t'" in problem:  # PyYAML writes a tab as '\t'
        problem = _("a tab character: indent with spaces only")
    elif "flow" in context and opened is not None:
        mark = opened
        bracket = "{" if "mapping" in context else "["
        problem = _("the {bracket} on this line is not closed (or a comma or quote is missing inside it)").format(
            bracket=bracket)
    where = f"{path}:{mark.line + 1}" if mark else str(path)
    return _("{where}: not valid YAML: {problem}").format(where=where, problem=problem)


# Pydantic's own wording of the mistakes people make most in a card or a config, by the problem's type, for the
# Chinese edition (its context fills the placeholders). A message is translated only when pydantic's English is
# exactly this text filled in, so a pydantic that words it otherwise is shown as it words it; English keeps
# pydantic's words as they are.
PYDANTIC_MESSAGES = {
    "missing": N_("Field required"),
    "literal_error": N_("Input should be {expected}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "less_than": N_("Input should be less than {lt}"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "greater_than": N_("Input should be greater than {gt}"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_type": N_("Input should be a valid integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "float_type": N_("Input should be a valid number"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "bool_type": N_("Input should be a valid boolean"),
    "string_type": N_("Input should be a valid string"),
    "string_too_short": N_("String should have at least {min_length} character"),
    "list_type": N_("Input should be a valid list"),
    "dict_type": N_("Input should be a valid dictionary"),
    "too_short": N_("{field_type} should have at least {min_length} item after validation, not {actual_length}"),
    "union_tag_invalid": N_("Input tag {tag} found using {discriminator} does not match any of the expected tags: "
                            "{expected_tags}"),
}


def pydantic_message(issue: dict[str, Any]) -> str:
    """Pydantic's message for one validation problem, in the learner's language where the kit has it."""
    template = PYDANTIC_MESSAGES.get(issue.get("type", ""))
    if template is None or language() == "en":
        return str(issue["msg"])
    context = {key: int(value) if isinstance(value, float) and value.is_integer() else value
               for key, value in (issue.get("ctx") or {}).items()}  # 1, as pydantic writes it, not 1.0
    if "tag" in context:
        context["tag"] = repr(context["tag"])
    try:
        if template.format(**context) == issue["msg"]:
            return _(template).format(**context)
    except (KeyError, IndexError, ValueError):
        pass
    return str(issue["msg"])
