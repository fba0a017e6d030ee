from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from screening.services import tallies


class Command(BaseCommand):
    help = (
        "Counts every submission afresh into the queue's tallies (the totals and the counts by day). "
        "Safe while the clinic works: writes wait for it, and none is lost. `manage.py doctor` says when "
        "it is needed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            tallies.tallies_rebuild()
        self.stdout.write("The queue's tallies were counted afresh.")
