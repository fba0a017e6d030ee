"""The patient's own check-in on the clinic's device: no login, one code for one session.

The code (or the link that carries it) is exchanged at once for a session key, so it does not stay
in the address bar or the browser's history; the page shows no name and nothing from the screening.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_safe

from screening import services
from screening.clinical import session_reasons
from screening.clinical.session_rules import session_reason_for
from screening.forms.course import CheckInCodeForm, CheckInForm
from screening.models import CheckIn, CheckInLink

LINK_SESSION_KEY = "check_in_link"
DONE_SESSION_KEY = "check_in_done"


@never_cache
@sensitive_post_parameters()
@sensitive_variables("link_code")
@require_http_methods(["GET", "HEAD", "POST"])
def check_in_start(request: HttpRequest, link_code: str | None = None) -> HttpResponse:
    form = CheckInCodeForm(request.POST or None)
    if link_code or (request.method == "POST" and form.is_valid()):
        link = services.check_in_link_find(link_code or form.cleaned_data["code"])
        if link is not None:
            request.session[LINK_SESSION_KEY] = link.pk
            request.session.pop(DONE_SESSION_KEY, None)
            return redirect("screening:check-in-answer")
        if link_code:
            return render(request, "screening/course/patient_gone.html", status=410)
        form.add_error("code", ValidationError(CheckInCodeForm.error_messages["unknown"], code="unknown"))
    return render(
        request, "screening/course/patient_start.html", {"form": form}, status=400 if form.errors else 200
    )


def _session_link(request: HttpRequest) -> CheckInLink | None:
    pk = request.session.get(LINK_SESSION_KEY)
    link = (
        CheckInLink.objects.select_related("course__submission", "created_by").filter(pk=pk).first()
        if pk
        else None
    )
    # An expired or used link is as dead here as by its code.
    return link if link is not None and services.check_in_link_live(link) else None


@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "HEAD", "POST"])
def check_in_answer(request: HttpRequest) -> HttpResponse:
    link = _session_link(request)
    if link is None:
        return render(request, "screening/course/patient_gone.html", status=410)
    form = CheckInForm(request.POST or None, first_session=link.session_number == 1)
    if request.method == "POST" and form.is_valid():
        try:
            check_in = services.check_in_record(
                course=link.course,
                answers=form.to_answers(),
                recorded_by=link.created_by,
                filled_by=CheckIn.FilledBy.PATIENT,
                link=link,
            )
        except ValidationError:
            return render(request, "screening/course/patient_gone.html", status=410)
        request.session.pop(LINK_SESSION_KEY, None)
        request.session[DONE_SESSION_KEY] = check_in.pk
        return redirect("screening:check-in-done")
    context = {"form": form, "session_number": link.session_number}
    return render(
        request, "screening/course/patient_check_in.html", context, status=400 if form.errors else 200
    )


@never_cache
@require_safe
def check_in_done(request: HttpRequest) -> HttpResponse:
    # Shown once: the tablet is handed to the next patient.
    pk = request.session.pop(DONE_SESSION_KEY, None)
    check_in = CheckIn.objects.filter(pk=pk).first() if pk else None
    if check_in is None:
        return render(request, "screening/course/patient_gone.html", status=410)
    reasons = [session_reason_for(code) for code in check_in.reason_codes]
    context = {"check_in": check_in, "reasons": reasons, "go_text": session_reasons.GO_PATIENT_TEXT}
    return render(request, "screening/course/patient_done.html", context)
