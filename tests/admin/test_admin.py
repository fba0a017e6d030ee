"""The Django admin shows decisions and the audit trail to staff, and lets nobody change them.

pytest-django's admin_client is logged in as "admin", a superuser: every permission check passes.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from screening import services
from screening.models import AccessLog, TherapistProfile
from tests.support.factories import SubmissionFactory

pytestmark = pytest.mark.django_db


def test_admin_lists_the_audit_trail_but_offers_no_add_change_or_delete(
    admin_client: Client, therapist: User
) -> None:
    entry = services.access_log_record(user=therapist, action=AccessLog.Action.EXPORT, detail="rows=0")
    listing = admin_client.get(reverse("admin:screening_accesslog_changelist"))
    assert listing.status_code == 200
    assert "rows=0" in listing.content.decode()
    assert admin_client.get(reverse("admin:screening_accesslog_add")).status_code == 403
    change_url = reverse("admin:screening_accesslog_change", args=[entry.pk])
    assert 'name="detail"' not in admin_client.get(change_url).content.decode()
    assert admin_client.post(change_url, {"detail": "edited"}).status_code == 403
    delete_url = reverse("admin:screening_accesslog_delete", args=[entry.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    bulk = admin_client.post(
        reverse("admin:screening_accesslog_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert bulk.status_code == 200  # the changelist again: there is no delete action to run
    assert AccessLog.objects.get(pk=entry.pk).detail == "rows=0"
    assert AccessLog.objects.count() == 2  # the export row and admin_client's log-in, none deleted


def test_opening_a_submission_in_the_admin_is_logged(admin_client: Client) -> None:
    submission = SubmissionFactory()
    response = admin_client.get(reverse("admin:screening_submission_change", args=[submission.pk]))
    assert response.status_code == 200
    entry = AccessLog.objects.get(action=AccessLog.Action.VIEW)
    assert (entry.username, entry.action, entry.submission, entry.detail) == (
        "admin",
        "view",
        submission,
        "admin",
    )


def test_admin_lists_account_events_and_filters_them_by_action(admin_client: Client, therapist: User) -> None:
    # admin_client's own log-in is the first row; then a wrong password for Thea from one address.
    Client().post(reverse("login"), {"username": "thea", "password": "wrong"}, REMOTE_ADDR="198.51.100.4")
    changelist = reverse("admin:screening_accesslog_changelist")
    listing = admin_client.get(changelist)
    assert [e.action for e in listing.context["cl"].result_list] == ["login_failed", "login"]
    assert "198.51.100.4" in listing.content.decode()
    failed = admin_client.get(changelist, {"action__exact": "login_failed"})
    assert [(e.username, e.client_address) for e in failed.context["cl"].result_list] == [
        ("thea", "198.51.100.4")
    ]


def test_only_therapists_see_patients_in_the_admin_whatever_their_model_permissions(
    therapist: User,
) -> None:
    from django.contrib.auth.models import Permission

    submission = SubmissionFactory(first_name="Marisol", phone="(555) 010-7777")
    clerk = User.objects.create_user("oscar", password="correct-horse-battery", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_submission", "view_decision", "view_accesslog"])
    )
    staff = Client()
    staff.force_login(clerk)
    change = reverse("admin:screening_submission_change", args=[submission.pk])
    assert staff.get(reverse("admin:screening_submission_changelist")).status_code == 403
    assert staff.get(change).status_code == 403
    assert staff.get(reverse("admin:screening_decision_changelist")).status_code == 403
    assert "Marisol" not in staff.get(reverse("admin:index")).content.decode()
    assert staff.get(reverse("admin:screening_accesslog_changelist")).status_code == 200

    therapist.is_staff = True
    therapist.save()
    therapist.user_permissions.add(Permission.objects.get(codename="view_submission"))
    reviewer = Client()
    reviewer.force_login(therapist)
    assert "(555) 010-7777" in reviewer.get(change).content.decode()


def test_the_user_page_sets_a_therapists_credentials_and_refuses_markup(
    admin_client: Client, therapist: User
) -> None:
    url = reverse("admin:auth_user_change", args=[therapist.pk])
    page = admin_client.get(url)
    assert 'name="therapist_profile-0-credentials"' in page.content.decode()
    form = {
        "username": therapist.username,
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "is_active": "on",
        "groups": [g.pk for g in therapist.groups.all()],
        "therapist_profile-TOTAL_FORMS": "1",
        "therapist_profile-INITIAL_FORMS": "0",
        "therapist_profile-MIN_NUM_FORMS": "0",
        "therapist_profile-MAX_NUM_FORMS": "1",
        "therapist_profile-0-user": str(therapist.pk),
    }
    refused = admin_client.post(url, {**form, "therapist_profile-0-credentials": "<b>PT</b>"})
    assert refused.status_code == 200
    assert not TherapistProfile.objects.exists()
    saved = admin_client.post(url, {**form, "therapist_profile-0-credentials": "PT, DPT"})
    assert saved.status_code == 302
    assert TherapistProfile.objects.get(user=therapist).credentials == "PT, DPT"
