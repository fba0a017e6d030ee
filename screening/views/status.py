"""Status without an account (/status/): the reference code and date of birth give one of three
messages, never the outcome, the reasons or an answer.

Which message each therapist's decision gives (STATUS_BY_DECISION below):

- no decision yet                                    -> "received": waiting for your therapist;
- "suitable", "not suitable" or "call the patient"   -> "reviewed": we will call you. The first two
  say the same, so the message never tells an outcome; all three mean the clinic calls next;
- any of those three, but the patient gave no phone  -> "call": we cannot call them;
- any other decision (a later one, such as "duplicate") -> "call": never an outcome by accident.

A wrong code, a wrong date of birth and a submission erased or purged all give the same "we could
not find that" page, after the same work: one query by reference, one constant-time comparison of
the date of birth (against a stand-in when no row matched), one access-log row. Like the step
pages, the POST redirects and the result waits in the session for the one GET that shows it, so
neither the code nor the date of birth is ever in a URL.
"""

from __future__ import annotations

import hmac
from datetime import date
from enum import StrEnum

from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from screening import kiosk, services
from screening.accounts import clients
from screening.forms.status import STATUS_STEP, StatusForm
from screening.models import AccessLog, DecisionChoice, Submission

# What the look-up found, kept for the one GET of /status/result/ after the redirect.
RESULT_KEY = "screening_status"
# Why the last look-up was refused (its form errors, not found, too many), for the next GET of /status/.
REFUSED_KEY = "screening_status_refused"


class Status(StrEnum):
    RECEIVED = "received"
    REVIEWED = "reviewed"
    CALL = "call"


STATUS_BY_DECISION: dict[str | None, Status] = {
    None: Status.RECEIVED,
    DecisionChoice.SUITABLE.value: Status.REVIEWED,
    DecisionChoice.NOT_SUITABLE.value: Status.REVIEWED,
    DecisionChoice.CALL_PATIENT.value: Status.REVIEWED,
}


def status_of(submission: Submission) -> Status:
    """The one message this submission gives its patient; "call" for anything not listed."""
    choice = submission.latest_decision.choice if submission.latest_decision else None
    status = STATUS_BY_DECISION.get(choice, Status.CALL)
    if status is Status.REVIEWED and not submission.phone:
        return Status.CALL  # "we will call you" would not be true
    return status


# Compared when no submission has the reference, so that both cases do the same work.
_STAND_IN = b"0000-00-00"


# Not one request-wide transaction: the page only reads (see patient.home()), and the look-up's
# one write, its access-log row, is a single INSERT.
@transaction.non_atomic_requests
@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "HEAD", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _look_up(request)
    held = request.session.pop(REFUSED_KEY, None) or {}
    on_tablet = kiosk.active(request)
    if "data" in held:  # the form's own errors, with what was typed, as a step page shows them
        data = QueryDict(mutable=True)
        for name, values in held["data"].items():
            data.setlist(name, values)
        form = StatusForm(data, kiosk=on_tablet)
        form.is_valid()
        errors = form.error_summary()
    else:  # not found, or too many: empty boxes, whatever was typed, and the same page either way
        form = StatusForm(kiosk=on_tablet)
        errors = []
    refused = held.get("refused")  # "not_found" or "rate_limited": the template says which
    context = {"form": form, "errors": errors, "refused": refused, "heading": STATUS_STEP.title}
    status_code = 429 if refused == "rate_limited" else 200
    return render(request, "screening/patient/status.html", context, status=status_code)


def _look_up(request: HttpRequest) -> HttpResponse:
    form = StatusForm(request.POST)
    if not form.is_valid():
        request.session[REFUSED_KEY] = {"data": {k: request.POST.getlist(k) for k in form.fields}}
        return redirect("screening:status")
    if clients.status_rate_limited(request):
        _log(None, "rate_limited")
        request.session[REFUSED_KEY] = {"refused": "rate_limited"}
        return redirect("screening:status")
    submission = _find(*form.looked_up())
    if submission is None:
        _log(None, "not_found")  # without the code or the date typed
        request.session[REFUSED_KEY] = {"refused": "not_found"}
        return redirect("screening:status")
    found = status_of(submission)
    _log(submission, f"status={found.value}")
    request.session[RESULT_KEY] = found.value
    return redirect("screening:status-result")


def _find(reference: str, born: date) -> Submission | None:
    """The submission with this reference and date of birth; the same work whether it exists or not."""
    found = (
        Submission.objects.filter(reference=reference)
        .select_related("latest_decision")
        .only("id", "reference", "phone", "answers", "latest_decision__choice")
        .order_by()
        .first()
    )
    stored = str(found.answers.get("date_of_birth", "")).encode() if found is not None else _STAND_IN
    matches = hmac.compare_digest(stored, born.isoformat().encode())
    return found if found is not None and matches else None


def _log(submission: Submission | None, detail: str) -> None:
    services.access_log_record(
        user=None,
        username="(patient, status page)",
        action=AccessLog.Action.STATUS_LOOKUP,
        submission=submission,
        detail=detail,
    )


@transaction.non_atomic_requests  # reads only the session
@never_cache
@require_safe
def status_result(request: HttpRequest) -> HttpResponse:
    found = request.session.pop(RESULT_KEY, None)
    if found not in set(Status):
        return redirect("screening:status")  # shown once: a reload or Back asks again
    return render(request, "screening/patient/status_result.html", {"status": Status(found)})
