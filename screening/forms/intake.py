from __future__ import annotations

import functools
import hashlib
import re
import uuid
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import Any

import crispy_forms
import django
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from screening.clinical import questions, rules
from screening.services import Contact

_TOKEN_SALT = "screening.intake-form"  # noqa: S105 -- a signing salt, not a secret  # nosec B105
# A form page older than this is refused and sent back with a fresh token (answers kept).
TOKEN_MAX_AGE = 60 * 60 * 24
_PHONE_RE = re.compile(r"^\+?[0-9 ().\-]{7,30}$")

CONTACT_FIELDS = ("first_name", "last_name", "phone", "email")


def new_form_token() -> str:
    return signing.TimestampSigner(salt=_TOKEN_SALT).sign(str(uuid.uuid4()))


@functools.cache
def layout_version() -> str:
    """A hash of what the unbound intake form's HTML is made from; read once per process.

    Part of the cache key of that HTML (templates/screening/patient/intake.html), so a deploy that changes
    a question, a label, the consent text, a translation or a library renders it afresh.
    """
    sources = [
        Path(questions.__file__),
        Path(__file__),
        settings.BASE_DIR / "templates" / "screening" / "patient" / "_consent.html",
        *sorted(
            Path(p) for base in settings.LOCALE_PATHS for p in Path(base).glob("*/LC_MESSAGES/django.mo")
        ),
    ]
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.read_bytes())
    for part in (
        rules.RULES_VERSION,
        django.get_version(),
        crispy_forms.__version__,
        version("crispy-bootstrap5"),
    ):
        digest.update(part.encode())
    return digest.hexdigest()[:16]


def _question_field(q: questions.Question) -> forms.Field:
    label = _(q.text)
    help_text = _(q.help_text) if q.help_text else ""
    choices = [(o.code, _(o.label)) for o in q.options]
    if q.kind is questions.Kind.SINGLE:
        return forms.ChoiceField(label=label, help_text=help_text, choices=choices, widget=forms.RadioSelect)
    if q.kind is questions.Kind.MULTI:
        return forms.MultipleChoiceField(
            label=label, help_text=help_text, choices=choices, widget=forms.CheckboxSelectMultiple
        )
    return forms.DateField(
        label=label,
        help_text=help_text,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )


