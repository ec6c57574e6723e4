"""Quizlet CSV: term and definition columns both ways, with per-line errors."""

import pytest

from quizzes.interop import InterchangeChoice, InterchangeError, InterchangeQuestion, quizlet_csv


def card(front, back):
    return InterchangeQuestion("flashcard", front, back)


ROUND_TRIPS = [
    card("la pomme", "the apple"),
    card("Café, crème", "coffee, with cream"),
    card('He said "hello"', "a greeting, ‘quoted’"),
    card("Paris is the capital of _____.", "France"),
    card("Specials ~ = # { } : \\ survive", "; and | too"),
    card("Two lines\nof front", "and a back\nover two"),
    card("Zoë, Ångström, 東京", "naïve façade"),
]


@pytest.mark.parametrize("question", ROUND_TRIPS, ids=lambda q: q.prompt[:20])
def test_a_flashcard_round_trips(question):
    assert quizlet_csv.load(quizlet_csv.dump([question])) == [question]


def test_a_whole_file_round_trips_in_order_as_utf8_bytes():
    assert quizlet_csv.load(quizlet_csv.dump(ROUND_TRIPS).encode()) == ROUND_TRIPS


def test_every_kind_is_written_as_prompt_and_answer():
    questions = [
        InterchangeQuestion(
            "cloze", "_____ is the capital.", "Paris", alternatives=("paris",), explanation="x"
        ),
        InterchangeQuestion(
            "multiple_choice",
            "Pick the capital, please",
            "Paris",
            choices=(InterchangeChoice("Paris", True), InterchangeChoice("Lyon", False)),
            title="Capitals",
        ),
        InterchangeQuestion("true_false", "The Moon is a planet.", "false"),
        InterchangeQuestion("short_answer", 'Say "hi"', "hi"),
        card("front", "back"),
    ]
    assert quizlet_csv.dump(questions) == (
        "_____ is the capital.,Paris\n"
        '"Pick the capital, please",Paris\n'
        "The Moon is a planet.,false\n"
        '"Say ""hi""",hi\n'
        "front,back\n"
    )
    assert [
        (question.kind, question.prompt, question.answer)
        for question in quizlet_csv.load(quizlet_csv.dump(questions))
    ] == [("flashcard", question.prompt, question.answer) for question in questions]


def test_dumping_nothing_gives_an_empty_file():
    assert quizlet_csv.dump([]) == ""
    assert quizlet_csv.load("") == []


def test_a_header_row_blank_lines_and_a_byte_order_mark_are_skipped():
    text = "\ufeffTerm, Definition\r\n\r\nla pomme,the apple\r\n\r\nle chat,the cat\r\n"
    assert quizlet_csv.load(text.encode()) == [
        card("la pomme", "the apple"),
        card("le chat", "the cat"),
    ]


def test_a_term_definition_row_after_the_first_is_a_card():
    assert quizlet_csv.load("a,b\nterm,definition\n") == [
        card("a", "b"),
        card("term", "definition"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("only one column\n", 1, "found 1"),
        ("a,b,c\n", 1, "found 3"),
        (",definition\n", 1, "term is empty"),
        ("term,   \n", 1, "definition is empty"),
        ('ok,fine\n"never closed,x\n', 2, "not valid CSV"),
    ],
)
def test_a_malformed_row_is_refused_with_its_line(text, line, message):
    with pytest.raises(InterchangeError) as caught:
        quizlet_csv.load(text)
    [(found_line, found_message)] = caught.value.problems
    assert found_line == line
    assert message in found_message


def test_every_malformed_row_is_listed_and_nothing_is_returned():
    text = 'term,definition\ngood,row\nbad row\n"a quoted\nfront",back\n\nx,y,z\n,empty\n'
    with pytest.raises(InterchangeError) as caught:
        quizlet_csv.load(text)
    assert [line for line, _ in caught.value.problems] == [3, 7, 8]
    assert "Line 3: Expected 2 columns" in str(caught.value)


def test_text_that_is_not_utf8_is_refused_with_its_line():
    with pytest.raises(InterchangeError) as caught:
        quizlet_csv.load(b"a,b\nc,caf" + b"\xe9\n")
    assert caught.value.problems == [(2, "This line is not UTF-8 text.")]
