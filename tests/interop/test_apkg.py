"""The .apkg writer, read back with sqlite3 (the real Anki import is in
tests/quizzes/test_interchange_apkg.py): notes, fields, note types, stable ids."""

import io
import json
import sqlite3
import zipfile

import pytest

from quizzes.interop import InterchangeChoice, InterchangeQuestion, apkg

CARDS = [
    apkg.AnkiCard(
        "question:1",
        InterchangeQuestion(
            "cloze", "Paris is the capital of _____.", "France", explanation="Since 987."
        ),
        source="Paris is the capital of France.",
    ),
    apkg.AnkiCard(
        "question:2",
        InterchangeQuestion(
            "multiple_choice",
            "Which city?",
            "Paris",
            choices=(InterchangeChoice("Lyon", False), InterchangeChoice("Paris", True)),
        ),
    ),
    apkg.AnkiCard("question:3", InterchangeQuestion("true_false", "Is it?", "false")),
    apkg.AnkiCard(
        "question:4",
        InterchangeQuestion("short_answer", "Season?", "autumn", alternatives=("fall",)),
    ),
    apkg.AnkiCard("question:5", InterchangeQuestion("flashcard", "la pomme", "the apple")),
]


def read_notes(data: bytes) -> tuple[list[tuple], dict]:
    """(guid, note type id, fields, tags) of every note, and the collection's decks."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["collection.anki2", "media"]
        assert json.loads(archive.read("media")) == {}
        database = archive.read("collection.anki2")
    connection = sqlite3.connect(":memory:")
    connection.deserialize(database)
    notes = [
        (guid, mid, fields.split("\x1f"), tags.split())
        for guid, mid, fields, tags in connection.execute(
            "SELECT guid, mid, flds, tags FROM notes ORDER BY id"
        )
    ]
    decks = json.loads(connection.execute("SELECT decks FROM col").fetchone()[0])
    connection.close()
    return notes, decks


def test_each_kind_becomes_the_note_it_should():
    notes, decks = read_notes(apkg.dump(CARDS, deck_name="Rivers", deck_key="document:7"))

    assert [(mid, fields) for _, mid, fields, _ in notes] == [
        (
            apkg.CLOZE_MODEL_ID,
            [
                "Paris is the capital of {{c1::France}}.",
                "Paris is the capital of France.",
                "Since 987.",
            ],
        ),
        (
            apkg.BASIC_MODEL_ID,
            ['Which city?<ol type="A"><li>Lyon</li><li>Paris</li></ol>', "Paris", "", ""],
        ),
        (apkg.BASIC_MODEL_ID, ["Is it?", "False", "", ""]),
        (apkg.BASIC_MODEL_ID, ["Season?", "autumn / fall", "", ""]),
        (apkg.BASIC_MODEL_ID, ["la pomme", "the apple", "", ""]),
    ]
    assert [tags for *_, tags in notes] == [
        ["lectern::cloze"],
        ["lectern::multiple_choice"],
        ["lectern::true_false"],
        ["lectern::short_answer"],
        ["lectern::flashcard"],
    ]
    assert decks[str(apkg.deck_id("document:7"))]["name"] == "Rivers"


def test_ids_are_stable_across_exports_and_differ_between_questions_and_documents():
    first, _ = read_notes(apkg.dump(CARDS, deck_name="Rivers", deck_key="document:7"))
    again, _ = read_notes(apkg.dump(CARDS[::-1], deck_name="Renamed", deck_key="document:7"))

    assert [guid for guid, *_ in first] == [apkg.note_guid(card.key) for card in CARDS]
    assert sorted(guid for guid, *_ in again) == sorted(guid for guid, *_ in first)
    assert len({guid for guid, *_ in first}) == len(CARDS)
    assert apkg.deck_id("document:7") == apkg.deck_id("document:7")
    assert apkg.deck_id("document:7") != apkg.deck_id("document:8")
    assert 1 << 30 <= apkg.deck_id("document:7") < 1 << 63


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a < b & c", "a &lt; b &amp; c"),
        ("two\nlines", "two<br>lines"),
        (
            "{{Front}} and {{c2::x}}",
            "&#123;&#123;Front&#125;&#125; and &#123;&#123;c2&#58;&#58;x&#125;&#125;",
        ),
    ],
)
def test_field_text_cannot_pass_for_html_a_field_or_a_cloze(text, shown):
    assert apkg.field_html(text) == shown


def test_a_cloze_answer_with_colons_or_braces_stays_one_deletion():
    card = apkg.AnkiCard("q", InterchangeQuestion("cloze", "Ratio _____ here", "1::2}}"))
    [(_, _, fields, _)], _ = read_notes(apkg.dump([card], deck_name="D", deck_key="d"))
    assert fields[0] == "Ratio {{c1::1&#58;&#58;2&#125;&#125;}} here"


def test_a_cloze_without_a_blank_gets_its_deletion_at_the_end():
    card = apkg.AnkiCard("q", InterchangeQuestion("cloze", "No blank", "x"))
    [(_, _, fields, _)], _ = read_notes(apkg.dump([card], deck_name="D", deck_key="d"))
    assert fields[0] == "No blank {{c1::x}}"