class IntakeForm(forms.Form):
    """The patient questionnaire: field names are the question codes of questions.QUESTIONS."""

    error_messages = {
        "dob_future": _("Your date of birth cannot be in the future."),
        "dob_too_early": _("Please check the year of your date of birth."),
        "exclusive_option": _('"%(option)s" cannot be chosen together with other answers.'),
        "contact_required": _("Please give a phone number or an e-mail address so we can reach you."),
        "phone_invalid": _("Please enter a phone number using digits, spaces, + ( ) - and dots."),
        "token_invalid": _(
            "This form was changed or has expired. Please check your answers and send them again."
        ),
        "rate_limited": _(
            "Too many forms were sent from this network in the last few minutes. Your answers are still "
            "here: please wait a few minutes, then send them again. If this keeps happening, call the clinic."
        ),
    }

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    consent = forms.BooleanField(
        label=_(
            "I agree the clinic keeps my answers and contact details. Only its therapists read them, "
            "and each time is recorded. This is not a diagnosis."
        )
    )
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for q in questions.QUESTIONS:
            self.fields[q.code] = _question_field(q)
        if not self.is_bound:
            self.initial.setdefault("form_token", new_form_token())
        self._set_widget_attrs()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*self._fieldsets())

    def _set_widget_attrs(self) -> None:
        attrs = {
            "first_name": {"autocomplete": "given-name"},
            "last_name": {"autocomplete": "family-name"},
            "phone": {"autocomplete": "tel", "inputmode": "tel"},
            "email": {"autocomplete": "email"},
        }
        for name, extra in attrs.items():
            self.fields[name].widget.attrs.update(extra)
        self.fields["phone"].help_text = _("A phone number or an e-mail address is needed.")

    def _fieldsets(self) -> list[Fieldset]:
        by_section: dict[str, list[str]] = {key: [] for key, _label in questions.SECTIONS}
        for q in questions.QUESTIONS:
            by_section[q.section].append(q.code)
        by_section["about"] = ["first_name", "last_name", *by_section["about"], "phone", "email"]
        fieldsets = [
            Fieldset(_(label), *by_section[key], css_class="intake-section")
            for key, label in questions.SECTIONS
        ]
        consent_text = HTML('<p id="consent-text">{% include "screening/patient/_consent.html" %}</p>')
        # form_token is not in the layout: the template renders it after the layout, which is the
        # same for every visitor and cached, while each page needs its own token.
        fieldsets.append(Fieldset(_("Your consent"), consent_text, "consent", css_class="intake-section"))
        return fieldsets

    @property
    def layout_version(self) -> str:
        return layout_version()

    def clean_form_token(self) -> str:
        token = self.cleaned_data["form_token"]
        try:
            uuid.UUID(signing.TimestampSigner(salt=_TOKEN_SALT).unsign(token, max_age=TOKEN_MAX_AGE))
        except (signing.BadSignature, ValueError):
            raise ValidationError(self.error_messages["token_invalid"], code="token_invalid") from None
        return token

    def clean_date_of_birth(self) -> date:
        dob: date = self.cleaned_data["date_of_birth"]
        if dob > timezone.localdate():
            raise ValidationError(self.error_messages["dob_future"], code="dob_future")
        if dob.year < 1900:
            raise ValidationError(self.error_messages["dob_too_early"], code="dob_too_early")
        return dob

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not _PHONE_RE.match(phone):
            raise ValidationError(self.error_messages["phone_invalid"], code="phone_invalid")
        return phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for q in questions.QUESTIONS:
            chosen = cleaned.get(q.code)
            if q.kind is questions.Kind.MULTI and chosen and len(chosen) > 1:
                for option in q.options:
                    if option.code in questions.EXCLUSIVE_OPTIONS and option.code in chosen:
                        self.add_error(
                            q.code,
                            ValidationError(
                                self.error_messages["exclusive_option"],
                                code="exclusive_option",
                                params={"option": _(option.label)},
                            ),
                        )
                        break
        reachable = cleaned.get("phone") or cleaned.get("email")
        if not reachable and not self.has_error("phone") and not self.has_error("email"):
            self.add_error(
                "phone", ValidationError(self.error_messages["contact_required"], code="contact_required")
            )
        return cleaned

    def to_answers(self) -> dict[str, object]:
        """The answers in the stored shape: question code -> answer code(s), DOB as ISO text."""
        answers: dict[str, object] = {}
        for q in questions.QUESTIONS:
            value = self.cleaned_data[q.code]
            if q.kind is questions.Kind.DATE:
                value = value.isoformat()
            elif q.kind is questions.Kind.MULTI:
                value = sorted(value)
            answers[q.code] = value
        return answers

    def contact(self) -> Contact:
        return Contact(**{name: self.cleaned_data[name].strip() for name in CONTACT_FIELDS})

    def token_uuid(self) -> uuid.UUID:
        return uuid.UUID(signing.TimestampSigner(salt=_TOKEN_SALT).unsign(self.cleaned_data["form_token"]))

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor id, field label, message) for the summary at the top of the page, in page order."""
        anchors = []
        order = [
            name
            for fieldset in self.helper.layout.fields
            for name in fieldset.fields
            if isinstance(name, str)
        ]
        order.append("form_token")  # rendered after the layout
        for name in sorted(self.errors, key=lambda n: order.index(n) if n in order else -1):
            field = self[name] if name in self.fields else None
            for message in self.errors[name]:
                if field is None:
                    anchors.append(("", "", message))
                    continue
                widget = field.field.widget
                multiple = isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
                anchor = f"{field.auto_id}_0" if multiple else field.auto_id
                if field.is_hidden:
                    anchor = ""
                anchors.append((anchor, str(field.label), message))
        return anchors
