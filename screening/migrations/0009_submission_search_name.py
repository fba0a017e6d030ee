# A folded-name column for the queue's name search, filled for stored submissions, and on PostgreSQL
# a trigram index on it, so "contains" uses an index instead of reading every row (issue 16).

import unicodedata

from django.db import migrations, models

TRIGRAM_INDEX = "submission_search_name_trgm"


def _fold(text):
    # A copy of screening.queue.fold as it is today: a migration must not change when the code does.
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fill_search_names(apps, schema_editor):
    Submission = apps.get_model("screening", "Submission")
    batch = []
    for pk, first, last in Submission.objects.values_list("pk", "first_name", "last_name").iterator(2000):
        batch.append(Submission(pk=pk, search_name=" ".join(_fold(f"{first} {last}").split())))
        if len(batch) >= 2000:
            Submission.objects.bulk_update(batch, ["search_name"])
            batch = []
    Submission.objects.bulk_update(batch, ["search_name"])


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Not Django's TrigramExtension: its reverse queries pg_extension on any database, and
        # dropping the extension on the way back could break whatever else uses it.
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX {TRIGRAM_INDEX} ON screening_submission USING gin (search_name gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("screening", "0008_audit_two_factor_changes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="submission",
            name="submission_names",
        ),
        migrations.AddField(
            model_name="submission",
            name="search_name",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="submission",
            index=models.Index(fields=["search_name"], name="submission_search_name"),
        ),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
