"""The therapist's pages: the queue, a submission with its decision form, erasure, the export."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from screening import duplicates, presenters, queue, queue_rows, services
from screening.accounts.decorators import TherapistRequest, therapist_required
from screening.clinical import reasons
from screening.exports import csv as csv_export
from screening.forms.review import DecisionForm, EraseForm, ReviewFilterForm
from screening.models import AccessLog, Decision, Outcome, Submission
from screening.views.access import get_submission_for_therapist as _get_submission_for_therapist

# The therapist's queue filter lives in the session: a searched name must never appear in a URL.
REVIEW_FILTER_SESSION_KEY = "review_filter"
AUDIT_ROWS_SHOWN = 50


@transaction.non_atomic_requests  # reads only (the filter goes to the session): see home()
@therapist_required
@sensitive_post_parameters("search")
@require_http_methods(["GET", "HEAD", "POST"])
def review_queue(request: TherapistRequest) -> HttpResponse:
    if request.method == "POST" and "reset" in request.POST:
        request.session.pop(REVIEW_FILTER_SESSION_KEY, None)
        return redirect("screening:review-queue")
    if request.method == "POST":
        # The filter and the sort are posted by two forms: each keeps what the other chose.
        form = ReviewFilterForm({**(_session_filter_data(request) or {}), **request.POST.dict()})
        if form.is_valid():
            request.session[REVIEW_FILTER_SESSION_KEY] = form.session_data()
            return redirect("screening:review-queue")
    else:
        form = ReviewFilterForm(_session_filter_data(request))
    review_filter = form.review_filter()
    form.sort_choice(review_filter)
    rows = Submission.objects.for_queue(review_filter)
    tallies = None
    if review_filter.search.strip():
        # A search finds a patient: its first matches, no counts by outcome (queue.searched_page).
        page, search_capped = queue.searched_page(rows, request.GET.get("page"))
    else:
        # The outcome tallies ignore the outcome filter, and give the paginator its total for free.
        counts = Submission.objects.outcome_counts(review_filter)
        total = counts[review_filter.outcome] if review_filter.outcome else sum(counts.values())
        paginator = queue.QueuePaginator(rows, queue.QUEUE_PAGE_SIZE, count=total)
        page, search_capped = paginator.get_page(request.GET.get("page")), False
        tallies = [(value, label, counts[value]) for value, label in Outcome.choices]
    context = {
        "form": form,
        "page": page,
        "rows": queue_rows.queue_rows(page.object_list, now=timezone.now()),
        "tallies": tallies,
        "search_cap": queue.SEARCH_COUNT_CAP,
        "search_capped": search_capped,
        "review_filter": review_filter,
        "target_hours": settings.REVIEW_TARGET_HOURS,
    }
    return render(request, "screening/review/queue.html", context)


@therapist_required
@require_safe
def review_detail(request: TherapistRequest, code: uuid.UUID) -> HttpResponse:
    submission = _get_submission_for_therapist(request, code)
    matches = duplicates.matches_for([submission])[submission.pk]
    form = DecisionForm(submission=submission, candidates=matches)
    return _render_detail(request, submission, form, matches=matches)


@therapist_required
@sensitive_post_parameters("note")
@require_http_methods(["GET", "HEAD", "POST"])
def review_decide(request: TherapistRequest, code: uuid.UUID) -> HttpResponse:
    if request.method != "POST":  # GET or HEAD: a reload or a copied address after a refused decision
        return redirect("screening:review-detail", code)
    submission = _get_submission_for_therapist(request, code, detail="decision form sent")
    matches = duplicates.matches_for([submission])[submission.pk]
    form = DecisionForm(request.POST, submission=submission, candidates=matches)
    if not form.is_valid():
        return _render_detail(request, submission, form, matches=matches)
    try:
        services.decision_record(
            submission=submission,
            therapist=request.user,
            choice=form.cleaned_data["choice"],
            note=form.cleaned_data["note"],
            seen_decision_id=form.cleaned_data["seen_decision"],
            duplicate_of_id=form.cleaned_data.get("duplicate_of"),
        )
    except ValidationError as refused:  # a duplicate erased or re-sent since the form was checked
        form.add_error(None, refused)
        return _render_detail(request, submission, form, matches=matches)
    except services.DecisionConflict as conflict:
        submission.latest_decision = conflict.latest
        form.decided_meanwhile(conflict.latest)
        return _render_detail(request, submission, form, matches=matches, conflict=conflict.latest)
    messages.success(request, _("Decision saved for %(reference)s.") % {"reference": submission.reference})
    return redirect("screening:review-queue")


@therapist_required
@sensitive_post_parameters("reference")
@require_POST
def review_erase(request: TherapistRequest, code: uuid.UUID) -> HttpResponse:
    submission = _get_submission_for_therapist(request, code, detail="erase form sent")
    form = EraseForm(request.POST, submission=submission)
    if not form.is_valid():
        messages.error(
            request, EraseForm.error_messages["wrong_reference"] % {"reference": submission.reference}
        )
        return redirect("screening:review-detail", code)
    services.submission_erase(submission=submission, user=request.user)
    messages.success(
        request,
        _("Erased %(reference)s: its answers, contact details and decisions are gone for good.")
        % {"reference": submission.reference},
    )
    return redirect("screening:review-queue")


@therapist_required
@require_safe
def review_export(request: TherapistRequest) -> StreamingHttpResponse:
    review_filter = ReviewFilterForm(_session_filter_data(request)).review_filter()
    submissions = Submission.objects.for_queue(review_filter)
    detail = f"rows={submissions.count()} {review_filter.describe()}"
    services.access_log_record(user=request.user, action=AccessLog.Action.EXPORT, detail=detail)
    rows = csv_export.submission_rows(submissions.iterator(chunk_size=1000))
    response = StreamingHttpResponse(csv_export.csv_chunks(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="screenings-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


def _render_detail(
    request: TherapistRequest,
    submission: Submission,
    form: DecisionForm,
    *,
    matches: list[duplicates.Match],
    conflict: Decision | None = None,
) -> HttpResponse:
    audit = list(AccessLog.objects.filter(submission=submission)[: AUDIT_ROWS_SHOWN + 1])
    context = {
        "submission": submission,
        "answer_rows": presenters.answer_rows(submission),
        "reasons": submission.reasons,
        "ls_text": reasons.LIKELY_SUITABLE_THERAPIST_TEXT,
        "decisions": Decision.objects.filter(submission=submission).select_related(
            "therapist__therapist_profile", "duplicate_of"
        ),
        "duplicates": duplicates.open_matches(submission, matches),
        "form": form,
        "audit": audit[:AUDIT_ROWS_SHOWN],
        "audit_more": len(audit) > AUDIT_ROWS_SHOWN,
        "conflict": conflict,
        "decision_errors": _decision_errors(form, conflict=conflict),
        "erase_form": EraseForm(submission=submission),
    }
    # 409 tells the browser's history and the tests that the decision was not saved.
    return render(request, "screening/review/detail.html", context, status=409 if conflict else 200)


# Where each error of the decision form takes the therapist: the field itself.
_ERROR_ANCHORS = {"choice": "id_choice_0", "note": "id_note"}


def _decision_errors(form: DecisionForm, *, conflict: Decision | None) -> list[tuple[str, str]]:
    """The error summary's lines: (the field's id or "", message). A conflict has its own line."""
    return [
        (_ERROR_ANCHORS.get(field, ""), message)
        for field, messages_ in form.errors.items()
        if not (conflict and field == NON_FIELD_ERRORS)
        for message in messages_
    ]


def _session_filter_data(request: HttpRequest) -> dict[str, str] | None:
    return request.session.get(REVIEW_FILTER_SESSION_KEY)
