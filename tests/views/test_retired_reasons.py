"""A reason code that a later rules version retired still shows, on the patient's note and the
therapist's page alike, as the stand-in of screening.clinical.reasons.reason_for()."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from screening.clinical import reasons
from screening.models import Submission
from screening.views.patient import RESULT_SESSION_KEY
from tests.support.intake import RESULT
from tests.support.review import detail_url

pytestmark = pytest.mark.django_db

RETIRED = "NR-RETIRED-2025"


@pytest.fixture
def screened_under_old_rules(rosa: Submission) -> Submission:
    # Rosa's screening as an earlier rules version stored it, with a reason that no longer exists.
    Submission.objects.filter(pk=rosa.pk).update(reason_codes=[*rosa.reason_codes, RETIRED])
    rosa.refresh_from_db()
    return rosa


def test_a_retired_reason_code_shows_its_stand_in_on_the_note_and_the_detail_page(
    client: Client, therapist_client: Client, screened_under_old_rules: Submission
) -> None:
    submission = screened_under_old_rules
    assert RETIRED not in reasons.REASONS
    assert submission.reason_codes == ["NS-IMPLANT", "NR-DEPTH", RETIRED]
    # The patient's own browser, as views.patient stores it after the submit.
    session = client.session
    session[RESULT_SESSION_KEY] = {"code": str(submission.code), "at": timezone.now().isoformat()}
    session.save()

    note = client.get(RESULT)
    assert note.status_code == 200
    html = note.content.decode()
    assert reasons.RETIRED_PATIENT_TEXT in html
    assert reasons.REASONS["NS-IMPLANT"].patient_text in html  # the reasons still known stay too
    assert reasons.RETIRED_THERAPIST_TEXT not in html

    detail = therapist_client.get(detail_url(submission))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert reasons.RETIRED_THERAPIST_TEXT in html
    assert reasons.REASONS["NS-IMPLANT"].therapist_text in html
