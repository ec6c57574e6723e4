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
as on a plain one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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

STATISTICS = ("attempts", "facility", "discrimination", "most_wrong", "most_wrong_times")
"""The annotations :func:`with_item_statistics` adds."""


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


def _discrimination_sums(answers: QuerySet[Answer]) -> QuerySet[Answer]:
    """The group's sums for the correlation, over answers whose attempt has a rest."""
    paired = Q(attempt__max_score__gt=1)
    x = F("score")
    y = (F("attempt__score") - F("score")) / NullIf(F("attempt__max_score") - 1, 0)
    return answers.alias(
        n=Count("pk", filter=paired),
        sx=Sum(x, filter=paired, output_field=FloatField()),
        sy=Sum(y, filter=paired, output_field=FloatField()),
        sxy=Sum(x * y, filter=paired, output_field=FloatField()),
        sxx=Sum(x * x, filter=paired, output_field=FloatField()),
        syy=Sum(y * y, filter=paired, output_field=FloatField()),
    ).alias(
        # n² times the covariance and the variances (no division: n may be 0).
        cov=F("n") * F("sxy") - F("sx") * F("sy"),
        var_x=F("n") * F("sxx") - F("sx") * F("sx"),
        var_y=F("n") * F("syy") - F("sy") * F("sy"),
        floor=Value(ZERO_VARIANCE) * F("n") * F("n"),
    )


def _discrimination() -> Case:
    """The correlation from the aliases of :func:`_discrimination_sums`, or None."""
    return Case(
        When(
            Q(n__gte=2, var_x__gt=F("floor"), var_y__gt=F("floor")),
            then=F("cov") / Sqrt(F("var_x") * F("var_y")),
        ),
        default=None,
        output_field=FloatField(),
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


def flagged_answers() -> QuerySet[Answer]:
    """The outer question's answers as one group, present only when its figures call for
    attention (see "needs attention"): an Exists() of it is the flag."""
    answers = _discrimination_sums(_answers())
    return answers.alias(
        attempts=Count("pk"), facility=Avg("score"), discrimination=_discrimination()
    ).filter(
        Q(attempts__gte=MIN_ATTEMPTS)
        & (Q(facility__gt=TOO_EASY) | Q(facility__lt=TOO_HARD) | Q(discrimination__lt=0))
    )


def needs_attention() -> Q:
    """A condition on questions: published, and flagged by their figures."""
    return Q(status=QuestionStatus.PUBLISHED) & Q(Exists(flagged_answers()))


def with_item_statistics(questions: QuerySet[Question]) -> QuerySet[Question]:
    """The questions with ``attempts`` (0 without answers), ``facility`` and
    ``discrimination`` (None when undefined), ``most_wrong`` and ``most_wrong_times``
    (None without wrong answers). Filter with :func:`needs_attention`. Applying it twice
    changes nothing."""
    if "attempts" in questions.query.annotations:
        return questions
    answers = _answers()
    return questions.annotate(
        attempts=Coalesce(_scalar(answers, Count("pk")), Value(0), output_field=IntegerField()),
        facility=_scalar(answers, Avg("score")),
        discrimination=_scalar(_discrimination_sums(answers), _discrimination()),
        most_wrong=_most_wrong("response"),
        most_wrong_times=_most_wrong("times"),
    )


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


def document_patterns(document: Document) -> list[Pattern]:
    """The document's generated published questions by pattern; one query."""
    rows = (
        Question.objects.filter(
            lesson__document=document,
            origin=QuestionOrigin.GENERATED,
            status=QuestionStatus.PUBLISHED,
        )
        .annotate(flagged=Exists(flagged_answers()))
        .values_list("kind", "answer_type", "flagged")
    )
    return summarise_patterns(rows)
