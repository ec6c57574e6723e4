"""The .apkg export opened by the real Anki library: a fresh collection imports it with
the right notes, fields and cloze deletions, and a re-export updates rather than adds."""

import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from quizzes.interop import apkg
from quizzes.models import QuestionKind
from quizzes.services import export_document
from tests.interop.bank import make_bank, published

pytestmark = [pytest.mark.django_db, pytest.mark.anki]

# Skipped only where the real library cannot be imported (not installed, or its native
# part does not load on this platform).
_NO_ANKI = "the `anki` package (a dev dependency) cannot be imported, so no real Anki import"
collection = pytest.importorskip("anki.collection", reason=_NO_ANKI, exc_type=ImportError)
import_export = pytest.importorskip(
    "anki.import_export_pb2", reason=_NO_ANKI, exc_type=ImportError
)


@pytest.fixture
def anki(tmp_path):
    """A fresh Anki collection in a temporary folder."""
    col = collection.Collection(str(tmp_path / "collection.anki2"))
    yield col
    col.close()


def import_package(col, content: bytes, path: Path):
    path.write_bytes(content)
    conditions = import_export.ImportAnkiPackageUpdateCondition
    request = import_export.ImportAnkiPackageRequest(
        package_path=str(path),
        options=import_export.ImportAnkiPackageOptions(
            update_notes=conditions.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER
        ),
    )
    return col.import_anki_package(request)


def notes_by_guid(col) -> dict:
    return {note.guid: note for note in (col.get_note(nid) for nid in col.find_notes(""))}


def test_anki_imports_every_question_as_the_note_it_should_be(teacher, anki, tmp_path):
    document = make_bank(teacher)
    questions = published(document)

    import_package(
        anki, export_document(document=document, format="apkg").content, tmp_path / "a.apkg"
    )

    assert anki.note_count() == len(questions) == 12
    assert anki.card_count() == 12
    assert [d.name for d in anki.decks.all_names_and_ids() if d.name != "Default"] == [
        document.title
    ]
    notes = notes_by_guid(anki)
    assert set(notes) == {apkg.note_guid(f"question:{q.pk}") for q in questions}
    for question in questions:
        note = notes[apkg.note_guid(f"question:{question.pk}")]
        fields = dict(note.items())
        if question.kind == QuestionKind.CLOZE:
            assert note.note_type()["name"] == "Lectern cloze"
            assert fields["Text"] == question.prompt.replace("_____", "{{c1::Gutenberg}}")
            assert fields["Source"] == question.source_sentence
            assert fields["Explanation"] == "Around 1455."
        else:
            assert note.note_type()["name"] == "Lectern basic"
            assert fields["Front"].startswith(apkg.field_html(question.prompt))
        assert note.tags == [f"lectern::{question.kind}"]

    cloze = next(q for q in questions if q.kind == QuestionKind.CLOZE)
    [card_id] = anki.find_cards(f"nid:{notes[apkg.note_guid(f'question:{cloze.pk}')].id}")
    card = anki.get_card(card_id)
    assert 'data-cloze="Gutenberg"' in card.question()
    assert "[...]" in card.question()
    assert "Gutenberg</span> printed the Bible" in card.answer()

    choice = next(q for q in questions if q.kind == QuestionKind.MULTIPLE_CHOICE)
    fields = dict(notes[apkg.note_guid(f"question:{choice.pk}")].items())
    assert "<li>Lyon</li><li>Mainz</li><li>Basel</li>" in fields["Front"]
    assert fields["Back"] == "Mainz"
    assert fields["Explanation"] == "On the Rhine."
    true_false = next(q for q in questions if q.kind == QuestionKind.TRUE_FALSE)
    assert dict(notes[apkg.note_guid(f"question:{true_false.pk}")].items())["Back"] == "False"


def test_importing_a_re_export_updates_the_notes_instead_of_adding_new_ones(
    teacher, anki, tmp_path, monkeypatch
):
    document = make_bank(teacher)
    first = export_document(document=document, format="apkg").content
    import_package(anki, first, tmp_path / "a.apkg")
    cloze = next(q for q in published(document) if q.kind == QuestionKind.CLOZE)
    cloze.explanation = "Around 1455, in Mainz."
    cloze.save()
    # An hour later: Anki updates a note only from a newer one.
    later = time.time() + 3600
    monkeypatch.setattr(apkg, "time", SimpleNamespace(time=lambda: later))

    log = import_package(
        anki, export_document(document=document, format="apkg").content, tmp_path / "b.apkg"
    ).log

    assert anki.note_count() == 12
    assert len(log.new) == 0
    note = notes_by_guid(anki)[apkg.note_guid(f"question:{cloze.pk}")]
    assert dict(note.items())["Explanation"] == "Around 1455, in Mainz."
