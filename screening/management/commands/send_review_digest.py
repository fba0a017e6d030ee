from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from screening import services


class Command(BaseCommand):
    help = (
        "E-mails the review inbox (REVIEW_NOTIFY_EMAILS) how many screenings wait for a decision and how "
        "many are overdue (older than REVIEW_TARGET_HOURS): counts only. Run it daily (README, Review "
        "alerts); a second run within 20 hours sends nothing unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Send even if a digest went out today.")

    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        if not settings.REVIEW_NOTIFY_EMAILS:
            self.stdout.write("Review alerts are off (REVIEW_NOTIFY_EMAILS is empty): nothing sent.")
            return
        digest = services.review_digest_send(force=force)
        if digest is None:
            waiting = services.review_digest_counts().waiting
            why = "a digest went out in the last 20 hours" if waiting else "no screening is waiting"
            self.stdout.write(f"Nothing sent: {why}.")
            return
        self.stdout.write(
            f"Sent the digest: {digest.waiting} waiting, {digest.overdue} overdue, "
            f"to {len(settings.REVIEW_NOTIFY_EMAILS)} address(es)."
        )
