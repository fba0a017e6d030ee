from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from screening.models import Submission


class ReadOnlyAdmin(admin.ModelAdmin):
    """Staff may look; nobody changes a stored screening through the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
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
    )
    readonly_fields = fields
