"""The patient's pages: the start page, the one-page send, and the confirmation once it is sent.

The questionnaire itself is asked one page at a time (views/intake_steps.py). A POST of every
answer at once to /intake/ is still accepted on purpose: it is the same form the steps fill in at
"Send" (same checks, token, rate limit and calm 503), and it is how the load tests, the live
fault tests and any form a clinic embeds elsewhere send a whole questionnaire in one request.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from screening import kiosk, services
from screening.accounts import clients
from screening.clinical import reasons
from screening.forms.intake import TOKEN_MAX_AGE, IntakeForm, new_form_token
from screening.models import Submission
from screening.views import errors

# The session key that lets this browser, and only this one, read its own note.
RESULT_SESSION_KEY = "screening_result"
# How long after sending the note stays readable in the same browser visit.
RESULT_VISIBLE_FOR = timedelta(hours=1)


# Pages that only read are not wrapped in ATOMIC_REQUESTS' transaction: on SQLite that starts
# with BEGIN IMMEDIATE, which takes the one write lock for the whole render and makes every
# patient's submit wait behind it. Their session is saved by its middleware, outside the view.
@transaction.non_atomic_requests
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    response = render(request, "screening/patient/home.html")
    if kiosk.active(request):
        add_never_cache_headers(response)  # every page of a shared tablet: nothing kept for Back
    return response


# Not one request-wide transaction: the submit opens its own, so that when the database fails
# the transaction is already rolled back and this view can still answer with the 503 page.
@transaction.non_atomic_requests
@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "HEAD", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":  # GET and HEAD alike: a HEAD must never count as a send
        return redirect("screening:intake-step", slug="name")
    return _one_page(request, IntakeForm(request.POST))


@transaction.non_atomic_requests  # reads only: see home()
@never_cache
@require_safe
def intake_one_page(request: HttpRequest) -> HttpResponse:
    """Every question on one page, sent to /intake/ in one POST. No page links here: patients are
    asked one page at a time. It stays for the load and fault tests and for a clinic that embeds the
    whole questionnaire elsewhere, and it is checked like every patient page."""
    return render(request, "screening/patient/intake.html", {"form": IntakeForm(), "errors": False})


def _one_page(request: HttpRequest, form: IntakeForm) -> HttpResponse:
    if clients.intake_rate_limited(request):
        # The answers stay on the page: the patient can send them again after a pause.
        form.add_error(None, ValidationError(form.error_messages["rate_limited"], code="rate_limited"))
        context = {"form": form, "errors": form.error_summary()}
        return render(request, "screening/patient/intake.html", context, status=429)
    if form.is_valid():
        try:
            submit(request, form)
        except (OperationalError, InterfaceError) as exc:
            return errors.intake_unavailable(request, form, exc)
        except clients.ReplayedFormToken:
            # Another browser's used token: its answers come back with a fresh token, never that note.
            token_used = ValidationError(form.error_messages["token_invalid"], code="token_invalid")
            form.add_error("form_token", token_used)
        else:
            return redirect("screening:result")
    if form.has_error("form_token"):
        form.data = form.data.copy()
        form.data["form_token"] = new_form_token()
    return render(request, "screening/patient/intake.html", {"form": form, "errors": form.error_summary()})


def submit(request: HttpRequest, form: IntakeForm) -> None:
    # The submission and the session that lets this browser read its note are stored together
    # or not at all.
    with transaction.atomic():
        submission, created = services.submission_create_or_replay(
            answers=form.to_answers(),
            contact=form.contact(),
            language=get_language() or "en",
            form_token=form.token_uuid(),
        )
        if not clients.form_token_claim(request, form.token_uuid(), created=created, timeout=TOKEN_MAX_AGE):
            raise clients.ReplayedFormToken
        request.session[RESULT_SESSION_KEY] = {"code": str(submission.code), "at": timezone.now().isoformat()}
        request.session.cycle_key()


@transaction.non_atomic_requests  # reads only: see home()
@never_cache
@require_safe
def result(request: HttpRequest) -> HttpResponse:
    submission = _own_submission(request)
    if submission is None:
        return render(request, "screening/patient/result_gone.html", status=404)
    if kiosk.active(request):
        # On a shared tablet the note is shown once: a reload, Back or the next patient finds nothing.
        del request.session[RESULT_SESSION_KEY]
    context = {
        "submission": submission,
        # The same stored reasons as the therapist's page, retired codes included.
        "reasons": submission.reasons,
        "ls_text": reasons.LIKELY_SUITABLE_PATIENT_TEXT,
        "tel_href": "tel:" + re.sub(r"[^0-9+]", "", settings.CLINIC_PHONE),
    }
    return render(request, "screening/patient/result.html", context)


@require_POST
def start_over(request: HttpRequest) -> HttpResponse:
    """Clears every answer of this visit (a new, empty session) and opens the first question."""
    request.session.flush()
    return redirect("screening:intake")


@require_POST
def finish(request: HttpRequest) -> HttpResponse:
    """Ends the visit: the session goes, so Back shows no answers and no note, only the start page."""
    request.session.flush()
    return redirect("screening:home")


def _own_submission(request: HttpRequest) -> Submission | None:
    held = request.session.get(RESULT_SESSION_KEY)
    if not held:
        return None
    sent_at = timezone.datetime.fromisoformat(held["at"])
    if timezone.now() - sent_at > RESULT_VISIBLE_FOR:
        del request.session[RESULT_SESSION_KEY]
        return None
    return Submission.objects.filter(code=held["code"]).first()
