"""Importing questions into a lesson: malformed or hostile files are refused with every
problem and its line, and nothing is stored; what is refused before reading."""

import pytest
from django.utils import timezone

from quizzes.models import Choice, Question
from quizzes.services import MAX_IMPORT_BYTES, QuestionImportError, import_questions
from tests.interop.bank import empty_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(teacher):
    return empty_lesson(teacher)


def refused(lesson, data: bytes, format: str) -> QuestionImportError:
    with pytest.raises(QuestionImportError) as caught:
        import_questions(lesson=lesson, data=data, format=format)
    assert Question.objects.count() == 0
    assert Choice.objects.count() == 0
    return caught.value


GIFT = b"""\
Fine {T}

Unclosed, on its second line
of text {=a

Also fine {=b}

Pick one {~x ~y}
"""

CSV = b"""\
term,definition
la pomme,the apple
only one column
,no term
le chat,the cat,extra
"""

XML = b"""\
<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="truefalse">
    <questiontext><text>Fine</text></questiontext>
    <answer fraction="100"><text>true</text></answer>
  </question>
  <question type="essay">
    <questiontext><text>Write.</text></questiontext>
  </question>
  <question type="multichoice">
    <questiontext><text>Pick</text></questiontext>
    <answer fraction="0"><text>a</text></answer>
    <answer fraction="0"><text>b</text></answer>
  </question>
</quiz>
"""


@pytest.mark.parametrize(
    ("format", "data", "lines"),
    [("gift", GIFT, [4, 8]), ("csv", CSV, [3, 4, 5]), ("xml", XML, [7, 10])],
)
def test_a_malformed_file_is_refused_line_by_line_and_nothing_is_stored(
    lesson, format, data, lines
):
    error = refused(lesson, data, format)

    assert [line for line, _ in error.problems] == lines
    assert error.message == f"Nothing was imported: the file has {len(lines)} problems."
    assert str(error).splitlines()[1].startswith(f"Line {lines[0]}: ")


def test_what_the_models_refuse_is_reported_with_the_line_of_its_question(lesson):
    long_choice = "x" * 501
    data = f"Fine {{T}}\n\nPick {{\n\t={long_choice}\n\t~short\n}}\n".encode()

    error = refused(lesson, data, "gift")

    [(line, message)] = error.problems
    assert line == 3
    assert "at most 500 characters" in message
    assert message.startswith("Choice “xxxx")


def test_hostile_xml_is_refused_and_nothing_is_stored(lesson):
    data = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<quiz><question type="shortanswer"><questiontext><text>&b;</text></questiontext>
<answer fraction="100"><text>x</text></answer></question></quiz>"""

    error = refused(lesson, data, "xml")

    [(line, message)] = error.problems
    assert line == 2
    assert "refused for safety" in message


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(lesson):
    data = b"Fine {T}\n\n" * (MAX_IMPORT_BYTES // 10 + 1)

    error = refused(lesson, data, "gift")

    assert error.message == "The file is 5,242,890 bytes; the limit is 5,242,880 bytes."
    assert error.problems == []


def test_a_file_that_is_not_utf8_is_refused_with_its_line(lesson):
    data = "Fine {T}\n\nCafé {=oui}\n".encode("latin-1")

    error = refused(lesson, data, "gift")

    assert error.message == "The file is not UTF-8 text (line 3). Save it as UTF-8 and try again."
    assert error.problems == [(3, "This line is not UTF-8 text.")]


@pytest.mark.parametrize("data", [b"", b"// only a comment\n", b"\xef\xbb\xbf\n\n"])
def test_a_file_without_questions_is_refused(lesson, data):
    assert refused(lesson, data, "gift").message == "The file holds no questions."


def test_an_unknown_format_is_refused(lesson):
    error = refused(lesson, b"Fine {T}", "apkg")
    assert "not “apkg”" in error.message


def test_an_archived_lesson_takes_no_questions(lesson):
    lesson.archived_at = timezone.now()
    lesson.save()

    error = refused(lesson, b"Fine {T}", "gift")

    assert "archived" in error.message


def test_a_byte_order_mark_and_windows_line_ends_are_fine(lesson):
    data = "\ufeffterm,definition\r\nla pomme,the apple\r\n".encode()

    result = import_questions(lesson=lesson, data=data, format="csv")

    assert [(q.kind, q.prompt, q.answer) for q in result.questions] == [
        ("flashcard", "la pomme", "the apple")
    ]
