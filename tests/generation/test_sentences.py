"""Splitting a lesson body into sentences with exact spans, and choosing sentences."""

from quizzes.generation.sentences import assess, split_sentences

from .documents import DOCUMENTS, lessons_of


def texts(body):
    return [sentence.text for sentence in split_sentences(body)]


def test_spans_point_at_the_sentence_in_every_fixture():
    for path in DOCUMENTS:
        for lesson in lessons_of(path):
            for sentence in split_sentences(lesson.body):
                assert lesson.body[sentence.start : sentence.end] == sentence.raw
                assert sentence.raw == sentence.raw.strip()


def test_abbreviations_and_initials_do_not_end_a_sentence():
    body = (
        "Russian President Vladimir V. Putin met Dr. Ana Ruiz in the U.S. capital on Monday. "
        "John F. Kennedy Jr. spoke at 5 p.m. in St. Louis before the vote."
    )
    assert texts(body) == [
        "Russian President Vladimir V. Putin met Dr. Ana Ruiz in the U.S. capital on Monday.",
        "John F. Kennedy Jr. spoke at 5 p.m. in St. Louis before the vote.",
    ]


def test_markdown_markers_stay_out_of_the_span_and_code_is_skipped():
    body = (
        "Intro line of the lesson is here and it is long enough.\n\n"
        "- Ribosomes build proteins from amino acids in every living cell.\n"
        "1. The pressman pulled a long bar that turned the screw of the press.\n\n"
        "> **Key term:** An organelle is a tiny structure inside a cell.\n\n"
        "```text\nCode that looks like a sentence. It is not one.\n```\n\n"
        "| a | b |\n|---|---|\n\n"
        "**Field Notes**\n\n"
        "A line with *italic words* and a [link](http://example.org) in it."
    )
    sentences = split_sentences(body)
    raws = [sentence.raw for sentence in sentences]
    assert raws == [
        "Intro line of the lesson is here and it is long enough.",
        "Ribosomes build proteins from amino acids in every living cell.",
        "The pressman pulled a long bar that turned the screw of the press.",
        "An organelle is a tiny structure inside a cell.",
        "A line with *italic words* and a [link](http://example.org) in it.",
    ]
    assert sentences[-1].text == "A line with italic words and a link in it."
    assert sentences[-1].italics == ((12, 24),)
    assert [s.in_list for s in sentences] == [False, True, True, False, False]


def test_hard_wrapped_lines_are_one_sentence_with_single_spaces():
    body = (
        "A glacier is a body of ice that survives\nfrom one year to the next and creeps\ndownhill."
    )
    (sentence,) = split_sentences(body)
    assert sentence.raw == body
    assert sentence.text == (
        "A glacier is a body of ice that survives from one year to the next and creeps downhill."
    )


def eligible(text, position=1):
    return assess(text, position=position, in_list=False)[0]


def test_sentences_that_need_context_are_skipped():
    for opener in ("He", "This", "However,", "They", "It", "Also,", "These", "The second"):
        assert not eligible(f"{opener} was about military aid from the north to the south.")
    assert not eligible("Together these ideas are known as the cell theory of living things.")
    assert eligible("The visit was expected to focus on two discussions about aid.")
    assert eligible("There are about 180 copies of the book in the world today.")


def test_questions_quotations_first_person_and_length_are_skipped():
    assert not eligible("Why does the sea rise and fall twice every single day?")
    assert not eligible("“Stay on my line,” said Ines, pointing her axe at a faint blue crack.")
    assert not eligible("‘The crevasse is wider than it looks,’ she said to the whole group.")
    assert not eligible("We roped up before dawn, when the surface was still frozen hard.")
    assert not eligible("Short sentence here.")
    assert not eligible(" ".join(["word"] * 36) + ".")
    assert not eligible("a lower-case fragment of a list item that goes on and on")
    assert eligible("The terms “uppercase” and “lowercase” come from wooden type cases.")


def test_quality_prefers_the_first_sentences():
    first = assess(
        "Kim Jong-un welcomed Putin with a grand reception in Pyongyang.",
        position=0,
        in_list=False,
    )
    later = assess(
        "Kim Jong-un welcomed Putin with a grand reception in Pyongyang.",
        position=5,
        in_list=False,
    )
    assert first[1] > later[1] > 0
