"""Consent and Disclosure now belong to ``referrals`` (what is about a person lives beside the
person): ``referrals`` 0005 takes them up, and they leave partnership's state here. That
migration declares ``run_before`` this one, so the ordering is referrals' business.

State only: the tables ``partnership_consent``, ``partnership_historicalconsent`` and
``partnership_disclosure`` stay as they are, with their rows, and the moved models keep those
names (``Meta.db_table``). This migration depends on nothing outside partnership.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("partnership", "0002_alter_accesslog_action_consent_disclosure_and_more"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Disclosure"),
                migrations.DeleteModel(name="HistoricalConsent"),
                migrations.DeleteModel(name="Consent"),
            ],
            database_operations=[],
        ),
    ]
