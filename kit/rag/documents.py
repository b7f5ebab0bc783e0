"""Help-centre pages as `Document`s: Markdown files that start with a YAML front matter block.

    ---
    id: faq-returns-zh
    title: 退货与退款
    lang: zh            # zh or en
    kind: faq           # what sort of page: faq, policy, promotion, ...
    season: 2025-spring # optional: which season's rules the page describes
    outdated: false     # optional: true for a page kept only for reference
    source: kit/shop/data/policies.yaml   # any other field is kept in `Document.extra`
    ---
    ## 七天无理由退货
    ...

A file that breaks these rules stops `load_docs` with a message naming the file and the field,
so a typo in one page never silently drops it from the search. An unknown field is kept, unless it
looks like a misspelt known one that is missing (`outdate: true` would otherwise leave the page
current).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kit.errors import KitError
from kit.i18n import _

DOCS_DIR = Path(__file__).resolve().parent / "docs"
LANGS = ("zh", "en")
REQUIRED = ("id", "title", "lang", "kind")
OPTIONAL = ("season", "outdated")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")  # no spaces and no '#': chunk ids are "<doc id>#<n>"
_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^---[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)


class DocumentError(KitError, ValueError):
    """A help-centre page cannot be read: no front matter, a missing or wrong field, a duplicate id."""


@dataclass(frozen=True, repr=False)
class Document:
    """One help-centre page: its front matter fields, its Markdown text, and where it came from."""

    id: str
    title: str
    lang: str
    kind: str
    text: str
    season: str | None = None
    outdated: bool = False
    path: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)  # other front matter fields

    def __repr__(self) -> str:  # not the whole text
        return f"Document({self.id!r}, {self.title!r}, lang={self.lang!r}, {len(self.text)} characters)"

    def __str__(self) -> str:
        flag = " " + _("[outdated]") if self.outdated else ""
        return f"{self.id}: {self.title} ({self.lang}, {self.kind}{', ' + self.season if self.season else ''}){flag}"


def parse_doc(source: str, path: Path | None = None) -> Document:
    """Read one page from its text; `path` only names the file in errors and in the result."""
    where = str(path) if path else "<text>"
    match = _FRONT.match(source)
    if match is None:
        raise DocumentError(_("{where}: no front matter. The file must start with a line '---', then the fields "
                              "({fields}) one per line, then a line '---'.").format(
            where=where, fields=", ".join(REQUIRED + OPTIONAL)))
    fields = _read_yaml(match.group(1), where)
    text = source[match.end():].strip()
    if not text:
        raise DocumentError(_("{where}: the page has front matter but no text after it.").format(where=where))
    return Document(text=text, path=path, **_check_fields(fields, where))


def load_doc(path: Path | str) -> Document:
    """Read one Markdown page from disk."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DocumentError(_("{path}: not UTF-8 text ({reason} at byte {byte}).").format(
            path=path, reason=error.reason, byte=error.start)) from None
    return parse_doc(source, path)


def load_docs(folder: Path | str = DOCS_DIR) -> list[Document]:
    """Every `*.md` page in `folder`, sorted by file name; ids must be unique."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DocumentError(_("{folder}: no such folder of help-centre pages.").format(folder=folder))
    docs = [load_doc(path) for path in sorted(folder.glob("*.md"))]
    if not docs:
        raise DocumentError(_("{folder}: no .md pages in this folder.").format(folder=folder))
    seen: dict[str, Document] = {}
    for doc in docs:
        if doc.id in seen:
            raise DocumentError(_("{path}: field 'id': {id} is already the id of {other}.").format(
                path=doc.path, id=repr(doc.id), other=seen[doc.id].path))
        seen[doc.id] = doc
    return docs


def _read_yaml(block: str, where: str) -> dict[str, Any]:
    """The front matter as a mapping, or an error with the line YAML stumbled on."""
    import yaml

    try:
        fields = yaml.safe_load(block)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", error)
        if mark is not None:
            raise DocumentError(_("{where}: the front matter is not valid YAML (front matter line {line}): {problem}").format(
                where=where, line=mark.line + 1, problem=problem)) from None
        raise DocumentError(_("{where}: the front matter is not valid YAML: {problem}").format(
            where=where, problem=problem)) from None
    if not isinstance(fields, dict):
        raise DocumentError(_("{where}: the front matter must be 'field: value' lines, not {type}.").format(
            where=where, type=type(fields).__name__))
    return fields


def _check_fields(fields: dict[str, Any], where: str) -> dict[str, Any]:
    """The fields a `Document` needs, each checked, with the file and field named in any error."""
    import difflib

    known = REQUIRED + OPTIONAL
    for name in fields:  # a misspelt field stands in for a missing one: 'outdate' with no 'outdated'
        missing = [f for f in known if f not in fields]
        if name not in known and (close := difflib.get_close_matches(str(name), missing, n=1, cutoff=0.75)):
            raise DocumentError(_("{where}: unknown field {name} in the front matter; did you mean {close}?").format(
                where=where, name=repr(name), close=repr(close[0])))
    for name in REQUIRED:
        if fields.get(name) in (None, ""):
            raise DocumentError(_("{where}: field {name} is missing from the front matter.").format(
                where=where, name=repr(name)))
        if not isinstance(fields[name], str):
            raise DocumentError(_("{where}: field {name} must be text, got {value}.").format(
                where=where, name=repr(name), value=repr(fields[name])))
    if not _ID.fullmatch(fields["id"]):
        raise DocumentError(_("{where}: field 'id': {id} may use only letters, digits and . _ - (no spaces, no '#').").format(
            where=where, id=repr(fields["id"])))
    if fields["lang"] not in LANGS:
        raise DocumentError(_("{where}: field 'lang' must be one of {langs}, got {lang}.").format(
            where=where, langs=", ".join(LANGS), lang=repr(fields["lang"])))
    outdated = fields.get("outdated", False)
    if not isinstance(outdated, bool):
        raise DocumentError(_("{where}: field 'outdated' must be true or false, got {value}.").format(
            where=where, value=repr(outdated)))
    season = fields.get("season")
    if season is not None and not isinstance(season, (str, int, date)):  # YAML reads 2025 as int, 2025-03-01 as a date
        raise DocumentError(_("{where}: field 'season' must be text such as 2025-spring, got {value}.").format(
            where=where, value=repr(season)))
    return {"id": fields["id"], "title": fields["title"], "lang": fields["lang"], "kind": fields["kind"],
            "season": None if season is None else str(season), "outdated": outdated,
            "extra": {str(name): value for name, value in fields.items() if name not in known}}
