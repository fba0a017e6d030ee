"""The two-factor pages: set up an authenticator app, enter a code, see the recovery codes once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice

from screening import services
from screening.accounts import twofactor
from screening.models import AccessLog

if TYPE_CHECKING:
    from django_otp.models import Device

RECOVERY_CODES_SESSION_KEY = "otp_recovery_codes"
# Set, to the user's id, once a current code confirmed a move to a new phone (otp_confirm_change).
MOVE_CONFIRMED_SESSION_KEY = "otp_move_confirmed"
# What a current code confirms on the otp_confirm_change page.
CHANGES = ("recovery-codes", "new-phone")


@never_cache
@sensitive_post_parameters("code")
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    # A second set-up over a working one only after a current code (otp_confirm_change, "move").
    moving = request.session.get(MOVE_CONFIRMED_SESSION_KEY) == request.user.pk
    if user_has_device(request.user) and not moving:
        return redirect_to_login(next_url, "otp-verify")
    device = twofactor.totp_device_pending(user=request.user)
    form = twofactor.CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        confirmed = twofactor.totp_device_confirm(user=request.user, code=form.cleaned_data["code"])
        if confirmed is not None:
            device, codes = confirmed
            request.session.pop(MOVE_CONFIRMED_SESSION_KEY, None)
            action = AccessLog.Action.TWO_FACTOR_MOVED if moving else AccessLog.Action.TWO_FACTOR_ENROLLED
            _passed(request, device, action)
            request.session[RECOVERY_CODES_SESSION_KEY] = {"codes": codes, "next": _onward(next_url)}
            return redirect("otp-recovery-codes")
        _failed(request, step="setup")
        form.add_error("code", _wrong_code())
    context = {
        "form": form,
        "next": next_url,
        "secret": twofactor.secret_text(device),
        "uri": device.config_url,
    }
    return render(request, "accounts/otp_setup.html", context)


@never_cache
@login_required
@require_safe
def otp_setup_qr(request: HttpRequest) -> HttpResponse:
    if user_has_device(request.user) and request.session.get(MOVE_CONFIRMED_SESSION_KEY) != request.user.pk:
        raise Http404("set up already")
    device = twofactor.totp_device_pending(user=request.user)
    return HttpResponse(twofactor.qr_svg(device), content_type="image/svg+xml")


@never_cache
@sensitive_post_parameters("code")
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.user.is_verified():
        return redirect(_onward(next_url))
    if not user_has_device(request.user):
        return redirect_to_login(next_url, "otp-setup")
    form = twofactor.CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.second_factor_check(user=request.user, code=form.cleaned_data["code"])
        if device is not None:
            _passed(request, device, AccessLog.Action.TWO_FACTOR_OK)
            return redirect(_onward(next_url))
        _failed(request, step="verify")
        form.add_error("code", _wrong_code())
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
@require_safe
def otp_recovery_codes(request: HttpRequest) -> HttpResponse:
    # Shown once: the codes leave the session as this page is drawn.
    shown = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if shown is None:
        return redirect(_onward(_next_url(request)))
    return render(request, "accounts/otp_recovery_codes.html", shown)


@never_cache
@sensitive_post_parameters("code")
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def otp_confirm_change(request: HttpRequest, change: str) -> HttpResponse:
    """New recovery codes, or a move to a new phone: either only after a current code."""
    if change not in CHANGES:
        raise Http404("no such change")
    if not user_has_device(request.user):
        return redirect_to_login(request.get_full_path(), "otp-setup")
    if not request.user.is_verified():
        return redirect_to_login(request.get_full_path(), "otp-verify")
    form = twofactor.CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.second_factor_check(user=request.user, code=form.cleaned_data["code"])
        if device is not None and change == "recovery-codes":
            codes = twofactor.recovery_codes_replace(user=request.user)
            services.account_event_record(
                action=AccessLog.Action.RECOVERY_CODES_REPLACED, request=request, user=request.user
            )
            request.session[RECOVERY_CODES_SESSION_KEY] = {"codes": codes, "next": _onward("")}
            return redirect("otp-recovery-codes")
        if device is not None:
            request.session[MOVE_CONFIRMED_SESSION_KEY] = request.user.pk
            return redirect("otp-setup")
        _failed(request, step=change)
        form.add_error("code", _wrong_code())
    return render(request, "accounts/otp_confirm_change.html", {"form": form, "change": change})


def _passed(request: HttpRequest, device: Device, action: AccessLog.Action) -> None:
    otp_login(request, device)
    # A new session key for the more trusted session, as django.contrib.auth.login() does.
    request.session.cycle_key()
    kind = "recovery-code" if isinstance(device, StaticDevice) else "app"
    services.account_event_record(action=action, request=request, user=request.user, detail=f"device={kind}")


def _failed(request: HttpRequest, *, step: str) -> None:
    services.account_event_record(
        action=AccessLog.Action.TWO_FACTOR_FAILED, request=request, user=request.user, detail=f"step={step}"
    )


def _wrong_code() -> ValidationError:
    return ValidationError(twofactor.CodeForm.error_messages["wrong_code"], code="wrong_code")


def _next_url(request: HttpRequest) -> str:
    """Where to go after the second step: the asked-for page on this site, else "" (the default)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if safe else ""


def _onward(next_url: str) -> str:
    return next_url or resolve_url(settings.LOGIN_REDIRECT_URL)
