"""The teacher's review queue: filters, search, bulk actions, preview and source."""

import json

import pytest
from django.urls import reverse

from quizzes.models import Lesson, Question, QuestionKind, QuestionStatus
from quizzes.services import generate_questions, import_document, read_document
from tests.quizzes.documents import ARTICLE, MARKDOWN, PLAIN
from tests.quizzes.factories import ChoiceFactory, QuestionFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:quizzes_question_changelist")


def imported(owner, text=ARTICLE, name="tunnel.txt"):
    return import_document(
        owner=owner, parsed=read_document(text.encode(), filename=name)
    ).document


def test_the_import_form_can_publish_generated_questions(teacher_client):
    teacher_client.post(
        reverse("admin:quizzes_document_add"),
        {"title": "", "pasted_text": PLAIN, "import_format": "auto", "publish": "on"},
    )

    assert Question.objects.exists()
    assert set(Question.objects.values_list("status", flat=True)) == {QuestionStatus.PUBLISHED}


def test_filters_narrow_the_queue_to_one_document_lesson_kind_and_status(teacher_client, teacher):
    rivers = imported(teacher)
    copy = imported(teacher, ARTICLE.replace("Engineers Finish", "Crews Finish"), "copy.txt")
    lesson = rivers.lessons.get(position=1)
    target = lesson.questions.filter(kind=QuestionKind.CLOZE).first() or lesson.questions.first()
    other = copy.lessons.get(position=1).questions.first()

    page = teacher_client.get(
        CHANGELIST,
        {"document": rivers.pk, "lesson": lesson.pk, "kind": target.kind, "status": "draft"},
    ).content.decode()

    assert reverse("admin:quizzes_question_change", args=[target.pk]) in page
    assert reverse("admin:quizzes_question_change", args=[other.pk]) not in page
    assert "Crews Finish the Longest Rail Tunnel" in page  # offered as a document filter


def test_the_document_filter_offers_only_the_teachers_own_documents(teacher_client, other_teacher):
    imported(other_teacher, MARKDOWN, "sourdough.md")

    page = teacher_client.get(CHANGELIST).content.decode()

    assert "Sourdough Basics" not in page


def test_search_finds_questions_by_their_source_sentence(teacher_client, teacher):
    lesson = imported(teacher).lessons.get(position=2)
    question = QuestionFactory(
        lesson=lesson, prompt="Why does ice flow?", source_sentence="ice deforms under its weight"
    )

    page = teacher_client.get(CHANGELIST, {"q": "deforms under"}).content.decode()

    assert reverse("admin:quizzes_question_change", args=[question.pk]) in page


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("publish_questions", QuestionStatus.PUBLISHED),
        ("retire_questions", QuestionStatus.RETIRED),
    ],
)
def test_bulk_actions_publish_and_retire(teacher_client, teacher, action, status):
    document = imported(teacher)
    chosen = list(
        Question.objects.filter(lesson__document=document)[:3].values_list("pk", flat=True)
    )

    teacher_client.post(CHANGELIST, {"action": action, "_selected_action": chosen})

    assert set(Question.objects.filter(pk__in=chosen).values_list("status", flat=True)) == {status}
    assert Question.objects.exclude(pk__in=chosen).filter(status=status).count() == 0


def test_bulk_actions_cannot_reach_another_teachers_questions(teacher_client, other_teacher):
    theirs = list(
        Question.objects.filter(lesson__document=imported(other_teacher)).values_list(
            "pk", flat=True
        )
    )

    teacher_client.post(CHANGELIST, {"action": "publish_questions", "_selected_action": theirs})

    assert not Question.objects.filter(status=QuestionStatus.PUBLISHED).exists()


def test_bulk_regenerate_replaces_the_drafts_of_the_selected_questions_lessons(
    teacher_client, teacher
):
    lesson = imported(teacher).lessons.get(position=1)
    drafts = list(lesson.questions.values_list("pk", flat=True))
    edited = QuestionFactory(lesson=lesson, status=QuestionStatus.DRAFT, teacher_edited=True)

    response = teacher_client.post(
        CHANGELIST,
        {"action": "regenerate_question_lessons", "_selected_action": [drafts[0]]},
        follow=True,
    )

    remaining = set(lesson.questions.values_list("pk", flat=True))
    assert edited.pk in remaining and not set(drafts) & remaining
    assert lesson.questions.count() > 1
    assert "draft questions to review" in response.content.decode()


def test_the_lesson_admin_regenerates_selected_lessons(teacher_client, teacher):
    lesson = imported(teacher).lessons.get(position=1)
    before = set(lesson.questions.values_list("pk", flat=True))

    teacher_client.post(
        reverse("admin:quizzes_lesson_changelist"),
        {"action": "regenerate_lessons", "_selected_action": [lesson.pk]},
    )

    after = set(lesson.questions.values_list("pk", flat=True))
    assert after and not before & after


