from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from screening.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERNAME, demo_therapist_ensure


class Command(BaseCommand):
    help = (
        "Creates the demo therapist account used by `make run`, if it does not exist, and prints its login."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        demo_therapist_ensure()
        self.stdout.write(f"Demo therapist login: username {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r}")
