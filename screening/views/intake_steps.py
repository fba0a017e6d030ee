"""The questionnaire one page at a time: each page checked by the server, then "Check your answers".

Answers in progress live in the session only (database rows Django already has), never in a page,
a URL or a log, and not in the submissions table before "Send". Why the session and not signed
pages: every POST here ends in a redirect, and the GET that follows has nothing to carry signed
state in except the URL, which must never hold answers. The session's answers expire after an
hour without a page sent (4 minutes on a front-desk tablet: screening/kiosk.py), and are deleted on
"Send", "Start over" and "Finish".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from screening import kiosk
from screening.accounts import clients
from screening.clinical import branching, questions
from screening.forms.intake import CONTACT_FIELDS, IntakeForm, layout_version, new_form_token
from screening.forms.steps import (
    SECTION_TITLES,
    STEPS_BY_SLUG,
    Step,
    StepForm,
    applicable_steps,
    initial_for,
)
from screening.views import errors
from screening.views.patient import RESULT_SESSION_KEY, submit

STATE_KEY = "screening_intake"
# What a page refused was sent with, kept for the one GET after the redirect that shows its errors:
# a POST never answers with a page, so Back or a reload never asks to send a form again.
SENT_KEY = "screening_intake_refused"
CHECK = "screening:intake-check"


# ------------------------------------------------------------------ the answers in progress


def load_state(request: HttpRequest) -> dict[str, Any]:
    """The answers so far ({"answers": ..., "touched": ...}); empty after an hour without a page
    sent, or after kiosk.idle_limit() on a front-desk tablet."""
    held = request.session.get(STATE_KEY)
    if held:
        touched = timezone.datetime.fromisoformat(held["touched"])
        if timezone.now() - touched <= kiosk.idle_limit(request):
            return held
        del request.session[STATE_KEY]
    return {"answers": {}}


def _store(request: HttpRequest, state: dict[str, Any]) -> None:
    state["touched"] = timezone.now().isoformat()
    request.session[STATE_KEY] = state
    # The session row itself ends an hour (on a tablet, four minutes) after the last page sent, so
    # an abandoned visit's answers do not wait for the eight-hour cookie to run out.
    request.session.set_expiry(int(kiosk.idle_limit(request).total_seconds()))


def touch_state(request: HttpRequest) -> bool:
    """Keeps the answers in progress for another idle period ("Yes, I'm still here" on a tablet);
    False when there are none left to keep."""
    state = load_state(request)
    if not state["answers"]:
        return False
    _store(request, state)
    return True


def forget_state(request: HttpRequest) -> None:
    request.session.pop(STATE_KEY, None)


def _kept(answers: dict[str, object]) -> dict[str, object]:
    """The answers without those to questions that no longer apply: a skipped page stores nothing."""
    applicable = branching.applicable_questions(answers)
    return {k: v for k, v in answers.items() if k in applicable or k in CONTACT_FIELDS}


def _complete(step: Step, answers: dict[str, object]) -> bool:
    if step.slug == "contact":
        return bool(answers.get("phone") or answers.get("email"))
    return all(answers.get(name) not in (None, "", []) for name in step.fields)


def _first_gap(steps: tuple[Step, ...], answers: dict[str, object]) -> Step | None:
    return next((s for s in steps if not _complete(s, answers)), None)


# ------------------------------------------------------------------ one page


def _step_url(step: Step, *, change: bool = False) -> str:
    url = reverse("screening:intake-step", args=[step.slug])
    return f"{url}?change=1" if change else url


@transaction.non_atomic_requests  # a page writes only the session: see patient.home()
@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "HEAD", "POST"])
def intake_step(request: HttpRequest, slug: str) -> HttpResponse:
    step = STEPS_BY_SLUG.get(slug)
    if step is None:
        raise Http404
    state = load_state(request)
    answers = state["answers"]
    steps = applicable_steps(answers)
    if step not in steps:
        return redirect(_step_url(_first_gap(steps, answers) or steps[0]))
    position = steps.index(step)
    gap = _first_gap(steps, answers)
    if gap is not None and steps.index(gap) < position:
        return redirect(_step_url(gap))  # a later page waits until the earlier ones are answered
    change = request.GET.get("change") == "1"
    planned = _planned_medicine_label(answers) if "medicine_allergies" in step.fields else ""
    personal = {"planned_medicine": planned, "kiosk": kiosk.active(request)}
    if request.method == "POST":
        form = StepForm(step, request.POST, answers=answers, **personal)
        if form.is_valid():
            state["answers"] = _kept({**answers, **form.values()})
            _store(request, state)
            return redirect(_next_url(step, state["answers"], change=change))
        request.session[SENT_KEY] = {
            "page": step.slug,
            "data": {k: request.POST.getlist(k) for k in form.fields},
        }
        return redirect(request.get_full_path())
    refused = _refused(request, step.slug)
    if refused is not None:
        form = StepForm(step, refused, answers=answers, **personal)
        form.is_valid()  # the errors the POST got, shown on this GET
    else:
        form = StepForm(step, initial=initial_for(step, answers), answers=answers, **personal)
    back = (
        reverse(CHECK)
        if change
        else _step_url(steps[position - 1])
        if position
        else reverse("screening:home")
    )
    context = {
        "form": form,
        "step": step,
        "number": position + 1,
        "total": len(steps),
        "back_url": back,
        "errors": form.is_bound and form.error_summary(),
        "planned_medicine": planned,  # in the cache key: the allergy page names it
        "kiosk": personal["kiosk"],  # in the cache key too: a tablet's boxes have autocomplete="off"
        "layout_version": layout_version(),
        "heading": _heading(step),
        # An empty page, with nothing typed or kept, is the same for everyone and can be cached.
        "cacheable": not form.is_bound and not form.initial,
    }
    return render(request, "screening/patient/step.html", context)


def _heading(step: Step) -> str:
    if step.title is not None:
        return str(step.title)
    return _(questions.QUESTIONS_BY_CODE[step.fields[0]].text)


def _refused(request: HttpRequest, page: str) -> QueryDict | None:
    """The data this page was refused with, once, on the GET right after; None on any other visit."""
    held = request.session.pop(SENT_KEY, None)
    if not held or held.get("page") != page:
        return None
    data = QueryDict(mutable=True)
    for name, values in held["data"].items():
        data.setlist(name, values)
    return data


def _next_url(step: Step, answers: dict[str, object], *, change: bool) -> str:
    steps = applicable_steps(answers)
    if change:
        # Back to the check page, unless the change made a page apply that is not answered yet.
        gap = _first_gap(steps, answers)
        return _step_url(gap, change=True) if gap else reverse(CHECK)
    later = steps[steps.index(step) + 1 :] if step in steps else ()
    return _step_url(later[0]) if later else reverse(CHECK)


def _planned_medicine_label(answers: dict[str, object]) -> str:
    drug = branching.planned_medicine(answers)
    return "" if drug is None else _(branching.PLANNED_NAMES[drug])


# ------------------------------------------------------------------ check your answers, and send


@dataclass(frozen=True)
class CheckRow:
    question: str
    answer: list[str]
    change_url: str
    field: str


def check_sections(answers: dict[str, object]) -> list[tuple[str, list[CheckRow]]]:
    """Every answer in the patient's words, grouped as asked, each with its "Change" link."""
    labels = {
        "first_name": _("First name"),
        "last_name": _("Last name"),
        "phone": _("Phone"),
        "email": _("E-mail"),
    }
    groups: list[tuple[str, list[CheckRow]]] = []
    for step in applicable_steps(answers):
        if not groups or groups[-1][0] != step.section:
            groups.append((step.section, []))
        for name in step.fields:
            value = answers.get(name)
            if name in questions.QUESTIONS_BY_CODE:
                q = questions.QUESTIONS_BY_CODE[name]
                label = _(q.text)
                if q.kind is questions.Kind.DATE and value:
                    shown = [formats.date_format(date.fromisoformat(str(value)), "j F Y")]
                else:
                    shown = [_(text) for text in questions.option_labels(name, value)]
            else:
                label, shown = labels[name], [str(value)] if value else [_("Not given")]
            groups[-1][1].append(CheckRow(label, shown, _step_url(step, change=True), name))
    return [(str(SECTION_TITLES[key]), rows) for key, rows in groups]


