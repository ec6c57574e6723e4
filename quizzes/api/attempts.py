"""Graded quizzes taken offline: submit a whole attempt, list and read one's own attempts.

``POST /attempts/`` grades the attempt on the server (``services.submit_attempt``) and is
idempotent by the client's id: a repeat answers ``200`` with the stored result. A refused
attempt answers ``400 {detail, errors: [{index, field, message}]}`` (``index`` is the
answer's place in ``answers``, or null), like the review batches of the sync API; a
lesson the user may not study is such an error on ``lesson`` (the same message as a
lesson that does not exist). Only finished attempts are listed or shown: an attempt
still running in the browser would give its answers away.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    OpenApiTypes,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from quizzes.api.errors import ErrorSerializer, error_items, error_responses
from quizzes.api.fields import StrictUUIDField
from quizzes.models import Answer, QuestionKind, QuizAttempt, QuizAttemptQuerySet
from quizzes.services import (
    AttemptIdTaken,
    AttemptRefused,
    ResponseInput,
    submit_attempt,
)
from quizzes.services.attempts import MAX_RESPONSE_LENGTH

MAX_ID = 2**63 - 1
"""Largest id a database integer holds: a bigger one is refused, not overflowed."""

MAX_ANSWERS = 1000


# --------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time that must carry its UTC offset."""

    default_error_messages = {
        "naive": _("Give the time with its UTC offset, e.g. 2026-03-02T09:00:00+00:00."),
    }

    def enforce_timezone(self, value: datetime) -> datetime:
        if timezone.is_naive(value):
            self.fail("naive")
        return super().enforce_timezone(value)


@extend_schema_field(
    {
        "oneOf": [{"type": "string", "maxLength": MAX_RESPONSE_LENGTH}, {"type": "integer"}],
        "description": (
            "Multiple choice: the chosen option's id (string or integer). True/false: "
            '"true" or "false". Otherwise the typed answer. Empty or left out: unanswered.'
        ),
    }
)
class ResponseField(serializers.Field):
    """Text, or a whole number (a multiple-choice option's id)."""

    default_error_messages = {"invalid": _("Give the response as text or an option id.")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Text passes the checks of a CharField: no NUL byte, no lone surrogate.
        self.text = serializers.CharField(allow_blank=True, trim_whitespace=False)

    def to_internal_value(self, data: object) -> str | int:
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int):
            return data
        if isinstance(data, str):
            return self.text.run_validation(data)
        self.fail("invalid")
        raise AssertionError  # fail() raises; this line is for the type checker

    def to_representation(self, value: object) -> object:
        return value


class AnswerInputSerializer(serializers.Serializer):
    question = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    response = ResponseField(required=False, default="")


class AttemptInputSerializer(serializers.Serializer):
    id = StrictUUIDField()
    lesson = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    started_at = AwareDateTimeField()
    submitted_at = AwareDateTimeField()
    answers = AnswerInputSerializer(many=True, max_length=MAX_ANSWERS)


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------


def expected_answer(answer: Answer) -> str:
    """The right answer as the student reads it; for a multiple-choice question, the
    right option(s) of the copy it was graded on."""
    question = answer.question
    if question.kind == QuestionKind.MULTIPLE_CHOICE and answer.choice_order:
        return " / ".join(option["text"] for option in answer.choice_order if option["correct"])
    if question.kind == QuestionKind.TRUE_FALSE:
        return question.answer.strip().lower()
    return question.answer


class AnswerResultSerializer(serializers.ModelSerializer):
    question = serializers.IntegerField(source="question_id", read_only=True)
    correct = serializers.SerializerMethodField()
    expected = serializers.SerializerMethodField()

    class Meta:
        model = Answer
        fields = ["question", "correct", "expected"]

    def get_correct(self, answer: Answer) -> bool:
        return bool(answer.correct)

    def get_expected(self, answer: Answer) -> str:
        return expected_answer(answer)


class AnswerDetailSerializer(AnswerResultSerializer):
    choice = serializers.IntegerField(
        source="choice_id",
        read_only=True,
        allow_null=True,
        help_text=_("The chosen option's id (multiple choice), if the option still exists."),
    )
    response = serializers.CharField(
        read_only=True,
        help_text=_(
            "As stored: the chosen option's text for multiple choice; empty if unanswered."
        ),
    )

    class Meta:
        model = Answer
        fields = ["question", "response", "choice", "correct", "expected"]


