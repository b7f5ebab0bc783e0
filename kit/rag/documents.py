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
        flag = " [outdated]" if self.outdated else ""
        return f"{self.id}: {self.title} ({self.lang}, {self.kind}{', ' + self.season if self.season else ''}){flag}"


def parse_doc(source: str, path: Path | None = None) -> Document:
    """Read one page from its text; `path` only names the file in errors and in the result."""
    where = str(path) if path else "<text>"
    match = _FRONT.match(source)
    if match is None:
        raise DocumentError(f"{where}: no front matter. The file must start with a line '---', then the fields "
                            f"({', '.join(REQUIRED + OPTIONAL)}) one per line, then a line '---'.")
    fields = _read_yaml(match.group(1), where)
    text = source[match.end():].strip()
    if not text:
        raise DocumentError(f"{where}: the page has front matter but no text after it.")
    return Document(text=text, path=path, **_check_fields(fields, where))


def load_doc(path: Path | str) -> Document:
    """Read one Markdown page from disk."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DocumentError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start}).") from None
    return parse_doc(source, path)


def load_docs(folder: Path | str = DOCS_DIR) -> list[Document]:
    """Every `*.md` page in `folder`, sorted by file name; ids must be unique."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DocumentError(f"{folder}: no such folder of help-centre pages.")
    docs = [load_doc(path) for path in sorted(folder.glob("*.md"))]
    if not docs:
        raise DocumentError(f"{folder}: no .md pages in this folder.")
    seen: dict[str, Document] = {}
    for doc in docs:
        if doc.id in seen:
            raise DocumentError(f"{doc.path}: field 'id': {doc.id!r} is already the id of {seen[doc.id].path}.")
        seen[doc.id] = doc
    return docs


def _read_yaml(block: str, where: str) -> dict[str, Any]:
    """The front matter as a mapping, or an error with the line YAML stumbled on."""
    import yaml

    try:
        fields = yaml.safe_load(block)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" (front matter line {mark.line + 1})" if mark is not None else ""
        problem = getattr(error, "problem", error)
        raise DocumentError(f"{where}: the front matter is not valid YAML{line}: {problem}") from None
    if not isinstance(fields, dict):
        raise DocumentError(f"{where}: the front matter must be 'field: value' lines, not {type(fields).__name__}.")
    return fields


def _check_fields(fields: dict[str, Any], where: str) -> dict[str, Any]:
    """The fields a `Document` needs, each checked, with the file and field named in any error."""
    import difflib

    known = REQUIRED + OPTIONAL
    for name in fields:  # a misspelt field stands in for a missing one: 'outdate' with no 'outdated'
        missing = [f for f in known if f not in fields]
        if name not in known and (close := difflib.get_close_matches(str(name), missing, n=1, cutoff=0.75)):
            raise DocumentError(f"{where}: unknown field {name!r} in the front matter; did you mean {close[0]!r}?")
    for name in REQUIRED:
        if fields.get(name) in (None, ""):
            raise DocumentError(f"{where}: field {name!r} is missing from the front matter.")
        if not isinstance(fields[name], str):
            raise DocumentError(f"{where}: field {name!r} must be text, got {fields[name]!r}.")
    if not _ID.fullmatch(fields["id"]):
        raise DocumentError(f"{where}: field 'id': {fields['id']!r} may use only letters, digits and . _ - "
                            "(no spaces, no '#').")
    if fields["lang"] not in LANGS:
        raise DocumentError(f"{where}: field 'lang' must be one of {', '.join(LANGS)}, got {fields['lang']!r}.")
    outdated = fields.get("outdated", False)
    if not isinstance(outdated, bool):
        raise DocumentError(f"{where}: field 'outdated' must be true or false, got {outdated!r}.")
    season = fields.get("season")
    if season is not None and not isinstance(season, (str, int, date)):  # YAML reads 2025 as int, 2025-03-01 as a date
        raise DocumentError(f"{where}: field 'season' must be text such as 2025-spring, got {season!r}.")
    return {"id": fields["id"], "title": fields["title"], "lang": fields["lang"], "kind": fields["kind"],
            "season": None if season is None else str(season), "outdated": outdated,
            "extra": {str(name): value for name, value in fields.items() if name not in known}}