def _check_page(
    request: HttpRequest, state: dict[str, Any], form: IntakeForm | None, status: int = 200
) -> HttpResponse:
    context = {
        "sections": check_sections(state["answers"]),
        "form": form,
        "form_token": state["token"],
        "errors": form.error_summary() if form is not None else [],
        "back_url": _step_url(applicable_steps(state["answers"])[-1]),
        "consent_label": IntakeForm.base_fields["consent"].label,
    }
    return render(request, "screening/patient/check.html", context, status=status)


@transaction.non_atomic_requests
@never_cache
@require_safe
def intake_check(request: HttpRequest) -> HttpResponse:
    state = load_state(request)
    gap = _first_gap(applicable_steps(state["answers"]), state["answers"])
    if gap is not None:
        return redirect(_step_url(gap))
    if "token" not in state:
        # One token for the visit: "Send" pressed twice, or again after an outage, stores one row.
        state["token"] = new_form_token()
        _store(request, state)
    refused = _refused(request, "check")
    if refused is None:
        return _check_page(request, state, None)
    form = IntakeForm(_intake_data(state["answers"], refused))
    if "rate_limited" in refused:
        form.add_error(None, ValidationError(form.error_messages["rate_limited"], code="rate_limited"))
        return _check_page(request, state, form, status=429)
    form.is_valid()
    return _check_page(request, state, form)


