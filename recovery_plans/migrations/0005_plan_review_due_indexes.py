"""The quarterly report's "plans reviewed on time" (reporting.kpis.plans) finds the reviews falling
due in a quarter by a plan's ``review_due`` and a review's ``next_review``: indexes on both let it
read that quarter's rows, not every plan and review ever recorded."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recovery_plans", "0004_contact_occurred_at_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="recoveryplan",
            index=models.Index(fields=["review_due"], name="plan_review_due"),
        ),
        migrations.AddIndex(
            model_name="planreview",
            index=models.Index(fields=["next_review"], name="plan_review_next_review"),
        ),
    ]
