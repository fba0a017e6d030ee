"""Second-factor secrets at rest: the proxy that unseals authenticator keys, and the conversion of
every existing device (keys sealed under FIELD_ENCRYPTION_KEY, recovery codes replaced by digests).

Going back writes the authenticator keys out in clear again, as the code before this expects,
and deletes the recovery codes, which cannot be recovered from their digests: each therapist is
given new ones when they next set up.
"""

from __future__ import annotations

from binascii import unhexlify

from django.db import migrations

from screening.models.twofactor import is_sealed, recovery_code_digest, seal, unseal


def seal_existing(apps, schema_editor):
    totp = apps.get_model("otp_totp", "TOTPDevice")
    for device in totp.objects.using(schema_editor.connection.alias).all():
        if not is_sealed(device.key):
            device.key = seal(unhexlify(device.key.encode()))
            device.save(update_fields=["key"])
    token = apps.get_model("otp_static", "StaticToken")
    # Codes in clear are django-otp's lower-case base32; digests are upper case.
    for row in token.objects.using(schema_editor.connection.alias).all():
        if row.token != row.token.upper():
            row.token = recovery_code_digest(row.token)
            row.save(update_fields=["token"])


def unseal_existing(apps, schema_editor):
    totp = apps.get_model("otp_totp", "TOTPDevice")
    for device in totp.objects.using(schema_editor.connection.alias).all():
        if is_sealed(device.key):
            device.key = unseal(device.key).hex()
            device.save(update_fields=["key"])
    apps.get_model("otp_static", "StaticToken").objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0006_shared_cache_table"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [
        migrations.CreateModel(
            name="SealedTOTPDevice",
            fields=[],
            options={"verbose_name": "authenticator app (key encrypted)", "proxy": True, "indexes": [], "constraints": []},
            bases=("otp_totp.totpdevice",),
        ),
        migrations.RunPython(seal_existing, unseal_existing, elidable=False),
    ]
