from django.contrib.auth.management import create_permissions
from django.db import migrations


def therapists_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make ours exist now.
    app_config = apps.get_app_config("screening")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Therapists")
    group.permissions.add(
        Permission.objects.get(codename="review_submission", content_type__app_label="screening")
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Therapists").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(therapists_group, remove_group)]
