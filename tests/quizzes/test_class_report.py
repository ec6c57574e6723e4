"""A teacher's class report: per student (lessons completed, quiz average, cards due, last
active), per lesson (average mastery, students who completed it) and the leeches; for
the class's teacher only, and about the class's students and documents only."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from quizzes import overview, reports
from quizzes.models import (
    CardState,
    Classroom,
    Feedback,
    Lesson,
    Membership,
    QuestionKind,
    QuestionStatus,
    QuizAttempt,
)
from tests.quizzes.course import build_course, give_history

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


# Data helpers (the CSV and query-count tests use them too) -----------------------------


def make_class(teacher, *documents, students=(), name="Year 9 history"):
    classroom = Classroom.objects.create(teacher=teacher, name=name)
    classroom.documents.set(documents)
    Membership.objects.bulk_create(
        Membership(classroom=classroom, student=student) for student in students
    )
    return classroom


def quiz(student, lesson=None, *, document=None, score=3, max_score=4, finished=NOW, started=None):
    """A lesson quiz (or, without ``lesson``, a document test); ``finished=None`` leaves it
    running."""
    document = document or lesson.document
    started = started or (finished or NOW) - timedelta(minutes=10)
    return QuizAttempt.objects.create(
        user=student,
        document=document,
        lesson=lesson,
        quiz_key=f"lesson:{lesson.pk}" if lesson else f"document:{document.pk}",
        feedback=Feedback.IMMEDIATE,
        seed=1,
        started_at=started,
        submitted_at=finished,
        score=score,
        max_score=max_score,
    )


def card(student, question, *, due=NOW + timedelta(days=3), reviewed=NOW, lapses=0):
    """A card reviewed at ``reviewed`` (today: recalled with probability 1 now)."""
    return CardState.objects.create(
        user=student,
        question=question,
        state="review",
        stability=10.0,
        difficulty=5.0,
        due=due,
        last_review=reviewed,
        reps=3 + lapses,
        lapses=lapses,
    )


def report(client, classroom, **params):
    response = client.get(reverse("class_report", args=[classroom.pk]), params)
    assert response.status_code == 200, response.content.decode()[:500]
    return response


def rows_by_username(response):
    return {row.username: row for row in response.context["students"]}


@pytest.fixture
def course(teacher):
    return build_course(teacher, lessons=2, open_to_all=False)


@pytest.fixture
def kim(db):
    return User.objects.create_user(
        username="kim", first_name="Kim", last_name="Nakamura", password="x"
    )


@pytest.fixture
def classroom(teacher, course, student, kim):
    return make_class(teacher, course.document, students=[student, kim])


# Who may see it ------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["class_report", "class_report_csv"])
def test_only_the_classs_teacher_and_a_superuser_see_the_report(
    url_name, client, classroom, teacher, other_teacher, student, superuser
):
    url = reverse(url_name, args=[classroom.pk])

    client.force_login(other_teacher)
    assert client.get(url).status_code == 404

    client.force_login(student)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))

    client.logout()
    assert client.get(url)["Location"].startswith(reverse("admin:login"))

    for user in (teacher, superuser):
        client.force_login(user)
        assert client.get(url).status_code == 200


def test_a_class_that_does_not_exist_is_not_found(teacher_client):
    assert teacher_client.get(reverse("class_report", args=[999999])).status_code == 404


# Students ------------------------------------------------------------------------------


def test_every_student_of_the_class_is_listed_by_name_and_no_one_else(
    teacher_client, classroom, course, teacher
):
    outsider = User.objects.create_user(username="olly", password="x")
    quiz(outsider, course.lessons[0])
    make_class(teacher, course.document, students=[outsider], name="Another class")

    response = report(teacher_client, classroom)

    assert [row.username for row in response.context["students"]] == ["kim", "sam"]
    page = response.content.decode()
    assert "Kim Nakamura" in page and "sam" in page
    assert "olly" not in page


def test_a_lesson_is_completed_once_its_quiz_is_finished(
    teacher_client, classroom, course, student, kim
):
    first, second = course.lessons
    quiz(student, first, score=1)
    quiz(student, first, score=4)  # a second go completes nothing more
    quiz(student, second, finished=None)  # still running
    quiz(student, document=course.document)  # a document test is no lesson's quiz
    quiz(kim, first)
    quiz(kim, second)
    archived = Lesson.objects.create(
        document=course.document, position=9, heading="Gone", body="x", content_hash="9" * 64
    )
    quiz(kim, archived)
    archived.archived_at = NOW
    archived.save()

    rows = rows_by_username(report(teacher_client, classroom))

    assert rows["sam"].completed == 1
    assert rows["kim"].completed == 2


def test_the_quiz_average_is_the_mean_share_of_marks_of_finished_quizzes_and_tests(
    teacher_client, classroom, course, student, kim, teacher
):
    quiz(student, course.lessons[0], score=1, max_score=4)  # 25 %
    quiz(student, course.lessons[0], score=4, max_score=4)  # 100 %
    quiz(student, document=course.document, score=3.5, max_score=5)  # 70 %
    quiz(student, course.lessons[1], score=0, max_score=4, finished=None)  # running
    other = build_course(teacher, title="Not in this class", lessons=1)
    quiz(student, other.lessons[0], score=0, max_score=4)

    response = report(teacher_client, classroom)
    rows = rows_by_username(response)

    assert rows["sam"].quiz_average == pytest.approx(65.0)
    assert rows["kim"].quiz_average is None
    page = response.content.decode()
    assert ">65%<" in page


def test_cards_due_count_the_class_documents_published_cards_due_now(
    teacher_client, classroom, course, student, teacher
):
    lesson = course.lessons[0]
    cloze, choice, true_false, short, flashcard = course.questions[lesson.pk].values()
    card(student, cloze, due=NOW - timedelta(days=2))
    card(student, choice, due=NOW)
    card(student, flashcard, due=NOW - timedelta(minutes=1))
    card(student, true_false, due=NOW + timedelta(minutes=1))  # not yet
    card(student, short, due=NOW - timedelta(days=1))
    short.status = QuestionStatus.RETIRED  # no longer studied
    short.save()
    other = build_course(teacher, title="Not in this class", lessons=1)
    card(student, other.published()[0], due=NOW - timedelta(days=1))

    rows = rows_by_username(report(teacher_client, classroom))

    assert rows["sam"].due == 3
    assert rows["kim"].due == 0


def test_last_active_is_the_latest_review_or_quiz_on_the_class_documents(
    teacher_client, classroom, course, student, kim, teacher
):
    give_history(
        student, course.published()[:2], reviews=2, start=NOW - timedelta(days=3, hours=2)
    )
    quiz(student, course.lessons[0], finished=NOW - timedelta(days=5))
    quiz(kim, course.lessons[0], finished=None, started=NOW - timedelta(hours=2))
    quiz(kim, course.lessons[1], finished=NOW - timedelta(days=1))
    other = build_course(teacher, title="Not in this class", lessons=1)
    give_history(kim, other.published()[:1], reviews=1, start=NOW - timedelta(minutes=5))

    response = report(teacher_client, classroom)
    rows = rows_by_username(response)

    assert rows["sam"].last_active == NOW - timedelta(days=3, hours=2, minutes=-1)
    assert rows["kim"].last_active == NOW - timedelta(hours=2)
    assert 'datetime="2026-03-10T10:00:00+00:00"' in response.content.decode()


def test_a_student_who_did_nothing_yet_shows_dashes(teacher_client, classroom):
    response = report(teacher_client, classroom)
    row = rows_by_username(response)["kim"]

    assert (row.completed, row.quiz_average, row.due, row.last_active) == (0, None, 0, None)


# Lessons -------------------------------------------------------------------------------


def test_a_lessons_mastery_is_the_mean_recall_over_the_classs_students_and_its_cards(
    teacher_client, classroom, course, student, kim
):
    first, second = course.lessons
    published = list(course.questions[first.pk].values())  # 5 cards
    card(student, published[0])
    card(student, published[1])
    card(kim, published[0])
    card(kim, published[4])
    # Recalled today with probability 1: 4 of the 10 student-cards -> 40 %.

    response = report(teacher_client, classroom)
    lessons = {row.pk: row for row in response.context["lessons"]}

    assert lessons[first.pk].mastery == pytest.approx(0.4)
    assert lessons[first.pk].cards == 5
    assert lessons[second.pk].mastery == 0.0
    assert ">40%<" in response.content.decode()


def test_a_class_of_one_reads_the_mastery_the_student_sees_at_home(
    teacher_client, teacher, course, student
):
    classroom = make_class(teacher, course.document, students=[student])
    give_history(student, course.published(), reviews=23, start=NOW - timedelta(days=30))

    response = report(teacher_client, classroom)

    at_home = overview.mastery_by_lesson(student, NOW)
    for row in response.context["lessons"]:
        assert row.mastery == pytest.approx(at_home[row.pk].recall)
        assert 0 < row.mastery < 1


def test_mastery_is_the_same_when_the_cards_are_too_many_to_list(
    teacher_client, classroom, course, student, kim, monkeypatch
):
    give_history(student, course.published(), reviews=15, start=NOW - timedelta(days=20))
    give_history(kim, course.published()[:4], reviews=9, start=NOW - timedelta(days=9))
    listed = [row.mastery for row in report(teacher_client, classroom).context["lessons"]]

    monkeypatch.setattr(reports, "LITERAL_CARDS", 3)
    in_a_subquery = [row.mastery for row in report(teacher_client, classroom).context["lessons"]]

    assert in_a_subquery == pytest.approx(listed)
    assert all(0 < mastery < 1 for mastery in listed)


def test_each_lesson_counts_the_students_who_completed_it(
    teacher_client, classroom, course, student, kim
):
    first, second = course.lessons
    quiz(student, first)
    quiz(student, first)
    quiz(kim, first)
    quiz(kim, second, finished=None)

    lessons = {row.pk: row for row in report(teacher_client, classroom).context["lessons"]}

    assert lessons[first.pk].completed_by == 2
    assert lessons[second.pk].completed_by == 0


def test_lessons_come_in_course_order_and_skip_archived_ones(teacher_client, teacher, student):
    later = build_course(teacher, title="B course", lessons=2, open_to_all=False)
    earlier = build_course(teacher, title="A course", lessons=2, open_to_all=False)
    Lesson.objects.filter(pk=earlier.lessons[1].pk).update(archived_at=NOW)
    classroom = make_class(teacher, later.document, earlier.document, students=[student])

    lessons = report(teacher_client, classroom).context["lessons"]

    assert [row.pk for row in lessons] == [
        earlier.lessons[0].pk,
        later.lessons[0].pk,
        later.lessons[1].pk,
    ]


# Leeches -------------------------------------------------------------------------------


def test_leeches_are_cards_forgotten_8_times_or_more_linked_to_their_question(
    teacher_client, classroom, course, student, kim, teacher
):
    lesson = course.lessons[1]
    questions = course.questions[lesson.pk]
    card(student, questions[QuestionKind.CLOZE], lapses=8)
    card(kim, questions[QuestionKind.SHORT_ANSWER], lapses=12)
    card(kim, questions[QuestionKind.CLOZE], lapses=7)
    outsider = User.objects.create_user(username="olly", password="x")
    card(outsider, questions[QuestionKind.TRUE_FALSE], lapses=20)
    other = build_course(teacher, title="Not in this class", lessons=1)
    card(student, other.published()[0], lapses=9)

    response = report(teacher_client, classroom)

    leeches = [leech for leech, _url in response.context["leeches"]]
    assert [(leech.username, leech.question_id, leech.lapses) for leech in leeches] == [
        ("kim", questions[QuestionKind.SHORT_ANSWER].pk, 12),
        ("sam", questions[QuestionKind.CLOZE].pk, 8),
    ]
    page = response.content.decode()
    change_url = reverse("admin:quizzes_question_change", args=[questions[QuestionKind.CLOZE].pk])
    assert f'href="{change_url}"' in page
    assert questions[QuestionKind.CLOZE].prompt in page
    assert lesson.heading in page


def test_the_page_lists_the_50_worst_leeches_and_the_csv_all_of_them(
    teacher_client, teacher, course
):
    people = User.objects.bulk_create(User(username=f"pupil{n}") for n in range(6))
    classroom = make_class(teacher, course.document, students=people, name="Leechy")
    CardState.objects.bulk_create(
        CardState(user=person, question=question, state="review", due=NOW, lapses=8 + n % 3)
        for person in people
        for n, question in enumerate(course.published())
    )  # 60 leeches

    response = report(teacher_client, classroom)

    shown = [leech for leech, _url in response.context["leeches"]]
    assert len(shown) == 50
    assert [leech.lapses for leech in shown[:19]] == [10] * 18 + [9]  # most lapses first
    assert "The 50 with the most lapses, of 60" in response.content.decode()
    csv = teacher_client.get(
        reverse("class_report_csv", args=[classroom.pk]), {"table": "leeches"}
    ).content.decode()
    assert len(csv.splitlines()) == 61


def test_a_class_without_leeches_says_so(teacher_client, classroom):
    assert "No leeches" in report(teacher_client, classroom).content.decode()


# Sorting -------------------------------------------------------------------------------


@pytest.fixture
def three_students(teacher, course, student, kim):
    ann = User.objects.create_user(username="ann", password="x")
    classroom = make_class(teacher, course.document, students=[student, kim, ann], name="Sorted")
    first = course.lessons[0]
    cloze, choice, *_rest = course.questions[first.pk].values()
    for question in (cloze, choice):
        card(student, question, due=NOW - timedelta(days=1))
    card(kim, cloze, due=NOW - timedelta(days=1))
    quiz(student, first, score=1)
    quiz(kim, first, score=4)
    return classroom


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["ann", "kim", "sam"]),
        ("-name", ["sam", "kim", "ann"]),
        ("-due", ["sam", "kim", "ann"]),
        ("due", ["ann", "kim", "sam"]),
        ("average", ["sam", "kim", "ann"]),  # ann has no quiz yet: last either way
        ("-average", ["kim", "sam", "ann"]),
        ("-completed", ["kim", "sam", "ann"]),
        ("active", ["kim", "sam", "ann"]),
    ],
)
def test_the_students_table_sorts_by_any_column(teacher_client, three_students, sort, expected):
    response = report(teacher_client, three_students, sort=sort)

    assert [row.username for row in response.context["students"]] == expected


def test_a_column_heading_links_to_the_other_order_and_keeps_the_other_tables(
    teacher_client, three_students
):
    response = report(teacher_client, three_students, sort="due", lesson_sort="-mastery")

    headings = {column.label: column for column in response.context["student_columns"]}
    assert headings["Cards due"].sorted == "ascending"
    assert headings["Cards due"].url == "?lesson_sort=-mastery&sort=-due"
    assert headings["Quiz average"].url == "?lesson_sort=-mastery&sort=average"
    assert 'aria-sort="ascending"' in response.content.decode()
    lessons = {column.label: column for column in response.context["lesson_columns"]}
    assert lessons["Average mastery"].sorted == "descending"
    assert lessons["Average mastery"].url == "?sort=due&lesson_sort=mastery"


def test_the_lessons_table_sorts_by_mastery_and_back_to_front(
    teacher_client, classroom, course, student
):
    first, second = course.lessons
    card(student, course.questions[second.pk][QuestionKind.CLOZE])

    def order(sort):
        response = report(teacher_client, classroom, lesson_sort=sort)
        return [row.pk for row in response.context["lessons"]]

    assert order("-mastery") == [second.pk, first.pk]
    assert order("mastery") == [first.pk, second.pk]
    assert order("course") == [first.pk, second.pk]
    assert order("-course") == [second.pk, first.pk]


@pytest.mark.parametrize("params", [{"sort": "grade"}, {"lesson_sort": "--mastery"}])
def test_an_unknown_sort_is_refused_with_the_columns_there_are(teacher_client, classroom, params):
    response = teacher_client.get(reverse("class_report", args=[classroom.pk]), params)

    assert response.status_code == 400
    message = response.content.decode()
    assert "Cannot sort by" in message
    assert "mastery" in message if "lesson_sort" in params else "due" in message


# Empty classes -------------------------------------------------------------------------


def test_a_class_without_students_or_documents_says_what_is_missing(teacher_client, teacher):
    classroom = make_class(teacher)

    response = report(teacher_client, classroom)

    page = response.content.decode()
    assert "No student has joined this class yet." in page
    assert "This class has no lessons yet" in page


def test_a_class_without_students_has_no_mastery_to_show(teacher_client, teacher, course):
    classroom = make_class(teacher, course.document)

    lessons = report(teacher_client, classroom).context["lessons"]

    assert [row.mastery for row in lessons] == [None, None]


def test_a_students_typed_name_is_shown_as_text_not_markup(teacher_client, teacher, course):
    mallory = User.objects.create_user(
        username="<b>mallory</b>", first_name="<script>x()</script>", password="x"
    )
    classroom = make_class(teacher, course.document, students=[mallory], name="Escapes")
    page = report(teacher_client, classroom).content.decode()
    assert "<script>x()</script>" not in page
    assert "&lt;script&gt;x()&lt;/script&gt;" in page
    assert '<span class="report-quiet">&lt;b&gt;mallory&lt;/b&gt;</span>' in page
