"""Questions generated on import and on demand, and what regeneration may replace."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from quizzes.models import Choice, Lesson, Question, QuestionKind, QuestionOrigin, QuestionStatus
from quizzes.services import generate_questions, import_document, read_document
from tests.quizzes.documents import ARTICLE, PLAIN
from tests.quizzes.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def import_plain(owner, text: str = ARTICLE, **options):
    return import_document(
        owner=owner, parsed=read_document(text.encode(), filename="r.txt"), **options
    )


def test_import_generates_draft_questions_linked_to_their_sentences(teacher):
    result = import_plain(teacher)

    questions = Question.objects.filter(lesson__document=result.document)
    assert questions.exists()
    assert set(questions.values_list("status", flat=True)) == {QuestionStatus.DRAFT}
    assert set(questions.values_list("origin", flat=True)) == {QuestionOrigin.GENERATED}
    for question in questions.select_related("lesson"):
        body = question.lesson.body
        assert body[question.source_start : question.source_end] == question.source_sentence
        assert question.answer.casefold() not in question.prompt.casefold() or (
            question.kind in {QuestionKind.TRUE_FALSE, QuestionKind.FLASHCARD}
        )
    for question in questions.filter(kind=QuestionKind.MULTIPLE_CHOICE):
        choices = list(question.choices.all())
        assert len(choices) == 4 and sum(c.is_correct for c in choices) == 1
    assert "draft questions to review" in result.summary()


def test_import_can_publish_at_once(teacher):
    result = import_plain(teacher, publish=True)

    statuses = set(
        Question.objects.filter(lesson__document=result.document).values_list("status", flat=True)
    )
    assert statuses == {QuestionStatus.PUBLISHED}


def test_import_without_questions_generates_none(teacher):
    import_plain(teacher, generate=False)

    assert not Question.objects.exists()


def test_every_lesson_of_the_demo_course_gets_four_questions_of_three_kinds(teacher):
    call_command("load_demo", "--force", stdout=io.StringIO())

    for lesson in Lesson.objects.active():
        if len(lesson.body.split()) < 80:
            continue
        kinds = list(lesson.questions.values_list("kind", flat=True))
        assert len(kinds) >= 4, lesson.heading
        assert len(set(kinds)) >= 3, lesson.heading


def test_generation_is_deterministic(teacher, other_teacher):
    first = import_plain(teacher).document
    second = import_plain(other_teacher).document

    def snapshot(document):
        return [
            (q.lesson.position, q.kind, q.prompt, q.answer, [c.text for c in q.choices.all()])
            for q in Question.objects.filter(lesson__document=document)
            .select_related("lesson")
            .prefetch_related("choices")
            .order_by("lesson__position", "position")
        ]

    assert snapshot(first) == snapshot(second)


def test_regeneration_replaces_only_untouched_generated_drafts(teacher):
    document = import_plain(teacher).document
    lesson = document.lessons.get(position=1)
    drafts = list(lesson.questions.order_by("position"))
    assert len(drafts) >= 4
    edited, published, retired = drafts[0], drafts[1], drafts[2]
    Question.objects.filter(pk=edited.pk).update(
        teacher_edited=True, prompt="Edited by hand _____"
    )
    Question.objects.filter(pk=published.pk).update(status=QuestionStatus.PUBLISHED)
    Question.objects.filter(pk=retired.pk).update(status=QuestionStatus.RETIRED)
    authored = QuestionFactory(lesson=lesson, origin=QuestionOrigin.AUTHORED, prompt="Mine?")
    untouched = {q.pk for q in drafts[3:]}

    result = generate_questions(lessons=[lesson])

    remaining = set(lesson.questions.values_list("pk", flat=True))
    assert {edited.pk, published.pk, retired.pk, authored.pk} <= remaining
    assert not untouched & remaining
    assert result.replaced == len(untouched) and result.kept == 4
    Question.objects.get(pk=edited.pk, prompt="Edited by hand _____", teacher_edited=True)
    # the kept questions are not asked again
    prompts = list(lesson.questions.values_list("prompt", flat=True))
    assert prompts.count(published.prompt) == 1 and prompts.count(retired.prompt) == 1
    # the cap counts the generated questions that were kept
    generated_live = lesson.questions.filter(origin=QuestionOrigin.GENERATED).exclude(
        status=QuestionStatus.RETIRED
    )
    assert generated_live.count() <= 8
    assert not Choice.objects.filter(question_id__in=untouched).exists()


def test_re_import_regenerates_only_changed_lessons(teacher):
    document = import_plain(teacher).document
    before = {
        lesson.position: set(lesson.questions.values_list("pk", flat=True))
        for lesson in document.lessons.all()
    }
    edited = ARTICLE.replace(
        "Controllers in Pollegio watch every train from a central operations room.",
        "Controllers in Pollegio have watched every train from one room since 2016.",
    )

    import_plain(teacher, edited)

    after = {
        lesson.position: set(lesson.questions.values_list("pk", flat=True))
        for lesson in document.lessons.all()
    }
    assert after[0] == before[0] and after[1] == before[1] and after[2] == before[2]
    assert after[3] != before[3]


def test_the_command_regenerates_a_lesson_and_says_what_it_did(teacher):
    document = import_plain(teacher).document
    lesson = document.lessons.get(position=2)
    out = io.StringIO()

    call_command("generate_questions", "--lesson", str(lesson.pk), stdout=out)

    assert f"(document {document.pk}): 1 lessons," in out.getvalue()
    assert "draft questions to review" in out.getvalue()


def test_the_command_names_a_missing_document_or_lesson(teacher):
    with pytest.raises(CommandError, match="No document with id 999"):
        call_command("generate_questions", "--document", "999")
    with pytest.raises(CommandError, match="No active lesson with id 998"):
        call_command("generate_questions", "--lesson", "998")


def test_import_command_publish_flag(tmp_path, teacher):
    path = tmp_path / "r.txt"
    path.write_text(PLAIN)

    call_command("import_document", str(path), "--publish", stdout=io.StringIO())

    assert set(Question.objects.values_list("status", flat=True)) == {QuestionStatus.PUBLISHED}


def test_regenerating_two_documents_together_keeps_each_documents_distractors(
    teacher, other_teacher
):
    mine = import_plain(teacher).document
    theirs = import_plain(
        other_teacher, ARTICLE.replace("Swiss", "Austrian").replace("Alps", "Tauern")
    ).document

    def choices_of(document):
        return sorted(
            (q.prompt, tuple(c.text for c in q.choices.all()))
            for q in Question.objects.filter(lesson__document=document).prefetch_related("choices")
        )

    alone = choices_of(mine)
    generate_questions(lessons=list(Lesson.objects.filter(document__in=[mine, theirs])))

    assert choices_of(mine) == alone
