"""API v1 content, sync and attempts."""

from django.urls import path

from quizzes.api import attempts, content, sync

urlpatterns = [
    path("documents/", content.DocumentListView.as_view(), name="api-documents"),
    path("documents/<int:pk>/", content.DocumentDetailView.as_view(), name="api-document"),
    path(
        "lessons/<int:pk>/questions/",
        content.LessonQuestionsView.as_view(),
        name="api-lesson-questions",
    ),
    path("lessons/<int:pk>/quiz/", content.LessonQuizView.as_view(), name="api-lesson-quiz"),
    path("attempts/", attempts.AttemptListView.as_view(), name="api-attempts"),
    path("attempts/<str:id>/", attempts.AttemptDetailView.as_view(), name="api-attempt"),
    path("sync/changes/", sync.SyncChangesView.as_view(), name="api-sync-changes"),
    path("sync/reviews/", sync.SyncReviewsView.as_view(), name="api-sync-reviews"),
]
