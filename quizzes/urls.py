from django.urls import path

from quizzes.views import classes, pages, progress, quiz, reports, study

urlpatterns = [
    path("", pages.home, name="home"),
    path("lessons/<int:lesson_id>/", pages.lesson_detail, name="lesson_detail"),
    # Quizzes: a lesson's quiz, a whole-document test, and the attempts at them.
    path("lessons/<int:lesson_id>/quiz/", quiz.lesson_quiz, name="lesson_quiz"),
    path("documents/<int:document_id>/test/", quiz.document_test, name="document_test"),
    path("attempts/<uuid:attempt_id>/", quiz.attempt_question, name="attempt"),
    path("attempts/<uuid:attempt_id>/finish/", quiz.attempt_finish, name="attempt_finish"),
    path("attempts/<uuid:attempt_id>/result/", quiz.attempt_result, name="attempt_result"),
    # Flashcards: the due queue across the student's documents.
    path("study/", study.study, name="study"),
    path("study/reveal/", study.reveal, name="study_reveal"),
    path("progress/", progress.progress, name="progress"),
    # Classes: a student's, and a teacher's report on one.
    path("classes/", classes.my_classes, name="my_classes"),
    path("classes/<int:class_id>/report/", reports.class_report, name="class_report"),
    path("classes/<int:class_id>/report.csv", reports.class_report_csv, name="class_report_csv"),
]
