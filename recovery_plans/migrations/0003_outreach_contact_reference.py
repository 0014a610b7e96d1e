"""Outreach contacts get a random reference for their URL (referrals.models.references), as
people, referrals and Treatment referrals have: a number there counted the service's outreach
contacts. Existing rows, and their history rows, are given one each before the column becomes
unique and required."""

from django.db import migrations, models

import referrals.models.references

new = referrals.models.references.new_outreach_contact_reference


def give_each_row_a_reference(apps, schema_editor):
    model = apps.get_model("recovery_plans", "outreachcontact")
    historical = apps.get_model("recovery_plans", "historicaloutreachcontact")
    used = set()

    def fresh():
        reference = new()
        while reference in used:
            reference = new()
        used.add(reference)
        return reference

    for pk in model.objects.order_by("pk").values_list("pk", flat=True).iterator():
        reference = fresh()
        # Migration models record no history; the history rows take the same reference.
        model.objects.filter(pk=pk).update(reference=reference)
        historical.objects.filter(id=pk).update(reference=reference)
    # History rows of contacts since deleted: one reference for each such contact, never reused.
    for pk in historical.objects.filter(reference__isnull=True).order_by("id").values_list("id", flat=True).distinct():
        historical.objects.filter(id=pk, reference__isnull=True).update(reference=fresh())


class Migration(migrations.Migration):
    dependencies = [
        ("recovery_plans", "0002_plans"),
    ]

    operations = [
        migrations.AddField(
            model_name="outreachcontact",
            name="reference",
            field=models.CharField(editable=False, max_length=12, null=True),
        ),
        migrations.AddField(
            model_name="historicaloutreachcontact",
            name="reference",
            field=models.CharField(editable=False, max_length=12, null=True),
        ),
        migrations.RunPython(give_each_row_a_reference, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="outreachcontact",
            name="reference",
            field=models.CharField(editable=False, max_length=12, unique=True, default=new),
        ),
        migrations.AlterField(
            model_name="historicaloutreachcontact",
            name="reference",
            field=models.CharField(editable=False, max_length=12, db_index=True, default=new),
        ),
    ]
