"""Each kind of question, built from a sentence and an answer."""

from quizzes.generation import LessonText, generate_questions
from quizzes.generation.items import count_question, definition_question, subject_question
from quizzes.generation.terms import build_document
from quizzes.generation.text import BLANK

LESSONS = [
    LessonText(
        1,
        "Johannes Gutenberg of Mainz",
        "Johannes Gutenberg was born in Mainz around 1400. Gutenberg was skilled in "
        "metalworking and lived for several years in Strasbourg. Gutenberg borrowed large "
        "sums of money from a Mainz merchant named Johann Fust. In 1455, Fust took Gutenberg "
        "to court to recover the loans. Fust then ran a printing business with Peter Schöffer, "
        "who had worked in the workshop. Gutenberg died in his home city of Mainz in 1468.",
    ),
    LessonText(
        2,
        "Printing Spreads",
        "Printing spread quickly from Mainz as trained printers moved to other cities. "
        "William Caxton, an English merchant, printed the first book in the English language "
        "in Bruges around 1473. The Venetian printer Aldus Manutius introduced italic type and "
        "small books. Historians use the word incunabula for books printed in Europe before 1501.",
    ),
    LessonText(
        3,
        "Clouds",
        "Condensation is the process in which water vapour cools and changes back into liquid "
        "water. Evaporation is the process in which liquid water changes into an invisible gas "
        "called water vapour. Fog is a cloud that forms at ground level. About 180 copies of "
        "the report were printed, some on paper and some on vellum.",
    ),
]


def by_kind(key, per_lesson=20):
    questions = generate_questions(LESSONS, per_lesson=per_lesson)[key]
    grouped = {}
    for question in questions:
        grouped.setdefault(question.kind, []).append(question)
    return grouped


def test_cloze_blanks_one_term_and_accepts_the_surname_and_ascii_forms():
    questions = generate_questions(LESSONS, per_lesson=20)[1]
    clozes = [q for q in questions if q.kind == "cloze"]
    assert clozes
    for q in clozes:
        assert q.prompt.count(BLANK) == 1
        assert q.prompt.replace(BLANK, q.answer) in q.explanation or q.answer.startswith("the ")
    schoffer = [q for q in questions if q.answer == "Peter Schöffer"]
    for q in schoffer:
        assert {"Schöffer", "Schoffer", "Peter Schoffer"} <= set(q.accepted_answers)


def test_multiple_choice_has_four_options_of_the_answer_type():
    grouped = by_kind(2)
    assert grouped["multiple_choice"]
    for q in grouped["multiple_choice"]:
        assert len(q.choices) == 4
        assert [c.text for c in q.choices if c.is_correct] == [q.answer]


def test_true_and_false_statements():
    questions = [q for key in (1, 2, 3) for q in by_kind(key).get("true_false", [])]
    assert questions
    for q in questions:
        source = q.explanation.split("“", 1)[1].rsplit("”", 1)[0]
        if q.answer == "true":
            assert q.prompt == source
        else:
            assert q.prompt != source and q.explanation.startswith("False: the text says")


def test_short_answers_use_safe_templates():
    prompts = {
        q.prompt: q.answer for key in (1, 2, 3) for q in by_kind(key).get("short_answer", [])
    }
    assert prompts
    for prompt in prompts:
        assert prompt.endswith("?")
        assert prompt.split()[0] in {"Who", "Which", "What", "How", "About"}


def questions_for(text):
    doc = build_document([("Lesson", text)])
    (sentence,) = doc.sentences
    found = {}
    for mention in sentence.mentions:
        subject = subject_question(doc, sentence, mention)
        found[mention.text] = (
            subject[0] if subject else None,
            definition_question(mention),
            count_question(doc, sentence, mention),
        )
    return found


def test_subject_questions():
    found = questions_for(
        "William Caxton, an English merchant, printed the first book in Bruges around 1473."
    )
    assert found["William Caxton"][0] == (
        "Which English merchant printed the first book in Bruges around 1473?"
    )
    found = questions_for(
        "Russian President Vladimir V. Putin met with North Korea’s Kim Jong-un, marking his "
        "first visit in nearly twenty-five years."
    )
    assert (
        found["Vladimir V. Putin"][0]
        == "Which Russian president met with North Korea’s Kim Jong-un?"
    )
    found = questions_for("Kim Jong-un welcomed Putin with a grand reception in Pyongyang today.")
    assert (
        found["Kim Jong-un"][0] == "Who welcomed Putin with a grand reception in Pyongyang today?"
    )
    found = questions_for(
        "Putin and Kim share goals: challenge the United States and strengthen ties."
    )
    assert found["United States"][0] is None  # not the subject


def test_definition_and_count_questions():
    found = questions_for("Fog is a cloud that forms at ground level near the sea.")
    assert (
        found["fog"][1] == "What is the name for a cloud that forms at ground level near the sea?"
    )
    found = questions_for("About 180 copies were printed, some on paper and some on vellum.")
    assert found["180"][2] == "About how many copies were printed?"
    found = questions_for("Fewer than 50 copies of the Gutenberg Bible survive today.")
    assert found["50"][2] is None


def test_flashcards_from_definitions_and_people():
    cards = {q.prompt: q.answer for key in (1, 2, 3) for q in by_kind(key).get("flashcard", [])}
    assert cards
    for front, back in cards.items():
        assert back[0].isupper() and back.endswith(".")
        assert front.casefold() not in {"", back.casefold()}
