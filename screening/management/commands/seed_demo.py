from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from screening import services
from screening.clinical import questions
from screening.management import demo_courses
from screening.models import Submission, TherapistProfile

DEMO_USERNAME = "demo"
DEMO_CREDENTIALS = "PT, DPT"
DEMO_PASSWORD = "demo-therapist-2026"  # noqa: S105 -- the printed demo login, for local use only  # nosec B105

FIRST_NAMES = (
    "Ana",
    "Ben",
    "Carmen",
    "David",
    "Elena",
    "Frank",
    "Grace",
    "Hugo",
    "Iris",
    "José",
    "Kim",
    "Luis",
    "Maya",
    "Noah",
    "Olga",
    "Pedro",
    "Rosa",
    "Sam",
    "Tomás",
    "Vera",
)
LAST_NAMES = (
    "Alvarez",
    "Brown",
    "Chen",
    "Diaz",
    "Evans",
    "Garcia",
    "Hughes",
    "Ito",
    "Jones",
    "Kowalski",
    "Lopez",
    "Martin",
    "Nguyen",
    "Ortiz",
    "Patel",
    "Quinn",
    "Reyes",
    "Smith",
    "Torres",
    "Wong",
)


# The answers of a patient with nothing to flag, for the single-choice questions not answered "no".
CALM_ANSWERS = {
    "condition": ("tendonitis", "tendonitis", "bursitis", "arthritis", "calcium_deposit"),
    "body_area": ("shoulder", "elbow", "elbow", "wrist_hand", "knee", "ankle_foot", "ankle_foot"),
    "depth": ("just_under_skin",),
    "prescribed_medication": ("dexamethasone", "dexamethasone", "lidocaine", "acetic_acid", "dont_know"),
    "electrical_therapy_reaction": ("no", "never_had"),
    "can_attend_sessions": ("yes",),
}


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


def synthetic_answers(rng: random.Random, today: date) -> dict[str, object]:
    """Mostly ordinary answers with the occasional flag, like a real clinic's week."""
    answers: dict[str, object] = {}
    for q in questions.QUESTIONS:
        codes = [o.code for o in q.options]
        if q.kind is questions.Kind.DATE:
            years = (
                rng.choice((rng.randint(14, 17), rng.randint(86, 95)))
                if rng.random() < 0.06
                else rng.randint(19, 84)
            )
            answers[q.code] = (today - timedelta(days=years * 365 + rng.randint(0, 364))).isoformat()
        elif q.kind is questions.Kind.MULTI:
            flags = [c for c in codes if c not in questions.EXCLUSIVE_OPTIONS]
            roll = rng.random()
            answers[q.code] = ["none"] if roll < 0.95 else ["unsure"] if roll < 0.96 else [rng.choice(flags)]
        else:
            calm = CALM_ANSWERS.get(q.code, ("no",))
            answers[q.code] = rng.choice(calm) if rng.random() < 0.97 else rng.choice(codes)
    return answers


class Command(BaseCommand):
    help = "Creates the demo therapist and N synthetic submissions through the real submit code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--submissions", type=int, default=50, help="How many submissions (default 50).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed, for repeatable data.")
        parser.add_argument("--days", type=int, default=365, help="Spread submissions over this many days.")
        parser.add_argument(
            "--courses", action="store_true", help="Also book four and run their treatment courses."
        )

    def handle(
        self, *args: Any, submissions: int, seed: int, days: int, courses: bool = False, **options: Any
    ) -> None:
        user, created = demo_therapist_ensure()
        state = "created" if created else "already existed"
        self.stdout.write(f"Demo therapist {state}: username {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r}")
        if submissions <= 0:
            return
        started = time.perf_counter()
        count = services.submissions_bulk_create(self._built(submissions, seed, days))
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Created {count} submissions in {elapsed:.1f} s ({count / elapsed:.0f}/s).")
        if courses:
            made = demo_courses.demo_courses_create(therapist=user)
            self.stdout.write(f"Created {len(made)} treatment courses.")

    def _built(self, n: int, seed: int, days: int) -> Iterator[Submission]:
        rng = random.Random(seed)  # noqa: S311 -- synthetic demo data, not security  # nosec B311
        now = timezone.now()
        for _ in range(n):
            created_at: datetime = now - timedelta(seconds=rng.randint(0, days * 86400))
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            contact = services.Contact(
                first_name=first,
                last_name=last,
                phone=f"(555) 01{rng.randint(0, 9)}-{rng.randint(0, 9999):04d}",
                email=f"{first.lower()}.{last.lower()}@example.com" if rng.random() < 0.5 else "",
            )
            answers = synthetic_answers(rng, timezone.localdate(created_at))
            language = "es" if rng.random() < 0.3 else "en"
            yield services.submission_build(
                answers=answers, contact=contact, language=language, created_at=created_at
            )
