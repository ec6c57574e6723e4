"""Read-only content for students: documents, their lessons, practice and quiz questions.

Every object is reached through a scoped QuerySet method (``visible_to``, ``studyable_by``),
so a document or lesson the caller may not study answers 404 like one that does not exist.
Each endpoint runs a fixed number of queries whatever the amount of content.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import generics

from quizzes.api.errors import error_responses
from quizzes.api.pagination import PageNumberPagination
from quizzes.api.serializers import (
    DocumentDetailSerializer,
    DocumentSummarySerializer,
    PracticeQuestionSerializer,
    QuizQuestionSerializer,
)
from quizzes.models import Choice, Document, DocumentQuerySet, Lesson, Question, QuestionQuerySet

ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema(
    summary="Documents this user may study",
    responses={200: DocumentSummarySerializer(many=True), **error_responses(400, 401, 404)},
)
class DocumentListView(generics.ListAPIView):
    serializer_class = DocumentSummarySerializer
    pagination_class = PageNumberPagination

    def get_queryset(self) -> DocumentQuerySet:
        return (
            Document.objects.visible_to(self.request.user)
            .annotate(lesson_count=Count("lessons", filter=Q(lessons__archived_at__isnull=True)))
            .order_by("title", "id")  # an aggregate drops Meta.ordering; pages need one
        )


@extend_schema(
    summary="A document with its active lessons",
    parameters=[ID_PARAMETER],
    responses={200: DocumentDetailSerializer, **error_responses(400, 401, 404)},
)
class DocumentDetailView(generics.RetrieveAPIView):
    serializer_class = DocumentDetailSerializer

    def get_queryset(self) -> DocumentQuerySet:
        return Document.objects.visible_to(self.request.user).prefetch_related(
            Prefetch("lessons", queryset=Lesson.objects.active(), to_attr="active_lessons")
        )


class _LessonQuestionsView(generics.ListAPIView):
    """The published questions of one lesson the caller may study, unpaginated (a lesson
    holds a handful)."""

    pagination_class = None

    def lesson_questions(self) -> QuestionQuerySet:
        user = self.request.user
        lesson = get_object_or_404(Lesson.objects.visible_to(user), pk=self.kwargs["pk"])
        return (
            Question.objects.studyable_by(user)
            .filter(lesson=lesson)
            .prefetch_related(
                Prefetch("choices", queryset=Choice.objects.order_by("position", "id"))
            )
        )


@extend_schema(
    summary="A lesson's published questions for practice, answers included",
    parameters=[ID_PARAMETER],
    responses={200: PracticeQuestionSerializer(many=True), **error_responses(400, 401, 404)},
)
class LessonQuestionsView(_LessonQuestionsView):
    serializer_class = PracticeQuestionSerializer

    def get_queryset(self) -> QuestionQuerySet:
        return self.lesson_questions()


@extend_schema(
    summary="A lesson's graded quiz: its questions without answers",
    description="Grade answers by posting an attempt; nothing here reveals the right one.",
    parameters=[ID_PARAMETER],
    responses={200: QuizQuestionSerializer(many=True), **error_responses(400, 401, 404)},
)
class LessonQuizView(_LessonQuestionsView):
    serializer_class = QuizQuestionSerializer

    def get_queryset(self) -> QuestionQuerySet:
        return self.lesson_questions().for_quizzes()
