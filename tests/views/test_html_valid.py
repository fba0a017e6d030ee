"""Our pages are valid HTML, as the W3C's Nu HTML Checker (vnu.jar, from the npm package vnu-jar,
run with the machine's Java) reads them: every URL of ours (not Django's admin), in both
languages, signed in and not, with data in them (a possible duplicate, a course with a signed
session and a check-in waiting for its note), a patient's way to the note, and forms showing
their errors.

The checker starts once, for all the pages at once (a Java start costs seconds). Without Java or
the jar (`make test` installs the jar with npm) the test is skipped, or fails where
E2E_REQUIRED is set, as in CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from screening import services
from screening.models import CheckIn, Submission
from tests.support.checkins import make_checkin
from tests.support.courses import open_course, signed_session
from tests.support.patients import ZEBULON, zebulon_answers
from tests.support.steps import CHECK, send, walk
from tests.support.urlwalk import all_urls, html_pages, page_clients

pytestmark = pytest.mark.django_db

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _checker() -> list[str]:
    java = shutil.which("java")
    if java and VNU_JAR.exists():
        # One core and the quick compiler: the check takes the same time, and leaves the other core
        # to the suite's other worker (whose server tests wait on their processes).
        return [
            java,
            "-XX:ActiveProcessorCount=1",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xss8m",
            "-jar",
            str(VNU_JAR),
        ]
    reason = "the Nu HTML Checker needs Java and node_modules/vnu-jar (npm ci)"
    if os.getenv("E2E_REQUIRED"):
        pytest.fail(f"E2E_REQUIRED is set but {reason}")
    pytest.skip(reason)


def _html_errors(checker: list[str], pages: dict[str, str], folder: Path) -> list[str]:
    """The checker's errors, each as 'page: message (line)'; a page it could not read is one too."""
    files = {}
    for number, (name, html) in enumerate(sorted(pages.items())):
        path = folder / f"page{number}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = name
    done = subprocess.run(  # noqa: S603 -- the machine's java, our pinned jar, files written here
        [*checker, "--errors-only", "--format", "json", "--stdout", *(str(folder / f) for f in files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # 0: no errors, 1: errors found; anything else is the checker failing.
    assert done.returncode in (0, 1), done.stderr
    messages = json.loads(done.stdout)["messages"]
    return [
        f"{files.get(Path(m.get('url', '')).name, m.get('url'))}: {m['message']} (line {m.get('lastLine')})"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]


def _pages(client: Client, urls: list[str], who: str, language: str) -> dict[str, str]:
    pages = {}
    for url, response in html_pages(client, urls, language):
        # A crash shows the (valid) 500 page: it fails here instead.
        assert response.status_code < 500, f"{who} {url}: {response.status_code}"
        pages[f"{who} {language} {url} ({response.status_code})"] = response.content.decode()
    return pages


def test_every_page_is_valid_html(clinic_admin: User, tmp_path: Path) -> None:
    checker = _checker()
    submission = services.submission_create(answers=zebulon_answers(), contact=ZEBULON)
    # A possible duplicate, so that the queue and the screening page show their marks.
    services.submission_create(answers=zebulon_answers(), contact=ZEBULON)
    course = open_course(clinic_admin)
    note = signed_session(clinic_admin, course)
    waiting = services.check_in_record(
        course=course, answers=make_checkin(), recorded_by=clinic_admin, filled_by=CheckIn.FilledBy.THERAPIST
    )
    ours = [u for u in all_urls(submission) if not u.startswith("/admin/")]
    # The course's own pages, the signed note, and the session-note form of the waiting check-in.
    course_urls = [
        *(
            u.replace(str(submission.code), str(course.code))
            for u in ours
            if u.startswith(f"/courses/{submission.code}/")
        ),
        f"/courses/notes/{note.code}/",
        f"/courses/check-ins/{waiting.code}/session/",
    ]
    clients = page_clients(clinic_admin)
    pages: dict[str, str] = {}
    for language in ("en", "es"):
        pages |= _pages(clients["anonymous"], [*ours, "/no-such-page/"], "patient", language)
        pages |= _pages(clients["clinic admin"], [*ours, *course_urls], "therapist", language)
    for url in (f"/courses/{course.code}/", *course_urls[-2:]):  # the others: POST only, or a summary
        assert f"therapist en {url} (200)" in pages
    # A patient's way through: every page answered, "Check your answers", and the note at the end.
    for language in ("en", "es"):
        patient = Client(HTTP_ACCEPT_LANGUAGE=language)
        walk(patient)
        pages[f"patient {language} {CHECK}"] = patient.get(CHECK).content.decode()
        assert send(patient).status_code == 302
        result = patient.get("/intake/result/")
        assert result.status_code == 200
        pages[f"patient {language} the note"] = result.content.decode()
    # A form with its errors showing: the first question sent empty, a decision without a choice.
    patient = Client()
    patient.get("/intake/name/")
    empty = patient.post("/intake/name/", {}, follow=True)
    assert "<title>Error:" in empty.content.decode()
    pages["patient en /intake/name/ with errors"] = empty.content.decode()
    decide = clients["clinic admin"].post(f"/review/{submission.code}/decide/", {"choice": ""}, follow=True)
    assert 'id="error-summary"' in decide.content.decode()
    pages["therapist en decision with errors"] = decide.content.decode()
    assert len(pages) > 80
    assert Submission.objects.count() == 2 + 1 + 2  # the course's own screening, the two sent here
    errors = _html_errors(checker, pages, tmp_path)
    assert errors == [], "\n".join(errors)
