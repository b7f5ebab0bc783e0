"""Cut pages into chunks a search can return: first at Markdown headings, then by size with overlap.

Size is counted in *units*: each Chinese character or punctuation mark (。，) is one unit, and each
run of other non-space characters (an English word, a number, "SF123") is one unit. So
`chunk_size=120` means about 120 characters of Chinese or 120 words of English, and mixed text
counts both ways at once.

Neighbouring chunks of one section share `overlap` units, so a sentence cut at a chunk boundary is
still whole in one of them. Every chunk remembers its page, the headings above it and its position,
and gets an id such as "faq-returns-zh#2" (the third chunk of that page).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kit.i18n import _
from kit.rag.documents import Document

CHUNK_SIZE = 120  # units (Chinese characters or English words) per chunk
OVERLAP = 30  # units shared by neighbouring chunks of one section
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef"  # 。，、「」 and full-width forms: one unit each, like a character
_UNIT = re.compile(rf"[{_HAN}{_CJK_PUNCT}]|[^\s{_HAN}{_CJK_PUNCT}]+")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")


@dataclass(frozen=True)
class Chunk:
    """A piece of one page: the text, the page's id, the headings above it, and where it sits."""

    doc_id: str
    position: int  # 0 for the page's first chunk, 1 for the next, ...
    headings: tuple[str, ...]  # outermost first: ("退货", "七天无理由")
    text: str
    start: int  # character offset of `text` in the page's text

    @property
    def id(self) -> str:
        """`<doc id>#<position>`: unique across a set of pages, stable while the page and settings stay the same."""
        return f"{self.doc_id}#{self.position}"

    @property
    def heading_path(self) -> str:
        """The headings joined with ' › ', or '' for text above the first heading."""
        return " › ".join(self.headings)


@dataclass(frozen=True)
class Section:
    """The text under one heading, up to the next heading of any level."""

    headings: tuple[str, ...]
    start: int
    end: int


def sections(text: str) -> list[Section]:
    """Split Markdown at its headings (# to ######, not inside ``` fences); empty sections are left out."""
    found: list[Section] = []
    path: list[tuple[int, str]] = []  # (level, title) of the headings we are inside
    start, offset, fenced = 0, 0, False
    for line in text.splitlines(keepends=True):
        if _FENCE.match(line):
            fenced = not fenced
        heading = None if fenced else _HEADING.match(line.rstrip("\r\n"))
        if heading:
            found.append(Section(tuple(title for _, title in path), start, offset))
            level = len(heading.group(1))
            path = [(lvl, title) for lvl, title in path if lvl < level] + [(level, heading.group(2).strip())]
            start = offset + len(line)
        offset += len(line)
    found.append(Section(tuple(title for _, title in path), start, len(text)))
    return [s for s in found if text[s.start:s.end].strip()]


def units(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each unit in `text`: one per Chinese character, one per other word."""
    return [match.span() for match in _UNIT.finditer(text)]


def windows(count: int, chunk_size: int, overlap: int) -> list[tuple[int, int]]:
    """Unit ranges [first, last) of `chunk_size`, each starting `chunk_size - overlap` after the previous one."""
    check_sizes(chunk_size, overlap)
    if count <= chunk_size:
        return [(0, count)] if count else []
    ranges, first = [], 0
    while True:
        last = min(first + chunk_size, count)
        ranges.append((first, last))
        if last == count:
            return ranges
        first += chunk_size - overlap


def check_sizes(chunk_size: int, overlap: int) -> None:
    """Refuse sizes that cannot make progress: the window must be at least 1 and longer than the overlap."""
    if not isinstance(chunk_size, int) or chunk_size < 1:
        raise ValueError(_("chunk_size must be a whole number of units, at least 1; got {chunk_size}.").format(
            chunk_size=repr(chunk_size)))
    if not isinstance(overlap, int) or not 0 <= overlap < chunk_size:
        raise ValueError(_("overlap must be a whole number from 0 to chunk_size - 1 ({most}); got {overlap}.").format(
            most=chunk_size - 1, overlap=repr(overlap)))


def chunk_doc(doc: Document, chunk_size: int = CHUNK_SIZE, overlap: int = OVERLAP) -> list[Chunk]:
    """One page's chunks, in reading order."""
    check_sizes(chunk_size, overlap)
    chunks: list[Chunk] = []
    for section in sections(doc.text):
        spans = units(doc.text[section.start:section.end])
        for first, last in windows(len(spans), chunk_size, overlap):
            start, end = section.start + spans[first][0], section.start + spans[last - 1][1]
            chunks.append(Chunk(doc.id, len(chunks), section.headings, doc.text[start:end], start))
    return chunks


def chunk_docs(docs: Iterable[Document], chunk_size: int = CHUNK_SIZE, overlap: int = OVERLAP) -> list[Chunk]:
    """Every page's chunks, page after page."""
    return [chunk for doc in docs for chunk in chunk_doc(doc, chunk_size, overlap)]
