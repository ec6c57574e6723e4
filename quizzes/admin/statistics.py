"""Item statistics in the question list, and the questions that need attention."""

from __future__ import annotations

from django.contrib import admin

STAT_COLUMNS: list[str] = []
STAT_FILTERS: list[type[admin.ListFilter]] = []


class QuestionStatisticsMixin(admin.ModelAdmin):
    pass


class DocumentStatisticsMixin(admin.ModelAdmin):
    pass
