"""The therapist's workspace through the real client: who may see it, the queue, the detail page."""

from __future__ import annotations

import logging
import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from screening import services
from screening.models import AccessLog, Decision, Submission
from tests.support.answers import make_answers
from tests.support.factories import SubmissionFactory
from tests.support.review import decide, detail_url

pytestmark = pytest.mark.django_db

QUEUE = reverse("screening:review-queue")
EXPORT = reverse("screening:review-export")
LOGIN = reverse("login")


def decide_url(submission: Submission) -> str:
    return reverse("screening:review-decide", args=[submission.code])


def queue_rows(response: Any) -> list[Submission]:
    return list(response.context["page"].object_list)


def set_filter(client: Client, **data: str) -> Any:
    return client.post(QUEUE, data)


def review_requests(submission: Submission) -> list[tuple[str, str, dict[str, str]]]:
    """Every review URL, with a request that would succeed for a therapist."""
    return [
        ("get", QUEUE, {}),
        ("post", QUEUE, {"status": "all"}),
        ("get", detail_url(submission), {}),
        ("post", decide_url(submission), {"choice": "call_patient", "note": "", "seen_decision": ""}),
        ("get", EXPORT, {}),
    ]


def content_of(response: Any) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_review_pages_send_anonymous_visitors_to_the_login_page(client: Client, rosa: Submission) -> None:
    for method, url, data in review_requests(rosa):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{LOGIN}?next=")
        assert "Reyes" not in content_of(response)
    assert not Decision.objects.exists()
    assert not AccessLog.objects.exists()


def test_review_pages_refuse_a_logged_in_user_without_the_permission(
    other_user_client: Client, rosa: Submission
) -> None:
    for method, url, data in review_requests(rosa):
        response = getattr(other_user_client, method)(url, data)
        assert response.status_code == 403, url
        html = content_of(response)
        assert "Reyes" not in html and rosa.reference not in html
    assert not Decision.objects.exists()
    assert not AccessLog.objects.exclude(action=AccessLog.Action.LOGIN).exists()  # the fixture's log-in


def test_review_pages_open_for_a_therapist(therapist_client: Client, rosa: Submission) -> None:
    # Pages answer 200; the filter form and the decide form redirect after their POST.
    expected = [200, 302, 200, 302, 200]
    statuses = []
    for method, url, data in review_requests(rosa):
        response = getattr(therapist_client, method)(url, data)
        statuses.append(response.status_code)
        assert "no-store" in response.get("Cache-Control", ""), url
    assert statuses == expected


def test_unknown_code_is_a_404_and_logs_nothing(therapist_client: Client) -> None:
    response = therapist_client.get(reverse("screening:review-detail", args=[uuid.uuid4()]))
    assert response.status_code == 404
    assert not AccessLog.objects.exclude(action=AccessLog.Action.LOGIN).exists()  # the fixture's log-in


def test_demo_therapist_logs_in_and_lands_on_the_queue(client: Client) -> None:
    call_command("seed_demo", submissions=3, stdout=None)
    response = client.post(LOGIN, {"username": "demo", "password": "demo-therapist-2026"}, follow=True)
    assert response.redirect_chain == [(QUEUE, 302)]
    assert len(queue_rows(response)) == 3


def test_logout_is_a_post(therapist_client: Client) -> None:
    assert therapist_client.get(reverse("logout")).status_code == 405
    assert therapist_client.post(reverse("logout")).status_code == 302
    assert therapist_client.get(QUEUE).status_code == 302


def test_queue_shows_undecided_waiting_longest_first_by_default(
    therapist_client: Client, therapist: User
) -> None:
    now = timezone.now()
    old = SubmissionFactory(created_at=now - timedelta(days=2))
    new = SubmissionFactory(created_at=now - timedelta(hours=1))
    decided = SubmissionFactory(created_at=now - timedelta(days=3))
    decide(decided, therapist, "call_patient")
    assert queue_rows(therapist_client.get(QUEUE)) == [old, new]


def test_queue_row_shows_outcome_reasons_name_age_condition_area_and_time(
    therapist_client: Client, rosa: Submission
) -> None:
    html = therapist_client.get(QUEUE).content.decode()
    row = re.search(r"<tr>\s*<th scope=\"row\">.*?</tr>", html, re.S).group(0)
    assert "Reyes, Rosa" in row
    assert f">{rosa.age}<" in row
    assert "Tendonitis<" in row
    assert "Elbow" in row
    assert "Likely not suitable" in row
    # In words: each reason's headline (clinical/reasons.py), not its code.
    assert "Pacemaker or other implanted electrical device<" in row
    assert "Sore spot may be too deep for the medicine to reach<" in row
    assert "(555) 010-1234" in row and "English" in row
    assert rosa.created_at.strftime("%Y-%m-%d") in row
    assert "Undecided" in row


