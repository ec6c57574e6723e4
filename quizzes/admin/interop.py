"""Questions to and from Anki, Moodle and Quizlet: the export action and the import
page."""

from __future__ import annotations

from django.contrib import admin


class DocumentInteropMixin(admin.ModelAdmin):
    pass


class LessonInteropMixin(admin.ModelAdmin):
    pass
