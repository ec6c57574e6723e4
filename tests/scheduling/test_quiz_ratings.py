"""rating_for_quiz_answer: how a graded quiz answer counts towards the card's schedule."""

import math

import pytest

from quizzes.scheduling import EXPECTED_SECONDS, RATINGS, rating_for_quiz_answer

# (correct, seconds, kind, known, rating)
TABLE = [
    pytest.param(False, 3.0, "multiple_choice", True, 1, id="wrong is again, however fast"),
    pytest.param(False, 300.0, "short_answer", False, 1, id="wrong and slow is again"),
    pytest.param(True, 8.0, "multiple_choice", False, 3, id="right is good"),
    pytest.param(True, 20.0, "multiple_choice", True, 3, id="right at twice the time is good"),
    pytest.param(True, 20.5, "multiple_choice", True, 2, id="right but slow is hard"),
    pytest.param(True, 41.0, "short_answer", False, 2, id="slow on a new card is hard too"),
    pytest.param(True, 40.0, "short_answer", True, 3, id="short answers get longer"),
    pytest.param(True, 5.0, "multiple_choice", True, 4, id="right and fast on a known card"),
    pytest.param(True, 5.0, "multiple_choice", False, 3, id="fast on an unknown card is good"),
    pytest.param(True, 5.1, "multiple_choice", True, 3, id="just over half time is good"),
    pytest.param(True, 0.0, "true_false", True, 4, id="instant on a known card is easy"),
    pytest.param(True, 0.5, "true_false", False, 3, id="a quick coin toss on a new card"),
    pytest.param(True, 3.0, "true_false", True, 4, id="true/false fast"),
    pytest.param(True, 12.5, "true_false", True, 2, id="true/false slow"),
    pytest.param(True, 6.0, "cloze", True, 4, id="cloze fast"),
    pytest.param(True, 25.0, "cloze", True, 2, id="cloze slow"),
    pytest.param(True, 10.0, "short_answer", True, 4, id="short answer fast"),
    pytest.param(True, 5.0, "flashcard", True, 4, id="flashcard fast"),
    pytest.param(True, 21.0, "flashcard", True, 2, id="flashcard slow"),
]


@pytest.mark.parametrize(("correct", "seconds", "kind", "known", "rating"), TABLE)
def test_rating_for_quiz_answer(correct, seconds, kind, known, rating):
    assert rating_for_quiz_answer(correct=correct, seconds=seconds, kind=kind, known=known) == (
        rating
    )


@pytest.mark.parametrize("kind", sorted(EXPECTED_SECONDS))
@pytest.mark.parametrize("known", [True, False])
@pytest.mark.parametrize("correct", [True, False])
def test_every_kind_gives_a_valid_rating(kind, known, correct):
    for seconds in (0.0, 1.0, 10.0, 100.0, 10_000.0):
        rating = rating_for_quiz_answer(correct=correct, seconds=seconds, kind=kind, known=known)
        assert rating in RATINGS
        assert (rating == 1) is (not correct)
        if not known:
            assert rating != 4


def test_the_question_kinds_are_the_domains():
    assert set(EXPECTED_SECONDS) == {
        "cloze",
        "multiple_choice",
        "true_false",
        "short_answer",
        "flashcard",
    }


@pytest.mark.parametrize("kind", ["essay", "", "Cloze"])
def test_an_unknown_kind_is_rejected(kind):
    with pytest.raises(ValueError, match="kind"):
        rating_for_quiz_answer(correct=True, seconds=5.0, kind=kind, known=True)


@pytest.mark.parametrize("seconds", [-1.0, math.nan, math.inf])
def test_a_nonsense_duration_is_rejected(seconds):
    with pytest.raises(ValueError, match="seconds"):
        rating_for_quiz_answer(correct=True, seconds=seconds, kind="cloze", known=True)
