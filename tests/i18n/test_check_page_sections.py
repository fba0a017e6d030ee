"""The group titles of "Check your answers" in the patient's language (found on a Spanish screenshot)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.support.steps import CHECK, walk

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "titles"),
    [
        ("en", ["About you", "Your condition", "Safety questions", "Your visits", "How we contact you"]),
        (
            "es",
            [
                "Sobre usted",
                "Su problema de salud",
                "Preguntas de seguridad",
                "Sus visitas",
                "Cómo comunicarnos con usted",
            ],
        ),
    ],
)
def test_every_group_title_is_in_the_patients_language(
    client: Client, language: str, titles: list[str]
) -> None:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    walk(client)
    page = client.get(CHECK, headers={"accept-language": language})
    assert [title for title, _rows in page.context["sections"]] == titles
