"""The quarterly report's instrument KPIs (reporting.kpis.support: AUDIT zone, BARC-10 change) read
one instrument's readings taken in a quarter: an index on ``(instrument, taken_at)`` finds them
without reading every reading ever taken."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="instrumentreading",
            index=models.Index(fields=["instrument", "taken_at"], name="reading_instrument_taken_at"),
        ),
    ]
