"""`manage.py export_fhir`: Bulk Data NDJSON, one resource type per file, --since and --deidentified."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from screening import services
from screening.exports.fhir import bulk
from screening.models import AccessLog, Submission
from tests.support.answers import make_answers
from tests.support.factories import SubmissionFactory
from tests.support.fhir import Terminology, answers_from_response, parsed
from tests.support.review import decide

pytestmark = pytest.mark.django_db


def export_fhir(*args: str) -> str:
    out = io.StringIO()
    call_command("export_fhir", *args, stdout=out)
    return out.getvalue()


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_export_writes_one_file_per_resource_type_and_a_manifest(
    tmp_path: Path, rosa: Submission
) -> None:
    SubmissionFactory()
    output = export_fhir(str(tmp_path))
    assert "Exported 2 submissions" in output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "CodeSystem.ndjson",
        "Observation.ndjson",
        "Questionnaire.ndjson",
        "QuestionnaireResponse.ndjson",
        "ValueSet.ndjson",
        "manifest.json",
    ]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    counts = {o["type"]: o["count"] for o in manifest["output"]}
    assert counts == {
        "CodeSystem": 12,
        "ValueSet": 20,
        "Questionnaire": 1,
        "QuestionnaireResponse": 2,
        "Observation": 2,
    }
    for entry in manifest["output"]:
        resources = lines(tmp_path / entry["url"])
        assert len(resources) == entry["count"]
        assert {r["resourceType"] for r in resources} == {entry["type"]}


def test_every_line_parses_and_every_coding_is_one_we_publish(
    tmp_path: Path, rosa: Submission, therapist: User
) -> None:
    decide(rosa, therapist, "not_suitable")
    SubmissionFactory(answers=make_answers(skin_sensitivity=["unsure", "sensitive_skin"], pregnant="unsure"))
    export_fhir(str(tmp_path))
    resources = [r for path in sorted(tmp_path.glob("*.ndjson")) for r in lines(path)]
    terminology = Terminology.of(resources)
    for resource in resources:
        parsed(resource)
        assert terminology.problems(resource) == [], resource["id"]
    responses = {r["id"]: r for r in resources if r["resourceType"] == "QuestionnaireResponse"}
    assert answers_from_response(parsed(responses[str(rosa.code)])) == {k: v for k, v in rosa.answers.items()}


def test_the_files_are_readable_by_their_owner_only(tmp_path: Path, rosa: Submission) -> None:
    export_fhir(str(tmp_path))
    for path in tmp_path.iterdir():
        assert path.stat().st_mode & 0o777 == 0o600, path.name


def test_since_exports_what_was_sent_decided_or_reassessed_on_or_after_that_day(
    tmp_path: Path, therapist: User, settings: Any
) -> None:
    long_ago = timezone.now() - timedelta(days=30)
    old = SubmissionFactory(created_at=long_ago)
    decided = SubmissionFactory(created_at=long_ago)
    reassessed = SubmissionFactory(created_at=long_ago, answers=make_answers(date_of_birth="1945-01-01"))
    new = SubmissionFactory()
    decide(decided, therapist, "call_patient")
    settings.VERY_ELDERLY_AGE = 70
    services.submissions_reassess(apply=True)
    export_fhir("--since", (timezone.localdate() - timedelta(days=1)).isoformat(), str(tmp_path))
    exported = {r["id"] for r in lines(tmp_path / "QuestionnaireResponse.ndjson")}
    assert exported == {str(s.code) for s in (decided, reassessed, new)}
    assert str(old.code) not in exported


def test_deidentified_leaves_every_name_contact_and_reference_out(tmp_path: Path, rosa: Submission) -> None:
    export_fhir("--deidentified", str(tmp_path))
    text = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.ndjson"))
    for personal in ("Rosa", "Reyes", "010-1234", "rosa@example.com", rosa.reference, str(rosa.code)):
        assert personal not in text
    (response,) = lines(tmp_path / "QuestionnaireResponse.ndjson")
    assert "contained" not in response


def test_the_export_is_in_the_access_log_with_its_count_and_kind(tmp_path: Path, rosa: Submission) -> None:
    export_fhir("--deidentified", str(tmp_path))
    (log,) = AccessLog.objects.filter(action=AccessLog.Action.EXPORT)
    assert log.username == "manage.py export_fhir"
    assert log.detail == "fhir-ndjson submissions=1 deidentified=yes since=-"
    assert "Reyes" not in log.detail


def test_a_date_that_is_not_a_date_is_refused_with_a_message(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--since takes a date as YYYY-MM-DD, not '31/12/2026'"):
        export_fhir("--since", "31/12/2026", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_an_out_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("")
    with pytest.raises(CommandError, match="is not a folder"):
        export_fhir(str(target))


def test_a_failed_export_leaves_no_file_behind_and_keeps_the_last_good_one(
    tmp_path: Path, rosa: Submission
) -> None:
    export_fhir(str(tmp_path))
    before = (tmp_path / "QuestionnaireResponse.ndjson").read_text()
    SubmissionFactory()
    # The Observation file cannot be opened, after the responses have started to be written.
    (tmp_path / "Observation.ndjson.partial").mkdir()
    with pytest.raises(IsADirectoryError):
        export_fhir(str(tmp_path))
    (tmp_path / "Observation.ndjson.partial").rmdir()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []
    assert (tmp_path / "QuestionnaireResponse.ndjson").read_text() == before


def test_a_blank_name_leaves_that_part_out_instead_of_failing_the_export(
    tmp_path: Path, rosa: Submission
) -> None:
    Submission.objects.filter(pk=rosa.pk).update(first_name="")
    export_fhir(str(tmp_path))
    (response,) = lines(tmp_path / "QuestionnaireResponse.ndjson")
    assert response["contained"][0]["name"] == [{"text": "Reyes", "family": "Reyes"}]


def test_the_export_reads_in_chunks_a_few_queries_each_whatever_the_number_of_decisions(
    tmp_path: Path, therapist: User, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        decide(SubmissionFactory(), therapist, "call_patient")
    # Per chunk of 10: the submissions, then their decisions with their therapists; plus the count,
    # the access-log row and the end of the read.
    with django_assert_max_num_queries(3 * 2 + 4):
        export_fhir("--chunk-size", "10", str(tmp_path))
    assert len(lines(tmp_path / "Observation.ndjson")) == 30
    assert len(bulk.export_queryset()) == 30
