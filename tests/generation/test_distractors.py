"""Distractors: same type, from the document first, never the answer in disguise."""

from quizzes.generation.distractors import distinct, find_distractors
from quizzes.generation.numbers import read_quantity, read_year
from quizzes.generation.terms import build_document
from quizzes.generation.text import fold


def distractors(doc, sentence_start, answer, **options):
    for sentence in doc.sentences:
        if sentence.sentence.text.startswith(sentence_start):
            for mention in sentence.mentions:
                if mention.text == answer:
                    term = doc.term_of(mention)
                    return find_distractors(doc, sentence, mention, term, answer, **options)
    raise AssertionError(f"no mention {answer!r} in a sentence {sentence_start!r}")


PRINTING = [
    (
        "Before the press",
        "Johannes Gutenberg was born in Mainz around 1400. Gutenberg borrowed money from a "
        "Mainz merchant named Johann Fust. In 1455, Fust took Gutenberg to court.",
    ),
    (
        "Spreading",
        "William Caxton, an English merchant, printed a book in Bruges around 1473. "
        "The Venetian printer Aldus Manutius introduced italic type. "
        "In 1814 the German inventor Friedrich Koenig built a press in London.",
    ),
    (
        "Far away",
        "Bi Sheng, a Chinese craftsman, invented movable type in the 1040s. "
        "The Jikji was printed in Korea in 1377. Printing reached Japan, China and Russia.",
    ),
]


def test_people_come_from_other_sections_and_are_people():
    doc = build_document(PRINTING)
    found = distractors(doc, "Gutenberg borrowed", "Johann Fust")
    assert len(found) == 3
    texts = [text for text, _ in found]
    assert all(doc.terms[key].kind == "person" for _, key in found)
    assert "Johannes Gutenberg" not in texts  # named in the source sentence
    assert all(doc.terms[key].lessons != [0] for _, key in found)


def test_years_are_near_and_told_apart():
    doc = build_document(PRINTING)
    found = distractors(doc, "In 1455", "1455")
    years = [read_year(text).value for text, _ in found]
    assert len(years) == 3
    assert all(abs(year - 1455) >= 10 for year in years)
    assert all(abs(a - b) >= 10 for i, a in enumerate(years) for b in years[i + 1 :])
    assert all(abs(year - 1455) <= 150 for year in years)


def test_number_words_get_number_words():
    doc = build_document([("One", "The visit was expected to focus on two discussions.")])
    found = distractors(doc, "The visit", "two")
    assert [text for text, _ in found] == ["three", "four", "five"]


def test_nearby_numbers_keep_the_style_of_the_answer():
    doc = build_document([("One", "A typical liver cell contains about 2,000 mitochondria.")])
    found = [text for text, _ in distractors(doc, "A typical", "2,000")]
    assert len(found) == 3
    for text in found:
        assert "," in text
        value = read_quantity(text).value
        assert abs(value - 2000) / 2000 >= 0.15


def test_places_match_their_kind_and_never_the_same_country():
    doc = build_document(
        [
            ("One", "Helping the colonies fight Britain cost France a fortune in the 1780s."),
            ("Two", "The revolution spread across Europe and reached Russia and Spain."),
        ]
    )
    found = distractors(doc, "Helping", "Britain")
    texts = [text for text, _ in found]
    assert len(texts) == 3
    assert "United Kingdom" not in texts and "France" not in texts  # same country; in sentence
    assert {"Russia", "Spain"} <= set(texts)
    continents = [text for text, _ in distractors(doc, "The revolution", "Europe")]
    assert set(continents) <= {"Africa", "Asia", "Oceania", "Antarctica", "Americas", "Australia"}


def test_false_swaps_are_never_stated_with_the_sentence_terms():
    doc = build_document(
        [
            ("One", "Kim Jong-un welcomed Putin with a grand reception in Pyongyang."),
            ("Two", "The alliance between Putin and Kim alarms Washington and Seoul."),
        ]
    )
    strict = distractors(doc, "Kim Jong-un welcomed", "Pyongyang", strict=True)
    assert "Seoul" not in [text for text, _ in strict]


def test_distinct_refuses_substrings_near_duplicates_shared_words_and_acronyms():
    assert not distinct("North Korea", ["South Korea"], "place")
    assert not distinct("Kim", ["Kim Jong-un"], "person")
    assert not distinct("Gutenberg", ["Guttenberg"], "person")
    assert not distinct("cellular respiration", ["cell"], "term")
    assert not distinct("PPC", ["Pacific Ports Council"], "organisation")
    assert not distinct("National Aeronautics and Space Administration", ["NASA"], "organisation")
    assert distinct("Strasbourg", ["Mainz", "Bruges"], "place")
    assert fold("Schöffer") == fold("Schoffer")
