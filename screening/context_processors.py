from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from screening import kiosk


def clinic(request: HttpRequest) -> dict[str, Any]:
    """The clinic's name and phone, shown on every page, and whether this is a front-desk tablet."""
    return {
        "CLINIC_NAME": settings.CLINIC_NAME,
        "CLINIC_PHONE": settings.CLINIC_PHONE,
        "CLINIC_TEL": "tel:" + re.sub(r"[^0-9+]", "", settings.CLINIC_PHONE),
        "KIOSK": kiosk.active(request),
        "KIOSK_TIMINGS": settings.KIOSK_TIMINGS,
    }
