from __future__ import annotations

import csv
import io
import logging
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.context_processors import PermWrapper
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError, transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from screening import exports, rules, security, services
from screening.decorators import TherapistRequest, therapist_required
from screening.forms import DecisionForm, EraseForm, IntakeForm, ReviewFilterForm, new_form_token
from screening.models import AccessLog, Decision, Outcome, Submission

if TYPE_CHECKING:
    from django.core.paginator import Page

# Context for pages shown while the database is down: no user, permissions or messages, which
# would read the session from it.
_NO_DATABASE = {"user": AnonymousUser(), "perms": PermWrapper(AnonymousUser()), "messages": ()}

# The session key that lets this browser, and only this one, read its own note.
RESULT_SESSION_KEY = "screening_result"
# How long after sending the note stays readable in the same browser visit.
RESULT_VISIBLE_FOR = timedelta(hours=1)
# The therapist's queue filter lives in the session: a searched name must never appear in a URL.
REVIEW_FILTER_SESSION_KEY = "review_filter"
QUEUE_PAGE_SIZE = 25
AUDIT_ROWS_SHOWN = 50

logger = logging.getLogger(__name__)


# Pages that only read are not wrapped in ATOMIC_REQUESTS' transaction: on SQLite that starts
# with BEGIN IMMEDIATE, which takes the one write lock for the whole render and makes every
# patient's submit wait behind it. Their session is saved by its middleware, outside the view.
@transaction.non_atomic_requests
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "screening/home.html")


# Not one request-wide transaction: the submit opens its own, so that when the database fails
# the transaction is already rolled back and this view can still answer with the 503 page.
@transaction.non_atomic_requests
@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    form = IntakeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and security.intake_rate_limited(request):
        # The answers stay on the page: the patient can send them again after a pause.
        form.add_error(None, ValidationError(form.error_messages["rate_limited"], code="rate_limited"))
        context = {"form": form, "errors": form.error_summary()}
        return render(request, "screening/intake.html", context, status=429)
    if request.method == "POST":
        if form.is_valid():
            try:
                _submit(request, form)
            except (OperationalError, InterfaceError) as exc:
                return _unavailable(request, form, exc)
            return redirect("screening:result")
        if form.has_error("form_token"):
            form.data = form.data.copy()
            form.data["form_token"] = new_form_token()
    return render(
        request, "screening/intake.html", {"form": form, "errors": form.is_bound and form.error_summary()}
    )


def _submit(request: HttpRequest, form: IntakeForm) -> None:
    # The submission and the session that lets this browser read its note are stored together
    # or not at all.
    with transaction.atomic():
        submission = services.submission_create(
            answers=form.to_answers(),
            contact=form.contact(),
            language=get_language() or "en",
            form_token=form.token_uuid(),
        )
        request.session[RESULT_SESSION_KEY] = {"code": str(submission.code), "at": timezone.now().isoformat()}
        request.session.cycle_key()


