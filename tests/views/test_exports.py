"""The therapist's downloads of one submission: who may have them, and that each is logged."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from screening.models import AccessLog, Submission
from tests.support.fhir import Terminology, parsed
from tests.support.review import decide

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


def fhir_url(submission: Submission) -> str:
    return reverse("screening:review-fhir", args=[submission.code])


def pdf_url(submission: Submission) -> str:
    return reverse("screening:review-summary-pdf", args=[submission.code])


DOWNLOADS = [fhir_url, pdf_url]


@pytest.mark.parametrize("url", DOWNLOADS, ids=["fhir", "pdf"])
def test_a_download_sends_an_anonymous_visitor_to_log_in_and_logs_nothing(
    client: Client, rosa: Submission, url: Any
) -> None:
    response = client.get(url(rosa))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("url", DOWNLOADS, ids=["fhir", "pdf"])
def test_a_download_is_refused_to_a_user_without_the_review_permission(
    other_user_client: Client, rosa: Submission, url: Any
) -> None:
    response = other_user_client.get(url(rosa))
    assert response.status_code == 403
    assert b"Reyes" not in response.content
    assert not AccessLog.objects.filter(submission=rosa).exists()


@pytest.mark.parametrize("url", DOWNLOADS, ids=["fhir", "pdf"])
def test_a_download_of_an_unknown_submission_is_a_404(therapist_client: Client, url: Any) -> None:
    missing = Submission(code=uuid.uuid4())
    assert therapist_client.get(url(missing)).status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


@pytest.mark.parametrize("url", DOWNLOADS, ids=["fhir", "pdf"])
def test_a_download_takes_only_get(therapist_client: Client, rosa: Submission, url: Any) -> None:
    assert therapist_client.post(url(rosa)).status_code == 405


def test_a_therapist_downloads_the_fhir_bundle_and_the_access_log_says_so(
    therapist_client: Client, therapist: User, rosa: Submission, django_assert_max_num_queries: Any
) -> None:
    decide(rosa, therapist, "call_patient")
    decide(rosa, therapist, "suitable", "Pacemaker removed; letter on file.")
    # The session, the user, two permission lookups, the session save and the request's savepoints,
    # then ours: the submission, its log row, its courses (none: nothing nested is read), its
    # decisions with their therapists, its reassessment. tests/exports/test_fhir_procedures.py
    # pins it with six sessions.
    with django_assert_max_num_queries(14):
        response = therapist_client.get(fhir_url(rosa))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="screening-{rosa.reference}.fhir.json"'
    assert "no-store" in response["Cache-Control"]
    bundle = json.loads(response.content)
    model = parsed(bundle)
    assert model.type == "collection"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("CodeSystem") == 12 and kinds.count("Questionnaire") == 1
    assert kinds[-2:] == ["QuestionnaireResponse", "Observation"]
    terminology = Terminology.of([e["resource"] for e in bundle["entry"]])
    for entry in bundle["entry"]:
        assert terminology.problems(entry["resource"]) == []
    observation = bundle["entry"][-1]["resource"]
    assert observation["status"] == "final"
    assert observation["derivedFrom"] == [{"reference": bundle["entry"][-2]["fullUrl"]}]
    (log,) = AccessLog.objects.filter(action=AccessLog.Action.EXPORT)
    assert (log.user, log.submission, log.detail) == (therapist, rosa, "fhir.json")


def test_the_bundle_is_in_english_whatever_the_therapists_language(
    therapist_client: Client, rosa: Submission
) -> None:
    therapist_client.cookies["django_language"] = "es"
    bundle = json.loads(therapist_client.get(fhir_url(rosa), HTTP_ACCEPT_LANGUAGE="es").content)
    observation = bundle["entry"][-1]["resource"]
    assert observation["valueCodeableConcept"]["text"] == "Likely not suitable"


def test_the_file_names_name_the_reference_never_the_patient(
    therapist_client: Client, rosa: Submission
) -> None:
    for url in DOWNLOADS:
        disposition = therapist_client.get(url(rosa))["Content-Disposition"]
        assert rosa.reference in disposition
        assert "Reyes" not in disposition and "Rosa" not in disposition
