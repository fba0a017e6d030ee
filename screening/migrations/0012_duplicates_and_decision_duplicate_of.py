# Possible duplicates (issue 12): the three matching columns, filled for stored submissions in
# batches before their indexes are built, and the "Duplicate of …" decision with its target.

import re
import unicodedata

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

BATCH = 2000


def _fold(text):
    # Copies of screening.queue.fold and screening.duplicates as they are today: a migration must
    # not change when the code does.
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _keys(last_name, answers, phone, email):
    name = "".join(c for c in _fold(last_name) if c.isalnum())
    dob = str((answers or {}).get("date_of_birth") or "").strip()
    digits = re.sub(r"\D", "", phone)
    return {
        "match_name_dob": f"{name}|{dob}" if name and dob else "",
        "match_phone": digits if len(digits) >= 7 else "",
        "match_email": email.strip().casefold(),
    }


def fill_match_keys(apps, schema_editor):
    Submission = apps.get_model("screening", "Submission")
    fields = ["match_name_dob", "match_phone", "match_email"]
    rows = Submission.objects.values_list("pk", "last_name", "answers", "phone", "email").order_by("pk")
    batch = []
    for pk, last_name, answers, phone, email in rows.iterator(BATCH):
        batch.append(Submission(pk=pk, **_keys(last_name, answers, phone, email)))
        if len(batch) >= BATCH:
            Submission.objects.bulk_update(batch, fields)
            batch = []
    Submission.objects.bulk_update(batch, fields)


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0011_accesslog_actions_of_both_branches"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="decision",
            name="decision_choice_valid",
        ),
        migrations.AddField(
            model_name="decision",
            name="duplicate_of",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="screening.submission",
            ),
        ),
        migrations.AddField(
            model_name="submission",
            name="match_email",
            field=models.CharField(blank=True, default="", editable=False, max_length=254),
        ),
        migrations.AddField(
            model_name="submission",
            name="match_name_dob",
            field=models.CharField(blank=True, default="", editable=False, max_length=120),
        ),
        migrations.AddField(
            model_name="submission",
            name="match_phone",
            field=models.CharField(blank=True, default="", editable=False, max_length=30),
        ),
        migrations.RunPython(fill_match_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="decision",
            name="choice",
            field=models.CharField(
                choices=[
                    ("suitable", "Suitable — book iontophoresis"),
                    ("not_suitable", "Not suitable"),
                    ("call_patient", "Call the patient first"),
                    ("duplicate", "Duplicate of another submission"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddIndex(
            model_name="submission",
            index=models.Index(
                condition=models.Q(("match_name_dob", ""), _negated=True),
                fields=["match_name_dob", "created_at"],
                name="submission_match_name_dob",
            ),
        ),
        migrations.AddIndex(
            model_name="submission",
            index=models.Index(
                condition=models.Q(("match_phone", ""), _negated=True),
                fields=["match_phone", "created_at"],
                name="submission_match_phone",
            ),
        ),
        migrations.AddIndex(
            model_name="submission",
            index=models.Index(
                condition=models.Q(("match_email", ""), _negated=True),
                fields=["match_email", "created_at"],
                name="submission_match_email",
            ),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.CheckConstraint(
                condition=models.Q(("choice__in", ["suitable", "not_suitable", "call_patient", "duplicate"])),
                name="decision_choice_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("choice", "duplicate"), ("duplicate_of__isnull", False)),
                    models.Q(
                        models.Q(("choice", "duplicate"), _negated=True), ("duplicate_of__isnull", True)
                    ),
                    _connector="OR",
                ),
                name="decision_duplicate_of_only_for_duplicate",
                violation_error_message="Choose which submission this one duplicates.",
            ),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.CheckConstraint(
                condition=models.Q(("duplicate_of", models.F("submission")), _negated=True),
                name="decision_not_duplicate_of_itself",
            ),
        ),
    ]
