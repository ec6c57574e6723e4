"""Recording students' reviews and replaying their cards' FSRS state."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from quizzes import scheduling
from quizzes.models import CardState, Lesson, Question, Rating, ReviewLog

MAX_REVIEWS_PER_BATCH = 1000
FUTURE_SKEW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class ReviewInput:
    id: uuid.UUID
    question_id: int
    rating: int
    reviewed_at: datetime
    duration_ms: int | None = None
    device: str = ""


class ReviewBatchError(ValueError):
    """The batch is refused whole. ``errors`` lists ``{"index", "field", "message"}``."""

    def __init__(self, errors: list[dict[str, object]]) -> None:
        super().__init__("; ".join(f"{e['index']}.{e['field']}: {e['message']}" for e in errors))
        self.errors = errors


@dataclass
class RecordResult:
    accepted: list[uuid.UUID]
    duplicates: list[uuid.UUID]
    card_states: list[CardState]


def _review_errors(
    user: User, reviews: Sequence[tuple[int, ReviewInput]], now: datetime
) -> list[dict[str, object]]:
    """What is wrong with each (batch index, review) pair."""
    studyable = set(
        Question.objects.published()
        .filter(
            pk__in={r.question_id for _, r in reviews},
            lesson__in=Lesson.objects.visible_to(user),
        )
        .values_list("pk", flat=True)
    )
    errors: list[dict[str, object]] = []
    for index, review in reviews:
        if review.question_id not in studyable:
            errors.append(
                {"index": index, "field": "question", "message": "No such question to study."}
            )
        if review.rating not in Rating.values:
            errors.append({"index": index, "field": "rating", "message": "Rating must be 1 to 4."})
        if timezone.is_naive(review.reviewed_at):
            errors.append(
                {"index": index, "field": "reviewed_at", "message": "Give a UTC offset."}
            )
        elif review.reviewed_at > now + FUTURE_SKEW:
            errors.append(
                {"index": index, "field": "reviewed_at", "message": "This time is in the future."}
            )
    return errors


@transaction.atomic
def record_reviews(
    *, user: User, reviews: Sequence[ReviewInput], now: datetime | None = None
) -> RecordResult:
    """Store a batch of reviews, all or nothing, and recompute the touched cards.

    A review whose id is already stored (or repeats earlier in the batch) is a duplicate:
    reported and not applied again, whatever its body says. Card states are replayed
    from all of the student's logs for each touched card, so the result does not depend
    on the order or batching in which reviews arrive.
    """
    now = now or timezone.now()
    if len(reviews) > MAX_REVIEWS_PER_BATCH:
        raise ReviewBatchError(
            [
                {
                    "index": None,
                    "field": "reviews",
                    "message": f"At most {MAX_REVIEWS_PER_BATCH} reviews in one batch.",
                }
            ]
        )
    ids = [review.id for review in reviews]
    stored = set(ReviewLog.objects.filter(pk__in=ids).values_list("pk", flat=True))
    # A retried batch must go through even if a question was retired since: reviews
    # already stored are duplicates and are not checked again.
    errors = _review_errors(
        user, [(i, r) for i, r in enumerate(reviews) if r.id not in stored], now
    )
    if errors:
        raise ReviewBatchError(errors)
    fresh: dict[uuid.UUID, ReviewInput] = {}
    duplicates: list[uuid.UUID] = []
    for review in reviews:
        if review.id in stored or review.id in fresh:
            duplicates.append(review.id)
        else:
            fresh[review.id] = review
    ReviewLog.objects.bulk_create(
        [
            ReviewLog(
                id=review.id,
                user=user,
                question_id=review.question_id,
                rating=review.rating,
                reviewed_at=review.reviewed_at,
                duration_ms=review.duration_ms,
                device=review.device[:100],
            )
            for review in fresh.values()
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    states = replay_card_states(user=user, question_ids={r.question_id for r in fresh.values()})
    return RecordResult(accepted=list(fresh), duplicates=duplicates, card_states=states)


def replay_card_states(*, user: User, question_ids: Iterable[int]) -> list[CardState]:
    """Recompute (and store) the card state of each question from the user's logs."""
    question_ids = set(question_ids)
    if not question_ids:
        return []
    logs: dict[int, list[scheduling.Review]] = defaultdict(list)
    for question_id, log_id, rating, reviewed_at in ReviewLog.objects.filter(
        user=user, question_id__in=question_ids
    ).values_list("question_id", "id", "rating", "reviewed_at"):
        logs[question_id].append(
            scheduling.Review(id=str(log_id), rating=rating, reviewed_at=reviewed_at)
        )
    states = []
    for question_id, question_logs in sorted(logs.items()):
        snapshot = scheduling.replay(
            question_logs, card_id=question_id, new_due=min(r.reviewed_at for r in question_logs)
        )
        states.append(
            CardState(
                user=user,
                question_id=question_id,
                state=snapshot.state,
                step=snapshot.step,
                stability=snapshot.stability,
                difficulty=snapshot.difficulty,
                due=snapshot.due,
                last_review=snapshot.last_review,
                reps=snapshot.reps,
                lapses=snapshot.lapses,
            )
        )
    CardState.objects.bulk_create(
        states,
        update_conflicts=True,
        unique_fields=["user", "question"],
        update_fields=[
            "state",
            "step",
            "stability",
            "difficulty",
            "due",
            "last_review",
            "reps",
            "lapses",
            "updated_at",
        ],
    )
    return states
