from django.urls import path

from quizzes.views import pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("lessons/<int:lesson_id>/", pages.lesson_detail, name="lesson_detail"),
]
