from __future__ import annotations

import shlex
import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from screening import services
from screening.exports import fhir
from screening.models import AccessLog

USERNAME = "manage.py export_fhir"


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--since takes a date as YYYY-MM-DD, not {text!r}") from None


class Command(BaseCommand):
    help = (
        "Writes FHIR R4 Bulk Data NDJSON files into OUT_DIR: our CodeSystems and ValueSets, the "
        "Questionnaire, and a QuestionnaireResponse and an outcome Observation per submission."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="Folder for the .ndjson files.")
        parser.add_argument(
            "--since", type=_date, help="Only submissions sent, decided or reassessed on or after this date."
        )
        parser.add_argument(
            "--deidentified",
            action="store_true",
            help="Leave out the patient, names, notes and every date finer than the year.",
        )
        parser.add_argument("--chunk-size", type=int, default=1000, help="Rows read per query.")

    def handle(
        self,
        *args: Any,
        out_dir: Path,
        since: date | None,
        deidentified: bool,
        chunk_size: int,
        **options: Any,
    ) -> None:
        if out_dir.exists() and not out_dir.is_dir():
            raise CommandError(f"{out_dir} exists and is not a folder")
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1")
        rows = fhir.export_queryset(since)
        count = rows.count()
        # Logged before a single line is written: an export that fails half-way still read the data.
        services.access_log_record(
            user=None,
            action=AccessLog.Action.EXPORT,
            username=USERNAME,
            detail=f"fhir-ndjson submissions={count} deidentified={'yes' if deidentified else 'no'} "
            f"since={since or '-'}",
        )
        request = shlex.join(
            ["manage.py", "export_fhir", *(["--since", str(since)] if since else []), str(out_dir)]
            + (["--deidentified"] if deidentified else [])
        )
        started = time.perf_counter()
        counts = fhir.write_ndjson(
            out_dir, rows=rows, deidentified=deidentified, request=request, chunk_size=chunk_size
        )
        elapsed = time.perf_counter() - started
        for kind, n in sorted(counts.items()):
            self.stdout.write(f"{kind}.ndjson: {n}")
        self.stdout.write(
            self.style.SUCCESS(f"Exported {count} submissions to {out_dir} in {elapsed:.1f} s.")
        )
