"""FHIR Bulk Data NDJSON files: one resource type per file, written as the rows stream past."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import IO

from django.db.models import DateTimeField, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from screening.exports.fhir import bundle, procedure
from screening.exports.fhir.codes import Resource
from screening.exports.fhir.ids import ExportStyle, instant
from screening.exports.fhir.validate import to_json
from screening.models import AccessLog, CheckIn, Decision, SessionNote, Submission

MANIFEST = "manifest.json"


def _reassessed(since: datetime | None = None) -> QuerySet[AccessLog]:
    rows = AccessLog.objects.filter(submission=OuterRef("pk"), action=AccessLog.Action.REASSESS)
    return rows.filter(at__gte=since) if since else rows


def last_reassessed_at(submission: Submission) -> datetime | None:
    """When `reassess --apply` last changed this submission; None if it never did."""
    rows = AccessLog.objects.filter(submission=submission, action=AccessLog.Action.REASSESS)
    return rows.order_by("-at").values_list("at", flat=True).first()


def export_queryset(since: date | None = None) -> QuerySet[Submission]:
    """The submissions to export, oldest first, each with its decisions and when it was last
    reassessed, and its courses' sessions; with `since`, only those sent, decided or reassessed on
    or after that day, or with a session signed on or after it."""
    latest_reassessment = _reassessed().order_by("-at").values("at")[:1]
    rows = (
        Submission.objects.order_by("pk")
        .annotate(fhir_reassessed_at=Subquery(latest_reassessment, output_field=DateTimeField()))
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("therapist__therapist_profile", "duplicate_of"),
            ),
            *procedure.prefetches(),
        )
    )
    if since is None:
        return rows
    start = timezone.make_aware(datetime.combine(since, time.min))
    decided = Decision.objects.filter(submission=OuterRef("pk"), created_at__gte=start)
    treated = SessionNote.objects.filter(course__submission=OuterRef("pk"), signed_at__gte=start)
    stopped = CheckIn.objects.filter(course__submission=OuterRef("pk"), created_at__gte=start)
    return rows.filter(
        Q(created_at__gte=start)
        | Exists(decided)
        | Exists(_reassessed(start))
        | Exists(treated)
        | Exists(stopped)
    )


def _resources(rows: QuerySet[Submission], style: ExportStyle, chunk_size: int) -> Iterator[Resource]:
    yield from bundle.canonical_resources()
    for submission in rows.iterator(chunk_size=chunk_size):
        yield from bundle.submission_resources(
            submission,
            decisions=list(submission.decisions.all()),
            reassessed_at=submission.fhir_reassessed_at,
            style=style,
        )


def _private_file(path: Path) -> IO[str]:
    # Health data: readable by the exporting account only, whatever the umask says.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return os.fdopen(descriptor, "w", encoding="utf-8")


def write_ndjson(
    out_dir: Path, *, rows: QuerySet[Submission], deidentified: bool, request: str, chunk_size: int = 1000
) -> Counter[str]:
    """Writes <Type>.ndjson for each resource type and a Bulk Data style manifest.json into out_dir;
    returns how many resources of each type. Every line is validated first. The files appear only
    once all are complete: a failed export leaves none behind, and no earlier export half-replaced.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    started = timezone.now()
    counts: Counter[str] = Counter()
    files: dict[str, IO[str]] = {}
    try:
        for resource in _resources(rows, ExportStyle(deidentified=deidentified), chunk_size):
            kind = resource["resourceType"]
            if kind not in files:
                files[kind] = _private_file(out_dir / f"{kind}.ndjson.partial")
            files[kind].write(to_json(resource) + "\n")
            counts[kind] += 1
        manifest = {
            "transactionTime": instant(started),
            "request": request,
            "requiresAccessToken": False,
            # Relative to the manifest: these are files, not a server's download URLs.
            "output": [
                {"type": kind, "url": f"{kind}.ndjson", "count": n} for kind, n in sorted(counts.items())
            ],
            "error": [],
        }
        with _private_file(out_dir / f"{MANIFEST}.partial") as out:
            json.dump(manifest, out, indent=2)
    except BaseException:
        for kind, handle in files.items():
            handle.close()
            (out_dir / f"{kind}.ndjson.partial").unlink(missing_ok=True)
        (out_dir / f"{MANIFEST}.partial").unlink(missing_ok=True)
        raise
    for kind, handle in files.items():
        handle.close()
        os.replace(out_dir / f"{kind}.ndjson.partial", out_dir / f"{kind}.ndjson")
    os.replace(out_dir / f"{MANIFEST}.partial", out_dir / MANIFEST)
    return counts
