"""The quarterly report selects a quarter's contacts by when they happened (reporting.kpis.support):
an index on ``occurred_at`` lets it read that quarter's rows, not every contact ever recorded."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recovery_plans", "0003_outreach_contact_reference"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(fields=["occurred_at"], name="contact_occurred_at"),
        ),
    ]
