"""People, Treatment referrals and subject access requests get random references for their
URLs (referrals.models.references), as referrals already have. Existing rows, and their
history rows, are given one each before the column becomes unique and required."""

from django.db import migrations, models

import referrals.models.references

MODELS = {
    "person": ("historicalperson", referrals.models.references.new_person_reference),
    "treatmentreferral": ("historicaltreatmentreferral", referrals.models.references.new_treatment_referral_reference),
    "subjectaccessrequest": (
        "historicalsubjectaccessrequest",
        referrals.models.references.new_subject_access_reference,
    ),
}


def give_each_row_a_reference(apps, schema_editor):
    for model_name, (historical_name, new) in MODELS.items():
        model = apps.get_model("referrals", model_name)
        historical = apps.get_model("referrals", historical_name)
        used = set()
        for pk in model.objects.order_by("pk").values_list("pk", flat=True).iterator():
            reference = new()
            while reference in used:
                reference = new()
            used.add(reference)
            # Migration models record no history; the history rows take the same reference.
            model.objects.filter(pk=pk).update(reference=reference)
            historical.objects.filter(id=pk).update(reference=reference)
        # History rows of records since deleted: a reference of their own, never reused.
        for row in historical.objects.filter(reference__isnull=True).order_by("history_id").iterator():
            reference = new()
            while reference in used:
                reference = new()
            used.add(reference)
            historical.objects.filter(id=row.id).update(reference=reference)


def _field(*, default=None, unique=False, db_index=False, verbose_name=None):
    options = {"max_length": 12, "editable": False}
    if default is None:
        options["null"] = True
    else:
        options["default"] = default
    if unique:
        options["unique"] = True
    if db_index:
        options["db_index"] = True
    if verbose_name:
        options["verbose_name"] = verbose_name
    return models.CharField(**options)


VERBOSE = {"person": "reference"}


def _operations():
    adding, requiring = [], []
    for model_name, (historical_name, new) in MODELS.items():
        verbose_name = VERBOSE.get(model_name)
        for name in (model_name, historical_name):
            adding.append(
                migrations.AddField(model_name=name, name="reference", field=_field(verbose_name=verbose_name))
            )
        # Unique on the record; indexed but repeated on its history rows, as Referral's is.
        requiring.append(
            migrations.AlterField(
                model_name=model_name,
                name="reference",
                field=_field(default=new, unique=True, verbose_name=verbose_name),
            )
        )
        requiring.append(
            migrations.AlterField(
                model_name=historical_name,
                name="reference",
                field=_field(default=new, db_index=True, verbose_name=verbose_name),
            )
        )
    return [
        *adding,
        migrations.RunPython(give_each_row_a_reference, migrations.RunPython.noop, elidable=False),
        *requiring,
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0006_front_door_second_pass"),
    ]

    operations = _operations()
