# The folded name as the last column of the six (…, created_at, id) indexes, so that a name search
# reads the page's ids and its capped count of each outcome from an index alone, without the rows,
# on SQLite and PostgreSQL alike (docs/performance.md, "Third pass"); the names-only index, which
# SQLite's search scanned before, has nothing left to do. Each index is made again: on 1,000,000
# rows on PostgreSQL that took 5 s, and DROP INDEX locks the table, so every query on it (the queue,
# the intake's submit) waits meanwhile. On a large live database, run it when the clinic is closed.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0016_submission_questionnaire_version'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='submission',
            name='submission_newest',
        ),
        migrations.RemoveIndex(
            model_name='submission',
            name='submission_undecided_newest',
        ),
        migrations.RemoveIndex(
            model_name='submission',
            name='submission_undecided_outcome',
        ),
        migrations.RemoveIndex(
            model_name='submission',
            name='submission_decided_newest',
        ),
        migrations.RemoveIndex(
            model_name='submission',
            name='submission_decided_outcome',
        ),
        migrations.RemoveIndex(
            model_name='submission',
            name='submission_outcome_newest',
        ),
        migrations.RemoveIndex(
            model_name='submission',
            name='submission_search_name',
        ),
        migrations.AddIndex(
            model_name='submission',
            index=models.Index(fields=['-created_at', '-id', 'search_name'], name='submission_newest'),
        ),
        migrations.AddIndex(
            model_name='submission',
            index=models.Index(condition=models.Q(('latest_decision__isnull', True)), fields=['-created_at', '-id', 'search_name'], name='submission_undecided_newest'),
        ),
        migrations.AddIndex(
            model_name='submission',
            index=models.Index(condition=models.Q(('latest_decision__isnull', True)), fields=['outcome', '-created_at', '-id', 'search_name'], name='submission_undecided_outcome'),
        ),
        migrations.AddIndex(
            model_name='submission',
            index=models.Index(condition=models.Q(('latest_decision__isnull', False)), fields=['-created_at', '-id', 'search_name'], name='submission_decided_newest'),
        ),
        migrations.AddIndex(
            model_name='submission',
            index=models.Index(condition=models.Q(('latest_decision__isnull', False)), fields=['outcome', '-created_at', '-id', 'search_name'], name='submission_decided_outcome'),
        ),
        migrations.AddIndex(
            model_name='submission',
            index=models.Index(fields=['outcome', '-created_at', '-id', 'search_name'], name='submission_outcome_newest'),
        ),
    ]
