"""Content as the mobile app reads it: documents, lessons, practice and quiz questions.

Every serializer names its fields: a new model field never reaches a client unless it is
added here on purpose. The quiz serializers carry nothing that reveals an answer.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from quizzes.models import Choice, Document, Lesson, Question


class DocumentSummarySerializer(serializers.ModelSerializer):
    lesson_count = serializers.IntegerField(
        read_only=True, help_text=_("Active (not archived) lessons.")
    )

    class Meta:
        model = Document
        fields = ["id", "title", "lesson_count", "updated_at"]


class LessonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lesson
        fields = ["id", "position", "heading", "body", "updated_at"]


class DocumentDetailSerializer(serializers.ModelSerializer):
    lessons = LessonSerializer(
        source="active_lessons",
        many=True,
        read_only=True,
        help_text=_("Active lessons, in order."),
    )

    class Meta:
        model = Document
        fields = ["id", "title", "updated_at", "lessons"]


class PracticeChoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Choice
        fields = ["id", "text", "is_correct"]


class PracticeQuestionSerializer(serializers.ModelSerializer):
    """A question with its answer: practice content is studied offline."""

    choices = PracticeChoiceSerializer(many=True, read_only=True)
    alternatives = serializers.ListField(
        source="accepted_answers",
        child=serializers.CharField(),
        read_only=True,
        help_text=_("Other answers graded as correct."),
    )

    class Meta:
        model = Question
        fields = [
            "id",
            "kind",
            "prompt",
            "choices",
            "answer",
            "alternatives",
            "explanation",
            "source_sentence",
            "updated_at",
        ]


class QuizChoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Choice
        fields = ["id", "text"]


class QuizQuestionSerializer(serializers.ModelSerializer):
    """A graded quiz's question: the prompt and the options, never the answer."""

    choices = serializers.SerializerMethodField(
        help_text=_("Options sorted by text, so their order says nothing about the answer.")
    )

    class Meta:
        model = Question
        fields = ["id", "kind", "prompt", "choices"]

    @extend_schema_field(QuizChoiceSerializer(many=True))
    def get_choices(self, question: Question) -> list[dict[str, object]]:
        # Sorted in Python so every database gives the same order (collations differ).
        options = sorted(question.choices.all(), key=lambda c: (c.text.casefold(), c.pk))
        return QuizChoiceSerializer(options, many=True).data