# Not one request-wide transaction: the send opens its own (see patient.intake).
@transaction.non_atomic_requests
@never_cache
@sensitive_post_parameters()
@require_POST
def intake_send(request: HttpRequest) -> HttpResponse:
    try:
        return _send(request)
    except (OperationalError, InterfaceError) as exc:
        return errors.send_unavailable(request, exc)


def _send(request: HttpRequest) -> HttpResponse:
    held = request.session.get(STATE_KEY)
    if not held:
        # Sent already (a second press of "Send") or expired: the note, or the start again.
        return redirect("screening:result" if request.session.get(RESULT_SESSION_KEY) else "screening:intake")
    state = load_state(request)
    steps = applicable_steps(state["answers"])
    gap = _first_gap(steps, state["answers"])
    if gap is not None:
        return redirect(_step_url(gap))
    state.setdefault("token", new_form_token())
    form = IntakeForm(_intake_data(state["answers"], request.POST))
    if clients.intake_rate_limited(request):
        return _refuse_send(request, {**_sent(request), "rate_limited": ["1"]})
    if not form.is_valid():
        if set(form.errors) - {"consent", "form_token"}:
            # Answers kept from before a deploy changed a question: ask that page again.
            wrong = next(
                s
                for s in steps
                if set(s.fields) & set(form.errors)
                or ("date_of_birth" in s.fields and "date_of_birth" in form.errors)
            )
            return redirect(_step_url(wrong, change=True))
        sent = _sent(request)
        if form.has_error("form_token"):
            state["token"] = new_form_token()
            _store(request, state)
        return _refuse_send(request, sent)
    try:
        submit(request, form)
    except clients.ReplayedFormToken:
        # The token another browser already used: the answers stay, with a fresh token, never that note.
        state["token"] = new_form_token()
        _store(request, state)
        return _refuse_send(request, {"consent": request.POST.getlist("consent")})
    forget_state(request)
    return redirect("screening:result")


def _sent(request: HttpRequest) -> dict[str, list[str]]:
    return {name: request.POST.getlist(name) for name in ("consent", "form_token") if name in request.POST}


def _refuse_send(request: HttpRequest, sent: dict[str, list[str]]) -> HttpResponse:
    request.session[SENT_KEY] = {"page": "check", "data": sent}
    return redirect(CHECK)


def _intake_data(answers: dict[str, object], post: QueryDict) -> QueryDict:
    """The one-page form's POST made from the kept answers, with the consent and token just sent."""
    data = QueryDict(mutable=True)
    for name, value in answers.items():
        if isinstance(value, list):
            data.setlist(name, [str(v) for v in value])
        else:
            data[name] = str(value)
    for name in ("consent", "form_token"):
        if name in post:
            data[name] = post[name]
    return data
