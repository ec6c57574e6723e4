"""GIFT: round trips for every kind GIFT can express, golden dumps, Moodle-style samples,
and malformed files refused line by line."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.interop import InterchangeChoice, InterchangeError, InterchangeQuestion, gift

TRICKY = 'Café: {a} = b ~ c # d \\ e "quoted" ’s'

ROUND_TRIPS = [
    InterchangeQuestion("cloze", "Paris is the capital of _____.", "France"),
    InterchangeQuestion(
        "cloze",
        "_____ printed the Bible in Mainz.",
        "Gutenberg",
        alternatives=("Johannes Gutenberg",),
        explanation="Around 1455.",
        title="Printing",
    ),
    InterchangeQuestion("cloze", "The answer comes last: _____", "here"),
    InterchangeQuestion("cloze", f"{TRICKY} _____ {TRICKY}", TRICKY, alternatives=("é",)),
    InterchangeQuestion(
        "multiple_choice",
        "Which city is the capital of France?",
        "Paris",
        choices=(
            InterchangeChoice("Lyon", False, "No, that is the third-largest city."),
            InterchangeChoice("Paris", True, "Right."),
            InterchangeChoice("Nice", False),
        ),
        explanation="The Seine runs through it.",
        title="Capitals",
    ),
    InterchangeQuestion(
        "multiple_choice",
        "_____ is a prime number.",
        "Seven",
        choices=(InterchangeChoice("Seven", True), InterchangeChoice("Nine", False)),
    ),
    InterchangeQuestion(
        "multiple_choice",
        TRICKY,
        TRICKY,
        choices=(
            InterchangeChoice(TRICKY, True, TRICKY),
            InterchangeChoice("Also right", True),
            InterchangeChoice("Ça", False, "Non"),
        ),
        explanation=TRICKY,
        title=TRICKY,
    ),
    InterchangeQuestion("true_false", "Water boils at 100 °C at sea level.", "true"),
    InterchangeQuestion(
        "true_false", "The Moon is a planet.", "false", explanation="A satellite.", title="Moon"
    ),
    InterchangeQuestion("short_answer", "What is the capital of France?", "Paris"),
    InterchangeQuestion(
        "short_answer",
        "Name the season after summer.",
        "autumn",
        alternatives=("fall", "l’automne"),
        explanation="Both are English.",
    ),
    InterchangeQuestion("short_answer", f"Line one\nLine two: {TRICKY}", "Zoë \\n"),
]


@pytest.mark.parametrize("question", ROUND_TRIPS, ids=lambda q: f"{q.kind}:{q.prompt[:20]}")
def test_dump_then_load_gives_the_same_question(question):
    assert gift.load(gift.dump([question])) == [question]


def test_a_whole_file_round_trips_in_order():
    assert gift.load(gift.dump(ROUND_TRIPS)) == ROUND_TRIPS


def test_the_file_also_round_trips_as_utf8_bytes():
    assert gift.load(gift.dump(ROUND_TRIPS).encode()) == ROUND_TRIPS


def test_a_flashcard_is_written_as_a_short_answer_and_reads_back_as_one():
    card = InterchangeQuestion("flashcard", "la pomme", "the apple")
    text = gift.dump([card])
    assert text == "la pomme {=the apple}\n"
    assert gift.load(text) == [InterchangeQuestion("short_answer", "la pomme", "the apple")]


def test_golden_dump_of_each_kind():
    questions = [
        InterchangeQuestion(
            "cloze", "Paris is the capital of _____.", "France", alternatives=("la France",)
        ),
        InterchangeQuestion(
            "multiple_choice",
            "Which city: the capital?",
            "Paris",
            choices=(InterchangeChoice("Paris", True, "Yes #1"), InterchangeChoice("Lyon", False)),
            explanation="On the Seine.",
            title="Capitals",
        ),
        InterchangeQuestion("true_false", "2 = 2", "true", explanation="Trivially {so}."),
        InterchangeQuestion("short_answer", "Name it", "x~y"),
    ]
    assert gift.dump(questions) == (
        "Paris is the capital of {=France =la France}.\n"
        "\n"
        "::Capitals::Which city\\: the capital? {\n"
        "\t=Paris#Yes \\#1\n"
        "\t~Lyon\n"
        "\t####On the Seine.\n"
        "}\n"
        "\n"
        "2 \\= 2 {T####Trivially \\{so\\}.}\n"
        "\n"
        "Name it {=x\\~y}\n"
    )


def test_dumping_nothing_gives_an_empty_file():
    assert gift.dump([]) == ""
    assert gift.load("") == []


MOODLE_SAMPLE = """\
// A quiz written by hand, the way Moodle's documentation shows it.
$CATEGORY: $course$/Geography

::Q1:: Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}

// true/false, long form
::Q2:: Grant was buried in a tomb in New York City.{TRUE}

Grant is {~buried =entombed ~living} in Grant's tomb.

::Q3:: Two plus two
// a comment inside a question is skipped
equals what? {
\t~%-100%three#Count again.
\t~%100%four#Yes.
\t~five
\t####Basic arithmetic.
}

