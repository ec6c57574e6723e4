"""The progress page's bar charts: ``{% chart_bars chart %}`` (the SVG's bars) and
``{% chart_table_rows chart %}`` (the same figures as table rows).

Tags building plain strings, as in :mod:`quizzes.templatetags.mastery`: a chart has a
bar and a row for each of up to 90 days, and the ``date`` filter in a template loop cost
more than the rest of the page. A day's labels never change, so each is formatted once
per language and format (:func:`day_label`). Every value is escaped with
:func:`html.escape` before it joins the markup.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from html import escape

from django import template
from django.utils.dateformat import format as format_date
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from quizzes.progress import BarChart

register = template.Library()

BAR_LABEL = "D j M"
"""A bar's tooltip: "Mon 3 Mar"."""
ROW_LABEL = "D j M Y"
"""A table row's day: "Mon 3 Mar 2025"."""


@lru_cache(maxsize=4096)
def _label(day: date, pattern: str, language: str | None) -> str:
    return format_date(day, pattern)


def day_label(day: date, pattern: str) -> str:
    """``day`` formatted as the ``date`` filter would (``pattern`` in its syntax), in
    the active language."""
    return _label(day, pattern, get_language())


@register.simple_tag
def chart_bars(chart: BarChart) -> SafeString:
    """A ``<rect>`` for each day with a count, its day and count as its tooltip. The
    numbers are written unlocalised: they are SVG coordinates."""
    return mark_safe(  # noqa: S308 (every value escaped)
        "\n".join(
            f'<rect class="chart-bar" x="{bar.x}" y="{bar.y}" width="{bar.width}"'
            f' height="{bar.height}"><title>{escape(day_label(bar.day, BAR_LABEL))}: '
            f"{bar.count}</title></rect>"
            for bar in chart.bars
        )
    )


@register.simple_tag
def chart_table_rows(chart: BarChart) -> SafeString:
    """A ``<tr>`` for each day of the chart: the day (with its ISO date) and its count."""
    return mark_safe(  # noqa: S308 (every value escaped)
        "\n".join(
            f'<tr><th scope="row"><time datetime="{day.day.isoformat()}">'
            f"{escape(day_label(day.day, ROW_LABEL))}</time></th><td>{day.count}</td></tr>"
            for day in chart.days
        )
    )
