"""grade_text as a whole: the Grade it returns, text normalisation, alternatives, and the
responses that must always be wrong (empty, punctuation only, extra words, very long)."""

import dataclasses
import time

import pytest

from quizzes.grading import Grade, grade_text

# (response, answer, correct, exact)
NORMALISATION = [
    pytest.param("paris", "Paris", True, True, id="letter case does not matter"),
    pytest.param("PARIS", "Paris", True, True, id="shouting the answer is still right"),
    pytest.param("  Paris \n", "Paris", True, True, id="surrounding whitespace is ignored"),
    pytest.param(
        "Mount   Everest", "Mount Everest", True, True, id="runs of inner spaces count as one"
    ),
    pytest.param(
        "Mount\tEverest", "Mount Everest", True, True, id="a tab between words is a space"
    ),
    pytest.param("Paris.", "Paris", True, True, id="a trailing full stop is ignored"),
    pytest.param("Paris!?", "Paris", True, True, id="trailing exclamation is ignored"),
    pytest.param("kim jong un", "Kim Jong-un", True, True, id="a hyphen reads as a space"),
    pytest.param("Kim Jong Un", "Kim Jong-un", True, True, id="capitalised spaced name matches"),
    pytest.param("Kim Jongun", "Kim Jong-un", True, True, id="a hyphen may also be left out"),
    pytest.param("Kim Jong–un", "Kim Jong-un", True, True, id="an en dash reads like a hyphen"),
    pytest.param("O’Brien", "O'Brien", True, True, id="a curly apostrophe matches a straight one"),
    pytest.param("O‘Brien", "O'Brien", True, True, id="a left single quote as apostrophe matches"),
    pytest.param("O`Brien", "O'Brien", True, True, id="a backtick as apostrophe matches"),
    pytest.param("O´Brien", "O'Brien", True, True, id="an acute accent as apostrophe matches"),
    pytest.param("OBrien", "O’Brien", True, True, id="an apostrophe may be left out"),
    pytest.param(
        "“Mona Lisa”", '"Mona Lisa"', True, True, id="curly double quotes match straight ones"
    ),
    pytest.param(
        "Mona Lisa", "“Mona Lisa”", True, True, id="quotes around the answer are optional"
    ),
    pytest.param("sun", "The Sun", True, True, id="the leading article the is optional"),
    pytest.param("The Sun", "sun", True, True, id="a leading article in the response is ignored"),
    pytest.param("an apple", "apple", True, True, id="the leading article an is optional"),
    pytest.param("Hague", "The Hague", True, True, id="the article of a place name is optional"),
    pytest.param("USA", "U.S.A.", True, True, id="dots of an abbreviation are ignored"),
    pytest.param(
        "Washington D.C.", "Washington, DC", True, True, id="a comma and abbreviation dots match"
    ),
    pytest.param(
        "Marks and Spencer", "Marks & Spencer", True, True, id="an ampersand reads as and"
    ),
    pytest.param("ﬁsh", "fish", True, True, id="a typographic ligature reads as its letters"),
    pytest.param("ＰＡＲＩＳ", "Paris", True, True, id="full width letters read as plain ones"),
    pytest.param(
        "Gu\u00adtenberg", "Gutenberg", True, True, id="an invisible soft hyphen is ignored"
    ),
    pytest.param("C", "C++", False, False, id="the plus signs of C++ are part of the answer"),
    pytest.param("C#", "C++", False, False, id="C sharp is not C plus plus"),
]

CONTAINED = [
    pytest.param(
        "it was Gutenberg I think",
        "Gutenberg",
        False,
        False,
        id="answer wrapped in a sentence is wrong",
    ),
    pytest.param(
        "Gutenberg or Caxton", "Gutenberg", False, False, id="hedging between two answers is wrong"
    ),
    pytest.param(
        "Johannes Gutenberg", "Gutenberg", False, False, id="an extra first name is wrong"
    ),
    pytest.param("Gutenberg", "Johannes Gutenberg", False, False, id="the surname alone is wrong"),
    pytest.param(
        "the Gutenberg", "Gutenberg", True, True, id="only a leading article may be added"
    ),
]

ALWAYS_WRONG = [
    pytest.param("", "Paris", id="an empty response is wrong"),
    pytest.param("   \t\n", "Paris", id="a whitespace only response is wrong"),
    pytest.param("...", "Paris", id="a response of full stops is wrong"),
    pytest.param("?!", "Paris", id="a response of punctuation marks is wrong"),
    pytest.param("“”", "Paris", id="a response of empty quotes is wrong"),
    pytest.param("", "25", id="an empty response to a number question is wrong"),
    pytest.param("-", "25", id="a lone minus sign is not a number"),
]


@pytest.mark.parametrize(("response", "answer", "correct", "exact"), NORMALISATION + CONTAINED)
def test_normalised_text(response, answer, correct, exact):
    grade = grade_text(response, answer)
    assert (grade.correct, grade.exact) == (correct, exact)
    assert grade.matched == (answer if correct else None)
    if exact:
        assert grade.score == 1.0


@pytest.mark.parametrize(("response", "answer"), ALWAYS_WRONG)
def test_empty_and_punctuation_responses_are_wrong_with_score_zero(response, answer):
    assert grade_text(response, answer) == Grade(
        correct=False, score=0.0, matched=None, exact=False
    )


