"""How a lesson's mastery is drawn: ``{{ mastery|mastery_bar }}`` (a bar and words) and
``{% lesson_rows rows done_label %}`` (the home page's list of lessons).

A filter and a tag rather than included templates, with plain string building rather
than ``format_html``: the home page shows one row per lesson of every document (hundreds
for a busy student), and either of those costs more per row than the rest of the page.
Every value is escaped with :func:`html.escape` before it joins the markup.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from quizzes.overview import LessonRow, Mastery

register = template.Library()

_BAR = (
    '<span class="mastery"><svg class="mastery-bar" viewBox="0 0 100 8"'
    ' preserveAspectRatio="none" aria-hidden="true" focusable="false">'
    '<rect class="mastery-track" width="100" height="8"/>'
    '<rect class="mastery-fill" width="{percent}" height="8"/></svg>'
    '<span class="mastery-text">{label}</span></span>'
)
_NO_CARDS = '<span class="mastery muted">{label}</span>'


def _bar(percent: int | None, label: str) -> str:
    if percent is None:
        return _NO_CARDS.format(label=escape(label))
    return _BAR.format(percent=int(percent), label=escape(label))


@register.filter
def mastery_bar(mastery: Mastery) -> SafeString:
    """The bar is decoration (hidden from screen readers); the words carry the figure."""
    return mark_safe(_bar(mastery.percent, mastery.label))  # noqa: S308 (escaped in _bar)


def _rows(rows: list[LessonRow]) -> Iterator[tuple[LessonRow, str, str]]:
    """Each row with its escaped link and its mastery bar, the labels translated once for
    all the rows."""
    labelled = _("Mastery %(percent)s%%")
    no_cards = _("No cards yet")
    for row in rows:
        percent = row.mastery.percent
        label = no_cards if percent is None else labelled % {"percent": percent}
        link = f'<a href="{escape(row.url)}">{escape(row.lesson.heading)}</a>'
        yield row, link, _bar(percent, label)


@register.simple_tag
def lesson_rows(rows: list[LessonRow], done_label: str) -> SafeString:
    """The ``<li>`` of each lesson: its link, ``done_label`` when its quiz is done, and its
    mastery."""
    done = f' <span class="badge-done">{escape(done_label)}</span>'
    return mark_safe(  # noqa: S308 (every value escaped in _rows and here)
        "\n".join(
            f'<li class="lesson-item">{link}{done if row.finished else ""}{bar}</li>'
            for row, link, bar in _rows(rows)
        )
    )


@register.simple_tag
def lesson_table_rows(rows: list[LessonRow]) -> SafeString:
    """The ``<tr>`` of each lesson in the progress page's mastery table: its link, its
    mastery, and whether its quiz is done. Built here for the reason the module gives:
    the progress page lists every lesson of every document."""
    done, not_yet = escape(_("Done")), escape(_("Not yet"))
    return mark_safe(  # noqa: S308 (every value escaped in _rows and here)
        "\n".join(
            f'<tr><th scope="row">{link}</th><td>{bar}</td>'
            f"<td>{done if row.finished else not_yet}</td></tr>"
            for row, link, bar in _rows(rows)
        )
    )
