from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from screening import doctor


class Command(BaseCommand):
    help = (
        "Checks this configuration for production: one line per item, OK or what to do. "
        "Exits 1 when anything required is missing. Shows no secret values."
    )
    # The command reports on the checks itself (check --deploy is one of its lines).
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        findings = doctor.examine()
        for finding in findings:
            style = {
                doctor.Status.OK: self.style.SUCCESS,
                doctor.Status.FIX: self.style.ERROR,
                doctor.Status.NOTE: self.style.WARNING,
            }[finding.status]
            self.stdout.write(style(finding.line))
        missing = sum(f.status is doctor.Status.FIX for f in findings)
        if missing:
            self.stdout.write(f"{missing} item(s) to fix before this configuration is ready for production.")
            sys.exit(1)
        self.stdout.write("Ready for production, as far as this command can see.")
