"""The quarterly report reads a quarter's referrals and Treatment referrals by timestamps that had
no index, so PostgreSQL read every row ever recorded: ``closed_at`` (the active caseload: referrals
still open or closed since a quarter's end), ``allocated_at`` (the equality tables' "began
support") and ``treatment_started_on`` (treatment starts)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0012_disclosure_chronology_dataset"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["closed_at"], name="referral_closed_at_idx"),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["allocated_at"], name="referral_allocated_at_idx"),
        ),
        migrations.AddIndex(
            model_name="treatmentreferral",
            index=models.Index(fields=["treatment_started_on"], name="treatment_started_on_idx"),
        ),
    ]
