"""The questionnaire one page at a time, through Django's test client."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from screening.forms.steps import STEPS, STEPS_BY_SLUG
from screening.models import Submission
from screening.views.intake_steps import STATE_KEY
from tests.support.answers import make_answers
from tests.support.intake import INTAKE, RESULT, form_data
from tests.support.steps import CHECK, SEND, page_data, send, step_url, walk

pytestmark = pytest.mark.django_db


def kept_answers(client: Client) -> dict[str, Any]:
    return client.session.get(STATE_KEY, {}).get("answers", {})


def error_codes(response: Any) -> dict[str, list[str]]:
    return {name: [e.code for e in errs] for name, errs in response.context["form"].errors.as_data().items()}


def test_a_patient_who_answers_every_page_and_sends_gets_one_stored_submission(client: Client) -> None:
    response = walk(client)
    assert response["Location"] == CHECK
    assert not Submission.objects.exists()
    response = send(client)
    assert response.status_code == 302
    assert response["Location"] == RESULT
    submission = Submission.objects.get()
    assert submission.answers == make_answers()
    assert (submission.first_name, submission.last_name, submission.phone) == (
        "Rosa",
        "Reyes",
        "(555) 010-1234",
    )
    assert STATE_KEY not in client.session


def test_the_questionnaire_starts_on_its_first_page(client: Client) -> None:
    response = client.get(INTAKE)
    assert response.status_code == 302
    assert response["Location"] == step_url(STEPS[0].slug)


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.slug)
def test_each_page_sent_empty_comes_back_with_its_errors_and_stores_nothing(
    client: Client, step: Any
) -> None:
    for earlier in STEPS[: STEPS.index(step)]:
        client.post(step_url(earlier.slug), page_data(earlier))
    before = dict(kept_answers(client))
    response = client.post(step_url(step.slug), {}, follow=True)
    assert response.redirect_chain == [(step_url(step.slug), 302)]  # a POST never answers with a page
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error:" in html
    assert 'id="error-summary"' in html
    assert response.context["form"].errors
    for anchor, _message in response.context["errors"]:
        assert f'id="{anchor}"' in html  # the summary links to the field
    assert kept_answers(client) == before
    assert not Submission.objects.exists()


def test_every_page_says_which_step_it_is_and_links_back(client: Client) -> None:
    for number, step in enumerate(STEPS, start=1):
        response = client.get(step_url(step.slug))
        html = response.content.decode()
        assert f"Step {number} of {len(STEPS)}" in html
        back = step_url(STEPS[number - 2].slug) if number > 1 else "/"
        assert f'class="back-link" href="{back}"' in html
        client.post(step_url(step.slug), page_data(step))


def test_a_later_page_opened_early_sends_the_patient_to_the_first_unanswered_one(client: Client) -> None:
    client.post(step_url("name"), page_data(STEPS_BY_SLUG["name"]))
    response = client.get(step_url("allergies"))
    assert response["Location"] == step_url("date-of-birth")
    response = client.get(CHECK)
    assert response["Location"] == step_url("date-of-birth")


def test_back_shows_every_answer_given_so_far(client: Client) -> None:
    walk(client)
    page = client.get(step_url("date-of-birth")).content.decode()
    assert 'name="date_of_birth_day" value="15"' in page
    assert 'name="date_of_birth_year" value="1980"' in page
    page = client.get(step_url("skin-reactions")).content.decode()
    assert 'value="none" id="id_skin_sensitivity_3" checked' in page
    assert kept_answers(client) == {
        **make_answers(),
        "first_name": "Rosa",
        "last_name": "Reyes",
        "phone": "(555) 010-1234",
        "email": "",
    }


def test_change_returns_to_check_your_answers_and_keeps_every_other_answer(client: Client) -> None:
    walk(client)
    check = client.get(CHECK).content.decode()
    assert f'href="{step_url("pregnancy", change=True)}"' in check
    page = client.get(step_url("pregnancy", change=True))
    assert page.context["back_url"] == CHECK
    response = client.post(step_url("pregnancy", change=True), {"pregnant": "unsure"})
    assert response["Location"] == CHECK
    send(client)
    assert Submission.objects.get().answers == make_answers(pregnant="unsure")


def test_check_your_answers_shows_every_answer_in_the_patients_words(client: Client) -> None:
    walk(client, {"skin_sensitivity": ["tape_or_adhesive", "sensitive_skin"]})
    html = client.get(CHECK).content.decode()
    assert "15 June 1980" in html
    assert "Tape, bandages or sticky pads give me a rash or itch" in html
    assert "My skin is very sensitive or goes red easily" in html
    assert "Dexamethasone (a steroid)" in html
    assert html.count(">Change<") == sum(len(s.fields) for s in STEPS)  # one row for each question
    assert 'name="consent"' in html


def test_answers_meant_for_another_page_are_never_kept(client: Client) -> None:
    client.post(step_url("name"), {**page_data(STEPS_BY_SLUG["name"]), "pregnant": "yes", "phone": "1"})
    assert set(kept_answers(client)) == {"first_name", "last_name"}


def test_send_without_consent_shows_check_your_answers_with_the_error(client: Client) -> None:
    walk(client)
    token = client.get(CHECK).context["form_token"]
    response = client.post(SEND, {"form_token": token}, follow=True)
    assert response.status_code == 200
    assert "<title>Error:" in response.content.decode()
    assert "consent" in response.context["form"].errors
    assert not Submission.objects.exists()
    assert kept_answers(client)


def test_a_tampered_form_token_is_refused_and_a_fresh_one_given(client: Client) -> None:
    walk(client)
    token = client.get(CHECK).context["form_token"]
    response = client.post(SEND, {"consent": "on", "form_token": token[:-2] + "xx"}, follow=True)
    assert response.status_code == 200
    assert "form_token" in response.context["form"].errors
    assert response.context["form_token"] != token
    assert not Submission.objects.exists()
    assert send(client)["Location"] == RESULT


def test_a_tampered_session_cookie_carries_no_answers(client: Client) -> None:
    walk(client)
    client.cookies[settings.SESSION_COOKIE_NAME] = (
        client.cookies[settings.SESSION_COOKIE_NAME].value[:-3] + "abc"
    )
    assert client.get(CHECK)["Location"] == step_url("name")
    response = client.post(SEND, {"consent": "on", "form_token": "x"})
    assert response.status_code == 302
    assert not Submission.objects.exists()


def test_answers_left_for_more_than_an_hour_are_forgotten(client: Client) -> None:
    walk(client)
    session = client.session
    session[STATE_KEY]["touched"] = (timezone.now() - timedelta(minutes=61)).isoformat()
    session.save()
    assert client.get(CHECK)["Location"] == step_url("name")
    assert STATE_KEY not in client.session
    assert client.session.get_expiry_age() <= 3600


def test_start_over_deletes_the_answers(client: Client) -> None:
    walk(client)
    response = client.post("/intake/start-over/")
    assert response.status_code == 302
    assert STATE_KEY not in client.session
    assert client.get(CHECK)["Location"] == step_url("name")


def test_after_finish_back_shows_neither_the_note_nor_any_answer(client: Client) -> None:
    walk(client)
    send(client)
    assert client.get(RESULT).status_code == 200
    response = client.post("/intake/finish/")
    assert response["Location"] == "/"
    assert client.get(RESULT).status_code == 404
    assert 'value="Rosa"' not in client.get(step_url("name")).content.decode()


def test_send_pressed_twice_stores_one_submission_and_shows_the_note(client: Client) -> None:
    walk(client)
    token = client.get(CHECK).context["form_token"]
    first = client.post(SEND, {"consent": "on", "form_token": token})
    second = client.post(SEND, {"consent": "on", "form_token": token})
    assert first["Location"] == second["Location"] == RESULT
    assert Submission.objects.count() == 1


def test_send_past_the_rate_limit_is_a_429_that_keeps_the_answers(client: Client, settings: Any) -> None:
    settings.INTAKE_RATE_LIMIT = 1
    client.post(INTAKE, form_data())  # the one-page send counts towards the same limit
    walk(client)
    response = send(client)
    assert response["Location"] == CHECK
    response = client.get(CHECK)
    assert response.status_code == 429
    assert client.get(CHECK).status_code == 200  # the message is shown once
    assert Submission.objects.count() == 1
    assert kept_answers(client)["first_name"] == "Rosa"


def test_the_confirmation_says_sent_with_the_reference_and_a_tap_to_call_phone(client: Client) -> None:
    walk(client, {"pregnant": "yes"})
    send(client)
    html = client.get(RESULT).content.decode()
    submission = Submission.objects.get()
    assert "Your answers have been sent" in html
    assert submission.reference in html
    assert 'href="tel:5550100000"' in html
    assert "You said you are pregnant" in html
    assert "Print or save a copy" in html
    assert 'media="print"' in html


def test_no_answer_ever_appears_in_an_address(client: Client) -> None:
    locations = []
    for step in STEPS:
        locations.append(client.post(step_url(step.slug), page_data(step))["Location"])
    locations.append(send(client)["Location"])
    for location in locations:
        assert "Rosa" not in location and "1980" not in location and "?" not in location


@pytest.mark.parametrize(
    ("day", "month", "year", "stored"),
    [
        ("1", "3", "1950", "1950-03-01"),
        ("01", "03", "1950", "1950-03-01"),
        ("7 ", " 12", "1950 ", "1950-12-07"),
    ],
)
def test_the_date_of_birth_boxes_take_what_people_type(
    client: Client, day: str, month: str, year: str, stored: str
) -> None:
    client.post(step_url("name"), page_data(STEPS_BY_SLUG["name"]))
    data = {"date_of_birth_day": day, "date_of_birth_month": month, "date_of_birth_year": year}
    assert client.post(step_url("date-of-birth"), data).status_code == 302
    assert kept_answers(client)["date_of_birth"] == stored


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({}, "date_of_birth_day", "dob_required"),
        ({"date_of_birth_day": "1", "date_of_birth_month": "3"}, "date_of_birth_year", "dob_part_missing"),
        ({"date_of_birth_day": "1", "date_of_birth_year": "1950"}, "date_of_birth_month", "dob_part_missing"),
        (
            {"date_of_birth_day": "31", "date_of_birth_month": "2", "date_of_birth_year": "1950"},
            "date_of_birth_day",
            "dob_not_real",
        ),
        (
            {"date_of_birth_day": "a", "date_of_birth_month": "2", "date_of_birth_year": "1950"},
            "date_of_birth_day",
            "dob_not_real",
        ),
        (
            {"date_of_birth_day": "1", "date_of_birth_month": "2", "date_of_birth_year": "50"},
            "date_of_birth_day",
            "dob_not_real",
        ),
        (
            {"date_of_birth_day": "1", "date_of_birth_month": "1", "date_of_birth_year": "2999"},
            "date_of_birth_day",
            "dob_future",
        ),
        (
            {"date_of_birth_day": "1", "date_of_birth_month": "1", "date_of_birth_year": "1850"},
            "date_of_birth_year",
            "dob_too_early",
        ),
    ],
)
def test_a_wrong_date_of_birth_names_the_part_that_is_wrong(
    client: Client, data: dict[str, str], field: str, code: str
) -> None:
    client.post(step_url("name"), page_data(STEPS_BY_SLUG["name"]))
    response = client.post(step_url("date-of-birth"), data, follow=True)
    assert response.status_code == 200
    assert error_codes(response) == {field: [code]}
    assert "date_of_birth" not in kept_answers(client)


def test_a_missing_year_says_so(client: Client) -> None:
    client.post(step_url("name"), page_data(STEPS_BY_SLUG["name"]))
    response = client.post(
        step_url("date-of-birth"), {"date_of_birth_day": "1", "date_of_birth_month": "3"}, follow=True
    )
    assert "Date of birth must include a year" in response.content.decode()


def test_none_of_these_with_another_answer_is_refused_by_the_server(client: Client) -> None:
    walk(client)
    response = client.post(
        step_url("skin-reactions"), {"skin_sensitivity": ["none", "sensitive_skin"]}, follow=True
    )
    assert response.status_code == 200
    assert error_codes(response) == {"skin_sensitivity": ["exclusive_option"]}
    assert kept_answers(client)["skin_sensitivity"] == ["none"]


def test_the_contact_page_needs_a_phone_or_an_e_mail(client: Client) -> None:
    for step in STEPS[:-1]:
        client.post(step_url(step.slug), page_data(step))
    response = client.post(step_url("contact"), {"phone": "", "email": ""}, follow=True)
    assert error_codes(response) == {"phone": ["contact_required"]}
    response = client.post(step_url("contact"), {"email": "rosa@example.com"})
    assert response["Location"] == CHECK


def test_an_unknown_page_is_a_404(client: Client) -> None:
    assert client.get("/intake/no-such-page/").status_code == 404


def test_the_allergy_page_names_the_planned_medicine(client: Client) -> None:
    walk(client, {"prescribed_medication": "lidocaine"})
    html = client.get(step_url("allergies")).content.decode()
    assert "Your planned medicine: lidocaine." in html


def test_the_old_one_page_post_of_every_answer_is_still_accepted(client: Client) -> None:
    # Kept on purpose (views/patient.py): the same form the steps fill in at "Send".
    response = client.post(INTAKE, form_data())
    assert response["Location"] == RESULT
    assert Submission.objects.get().answers == make_answers()


def test_an_incomplete_one_page_post_gets_its_errors_not_a_500(client: Client) -> None:
    response = client.post(INTAKE, form_data(pregnant=None, date_of_birth="yesterday"))
    assert response.status_code == 200
    assert not Submission.objects.exists()


def test_a_step_page_costs_few_queries(client: Client, django_assert_max_num_queries: Any) -> None:
    walk(client)
    with django_assert_max_num_queries(2):
        client.get(step_url("allergies"))
    with django_assert_max_num_queries(4):
        client.post(step_url("allergies"), {"medicine_allergies": ["none"]})


def test_the_cached_allergy_page_names_each_patients_own_medicine() -> None:
    # An unanswered page comes from the cache: the medicine it names is part of the cache key.
    pages = {}
    for drug in ("lidocaine", "dexamethasone", "lidocaine"):
        patient = Client()
        for step in STEPS[: STEPS.index(STEPS_BY_SLUG["allergies"])]:
            patient.post(step_url(step.slug), page_data(step, {"prescribed_medication": drug}))
        response = patient.get(step_url("allergies"))
        assert response.context["cacheable"]
        pages.setdefault(drug, []).append(response.content.decode())
    assert "Your planned medicine: lidocaine." in pages["lidocaine"][1]
    assert "Your planned medicine: dexamethasone." in pages["dexamethasone"][0]
    assert "Lidocaine" not in pages["dexamethasone"][0].split("<h1>")[1].split("</form>")[0]


def test_a_refused_page_shows_its_errors_once_then_the_page_as_it_was(client: Client) -> None:
    client.post(step_url("name"), {"first_name": "Rosa"})
    shown = client.get(step_url("name"))
    assert "Enter your last name" in shown.content.decode()
    assert 'value="Rosa"' in shown.content.decode()  # what was typed comes back with the error
    again = client.get(step_url("name"))  # a reload or Back: no error, nothing resent
    assert "Enter your last name" not in again.content.decode()
    assert kept_answers(client) == {}