def test_queue_row_shows_the_latest_decision(
    therapist_client: Client, therapist: User, rosa: Submission
) -> None:
    decide(rosa, therapist, "not_suitable")
    set_filter(therapist_client, status="decided")
    html = therapist_client.get(QUEUE).content.decode()
    assert "Not suitable" in html
    assert "thea" in html


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"outcome": "not_suitable"}, {"implant"}),
        ({"outcome": "needs_review"}, {"unsure", "old"}),
        ({"outcome": "likely_suitable", "status": "all"}, {"clear", "decided"}),
        ({"status": "decided"}, {"decided"}),
        ({"status": "all"}, {"clear", "implant", "unsure", "decided", "old"}),
        ({"status": "all", "submitted_to": "{ten_days_ago}"}, {"old"}),
        (
            {"status": "all", "submitted_from": "{today}", "submitted_to": "{today}"},
            {"clear", "implant", "unsure", "decided"},
        ),
    ],
)
def test_queue_filters_by_outcome_status_and_date(
    therapist_client: Client, therapist: User, data: dict[str, str], expected: set[str]
) -> None:
    now = timezone.now()
    made = {
        "clear": SubmissionFactory(last_name="clear"),
        "implant": SubmissionFactory(
            last_name="implant", answers=make_answers(has_implanted_electronic_device="yes")
        ),
        "unsure": SubmissionFactory(last_name="unsure", answers=make_answers(depth="unsure")),
        "decided": SubmissionFactory(last_name="decided"),
        "old": SubmissionFactory(
            last_name="old", created_at=now - timedelta(days=12), answers=make_answers(depth="unsure")
        ),
    }
    decide(made["decided"], therapist, "suitable")
    today = timezone.localdate()
    values = {"today": today.isoformat(), "ten_days_ago": (today - timedelta(days=10)).isoformat()}
    assert set_filter(therapist_client, **{k: v.format(**values) for k, v in data.items()}).status_code == 302
    rows = queue_rows(therapist_client.get(QUEUE))
    assert {s.last_name for s in rows} == expected


@pytest.mark.parametrize(
    "search",
    ["reyes", "ROSA", "Rosa Reyes", "os", "{reference}", "{reference_typed}"],
)
def test_queue_searches_by_name_or_reference(therapist_client: Client, rosa: Submission, search: str) -> None:
    SubmissionFactory(first_name="Ana", last_name="Smith")
    typed = rosa.reference.lower().replace("-", "")
    term = search.format(reference=rosa.reference, reference_typed=typed)
    response = set_filter(therapist_client, search=term, status="all")
    assert response["Location"] == QUEUE  # the searched name stays out of the URL
    assert queue_rows(therapist_client.get(QUEUE)) == [rosa]


def test_queue_search_finds_a_name_that_could_be_a_reference(therapist_client: Client) -> None:
    schwartz = SubmissionFactory(first_name="Ana", last_name="Schwartz")
    set_filter(therapist_client, search="schwartz")
    assert queue_rows(therapist_client.get(QUEUE)) == [schwartz]


def test_a_name_that_is_also_a_stored_reference_finds_both(therapist_client: Client) -> None:
    schwartz = SubmissionFactory(first_name="Ana", last_name="Schwartz")
    other = SubmissionFactory(first_name="Ben", last_name="Evans")
    Submission.objects.filter(pk=other.pk).update(reference="SCHW-ARTZ")
    set_filter(therapist_client, search="Schwartz", status="all")
    assert set(queue_rows(therapist_client.get(QUEUE))) == {schwartz, other}


def test_queue_search_needs_every_word_to_match(therapist_client: Client, rosa: Submission) -> None:
    set_filter(therapist_client, search="Rosa Smith")
    assert queue_rows(therapist_client.get(QUEUE)) == []


def test_queue_counts_each_outcome_for_the_other_filters(therapist_client: Client, therapist: User) -> None:
    SubmissionFactory.create_batch(2)
    SubmissionFactory(answers=make_answers(depth="unsure"))
    decided = SubmissionFactory(answers=make_answers(has_implanted_electronic_device="yes"))
    decide(decided, therapist, "not_suitable")
    set_filter(therapist_client, outcome="needs_review")
    response = therapist_client.get(QUEUE)
    assert response.context["tallies"] == [
        ("likely_suitable", "Likely suitable", 2),
        ("needs_review", "Needs review", 1),
        ("not_suitable", "Likely not suitable", 0),
    ]
    assert response.context["page"].paginator.count == 1
    assert len(queue_rows(response)) == 1


