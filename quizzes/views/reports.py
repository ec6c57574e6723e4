"""A teacher's class report: per student and per lesson, with the leeches, on a page and
as CSV.

The page wears the admin's look, not the student site's: a teacher reaches it from the
class in the admin and goes back there, it is staff-only like the admin (a student is
sent to the admin's log-in, another teacher's class is not found), and the admin's
layout already reads on a phone.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from quizzes import reports
from quizzes.models import Classroom
from quizzes.reports import LESSON_SORTS, STUDENT_SORTS, ClassScope

STUDENT_COLUMNS = [
    ("name", gettext_lazy("Student")),
    ("completed", gettext_lazy("Lessons completed")),
    ("average", gettext_lazy("Quiz average")),
    ("due", gettext_lazy("Cards due")),
    ("active", gettext_lazy("Last active")),
]
LESSON_COLUMNS = [
    ("course", gettext_lazy("Lesson")),
    ("mastery", gettext_lazy("Average mastery")),
    ("completed", gettext_lazy("Students who completed it")),
]
STUDENT_SORT, LESSON_SORT = "sort", "lesson_sort"
"""The query parameters that sort each table (a plain link per column heading)."""
DEFAULT_SORTS = {STUDENT_SORT: "name", LESSON_SORT: "course"}

_URL_SLOT = 987654321


def _classroom_for(request: HttpRequest, class_id: int) -> Classroom:
    """The class, if the user teaches it; anyone else's is simply not found."""
    return get_object_or_404(Classroom.objects.taught_by(request.user), pk=class_id)


# The page ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    url: str
    """The link that sorts by this column (the other way if it already does)."""
    sorted: str
    """ "ascending", "descending" or "": the heading's aria-sort."""


def _columns(
    request: HttpRequest, param: str, current: str, columns: Sequence[tuple[str, Any]]
) -> list[Column]:
    """One heading per column, each a link that keeps the other table's order."""
    kept = {
        name: request.GET[name] for name in DEFAULT_SORTS if name != param and name in request.GET
    }
    headings = []
    for key, label in columns:
        if current == key:
            target, state = f"-{key}", "ascending"
        elif current == f"-{key}":
            target, state = key, "descending"
        else:
            target, state = key, ""
        headings.append(Column(str(label), "?" + urlencode({**kept, param: target}), state))
    return headings


def _bad_sort(param: str, value: str, choices: Iterable[str]) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(
        _("Cannot sort by “%(value)s” (%(param)s): use one of %(choices)s, or “-” before one.")
        % {"value": value, "param": param, "choices": ", ".join(choices)},
        content_type="text/plain; charset=utf-8",
    )


LEECHES_SHOWN = 50
"""Leeches listed on the page, most lapses first; the CSV has them all."""


