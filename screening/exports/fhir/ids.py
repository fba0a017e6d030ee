"""How resources are named and dated in one export: as themselves, or de-identified."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class ExportStyle:
    """`deidentified` leaves out the patient and every date finer than the year (HIPAA Safe
    Harbor, docs/fhir.md); `in_bundle` writes references as the urn:uuid fullUrls of a Bundle,
    otherwise as Type/id, as Bulk Data NDJSON files do."""

    deidentified: bool = False
    in_bundle: bool = False

    def resource_id(self, resource_type: str, code: uuid.UUID) -> str:
        """A stable id for a submission's resource of this type; unlinkable to it when de-identified."""
        if self.deidentified:
            # Keyed with the secret key, so the same submission gets the same pseudonym in every
            # export of this installation, and nobody without the key can tell which one it is.
            key = settings.SECRET_KEY.encode()
            digest = hmac.new(key, f"{resource_type}:{code}".encode(), hashlib.sha256).digest()
            return str(uuid.UUID(bytes=digest[:16], version=4))
        if resource_type == "QuestionnaireResponse":
            return str(code)
        return str(uuid.uuid5(code, resource_type))

    def reference(self, resource_type: str, resource_id: str) -> str:
        return f"urn:uuid:{resource_id}" if self.in_bundle else f"{resource_type}/{resource_id}"

    def when(self, moment: datetime) -> str:
        """A dateTime in the clinic's time zone, or only its year when de-identified."""
        local = timezone.localtime(moment)
        return str(local.year) if self.deidentified else instant(local)

    def day(self, value: date) -> str:
        return str(value.year) if self.deidentified else value.isoformat()


def instant(moment: datetime) -> str:
    """An ISO 8601 time to the second with its offset, as FHIR writes it (Z for UTC)."""
    text = timezone.localtime(moment).isoformat(timespec="seconds")
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
