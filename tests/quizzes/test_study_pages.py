"""Studying flashcards in the browser: the front of each kind of card, the back with its
grade and rating buttons, recording the rating once, refusing bad or expired card tokens,
and the live region the page's messages are announced in."""

import re
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core import signing
from django.urls import reverse

from accounts.models import User
from quizzes import scheduling
from quizzes.models import CardState, Question, QuestionKind, QuestionStatus, ReviewLog
from quizzes.services import ReviewInput, record_reviews
from tests.quizzes.course import build_course, give_history

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    clock = {"now": NOW}
    monkeypatch.setattr("django.utils.timezone.now", lambda: clock["now"])
    return clock


@pytest.fixture
def course(teacher):
    return build_course(teacher)


def card(course, kind, lesson=0):
    return course.questions[course.lessons[lesson].pk][kind]


def make_due(user, question):
    """Put a card at the head of the queue: reviewed an hour ago, so it is due now."""
    record_reviews(
        user=user,
        reviews=[
            ReviewInput(
                id=uuid.uuid4(),
                question_id=question.pk,
                rating=1,
                reviewed_at=NOW - timedelta(hours=1),
            )
        ],
        now=NOW,
    )


def token_in(page):
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def front(client, **headers):
    response = client.get(reverse("study"), **headers)
    assert response.status_code == 200
    return response.content.decode()


def reveal(client, token, **fields):
    return client.post(reverse("study_reveal"), {"token": token, **fields})


def label(delta):
    number, unit = scheduling.describe_interval(delta).split(" ")
    return f"{number}\N{NO-BREAK SPACE}{unit}"


# --- Front ------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client):
    for url in (reverse("study"), reverse("study_reveal")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_the_header_counts_due_and_new_cards(student_client, student, course):
    make_due(student, card(course, QuestionKind.FLASHCARD))

    page = front(student_client)

    assert "1 due · 9 new left today" in page


def test_a_flashcard_front_shows_the_prompt_and_not_the_answer(student_client, student, course):
    flashcard = card(course, QuestionKind.FLASHCARD)
    make_due(student, flashcard)

    page = front(student_client)

    assert "River 1: length" in page
    assert "Show answer" in page
    assert "42 kilometres" not in page
    assert 'name="response"' not in page


@pytest.mark.parametrize("kind", [QuestionKind.CLOZE, QuestionKind.SHORT_ANSWER])
def test_a_typed_card_front_offers_a_labelled_optional_answer_box(
    student_client, student, course, kind
):
    question = card(course, kind)
    make_due(student, question)

    page = front(student_client)

    assert question.prompt in page
    assert '<label for="study-response">Type your answer, or just show it</label>' in page
    assert 'id="study-response" name="response"' in page
    assert question.answer not in page
    assert "Salmon return to the river 1 every autumn" not in page  # the source sentence


def test_a_multiple_choice_front_lists_the_options_in_a_fixed_shuffled_order(
    student_client, student, course
):
    question = card(course, QuestionKind.MULTIPLE_CHOICE)
    make_due(student, question)

    page = front(student_client)

    assert "<fieldset" in page and "<legend>" in page
    options = re.findall(r'<label for="study-choice-\d+">([^<]+)</label>', page)
    assert sorted(options) == ["Alder", "Easthaven", "Kestrel Bay", "Port Wren"]
    assert options == re.findall(
        r'<label for="study-choice-\d+">([^<]+)</label>', front(student_client)
    )
    assert question.explanation not in page
    assert "correct" not in page.lower()


def test_a_true_false_front_offers_true_and_false(student_client, student, course):
    question = card(course, QuestionKind.TRUE_FALSE)
    make_due(student, question)

    page = front(student_client)

    assert question.prompt in page
    assert 'value="true"' in page and 'value="false"' in page
    assert question.explanation not in page


def test_the_front_posts_to_reveal_with_htmx_and_without(student_client, course):
    page = front(student_client)

    assert f'action="{reverse("study_reveal")}"' in page
    assert f'hx-post="{reverse("study_reveal")}"' in page
    assert 'src="/static/js/study.js" defer' in page


def test_htmx_gets_the_card_alone(student_client, course):
    response = student_client.get(reverse("study"), **HX)
    page = response.content.decode()

    assert "<html" not in page
    assert "Show answer" in page
    assert 'id="study-counts" hx-swap-oob="innerHTML"' in page
    assert "HX-Request" in response["Vary"]


def test_with_nothing_to_study_the_page_says_so(student_client, course):
    course.document.lessons.update(archived_at=NOW)

    page = front(student_client)

    assert "All done for today" in page
    assert "There are no cards to study yet." in page
    assert reverse("home") in page


def test_when_the_queue_is_empty_the_page_says_when_the_next_card_is_due(
    student_client, student, course, settings, frozen_now
):
    settings.LECTERN_NEW_CARDS_PER_DAY = 1
    response = reveal(student_client, token_in(front(student_client)), response="autumn")
    student_client.post(
        reverse("study"), {"token": token_in(response.content.decode()), "rating": 3}
    )

    page = front(student_client)

    assert "All done for today" in page
    assert "(in 10\N{NO-BREAK SPACE}min)" in page


# --- Back -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "fields", "verdict"),
    [
        (QuestionKind.CLOZE, {"response": "fall"}, "Correct."),
        (QuestionKind.CLOZE, {"response": "Autumm"}, "Correct."),
        (QuestionKind.CLOZE, {"response": "spring"}, "Not quite."),
        (QuestionKind.SHORT_ANSWER, {"response": "alder"}, "Correct."),
        (QuestionKind.SHORT_ANSWER, {"response": "it was Alder"}, "Not quite."),
        (QuestionKind.TRUE_FALSE, {"choice": "true"}, "Correct."),
        (QuestionKind.TRUE_FALSE, {"choice": "false"}, "Not quite."),
    ],
)
def test_reveal_grades_a_typed_or_chosen_answer(
    student_client, student, course, kind, fields, verdict
):
    question = card(course, kind)
    make_due(student, question)

    page = reveal(student_client, token_in(front(student_client)), **fields).content.decode()

    assert verdict in page
    assert 'id="study-verdict" class="study-verdict" aria-live="polite"' in page
    suggested = "Again" if verdict == "Not quite." else "Good"
    assert f"Suggested rating: {suggested}." in page
    marked = re.search(r'class="study-grade study-grade-(\d) is-suggested"', page).group(1)
    assert marked == ("1" if verdict == "Not quite." else "3")


