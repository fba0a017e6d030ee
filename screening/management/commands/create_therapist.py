from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from screening import services

THERAPISTS_GROUP = "Therapists"


class Command(BaseCommand):
    help = (
        "Creates a therapist login: a user in the Therapists group, with a password that passes validation."
    )
    stealth_options = ("stdin",)  # tests pass their own standard input, as createsuperuser's do

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--credentials",
            default="",
            help='Shown after the name in decisions, summaries and exports, e.g. "PT, DPT" (optional).',
        )
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input instead of prompting.",
        )

    def handle(
        self, *args: Any, username: str, email: str, credentials: str, password_stdin: bool, **options: Any
    ) -> None:
        user_model = get_user_model()
        if user_model.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        user = user_model(username=username, email=email)
        password = self._read_password(options.get("stdin", sys.stdin), from_stdin=password_stdin)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("Password not accepted: " + " ".join(exc.messages)) from None
        user.set_password(password)
        with transaction.atomic():
            user.save()
            user.groups.add(Group.objects.get(name=THERAPISTS_GROUP))
            if credentials.strip():
                try:
                    services.therapist_credentials_set(user=user, credentials=credentials)
                except ValidationError as exc:
                    # Raised inside the transaction: the login is not created without them.
                    raise CommandError("Credentials not accepted: " + " ".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Therapist {username!r} created."))

    def _read_password(self, stdin: Any, *, from_stdin: bool) -> str:
        if from_stdin:
            password = stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        if not password:
            raise CommandError("The password must not be empty.")
        return password
