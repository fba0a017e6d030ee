"""The rules report's pages through the real client: who may see them, what they say, the CSV, the notes."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import reverse
from django.utils import timezone

from screening.models import AccessLog, Submission
from tests.support.report import NUMB, PACEMAKER, decided, sent

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.test import Client

pytestmark = pytest.mark.django_db

REPORT = reverse("screening:review-report")
CSV = reverse("screening:review-report-csv")
NOTES = reverse("screening:review-report-notes")
LOGIN = reverse("login")
NOTE = "Cardiology letter: the pacemaker was removed in 2019."


def log_rows() -> list[tuple[str, str]]:
    """What the report's views logged, newest first (log-ins and the set-up's decisions left out)."""
    actions = (AccessLog.Action.VIEW, AccessLog.Action.EXPORT)
    return [(e.action, e.detail) for e in AccessLog.objects.filter(action__in=actions)]


def test_the_report_sends_anonymous_visitors_to_log_in_and_refuses_others(
    client: Client, other_user_client: Client
) -> None:
    for url in (REPORT, CSV, NOTES):
        assert client.get(url)["Location"].startswith(f"{LOGIN}?next=")
        assert other_user_client.get(url).status_code == 403
    assert log_rows() == []


def test_a_therapist_reads_the_report_of_the_last_90_days_and_the_view_is_logged(
    therapist_client: Client, therapist: User
) -> None:
    today = timezone.localdate()
    rosa, _omar = sent(today, 2, **PACEMAKER)
    decided(rosa, therapist, "suitable", NOTE)
    sent(today - timedelta(days=90))  # a day before the 90 days began

    response = therapist_client.get(REPORT)
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["report"].screenings == 2
    assert "Pacemaker or other implanted electrical device" in html
    assert "<svg" in html and "Override rate per rule" in html
    assert "Rosa" not in html and rosa.reference not in html  # the report names nobody
    start = today - timedelta(days=89)
    assert log_rows() == [("view", f"rules report {start:%Y-%m-%d}..{today:%Y-%m-%d}")]


def test_the_therapist_navigation_links_the_report(therapist_client: Client) -> None:
    assert f'href="{REPORT}"' in therapist_client.get(reverse("screening:review-queue")).content.decode()


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ({"date_from": "2026-13-01"}, "date_from", "invalid"),
        ({"date_from": "yesterday"}, "date_from", "invalid"),
        ({"date_to": "9999-12-31"}, "date_to", "out_of_range"),
        ({"date_from": "2026-11-10", "date_to": "2026-11-01"}, "date_to", "date_range"),
        ({"date_from": "2020-01-01", "date_to": "2026-11-01"}, "date_from", "too_long"),
    ],
)
def test_bad_dates_get_a_clear_message_and_no_figures(
    therapist_client: Client, query: dict[str, str], field: str, code: str
) -> None:
    for url in (REPORT, CSV, NOTES):
        response = therapist_client.get(url, query)
        assert response.status_code == 400
        assert [e.code for e in response.context["form"].errors.as_data()[field]] == [code]
        assert 'id="error-summary"' in response.content.decode()
    assert [action for action, _detail in log_rows()] == ["view"] * 3


def test_a_chosen_range_counts_only_its_days(therapist_client: Client) -> None:
    sent(timezone.localdate() - timedelta(days=200), 3, **NUMB)
    day = timezone.localdate() - timedelta(days=200)
    response = therapist_client.get(REPORT, {"date_from": f"{day:%Y-%m-%d}", "date_to": f"{day:%Y-%m-%d}"})
    assert response.context["report"].screenings == 3
    assert response.context["form"]["date_from"].value() == f"{day:%Y-%m-%d}"


def test_a_rule_above_the_threshold_is_flagged_in_words(
    therapist_client: Client, therapist: User, settings: Any
) -> None:
    settings.RULE_REVIEW_THRESHOLD = 50
    patients = sent(timezone.localdate(), 10, **PACEMAKER)
    for patient in patients[:6]:
        decided(patient, therapist, "suitable", NOTE)
    for patient in patients[6:]:
        decided(patient, therapist, "not_suitable")
    html = therapist_client.get(REPORT).content.decode()
    flagged = html.split('data-testid="flagged"')[1].split("</section>")[0]
    assert "Review this rule:" in flagged and "NS-IMPLANT" in flagged
    assert "6 of 10 decisions (60 %) went against the automated outcome." in flagged


def test_the_csv_has_the_same_figures_and_is_logged_as_an_export(
    therapist_client: Client, therapist: User
) -> None:
    (rosa,) = sent(timezone.localdate(), **PACEMAKER)
    decided(rosa, therapist, "suitable", NOTE)
    response = therapist_client.get(CSV)
    assert response["Content-Disposition"].startswith('attachment; filename="rules-report-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    implant = next(r for r in rows if r["section"] == "rule" and r["key"] == "NS-IMPLANT")
    assert (implant["screenings"], implant["decided"], implant["against_outcome"]) == ("1", "1", "1")
    assert implant["override_rate_percent"] == "100" and implant["review_this_rule"] == "no"
    assert next(r for r in rows if r["section"] == "total")["screenings"] == "1"
    assert NOTE not in response.content.decode() and rosa.reference not in response.content.decode()
    assert [action for action, _detail in log_rows()] == ["export"]


def test_the_csv_neutralises_a_stored_code_that_a_spreadsheet_would_run(therapist_client: Client) -> None:
    (odd,) = sent(timezone.localdate())
    Submission.objects.filter(pk=odd.pk).update(reason_codes=['=HYPERLINK("http://x")'])
    text = therapist_client.get(CSV).content.decode()
    assert "'=HYPERLINK" in text
    assert not any(line.startswith("=") or ",=" in line for line in text.splitlines())


def test_the_notes_list_references_and_notes_only_and_is_logged(
    therapist_client: Client, therapist: User
) -> None:
    rosa, omar = sent(timezone.localdate(), 2, **PACEMAKER)
    decided(rosa, therapist, "suitable", NOTE)
    decided(omar, therapist, "not_suitable")
    response = therapist_client.get(NOTES, {"rule": "NS-IMPLANT"})
    html = response.content.decode()
    assert [s.reference for s in response.context["page"]] == [rosa.reference]
    assert NOTE in html and rosa.reference in html and omar.reference not in html
    assert "Ana" not in html and "Lopez" not in html  # tests/support/report's patients' names
    assert log_rows()[0] == ("view", f"override notes rule=NS-IMPLANT rows=1 {_default_span()}")


def test_a_rule_that_is_no_code_is_not_found(therapist_client: Client) -> None:
    assert therapist_client.get(NOTES, {"rule": "<script>"}).status_code == 404


def test_the_report_pages_answer_head_like_get(therapist_client: Client) -> None:
    for url in (REPORT, CSV, NOTES):
        assert therapist_client.head(url).status_code == 200


@pytest.mark.parametrize("rows", [2, 200])
def test_the_report_page_takes_a_bounded_number_of_queries(
    rows: int, therapist_client: Client, therapist: User, django_assert_max_num_queries: Any
) -> None:
    patients = sent(timezone.localdate(), rows, **PACEMAKER) + sent(timezone.localdate(), rows, **NUMB)
    for patient in patients[::2]:
        decided(patient, therapist, "suitable", NOTE)
    with django_assert_max_num_queries(14):
        assert therapist_client.get(REPORT).status_code == 200
    with django_assert_max_num_queries(14):
        assert therapist_client.get(CSV).status_code == 200
    with django_assert_max_num_queries(14):
        assert therapist_client.get(NOTES, {"rule": "NS-IMPLANT"}).status_code == 200


def _default_span() -> str:
    today = timezone.localdate()
    return f"{today - timedelta(days=89):%Y-%m-%d}..{today:%Y-%m-%d}"
