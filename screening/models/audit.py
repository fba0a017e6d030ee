from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from screening.models.appendonly import AppendOnlyModel
from screening.models.submission import Submission


class AccessLog(AppendOnlyModel):
    """Who did what with which submission, and when. Holds no patient data beyond the reference."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        DECIDE = "decide", _("Decided")
        EXPORT = "export", _("Exported")
        REASSESS = "reassess", _("Re-assessed")
        ERASE = "erase", _("Erased on request")
        PURGE = "purge", _("Purged after the retention period")
        LOGIN = "login", _("Logged in")
        LOGOUT = "logout", _("Logged out")
        LOGIN_FAILED = "login_failed", _("Log-in failed")
        LOCKOUT = "lockout", _("Locked out")
        TWO_FACTOR_OK = "two_factor_ok", _("Second step passed")
        TWO_FACTOR_FAILED = "two_factor_failed", _("Second step failed")
        TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("Authenticator app set up")
        TWO_FACTOR_MOVED = "two_factor_moved", _("Authenticator app moved to a new phone")
        RECOVERY_CODES_REPLACED = "recovery_codes_replaced", _("Recovery codes replaced")
        COURSE_OPEN = "course_open", _("Opened a treatment course")
        COURSE_CLOSE = "course_close", _("Closed a treatment course")
        CHECK_IN_LINK = "check_in_link", _("Opened a check-in link")
        CHECK_IN = "check_in", _("Recorded a check-in")
        SESSION_SAVE = "session_save", _("Saved a session note")
        SESSION_SIGN = "session_sign", _("Signed a session note")
        AMEND = "amend", _("Amended a signed session note")
        ADVERSE_EVENT = "adverse_event", _("Recorded an adverse event")
        CONSULT = "consult", _("Recorded a physician consult")
        STATUS_LOOKUP = "status_lookup", _("Status looked up by the patient")

    at = models.DateTimeField(default=timezone.now, editable=False)
    # Null for actions without an account (a failed login, a management command).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=30, choices=Action.choices)
    # SET_NULL so that erasing a submission keeps its trail; the reference says which one it was.
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    submission_reference = models.CharField(max_length=9, blank=True)
    # Codes and counts only: never a name, a date of birth, an answer or a note.
    detail = models.TextField(blank=True)
    # Only on log-in events (services.ADDRESS_ACTIONS): where a password was tried from is what
    # tells an attack from a typo, and lifting a lockout needs it. Not kept for anything else.
    client_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["submission", "-at"], name="accesslog_submission_at"),
            models.Index(fields=["-at"], name="accesslog_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.submission_reference}"
