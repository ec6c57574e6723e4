"""Numbers: parse_number, and number answers graded as numbers with a tolerance."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.grading import grade_text, parse_number

# (text, value)
PARSED = [
    pytest.param("25", 25, id="digits"),
    pytest.param("25.0", 25, id="a decimal with a zero fraction"),
    pytest.param(" 25. ", 25, id="a trailing full stop and spaces"),
    pytest.param(".5", 0.5, id="a decimal without a leading zero"),
    pytest.param("1,200", 1200, id="a thousands comma"),
    pytest.param("1 200", 1200, id="a thousands space"),
    pytest.param("1\u202f200", 1200, id="a narrow no break thousands space"),
    pytest.param("1,400,000,000", 1_400_000_000, id="several thousands commas"),
    pytest.param("1.4 billion", 1_400_000_000, id="a decimal with a scale word"),
    pytest.param("3 hundred", 300, id="digits with hundred"),
    pytest.param("6.02e23", 6.02e23, id="an exponent"),
    pytest.param("-5", -5, id="a minus sign"),
    pytest.param("−5", -5, id="a typographic minus sign"),
    pytest.param("minus five", -5, id="the word minus"),
    pytest.param("3%", 3, id="a percent sign is dropped not divided"),
    pytest.param("3 percent", 3, id="the word percent"),
    pytest.param("three per cent", 3, id="the words per cent"),
    pytest.param("$5", 5, id="a leading currency sign"),
    pytest.param("3/4", 0.75, id="a fraction"),
    pytest.param("1 1/2", 1.5, id="a mixed fraction"),
    pytest.param("1½", 1.5, id="a vulgar fraction after digits"),
    pytest.param("zero", 0, id="zero"),
    pytest.param("twenty-five", 25, id="hyphenated words"),
    pytest.param("Twenty Five", 25, id="capitalised words with a space"),
    pytest.param("a hundred", 100, id="a hundred"),
    pytest.param("one hundred and five", 105, id="british and after hundred"),
    pytest.param("one hundred five", 105, id="american without and"),
    pytest.param("twelve hundred", 1200, id="twelve hundred"),
    pytest.param("one thousand two hundred", 1200, id="one thousand two hundred"),
    pytest.param("one thousand, two hundred", 1200, id="words with a comma"),
    pytest.param("one thousand and one", 1001, id="one thousand and one"),
    pytest.param("a million", 1_000_000, id="a million"),
    pytest.param("one point four billion", 1_400_000_000, id="point with a scale"),
    pytest.param("three point one four", 3.14, id="decimal digits after point"),
    pytest.param("a half", 0.5, id="a half"),
    pytest.param("three quarters", 0.75, id="three quarters"),
    pytest.param("one and a half", 1.5, id="one and a half"),
    pytest.param("two and a half million", 2_500_000, id="two and a half million"),
    pytest.param("١٢", 12, id="arabic indic digits"),
]

NOT_NUMBERS = [
    pytest.param("", id="empty text"),
    pytest.param("Paris", id="a word"),
    pytest.param("a", id="the article a alone"),
    pytest.param("hundred", id="a scale word alone"),
    pytest.param("25 years", id="a number with a unit"),
    pytest.param("about 25", id="a hedged number"),
    pytest.param("tweny-five", id="a misspelt number word"),
    pytest.param("five five", id="two units in a row"),
    pytest.param("twenty thirty", id="two tens in a row"),
    pytest.param("one thousand one million", id="scales out of order"),
    pytest.param("nineteen eighty-four", id="a year read in pairs"),
    pytest.param("1st", id="an ordinal in digits"),
    pytest.param("first", id="an ordinal in words"),
    pytest.param("second", id="second is a unit of time as much as an ordinal"),
    pytest.param("XIV", id="a roman numeral"),
    pytest.param("3,5", id="a decimal comma"),
    pytest.param("1,20", id="a misplaced thousands comma"),
    pytest.param("nan", id="not a number"),
    pytest.param("inf", id="infinity"),
    pytest.param("1e999", id="an overflowing exponent"),
    pytest.param("1/0", id="a fraction over zero"),
    pytest.param("one " * 100, id="very long text"),
]


@pytest.mark.parametrize(("text", "value"), PARSED)
def test_parse_number(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_parse_number_refuses(text):
    assert parse_number(text) is None


# (response, answer, tolerance, correct, exact)
GRADED = [
    pytest.param("twenty-five", "25", 0, True, True, id="twenty-five equals 25"),
    pytest.param("Twenty Five", "25", 0, True, True, id="Twenty Five equals 25"),
    pytest.param("25.0", "25", 0, True, True, id="25.0 equals 25"),
    pytest.param("25", "twenty-five", 0, True, True, id="digits match an answer in words"),
    pytest.param("1200", "1,200", 0, True, True, id="1200 equals 1,200"),
    pytest.param("one thousand two hundred", "1,200", 0, True, True, id="words equal 1,200"),
    pytest.param("3 percent", "3%", 0, True, True, id="3 percent equals 3%"),
    pytest.param("three per cent", "3%", 0, True, True, id="three per cent equals 3%"),
    pytest.param("3", "3%", 0, True, True, id="the percent sign may be left out"),
    pytest.param("1,400,000,000", "1.4 billion", 0, True, True, id="1.4 billion in full"),
    pytest.param("1441", "1440", 0, False, False, id="1441 is not 1440"),
    pytest.param("1571", "1517", 0, False, False, id="swapped digits are never a typo"),
    pytest.param("twenty-six", "25", 0, False, False, id="twenty-six is not 25"),
    pytest.param("103", "100", 5, True, False, id="103 is within 5 of 100 but not exact"),
    pytest.param("95", "100", 5, True, False, id="the tolerance includes its lower bound"),
    pytest.param("105", "100", 5, True, False, id="the tolerance includes its upper bound"),
    pytest.param("106", "100", 5, False, False, id="106 is outside 5 of 100"),
    pytest.param("0.4", "0.3", 0.1, True, False, id="binary rounding does not break a bound"),
    pytest.param("1400000001", "1.4 billion", 0, False, False, id="large numbers stay exact"),
    pytest.param("tweny-five", "25", 0, False, False, id="a misspelt number word is wrong"),
    pytest.param("25 years", "25", 0, False, False, id="a number with a unit is wrong"),
    pytest.param("Paris", "25", 0, False, False, id="a number answer never matches a word"),
    pytest.param("25", "Paris", 0, False, False, id="a word answer never matches a number"),
    pytest.param("first", "1st", 0, False, False, id="ordinals are not converted"),
    pytest.param("1st", "1st", 0, True, True, id="an ordinal matches itself as text"),
    pytest.param("2nd", "1st", 0, False, False, id="an ordinal is never fuzzy matched"),
    pytest.param("Apollo eleven", "Apollo 11", 0, False, False, id="words inside text stay words"),
]


@pytest.mark.parametrize(("response", "answer", "tolerance", "correct", "exact"), GRADED)
def test_number_answers(response, answer, tolerance, correct, exact):
    grade = grade_text(response, answer, number_tolerance=tolerance)
    assert (grade.correct, grade.exact) == (correct, exact)
    assert grade.matched == (answer if correct else None)


def test_a_non_number_response_to_a_number_answer_scores_zero():
    assert grade_text("Paris", "25").score == 0.0


def test_a_number_within_tolerance_scores_below_one():
    assert 0.9 < grade_text("103", "100", number_tolerance=5).score < 1.0


_ONES = "zero one two three four five six seven eight nine".split()
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def _spell_below_thousand(n: int, *, british: bool) -> str:
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        words.append(f"{_ONES[hundreds]} hundred")
        if rest and british:
            words.append("and")
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(_TENS[tens] + (f"-{_ONES[ones]}" if ones else ""))
    elif rest >= 10:
        words.append(_TEENS[rest - 10])
    elif rest:
        words.append(_ONES[rest])
    return " ".join(words)


def _spell(n: int, *, british: bool) -> str:
    """An independent English speller, to check the parser against."""
    if n == 0:
        return "zero"
    words = []
    for scale, name in [(10**9, "billion"), (10**6, "million"), (10**3, "thousand"), (1, "")]:
        count, n = divmod(n, scale)
        if count:
            words.append(f"{_spell_below_thousand(count, british=british)} {name}".strip())
    return " ".join(words)


@given(st.integers(min_value=0, max_value=999_999_999_999), st.booleans())
def test_every_spelt_out_whole_number_parses_back(n, british):
    assert parse_number(_spell(n, british=british)) == n


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_every_whole_number_in_digits_and_with_commas_parses_back(n):
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n
