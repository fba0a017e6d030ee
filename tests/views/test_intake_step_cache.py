"""The step pages' cached fragments (issue 10: "cache the empty step fragments per language and
layout version, tokens outside them"): what is cached is the same for everyone, and holds no
patient's values and no token."""

from __future__ import annotations

import pickle
import re

import pytest
from django.core.cache import caches
from django.test import Client

from screening.forms.steps import STEPS
from tests.support.steps import page_data, step_url

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# A patient nobody else could be: every value they type is one no page shows by itself.
ZOE = {
    "first_name": "Zebedee",
    "last_name": "Quixotic",
    "date_of_birth": "1931-07-29",
    "phone": "(555) 777-0199",
    "email": "zq@example.org",
}


def fragments() -> list[str]:
    """Every fragment the step pages left in the fragment cache, as stored."""
    store = caches["template_fragments"]
    # LocMemCache keeps pickles it made itself, in this process: read straight from its store.
    return [pickle.loads(value) for value in store._cache.values()]  # noqa: S301


def walk_every_page(client: Client, answers: dict[str, str] | None = None) -> list[str]:
    """Each page opened, then answered; the CSRF tokens every page was given."""
    tokens = []
    for step in STEPS:
        page = client.get(step_url(step.slug)).content.decode()
        tokens += CSRF.findall(page)
        client.post(step_url(step.slug), page_data(step, answers))
    return tokens


def test_every_empty_step_page_is_cached_once_and_holds_no_token() -> None:
    tokens = walk_every_page(Client()) + walk_every_page(Client())
    cached = fragments()
    # One fragment per page with questions (the contact and name pages included), in one language.
    assert len(cached) == len(STEPS)
    assert tokens and len(set(tokens)) > 1
    for fragment in cached:
        assert "csrfmiddlewaretoken" not in fragment and "form_token" not in fragment
        assert not any(token in fragment for token in tokens)
        assert " checked" not in fragment  # nothing chosen ...
        assert not any(value in fragment for value in ("Rosa", "Reyes", "010-1234"))  # ... nor typed


def test_a_patients_answers_never_reach_the_cache_nor_the_next_patient() -> None:
    zoe = Client()
    walk_every_page(zoe, ZOE)
    for step in STEPS:  # Back through every page: each shows Zoe's answers, rendered for her alone
        page = zoe.get(step_url(step.slug))
        assert not page.context["cacheable"]
    assert "Zebedee" in zoe.get(step_url("name")).content.decode()

    next_patient = Client()
    pages = [next_patient.get(step_url(STEPS[0].slug)).content.decode()]
    pages += [str(f) for f in fragments()]
    for text in pages:
        for value in ("Zebedee", "Quixotic", "1931", "777-0199", "zq@example.org"):
            assert value not in text


def test_a_refused_page_is_rendered_for_its_patient_and_not_cached() -> None:
    patient = Client()
    patient.post(step_url("name"), {"first_name": "Zebedee"})
    refused = patient.get(step_url("name"))
    assert not refused.context["cacheable"]
    assert "Zebedee" in refused.content.decode()
    assert not any("Zebedee" in f for f in fragments())


def test_the_fragments_are_kept_per_language() -> None:
    Client().get(step_url("name"), headers={"accept-language": "en"})
    Client().get(step_url("name"), headers={"accept-language": "es"})
    cached = fragments()
    assert len(cached) == 2
    assert any("First name" in f for f in cached) and any("Nombre" in f for f in cached)
