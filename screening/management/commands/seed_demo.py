from __future__ import annotations

import os
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandParser

from screening import services
from screening.management import demo_courses, seeding
from screening.models import TherapistProfile

DEMO_USERNAME = "demo"
DEMO_CREDENTIALS = "PT, DPT"
DEMO_PASSWORD = "demo-therapist-2026"  # noqa: S105 -- the printed demo login, for local use only  # nosec B105


def demo_therapist_ensure() -> tuple[Any, bool]:
    """The demo therapist account, created with the printed password if it does not exist."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=DEMO_USERNAME)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.first_name, user.last_name = "Demo", "Therapist"
        user.save()
    user.groups.add(Group.objects.get(name="Therapists"))
    # Demo credentials once; credentials changed (or cleared) in the admin are kept.
    if not TherapistProfile.objects.filter(user=user).exists():
        services.therapist_credentials_set(user=user, credentials=DEMO_CREDENTIALS)
    return user, created


class Command(BaseCommand):
    help = "Creates the demo therapist and N synthetic submissions through the real submit code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--submissions", type=int, default=50, help="How many submissions (default 50).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed, for repeatable data.")
        parser.add_argument("--days", type=int, default=365, help="Spread submissions over this many days.")
        parser.add_argument(
            "--courses", action="store_true", help="Also book four and run their treatment courses."
        )
        parser.add_argument(
            "--decisions",
            action="store_true",
            help="Also decide most older submissions, as the demo therapist (a clinic's year, for the bench).",
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=0,
            help="Build and store in this many processes (default: 2 from 20,000 submissions on, else 1).",
        )

    def handle(
        self,
        *args: Any,
        submissions: int,
        seed: int,
        days: int,
        courses: bool = False,
        decisions: bool = False,
        processes: int = 0,
        **options: Any,
    ) -> None:
        user, created = demo_therapist_ensure()
        state = "created" if created else "already existed"
        self.stdout.write(f"Demo therapist {state}: username {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r}")
        if submissions <= 0:
            return
        started = time.perf_counter()
        plan = seeding.Plan(rows=submissions, seed=seed, days=days, therapist=user if decisions else None)
        processes = processes or (min(2, os.cpu_count() or 1) if submissions >= 20_000 else 1)
        count = seeding.seed(plan, processes=processes)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Created {count} submissions in {elapsed:.1f} s ({count / elapsed:.0f}/s).")
        if courses:
            made = demo_courses.demo_courses_create(therapist=user)
            self.stdout.write(f"Created {len(made)} treatment courses.")
