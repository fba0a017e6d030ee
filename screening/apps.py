from __future__ import annotations

from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = "Iontophoresis screening"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from screening.accounts import signals

        # Log-in, log-out, failures and lockouts go to the audit trail.
        signals.connect()
