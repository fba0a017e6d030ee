"""The review inbox's alert throttle and digest (services/alerts.py), on the real database and
Django's in-memory outbox; tests/live/test_review_alerts.py runs the real worker and SMTP server."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from screening import services
from screening.models import Outcome, ReviewAlertPending, ReviewAlertState, Submission
from tests.support.answers import make_answers
from tests.support.factories import SubmissionFactory
from tests.support.servers import free_port

INBOX = ["review@clinic.example", "lead@clinic.example"]
BASE = "https://screening.clinic.example"
PATIENT = services.Contact(
    first_name="Rosa", last_name="Reyes", phone="(555) 010-1234", email="rosa@example.com"
)


@pytest.fixture
def alerts_on(settings: Any) -> None:
    settings.REVIEW_NOTIFY_EMAILS = INBOX
    settings.REVIEW_NOTIFY_MINUTES = 15
    settings.PUBLIC_BASE_URL = BASE
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _submit(captured: Any, **answers: Any) -> Submission:
    with captured(execute=True):
        return services.submission_create(answers=make_answers(**answers), contact=PATIENT)


def _run(captured: Any, now: datetime) -> str:
    """The worker's task at `now`, with what it schedules once its transaction commits."""
    with captured(execute=True):
        return services.review_alert_send(now=now)


def _at(offset: timedelta) -> datetime:
    first = ReviewAlertPending.objects.order_by("created_at").values_list("created_at", flat=True).first()
    assert first is not None
    return first + offset


def _scheduled() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(task_path="screening.tasks.review_alert_send").order_by("enqueued_at")
    )


