from __future__ import annotations

import logging
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from screening import rules, services
from screening.forms import IntakeForm, new_form_token
from screening.models import Submission

# The session key that lets this browser, and only this one, read its own note.
RESULT_SESSION_KEY = "screening_result"
# How long after sending the note stays readable in the same browser visit.
RESULT_VISIBLE_FOR = timedelta(hours=1)

logger = logging.getLogger(__name__)


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
    context = {"form": form, "user": AnonymousUser(), "messages": ()}
    response = render(request, "screening/intake_unavailable.html", context, status=503)
    response["Retry-After"] = "30"
    return response


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
