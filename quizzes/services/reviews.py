"""Recording students' reviews and replaying their cards' FSRS state.

Every review log and card state written here carries a ``sync_version`` from the
student's counter (``SyncCounter`` key ``user:<id>``), bumped once per batch that stores
something. The counter row is locked from the start of the batch until commit, so a
student's batches run one at a time (duplicates are told apart exactly even when a
device retries while the first push is still running) and their versions become visible
in increasing order: a pull paging by version (``quizzes.sync``) never skips one.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from quizzes import faults, scheduling
from quizzes.models import CardState, Lesson, Question, Rating, ReviewLog, SyncCounter

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


def user_stream(user: User) -> str:
    """The key of a student's SyncCounter: their review logs and card states."""
    return f"user:{user.pk}"


def bump_sync_counter(key: str, *, by: int = 1) -> int:
    """Add ``by`` to a sync counter (creating it at 0 first) and return the new value.

    One statement on SQLite (3.35+) and PostgreSQL. It locks the counter row until the
    transaction ends, so call it inside one; ``by=0`` takes the lock without a bump.
    """
    table = connection.ops.quote_name(SyncCounter._meta.db_table)
    key_column = connection.ops.quote_name("key")
    # The identifiers come from the model, never from input; values are parameters.
    sql = (
        f"INSERT INTO {table} ({key_column}, value) VALUES (%s, %s) "  # noqa: S608
        f"ON CONFLICT ({key_column}) DO UPDATE SET value = {table}.value + %s "
        "RETURNING value"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, by, by])
        return int(cursor.fetchone()[0])


def after_logs_stored(*, user: User, log_ids: Sequence[uuid.UUID]) -> None:
    """Runs between storing a batch's logs and replaying its cards, and does nothing: a
    seam where tests inject a failure to prove that a batch is all or nothing."""


def _review_errors(
    user: User, reviews: Sequence[tuple[int, ReviewInput]], now: datetime
) -> list[dict[str, object]]:
    """What is wrong with each (batch index, review) pair."""
    studyable = set(
        Question.objects.published()
        .filter(
            pk__in={review.question_id for _index, review in reviews},
            lesson__in=Lesson.objects.visible_to(user),
        )
        .values_list("pk", flat=True)
    )
    errors: list[dict[str, object]] = []
    for index, review in reviews:
        if review.question_id not in studyable:
            errors.append(
                {"index": index, "field": "question", "message": _("No such question to study.")}
            )
        if review.rating not in Rating.values:
            errors.append(
                {"index": index, "field": "rating", "message": _("Rating must be 1 to 4.")}
            )
        if timezone.is_naive(review.reviewed_at):
            errors.append(
                {"index": index, "field": "reviewed_at", "message": _("Give a UTC offset.")}
            )
        elif review.reviewed_at > now + FUTURE_SKEW:
            errors.append(
                {
                    "index": index,
                    "field": "reviewed_at",
                    "message": _("This time is in the future."),
                }
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
                    "message": _("At most %(count)d reviews in one batch.")
                    % {"count": MAX_REVIEWS_PER_BATCH},
                }
            ]
        )
    stream = user_stream(user)
    bump_sync_counter(stream, by=0)  # one batch of this student's at a time, from here
    ids = [review.id for review in reviews]
    owners = dict(ReviewLog.objects.filter(pk__in=ids).values_list("pk", "user_id"))
    # Review ids are global: one stored for another student is neither a duplicate of
    # this one (that would drop it and reveal the other's review) nor to be overwritten.
    taken = [
        {"index": i, "field": "id", "message": _("This review id is already taken.")}
        for i, r in enumerate(reviews)
        if owners.get(r.id, user.pk) != user.pk
    ]
    stored = {pk for pk, owner in owners.items() if owner == user.pk}
    # A retried batch must go through even if a question was retired since: reviews
    # already stored are duplicates and are not checked again.
    errors = taken + _review_errors(
        user, [(i, r) for i, r in enumerate(reviews) if r.id not in owners], now
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
    if not fresh:
        return RecordResult(accepted=[], duplicates=duplicates, card_states=[])
    version = bump_sync_counter(stream)
    _insert_rows(
        ReviewLog,
        [
            "id",
            "user_id",
            "question_id",
            "rating",
            "reviewed_at",
            "duration_ms",
            "device",
            "received_at",
            "sync_version",
        ],
        [
            (
                review.id,
                user.pk,
                review.question_id,
                review.rating,
                review.reviewed_at,
                review.duration_ms,
                review.device[:100],
                now,
                version,
            )
            for review in fresh.values()
        ],
        conflict="ON CONFLICT DO NOTHING",
    )
    after_logs_stored(user=user, log_ids=list(fresh))
    by_question: dict[int, list[ReviewInput]] = defaultdict(list)
    for review in fresh.values():
        by_question[review.question_id].append(review)
    states = replay_card_states(
        user=user, question_ids=set(by_question), sync_version=version, new_reviews=by_question
    )
    if faults.hook is not None:  # never in the product: only a fault test installs one
        faults.push_written(user_id=user.pk, review_ids=list(fresh))
    return RecordResult(accepted=list(fresh), duplicates=duplicates, card_states=states)


@transaction.atomic(savepoint=False)  # inside record_reviews: its transaction, no savepoint
def _continued(
    user: User, new_reviews: dict[int, list[ReviewInput]]
) -> dict[int, scheduling.CardSnapshot]:
    """The cards whose new reviews all come after their last stored review, folded on
    from their stored state (one query): the same as a full replay, without reading and
    replaying their history (see scheduling.continue_replay)."""
    continued = {}
    for question_id, *stored in CardState.objects.filter(
        user=user, question_id__in=list(new_reviews)
    ).values_list(
        "question_id",
        "state",
        "step",
        "stability",
        "difficulty",
        "due",
        "last_review",
        "reps",
        "lapses",
    ):
        snapshot = scheduling.continue_replay(
            scheduling.CardSnapshot(*stored),
            [
                scheduling.Review(id=str(r.id), rating=r.rating, reviewed_at=r.reviewed_at)
                for r in new_reviews[question_id]
            ],
            card_id=question_id,
        )
        if snapshot is not None:
            continued[question_id] = snapshot
    return continued


def _insert_rows(
    model: type[models.Model], columns: list[str], rows: list[tuple], *, conflict: str
) -> None:
    """INSERT rows with one executemany (``conflict``: the ON CONFLICT clause, which
    SQLite and PostgreSQL both read). Django's bulk_create spends longer preparing a
    thousand rows, field by field, than the database spends storing them; here each value
    goes through its field's own adaptation for the database, once."""
    if not rows:
        return
    fields = [model._meta.get_field(column.removesuffix("_id")) for column in columns]
    quote = connection.ops.quote_name
    # Only quoted names from the model and %s placeholders: the values travel apart.
    names = ", ".join(map(quote, columns))
    slots = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({slots}) {conflict}"  # noqa: S608
    adapt = [field.get_db_prep_save for field in fields]
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                tuple(
                    prepare(value, connection) for prepare, value in zip(adapt, row, strict=True)
                )
                for row in rows
            ],
        )