@pytest.mark.django_db
def test_a_submit_counts_its_outcome_and_queues_the_worker_after_it_commits(
    alerts_on: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submission = services.submission_create(answers=make_answers(), contact=PATIENT)
        assert _scheduled() == []  # nothing is queued before the commit
    assert list(ReviewAlertPending.objects.values_list("outcome", flat=True)) == [submission.outcome]
    assert len(callbacks) == 1
    callbacks[0]()
    assert [t.status for t in _scheduled()] == ["READY"]
    assert mail.outbox == []  # the request itself never sends


@pytest.mark.django_db
def test_a_rolled_back_submit_leaves_no_count_and_queues_nothing(
    alerts_on: None, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.submission_create(answers=make_answers(), contact=PATIENT)
        raise RuntimeError("the request failed after the INSERT")
    assert (callbacks, ReviewAlertPending.objects.count(), _scheduled()) == ([], 0, [])


@pytest.mark.django_db
def test_with_no_inbox_a_submit_costs_nothing(settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.REVIEW_NOTIFY_EMAILS = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.submission_create(answers=make_answers(), contact=PATIENT)
    assert (callbacks, ReviewAlertPending.objects.count()) == ([], 0)
    assert services.review_alert_send() == "nothing to send"


@pytest.mark.django_db
def test_a_burst_of_ten_gives_one_mail_that_counts_them_and_later_ones_wait_for_the_window(
    alerts_on: None, django_capture_on_commit_callbacks: Any
) -> None:
    burst = [
        _submit(django_capture_on_commit_callbacks, **a)
        for a in [{}] * 7 + [{"has_implanted_electronic_device": "yes"}] * 3
    ]
    # Each submit's task runs within the gathering minute: one send is scheduled, for its end.
    for second in range(10):
        assert _run(django_capture_on_commit_callbacks, _at(timedelta(seconds=second))).startswith(
            "scheduled for"
        )
    due = [t.run_after for t in _scheduled() if t.run_after.year < 9999]
    assert due == [_at(services.alerts.GATHER)]
    assert mail.outbox == []

    sent_at = _at(timedelta(seconds=61))
    assert _run(django_capture_on_commit_callbacks, sent_at) == "sent an alert for 10 screening(s)"
    not_suitable = sum(s.outcome == Outcome.NOT_SUITABLE for s in burst)
    assert not_suitable == 3
    assert [m.subject for m in mail.outbox] == [
        "Ionto Screen Physical Therapy: 10 new screenings are waiting"
    ]
    assert mail.outbox[0].body.startswith(
        f"10 new screenings are waiting (3 likely not suitable).\n\nOpen the queue: {BASE}/review/\n"
    )
    assert mail.outbox[0].to == INBOX
    assert ReviewAlertPending.objects.count() == 0

    # Two more a minute later: counted in the next mail, at the end of the 15-minute window.
    later = [_submit(django_capture_on_commit_callbacks) for _ in range(2)]
    assert _run(django_capture_on_commit_callbacks, sent_at + timedelta(minutes=1)) == (
        f"scheduled for {(sent_at + timedelta(minutes=15)).isoformat()}"
    )
    assert len(mail.outbox) == 1
    assert (
        _run(django_capture_on_commit_callbacks, sent_at + timedelta(minutes=15))
        == "sent an alert for 2 screening(s)"
    )
    assert mail.outbox[1].subject.endswith(": 2 new screenings are waiting")
    assert len(later) == 2


@pytest.mark.django_db
def test_the_mail_carries_counts_only(alerts_on: None, django_capture_on_commit_callbacks: Any) -> None:
    rosa = _submit(django_capture_on_commit_callbacks, has_implanted_electronic_device="yes", depth="unsure")
    _run(django_capture_on_commit_callbacks, _at(timedelta(minutes=2)))
    (sent,) = mail.outbox
    text = sent.subject + sent.body + str(sent.message())
    for detail in (
        "Rosa",
        "Reyes",
        "rosa@example.com",
        "010-1234",
        rosa.reference,
        str(rosa.code),
        "implant",
        "unsure",
        "NS-",
    ):
        assert detail not in text
    assert "1 new screening is waiting (1 likely not suitable)." in sent.body
    assert "clears no one for treatment" in sent.body
    assert "suitable" not in sent.body.replace("likely not suitable", "")  # no count reads as a clearance


@pytest.mark.django_db
def test_needs_review_counts_are_named_and_likely_suitable_ones_are_not(alerts_on: None) -> None:
    text = services.alerts.alert_mail(
        {Outcome.LIKELY_SUITABLE: 4, Outcome.NEEDS_REVIEW: 2, Outcome.NOT_SUITABLE: 1}
    ).body
    assert text.startswith("7 new screenings are waiting (1 likely not suitable, 2 need review).")
    assert services.alerts.alert_mail({Outcome.NEEDS_REVIEW: 1}).body.startswith(
        "1 new screening is waiting (1 needs review)."
    )
    assert services.alerts.alert_mail({Outcome.LIKELY_SUITABLE: 2}).body.startswith(
        "2 new screenings are waiting.\n"
    )


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_the_same_window_send_one_mail(alerts_on: None) -> None:
    for _ in range(3):
        ReviewAlertPending.objects.create(
            outcome=Outcome.NEEDS_REVIEW, created_at=timezone.now() - timedelta(minutes=5)
        )
    start = threading.Barrier(2)
    results: list[str] = []

    def worker() -> None:
        try:
            start.wait()
            results.append(services.review_alert_send())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The other one waited for the lock and then found the window taken ("scheduled for ...") or,
    # if the first had already sent and cleared the counts, nothing left to send.
    assert sorted(results)[1] == "sent an alert for 3 screening(s)"
    assert sorted(results)[0] == "nothing to send" or sorted(results)[0].startswith("scheduled for")
    assert len(mail.outbox) == 1
    assert "3 new screenings are waiting (3 need review)." in mail.outbox[0].body


@pytest.mark.django_db
def test_a_mail_server_that_is_down_loses_nothing_and_retries_at_the_windows_end(
    alerts_on: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    _submit(django_capture_on_commit_callbacks)
    tried_at = _at(timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ConnectionRefusedError):
        _run(django_capture_on_commit_callbacks, tried_at)
    assert ReviewAlertPending.objects.count() == 1
    assert ReviewAlertState.objects.get().due_at == tried_at + timedelta(minutes=15)
    assert tried_at + timedelta(minutes=15) in [t.run_after for t in _scheduled()]

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _submit(django_capture_on_commit_callbacks)
    assert _run(django_capture_on_commit_callbacks, tried_at + timedelta(minutes=5)).startswith("scheduled")
    assert (
        _run(django_capture_on_commit_callbacks, tried_at + timedelta(minutes=15))
        == "sent an alert for 2 screening(s)"
    )


@pytest.mark.django_db
def test_the_daily_digest_counts_the_overdue_and_goes_out_once_a_day(alerts_on: None, settings: Any) -> None:
    settings.REVIEW_TARGET_HOURS = 48
    now = timezone.now()
    for hours in (1, 30, 49, 100):
        SubmissionFactory(created_at=now - timedelta(hours=hours), first_name="Rosa", last_name="Reyes")
    assert services.review_digest_send(now=now) == services.alerts.Digest(waiting=4, overdue=2)
    (sent,) = mail.outbox
    assert sent.subject == "Ionto Screen Physical Therapy: daily review summary, 2 overdue"
    assert sent.body.startswith(
        "4 screenings are waiting for a therapist's decision. 2 of them have waited longer than 48 hours "
        f"(overdue).\n\nOpen the queue: {BASE}/review/\n"
    )
    assert "Rosa" not in sent.body and "Reyes" not in sent.body
    # The timer ran twice: the second one sends nothing, unless forced; the next day it sends.
    assert services.review_digest_send(now=now + timedelta(hours=1)) is None
    assert services.review_digest_send(now=now + timedelta(hours=1), force=True) is not None
    assert services.review_digest_send(now=now + timedelta(hours=22)) is not None
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_no_digest_when_nothing_waits_or_alerts_are_off(alerts_on: None, settings: Any) -> None:
    assert services.review_digest_send() is None
    SubmissionFactory()
    settings.REVIEW_NOTIFY_EMAILS = []
    assert services.review_digest_send() is None
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_clinic_working_in_spanish_gets_the_alert_in_spanish(alerts_on: None, settings: Any) -> None:
    settings.LANGUAGE_CODE = "es"
    sent = services.alerts.alert_mail({Outcome.NOT_SUITABLE: 1, Outcome.LIKELY_SUITABLE: 2})
    assert sent.subject == "Ionto Screen Physical Therapy: 3 cuestionarios nuevos están esperando"
    assert sent.body.startswith(
        f"3 cuestionarios nuevos están esperando (1 probablemente no adecuado).\n\n"
        f"Abra la lista de revisión: {BASE}/review/\n"
    )


@pytest.mark.django_db
def test_an_alert_costs_a_submit_two_inserts_and_no_read(
    alerts_on: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    def statements(inbox: list[str]) -> list[str]:
        settings.REVIEW_NOTIFY_EMAILS = inbox
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
            services.submission_create(answers=make_answers(), contact=PATIENT)
        return [q["sql"] for q in queries.captured_queries]

    off, on = statements([]), statements(INBOX)
    added = [sql for sql in on if "review" in sql.lower() or "django_tasks" in sql.lower()]
    assert len(on) - len(off) == len(added) == 2
    assert all(sql.lstrip().upper().startswith("INSERT") for sql in added)