class AttemptResultSerializer(serializers.ModelSerializer):
    answers = AnswerResultSerializer(many=True, read_only=True)

    class Meta:
        model = QuizAttempt
        fields = ["id", "score", "max_score", "answers"]
        read_only_fields = fields


class AttemptSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = QuizAttempt
        fields = ["id", "lesson", "document", "started_at", "submitted_at", "score", "max_score"]
        read_only_fields = fields


class AttemptDetailSerializer(AttemptSummarySerializer):
    answers = AnswerDetailSerializer(many=True, read_only=True)

    class Meta(AttemptSummarySerializer.Meta):
        fields = [*AttemptSummarySerializer.Meta.fields, "answers"]
        read_only_fields = fields


class AttemptErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(allow_null=True)
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class AttemptRefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    # Absent when the body could not be read at all (malformed JSON, wrong media type).
    errors = AttemptErrorSerializer(many=True, required=False)


# --------------------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------------------


def _owned_finished(request: Request) -> QuizAttemptQuerySet:
    return QuizAttempt.objects.owned_by(request.user).finished()


def _with_answers(attempts: QuizAttemptQuerySet) -> QuizAttemptQuerySet:
    return attempts.prefetch_related(
        Prefetch(
            "answers", queryset=Answer.objects.select_related("question").order_by("position")
        )
    )


def _refused(errors: list[dict[str, object]]) -> Response:
    return Response(
        {"detail": _("The attempt was refused; nothing was stored."), "errors": errors},
        status=status.HTTP_400_BAD_REQUEST,
    )


@extend_schema_view(
    get=extend_schema(
        summary="The user's finished quiz attempts, newest first",
        responses={200: AttemptSummarySerializer(many=True), **error_responses(400, 401, 404)},
    ),
)
class AttemptListView(generics.ListAPIView):
    serializer_class = AttemptSummarySerializer

    def get_queryset(self) -> QuizAttemptQuerySet:
        return _owned_finished(self.request).order_by("-started_at", "-id")

    @extend_schema(
        summary="Submit a lesson quiz taken offline, graded on the server",
        description=(
            "Idempotent by `id`: the same id again answers 200 with the stored result. "
            "An id used by another user is refused with 409."
        ),
        request=AttemptInputSerializer,
        responses={
            201: AttemptResultSerializer,
            200: AttemptResultSerializer,
            400: OpenApiResponse(
                AttemptRefusalSerializer,
                description=_("The attempt was refused; nothing was stored."),
            ),
            409: OpenApiResponse(
                ErrorSerializer, description=_("The id belongs to another user's attempt.")
            ),
            **error_responses(401, 413, 415),
        },
    )
    def post(self, request: Request) -> Response:
        form = AttemptInputSerializer(data=request.data)
        if not form.is_valid():
            return _refused(list(error_items(form.errors, items="answers", item_field="answers")))
        data = form.validated_data
        try:
            submission = submit_attempt(
                user=request.user,
                attempt_id=data["id"],
                lesson_id=data["lesson"],
                started_at=data["started_at"],
                submitted_at=data["submitted_at"],
                responses=[
                    ResponseInput(question_id=item["question"], response=item["response"])
                    for item in data["answers"]
                ],
            )
        except AttemptRefused as exc:
            return _refused(exc.errors)
        except AttemptIdTaken as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        attempt = _with_answers(_owned_finished(request)).get(pk=submission.attempt.pk)
        return Response(
            AttemptResultSerializer(attempt).data,
            status=status.HTTP_201_CREATED if submission.created else status.HTTP_200_OK,
        )


@extend_schema_view(
    get=extend_schema(
        summary="One of the user's finished quiz attempts, with its graded answers",
        parameters=[OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: AttemptDetailSerializer, **error_responses(400, 401, 404)},
    ),
)
class AttemptDetailView(generics.RetrieveAPIView):
    serializer_class = AttemptDetailSerializer
    lookup_url_kwarg = "id"

    def get_queryset(self) -> QuizAttemptQuerySet:
        return _with_answers(_owned_finished(self.request))
