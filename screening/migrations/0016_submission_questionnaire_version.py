# The Questionnaire version each submission answered. Rows sent before this migration get the
# version current when it runs: the versions they were really sent under were never kept
# (docs/fhir.md, "Questionnaire version").

from django.db import migrations, models


def fill_current_version(apps, schema_editor):
    # The live code, on purpose: the version is a hash of the questions as they are now.
    from screening.exports.fhir import questionnaire

    Submission = apps.get_model("screening", "Submission")
    Submission.objects.filter(questionnaire_version="").update(questionnaire_version=questionnaire.version())


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0015_therapist_profile"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="questionnaire_version",
            field=models.CharField(default="", editable=False, max_length=20),
            preserve_default=False,
        ),
        migrations.RunPython(fill_current_version, migrations.RunPython.noop, elidable=True),
    ]
