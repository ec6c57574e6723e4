"""Accents: ignored by default, required when the question is accent-sensitive."""

import unicodedata

import pytest

from quizzes.grading import grade_text

# (response, answer, correct by default, correct when accent sensitive)
CASES = [
    pytest.param(
        "Pyongyang",
        "Pyŏngyang",
        True,
        False,
        id="a missing breve is wrong only when accents count",
    ),
    pytest.param(
        "Pyŏngyang", "Pyongyang", True, False, id="an added breve is wrong only when accents count"
    ),
    pytest.param("Pyŏngyang", "Pyŏngyang", True, True, id="the accented spelling is always right"),
    pytest.param("Pyŏngyan", "Pyŏngyang", True, True, id="a keyboard slip is forgiven either way"),
    pytest.param(
        "Pyongyan",
        "Pyŏngyang",
        True,
        False,
        id="a slip plus a missing accent is wrong when accents count",
    ),
    pytest.param(
        "cafe", "café", True, False, id="cafe without its accent is wrong only when accents count"
    ),
    pytest.param(
        "cafè", "café", True, False, id="a grave for an acute is wrong only when accents count"
    ),
    pytest.param(
        unicodedata.normalize("NFD", "café"),
        "café",
        True,
        True,
        id="a decomposed accent is the same accent",
    ),
    pytest.param(
        "Strasse", "Straße", True, False, id="ss for sharp s is wrong only when accents count"
    ),
    pytest.param(
        "Aesop", "Æsop", True, False, id="ae for the ligature is wrong only when accents count"
    ),
    pytest.param(
        "oeuvre", "œuvre", True, False, id="oe for the ligature is wrong only when accents count"
    ),
    pytest.param(
        "Soren Kierkegaard",
        "Søren Kierkegaard",
        True,
        False,
        id="o for o with stroke is wrong only when accents count",
    ),
    pytest.param(
        "Sao Paulo",
        "São Paulo",
        True,
        False,
        id="a missing tilde is wrong only when accents count",
    ),
    pytest.param(
        "ÉCOLE", "école", True, True, id="upper case accented letters match lower case ones"
    ),
    pytest.param(
        "Ecole",
        "école",
        True,
        False,
        id="a missing accent on the first letter is wrong when accents count",
    ),
]


@pytest.mark.parametrize(("response", "answer", "by_default", "when_sensitive"), CASES)
def test_accents(response, answer, by_default, when_sensitive):
    assert grade_text(response, answer).correct is by_default
    assert grade_text(response, answer, accent_sensitive=True).correct is when_sensitive


def test_an_accent_blind_match_is_exact():
    grade = grade_text("cafe", "café")
    assert grade.exact
    assert grade.score == 1.0