def test_queue_pages_hold_25_rows(therapist_client: Client) -> None:
    SubmissionFactory.create_batch(30)
    first = therapist_client.get(QUEUE)
    second = therapist_client.get(QUEUE, {"page": 2})
    assert len(queue_rows(first)) == 25
    assert len(queue_rows(second)) == 5
    assert not set(queue_rows(first)) & set(queue_rows(second))
    assert first.context["page"].paginator.count == 30


def test_queue_filter_with_a_backwards_date_range_is_explained(therapist_client: Client) -> None:
    response = set_filter(therapist_client, submitted_from="2026-02-01", submitted_to="2026-01-01")
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["submitted_to"]] == ["date_range"]


def test_clearing_the_filter_goes_back_to_undecided(therapist_client: Client, rosa: Submission) -> None:
    set_filter(therapist_client, search="nobody")
    assert queue_rows(therapist_client.get(QUEUE)) == []
    therapist_client.post(QUEUE, {"reset": "1"})
    assert queue_rows(therapist_client.get(QUEUE)) == [rosa]


def make_decided_submissions(n: int, therapist: User) -> None:
    for submission in SubmissionFactory.create_batch(n):
        decide(submission, therapist, "call_patient")


@pytest.mark.parametrize("status", ["undecided", "all"])
def test_queue_query_count_does_not_grow_with_rows(
    therapist_client: Client, therapist: User, django_assert_max_num_queries: Any, status: str
) -> None:
    set_filter(therapist_client, status=status)
    SubmissionFactory.create_batch(2)
    make_decided_submissions(2, therapist)
    # Session, user, the two permission lookups, the outcome counts (from the tallies), the page's
    # ids, its rows and their possible duplicates: eight, for 4 submissions or 64. The queue only
    # reads, so no transaction.
    with django_assert_max_num_queries(8) as few:
        small = therapist_client.get(QUEUE)
    SubmissionFactory.create_batch(30)
    make_decided_submissions(30, therapist)
    with django_assert_max_num_queries(8) as many:
        large = therapist_client.get(QUEUE)
    assert len(queue_rows(large)) == 25 > len(queue_rows(small))
    assert len(many) == len(few)


def test_detail_shows_contact_details_every_answer_and_the_outcome(
    therapist_client: Client, rosa: Submission
) -> None:
    html = therapist_client.get(detail_url(rosa)).content.decode()
    for text in ("Rosa Reyes", "(555) 010-1234", "rosa@example.com", rosa.reference, rosa.rules_version):
        assert text in html
    assert "Likely not suitable" in html
    assert html.count('<th scope="row" class="fw-normal">') == len(make_answers())
    assert "Tendonitis (a sore tendon, like tennis elbow" in html  # the patient's wording
    assert "Do you have a device inside your body that runs on a battery or electricity?" in html


def test_detail_highlights_triggering_answers_beside_the_rule(
    therapist_client: Client, rosa: Submission
) -> None:
    html = therapist_client.get(detail_url(rosa)).content.decode()
    triggered = re.findall(r'<tr class="triggered">(.*?)</tr>', html, re.S)
    assert len(triggered) == 2
    implant, depth = sorted(triggered, key=lambda row: "NR-DEPTH" in row)
    assert "device inside your body" in implant and "<mark>Yes</mark>" in implant
    assert "Implanted electronic device reported" in implant
    assert "Press the sore spot" in depth and "<mark>Not sure</mark>" in depth
    assert "Target may be" in depth


def test_page_titles_hold_no_patient_data(therapist_client: Client, rosa: Submission) -> None:
    for url in (QUEUE, detail_url(rosa)):
        title = re.search(r"<title>(.*?)</title>", therapist_client.get(url).content.decode(), re.S).group(1)
        assert "Rosa" not in title and "Reyes" not in title and rosa.reference not in title


def test_each_view_of_the_detail_page_is_logged_and_shown(therapist_client: Client, rosa: Submission) -> None:
    therapist_client.get(detail_url(rosa))
    html = therapist_client.get(detail_url(rosa)).content.decode()
    entries = AccessLog.objects.filter(submission=rosa)
    assert [(e.username, e.action) for e in entries] == [("thea", "view"), ("thea", "view")]
    assert entries[0].submission_reference == rosa.reference
    audit = html.split('id="audit-title"')[1]
    assert audit.count("Viewed") == 2


def post_decision(client: Client, submission: Submission, **data: Any) -> Any:
    return client.post(decide_url(submission), {"note": "", "seen_decision": "", **data})


