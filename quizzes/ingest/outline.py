"""Headings + body pieces → title and sections, shared by Markdown, HTML and DOCX.

Rules:

* The **section level** is the smallest heading level that occurs at least twice.
* If no level repeats: when the top heading comes first in the document (nothing but
  blank text before it), it is the title heading and the next level present (if any) is
  the section level; otherwise the top level is the section level.
* With a repeating level, the title heading is the highest heading above the section
  level that comes before the first section heading.
* The title heading is *consumed* (it becomes the document title) unless the format
  already knows the title (``title_known``: front matter, ``<title>``, a DOCX "Title"
  paragraph or core property); then it starts a section like any other heading.
* Every other heading at or above the section level starts a section; headings below
  it stay in the body (as their Markdown ``source``).
* Text before the first section heading becomes an "Introduction" section.
* **Empty-bodied headings** (a heading directly followed by the next section heading)
  are folded, as a bold line ``**Heading**``, into the top of the next section's body;
  a trailing one goes to the bottom of the previous section. Nothing is lost and no
  section is empty. A document with headings but no text at all is refused.
* No section heading at all → the body is cut into ~300-word lessons (``chunking``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .chunking import chunk
from .common import INTRODUCTION, Heading, Item, bold_line, clean_body, heading_text, is_blank
from .types import IngestError, Section


@dataclass(frozen=True, slots=True)
class Outline:
    title: str | None  # text of the consumed title heading, if any
    sections: tuple[Section, ...]


def _levels(items: Sequence[Item]) -> tuple[int | None, int | None]:
    """(section level, index of the title heading)."""
    headings = [(i, item) for i, item in enumerate(items) if isinstance(item, Heading)]
    if not headings:
        return None, None
    counts = Counter(h.level for _, h in headings)
    repeating = [level for level, count in counts.items() if count >= 2]
    if repeating:
        section_level = min(repeating)
        title_index = None
        for i, heading in headings:
            if heading.level == section_level:
                break
            if heading.level < section_level and (
                title_index is None or heading.level < _level_at(items, title_index)
            ):
                title_index = i
        return section_level, title_index
    top = min(counts)
    top_index = next(i for i, h in headings if h.level == top)
    nothing_before = all(isinstance(item, str) and is_blank(item) for item in items[:top_index])
    if not nothing_before:
        return top, None
    below = [level for level in counts if level > top]
    return (min(below) if below else None), top_index


def _level_at(items: Sequence[Item], index: int) -> int:
    item = items[index]
    return item.level if isinstance(item, Heading) else 0


def _fold_empty(raw: list[tuple[str, list[str]]]) -> list[Section]:
    sections: list[Section] = []
    carried: list[str] = []
    for heading, pieces in raw:
        body = clean_body("".join(pieces))
        if is_blank(body):
            carried.append(bold_line(heading))
            continue
        if carried:
            body = "\n\n".join([*carried, body])
            carried = []
        sections.append(Section(heading=heading_text(heading), body=body))
    if carried:
        if not sections:
            raise IngestError("The document has headings but no text under them.")
        last = sections[-1]
        sections[-1] = Section(heading=last.heading, body="\n\n".join([last.body, *carried]))
    return sections


def build(items: Sequence[Item], *, title_known: bool, title: str | None = None) -> Outline:
    """Split ``items`` into sections. ``title`` (the format's own title, if any) is only
    used to head a lone chunk of a document without section headings."""
    section_level, title_index = _levels(items)
    consumed_title: str | None = None
    if title_index is not None and not title_known:
        heading = items[title_index]
        assert isinstance(heading, Heading)
        consumed_title = heading.text

    raw: list[tuple[str, list[str]]] = []
    intro: list[str] = []
    pieces = intro
    for index, item in enumerate(items):
        if isinstance(item, str):
            pieces.append(item)
            continue
        if index == title_index:
            if consumed_title is not None:
                continue
            starts_section = True
        else:
            starts_section = section_level is not None and item.level <= section_level
        if starts_section:
            pieces = []
            raw.append((item.text, pieces))
        else:
            pieces.append(item.source)

    if not raw:
        sections = chunk(_paragraphs(intro), title=title or consumed_title)
        if not sections:
            if any(isinstance(item, Heading) for item in items):
                raise IngestError("The document has headings but no text under them.")
            raise IngestError("The document is empty.")
        return Outline(title=consumed_title, sections=tuple(sections))

    intro_body = clean_body("".join(intro))
    if not is_blank(intro_body):
        raw.insert(0, (INTRODUCTION, [intro_body]))
    return Outline(title=consumed_title, sections=tuple(_fold_empty(raw)))


def _paragraphs(pieces: list[str]) -> list[str]:
    """Blank pieces (the newline that ends a list) join the piece before them, so that
    the chunker sees where a tight list ends."""
    paragraphs: list[str] = []
    for piece in pieces:
        if not is_blank(piece):
            paragraphs.append(piece)
        elif paragraphs:
            paragraphs[-1] += piece
    return paragraphs
