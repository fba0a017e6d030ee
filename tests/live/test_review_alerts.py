"""The review inbox's alert end to end: patients send through the app (Django's test client, on the
test database), the real worker (`manage.py db_worker`, its own process on the same database)
sends, and a real SMTP server (aiosmtpd on a free local port) receives. On SQLite and PostgreSQL.

The window is 0.2 minutes (12 s) here instead of 15, so a test waits seconds, not minutes.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django_tasks_db.models import DBTaskResult

from screening.models import Outcome, ReviewAlertPending, Submission
from tests.support.faults import fault_after_the_row_is_written
from tests.support.intake import INTAKE, RESULT, form_data
from tests.support.live import free_port
from tests.support.servers import ReceivedMail, SMTPServer, TaskWorker, shared_database_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

INBOX = "review@clinic.example"
SENDER = "screening@clinic.example"
BASE = "https://screening.clinic.example"
WINDOW_MINUTES = 0.2
WINDOW = WINDOW_MINUTES * 60
# Each patient of the burst, with what identifies them: none of it may reach the inbox.
PATIENTS = [
    {
        "first_name": f"Rosalind{n}",
        "last_name": f"Quesada{n}",
        "phone": f"(555) 010-{1200 + n}",
        "email": f"rq{n}@example.com",
    }
    for n in range(12)
]


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    with SMTPServer() as server:
        yield server


@pytest.fixture
def alerts_on(settings: Any) -> None:
    # The app's side (this process): alerts on, so each submit counts itself and queues the worker.
    settings.REVIEW_NOTIFY_EMAILS = [INBOX]
    settings.PUBLIC_BASE_URL = BASE


def _worker_env(email_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": shared_database_url(),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": django_settings.SECRET_KEY,
        "EMAIL_URL": email_url,
        "DEFAULT_FROM_EMAIL": SENDER,
        "REVIEW_NOTIFY_EMAILS": INBOX,
        "REVIEW_NOTIFY_MINUTES": str(WINDOW_MINUTES),
        "PUBLIC_BASE_URL": BASE,
    }


def _send(client: Client, patient: dict[str, str], **answers: Any) -> Submission:
    response = client.post(INTAKE, form_data(**patient, **answers))
    assert (response.status_code, response["Location"]) == (302, RESULT)
    return Submission.objects.get(first_name=patient["first_name"])


def _assert_no_patient_data(mail: ReceivedMail, submissions: list[Submission]) -> None:
    raw = mail.raw.decode()
    for s in submissions:
        for detail in (s.first_name, s.last_name, s.phone, s.email, s.reference, str(s.code)):
            assert detail not in raw, detail
    for answer_word in ("implant", "pregnan", "pacemaker", "NS-", "NR-"):
        assert answer_word not in raw.lower() if answer_word.islower() else answer_word not in raw


def _no_more_mail(smtp: SMTPServer, count: int, *, during: float) -> None:
    time.sleep(during)  # a mail that should not come: waiting out the window is the only proof
    assert len(smtp.messages) == count


def test_a_burst_gives_one_mail_that_counts_it_and_later_sends_go_in_the_next(
    alerts_on: None, smtp: SMTPServer, tmp_path: Path
) -> None:
    client = Client()
    with TaskWorker(_worker_env(smtp.url), tmp_path / "worker.log") as worker:
        started = time.monotonic()
        burst = [_send(client, p) for p in PATIENTS[:7]]
        burst += [_send(client, p, has_implanted_electronic_device="yes") for p in PATIENTS[7:10]]
        took = time.monotonic() - started
        assert took < WINDOW, f"the burst took {took:.1f} s, longer than the gathering time"
        (first,) = smtp.wait_for(1, within=WINDOW + 30)
        not_suitable = sum(s.outcome == Outcome.NOT_SUITABLE for s in burst)
        assert not_suitable == 3

        later = [_send(client, p) for p in PATIENTS[10:12]]
        mails = smtp.wait_for(2, within=WINDOW + 30)
        _no_more_mail(smtp, 2, during=3)
        assert worker.running()

    assert (first.sender, first.recipients) == (SENDER, (INBOX,))
    assert first.message["Subject"] == "Ionto Screen Physical Therapy: 10 new screenings are waiting"
    assert first.body == (
        "10 new screenings are waiting (3 likely not suitable).\n\n"
        f"Open the queue: {BASE}/review/\n\n"
        "This e-mail gives counts only. The questionnaire clears no one for treatment: "
        "each screening waits for a therapist's decision.\n"
    )
    assert mails[1].message["Subject"] == "Ionto Screen Physical Therapy: 2 new screenings are waiting"
    assert mails[1].body.startswith("2 new screenings are waiting.\n\n")
    for mail in mails:
        _assert_no_patient_data(mail, burst + later)
    assert ReviewAlertPending.objects.count() == 0
    print(f"\nThe first mail as received (burst of 10 in {took:.1f} s):\n{first.raw.decode()}")


def test_a_rolled_back_submit_sends_nothing(alerts_on: None, smtp: SMTPServer, tmp_path: Path) -> None:
    client = Client()
    with TaskWorker(_worker_env(smtp.url), tmp_path / "worker.log"):
        with fault_after_the_row_is_written():
            assert client.post(INTAKE, form_data(**PATIENTS[0])).status_code == 503
        assert (
            Submission.objects.count(),
            ReviewAlertPending.objects.count(),
            DBTaskResult.objects.count(),
        ) == (
            0,
            0,
            0,
        )
        # The next patient's alert counts one screening: the rolled-back one never existed.
        sent = _send(Client(), PATIENTS[1])
        (mail,) = smtp.wait_for(1, within=WINDOW + 30)
        _no_more_mail(smtp, 1, during=2)
    assert mail.body.startswith("1 new screening is waiting")
    _assert_no_patient_data(mail, [sent])


def test_with_the_mail_server_down_the_submit_succeeds_and_the_worker_logs_without_patient_data(
    alerts_on: None, tmp_path: Path
) -> None:
    closed = f"smtp://127.0.0.1:{free_port()}"
    with TaskWorker(_worker_env(closed), tmp_path / "worker.log") as worker:
        sent = _send(Client(), PATIENTS[0], has_implanted_electronic_device="yes")
        assert Submission.objects.filter(pk=sent.pk).exists()
        deadline = time.monotonic() + WINDOW + 30
        while not DBTaskResult.objects.filter(status="FAILED").exists():
            assert time.monotonic() < deadline, f"no task failed; the worker's log:\n{worker.log}"
            time.sleep(0.2)
        assert worker.running()  # one failed task does not stop the worker
    failed = DBTaskResult.objects.get(status="FAILED")
    assert failed.exception_class_path == "builtins.ConnectionRefusedError"
    # Still counted: the retry at the window's end (or the next submit's task) sends it.
    assert ReviewAlertPending.objects.count() == 1
    assert DBTaskResult.objects.filter(status="READY", task_path="screening.tasks.review_alert_send").exists()
    log = worker.log
    assert "Review alert for 1 screening(s) not sent (ConnectionRefusedError)" in log
    for text in (log, failed.traceback):
        for detail in (sent.first_name, sent.last_name, sent.phone, sent.email, sent.reference):
            assert detail not in text
        assert not re.search(r"implant|answers", text)
