"""Item statistics: how each question performs in finished quizzes, computed by the
database so that a list of questions, filtered or sorted by any figure, is one query.

The data
    Every answered Answer (``answered_at`` set) of a finished QuizAttempt
    (``submitted_at`` set). An answer's score ``x`` is 0..1. Figures are computed for
    every question that has such answers (a retired question keeps its history), but
    only a published question is ever flagged as needing attention.

attempts
    The number of those answers.

facility
    The mean answer score: the share of students who got the question right. Near 1 the
    question is too easy to tell anyone apart; near 0 it is too hard, or wrong.

discrimination
    As Moodle's quiz statistics "discrimination index": the Pearson correlation, over
    the answers, between the item's score ``x`` and the rest of the attempt's score
    ``y = (attempt score - x) / (max score - 1)``. Dividing by the rest's maximum lets a
    five-question lesson quiz and a twenty-question test mix. Students who did well on
    the rest should do well on the item: a negative figure means the strong students
    get it wrong more often than the weak ones (an ambiguous prompt, a wrong key). It is
    empty when undefined: fewer than two answers from attempts of two or more questions,
    or no variation in ``x`` or ``y``. Computed from n, Σx, Σy, Σxy, Σx², Σy².

most chosen wrong answer
    Among wrong answers, the response given most often: for multiple choice the option's
    text as the student saw it (``Answer.response`` holds it), for true/false "true" or
    "false", otherwise the typed text. Ties go to the alphabetically first.

needs attention
    A published question with at least ``MIN_ATTEMPTS`` attempts whose facility is above
    ``TOO_EASY`` or below ``TOO_HARD``, or whose discrimination is negative.

Each figure is a correlated subquery over the question's answers (the answer table is
indexed by question), not a join with GROUP BY on the question list: grouping would
carry every selected column (a lesson's body, a document's whole text when the admin
selects them) through the sort, and a GROUP BY query cannot be bulk-updated by the
admin's actions. So filtering, sorting and updating a statistics queryset all behave
as on a plain one. A page of a list computes its rows' figures only; sorting or
filtering on a figure computes it for every question listed, one pass over their
answers (``bench/item_statistics.py`` times it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    Expression,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf, Sqrt

from quizzes.models import Answer, Document, Question, QuestionOrigin, QuestionStatus

MIN_ATTEMPTS = 20
"""Fewer answers than this say too little to flag a question."""

TOO_EASY = 0.95
"""Facility above this: nearly everyone gets it right."""

TOO_HARD = 0.2
"""Facility below this: nearly everyone gets it wrong (below guessing on four options)."""

ZERO_VARIANCE = 1e-9
"""A population variance below this counts as none: scores such as 1/3 summed in floating
point leave a few ulps where there is no variation at all, and the correlation of noise
would be noise."""

PATTERN_MIN_FLAGGED = 2
PATTERN_MIN_SHARE = 0.5
"""A pattern with at least this many flagged questions, and at least this share of its
published ones flagged, "keeps being flagged"."""

# The database side --------------------------------------------------------------------


def _answers() -> QuerySet[Answer]:
    """The outer question's answered answers in finished attempts, as one group, ready
    for aggregates (``values("question")`` makes the database group them)."""
    return (
        Answer.objects.filter(
            question=OuterRef("pk"),
            answered_at__isnull=False,
            attempt__submitted_at__isnull=False,
        )
        .order_by()
        .values("question")
    )


def _scalar(answers: QuerySet[Answer], figure: Expression) -> Subquery:
    """One figure of the group as a subquery; empty when the question has no answers."""
    return Subquery(answers.annotate(value=figure).values("value"))


PAIRED = Q(attempt__max_score__gt=1)
"""Answers whose attempt has a rest (other questions) to correlate with."""

MEASURABLE = Q(n__gte=2, var_x__gt=F("floor"), var_y__gt=F("floor"))
"""On the aliases of :func:`_correlation_sums`: the correlation is defined."""


def _correlation_sums(answers: QuerySet[Answer], *, only: Q | None = None) -> QuerySet[Answer]:
    """The group's sums for the correlation (over the answers matching ``only``, if
    given), then n² times their covariance and variances (no division: n may be 0)."""
    x = F("score")
    y = (F("attempt__score") - F("score")) / NullIf(F("attempt__max_score") - 1, 0)

    def total(value: Expression | F) -> Sum:
        return Sum(value, filter=only, output_field=FloatField())

    return answers.alias(
        n=Count("pk", filter=only),
        sx=total(x),
        sy=total(y),
        sxy=total(x * y),
        sxx=total(x * x),
        syy=total(y * y),
    ).alias(
        cov=F("n") * F("sxy") - F("sx") * F("sy"),
        var_x=F("n") * F("sxx") - F("sx") * F("sx"),
        var_y=F("n") * F("syy") - F("sy") * F("sy"),
        floor=Value(ZERO_VARIANCE) * F("n") * F("n"),
    )


def _discrimination() -> Subquery:
    """The correlation, or None where it is not defined. The attempts without a rest are
    left out in the WHERE clause rather than a FILTER on each sum: half the work."""
    answers = _correlation_sums(_answers().filter(PAIRED))
    return _scalar(
        answers,
        Case(
            When(MEASURABLE, then=F("cov") / Sqrt(F("var_x") * F("var_y"))),
            default=None,
            output_field=FloatField(),
        ),
    )


def _most_wrong(field: str) -> Subquery:
    """``response`` or ``times`` of the most common wrong response."""
    wrong = (
        _answers()
        .filter(correct=False)
        .exclude(response="")
        .values("response")
        .annotate(times=Count("pk"))
        .order_by("-times", "response")
    )
    return Subquery(wrong.values(field)[:1])


@cache
def flagged() -> Exists:
    """True for a question whose figures call for attention (see "needs attention"),
    whatever its status: an EXISTS over its answers grouped and filtered by HAVING.

    Built once: an expression is copied whenever a query uses it, and building this one
    costs more than running it on a small list."""
    answers = _correlation_sums(_answers(), only=PAIRED)
    # The correlation is negative exactly when the covariance is: no square root needed.
    negative = MEASURABLE & Q(cov__lt=0)
    return Exists(
        answers.alias(attempts=Count("pk"), facility=Avg("score")).filter(
            Q(attempts__gte=MIN_ATTEMPTS)
            & (Q(facility__gt=TOO_EASY) | Q(facility__lt=TOO_HARD) | negative)
        )
    )


def needs_attention() -> Q:
    """A condition on questions: published, and flagged by their figures."""
    return Q(status=QuestionStatus.PUBLISHED) & Q(flagged())


@cache
def _figures() -> dict[str, Expression]:
    """The annotations of :func:`with_item_statistics`, built once (see :func:`flagged`)."""
    answers = _answers()
    return {
        "attempts": Coalesce(_scalar(answers, Count("pk")), Value(0), output_field=IntegerField()),
        "facility": _scalar(answers, Avg("score")),
        "discrimination": _discrimination(),
        "most_wrong": _most_wrong("response"),
        "most_wrong_times": _most_wrong("times"),
    }


def with_item_statistics(questions: QuerySet[Question]) -> QuerySet[Question]:
    """The questions with ``attempts`` (0 without answers), ``facility`` and
    ``discrimination`` (None when undefined), ``most_wrong`` and ``most_wrong_times``
    (None without wrong answers). Filter with :func:`needs_attention`. Applying it twice
    changes nothing."""
    if "attempts" in questions.query.annotations:
        return questions
    return questions.annotate(**_figures())


# The pattern report ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pattern:
    """Generated questions of one kind and answer type in a document (e.g. multiple
    choice on a person's name): how many are published and how many are flagged now."""

    kind: str
    answer_type: str
    published: int
    flagged: int

    @property
    def share_flagged(self) -> float:
        return self.flagged / self.published if self.published else 0.0

    @property
    def keeps_being_flagged(self) -> bool:
        """At least ``PATTERN_MIN_FLAGGED`` flagged, and at least ``PATTERN_MIN_SHARE``
        of the published ones: the generator's way of asking it needs a look, not one
        unlucky question."""
        return (
            self.flagged >= PATTERN_MIN_FLAGGED
            and self.flagged >= PATTERN_MIN_SHARE * self.published
        )


def summarise_patterns(rows: Iterable[tuple[str, str, bool]]) -> list[Pattern]:
    """Patterns from (kind, answer type, flagged) per published generated question: those
    that keep being flagged first, then by share flagged, then by name."""
    counts: dict[tuple[str, str], list[int]] = {}
    for kind, answer_type, flagged in rows:
        tally = counts.setdefault((kind, answer_type), [0, 0])
        tally[0] += 1
        tally[1] += bool(flagged)
    patterns = [
        Pattern(kind=kind, answer_type=answer_type, published=published, flagged=flagged)
        for (kind, answer_type), (published, flagged) in counts.items()
    ]
    return sorted(
        patterns,
        key=lambda p: (not p.keeps_being_flagged, -p.share_flagged, p.kind, p.answer_type),
    )


@dataclass(frozen=True, slots=True)
class DocumentReport:
    flagged: int
    """The document's published questions that need attention, whatever their origin."""
    patterns: list[Pattern]
    """Its generated published questions by pattern (see :func:`summarise_patterns`)."""


def document_report(document: Document) -> DocumentReport:
    """How many of the document's published questions need attention, and its patterns;
    one query, so the statistics are computed once per question."""
    rows = list(
        Question.objects.filter(lesson__document=document, status=QuestionStatus.PUBLISHED)
        .annotate(flagged=flagged())
        .values_list("origin", "kind", "answer_type", "flagged")
    )
    return DocumentReport(
        flagged=sum(bool(flagged) for *_fields, flagged in rows),
        patterns=summarise_patterns(
            (kind, answer_type, flagged)
            for origin, kind, answer_type, flagged in rows
            if origin == QuestionOrigin.GENERATED
        ),
    )
