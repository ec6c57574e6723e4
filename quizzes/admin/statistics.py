"""Item statistics in the question list, the questions that need attention, and the
per-document report of generated question patterns that keep being flagged.

The figures are defined in :mod:`quizzes.item_stats`; the column headers repeat the
definitions as hover help. The question list gets its figures from the ChangeList (see
:class:`StatisticsChangeList`), so only the list pays for them, not the change form.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import F, OrderBy, Q, QuerySet
from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.formats import number_format
from django.utils.functional import Promise, lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from quizzes import item_stats
from quizzes.models import Document, Question, QuestionKind, QuestionOrigin


class _NullsLast(OrderBy):
    """Sorting that keeps questions without a figure at the end in both directions (the
    admin reverses an OrderBy for a descending sort, which would put them first)."""

    def reverse_ordering(self) -> _NullsLast:
        self.descending = not self.descending
        return self


def _nulls_last(name: str) -> _NullsLast:
    return _NullsLast(F(name), nulls_last=True)


THRESHOLDS = {
    "min_attempts": item_stats.MIN_ATTEMPTS,
    "too_easy": round(item_stats.TOO_EASY * 100),
    "too_hard": round(item_stats.TOO_HARD * 100),
}


def _header(label: Promise, help_text: Promise) -> Promise:
    """A column header that explains itself on hover (``help_text`` may name the
    THRESHOLDS); translated when shown."""
    return lazy(
        lambda: format_html('<span title="{}">{}</span>', help_text % THRESHOLDS, label),
        SafeString,
    )()


MAX_IDS = 10_000
"""Most ids the needs-attention filter passes as query parameters (SQLite takes 32,766)."""


class NeedsAttentionFilter(admin.SimpleListFilter):
    """Published questions whose figures call for a look (see quizzes.item_stats)."""

    title = _("needs attention")
    parameter_name = "needs_attention"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() not in ("yes", "no"):
            return queryset
        # The list counts its rows, then reads a page: with the flagged ids read once
        # here, each question's statistics are computed once, not twice. Should a
        # teacher ever have more flagged questions than a query takes parameters, the
        # condition itself is used. (It is never NULL, so its negation is exact.)
        flagged = list(
            queryset.filter(item_stats.needs_attention())
            .order_by()
            .values_list("pk", flat=True)[: MAX_IDS + 1]
        )
        condition = item_stats.needs_attention() if len(flagged) > MAX_IDS else Q(pk__in=flagged)
        return queryset.filter(condition) if self.value() == "yes" else queryset.exclude(condition)


STAT_COLUMNS: list[str] = [
    "item_attempts",
    "item_facility",
    "item_discrimination",
    "item_most_wrong",
]
STAT_FILTERS: list[type[admin.ListFilter]] = [NeedsAttentionFilter]


class StatisticsChangeList(ChangeList):
    """The question list with each question's figures, so that they can be shown and
    sorted on. The total count ignores them (Django drops unused annotations there)."""

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> QuerySet:
        # Annotated before filtering and sorting, which may name the figures.
        self.root_queryset = item_stats.with_item_statistics(self.root_queryset)
        return super().get_queryset(request, exclude_parameters)


class QuestionStatisticsMixin(admin.ModelAdmin):
    """Columns for the figures of :func:`quizzes.item_stats.with_item_statistics`."""

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return StatisticsChangeList

    @admin.display(
        description=_header(
            _("Attempts"),
            _("Answers to this question in finished quizzes, by every student."),
        ),
        ordering=_nulls_last("attempts"),
    )
    def item_attempts(self, obj: Question) -> int | None:
        return getattr(obj, "attempts", None)

    @admin.display(
        description=_header(
            _("Facility"),
            _(
                "Share of those answers that were right. Flagged above %(too_easy)s%% (too "
                "easy) or below %(too_hard)s%% (too hard) once the question has at least "
                "%(min_attempts)s attempts."
            ),
        ),
        ordering=_nulls_last("facility"),
    )
    def item_facility(self, obj: Question) -> str | None:
        facility = getattr(obj, "facility", None)
        if facility is None:
            return None
        return _("%(percent)s%%") % {"percent": round(facility * 100)}

    @admin.display(
        description=_header(
            _("Discrimination"),
            _(
                "How well the question separates strong students from weak ones: the "
                "correlation (−1 to 1) between scoring on it and scoring on the rest of "
                "the quiz, as in Moodle's quiz statistics. Negative means strong students "
                "get it wrong more often than weak ones: flagged once it has at least "
                "%(min_attempts)s attempts. Empty until there is variation to measure."
            ),
        ),
        ordering=_nulls_last("discrimination"),
    )
    def item_discrimination(self, obj: Question) -> str | None:
        discrimination = getattr(obj, "discrimination", None)
        if discrimination is None:
            return None
        return number_format(discrimination, decimal_pos=2)

    @admin.display(
        description=_header(
            _("Most chosen wrong answer"),
            _(
                "Among wrong answers, the option chosen (or the answer typed) most often, "
                "and how many times."
            ),
        ),
        ordering=_nulls_last("most_wrong"),
    )
    def item_most_wrong(self, obj: Question) -> str | None:
        response = getattr(obj, "most_wrong", None)
        if response is None:
            return None
        if obj.kind == QuestionKind.TRUE_FALSE:
            response = _("True") if response == "true" else _("False")
        times = obj.most_wrong_times or 0
        return format_html(
            '{} <span class="quiet">({})</span>',
            Truncator(response).chars(50),
            ngettext("%(times)d time", "%(times)d times", times) % {"times": times},
        )


class DocumentStatisticsMixin(admin.ModelAdmin):
    """A page per document reporting its generated question patterns (kind and answer
    type) and how many of each are flagged, reached from ``item_statistics_link``."""

    statistics_template = "admin/quizzes/document/statistics.html"

    def get_urls(self) -> list[URLPattern]:
        name = f"{self.opts.app_label}_{self.opts.model_name}_statistics"
        own = [
            path(
                "<path:object_id>/statistics/",
                self.admin_site.admin_view(self.item_statistics_view),
                name=name,
            )
        ]
        return own + super().get_urls()  # before the admin's catch-all "<id>/"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return fields if "item_statistics_link" in fields else [*fields, "item_statistics_link"]

    @admin.display(description=_("item statistics"))
    def item_statistics_link(self, obj: Document | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:quizzes_document_statistics", args=[obj.pk]),
            _("How its questions perform, and the generated patterns that need attention"),
        )

    def item_statistics_view(self, request: HttpRequest, object_id: str) -> TemplateResponse:
        """The pattern report: for the document's owner (or a superuser) only."""
        document = (
            Document.objects.editable_by(request.user).filter(pk=object_id).first()
            if object_id.isascii() and object_id.isdigit()
            else None
        )
        if document is None or not self.has_view_or_change_permission(request, document):
            raise Http404(_("No such document among yours."))
        questions = reverse("admin:quizzes_question_changelist")
        report = item_stats.document_report(document)
        patterns = [
            {
                "pattern": pattern,
                "kind": QuestionKind(pattern.kind).label,
                "share": round(pattern.share_flagged * 100),
                "url": questions
                + "?"
                + urlencode(
                    {
                        "document": document.pk,
                        "kind": pattern.kind,
                        "origin": QuestionOrigin.GENERATED,
                        "answer_type": pattern.answer_type,
                        "needs_attention": "yes",
                    }
                ),
            }
            for pattern in report.patterns
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Item statistics: %(title)s") % {"title": document.title},
            "document": document,
            "patterns": patterns,
            "flagged": report.flagged,
            "flagged_url": questions
            + "?"
            + urlencode({"document": document.pk, "needs_attention": "yes"}),
            **THRESHOLDS,
            "min_flagged": item_stats.PATTERN_MIN_FLAGGED,
            "min_share": round(item_stats.PATTERN_MIN_SHARE * 100),
        }
        return TemplateResponse(request, self.statistics_template, context)
