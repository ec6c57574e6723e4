"""Anki packages (``.apkg``), written with genanki. One way: Anki is where questions go to
be studied, not where Lectern reads them from.

- A cloze question becomes a **cloze note** (note type "Lectern cloze": Text, Source,
  Explanation) whose Text is the prompt with ``{{c1::answer}}`` where the blank was; a
  cloze prompt without a blank gets its deletion at the end.
- Every other kind becomes a **basic note** (note type "Lectern basic": Front, Back,
  Source, Explanation). A multiple-choice front lists the choices, the back holds the
  right ones; a short answer's back lists its alternatives after the answer, separated by
  " / "; a true/false back is "True" or "False"; a flashcard is front and back as is.
- Source is the sentence the question was made from; Explanation the explanation.
- Each note is tagged with its kind (``lectern::cloze``, …).

Identity, so that importing a new export updates notes rather than adding new ones:
the two note types have fixed ids (below; never change them), the deck id is derived
from a key naming the document, and each note's GUID from a key naming the question.

Field text is HTML: it is escaped, line breaks become ``<br>``, and braces and colons are
written as character references, so that no text can pass for a field reference or a
cloze deletion (``{{…}}``, ``::``) in Anki.
"""

from __future__ import annotations

import hashlib
import html
import io
import sqlite3
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import count

import genanki

from quizzes.interop.types import BLANK, InterchangeQuestion

BASIC_MODEL_ID = 1_607_392_431
CLOZE_MODEL_ID = 1_607_392_432
"""Fixed forever: Anki matches note types by id on import."""

_CSS = """\
.card { font-family: sans-serif; font-size: 20px; text-align: left; color: black;
  background-color: white; }
.source { font-size: 15px; color: #555; }
.explanation { font-size: 16px; }
.cloze { font-weight: bold; color: #1a5fb4; }
"""
_EXTRAS = (
    "{{#Source}}<p class=source>{{Source}}</p>{{/Source}}"
    "{{#Explanation}}<p class=explanation>{{Explanation}}</p>{{/Explanation}}"
)

BASIC_MODEL = genanki.Model(
    BASIC_MODEL_ID,
    "Lectern basic",
    fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Source"}, {"name": "Explanation"}],
    templates=[
        {
            "name": "Card 1",
            "qfmt": "{{Front}}",
            "afmt": "{{FrontSide}}<hr id=answer>{{Back}}" + _EXTRAS,
        }
    ],
    css=_CSS,
)
CLOZE_MODEL = genanki.Model(
    CLOZE_MODEL_ID,
    "Lectern cloze",
    fields=[{"name": "Text"}, {"name": "Source"}, {"name": "Explanation"}],
    templates=[
        {"name": "Cloze", "qfmt": "{{cloze:Text}}", "afmt": "{{cloze:Text}}<br>" + _EXTRAS}
    ],
    css=_CSS,
    model_type=genanki.Model.CLOZE,
)

_REFERENCES = str.maketrans({"{": "&#123;", "}": "&#125;", ":": "&#58;"})


@dataclass(frozen=True, slots=True)
class AnkiCard:
    """A question as it goes into the package: ``key`` names it for good (e.g.
    ``"question:42"``; its note's GUID comes from it) and ``source`` is its source
    sentence."""

    key: str
    question: InterchangeQuestion
    source: str = ""


def deck_id(deck_key: str) -> int:
    """A stable deck id for ``deck_key`` (e.g. ``"document:7"``), in the positive range
    Anki's ids live in."""
    digest = hashlib.sha256(f"lectern:deck:{deck_key}".encode()).digest()
    return (int.from_bytes(digest[:8], "big") % (1 << 52)) + (1 << 30)


def note_guid(key: str) -> str:
    """The note GUID of the question named ``key``: the same for every export."""
    return genanki.guid_for("lectern", key)


def dump(cards: Iterable[AnkiCard], *, deck_name: str, deck_key: str) -> bytes:
    """The cards as an ``.apkg`` file (bytes) holding one deck called ``deck_name``."""
    deck = genanki.Deck(deck_id(deck_key), deck_name)
    for card in cards:
        deck.add_note(_note(card))
    return _package_bytes(genanki.Package(deck))


def field_html(text: str) -> str:
    """Plain text as an Anki field shows it (see the module docstring)."""
    escaped = html.escape(text.replace("\r\n", "\n").replace("\r", "\n"), quote=False)
    return escaped.translate(_REFERENCES).replace("\n", "<br>")


def _note(card: AnkiCard) -> genanki.Note:
    question = card.question
    source, explanation = field_html(card.source), field_html(question.explanation)
    tags = [f"lectern::{question.kind}"]
    guid = note_guid(card.key)
    if question.kind == "cloze":
        before, blank, after = question.prompt.partition(BLANK)
        if not blank:
            before, after = question.prompt + " ", ""
        text = f"{field_html(before)}{{{{c1::{field_html(question.answer)}}}}}{field_html(after)}"
        return genanki.Note(
            model=CLOZE_MODEL, fields=[text, source, explanation], tags=tags, guid=guid
        )
    front = field_html(question.prompt)
    if question.kind == "multiple_choice":
        items = "".join(f"<li>{field_html(choice.text)}</li>" for choice in question.choices)
        front += f'<ol type="A">{items}</ol>'
        right = [choice.text for choice in question.choices if choice.correct]
        back = field_html(" / ".join(right or [question.answer]))
    elif question.kind == "true_false":
        back = "True" if question.answer.strip().lower() == "true" else "False"
    else:
        back = field_html(" / ".join((question.answer, *question.alternatives)))
    return genanki.Note(
        model=BASIC_MODEL, fields=[front, back, source, explanation], tags=tags, guid=guid
    )


def _package_bytes(package: genanki.Package) -> bytes:
    """What ``Package.write_to_file`` writes, built in memory: genanki's own method goes
    through a temporary database file that it never deletes."""
    timestamp = time.time()
    connection = sqlite3.connect(":memory:")
    try:
        package.write_to_db(connection.cursor(), timestamp, count(int(timestamp * 1000)))
        connection.commit()
        database = connection.serialize()
    finally:
        connection.close()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("collection.anki2", database)
        archive.writestr("media", "{}")
    return out.getvalue()
