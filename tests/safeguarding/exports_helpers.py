"""The records-export comparison of tests/referrals/test_records_export.py, for safeguarding's
own round-trip test (tests/safeguarding/test_incident_exports.py)."""

from __future__ import annotations

from django.apps import apps

from referrals.models import Consent, Disclosure, OnwardReferral, Person, Referral, TreatmentReferral


def wipe() -> None:
    """Empty every table the export carries, as in a new provider's empty database."""
    Disclosure.objects.all().delete()
    OnwardReferral.objects.all().delete()
    TreatmentReferral.objects.all().delete()
    Consent.objects.all().delete()
    Referral.objects.all().delete()
    Person.objects.all().delete()


def comparable(data: dict) -> dict:
    """The records with database ids replaced by positions in the file, and staff,
    organisations and hubs by their names: equal exactly when the same records came back."""
    positions = {label: {r["id"]: i for i, r in enumerate(rows)} for label, rows in data["records"].items()}
    reference = {
        label: {row["id"]: row.get("username") or row["name"] for row in rows}
        for label, rows in data["reference"].items()
    }
    out = {}
    for label, rows in data["records"].items():
        model = apps.get_model(label)
        out[label] = []
        for row in rows:
            fields = {}
            for name, value in row["fields"].items():
                field = model._meta.get_field(name)
                if field.is_relation and value is not None:
                    target = field.related_model._meta.label_lower
                    value = (target, positions[target][value] if target in positions else reference[target][value])
                fields[name] = value
            out[label].append(fields)
    return out
