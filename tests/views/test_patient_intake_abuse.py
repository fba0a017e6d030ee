"""The public questionnaire under abuse: the rate limit per client address, and fuzzed input."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from screening.clinical import questions
from screening.models import Submission
from tests.support.intake import INTAKE, ONE_PAGE, error_codes, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def limit_of_three(settings: Any) -> None:
    settings.INTAKE_RATE_LIMIT = 3


# ---------------------------------------------------------------- rate limit


@pytest.mark.usefixtures("limit_of_three")
def test_past_the_limit_the_patient_gets_429_with_the_answers_kept(client: Client) -> None:
    for _ in range(3):
        assert client.post(INTAKE, form_data(consent=None)).status_code == 200
    response = client.post(INTAKE, form_data(first_name="Marisol", body_area="knee"))
    assert response.status_code == 429
    assert "rate_limited" in error_codes(response, "__all__")
    html = response.content.decode()
    assert "Too many forms were sent" in html
    assert 'value="Marisol"' in html
    assert re.search(r'value="knee"[^>]*checked', html)
    assert Submission.objects.count() == 0


@pytest.mark.usefixtures("limit_of_three")
def test_valid_answers_past_the_limit_are_not_stored_until_sent_again(client: Client, settings: Any) -> None:
    for _ in range(3):
        client.post(INTAKE, form_data(consent=None))
    data = form_data()
    assert client.post(INTAKE, data).status_code == 429
    assert Submission.objects.count() == 0
    settings.INTAKE_RATE_LIMIT = 10  # as when the window has passed
    assert client.post(INTAKE, data).status_code == 302
    assert Submission.objects.count() == 1


@pytest.mark.usefixtures("limit_of_three")
def test_the_limit_is_per_address(client: Client) -> None:
    for _ in range(4):
        client.post(INTAKE, form_data(consent=None), REMOTE_ADDR="203.0.113.7")
    assert client.post(INTAKE, form_data(), REMOTE_ADDR="203.0.113.8").status_code == 302


@pytest.mark.usefixtures("limit_of_three")
def test_pages_viewed_do_not_count(client: Client) -> None:
    for _ in range(10):
        assert client.get(ONE_PAGE).status_code == 200
    assert client.post(INTAKE, form_data()).status_code == 302


@pytest.mark.usefixtures("limit_of_three")
def test_a_forged_forwarded_for_header_does_not_escape_the_limit(client: Client) -> None:
    for n in range(3):
        client.post(INTAKE, form_data(consent=None), HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    response = client.post(INTAKE, form_data(), HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429


@pytest.mark.usefixtures("limit_of_three")
def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(
    client: Client, settings: Any
) -> None:
    settings.TRUSTED_PROXY_HOPS = 1
    for _ in range(4):
        client.post(INTAKE, form_data(consent=None), HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client.post(INTAKE, form_data(), HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302


# ---------------------------------------------------------------- fuzzing

FIELDS = [
    *(q.code for q in questions.QUESTIONS),
    "first_name",
    "last_name",
    "phone",
    "email",
    "consent",
    "form_token",
]
CHOICE_FIELDS = [q.code for q in questions.QUESTIONS if q.kind is not questions.Kind.DATE]

any_text = st.text(max_size=300)
huge_text = st.integers(min_value=300, max_value=20_000).map(lambda n: "x" * n)
odd_value = st.one_of(
    any_text,
    huge_text,
    st.integers().map(str),
    st.floats(allow_nan=True).map(str),
    st.lists(any_text, max_size=5),
    st.just(""),
    st.just("\x00"),
    st.just("𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ☃ \u202e"),
)


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.dictionaries(st.one_of(st.sampled_from(FIELDS), any_text), odd_value, max_size=30))
def test_random_posts_never_give_a_500_or_store_a_row(
    client: Client, settings: Any, data: dict[str, Any]
) -> None:
    settings.INTAKE_RATE_LIMIT = 100_000
    response = client.post(INTAKE, data)
    assert response.status_code in {200, 400}
    assert Submission.objects.count() == 0


@st.composite
def broken_valid_form(draw: st.DrawFn) -> dict[str, Any]:
    """A complete valid form with one or more things made wrong, plus extra junk fields."""
    data = form_data()
    breakage = draw(st.sampled_from(["missing", "bad_choice", "too_long", "wrong_type", "bad_token"]))
    if breakage == "missing":
        for field in draw(
            st.lists(st.sampled_from([f for f in FIELDS if f not in {"phone", "email"}]), min_size=1)
        ):
            data.pop(field, None)
    elif breakage == "bad_choice":
        field = draw(st.sampled_from(CHOICE_FIELDS))
        data[field] = draw(
            any_text.filter(lambda v: v not in {o.code for q in questions.QUESTIONS for o in q.options})
        )
    elif breakage == "too_long":
        field = draw(st.sampled_from(["first_name", "last_name", "phone", "email"]))
        data[field] = "a" * draw(st.integers(min_value=255, max_value=100_000))
    elif breakage == "wrong_type":
        field = draw(st.sampled_from(["date_of_birth", "email"]))
        data[field] = draw(st.sampled_from([["2001-01-01", "x"], "yesterday", "1e9", "-1", "[]", "{}"]))
    else:
        data["form_token"] = draw(any_text)
    extra = draw(st.dictionaries(any_text.filter(lambda k: k not in FIELDS), odd_value, max_size=5))
    return {**data, **extra}


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=broken_valid_form())
def test_broken_forms_get_the_form_back_and_store_nothing(
    client: Client, settings: Any, data: dict[str, Any]
) -> None:
    settings.INTAKE_RATE_LIMIT = 100_000
    response = client.post(INTAKE, data)
    assert response.status_code == 200
    assert response.context["errors"]
    assert Submission.objects.count() == 0


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    token=st.one_of(
        st.just(""), st.text(alphabet="abcdefABCDEF0123456789", min_size=1, max_size=80), any_text
    )
)
def test_tampered_csrf_tokens_are_refused_and_store_nothing(token: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get(ONE_PAGE)
    response = client.post(INTAKE, {**form_data(), "csrfmiddlewaretoken": token})
    assert response.status_code == 403
    assert Submission.objects.count() == 0


def test_the_right_csrf_token_still_works() -> None:
    # The control for the test above: with the page's own token the same form is stored.
    client = Client(enforce_csrf_checks=True)
    page = client.get(ONE_PAGE).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(INTAKE, {**form_data(), "csrfmiddlewaretoken": token}).status_code == 302
    assert Submission.objects.count() == 1


def test_a_body_over_the_upload_limit_is_a_400_not_a_500(client: Client) -> None:
    response = client.post(INTAKE, {**form_data(), "first_name": "x" * 3_000_000})
    assert response.status_code == 400
    assert Submission.objects.count() == 0


def test_too_many_fields_is_a_400_not_a_500(client: Client) -> None:
    response = client.post(INTAKE, {**form_data(), **{f"junk{n}": "1" for n in range(1100)}})
    assert response.status_code == 400
    assert Submission.objects.count() == 0
