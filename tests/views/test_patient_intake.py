"""The patient's path through Django's test client: questionnaire, note, and every bad input."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from screening.clinical.rules import RULES_VERSION
from screening.forms.intake import IntakeForm, layout_version
from screening.models import Submission
from tests.support.answers import make_answers
from tests.support.intake import INTAKE, ONE_PAGE, RESULT, error_codes, form_data

pytestmark = pytest.mark.django_db


def token_of(response: Any, name: str = "form_token") -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', response.content.decode()).group(1)


def without_tokens(response: Any) -> str:
    """The page with its per-visitor tokens blanked, to compare pages served to different visitors."""
    return re.sub(
        r'name="(csrfmiddlewaretoken|form_token)" value="[^"]+"',
        r'name="\1" value=""',
        response.content.decode(),
    )


def fragment_key(language: str = "en") -> str:
    """Where templates/screening/patient/intake.html caches the empty questionnaire for this language."""
    return make_template_fragment_key("intake_form", [layout_version(), language, settings.CLINIC_NAME])


def test_home_links_to_the_questionnaire(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert INTAKE.encode() in response.content


def test_intake_page_has_every_question_and_the_consent(client: Client) -> None:
    response = client.get(ONE_PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    for name in [*make_answers(), "first_name", "last_name", "phone", "email", "consent", "form_token"]:
        assert f'name="{name}"' in html
    assert "not a diagnosis" in html
    assert response["Cache-Control"].count("no-store") == 1


def test_clean_submission_stores_one_complete_row_and_shows_the_note(client: Client) -> None:
    before = timezone.now()
    response = client.post(INTAKE, form_data(), follow=True)
    after = timezone.now()
    assert response.redirect_chain == [(RESULT, 302)]
    submission = Submission.objects.get()
    assert submission.answers == make_answers()
    assert (submission.first_name, submission.last_name, submission.phone) == (
        "Rosa",
        "Reyes",
        "(555) 010-1234",
    )
    assert submission.outcome == "likely_suitable"
    assert submission.reason_codes == []
    assert submission.rules_version == RULES_VERSION
    assert before <= submission.created_at <= after
    html = response.content.decode()
    assert "may be a good fit" in html
    assert "will review your answers and make the final decision" in html
    assert submission.reference in html
    assert "cleared" not in html.lower().replace("clear this page", "")


def test_note_lists_each_reason_in_patient_words(client: Client) -> None:
    data = form_data(has_implanted_electronic_device="yes", depth="unsure")
    response = client.post(INTAKE, data, follow=True)
    submission = Submission.objects.get()
    assert submission.outcome == "not_suitable"
    assert submission.reason_codes == ["NS-IMPLANT", "NR-DEPTH"]
    html = response.content.decode()
    assert "likely not right for you" in html
    assert "device inside your body that uses electricity" in html
    assert "only reaches a short way under the skin" in html
    assert "Pacemaker" not in html  # therapist text stays with the therapist


def test_no_patient_data_in_the_result_url(client: Client) -> None:
    response = client.post(INTAKE, form_data())
    submission = Submission.objects.get()
    assert response["Location"] == RESULT
    for secret in (str(submission.code), submission.reference, "Rosa", "Reyes"):
        assert secret not in response["Location"]


def test_result_page_of_one_browser_cannot_be_opened_from_another(client: Client) -> None:
    client.post(INTAKE, form_data())
    reference = Submission.objects.get().reference
    assert reference in client.get(RESULT).content.decode()
    stranger = Client()
    response = stranger.get(RESULT)
    assert response.status_code == 404
    assert reference not in response.content.decode()


def test_start_over_forgets_the_result(client: Client) -> None:
    client.post(INTAKE, form_data())
    response = client.post(reverse("screening:start-over"))
    assert response["Location"] == INTAKE
    assert client.get(RESULT).status_code == 404


def test_two_patients_get_their_own_tokens_and_both_answers_are_stored() -> None:
    rosa, ana = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first = rosa.get(ONE_PAGE)
    second = ana.get(ONE_PAGE)  # served from the cached questionnaire
    assert 'name="first_name"' in caches["template_fragments"].get(fragment_key(), "")
    assert token_of(first) != token_of(second)
    assert token_of(first, "csrfmiddlewaretoken") != token_of(second, "csrfmiddlewaretoken")
    for client, page, name in ((rosa, first, "Rosa"), (ana, second, "Ana")):
        tokens = {name: token_of(page, name) for name in ("form_token", "csrfmiddlewaretoken")}
        assert client.post(INTAKE, {**form_data(first_name=name), **tokens}).status_code == 302
    assert sorted(Submission.objects.values_list("first_name", flat=True)) == ["Ana", "Rosa"]
    assert Submission.objects.values("form_token").distinct().count() == 2


def test_the_cached_questionnaire_is_the_one_rendered_afresh(client: Client, settings: Any) -> None:
    rendered = without_tokens(client.get(ONE_PAGE))  # renders the questionnaire and caches it
    fragment = caches["template_fragments"].get(fragment_key())
    assert fragment and 'name="first_name"' in fragment
    assert "form_token" not in fragment and "csrfmiddlewaretoken" not in fragment
    cached = without_tokens(client.get(ONE_PAGE))
    settings.CACHES = {
        **settings.CACHES,
        "template_fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    never_cached = without_tokens(client.get(ONE_PAGE))
    assert rendered == cached == never_cached


def test_the_cached_questionnaire_follows_the_language(client: Client) -> None:
    assert "First name<span" in client.get(ONE_PAGE).content.decode()  # English, now cached
    spanish = client.get(ONE_PAGE, headers={"accept-language": "es"}).content.decode()
    assert "Nombre<span" in spanish and "First name<span" not in spanish
    assert "Nombre<span" in caches["template_fragments"].get(fragment_key("es"), "")


def test_a_new_version_of_the_questionnaire_is_not_served_from_the_old_cache(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.get(ONE_PAGE)
    caches["template_fragments"].set(fragment_key(), "<p>the questionnaire of the last deploy</p>")
    assert "the last deploy" in client.get(ONE_PAGE).content.decode()
    monkeypatch.setattr(IntakeForm, "layout_version", "the next deploy")
    html = client.get(ONE_PAGE).content.decode()
    assert "the last deploy" not in html and 'name="first_name"' in html


def test_a_form_with_errors_is_rendered_afresh_not_from_the_cache(client: Client) -> None:
    client.get(ONE_PAGE)  # the empty questionnaire is cached
    response = client.post(INTAKE, form_data(consent=None, body_area="knee", first_name="Rosalind"))
    html = response.content.decode()
    assert re.search(r'value="knee"[^>]*checked', html)
    assert 'value="Rosalind"' in html
    assert "is-invalid" in html


def test_double_submit_stores_one_submission(client: Client) -> None:
    data = form_data()
    first = client.post(INTAKE, data)
    second = client.post(INTAKE, data)
    assert first.status_code == second.status_code == 302
    assert Submission.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"condition": None}, "condition", "required"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "dob_future"),
        ({"date_of_birth": "1899-12-31"}, "date_of_birth", "dob_too_early"),
        ({"date_of_birth": "1990-02-30"}, "date_of_birth", "invalid"),
        ({"date_of_birth": "30/01/1990"}, "date_of_birth", "invalid"),
        ({"first_name": "x" * 101}, "first_name", "max_length"),
        ({"email": "a" * 250 + "@example.com", "phone": ""}, "email", "max_length"),
        ({"phone": "call me maybe"}, "phone", "phone_invalid"),
        ({"phone": "", "email": ""}, "phone", "contact_required"),
        ({"body_area": "moon"}, "body_area", "invalid_choice"),
        ({"skin_problem_at_site": ["none", "open_wound"]}, "skin_problem_at_site", "exclusive_option"),
        ({"medicine_allergies": ["unsure", "aspirin"]}, "medicine_allergies", "exclusive_option"),
        ({"skin_sensitivity": ["lava"]}, "skin_sensitivity", "invalid_choice"),
        ({"consent": None}, "consent", "required"),
        ({"form_token": "tampered"}, "form_token", "token_invalid"),
        ({"form_token": None}, "form_token", "required"),
    ],
)
def test_bad_input_gets_the_form_back_with_a_message_and_stores_nothing(
    client: Client, overrides: dict[str, Any], field: str, code: str
) -> None:
    response = client.post(INTAKE, form_data(**overrides))
    assert response.status_code == 200
    assert code in error_codes(response, field)
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert Submission.objects.count() == 0


def test_answers_survive_an_error(client: Client) -> None:
    response = client.post(INTAKE, form_data(consent=None, body_area="knee", date_of_birth="1970-03-25"))
    html = response.content.decode()
    assert re.search(r'value="knee"[^>]*checked', html)
    assert 'value="1970-03-25"' in html
    assert 'value="Rosa"' in html


def test_tampered_token_is_replaced_so_the_patient_can_send_again(client: Client) -> None:
    response = client.post(INTAKE, form_data(form_token="tampered"))
    token = re.search(r'name="form_token" value="([^"]+)"', response.content.decode()).group(1)
    assert token != "tampered"
    assert client.post(INTAKE, form_data(form_token=token)).status_code == 302
    assert Submission.objects.count() == 1


def test_extra_and_wrongly_typed_fields_never_give_a_500(client: Client) -> None:
    response = client.post(
        INTAKE, {**form_data(), "is_admin": "1", "condition": ["a", "b"], "date_of_birth": ["x"]}
    )
    assert response.status_code == 200
    assert Submission.objects.count() == 0


def test_unanswered_form_is_a_200_with_every_required_error(client: Client) -> None:
    response = client.post(INTAKE, {})
    assert response.status_code == 200
    assert Submission.objects.count() == 0
    required = [*make_answers(), "first_name", "last_name", "consent", "form_token"]
    expected = {field: ["required"] for field in required} | {"phone": ["contact_required"]}
    codes = {field: error_codes(response, field) for field in response.context["form"].errors}
    assert codes == expected  # e-mail is optional: phone carries the "phone or e-mail" error
    assert len(response.context["errors"]) == len(expected)  # the summary lists each error once


def test_result_without_a_submission_is_a_calm_404(client: Client) -> None:
    response = client.get(RESULT)
    assert response.status_code == 404
    assert b"Nothing to show" in response.content


def test_patient_pages_have_no_inline_code_and_load_the_script_deferred(client: Client) -> None:
    # A strict Content-Security-Policy is coming: no inline scripts, styles or event handlers.
    client.post(INTAKE, form_data())
    for url in ("/", ONE_PAGE, RESULT):
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", html), url
    # Hashed by collectstatic's manifest, as served in production.
    script = r'<script src="/static/js/intake\.[0-9a-f]{12}\.js" defer>'
    assert re.search(script, client.get(ONE_PAGE).content.decode())


def test_questionnaire_asks_the_browser_not_to_refill_answers(client: Client) -> None:
    html = client.get(ONE_PAGE).content.decode()
    assert re.search(r'<form[^>]*id="intake-form"[^>]*autocomplete="off"', html)
    assert 'autocomplete="given-name"' in html  # the contact fields keep their purpose (WCAG 1.3.5)