def test_the_change_page_previews_the_question_and_highlights_its_source(teacher_client, teacher):
    lesson = imported(teacher, PLAIN, "rivers.txt").lessons.get(position=1)
    sentence = "Over decades it is squeezed into firn and then into dense blue ice."
    start = lesson.body.index(sentence)
    question = QuestionFactory(
        lesson=lesson,
        kind=QuestionKind.MULTIPLE_CHOICE,
        prompt="Over decades buried snow is squeezed into _____ and then into ice.",
        answer="firn",
        explanation="Firn is old, compacted snow.",
        source_sentence=sentence,
        source_start=start,
        source_end=start + len(sentence),
    )
    for text, correct in [("firn", True), ("moraine", False), ("scree", False), ("till", False)]:
        ChoiceFactory(question=question, text=text, is_correct=correct)

    page = teacher_client.get(
        reverse("admin:quizzes_question_change", args=[question.pk])
    ).content.decode()

    assert "as a student sees it" in page.lower()
    assert "<li>moraine</li>" in page
    assert "Firn is old, compacted snow." in page
    assert f"<mark>{sentence}</mark>" in page
    assert "Snow that survives the summer melt" in page  # the rest of its paragraph


def test_a_source_sentence_that_left_the_lesson_is_flagged(teacher_client, teacher):
    lesson = imported(teacher).lessons.get(position=1)
    question = QuestionFactory(lesson=lesson, source_sentence="A sentence that is not there.")

    page = teacher_client.get(
        reverse("admin:quizzes_question_change", args=[question.pk])
    ).content.decode()

    assert "no longer in the lesson" in page


