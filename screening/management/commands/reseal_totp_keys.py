from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from screening.models import SealedTOTPDevice
from screening.models.twofactor import seal, sealed_with_current_key


class Command(BaseCommand):
    help = (
        "Seals every authenticator key again under the first FIELD_ENCRYPTION_KEY. Run it after "
        "putting a new key in front; then the old key can be dropped. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        resealed = 0
        with transaction.atomic():
            for device in SealedTOTPDevice.objects.select_for_update().order_by("pk"):
                if not sealed_with_current_key(device.key):
                    device.key = seal(device.bin_key)  # unsealed with whichever listed key made it
                    device.save(update_fields=["key"])
                    resealed += 1
        self.stdout.write(f"Sealed {resealed} authenticator keys under the current key.")
