"""The quarterly report counts changes of engagement in a quarter (inactive by reason, re-entries,
the equality tables' "recovery goals met"): an index on ``at`` finds them without reading every
change ever recorded (the only index led with the person)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recovery_plans", "0005_plan_review_due_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="engagementtransition",
            index=models.Index(fields=["at"], name="engagement_transition_at"),
        ),
    ]
