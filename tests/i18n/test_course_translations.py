"""The patient's check-in pages and texts are translated into every language we offer."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import loader
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.utils import translation

from screening.clinical import session_reasons, session_rules
from screening.forms.course import CheckInCodeForm, CheckInForm

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
PATIENT_TEMPLATES = (
    "screening/course/patient_start.html",
    "screening/course/patient_check_in.html",
    "screening/course/patient_done.html",
    "screening/course/patient_gone.html",
)


def _wanted() -> set[str]:
    texts: set[str] = {session_reasons.GO_PATIENT_TEXT}
    texts |= {r.patient_text for r in session_reasons.SESSION_REASONS.values()}
    for q in session_rules.CHECKIN_QUESTIONS:
        texts |= {q.text, q.help_text, *(o.label for o in q.options)}
    with translation.override(settings.LANGUAGE_CODE):
        for form in (CheckInForm(first_session=False), CheckInCodeForm()):
            texts |= {str(m) for m in form.error_messages.values()}
            texts |= {str(f.label or "") for f in form.fields.values()} | {
                str(f.help_text or "") for f in form.fields.values()
            }
    for name in PATIENT_TEMPLATES:
        nodelist = loader.get_template(name).template.nodelist
        for node in nodelist.get_nodes_by_type(TranslateNode):
            if node.filter_expression.var.literal is not None:
                texts.add(str(node.filter_expression.var.literal))
        for node in nodelist.get_nodes_by_type(BlockTranslateNode):
            texts.add(node.render_token_list(node.singular)[0])
    return {t for t in texts if t}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_check_in_string_a_patient_sees_has_a_checked_translation(language: str) -> None:
    po = polib.pofile(str(LOCALE_DIR / translation.to_locale(language) / "LC_MESSAGES" / "django.po"))
    done = {e.msgid for e in po.translated_entries() if not e.fuzzy and e.msgctxt is None}
    wanted = _wanted()
    assert len(wanted) > 40
    assert sorted(wanted - done) == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_has_no_fuzzy_or_missing_entry(language: str) -> None:
    po = polib.pofile(str(LOCALE_DIR / translation.to_locale(language) / "LC_MESSAGES" / "django.po"))
    assert (po.untranslated_entries(), po.fuzzy_entries()) == ([], [])
