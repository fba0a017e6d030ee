from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from screening import services


class Command(BaseCommand):
    help = (
        "Deletes submissions sent more than RETENTION_DAYS ago, with their decisions, and records the "
        "purge (counts and cutoff only) in the access log; blanks access-log addresses older than "
        "ACCESS_LOG_ADDRESS_DAYS and deletes rows older than ACCESS_LOG_RETENTION_DAYS. Safe to run daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        low, high = settings.RETENTION_DAYS_RANGE
        parser.add_argument(
            "--days", type=int, help=f"Keep this many days instead of RETENTION_DAYS ({low} to {high})."
        )
        parser.add_argument("--dry-run", action="store_true", help="Count what would go; change nothing.")
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Submissions deleted per transaction."
        )

    def handle(self, *args: Any, days: int | None, dry_run: bool, batch_size: int, **options: Any) -> None:
        days = settings.RETENTION_DAYS if days is None else days
        low, high = settings.RETENTION_DAYS_RANGE
        if not low <= days <= high:
            raise CommandError(f"--days must be between {low} and {high}, not {days}")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        cutoff = timezone.now() - timedelta(days=days)
        purge = services.submissions_purge(older_than=cutoff, dry_run=dry_run, batch_size=batch_size)
        before = f"sent before {timezone.localtime(cutoff):%Y-%m-%d %H:%M %Z} (retention {days} days)"
        counts = f"{purge.submissions} submissions and {purge.decisions} decisions {before}"
        if dry_run:
            self.stdout.write(f"Dry run: would purge {counts}. Nothing was changed.")
        elif purge.submissions:
            self.stdout.write(self.style.SUCCESS(f"Purged {counts}; recorded in the access log."))
        else:
            self.stdout.write(f"Nothing to purge: no submission was {before}.")
        # The access log's own retention, on the same daily run (settings "retention").
        trim = services.access_log_trim(dry_run=dry_run)
        self.stdout.write(
            f"Access log: {'would blank' if dry_run else 'blanked'} {trim.addresses_blanked} client "
            f"addresses older than {settings.ACCESS_LOG_ADDRESS_DAYS} days, "
            f"{'would delete' if dry_run else 'deleted'} {trim.rows_deleted} rows older than "
            f"{settings.ACCESS_LOG_RETENTION_DAYS} days."
        )