def _unavailable(request: HttpRequest, form: IntakeForm, exc: Exception) -> HttpResponse:
    """The answers, back in the form with the same token, so sending again stores them once."""
    logger.warning("Intake submit failed, database unavailable: %s: %s", type(exc).__name__, exc)
    # The page must not touch the database: no user or messages, which would read the session.
    response = render(
        request, "screening/intake_unavailable.html", {"form": form, **_NO_DATABASE}, status=503
    )
    response["Retry-After"] = "30"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage anywhere in the request (a middleware reading the session, say)
    still gets the calm 503, and a questionnaire being sent still comes back with every answer."""
    exc = sys.exc_info()[1]
    if not isinstance(exc, OperationalError | InterfaceError):
        return defaults.server_error(request)
    if request.method == "POST" and request.path == reverse("screening:intake"):
        return _unavailable(request, IntakeForm(request.POST), exc)
    logger.warning("Request failed, database unavailable: %s", type(exc).__name__)
    response = render(request, "503.html", _NO_DATABASE, status=503)
    response["Retry-After"] = "30"
    return response


@transaction.non_atomic_requests  # reads only: see home()
@never_cache
@require_GET
def result(request: HttpRequest) -> HttpResponse:
    submission = _own_submission(request)
    if submission is None:
        return render(request, "screening/result_gone.html", status=404)
    assessment_reasons = [rules.REASONS[code] for code in submission.reason_codes]
    context = {
        "submission": submission,
        "reasons": assessment_reasons,
        "ls_text": rules.LIKELY_SUITABLE_PATIENT_TEXT,
    }
    return render(request, "screening/result.html", context)


@require_POST
def start_over(request: HttpRequest) -> HttpResponse:
    request.session.flush()
    return redirect("screening:intake")


def _own_submission(request: HttpRequest) -> Submission | None:
    held = request.session.get(RESULT_SESSION_KEY)
    if not held:
        return None
    sent_at = timezone.datetime.fromisoformat(held["at"])
    if timezone.now() - sent_at > RESULT_VISIBLE_FOR:
        del request.session[RESULT_SESSION_KEY]
        return None
    return Submission.objects.filter(code=held["code"]).first()


@transaction.non_atomic_requests  # reads only (the filter goes to the session): see home()
@therapist_required
@sensitive_post_parameters("search")
@require_http_methods(["GET", "POST"])
def review_queue(request: TherapistRequest) -> HttpResponse:
    if request.method == "POST" and "reset" in request.POST:
        request.session.pop(REVIEW_FILTER_SESSION_KEY, None)
        return redirect("screening:review-queue")
    form = ReviewFilterForm(request.POST if request.method == "POST" else _session_filter_data(request))
    if request.method == "POST" and form.is_valid():
        request.session[REVIEW_FILTER_SESSION_KEY] = form.session_data()
        return redirect("screening:review-queue")
    review_filter = form.review_filter()
    # The outcome tallies ignore the outcome filter, and give the paginator its total for free.
    counts = Submission.objects.outcome_counts(review_filter)
    total = counts[review_filter.outcome] if review_filter.outcome else sum(counts.values())
    paginator = _QueuePaginator(Submission.objects.for_queue(review_filter), QUEUE_PAGE_SIZE, count=total)
    context = {
        "form": form,
        "page": paginator.get_page(request.GET.get("page")),
        "tallies": [(value, label, counts[value]) for value, label in Outcome.choices],
        "review_filter": review_filter,
    }
    return render(request, "screening/queue.html", context)


@therapist_required
@require_GET
def review_detail(request: TherapistRequest, code: uuid.UUID) -> HttpResponse:
    submission = _get_submission_for_therapist(request, code)
    return _render_detail(request, submission, DecisionForm(submission=submission))


@therapist_required
@sensitive_post_parameters("note")
@require_http_methods(["GET", "POST"])
def review_decide(request: TherapistRequest, code: uuid.UUID) -> HttpResponse:
    if request.method == "GET":  # a reload or a copied address after a refused decision
        return redirect("screening:review-detail", code)
    submission = _get_submission_for_therapist(request, code, detail="decision form sent")
    form = DecisionForm(request.POST, submission=submission)
    if not form.is_valid():
        return _render_detail(request, submission, form)
    try:
        services.decision_record(
            submission=submission,
            therapist=request.user,
            choice=form.cleaned_data["choice"],
            note=form.cleaned_data["note"],
            seen_decision_id=form.cleaned_data["seen_decision"],
        )
    except services.DecisionConflict as conflict:
        submission.latest_decision = conflict.latest
        form.decided_meanwhile(conflict.latest)
        return _render_detail(request, submission, form, conflict=conflict.latest)
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
@require_GET
def review_export(request: TherapistRequest) -> StreamingHttpResponse:
    review_filter = ReviewFilterForm(_session_filter_data(request)).review_filter()
    submissions = Submission.objects.for_queue(review_filter)
    detail = f"rows={submissions.count()} {review_filter.describe()}"
    services.access_log_record(user=request.user, action=AccessLog.Action.EXPORT, detail=detail)
    rows = exports.submission_rows(submissions.iterator(chunk_size=1000))
    response = StreamingHttpResponse(_csv_chunks(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="screenings-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


def _get_submission_for_therapist(
    request: TherapistRequest, code: uuid.UUID, *, detail: str = ""
) -> Submission:
    """The submission, and the audit row saying this therapist opened it; 404 if there is none."""
    submission = get_object_or_404(Submission.objects.select_related("latest_decision__therapist"), code=code)
    services.access_log_record(
        user=request.user, action=AccessLog.Action.VIEW, submission=submission, detail=detail
    )
    return submission


def _render_detail(
    request: TherapistRequest, submission: Submission, form: DecisionForm, *, conflict: Decision | None = None
) -> HttpResponse:
    audit = list(AccessLog.objects.filter(submission=submission)[: AUDIT_ROWS_SHOWN + 1])
    context = {
        "submission": submission,
        "answer_rows": submission.answer_rows(),
        "reasons": submission.reasons,
        "ls_text": rules.LIKELY_SUITABLE_THERAPIST_TEXT,
        "decisions": Decision.objects.filter(submission=submission).select_related("therapist"),
        "form": form,
        "audit": audit[:AUDIT_ROWS_SHOWN],
        "audit_more": len(audit) > AUDIT_ROWS_SHOWN,
        "conflict": conflict,
        "erase_form": EraseForm(submission=submission),
    }
    # 409 tells the browser's history and the tests that the decision was not saved.
    return render(request, "screening/detail.html", context, status=409 if conflict else 200)


def _session_filter_data(request: HttpRequest) -> dict[str, str] | None:
    return request.session.get(REVIEW_FILTER_SESSION_KEY)


class _QueuePaginator(Paginator):
    """Pages of for_queue(): told its total (the outcome counts hold it), fetched in two steps.

    First the page's ids, which SQLite can skip through in an index, then those rows: a deep page
    of 100,000 submissions costs milliseconds instead of reading every row before it.
    """

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        return self._get_page(list(Submission.objects.for_queue_page(ids)), number, self)


def _csv_chunks(rows: Iterator[tuple[str, ...]], *, rows_per_chunk: int = 500) -> Iterator[str]:
    """CSV text in chunks of a few hundred rows: one write per row makes a 100,000-row export crawl."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for n, row in enumerate(rows, start=1):
        writer.writerow(row)
        if n % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