def test_editing_a_generated_questions_choices_marks_it_edited(teacher_client, teacher):
    document = imported(teacher)
    question = Question.objects.filter(
        lesson__document=document, kind=QuestionKind.MULTIPLE_CHOICE
    ).first()
    if question is None:
        pytest.skip("the generator made no multiple-choice question from this text")
    choices = list(question.choices.all())
    data = {
        "lesson": question.lesson_id,
        "kind": question.kind,
        "status": question.status,
        "position": question.position,
        "prompt": question.prompt,
        "answer": question.answer,
        "accepted_answers": json.dumps(question.accepted_answers),
        "explanation": question.explanation,
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": str(len(choices)),
    }
    for n, choice in enumerate(choices):
        data.update(
            {
                f"choices-{n}-id": choice.pk,
                f"choices-{n}-question": question.pk,
                f"choices-{n}-position": choice.position,
                f"choices-{n}-text": choice.text + (" (edited)" if n == 0 else ""),
                f"choices-{n}-is_correct": "on" if choice.is_correct else "",
                f"choices-{n}-feedback": "",
            }
        )

    response = teacher_client.post(
        reverse("admin:quizzes_question_change", args=[question.pk]), data
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    question.refresh_from_db()
    assert question.teacher_edited


def test_the_document_list_links_to_its_drafts_to_review(teacher_client, teacher):
    document = imported(teacher)
    drafts = Question.objects.filter(lesson__document=document, status="draft").count()

    page = teacher_client.get(reverse("admin:quizzes_document_changelist")).content.decode()

    assert f'?document={document.pk}&amp;status=draft">{drafts}</a>' in page
    assert '<td class="field-lesson_count">4</td>' in page


def test_the_lesson_menu_names_each_lessons_document(teacher_client, teacher, other_teacher):
    imported(teacher)
    imported(other_teacher, ARTICLE.replace("Engineers Finish", "Theirs:"), "theirs.txt")

    page = teacher_client.get(reverse("admin:quizzes_question_add")).content.decode()

    assert "Engineers Finish the Longest Rail Tunnel Under the Alps › Planning and Funding" in page
    assert "Theirs:" not in page


def test_a_question_a_teacher_writes_starts_published(teacher_client, teacher):
    lesson = imported(teacher).lessons.get(position=1)
    form = teacher_client.get(reverse("admin:quizzes_question_add")).content.decode()
    assert '<option value="published" selected>' in form

    teacher_client.post(
        reverse("admin:quizzes_question_add"),
        {
            "lesson": lesson.pk,
            "kind": "short_answer",
            "status": "published",
            "position": 0,
            "prompt": "Which canton lies at the tunnel's southern end?",
            "answer": "Ticino",
            "accepted_answers": "[]",
            "choices-TOTAL_FORMS": "0",
            "choices-INITIAL_FORMS": "0",
        },
    )

    question = Question.objects.get(prompt__startswith="Which canton")
    assert (question.status, question.origin) == (QuestionStatus.PUBLISHED, "authored")


def test_editing_a_question_on_the_lesson_page_protects_it_from_regeneration(
    teacher_client, teacher
):
    lesson = imported(teacher).lessons.get(position=1)
    questions = list(lesson.questions.order_by("position"))
    data = {"position": lesson.position}
    data |= {"questions-TOTAL_FORMS": len(questions), "questions-INITIAL_FORMS": len(questions)}
    for n, q in enumerate(questions):
        data |= {
            f"questions-{n}-id": q.pk,
            f"questions-{n}-lesson": lesson.pk,
            f"questions-{n}-position": q.position,
            f"questions-{n}-kind": q.kind,
            f"questions-{n}-status": q.status,
            f"questions-{n}-prompt": q.prompt + (" (reworded)" if n == 0 else ""),
            f"questions-{n}-answer": q.answer,
            f"questions-{n}-explanation": q.explanation,
        }

    response = teacher_client.post(reverse("admin:quizzes_lesson_change", args=[lesson.pk]), data)

    assert response.status_code == 302
    assert list(lesson.questions.filter(teacher_edited=True)) == [questions[0]]
    generate_questions(lessons=[lesson])
    assert lesson.questions.filter(pk=questions[0].pk).exists()


def test_a_question_of_an_archived_lesson_can_still_be_retired(teacher_client, teacher):
    lesson = imported(teacher).lessons.get(position=1)
    question = QuestionFactory(lesson=lesson, status=QuestionStatus.PUBLISHED)
    Lesson.objects.filter(pk=lesson.pk).update(archived_at=lesson.created_at)

    response = teacher_client.post(
        reverse("admin:quizzes_question_change", args=[question.pk]),
        {
            "lesson": lesson.pk,
            "kind": question.kind,
            "status": "retired",
            "position": 0,
            "prompt": question.prompt,
            "answer": question.answer,
            "accepted_answers": "[]",
            "choices-TOTAL_FORMS": "0",
            "choices-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.RETIRED


@pytest.mark.parametrize("param", ["document", "lesson"])
def test_odd_filter_values_are_ignored_not_a_server_error(teacher_client, teacher, param):
    imported(teacher)

    for url in (CHANGELIST, reverse("admin:quizzes_lesson_changelist")):
        assert teacher_client.get(url, {param: "²"}).status_code in {200, 302}


@pytest.mark.parametrize("alternatives", ['"fall"', '["fall", 3]', '["fall", " "]', "{}"])
def test_accepted_answers_must_be_a_list_of_answers(teacher_client, teacher, alternatives):
    lesson = imported(teacher).lessons.get(position=1)

    response = teacher_client.post(
        reverse("admin:quizzes_question_add"),
        {
            "lesson": lesson.pk,
            "kind": "short_answer",
            "status": "published",
            "position": 0,
            "prompt": "Which season do salmon return in?",
            "answer": "autumn",
            "accepted_answers": alternatives,
            "choices-TOTAL_FORMS": "0",
            "choices-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 400
    assert "Give a list of answers in quotes" in response.content.decode()
    assert not Question.objects.filter(prompt__startswith="Which season").exists()


def test_the_source_sentence_stands_beside_the_prompt_being_edited(teacher_client, teacher):
    lesson = imported(teacher, PLAIN, "rivers.txt").lessons.get(position=1)
    sentence = "Over decades it is squeezed into firn and then into dense blue ice."
    question = QuestionFactory(lesson=lesson, prompt="What is firn?", source_sentence=sentence)

    page = teacher_client.get(
        reverse("admin:quizzes_question_change", args=[question.pk])
    ).content.decode()

    # One form row holds both: the stylesheet puts them side by side, stacked when narrow.
    row = page[page.index('<div class="form-row field-prompt field-source_in_context">') :]
    row = row[: row.index('<div class="form-row field-answer')]
    assert 'name="prompt"' in row and f"<mark>{sentence}</mark>" in row
    assert page.count("<mark>") == 1  # not repeated further down
    assert page.lower().index("as a student sees it") < page.index('name="prompt"')
    assert 'href="/static/css/admin.css"' in page
    assert 'name="choices-TOTAL_FORMS"' in page  # choices stay inline


def test_the_preview_has_no_inline_styles(teacher_client, teacher):
    question = QuestionFactory(lesson=imported(teacher).lessons.first(), kind="true_false")

    page = teacher_client.get(
        reverse("admin:quizzes_question_change", args=[question.pk])
    ).content.decode()

    preview = page[page.index('<div class="question-preview">') :]
    preview = preview[: preview.index("</div>")]
    assert "style=" not in preview and "True" in preview


def test_the_list_shortens_long_lesson_names_and_gives_them_whole_on_hover(
    teacher_client, teacher
):
    imported(teacher)
    page = teacher_client.get(reverse("admin:quizzes_question_changelist")).content.decode()
    whole = "Engineers Finish the Longest Rail Tunnel Under the Alps › Planning and Funding"
    assert f'title="{whole}"' in page
    assert "Engineers Finish the Lo… › Planning and Funding</span>" in page
