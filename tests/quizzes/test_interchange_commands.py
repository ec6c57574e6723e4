"""`manage.py export_questions` and `manage.py import_questions`: files and standard
streams, formats from extensions, and clear errors."""

import io
import sys
import zipfile

import pytest
from django.core.management import CommandError, call_command

from quizzes.interop import moodle_xml
from quizzes.models import Question, QuestionStatus
from quizzes.services import MAX_IMPORT_BYTES
from tests.interop.bank import comparable, empty_lesson, make_bank, published

pytestmark = pytest.mark.django_db


def export(*args: str) -> str:
    err = io.StringIO()
    call_command("export_questions", *args, stderr=err, stdout=io.StringIO())
    return err.getvalue()


def import_(*args: str) -> str:
    out = io.StringIO()
    call_command("import_questions", *args, stdout=out)
    return out.getvalue()


def test_export_writes_the_file_and_says_what_it_wrote(teacher, tmp_path):
    document = make_bank(teacher)
    path = tmp_path / "bank.xml"

    said = export("--document", str(document.pk), "--format", "xml", "-o", str(path))

    assert len(moodle_xml.load(path.read_bytes())) == 12
    assert said == f"12 questions of “Printing and paper” written to {path} (xml).\n"


@pytest.mark.parametrize(
    ("name", "check"), [("bank.apkg", zipfile.is_zipfile), ("bank.txt", None)]
)
def test_export_takes_the_format_from_the_extension(teacher, tmp_path, name, check):
    document = make_bank(teacher)
    path = tmp_path / name

    said = export("--document", str(document.pk), "-o", str(path))

    assert path.stat().st_size > 0
    if check:
        assert check(path)
    else:
        assert path.read_text().startswith(
            "{=Gutenberg =Johannes Gutenberg####Around 1455.} printed"
        )
    assert said.endswith(f"({'apkg' if name.endswith('apkg') else 'gift'}).\n")


def test_export_to_standard_output(teacher, capsysbinary):
    document = make_bank(teacher)

    call_command("export_questions", "--document", str(document.pk), "--format", "csv", "-o", "-")

    out = capsysbinary.readouterr().out
    assert out.decode().splitlines()[0] == "_____ printed the Bible in Mainz (1).,Gutenberg"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--document", "999", "--format", "gift", "-o", "x.txt"], "no document with id 999"),
        (["--document", "1", "--format", "pdf", "-o", "x.pdf"], "invalid choice: 'pdf'"),
        (["--document", "1", "-o", "bank.pdf"], "Give --format"),
        (["--format", "gift", "-o", "x.txt"], "--document"),
    ],
)
def test_export_errors_say_what_is_wrong(db, args, message):
    with pytest.raises(CommandError, match=message):
        export(*args)


def test_export_to_a_folder_that_does_not_exist_is_an_error(teacher, tmp_path):
    document = make_bank(teacher)
    with pytest.raises(CommandError, match="No such file or directory"):
        export("--document", str(document.pk), "-o", str(tmp_path / "none" / "x.xml"))


def test_import_reads_a_file_and_says_how_many_questions_it_added(teacher, tmp_path):
    document = make_bank(teacher)
    path = tmp_path / "bank.xml"
    export("--document", str(document.pk), "-o", str(path))
    lesson = empty_lesson(teacher)

    said = import_("--lesson", str(lesson.pk), str(path))

    assert said == "12 questions imported into “Imported” and published.\n"
    copies = lesson.questions.order_by("position")
    assert [comparable(q) for q in copies] == [comparable(q) for q in published(document)]


def test_import_reads_standard_input_and_can_leave_drafts(teacher, monkeypatch):
    lesson = empty_lesson(teacher)
    stdin = io.TextIOWrapper(io.BytesIO(b"la pomme,the apple\nle chat,the cat\n"))
    monkeypatch.setattr(sys, "stdin", stdin)

    said = import_("--lesson", str(lesson.pk), "--format", "csv", "--draft", "-")

    assert said == "2 questions imported into “Imported” as drafts to review.\n"
    assert list(lesson.questions.values_list("prompt", "status")) == [
        ("la pomme", QuestionStatus.DRAFT),
        ("le chat", QuestionStatus.DRAFT),
    ]


def test_import_lists_every_problem_with_its_line_and_stores_nothing(teacher, tmp_path):
    lesson = empty_lesson(teacher)
    path = tmp_path / "bad.txt"
    path.write_text("Fine {T}\n\nPick one {~x ~y}\n\nAlso {=a\n")

    with pytest.raises(CommandError) as caught:
        import_("--lesson", str(lesson.pk), str(path))

    assert str(caught.value).splitlines() == [
        f"{path}: Nothing was imported: the file has 2 problems.",
        "Line 3: No right answer: mark one with “=”.",
        "Line 5: The “{” opening the answers is never closed with “}”.",
    ]
    assert Question.objects.count() == 0


def test_import_refuses_a_file_over_the_limit_unread(teacher, tmp_path):
    lesson = empty_lesson(teacher)
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" * (MAX_IMPORT_BYTES // 2))

    with pytest.raises(CommandError, match=r"the file is 10\.0 MB; the limit is 5\.0 MB"):
        import_("--lesson", str(lesson.pk), str(path))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lesson", "999", "--format", "gift", "x.txt"], "no lesson with id 999"),
        (["--lesson", "1", "--format", "apkg", "x.apkg"], "invalid choice: 'apkg'"),
        (["--lesson", "1", "bank.pdf"], "Give --format"),
    ],
)
def test_import_errors_say_what_is_wrong(db, args, message):
    with pytest.raises(CommandError, match=message):
        import_(*args)


def test_import_of_a_missing_file_is_an_error(teacher, tmp_path):
    lesson = empty_lesson(teacher)
    with pytest.raises(CommandError, match="No such file or directory"):
        import_("--lesson", str(lesson.pk), str(tmp_path / "none.xml"))