[markdown]The sun rises in the east. {F#Wrong.#Right.####It does not, it stays put.}

What is a blue whale?{=a mammal#Indeed =mammal}
"""


def test_loads_a_hand_written_moodle_file():
    assert gift.load(MOODLE_SAMPLE) == [
        InterchangeQuestion(
            "multiple_choice",
            "Who's buried in Grant's tomb?",
            "no one",
            choices=(
                InterchangeChoice("Grant", False),
                InterchangeChoice("Jefferson", False),
                InterchangeChoice("no one", True),
            ),
            title="Q1",
        ),
        InterchangeQuestion(
            "true_false", "Grant was buried in a tomb in New York City.", "true", title="Q2"
        ),
        InterchangeQuestion(
            "multiple_choice",
            "Grant is _____ in Grant's tomb.",
            "entombed",
            choices=(
                InterchangeChoice("buried", False),
                InterchangeChoice("entombed", True),
                InterchangeChoice("living", False),
            ),
        ),
        InterchangeQuestion(
            "multiple_choice",
            "Two plus two\nequals what?",
            "four",
            choices=(
                InterchangeChoice("three", False, "Count again."),
                InterchangeChoice("four", True, "Yes."),
                InterchangeChoice("five", False),
            ),
            explanation="Basic arithmetic.",
            title="Q3",
        ),
        InterchangeQuestion(
            "true_false",
            "The sun rises in the east.",
            "false",
            explanation="It does not, it stays put.",
        ),
        InterchangeQuestion("short_answer", "What is a blue whale?", "a mammal", ("mammal",)),
    ]


def test_windows_line_ends_and_a_byte_order_mark_are_read():
    text = "\ufeff::T::Capital of France? {=Paris}\r\n\r\nIs it? {F}\r\n"
    assert gift.load(text.encode()) == [
        InterchangeQuestion("short_answer", "Capital of France?", "Paris", title="T"),
        InterchangeQuestion("true_false", "Is it?", "false"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Capital of France? {=Paris", 1, "never closed"),
        ("Pick one {~Lyon ~Nice}", 1, "No right answer"),
        ("{=Paris}", 1, "no text"),
        ("::Only a title::{T}", 1, "no text"),
        ("Just a sentence.", 1, "no answers in braces"),
        ("A stray } brace", 1, "never opened"),
        ("Pick {=a} and {=b}", 1, "More than one"),
        ("Nested {=a {b}}", 1, "inside the answers"),
        ("Essay? {}", 1, "essay"),
        ("How many? {#3:1}", 1, "Numeric"),
        ("Match {=a -> 1 =b -> 2}", 1, "Matching"),
        ("Empty answer {= ~b}", 1, "empty"),
        ("Loose text {here =a}", 1, "start with"),
        ("::Unclosed title {=a}", 1, "closing “::”"),
    ],
)
def test_a_malformed_question_is_refused_with_its_line(text, line, message):
    with pytest.raises(InterchangeError) as caught:
        gift.load(text)
    [(found_line, found_message)] = caught.value.problems
    assert found_line == line
    assert message in found_message


def test_every_malformed_question_is_listed_and_nothing_is_returned():
    text = (
        "// header comment\n"
        "Fine {T}\n"
        "\n"
        "Unclosed, on its second line\n"
        "of text {=a\n"
        "\n"
        "Also fine {=b}\n"
        "\n"
        "\n"
        "No right answer {~x ~y}\n"
        "\n"
        "::t::{=only answers}\n"
    )
    with pytest.raises(InterchangeError) as caught:
        gift.load(text)
    assert [line for line, _ in caught.value.problems] == [5, 10, 12]
    assert str(caught.value).splitlines()[0].startswith("Line 5: ")


def test_an_unknown_kind_is_refused_when_building_a_question():
    with pytest.raises(ValueError, match="essay"):
        InterchangeQuestion("essay", "Write.", "")


def _plain(text):
    """Texts GIFT keeps as they are (see the module docstring for the rest)."""
    return (
        text == text.strip()
        and "\r" not in text
        and "_____" not in text
        and "->" not in text
        and not text.startswith(("//", "%", "[", "$CATEGORY:"))
        and "\n//" not in text
    )


texts = st.text(min_size=1, max_size=30).filter(_plain)


@settings(max_examples=300, deadline=None)
@given(prompt=texts, answer=texts, wrong=texts, feedback=texts, explanation=texts, title=texts)
def test_any_plain_text_round_trips(prompt, answer, wrong, feedback, explanation, title):
    questions = [
        InterchangeQuestion(
            "short_answer", prompt, answer, alternatives=(wrong,), explanation=explanation
        ),
        InterchangeQuestion("cloze", f"{prompt} _____ {wrong}", answer, title=title),
        InterchangeQuestion(
            "multiple_choice",
            prompt,
            answer,
            choices=(InterchangeChoice(answer, True, feedback), InterchangeChoice(wrong, False)),
            explanation=explanation,
            title=title,
        ),
        InterchangeQuestion("true_false", prompt, "false", explanation=explanation),
    ]
    assert gift.load(gift.dump(questions)) == questions


def test_a_single_right_answer_holding_an_arrow_is_a_short_answer_not_a_matching_question():
    question = InterchangeQuestion("short_answer", "What does “->” point to?", "a -> b")
    assert gift.load(gift.dump([question])) == [question]
