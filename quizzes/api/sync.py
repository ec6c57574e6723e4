"""Offline sync for the mobile app: pull what changed, push reviews made offline.

``GET /sync/changes/`` reads ``quizzes.sync.changes_since`` (its docstring explains the
versions and the cursor). ``POST /sync/reviews/`` stores a batch through
``services.record_reviews``: all or nothing, a review id already stored is a duplicate
(reported, never applied again). A refused request answers
``400 {detail, errors: [{index, field, message}]}``, where ``index`` is the review's
place in ``reviews`` (or null).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes import sync
from quizzes.api.attempts import MAX_ID, AwareDateTimeField
from quizzes.api.errors import error_items, error_responses
from quizzes.api.serializers import LessonSerializer, PracticeQuestionSerializer
from quizzes.models import CardState, Rating, ReviewLog, TombstoneKind
from quizzes.services import (
    MAX_REVIEWS_PER_BATCH,
    ReviewBatchError,
    ReviewInput,
    record_reviews,
)

MAX_DURATION_MS = 2**31 - 1

CURSOR_HELP = _(
    "Opaque: give back exactly what the server answered. Left out: from the beginning."
)


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------


class SyncLessonSerializer(LessonSerializer):
    document = serializers.IntegerField(source="document_id", read_only=True)

    class Meta(LessonSerializer.Meta):
        fields = [*LessonSerializer.Meta.fields, "document"]


class SyncQuestionSerializer(PracticeQuestionSerializer):
    lesson = serializers.IntegerField(source="lesson_id", read_only=True)

    class Meta(PracticeQuestionSerializer.Meta):
        fields = [
            "id",
            "lesson",
            *(name for name in PracticeQuestionSerializer.Meta.fields if name != "id"),
        ]


class DeletionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=TombstoneKind.values)
    id = serializers.IntegerField()


class CardStateSerializer(serializers.ModelSerializer):
    question = serializers.IntegerField(source="question_id", read_only=True)

    class Meta:
        model = CardState
        fields = [
            "question",
            "state",
            "step",
            "stability",
            "difficulty",
            "due",
            "last_review",
            "reps",
            "lapses",
        ]
        read_only_fields = fields


CARD_STATE_FIELDS = CardStateSerializer.Meta.fields


def card_state_rows(states: QuerySet[CardState]) -> list[dict[str, object]]:
    """What CardStateSerializer(many=True) gives, built from plain rows: a push answers a
    thousand states, and model instances plus a serializer per row cost more than the
    rest of the request. A test holds the two to the same output."""
    moment = serializers.DateTimeField().to_representation
    rows = []
    for question, *values in states.values_list("question_id", *CARD_STATE_FIELDS[1:]):
        row = dict(zip(CARD_STATE_FIELDS, (question, *values), strict=True))
        row["due"] = moment(row["due"])
        if row["last_review"] is not None:
            row["last_review"] = moment(row["last_review"])
        rows.append(row)
    return rows


class ReviewLogSerializer(serializers.ModelSerializer):
    question = serializers.IntegerField(source="question_id", read_only=True)

    class Meta:
        model = ReviewLog
        fields = ["id", "question", "rating", "reviewed_at", "duration_ms", "device"]
        read_only_fields = fields


class ChangesSerializer(serializers.Serializer):
    lessons = SyncLessonSerializer(
        many=True, help_text=_("Active lessons added or changed, with their document's id.")
    )
    questions = SyncQuestionSerializer(
        many=True, help_text=_("Published questions added or changed, answers included.")
    )
    deleted = DeletionSerializer(
        many=True,
        help_text=_(
            "Lessons and questions to drop: deleted, archived, unpublished, or of an "
            "archived lesson. Dropping a lesson drops its questions; they come back as "
            "changed questions if the lesson is restored."
        ),
    )
    card_states = CardStateSerializer(many=True)
    review_logs = ReviewLogSerializer(many=True)
    cursor = serializers.CharField(help_text=_("Send it with the next pull."))
    has_more = serializers.BooleanField(
        help_text=_("Pull again with the new cursor until this is false.")
    )
    visible_documents = serializers.ListField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text=_(
            "Null unless the documents the user may study changed since the cursor (a "
            "class joined or left, a document added to or taken out of a class, opened "
            "to all or closed), and on a pull without a cursor. Then it lists every "
            "document the user may study: drop the lessons and questions of any other. "
            "The content of this page and the next ones starts again from the "
            "beginning; card states and review logs go on from the cursor."
        ),
    )


class PushResultSerializer(serializers.Serializer):
    accepted = serializers.ListField(child=serializers.UUIDField())
    duplicates = serializers.ListField(
        child=serializers.UUIDField(),
        help_text=_("Ids already stored: not applied again, even if their body differs."),
    )
    card_states = CardStateSerializer(
        many=True, help_text=_("The current state of every card the batch names.")
    )
    cursor = serializers.CharField(
        help_text=_(
            "The cursor sent with the push (or the beginning): pushing never moves it, so "
            "the next pull still returns everything the device has not pulled, this "
            "batch's reviews and card states included."
        )
    )


class SyncErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(allow_null=True)
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class SyncRefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = SyncErrorSerializer(
        many=True, required=False, help_text=_("Each problem, with its place in the request.")
    )


# --------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------


class ChangesQuerySerializer(serializers.Serializer):
    cursor = serializers.CharField(
        required=False, max_length=sync.MAX_CURSOR_LENGTH, help_text=CURSOR_HELP
    )
    limit = serializers.IntegerField(
        required=False,
        default=sync.DEFAULT_LIMIT,
        min_value=1,
        max_value=sync.MAX_LIMIT,
        help_text=_("Most items (of all kinds together) in one answer."),
    )


# A JSON body says what type each value is: "3" is not a rating, 12 is not a uuid (DRF's
# own fields would take both), so a malformed review is refused, never guessed at.


class JSONIntegerField(serializers.IntegerField):
    def to_internal_value(self, data: object) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class JSONStringField(serializers.CharField):
    def to_internal_value(self, data: object) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class CanonicalUUIDField(serializers.UUIDField):
    """Only the canonical form, 8-4-4-4-12 hexadecimal digits."""

    CANONICAL = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")

    def to_internal_value(self, data: object) -> uuid.UUID:
        if not isinstance(data, str) or not self.CANONICAL.fullmatch(data):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class ReviewItemSerializer(serializers.Serializer):
    id = CanonicalUUIDField(help_text=_("Made by the device: sending it again is harmless."))
    question = JSONIntegerField(min_value=1, max_value=MAX_ID)
    rating = JSONIntegerField(
        min_value=Rating.AGAIN, max_value=Rating.EASY, help_text=_("1 Again to 4 Easy.")
    )
    reviewed_at = AwareDateTimeField(help_text=_("At most 5 minutes in the future."))
    duration_ms = JSONIntegerField(
        min_value=0, max_value=MAX_DURATION_MS, required=False, allow_null=True, default=None
    )
    device = JSONStringField(
        max_length=100, allow_blank=True, required=False, default="", trim_whitespace=False
    )


_EXTENDED_ISO_8601 = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})"
)


def plain_push(data: object) -> tuple[list[ReviewInput], str | None] | None:
    """The reviews (and cursor) of a plainly well-formed push, read without running a
    serializer per review: for a thousand reviews that costs more than storing them.

    Anything unusual (a missing or odd field, a time not in the extended ISO 8601 form, a
    device name with control characters) answers None, and :class:`PushSerializer` then
    decides and says what is wrong. A test holds the two to the same result.
    """
    if not isinstance(data, dict):
        return None
    reviews, cursor = data.get("reviews"), data.get("cursor")
    if not isinstance(reviews, list) or len(reviews) > MAX_REVIEWS_PER_BATCH:
        return None
    if "cursor" in data and not (
        isinstance(cursor, str) and 0 < len(cursor) <= sync.MAX_CURSOR_LENGTH
    ):
        return None
    zone = timezone.get_current_timezone()
    read = []
    for item in reviews:
        if not isinstance(item, dict):
            return None
        review_id, question, rating = item.get("id"), item.get("question"), item.get("rating")
        at, duration, device = (
            item.get("reviewed_at"),
            item.get("duration_ms"),
            item.get("device", ""),
        )
        if not (isinstance(review_id, str) and CanonicalUUIDField.CANONICAL.fullmatch(review_id)):
            return None
        if type(question) is not int or not 1 <= question <= MAX_ID:
            return None
        if type(rating) is not int or not Rating.AGAIN <= rating <= Rating.EASY:
            return None
        if duration is not None and (
            type(duration) is not int or not 0 <= duration <= MAX_DURATION_MS
        ):
            return None
        if not (isinstance(device, str) and len(device) <= 100 and device.isprintable()):
            return None
        if not (isinstance(at, str) and _EXTENDED_ISO_8601.fullmatch(at)):
            return None
        try:
            reviewed_at = datetime.fromisoformat(at).astimezone(zone)
        except ValueError:
            return None
        read.append(
            ReviewInput(
                id=uuid.UUID(review_id),
                question_id=question,
                rating=rating,
                reviewed_at=reviewed_at,
                duration_ms=duration,
                device=device,
            )
        )
    return read, cursor


class PushSerializer(serializers.Serializer):
    reviews = ReviewItemSerializer(many=True, max_length=MAX_REVIEWS_PER_BATCH)
    cursor = JSONStringField(
        required=False,
        max_length=sync.MAX_CURSOR_LENGTH,
        help_text=_("The device's current cursor; answered back unchanged."),
    )


# --------------------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------------------


def serializer_push(data: dict) -> tuple[list[ReviewInput], str | None]:
    """The reviews (and cursor) of a push that PushSerializer has validated."""
    reviews = [
        ReviewInput(
            id=item["id"],
            question_id=item["question"],
            rating=item["rating"],
            reviewed_at=item["reviewed_at"],
            duration_ms=item["duration_ms"],
            device=item["device"],
        )
        for item in data["reviews"]
    ]
    return reviews, data.get("cursor")


def _refused(errors: list[dict[str, object]], detail: str) -> Response:
    return Response({"detail": detail, "errors": errors}, status=status.HTTP_400_BAD_REQUEST)


def _bad_cursor() -> dict[str, object]:
    return {
        "index": None,
        "field": "cursor",
        "message": gettext("This cursor was not made by this server: pull from the start."),
    }


def _cursor(text: str | None) -> sync.Cursor:
    return sync.Cursor.beginning() if text is None else sync.Cursor.decode(text)


REFUSED = OpenApiResponse(
    SyncRefusalSerializer, description=_("Refused, see `errors`; a refused push stores nothing.")
)


class SyncChangesView(APIView):
    @extend_schema(
        operation_id="sync_changes",
        summary="What changed since the cursor: content, the user's card states and reviews",
        description=(
            "Follow `cursor` until `has_more` is false to receive every change exactly "
            "once, including changes committed while paging. When the documents the user "
            "may study change, the content starts again and `visible_documents` says "
            "which to keep. A bad `cursor` or `limit` answers 400."
        ),
        parameters=[ChangesQuerySerializer],
        responses={200: ChangesSerializer, 400: REFUSED, **error_responses(401)},
    )
    def get(self, request: Request) -> Response:
        # A plain dict, not the QueryDict: DRF reads an empty parameter of a QueryDict as
        # left out, and "?limit=" is not a number.
        query = ChangesQuerySerializer(
            data={
                name: request.query_params[name]
                for name in ("cursor", "limit")
                if name in request.query_params
            }
        )
        if not query.is_valid():
            return _refused(
                list(error_items(query.errors, items="reviews", item_field=None)),
                gettext("Bad query parameters."),
            )
        try:
            cursor = _cursor(query.validated_data.get("cursor"))
        except sync.BadCursor:
            return _refused([_bad_cursor()], gettext("Bad cursor."))
        changes = sync.changes_since(
            user=request.user, cursor=cursor, limit=query.validated_data["limit"]
        )
        body = ChangesSerializer(
            {
                "lessons": changes.lessons,
                "questions": changes.questions,
                "deleted": changes.deleted,
                "card_states": changes.card_states,
                "review_logs": changes.review_logs,
                "cursor": changes.cursor.encode(),
                "has_more": changes.has_more,
                "visible_documents": changes.visible_documents,
            }
        )
        return Response(body.data)


class SyncReviewsView(APIView):
    @extend_schema(
        operation_id="sync_reviews",
        summary="Push reviews made offline: all or nothing, idempotent by review id",
        description=(
            "At most 1,000 reviews. A review id already stored is reported in "
            "`duplicates` and not applied again. Any invalid review refuses the whole "
            "batch (400, nothing stored): an unknown or unpublished question, a rating "
            "out of range, `reviewed_at` more than 5 minutes in the future, a malformed id."
        ),
        request=PushSerializer,
        responses={200: PushResultSerializer, 400: REFUSED, **error_responses(401, 413, 415)},
    )
    def post(self, request: Request) -> Response:
        refused = gettext("The batch was refused; nothing was stored.")
        plain = plain_push(request.data)
        if plain is None:
            form = PushSerializer(data=request.data)
            if not form.is_valid():
                return _refused(
                    list(error_items(form.errors, items="reviews", item_field=None)), refused
                )
            plain = serializer_push(form.validated_data)
        reviews, sent_cursor = plain
        try:
            cursor = _cursor(sent_cursor)
        except sync.BadCursor:
            return _refused([_bad_cursor()], refused)
        try:
            result = record_reviews(user=request.user, reviews=reviews)
        except ReviewBatchError as error:
            return _refused(error.errors, refused)
        states = CardState.objects.filter(
            user=request.user, question_id__in={review.question_id for review in reviews}
        ).order_by("question_id")
        ids = serializers.UUIDField().to_representation
        return Response(
            {
                "accepted": [ids(value) for value in result.accepted],
                "duplicates": [ids(value) for value in result.duplicates],
                "card_states": card_state_rows(states),
                "cursor": cursor.encode(),
            }
        )
