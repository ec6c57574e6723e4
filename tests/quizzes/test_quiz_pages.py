"""The quiz pages, walked through as a student: start, answer one question per screen
(plain forms and htmx), feedback now or at the end, time limits, the result, and who may
see what."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Choice, QuestionKind, QuizAttempt
from quizzes.services import answer_question, finish_attempt, start_attempt
from tests.quizzes.course import build_course

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def course(teacher):
    return build_course(teacher, lessons=2)


@pytest.fixture
def lesson(course):
    return course.lessons[0]


def quiz_url(lesson):
    return reverse("lesson_quiz", args=[lesson.pk])


def attempt_url(attempt, name="attempt"):
    return reverse(name, args=[attempt.pk])


def current(attempt):
    """The question the attempt page shows: the first unanswered one."""
    return (
        attempt.answers.filter(answered_at__isnull=True)
        .select_related("question")
        .order_by("position")
        .first()
    )


def place_of(answer, *, correct):
    """The value the page posts for an option: its place (1 to n) in the attempt's order."""
    return next(n for n, o in enumerate(answer.choice_order, 1) if o["correct"] is correct)


def right_input(answer):
    question = answer.question
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        return {"choice": place_of(answer, correct=True)}
    if question.kind == QuestionKind.TRUE_FALSE:
        return {"response": question.answer}
    return {"response": question.answer}


def wrong_input(answer):
    question = answer.question
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        return {"choice": place_of(answer, correct=False)}
    if question.kind == QuestionKind.TRUE_FALSE:
        return {"response": "false" if question.answer == "true" else "true"}
    return {"response": "something else entirely"}


def post_answer(client, attempt, answer, given, **extra):
    return client.post(attempt_url(attempt), {"question": answer.question_id, **given}, **extra)


def started(client, lesson):
    response = client.post(quiz_url(lesson))
    assert response.status_code == 302
    return QuizAttempt.objects.get(pk=response.url.split("/")[-2])