@pytest.mark.parametrize(
    ("option", "verdict"), [("Port Wren", "Correct."), ("Alder", "Not quite.")]
)
def test_reveal_grades_the_chosen_option(student_client, student, course, option, verdict):
    question = card(course, QuestionKind.MULTIPLE_CHOICE)
    make_due(student, question)
    chosen = question.choices.get(text=option)

    response = reveal(student_client, token_in(front(student_client)), choice=chosen.pk)

    page = response.content.decode()
    assert verdict in page
    assert "<strong>Port Wren</strong>" in page
    assert question.explanation in page


def test_the_back_shows_answer_explanation_and_source_sentence(student_client, course):
    page = reveal(student_client, token_in(front(student_client))).content.decode()

    assert "<strong>autumn</strong>" in page
    assert "They spawn in autumn." in page
    assert "Salmon return to the river 1 every autumn to spawn in its gravel beds." in page
    assert "Correct." not in page and "Not quite." not in page  # nothing was typed
    assert "Suggested rating" not in page


def test_the_rating_buttons_show_the_interval_each_would_give(student_client, student, course):
    flashcard = card(course, QuestionKind.FLASHCARD)
    give_history(student, [flashcard], reviews=4, start=NOW - timedelta(days=30))
    logs = [
        scheduling.Review(id=str(log.pk), rating=log.rating, reviewed_at=log.reviewed_at)
        for log in ReviewLog.objects.filter(question=flashcard)
    ]
    expected = scheduling.next_intervals(logs, card_id=flashcard.pk, now=NOW)

    page = reveal(student_client, token_in(front(student_client))).content.decode()

    for rating, name in [(1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy")]:
        button = re.search(rf'value="{rating}".*?</button>', page, re.S).group(0)
        assert name in button
        assert f'<kbd class="study-key" aria-hidden="true">{rating}</kbd>' in button
        assert f'<span class="study-interval">{label(expected[rating])}</span>' in button
    assert len({label(delta) for delta in expected.values()}) > 1


def test_an_option_from_another_card_is_a_400(student_client, student, course):
    make_due(student, card(course, QuestionKind.MULTIPLE_CHOICE))
    elsewhere = card(course, QuestionKind.MULTIPLE_CHOICE, lesson=1).choices.first()

    response = reveal(student_client, token_in(front(student_client)), choice=elsewhere.pk)

    assert response.status_code == 400
    assert "That option is not one of this card" in response.content.decode()


def test_true_false_accepts_only_true_or_false(student_client, student, course):
    make_due(student, card(course, QuestionKind.TRUE_FALSE))

    response = reveal(student_client, token_in(front(student_client)), choice="maybe")

    assert response.status_code == 400
    assert "Choose True or False." in response.content.decode()


def test_htmx_reveal_returns_the_back_and_announces_the_verdict(student_client, course):
    token = token_in(front(student_client))

    response = student_client.post(
        reverse("study_reveal"), {"token": token, "response": "autumn"}, **HX
    )

    page = response.content.decode()
    assert "<html" not in page
    assert '<div id="study-verdict" hx-swap-oob="innerHTML">' in page
    assert "Correct." in page
    assert f'hx-post="{reverse("study")}"' in page
    assert "HX-Request" in response["Vary"]


def test_reveal_also_works_as_a_link(student_client, course):
    token = token_in(front(student_client))

    response = student_client.get(reverse("study_reveal"), {"token": token})

    assert response.status_code == 200
    assert "<strong>autumn</strong>" in response.content.decode()


# --- Rating -----------------------------------------------------------------------------


def rate(client, token, rating, **headers):
    return client.post(reverse("study"), {"token": token, "rating": rating}, **headers)


def test_rating_a_card_stores_one_review_and_updates_its_state(
    student_client, student, course, frozen_now
):
    cloze = card(course, QuestionKind.CLOZE)
    token = token_in(front(student_client))
    frozen_now["now"] = NOW + timedelta(seconds=8)
    back = reveal(student_client, token, response="autumn").content.decode()

    response = rate(student_client, token_in(back), 3)

    assert response.status_code == 302
    assert response.url == reverse("study")
    log = ReviewLog.objects.get(user=student)
    assert (log.question, log.rating, log.device) == (cloze, 3, "web")
    assert log.reviewed_at == NOW + timedelta(seconds=8)
    assert log.duration_ms == 8000
    state = CardState.objects.get(user=student, question=cloze)
    assert state.reps == 1
    assert state.due == NOW + timedelta(seconds=8, minutes=10)
    assert "River 1" in front(student_client)  # the next card


def test_the_recorded_time_is_capped_at_ten_minutes(student_client, student, course, frozen_now):
    token = token_in(front(student_client))
    frozen_now["now"] = NOW + timedelta(hours=2)

    rate(student_client, token, 4)

    assert ReviewLog.objects.get(user=student).duration_ms == 600_000


def test_a_double_submit_stores_the_review_once(student_client, student, course):
    token = token_in(front(student_client))

    rate(student_client, token, 3)
    second = rate(student_client, token, 1)

    assert second.status_code == 302
    assert ReviewLog.objects.filter(user=student).count() == 1
    assert ReviewLog.objects.get(user=student).rating == 3


def test_htmx_rating_returns_the_next_card(student_client, student, course):
    token = token_in(front(student_client))

    response = rate(student_client, token, 4, **HX)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert card(course, QuestionKind.MULTIPLE_CHOICE).prompt in page
    assert ReviewLog.objects.filter(user=student).count() == 1


def test_a_card_withdrawn_meanwhile_is_not_stored_and_the_student_is_told(
    student_client, student, course
):
    token = token_in(front(student_client))
    Question.objects.filter(pk=card(course, QuestionKind.CLOZE).pk).update(
        status=QuestionStatus.RETIRED
    )

    response = rate(student_client, token, 3)

    assert response.status_code == 302
    assert not ReviewLog.objects.exists()
    assert "no longer available to study" in front(student_client)


def test_a_rating_outside_1_to_4_is_a_400(student_client, student, course):
    token = token_in(front(student_client))

    response = rate(student_client, token, 7)

    assert response.status_code == 400
    assert "Again, Hard, Good or Easy" in response.content.decode()
    assert not ReviewLog.objects.exists()


# --- Bad tokens -------------------------------------------------------------------------


def tampered(token):
    payload, _, rest = token.partition(":")
    return ("x" if payload[0] != "x" else "y") + payload[1:] + ":" + rest


@pytest.mark.parametrize("make", [tampered, lambda token: "", lambda token: "nonsense"])
def test_a_changed_token_is_a_400_on_reveal_and_on_rating(student_client, course, make):
    token = make(token_in(front(student_client)))

    for response in (reveal(student_client, token), rate(student_client, token, 3)):
        assert response.status_code == 400
        assert "This card could not be read" in response.content.decode()
    assert not ReviewLog.objects.exists()


def test_another_students_token_is_a_400(student_client, client, course):
    token = token_in(front(student_client))
    other = User.objects.create_user(username="kim", password="x")
    client.force_login(other)

    for response in (reveal(client, token), rate(client, token, 3)):
        assert response.status_code == 400
        assert "another account" in response.content.decode()
    assert not ReviewLog.objects.exists()


def test_a_bad_token_with_htmx_returns_the_error_alone(student_client, course):
    response = student_client.post(reverse("study_reveal"), {"token": "nonsense"}, **HX)

    page = response.content.decode()
    assert response.status_code == 400
    assert "<html" not in page
    assert 'role="alert"' in page


def dealt_ago(client, monkeypatch, delta):
    """The token of the card dealt now, signed as if ``delta`` ago (the signature's own
    clock is the one a token's age is read from)."""
    with monkeypatch.context() as patch:
        then = int(time.time() - delta.total_seconds())
        patch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(then))
        return token_in(front(client))


def test_a_card_left_open_over_a_day_is_a_400_with_a_link_to_the_next_card(
    student_client, course, monkeypatch
):
    token = dealt_ago(student_client, monkeypatch, timedelta(days=1, minutes=1))

    for response in (reveal(student_client, token), rate(student_client, token, 3)):
        page = response.content.decode()
        assert response.status_code == 400
        assert "This card was open too long (more than a day)" in page
        assert f'<a href="{reverse("study")}">Show the next card</a>' in page
        assert "autumn" not in page
    assert not ReviewLog.objects.exists()


def test_a_card_open_for_most_of_a_day_can_still_be_rated(
    student, student_client, course, monkeypatch
):
    token = dealt_ago(student_client, monkeypatch, timedelta(hours=23))

    assert reveal(student_client, token).status_code == 200
    assert rate(student_client, token, 3).status_code == 302
    assert ReviewLog.objects.filter(user=student).count() == 1


# --- Messages ---------------------------------------------------------------------------


def test_the_page_has_a_live_region_for_messages_outside_the_card(student_client, course):
    page = front(student_client)

    region = '<div id="study-messages" class="study-messages" role="status"></div>'
    assert region in page
    assert page.index(region) < page.index('<div id="study" class="study">')


def test_htmx_fills_the_live_region_with_the_messages_out_of_band(student_client, student, course):
    token = token_in(front(student_client))
    Question.objects.filter(pk=card(course, QuestionKind.CLOZE).pk).update(
        status=QuestionStatus.RETIRED
    )

    page = rate(student_client, token, 3, **HX).content.decode()

    region = re.search(r'<div id="study-messages" hx-swap-oob="innerHTML">(.*?)</div>', page)
    assert region, page
    assert region.group(1).startswith('<ul class="messages"><li class="message error">')
    assert "no longer available to study" in region.group(1)
    assert "role=" not in region.group(1)  # the page's wrapper keeps the role
    assert page.count("no longer available to study") == 1


def test_htmx_clears_the_live_region_when_there_is_nothing_to_say(student_client, course):
    token = token_in(front(student_client))

    bad_token = student_client.post(reverse("study_reveal"), {"token": "x"}, **HX)

    for response in (rate(student_client, token, 3, **HX), bad_token):
        assert (
            '<div id="study-messages" hx-swap-oob="innerHTML"></div>' in response.content.decode()
        )


def test_without_htmx_a_message_is_shown_once_on_the_next_page(student_client, course):
    token = token_in(front(student_client))
    Question.objects.filter(pk=card(course, QuestionKind.CLOZE).pk).update(
        status=QuestionStatus.RETIRED
    )

    response = rate(student_client, token, 3)
    page = front(student_client)

    assert response.status_code == 302
    assert page.count("no longer available to study") == 1
