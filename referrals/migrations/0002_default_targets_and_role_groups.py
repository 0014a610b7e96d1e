"""Seed the agreed response targets (§4.3.6) and one group per role (editable afterwards)."""

import datetime as dt

from django.contrib.auth.management import create_permissions
from django.db import migrations

# A copy of referrals.targets.DEFAULT_TARGETS as it stood when this migration was written:
# migrations must not import code that changes later.
EFFECTIVE_FROM = dt.date(2025, 1, 1)
TARGETS = [
    (1, "first_contact", 4, "hours"),
    (1, "triage", 1, "working_days"),
    (2, "first_contact", 1, "working_days"),
    (2, "triage", 2, "working_days"),
    (3, "first_contact", 3, "working_days"),
    (3, "triage", 5, "working_days"),
]
ROLES = [
    "spoc_practitioner", "hub_worker", "peer_worker", "manager", "safeguarding_lead",
    "treatment_practitioner", "commissioner", "data_protection_officer",
]
FRONT_DOOR_ROLES = {"spoc_practitioner", "manager"}


def seed(apps, schema_editor):
    ResponseTarget = apps.get_model("referrals", "ResponseTarget")
    for priority, measure, amount, unit in TARGETS:
        ResponseTarget.objects.get_or_create(
            priority=priority, measure=measure, effective_from=EFFECTIVE_FROM,
            defaults={"amount": amount, "unit": unit},
        )
    # Permissions are normally made after all migrations; make them now so groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    front_door = Permission.objects.get(codename="work_front_door", content_type__app_label="referrals")
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        if role in FRONT_DOOR_ROLES:
            group.permissions.add(front_door)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