# --- Who may see what -----------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, student, lesson):
    attempt = start_attempt(user=student, lesson=lesson)
    urls = [
        quiz_url(lesson),
        reverse("document_test", args=[lesson.document_id]),
        attempt_url(attempt),
        attempt_url(attempt, "attempt_result"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = client.post(attempt_url(attempt, "attempt_finish"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert QuizAttempt.objects.unfinished().count() == 1


def test_another_students_attempt_is_not_found(client, student, other_teacher, lesson):
    theirs = start_attempt(user=other_teacher, lesson=lesson)
    client.force_login(student)

    for name in ("attempt", "attempt_result"):
        assert client.get(attempt_url(theirs, name)).status_code == 404
    assert client.post(attempt_url(theirs, "attempt_finish")).status_code == 404
    answer = current(theirs)
    assert post_answer(client, theirs, answer, right_input(answer)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.submitted_at is None and not theirs.answers.filter(correct=True).exists()


@pytest.mark.parametrize("persona", ["student", "teacher", "superuser"])
def test_every_signed_in_role_can_take_a_quiz(client, request, persona, lesson):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(quiz_url(lesson)).status_code == 200
    attempt = started(client, lesson)
    assert client.get(attempt_url(attempt)).status_code == 200
    assert client.post(attempt_url(attempt, "attempt_finish")).status_code == 302
    assert client.get(attempt_url(attempt, "attempt_result")).status_code == 200


def test_an_archived_lesson_or_an_unknown_document_has_no_quiz(student_client, course, lesson):
    lesson.archived_at = timezone.now()
    lesson.save()

    assert student_client.get(quiz_url(lesson)).status_code == 404
    assert student_client.post(quiz_url(lesson)).status_code == 404
    assert student_client.get(reverse("document_test", args=[999])).status_code == 404


def test_finishing_takes_a_post(student_client, student, lesson):
    attempt = start_attempt(user=student, lesson=lesson)

    assert student_client.get(attempt_url(attempt, "attempt_finish")).status_code == 405


# --- Start page -----------------------------------------------------------------------


def test_the_start_page_describes_the_quiz(student_client, teacher):
    course = build_course(teacher, lessons=1, quiz_time_limit=15, quiz_max_attempts=3)

    page = student_client.get(quiz_url(course.lessons[0])).content.decode()

    assert "<dt>Questions</dt>\n  <dd>4</dd>" in page
    assert "After each question" in page
    assert "15 minutes" in page
    assert "0 of 3 used" in page
    assert "Start the quiz" in page


def test_the_document_test_page_says_how_many_questions_it_draws(student_client, teacher):
    course = build_course(teacher, lessons=3, test_question_count=5)

    page = student_client.get(reverse("document_test", args=[course.document.pk]))

    assert "5, drawn at random from 12" in page.content.decode()
    assert "Start the test" in page.content.decode()


def test_starting_then_starting_again_resumes_the_same_attempt(student_client, lesson):
    first = started(student_client, lesson)

    page = student_client.get(quiz_url(lesson)).content.decode()
    assert "Resume" in page and "unfinished attempt" in page
    assert started(student_client, lesson).pk == first.pk


def test_past_attempts_are_listed_with_their_score(student_client, student, lesson):
    attempt = start_attempt(user=student, lesson=lesson)
    finish_attempt(attempt=attempt)

    page = student_client.get(quiz_url(lesson)).content.decode()

    assert "Your past attempts" in page
    assert "0 of 4" in page
    assert attempt_url(attempt, "attempt_result") in page


def test_no_attempts_left_is_said_and_refused(student_client, student, teacher):
    course = build_course(teacher, lessons=1, quiz_max_attempts=1)
    finish_attempt(attempt=start_attempt(user=student, lesson=course.lessons[0]))

    page = student_client.get(quiz_url(course.lessons[0])).content.decode()
    assert "You have no attempts left at this quiz." in page and "Start the quiz" not in page

    response = student_client.post(quiz_url(course.lessons[0]))
    assert response.status_code == 400
    assert "You have used the 1 attempt allowed at this quiz." in response.content.decode()
    assert QuizAttempt.objects.count() == 1


def test_a_lesson_without_questions_says_so(student_client, lesson):
    lesson.questions.update(status="draft")

    page = student_client.get(quiz_url(lesson)).content.decode()
    assert "This lesson has no quiz questions yet." in page and "Start the quiz" not in page

    response = student_client.post(quiz_url(lesson))
    assert response.status_code == 400
    assert not QuizAttempt.objects.exists()


def test_an_expired_attempt_is_finished_when_the_start_page_opens(
    student_client, student, teacher
):
    course = build_course(teacher, lessons=1, quiz_time_limit=5)
    old = start_attempt(
        user=student, lesson=course.lessons[0], now=timezone.now() - timedelta(hours=1)
    )

    page = student_client.get(quiz_url(course.lessons[0])).content.decode()

    old.refresh_from_db()
    assert old.is_finished and "Resume" not in page and "Start the quiz" in page


# --- One question per screen ----------------------------------------------------------


def test_the_answer_key_never_reaches_the_page_before_the_answer(student_client, lesson):
    attempt = started(student_client, lesson)
    secrets = {
        "autumn",
        "fall",
        "the hills above Alder",
        "is_correct",
        "They spawn in autumn.",
        "It reaches the sea at Port Wren.",
        "It flows for 42 kilometres.",
        "Salmon return to the river 1 every autumn to spawn in its gravel beds.",
        "gravel",
    }
    seen_kinds = set()
    while (answer := current(attempt)) is not None:
        for extra in ({}, HTMX):
            page = student_client.get(attempt_url(attempt), **extra).content.decode()
            assert answer.question.prompt in page
            for secret in secrets:
                assert secret not in page, (answer.question.kind, secret)
            if answer.question.kind == QuestionKind.SHORT_ANSWER:
                assert "Alder" not in page
            if answer.question.kind == QuestionKind.MULTIPLE_CHOICE:
                assert "correct" not in page.lower()
        seen_kinds.add(answer.question.kind)
        post_answer(student_client, attempt, answer, wrong_input(answer))
    assert len(seen_kinds) == 4


def test_a_question_shows_its_place_and_choices_in_the_attempts_order(
    student_client, student, lesson
):
    attempt = start_attempt(user=student, lesson=lesson, seed=3)
    mc = attempt.answers.get(question__kind=QuestionKind.MULTIPLE_CHOICE)
    attempt.answers.exclude(pk=mc.pk).update(answered_at=timezone.now(), correct=True, score=1)

    page = student_client.get(attempt_url(attempt)).content.decode()

    assert f"Question {mc.position} of 4" in page
    assert '<legend class="prompt">Where does the river 1 reach the sea?</legend>' in page
    values = re.findall(r'name="choice" value="(\d+)"[^>]*> <span>([^<]*)</span>', page)
    assert values == [(str(n), o["text"]) for n, o in enumerate(mc.choice_order, 1)]
    assert 'aria-live="polite"' in page
    assert "Finish now" in page


def test_a_typed_question_is_a_labelled_text_input(student_client, student, lesson):
    attempt = start_attempt(user=student, lesson=lesson, seed=3)
    cloze = attempt.answers.get(question__kind=QuestionKind.CLOZE)
    attempt.answers.exclude(pk=cloze.pk).update(answered_at=timezone.now())

    page = student_client.get(attempt_url(attempt)).content.decode()

    assert '<label class="prompt" for="quiz-response">' in page
    assert re.search(
        r'<input type="text" id="quiz-response" name="response"[^>]*autocomplete="off"', page
    )


def test_immediate_feedback_without_javascript(student_client, lesson):
    attempt = started(student_client, lesson)
    answer = current(attempt)

    response = post_answer(student_client, attempt, answer, wrong_input(answer))

    assert response.status_code == 302
    assert response.url == f"{attempt_url(attempt)}?feedback={answer.position}"
    page = student_client.get(response.url).content.decode()
    assert "Not quite." in page
    assert re.search(r'aria-live="polite">\s*<p class="verdict verdict-wrong">', page)
    if answer.question.explanation:
        assert answer.question.explanation in page
    assert "Next question" in page and f'href="{attempt_url(attempt)}"' in page
    # the next page is the next question
    assert (
        current(attempt).question.prompt
        in student_client.get(attempt_url(attempt)).content.decode()
    )


def test_immediate_feedback_with_htmx_swaps_the_question_area(student_client, lesson):
    attempt = started(student_client, lesson)
    answer = current(attempt)

    response = post_answer(student_client, attempt, answer, right_input(answer), **HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and "<h1>" not in page
    assert '<div id="quiz-status" hx-swap-oob="innerHTML">' in page and "Correct." in page
    assert "HX-Request" in response["Vary"]
    assert "Next question" in page and "autofocus" in page


def test_the_right_answer_is_shown_after_a_wrong_one(student_client, student, lesson):
    attempt = start_attempt(user=student, lesson=lesson, seed=3)
    mc = attempt.answers.select_related("question").get(
        question__kind=QuestionKind.MULTIPLE_CHOICE
    )
    attempt.answers.exclude(pk=mc.pk).update(answered_at=timezone.now())

    response = post_answer(student_client, attempt, mc, wrong_input(mc), **HTMX)

    page = response.content.decode()
    assert "<dt>The answer</dt>\n    <dd>Port Wren</dd>" in page
    assert "It reaches the sea at Port Wren." in page
    assert "See your result" in page and attempt_url(attempt, "attempt_result") in page


def test_deferred_feedback_goes_straight_to_the_next_question(student_client, teacher):
    course = build_course(teacher, lessons=1, quiz_feedback="deferred")
    attempt = started(student_client, course.lessons[0])
    first = current(attempt)

    response = post_answer(student_client, attempt, first, wrong_input(first))

    assert response.status_code == 302 and response.url == attempt_url(attempt)
    page = student_client.get(response.url).content.decode()
    assert "Not quite." not in page and "Question 2 of 4" in page
    second = current(attempt)
    partial = post_answer(student_client, attempt, second, right_input(second), **HTMX)
    text = partial.content.decode()
    assert "Question 3 of 4" in text and "Correct." not in text and "Answer saved." in text
    assert "<html" not in text
    # feedback cannot be asked for on a deferred quiz
    peek = student_client.get(f"{attempt_url(attempt)}?feedback=1").content.decode()
    assert "Not quite." not in peek and "Question 3 of 4" in peek


def test_the_last_deferred_answer_leads_to_the_result(student_client, teacher):
    course = build_course(teacher, lessons=1, quiz_feedback="deferred")
    attempt = started(student_client, course.lessons[0])
    for _ in range(3):
        answer = current(attempt)
        post_answer(student_client, attempt, answer, right_input(answer))
    last = current(attempt)

    response = post_answer(student_client, attempt, last, right_input(last), **HTMX)

    assert response["HX-Redirect"] == attempt_url(attempt, "attempt_result")
    attempt.refresh_from_db()
    assert attempt.is_finished and attempt.score == 4


def test_a_missing_answer_is_a_clear_400(student_client, lesson):
    attempt = started(student_client, lesson)
    answer = current(attempt)

    response = post_answer(student_client, attempt, answer, {})
    htmx = post_answer(student_client, attempt, answer, {}, **HTMX)

    message = (
        "Type an answer."
        if answer.question.kind in (QuestionKind.CLOZE, QuestionKind.SHORT_ANSWER)
        else "Choose an answer."
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert htmx.status_code == 400 and message in htmx.content.decode()
    assert "<html" not in htmx.content.decode()
    assert current(attempt).pk == answer.pk


def test_a_bogus_question_id_is_a_400(student_client, lesson):
    attempt = started(student_client, lesson)

    response = student_client.post(attempt_url(attempt), {"question": "abc", "response": "x"})

    assert response.status_code == 400
    assert "This question is not part of this quiz." in response.content.decode()


def test_a_double_click_on_the_last_answer_shows_its_feedback(student_client, student, lesson):
    attempt = start_attempt(user=student, lesson=lesson)
    last = attempt.answers.select_related("question").order_by("position").last()
    attempt.answers.exclude(pk=last.pk).update(answered_at=timezone.now(), score=0, correct=False)
    post_answer(student_client, attempt, last, right_input(last))

    again = post_answer(student_client, attempt, last, right_input(last))

    assert again.status_code == 302
    assert again.url == f"{attempt_url(attempt)}?feedback={last.position}"
    page = student_client.get(again.url).content.decode()
    assert "Correct." in page and "See your result" in page


def test_a_finished_attempt_page_leads_to_the_result(student_client, student, lesson):
    attempt = start_attempt(user=student, lesson=lesson)
    finish_attempt(attempt=attempt)

    response = student_client.get(attempt_url(attempt))

    assert response.status_code == 302 and response.url == attempt_url(attempt, "attempt_result")


def test_finish_now_ends_the_attempt_early(student_client, lesson):
    attempt = started(student_client, lesson)

    response = student_client.post(attempt_url(attempt, "attempt_finish"))

    assert response.url == attempt_url(attempt, "attempt_result")
    attempt.refresh_from_db()
    assert attempt.is_finished and attempt.score == 0


# --- Time limits ----------------------------------------------------------------------


@pytest.fixture
def timed(teacher):
    return build_course(teacher, lessons=1, quiz_time_limit=10)


def test_the_time_left_is_shown(student_client, timed):
    attempt = started(student_client, timed.lessons[0])

    page = student_client.get(attempt_url(attempt)).content.decode()

    assert "Time left: <span data-minutes>10</span> min" in page
    assert re.search(r'data-seconds-left="(59\d|600)"', page)
    assert "js/quiz.js" in page


def test_an_expired_attempt_is_finished_when_opened(student_client, student, timed):
    attempt = start_attempt(
        user=student, lesson=timed.lessons[0], now=timezone.now() - timedelta(minutes=30)
    )

    response = student_client.get(attempt_url(attempt), follow=True)

    assert response.redirect_chain[-1][0] == attempt_url(attempt, "attempt_result")
    assert "Time is up" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.submitted_at == attempt.deadline


def test_an_answer_after_the_deadline_is_refused(student_client, timed, monkeypatch):
    attempt = started(student_client, timed.lessons[0])
    answer = current(attempt)
    later = timezone.now() + timedelta(minutes=11)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)

    response = post_answer(student_client, attempt, answer, right_input(answer), **HTMX)

    assert response["HX-Redirect"] == attempt_url(attempt, "attempt_result")
    attempt.refresh_from_db()
    assert attempt.submitted_at == attempt.deadline and attempt.score == 0
    assert not attempt.answers.filter(answered_at__isnull=False).exists()


# --- Result ---------------------------------------------------------------------------


def test_the_result_shows_the_score_and_what_was_missed(student_client, student, lesson):
    attempt = start_attempt(user=student, lesson=lesson, seed=1)
    by_kind = {a.question.kind: a for a in attempt.answers.select_related("question")}
    answer_question(
        attempt=attempt,
        question_id=by_kind[QuestionKind.TRUE_FALSE].question_id,
        response="true",
    )
    answer_question(
        attempt=attempt, question_id=by_kind[QuestionKind.CLOZE].question_id, response="spring"
    )
    mc = by_kind[QuestionKind.MULTIPLE_CHOICE]
    answer_question(
        attempt=attempt,
        question_id=mc.question_id,
        choice_id=Choice.objects.get(question=mc.question, text="Alder").pk,
    )
    finish_attempt(attempt=attempt)

    page = student_client.get(attempt_url(attempt, "attempt_result")).content.decode()

    assert "You scored <strong>1 of 4</strong> (25%)." in page
    assert page.count('class="card missed"') == 3
    assert "spring" in page and "autumn" in page and "They spawn in autumn." in page
    assert "<dd>Alder</dd>" in page and "<dd>Port Wren</dd>" in page
    assert "<em>Not answered</em>" in page and "the hills above Alder" in page
    assert (
        "<mark>Salmon return to the river 1 every autumn to spawn in its gravel beds.</mark>"
        in page
    )
    assert "The river 1 flows for 42 kilometres." not in page  # answered right: not listed
    assert reverse("lesson_detail", args=[lesson.pk]) in page
    assert reverse("study") in page
    assert "Take it again" in page


def test_a_perfect_score_says_so(student_client, student, lesson):
    attempt = start_attempt(user=student, lesson=lesson)
    attempt.answers.update(answered_at=timezone.now(), correct=True, score=1.0)
    finish_attempt(attempt=attempt)

    page = student_client.get(attempt_url(attempt, "attempt_result")).content.decode()

    assert "4 of 4" in page and "(100%)" in page and "Every answer was right." in page


def test_the_result_of_an_archived_lessons_quiz_does_not_link_to_the_lesson(
    student_client, student, lesson
):
    attempt = start_attempt(user=student, lesson=lesson)
    finish_attempt(attempt=attempt)
    lesson.archived_at = timezone.now()
    lesson.save()

    response = student_client.get(attempt_url(attempt, "attempt_result"))

    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("lesson_detail", args=[lesson.pk]) not in page
    assert quiz_url(lesson) not in page
    assert "Back to the lesson" not in page and "Take it again" not in page
    assert "Back to your documents" in page and reverse("home") in page


def test_no_retake_when_the_attempts_are_used_up(student_client, student, teacher):
    course = build_course(teacher, lessons=1, quiz_max_attempts=1)
    attempt = start_attempt(user=student, lesson=course.lessons[0])
    finish_attempt(attempt=attempt)

    page = student_client.get(attempt_url(attempt, "attempt_result")).content.decode()

    assert "Take it again" not in page


def test_the_result_of_an_unfinished_attempt_is_not_shown_yet(student_client, lesson):
    attempt = started(student_client, lesson)

    response = student_client.get(attempt_url(attempt, "attempt_result"))

    assert response.status_code == 302 and response.url == attempt_url(attempt)


def test_a_teacher_written_question_has_no_source_passage(student_client, student, lesson):
    lesson.questions.update(source_sentence="", source_start=None, source_end=None)
    attempt = start_attempt(user=student, lesson=lesson)
    finish_attempt(attempt=attempt)

    page = student_client.get(attempt_url(attempt, "attempt_result")).content.decode()

    assert "A teacher wrote this question." in page and "<mark>" not in page


def test_a_document_test_runs_from_start_to_result(student_client, course):
    url = reverse("document_test", args=[course.document.pk])
    response = student_client.post(url)
    attempt = QuizAttempt.objects.get()
    assert response.url == attempt_url(attempt) and attempt.lesson is None

    while (answer := current(attempt)) is not None:
        post_answer(student_client, attempt, answer, right_input(answer))

    page = student_client.get(attempt_url(attempt, "attempt_result")).content.decode()
    assert "Test: Rivers of the North" in page and "8 of 8" in page
