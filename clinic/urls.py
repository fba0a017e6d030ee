from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from screening.accounts import views as twofactor_views

handler500 = "screening.views.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", twofactor_views.otp_verify, name="otp-verify"),
    path("accounts/two-factor/setup/", twofactor_views.otp_setup, name="otp-setup"),
    path("accounts/two-factor/setup/qr.svg", twofactor_views.otp_setup_qr, name="otp-setup-qr"),
    path(
        "accounts/two-factor/recovery-codes/", twofactor_views.otp_recovery_codes, name="otp-recovery-codes"
    ),
    path(
        "accounts/two-factor/change/<slug:change>/",
        twofactor_views.otp_confirm_change,
        name="otp-confirm-change",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("screening.urls")),
]