def _student_rows(rows: Iterable[reports.StudentFigures]) -> SafeString:
    """The students' table rows as HTML. Built here, not in the template: a class has
    hundreds of rows, and the template engine's lookups cost more than the report's
    figures do. Names are the only text a user typed: each is escaped."""
    zone = timezone.get_current_timezone()
    html = []
    for row in rows:
        quiz = row.quiz_percent
        username = (
            ""
            if row.name == row.username
            else f' <span class="report-quiet">{escape(row.username)}</span>'
        )
        if row.last_active is None:
            active = "–"
        else:
            moment = row.last_active.astimezone(zone)
            active = f'<time datetime="{moment.isoformat()}">{moment:%Y-%m-%d %H:%M}</time>'
        html.append(
            f'<tr><th scope="row">{escape(row.name)}{username}</th>'
            f'<td class="number">{row.completed}</td>'
            f'<td class="number">{"–" if quiz is None else f"{quiz}%"}</td>'
            f'<td class="number">{row.due}</td><td class="number">{active}</td></tr>'
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every typed text is escaped above


@require_safe
@staff_member_required
def class_report(request: HttpRequest, class_id: int) -> HttpResponse:
    classroom = _classroom_for(request, class_id)
    student_sort = request.GET.get(STUDENT_SORT, DEFAULT_SORTS[STUDENT_SORT])
    lesson_sort = request.GET.get(LESSON_SORT, DEFAULT_SORTS[LESSON_SORT])
    if student_sort.removeprefix("-") not in STUDENT_SORTS:
        return _bad_sort(STUDENT_SORT, student_sort, STUDENT_SORTS)
    if lesson_sort.removeprefix("-") not in LESSON_SORTS:
        return _bad_sort(LESSON_SORT, lesson_sort, LESSON_SORTS)

    report = reports.class_report(classroom, timezone.now())
    students = reports.sort_rows(report.students, STUDENT_SORTS, student_sort)
    # One reverse() for every leech: the admin's question page, by id.
    question_url = (
        reverse("admin:quizzes_question_change", args=[_URL_SLOT])
        .replace(str(_URL_SLOT), "{}")
        .format
    )
    context = {
        **admin.site.each_context(request),
        "title": _("Report: %(name)s") % {"name": classroom.name},
        "report": report,
        "classroom": classroom,
        "students": students,
        "student_rows": _student_rows(students),
        "student_columns": _columns(request, STUDENT_SORT, student_sort, STUDENT_COLUMNS),
        "lessons": reports.sort_rows(report.lessons, LESSON_SORTS, lesson_sort),
        "lesson_columns": _columns(request, LESSON_SORT, lesson_sort, LESSON_COLUMNS),
        "leeches": [
            (leech, question_url(leech.question_id)) for leech in report.leeches[:LEECHES_SHOWN]
        ],
        "leech_count": len(report.leeches),
        "leech_lapses": reports.LEECH_LAPSES,
        "csv_url": reverse("class_report_csv", args=[classroom.pk]),
    }
    return render(request, "quizzes/class_report.html", context)


# CSV -----------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is read as a formula by spreadsheets."""


def spreadsheet_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula, with a quote in front so it shows as
    typed (a student may call themselves "=HYPERLINK(...)"). Numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _moment(value: datetime | None) -> str:
    """A local date and time a spreadsheet reads as one ("" when there is none)."""
    return "" if value is None else timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _number(value: float | None) -> float | str:
    return "" if value is None else round(value, 1)


def _students_table(scope: ClassScope, now: datetime) -> list[list[object]]:
    header = [
        _("Username"),
        _("Name"),
        _("Email"),
        _("Lessons completed"),
        _("Quiz average (%)"),
        _("Cards due"),
        _("Last active"),
    ]
    return [header] + [
        [
            row.username,
            row.name,
            row.email,
            row.completed,
            _number(row.quiz_average),
            row.due,
            _moment(row.last_active),
        ]
        for row in reports.student_figures(scope, now)
    ]


def _lessons_table(scope: ClassScope, now: datetime) -> list[list[object]]:
    students = scope.student_ids().count()
    header = [
        _("Document"),
        _("Position"),
        _("Lesson"),
        _("Cards"),
        _("Average mastery (%)"),
        _("Students who completed it"),
        _("Students in the class"),
    ]
    return [header] + [
        [
            row.document_title,
            row.position,
            row.heading,
            row.cards,
            _number(None if row.mastery is None else row.mastery * 100),
            row.completed_by,
            students,
        ]
        for row in reports.lesson_figures(scope, now, students=students)
    ]


def _leeches_table(scope: ClassScope, now: datetime) -> list[list[object]]:
    header = [_("Username"), _("Name"), _("Question"), _("Lapses"), _("Document"), _("Lesson")]
    return [header] + [
        [
            leech.username,
            leech.student,
            leech.prompt,
            leech.lapses,
            leech.document_title,
            leech.lesson,
        ]
        for leech in reports.leeches(scope)
    ]


CSV_TABLES = {
    "students": _students_table,
    "lessons": _lessons_table,
    "leeches": _leeches_table,
}


@require_safe
@staff_member_required
def class_report_csv(request: HttpRequest, class_id: int) -> HttpResponse:
    """One table per file (``?table=students``, the default, ``lessons`` or
    ``leeches``), so that a spreadsheet opens each with its one header row. UTF-8 with a
    byte order mark: Excel reads names with accents right only so."""
    classroom = _classroom_for(request, class_id)
    table = request.GET.get("table", "students")
    if table not in CSV_TABLES:
        return HttpResponseBadRequest(
            _("There is no “%(table)s” table: ask for one of %(choices)s.")
            % {"table": table, "choices": ", ".join(CSV_TABLES)},
            content_type="text/plain; charset=utf-8",
        )
    rows = CSV_TABLES[table](reports.class_scope(classroom), timezone.now())
    name = slugify(classroom.name) or f"class-{classroom.pk}"
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}-{table}.csv"'},
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return response