# (response, answer, accepted, correct, exact, matched)
ALTERNATIVES = [
    pytest.param(
        "Gutenberg",
        "Johannes Gutenberg",
        ["Gutenberg"],
        True,
        True,
        "Gutenberg",
        id="the surname alone is right when it is an accepted alternative",
    ),
    pytest.param(
        "Johannes Gutenberg",
        "Johannes Gutenberg",
        ["Gutenberg"],
        True,
        True,
        "Johannes Gutenberg",
        id="the answer itself is reported as matched when it matches",
    ),
    pytest.param(
        "Gutenburg",
        "Johannes Gutenberg",
        ["Gutenberg"],
        True,
        False,
        "Gutenberg",
        id="an alternative matches with a typo under the same length rule",
    ),
    pytest.param(
        "Gutneberg",
        "Johannes Gutenberg",
        ["Gutenberg"],
        True,
        False,
        "Gutenberg",
        id="swapped letters in an alternative count as one typo",
    ),
    pytest.param(
        "Gutnbrg",
        "Johannes Gutenberg",
        ["Gutenberg"],
        False,
        False,
        None,
        id="an alternative with two typos in nine letters is wrong",
    ),
    pytest.param(
        "Indy",
        "Indiana Jones",
        ["Jones", "Indy"],
        True,
        True,
        "Indy",
        id="a later alternative reports itself as matched",
    ),
    pytest.param(
        "Indi",
        "Indiana Jones",
        ["Jones", "Indy"],
        False,
        False,
        None,
        id="a short alternative must be matched exactly",
    ),
    pytest.param(
        "Bombay",
        "Mumbai",
        ["Bombay"],
        True,
        True,
        "Bombay",
        id="a former name listed as alternative is right",
    ),
    pytest.param(
        "Mumbay",
        "Mumbai",
        ["Mumbay"],
        True,
        True,
        "Mumbay",
        id="an exact alternative beats a typo of the answer",
    ),
    pytest.param(
        "Calcutta",
        "Mumbai",
        ["Bombay"],
        False,
        False,
        None,
        id="a response matching neither answer nor alternative is wrong",
    ),
    pytest.param(
        "25 years",
        "25",
        ["25 years"],
        True,
        True,
        "25 years",
        id="a textual alternative to a number answer is compared as text",
    ),
    pytest.param(
        "twenty five",
        "25",
        ["25 years"],
        True,
        True,
        "25",
        id="the number answer still accepts number words beside a text alternative",
    ),
    pytest.param(
        "Paris",
        "Paris",
        ["", "   "],
        True,
        True,
        "Paris",
        id="blank alternatives are ignored",
    ),
    pytest.param(
        "",
        "Paris",
        ["", "   "],
        False,
        False,
        None,
        id="blank alternatives never match an empty response",
    ),
]


@pytest.mark.parametrize(
    ("response", "answer", "accepted", "correct", "exact", "matched"), ALTERNATIVES
)
def test_accepted_alternatives(response, answer, accepted, correct, exact, matched):
    grade = grade_text(response, answer, accepted=accepted)
    assert (grade.correct, grade.exact, grade.matched) == (correct, exact, matched)


def test_grade_is_a_frozen_slotted_dataclass():
    grade = grade_text("Paris", "Paris")
    assert grade == Grade(correct=True, score=1.0, matched="Paris", exact=True)
    assert not hasattr(grade, "__dict__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        grade.correct = False  # type: ignore[misc]


def test_matched_is_the_expected_answer_as_given_not_normalised():
    grade = grade_text("the hague", "The Hague", accepted=["Den Haag"])
    assert grade.matched == "The Hague"


def test_a_wrong_response_reports_the_similarity_of_its_closest_answer():
    grade = grade_text("Austria", "Australia", accepted=["Oz"])
    assert not grade.correct
    assert grade.matched is None
    assert 0.7 < grade.score < 0.8


def test_score_drops_as_the_response_drifts():
    scores = [grade_text(r, "photosynthesis").score for r in ("photosynthesys", "fotosinthesys")]
    assert 1.0 > scores[0] > scores[1] > 0.0


def test_a_single_string_as_accepted_is_refused_rather_than_read_letter_by_letter():
    with pytest.raises(TypeError):
        grade_text("G", "Gutenberg", accepted="Gutenberg")


@pytest.mark.parametrize(
    "tolerance",
    [
        pytest.param(-1.0, id="a negative tolerance is refused"),
        pytest.param(float("nan"), id="a tolerance that is not a number is refused"),
        pytest.param(float("inf"), id="an infinite tolerance is refused"),
    ],
)
def test_invalid_tolerance(tolerance):
    with pytest.raises(ValueError, match="number_tolerance"):
        grade_text("25", "25", number_tolerance=tolerance)


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param("Gutenberg", id="a ten kilobyte response to a word answer is wrong quickly"),
        pytest.param("1440", id="a ten kilobyte response to a number answer is wrong quickly"),
    ],
)
def test_very_long_responses_are_handled_quickly_and_wrong(answer):
    words = ["Gutenberg", "printing", "press", "1440", "Mainz", "twenty-five", "’", "é"]
    response = " ".join(words[i % len(words)] for i in range(2000))[:10240]
    assert len(response) == 10240
    start = time.perf_counter()
    grade = grade_text(response, answer, accepted=["Johannes Gutenberg"])
    elapsed = time.perf_counter() - start
    assert not grade.correct
    assert grade.score < 0.01
    assert elapsed < 0.5
