"""Building offline attempts for the API tests: bodies, right answers, clients."""

import uuid
from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from quizzes.models import Answer, QuestionKind, QuizAttempt, ReviewLog

URL = "/api/v1/attempts/"

CLOZE, MULTIPLE_CHOICE, TRUE_FALSE, SHORT_ANSWER = (
    QuestionKind.CLOZE,
    QuestionKind.MULTIPLE_CHOICE,
    QuestionKind.TRUE_FALSE,
    QuestionKind.SHORT_ANSWER,
)


def api_for(user: User | None) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


def quiz(course, lesson_index: int = 0) -> dict:
    """The lesson's quiz questions by kind."""
    lesson = course.lessons[lesson_index]
    return {
        kind: question
        for kind, question in course.questions[lesson.pk].items()
        if kind != QuestionKind.FLASHCARD
    }


def choice_id(question, text: str) -> int:
    return question.choices.get(text=text).pk


def body(course, answers: list[dict], *, lesson_index: int = 0, **overrides) -> dict:
    now = timezone.now()
    return {
        "id": str(uuid.uuid4()),
        "lesson": course.lessons[lesson_index].pk,
        "started_at": (now - timedelta(minutes=10)).isoformat(),
        "submitted_at": (now - timedelta(minutes=2)).isoformat(),
        "answers": answers,
        **overrides,
    }


def right_answers(course) -> list[dict]:
    questions = quiz(course)
    return [
        {"question": questions[CLOZE].pk, "response": "autumn"},
        {
            "question": questions[MULTIPLE_CHOICE].pk,
            "response": choice_id(questions[MULTIPLE_CHOICE], "Port Wren"),
        },
        {"question": questions[TRUE_FALSE].pk, "response": "true"},
        {"question": questions[SHORT_ANSWER].pk, "response": "the hills above Alder"},
    ]


def nothing_stored() -> bool:
    return not (
        QuizAttempt.objects.exists() or Answer.objects.exists() or ReviewLog.objects.exists()
    )
