"""Every patient-facing string is translated into every language we offer, and the pages speak it."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import loader
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.test import Client
from django.urls import reverse
from django.utils import translation

from screening.clinical import questions, reasons
from screening.forms.intake import IntakeForm
from screening.forms.steps import QUESTION_ERRORS, SECTION_TITLES, STEPS, StepForm

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# Every template a patient can see (the login page too: it is linked from the welcome page).
PATIENT_TEMPLATES = (
    "base.html",
    "accounts/login.html",
    "screening/patient/_consent.html",
    "screening/_reasons.html",
    "screening/patient/home.html",
    "screening/patient/intake.html",
    "screening/patient/result.html",
    "screening/patient/result_gone.html",
    "screening/patient/intake_unavailable.html",
    "screening/patient/step.html",
    "screening/patient/_question.html",
    "screening/patient/check.html",
    "screening/patient/send_unavailable.html",
    "400.html",
    "403.html",
    "404.html",
    "500.html",
    "503.html",
)


def _catalog(language: str, kind: str) -> polib.POFile | polib.MOFile:
    path = LOCALE_DIR / translation.to_locale(language) / "LC_MESSAGES" / f"django.{kind}"
    return polib.pofile(str(path)) if kind == "po" else polib.mofile(str(path))


def _template_msgids() -> set[tuple[str | None, str]]:
    """(context, msgid) of every literal {% translate %} and {% blocktranslate %} in PATIENT_TEMPLATES."""
    found = set()
    for name in PATIENT_TEMPLATES:
        nodelist = loader.get_template(name).template.nodelist
        for node in nodelist.get_nodes_by_type(TranslateNode):
            var = node.filter_expression.var
            if var.literal is not None:  # {% translate reason.patient_text %} is checked below
                context = node.message_context.var if node.message_context else None
                found.add((context, str(var.literal)))
        for node in nodelist.get_nodes_by_type(BlockTranslateNode):
            found.add((None, node.render_token_list(node.singular)[0]))
    return found


def _code_msgids() -> set[tuple[str | None, str]]:
    """The questions, options, sections and rule texts of questions.py and rules.py, and the form's own words."""
    texts = {label for _key, label in questions.SECTIONS}
    for q in questions.QUESTIONS:
        texts |= {q.text, *(o.label for o in q.options)} | ({q.help_text} if q.help_text else set())
    texts |= {reason.patient_text for reason in reasons.REASONS.values()}
    texts |= {reasons.LIKELY_SUITABLE_PATIENT_TEXT, reasons.RETIRED_PATIENT_TEXT}
    with translation.override(settings.LANGUAGE_CODE):  # the English source is the msgid
        form = IntakeForm()
        texts |= {str(m) for m in form.error_messages.values()}
        for field in form.fields.values():
            texts |= {str(field.label or ""), str(field.help_text or "")}
        texts |= {str(m) for m in StepForm.error_messages.values()}
        texts |= {str(title) for title in SECTION_TITLES.values()}
        texts |= {str(message) for message in QUESTION_ERRORS.values()}
        for step in STEPS:
            texts |= {str(step.title or "")}
            texts |= {str(field.label or "") for field in StepForm(step).fields.values()}
    return {(None, text) for text in texts if text}


def test_every_locale_folder_is_offered_and_every_offered_language_has_one() -> None:
    folders = {translation.to_language(p.parents[1].name) for p in LOCALE_DIR.glob("*/LC_MESSAGES/django.po")}
    assert folders == set(TRANSLATED)
    assert "es" in TRANSLATED


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_patient_facing_string_has_a_checked_translation(language: str) -> None:
    po = _catalog(language, "po")
    done = {(e.msgctxt, e.msgid) for e in po.translated_entries() if not e.fuzzy}
    wanted = _template_msgids() | _code_msgids()
    assert len(wanted) > 140  # the collectors above still find the strings
    missing = sorted(text for _context, text in wanted - done)
    assert missing == [], f"run `make messages` and translate these in {language}/django.po"


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalog_matches_the_po_file(language: str) -> None:
    po, mo = _catalog(language, "po"), _catalog(language, "mo")
    translated = {(e.msgctxt, e.msgid): e.msgstr for e in po.translated_entries() if not e.fuzzy}
    assert {(e.msgctxt, e.msgid): e.msgstr for e in mo if e.msgid} == translated, "run `make messages`"


def test_spanish_intake_page_speaks_spanish_down_to_django_own_errors(client: Client, db: None) -> None:
    intake = reverse("screening:intake")
    page = client.get(
        reverse("screening:intake-one-page"), headers={"accept-language": "es"}
    ).content.decode()
    assert '<html lang="es">' in page
    for text in (
        "Preguntas antes del tratamiento",
        "iontoforesis",
        "¿Está embarazada o podría estarlo?",
        "No lo sé",
        "Su consentimiento",
        "Enviar mis respuestas",
        'lang="en">English</button>',
    ):
        assert text in page
    with_errors = client.post(intake, {}, headers={"accept-language": "es"}).content.decode()
    assert "Revise estas respuestas" in with_errors
    assert "Este campo es obligatorio." in with_errors  # Django's own message, in Django's own Spanish


def test_spanish_step_pages_speak_spanish_with_their_errors(client: Client, db: None) -> None:
    step = reverse("screening:intake-step", args=["pregnancy"])
    client.post(reverse("screening:intake-step", args=["name"]), {"first_name": "A", "last_name": "B"})
    spanish = {"accept-language": "es"}
    page = client.get(
        reverse("screening:intake-step", args=["date-of-birth"]), headers=spanish
    ).content.decode()
    assert "Paso 2 de 17" in page
    assert "Continuar" in page
    with_errors = client.post(
        reverse("screening:intake-step", args=["date-of-birth"]),
        {"date_of_birth_day": "1"},
        headers=spanish,
        follow=True,
    ).content.decode()
    assert "<title>Error:" in with_errors
    assert "La fecha de nacimiento debe incluir un mes" in with_errors
    assert client.get(step, headers=spanish).status_code == 302  # an earlier page is still to answer


def test_switching_language_is_kept_for_the_visit(client: Client, db: None) -> None:
    response = client.post(reverse("set_language"), {"language": "es", "next": "/intake/"})
    assert response["Location"] == "/intake/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "es"
    assert not cookie["max-age"]  # a browser-session cookie: gone when the browser closes
    assert '<html lang="es">' in client.get("/").content.decode()
