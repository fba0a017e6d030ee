"""The therapist's downloads of one submission: the summary PDF and the FHIR bundle."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.views.decorators.http import require_safe

from screening.accounts.decorators import TherapistRequest, therapist_required
from screening.exports import fhir, pdf
from screening.exports.fhir import procedure
from screening.models import AccessLog, Decision
from screening.views.access import get_submission_for_therapist

if TYPE_CHECKING:
    import uuid


@therapist_required
@require_safe
def review_summary_pdf(request: TherapistRequest, code: uuid.UUID) -> HttpResponse:
    # An unknown paper gets the default one: the choice is a convenience, not patient data.
    paper = request.GET.get("paper", "")
    paper = paper if paper in pdf.PAPER_SIZES else pdf.DEFAULT_PAPER
    submission = get_submission_for_therapist(
        request, code, action=AccessLog.Action.EXPORT, detail=f"summary.pdf paper={paper}"
    )
    decisions = Decision.objects.filter(submission=submission).select_related("therapist__therapist_profile")
    document = pdf.summary_pdf(submission, decisions=list(decisions), prepared_by=request.user, paper=paper)
    response = HttpResponse(document, content_type="application/pdf")
    # The reference names the file: a patient's name must not end up in a downloads folder's listing.
    response["Content-Disposition"] = f'attachment; filename="screening-{submission.reference}.pdf"'
    return response


@therapist_required
@require_safe
def review_fhir_bundle(request: TherapistRequest, code: uuid.UUID) -> HttpResponse:
    submission = get_submission_for_therapist(
        request, code, action=AccessLog.Action.EXPORT, detail="fhir.json"
    )
    decisions = Decision.objects.filter(submission=submission).select_related(
        "therapist__therapist_profile", "duplicate_of"
    )
    # The course's sessions in a fixed number of queries, however many there are.
    prefetch_related_objects([submission], *procedure.prefetches())
    bundle = fhir.submission_bundle(
        submission, decisions=list(decisions), reassessed_at=fhir.last_reassessed_at(submission)
    )
    response = HttpResponse(fhir.to_json(bundle), content_type="application/fhir+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="screening-{submission.reference}.fhir.json"'
    return response
