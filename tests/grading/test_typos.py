"""Typos: how many are forgiven for an answer of a given length, and which never are."""

import pytest

from quizzes.grading import allowed_typos, grade_text


@pytest.mark.parametrize(
    ("length", "typos"),
    [
        pytest.param(1, 0, id="one character allows no typo"),
        pytest.param(4, 0, id="four characters allow no typo"),
        pytest.param(5, 1, id="five characters allow one typo"),
        pytest.param(8, 1, id="eight characters allow one typo"),
        pytest.param(12, 1, id="twelve characters allow one typo"),
        pytest.param(13, 2, id="thirteen characters allow two typos"),
        pytest.param(20, 2, id="twenty characters allow two typos"),
        pytest.param(21, 3, id="twenty one characters allow three typos"),
        pytest.param(500, 3, id="no answer allows more than three typos"),
    ],
)
def test_typo_table(length, typos):
    assert allowed_typos(length) == typos


# (response, answer, correct)
CASES = [
    pytest.param("NAT0", "NATO", False, id="a zero for an O in a four letter answer is wrong"),
    pytest.param("Mare", "Mars", False, id="one wrong letter in four is wrong"),
    pytest.param("Mar", "Mars", False, id="one missing letter in four is wrong"),
    pytest.param("Iraq", "Iran", False, id="Iraq is not Iran"),
    pytest.param("Prais", "Paris", True, id="two swapped letters in five are one typo"),
    pytest.param("Pariss", "Paris", True, id="one doubled letter in five is forgiven"),
    pytest.param("Pqrus", "Paris", False, id="two typos in five letters are wrong"),
    pytest.param("Gutenburg", "Gutenberg", True, id="Gutenburg is forgiven for Gutenberg"),
    pytest.param("Guttenburg", "Gutenberg", False, id="two typos in Gutenberg are wrong"),
    pytest.param("photosynthesys", "photosynthesis", True, id="photosynthesys is forgiven"),
    pytest.param(
        "fotosynthesys", "photosynthesis", False, id="three typos in photosynthesis are wrong"
    ),
    pytest.param(
        "photosinthesys", "photosynthesis", True, id="two typos in fourteen letters are forgiven"
    ),
    pytest.param("condensation", "evaporation", False, id="condensation is not evaporation"),
    pytest.param("Austria", "Australia", False, id="Austria is not Australia"),
    pytest.param("Australia", "Austria", False, id="Australia is not Austria"),
    pytest.param("meiosis", "mitosis", False, id="meiosis is not mitosis"),
    pytest.param("Slovakia", "Slovenia", False, id="Slovakia is not Slovenia"),
    pytest.param("Niger", "Nigeria", False, id="Niger is not Nigeria"),
    pytest.param("Zambia", "Gambia", False, id="a wrong first letter is never a typo"),
    pytest.param("Kim Jong Il", "Kim Jong-un", False, id="the father is not the son"),
    pytest.param("Apollo 12", "Apollo 11", False, id="a changed digit is never a typo"),
    pytest.param("Apolo 11", "Apollo 11", True, id="a typo beside the right number is forgiven"),
    pytest.param("Henry VII", "Henry VIII", False, id="a changed roman numeral is never a typo"),
    pytest.param(
        "Henri VIII", "Henry VIII", True, id="a typo beside the right roman numeral is forgiven"
    ),
    pytest.param("World War II", "World War I", False, id="the second world war is not the first"),
    pytest.param("Vitamin D", "Vitamin C", False, id="a changed single letter is never a typo"),
    pytest.param(
        "Vitamen C", "Vitamin C", True, id="a typo beside the right single letter is forgiven"
    ),
    pytest.param(
        "Washingon D.C.",
        "Washington, DC",
        True,
        id="a typo beside a dotted abbreviation is forgiven",
    ),
    pytest.param(
        "the mitochondria is the powerhouse of teh cel",
        "The mitochondria is the powerhouse of the cell",
        True,
        id="three slips in a long sentence are forgiven",
    ),
    pytest.param(
        "the mitocondria is teh powerhose of teh cel",
        "The mitochondria is the powerhouse of the cell",
        False,
        id="five slips in a long sentence are wrong",
    ),
]


@pytest.mark.parametrize(("response", "answer", "correct"), CASES)
def test_typos(response, answer, correct):
    grade = grade_text(response, answer)
    assert grade.correct is correct
    assert grade.exact is False
    assert grade.matched == (answer if correct else None)
    assert 0.0 < grade.score < 1.0
