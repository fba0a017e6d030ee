# The queue's date-range counts, summed by day instead of counted row by row (docs/performance.md).

import datetime as dt

from django.db import migrations, models
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.db.models.functions import TruncDate


def count_existing(apps, schema_editor):
    """One row per (UTC day, outcome, decided) that has submissions, counting those already stored."""
    Submission = apps.get_model("screening", "Submission")
    SubmissionDayTally = apps.get_model("screening", "SubmissionDayTally")
    rows = (
        Submission.objects.order_by()
        .annotate(day=TruncDate("created_at", tzinfo=dt.UTC))
        .annotate(decided=ExpressionWrapper(Q(latest_decision__isnull=False), output_field=BooleanField()))
        .values_list("day", "outcome", "decided")
        .annotate(n=Count("id"))
    )
    SubmissionDayTally.objects.bulk_create(
        (SubmissionDayTally(day=d, outcome=o, decided=decided, count=n) for d, o, decided, n in rows),
        batch_size=2000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0017_queue_indexes_hold_the_search_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='SubmissionDayTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('outcome', models.CharField(choices=[('likely_suitable', 'Likely suitable'), ('needs_review', 'Needs review'), ('not_suitable', 'Likely not suitable')], max_length=20)),
                ('decided', models.BooleanField()),
                ('count', models.BigIntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('day', 'outcome', 'decided'), name='submissiondaytally_unique')],
            },
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop),
    ]
