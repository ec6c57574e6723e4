"""normalise(): what a text becomes before it is compared."""

import unicodedata

import pytest

from quizzes.grading import normalise

# (text, accent_sensitive, expected)
CASES = [
    pytest.param(
        "  Kim   Jong-un. ", False, "kim jong un", id="case spaces hyphen and full stop go"
    ),
    pytest.param("The Sun", False, "sun", id="a leading the is dropped"),
    pytest.param("A Tale of Two Cities", False, "tale of two cities", id="a leading a is dropped"),
    pytest.param("The", False, "the", id="an article alone is kept"),
    pytest.param("Sun, the", False, "sun the", id="only a leading article is dropped"),
    pytest.param("The The", False, "the", id="only one article is dropped"),
    pytest.param("Rock ’n’ roll", False, "rock n roll", id="apostrophes are removed not spaced"),
    pytest.param("“Quoted”", False, "quoted", id="typographic double quotes go"),
    pytest.param("U.S.A.", False, "usa", id="abbreviation dots are removed not spaced"),
    pytest.param("e.g. this", False, "eg this", id="lower case abbreviations lose dots too"),
    pytest.param("3.14", False, "3 14", id="a decimal point in text is punctuation"),
    pytest.param("C++ & C#", False, "c++ and c#", id="plus and hash are kept"),
    pytest.param("Pyŏngyang", False, "pyongyang", id="accents are removed by default"),
    pytest.param("Pyŏngyang", True, "pyŏngyang", id="accents are kept when accent sensitive"),
    pytest.param("Straße", False, "strasse", id="sharp s reads ss by default"),
    pytest.param("STRAẞE", False, "strasse", id="capital sharp s reads ss by default"),
    pytest.param("Straße", True, "straße", id="sharp s is kept when accent sensitive"),
    pytest.param("Æsop", False, "aesop", id="ae ligature reads ae"),
    pytest.param("Œuvre", False, "oeuvre", id="oe ligature reads oe"),
    pytest.param("Søren", False, "soren", id="o with stroke reads o"),
    pytest.param("Łódź", False, "lodz", id="l with stroke reads l"),
    pytest.param("Þór", False, "thor", id="thorn reads th"),
    pytest.param("ΣΟΦΟΣ", False, "σοφοσ", id="greek final sigma folds like other sigmas"),
    pytest.param("がっこう", False, "がっこう", id="japanese voicing marks are not accents"),
    pytest.param("हिंदी", False, "हिंदी", id="indic vowel signs are kept"),
    pytest.param("?!…", False, "", id="punctuation alone normalises to nothing"),
]


@pytest.mark.parametrize(("text", "accent_sensitive", "expected"), CASES)
def test_normalise(text, accent_sensitive, expected):
    assert normalise(text, accent_sensitive=accent_sensitive) == expected


@pytest.mark.parametrize(
    "accent_sensitive", [False, True], ids=["accent blind", "accent sensitive"]
)
@pytest.mark.parametrize("text", ["café", "Pyŏngyang", "Ångström", "naïve"], ids=str)
def test_composed_and_decomposed_forms_normalise_alike(text, accent_sensitive):
    nfc = unicodedata.normalize("NFC", text)
    nfd = unicodedata.normalize("NFD", text)
    assert nfc != nfd
    assert normalise(nfc, accent_sensitive=accent_sensitive) == normalise(
        nfd, accent_sensitive=accent_sensitive
    )


def test_normalising_twice_changes_nothing():
    for text in ["The Kim Jong-un’s “café”", "Straße & Œuvre", "U.S.A.", "C++"]:
        once = normalise(text)
        assert normalise(once) == once