def test_deciding_records_the_decision_logs_it_and_returns_to_the_queue(
    therapist_client: Client, therapist: User, rosa: Submission
) -> None:
    response = post_decision(therapist_client, rosa, choice="not_suitable")
    assert response["Location"] == QUEUE
    decision = Decision.objects.get()
    assert (decision.submission, decision.therapist, decision.choice) == (rosa, therapist, "not_suitable")
    assert [e.action for e in AccessLog.objects.filter(submission=rosa)] == ["decide", "view"]
    assert queue_rows(therapist_client.get(QUEUE)) == []  # decided, so off the default queue


def test_decision_history_stays_visible(therapist_client: Client, other_user: User, rosa: Submission) -> None:
    post_decision(therapist_client, rosa, choice="call_patient", note="Ask about the device")
    first = Decision.objects.get()
    post_decision(therapist_client, rosa, choice="not_suitable", seen_decision=str(first.pk))
    html = therapist_client.get(detail_url(rosa)).content.decode()
    history = html.split('id="decisions-title"')[1].split('id="audit-title"')[0]
    assert history.count("data-decision=") == 2
    assert history.index("Not suitable") < history.index("Call the patient first")
    assert "Ask about the device" in history


def test_a_decision_made_meanwhile_is_shown_and_nothing_is_overwritten(
    therapist_client: Client, therapist: User, rosa: Submission
) -> None:
    page = therapist_client.get(detail_url(rosa))
    seen = page.context["form"]["seen_decision"].value()
    colleague = User.objects.create_user("carl")
    decide(rosa, colleague, "call_patient")
    response = post_decision(therapist_client, rosa, choice="not_suitable", seen_decision=seen or "")
    assert response.status_code == 409
    html = response.content.decode()
    assert "carl decided" in html and "Your decision was not saved" in html
    assert [d.therapist.username for d in Decision.objects.all()] == ["carl"]
    # The page now knows the newer decision, so sending again saves.
    fresh_seen = response.context["form"]["seen_decision"].value()
    assert (
        post_decision(therapist_client, rosa, choice="not_suitable", seen_decision=fresh_seen).status_code
        == 302
    )
    assert Decision.objects.first().therapist == therapist


def test_opening_the_decide_address_goes_to_the_detail_page(
    therapist_client: Client, rosa: Submission
) -> None:
    response = therapist_client.get(decide_url(rosa))
    assert response["Location"] == detail_url(rosa)
    assert not AccessLog.objects.exclude(action=AccessLog.Action.LOGIN).exists()  # the fixture's log-in


def test_overriding_the_automated_outcome_needs_a_note(therapist_client: Client, rosa: Submission) -> None:
    response = post_decision(therapist_client, rosa, choice="suitable")
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["note"]] == ["note_required"]
    assert not Decision.objects.exists()
    response = post_decision(therapist_client, rosa, choice="suitable", note="Device explanted, letter seen")
    assert response.status_code == 302
    assert Decision.objects.get().is_override


def test_searched_names_and_notes_are_hidden_from_error_reports(
    therapist_client: Client, rosa: Submission
) -> None:
    search = set_filter(therapist_client, search="Reyes")
    decide = post_decision(therapist_client, rosa, choice="not_suitable", note="Rosa prefers injections")
    assert search.wsgi_request.sensitive_post_parameters == ("search",)
    assert decide.wsgi_request.sensitive_post_parameters == ("note",)


def test_no_patient_data_reaches_a_url_or_a_log_line(
    therapist_client: Client, other_user_client: Client, client: Client, rosa: Submission, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    urls = []
    for c in (client, other_user_client, therapist_client):
        for method, url, data in review_requests(rosa):
            response = getattr(c, method)(url, data)
            urls += [url, response.get("Location", "")]
            content_of(response)
    set_filter(therapist_client, search="Reyes")
    for secret in ("Rosa", "Reyes", "rosa@example.com", "010-1234", rosa.answers["date_of_birth"]):
        assert secret not in caplog.text
        assert not any(secret in u for u in urls)
    for entry in AccessLog.objects.all():
        assert "Reyes" not in entry.detail and "Rosa" not in entry.detail


def test_the_decision_history_shows_the_therapist_with_their_credentials(
    therapist_client: Client, therapist: User, rosa: Submission
) -> None:
    therapist.first_name, therapist.last_name = "Thea", "Lindqvist"
    therapist.save()
    services.therapist_credentials_set(user=therapist, credentials="PT, DPT")
    post_decision(therapist_client, rosa, choice="call_patient", note="Ask about the device")
    html = therapist_client.get(detail_url(rosa)).content.decode()
    history = html.split('id="decisions-title"')[1].split('id="decide-title"')[0]
    assert "Thea Lindqvist, PT, DPT" in history