def replay_card_states(
    *,
    user: User,
    question_ids: Iterable[int],
    sync_version: int | None = None,
    new_reviews: dict[int, list[ReviewInput]] | None = None,
) -> list[CardState]:
    """Recompute (and store) the card state of each question from the user's logs.

    The states are stamped with ``sync_version``: the batch's version, or (when called on
    its own) a new one from the student's counter. ``new_reviews`` (question id -> the
    reviews just stored) lets a card whose new reviews all follow its last one be folded
    on from its stored state; every other card is replayed from all of its logs.
    """
    question_ids = set(question_ids)
    if not question_ids:
        return []
    if sync_version is None:
        sync_version = bump_sync_counter(user_stream(user))
    snapshots = _continued(user, new_reviews) if new_reviews else {}
    logs: dict[int, list[scheduling.Review]] = defaultdict(list)
    if question_ids - snapshots.keys():
        for question_id, log_id, rating, reviewed_at in ReviewLog.objects.filter(
            user=user, question_id__in=question_ids - snapshots.keys()
        ).values_list("question_id", "id", "rating", "reviewed_at"):
            logs[question_id].append(
                scheduling.Review(id=str(log_id), rating=rating, reviewed_at=reviewed_at)
            )
    for question_id, question_logs in logs.items():
        snapshots[question_id] = scheduling.replay(
            question_logs, card_id=question_id, new_due=min(r.reviewed_at for r in question_logs)
        )
    states = []
    for question_id, snapshot in sorted(snapshots.items()):
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
                sync_version=sync_version,
            )
        )
    updated = [
        "state",
        "step",
        "stability",
        "difficulty",
        "due",
        "last_review",
        "reps",
        "lapses",
        "updated_at",
        "sync_version",
    ]
    written_at = timezone.now()
    _insert_rows(
        CardState,
        ["user_id", "question_id", *updated],
        [
            (
                user.pk,
                state.question_id,
                state.state,
                state.step,
                state.stability,
                state.difficulty,
                state.due,
                state.last_review,
                state.reps,
                state.lapses,
                written_at,
                sync_version,
            )
            for state in states
        ],
        conflict="ON CONFLICT (user_id, question_id) DO UPDATE SET "
        + ", ".join(f"{name} = excluded.{name}" for name in updated),
    )
    return states
