from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

from screening import services
from screening.accounts.decorators import REVIEW_PERMISSION
from screening.models import AccessLog, Decision, Submission, TherapistProfile


class ReadOnlyAdmin(admin.ModelAdmin):
    """Staff may look; nobody changes a stored screening, decision or log row through the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_changelist_instance(self, request: HttpRequest) -> ChangeList:
        # A filter value the list cannot use is the client's mistake: a 400, not the admin's
        # redirect to "?e=1" (NUL bytes never get this far: accounts/bodies.py refuses them).
        try:
            return super().get_changelist_instance(request)
        except IncorrectLookupParameters as exc:
            raise BadRequest("invalid admin filter") from exc


class PatientDataAdmin(ReadOnlyAdmin):
    """Names, contact details, answers and notes: only therapists (the review permission) see them,
    whatever model permissions a staff user was given, as the consent the patient read promises."""

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return super().has_view_permission(request, obj) and request.user.has_perm(REVIEW_PERMISSION)


@admin.register(Submission)
class SubmissionAdmin(PatientDataAdmin):
    list_display = ("reference", "created_at", "outcome", "rules_version", "language")
    list_filter = ("outcome", "rules_version")
    search_fields = ("reference",)
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = (
        "reference",
        "code",
        "created_at",
        "first_name",
        "last_name",
        "phone",
        "email",
        "language",
        "outcome",
        "reason_codes",
        "rules_version",
        "answers",
        "latest_decision",
    )
    readonly_fields = fields

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # Opening a submission here shows patient data just as the detail page does, so it is logged too.
        submission = self.get_object(request, object_id)
        if submission is not None and self.has_view_permission(request, submission):
            services.access_log_record(
                user=request.user, action=AccessLog.Action.VIEW, submission=submission, detail="admin"
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Decision)
class DecisionAdmin(PatientDataAdmin):
    list_display = ("submission", "created_at", "choice", "automated_outcome", "therapist")
    list_filter = ("choice", "automated_outcome")
    search_fields = ("submission__reference",)
    list_select_related = ("submission", "therapist")
    date_hierarchy = "created_at"
    fields = ("submission", "created_at", "therapist", "choice", "automated_outcome", "note")
    readonly_fields = fields


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "username", "action", "submission_reference", "detail", "client_address")
    list_filter = ("action",)
    search_fields = ("submission_reference", "username", "client_address")
    date_hierarchy = "at"
    show_full_result_count = False
    fields = (
        "at",
        "user",
        "username",
        "action",
        "submission",
        "submission_reference",
        "detail",
        "client_address",
    )
    readonly_fields = fields


class TherapistProfileInline(admin.StackedInline):
    model = TherapistProfile
    can_delete = False
    fields = ("credentials",)


# Django's own user admin with the therapist's credentials on the same page.
admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class TherapistUserAdmin(UserAdmin):
    inlines = (TherapistProfileInline,)
