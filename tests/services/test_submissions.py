"""What the database itself enforces when a submission is stored: the service leaves these checks to
it rather than querying first (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import IntegrityError

from screening import services
from screening.exports.fhir import questionnaire
from screening.models import Submission
from tests.support.answers import make_answers

pytestmark = pytest.mark.django_db


def test_a_submission_without_phone_or_email_is_refused_by_the_database() -> None:
    with pytest.raises(IntegrityError):
        services.submission_create(answers=make_answers(), contact=services.Contact("Ana", "Diaz"))
    assert Submission.objects.count() == 0


# Sends a screening through the one-page form's submit code (no database: built, not saved), and
# imports every view module a web worker serves, then lists what got imported.
_SUBMIT_WITHOUT_FHIR = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
import django
django.setup()
import clinic.urls
from screening import services
from tests.support.answers import make_answers
built = services.submission_build(answers=make_answers(), contact=services.Contact("Rosa", "Reyes", phone="555"))
loaded = sorted({m.split(".")[0] for m in sys.modules} & {"fhir", "pydantic", "weasyprint"})
print(json.dumps({"version": built.questionnaire_version, "loaded": loaded}))
"""


def test_the_submit_path_stores_the_questionnaire_version_without_importing_fhir_resources() -> None:
    # Web workers import fhir.resources (and WeasyPrint) only on a first export: a patient's submit
    # computes the Questionnaire's version from the questions themselves, in plain Python.
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(  # noqa: S603 -- our own interpreter and a fixed script
        [sys.executable, "-c", _SUBMIT_WITHOUT_FHIR],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["loaded"] == []
    assert result["version"] == questionnaire.version()


@pytest.mark.django_db
def test_the_migration_gives_rows_sent_before_it_the_version_current_when_it_runs() -> None:
    from django.apps import apps

    migration = importlib.import_module("screening.migrations.0016_submission_questionnaire_version")
    before = services.submission_create(
        answers=make_answers(), contact=services.Contact("Ana", "Ortiz", phone="5")
    )
    kept = services.submission_create(
        answers=make_answers(), contact=services.Contact("Bo", "Lind", phone="5")
    )
    Submission.objects.filter(pk=before.pk).update(questionnaire_version="")  # as the column arrived
    Submission.objects.filter(pk=kept.pk).update(questionnaire_version="0123456789ab")
    migration.fill_current_version(apps, None)
    assert Submission.objects.get(pk=before.pk).questionnaire_version == questionnaire.version()
    assert Submission.objects.get(pk=kept.pk).questionnaire_version == "0123456789ab"
