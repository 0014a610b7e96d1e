"""Consent and Disclosure move here from ``partnership``, with the references to Consent
from Treatment and onward referrals; partnership 0003 then drops them from its own state.

State only: the tables keep their names (``partnership_consent``, ``partnership_historicalconsent``,
``partnership_disclosure``, set in ``Meta.db_table``), with their rows, indexes and constraints,
so an installed database moves forward without touching its data.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0004_hub_caseload_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    # Referrals 0003 and 0004 still name "partnership.consent" (they were written before the
    # move), so partnership may drop the models from its state only after this migration has
    # pointed everything at "referrals.consent". The ordering is declared here, by the app
    # that depends, so no migration of partnership's names a migration of referrals'.
    run_before = [("partnership", "0003_consent_and_disclosure_move_to_referrals")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Consent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "recipient",
                            models.CharField(
                                choices=[
                                    ("treatment", "The Treatment Service"),
                                    ("gp", "Their GP"),
                                    ("other_agency", "Another agency (named)"),
                                    ("ndtms", "National monitoring (NDTMS)"),
                                    ("research", "Research"),
                                ],
                                max_length=20,
                                verbose_name="who with",
                            ),
                        ),
                        ("agency_name", models.CharField(blank=True, max_length=200, verbose_name="agency")),
                        ("given", models.BooleanField(verbose_name="the person agreed")),
                        (
                            "lawful_basis",
                            models.CharField(
                                choices=[
                                    ("consent", "Consent: the person agrees (UK GDPR Articles 6(1)(a) and 9(2)(a))"),
                                    (
                                        "vital_interests",
                                        "Vital interests: to protect someone's life (Articles 6(1)(d) and 9(2)(c))",
                                    ),
                                    (
                                        "safeguarding",
                                        "Safeguarding a child or an adult at risk (Articles 6(1)(e) and 9(2)(g), Data Protection Act 2018 Schedule 1 paragraph 18)",
                                    ),
                                    (
                                        "health_care",
                                        "Public task: providing health or social care (Articles 6(1)(e) and 9(2)(h))",
                                    ),
                                    (
                                        "legal_obligation",
                                        "Legal obligation, such as a court order (Articles 6(1)(c) and 9(2)(f))",
                                    ),
                                ],
                                default="consent",
                                max_length=30,
                                verbose_name="lawful basis",
                            ),
                        ),
                        (
                            "basis_note",
                            models.TextField(
                                blank=True, max_length=1000, verbose_name="why sharing is lawful without consent"
                            ),
                        ),
                        ("recorded_at", models.DateTimeField(db_index=True, verbose_name="recorded")),
                        ("review_due", models.DateField(db_index=True, verbose_name="review due")),
                        ("withdrawn_at", models.DateTimeField(blank=True, null=True, verbose_name="withdrawn")),
                        (
                            "withdrawal_reason",
                            models.TextField(blank=True, max_length=1000, verbose_name="reason for withdrawal"),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="consents",
                                to="referrals.person",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "withdrawn_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "partnership_consent",
                        "ordering": ["-recorded_at", "-pk"],
                    },
                ),
                migrations.AlterField(
                    model_name="historicalonwardreferral",
                    name="sharing_basis",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="referrals.consent",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicaltreatmentreferral",
                    name="sharing_basis",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="referrals.consent",
                    ),
                ),
                migrations.AlterField(
                    model_name="onwardreferral",
                    name="sharing_basis",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="referrals.consent",
                    ),
                ),
                migrations.AlterField(
                    model_name="treatmentreferral",
                    name="sharing_basis",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="referrals.consent",
                    ),
                ),
                migrations.CreateModel(
                    name="Disclosure",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("to_organisation_name", models.CharField(max_length=200)),
                        (
                            "dataset",
                            models.CharField(
                                choices=[
                                    (
                                        "treatment_referral",
                                        "Referral to the Treatment Service: the agreed minimum dataset (§3.2.10)",
                                    ),
                                    ("onward_referral", "Onward referral: contact details and the reason for referral"),
                                    ("records_export", "Secure records export (§3.23.4, §4.5.1)"),
                                ],
                                max_length=30,
                            ),
                        ),
                        ("description", models.CharField(blank=True, max_length=500)),
                        (
                            "lawful_basis",
                            models.CharField(
                                choices=[
                                    ("consent", "Consent: the person agrees (UK GDPR Articles 6(1)(a) and 9(2)(a))"),
                                    (
                                        "vital_interests",
                                        "Vital interests: to protect someone's life (Articles 6(1)(d) and 9(2)(c))",
                                    ),
                                    (
                                        "safeguarding",
                                        "Safeguarding a child or an adult at risk (Articles 6(1)(e) and 9(2)(g), Data Protection Act 2018 Schedule 1 paragraph 18)",
                                    ),
                                    (
                                        "health_care",
                                        "Public task: providing health or social care (Articles 6(1)(e) and 9(2)(h))",
                                    ),
                                    (
                                        "legal_obligation",
                                        "Legal obligation, such as a court order (Articles 6(1)(c) and 9(2)(f))",
                                    ),
                                ],
                                max_length=30,
                            ),
                        ),
                        ("at", models.DateTimeField(db_index=True)),
                        (
                            "by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "consent",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="disclosures",
                                to="referrals.consent",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="disclosures",
                                to="referrals.person",
                            ),
                        ),
                        (
                            "to_organisation",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="partnership.organisation",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "partnership_disclosure",
                        "ordering": ["-at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalConsent",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        (
                            "recipient",
                            models.CharField(
                                choices=[
                                    ("treatment", "The Treatment Service"),
                                    ("gp", "Their GP"),
                                    ("other_agency", "Another agency (named)"),
                                    ("ndtms", "National monitoring (NDTMS)"),
                                    ("research", "Research"),
                                ],
                                max_length=20,
                                verbose_name="who with",
                            ),
                        ),
                        ("agency_name", models.CharField(blank=True, max_length=200, verbose_name="agency")),
                        ("given", models.BooleanField(verbose_name="the person agreed")),
                        (
                            "lawful_basis",
                            models.CharField(
                                choices=[
                                    ("consent", "Consent: the person agrees (UK GDPR Articles 6(1)(a) and 9(2)(a))"),
                                    (
                                        "vital_interests",
                                        "Vital interests: to protect someone's life (Articles 6(1)(d) and 9(2)(c))",
                                    ),
                                    (
                                        "safeguarding",
                                        "Safeguarding a child or an adult at risk (Articles 6(1)(e) and 9(2)(g), Data Protection Act 2018 Schedule 1 paragraph 18)",
                                    ),
                                    (
                                        "health_care",
                                        "Public task: providing health or social care (Articles 6(1)(e) and 9(2)(h))",
                                    ),
                                    (
                                        "legal_obligation",
                                        "Legal obligation, such as a court order (Articles 6(1)(c) and 9(2)(f))",
                                    ),
                                ],
                                default="consent",
                                max_length=30,
                                verbose_name="lawful basis",
                            ),
                        ),
                        (
                            "basis_note",
                            models.TextField(
                                blank=True, max_length=1000, verbose_name="why sharing is lawful without consent"
                            ),
                        ),
                        ("recorded_at", models.DateTimeField(db_index=True, verbose_name="recorded")),
                        ("review_due", models.DateField(db_index=True, verbose_name="review due")),
                        ("withdrawn_at", models.DateTimeField(blank=True, null=True, verbose_name="withdrawn")),
                        (
                            "withdrawal_reason",
                            models.TextField(blank=True, max_length=1000, verbose_name="reason for withdrawal"),
                        ),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="referrals.person",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "withdrawn_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical consent",
                        "verbose_name_plural": "historical consents",
                        "db_table": "partnership_historicalconsent",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.AddIndex(
                    model_name="consent",
                    index=models.Index(fields=["person", "recipient"], name="partnership_person__5b9a3a_idx"),
                ),
                migrations.AddConstraint(
                    model_name="consent",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("recipient", "other_agency"), _negated=True),
                            models.Q(("agency_name", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="consent_other_agency_is_named",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="consent",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("lawful_basis", "consent"), models.Q(("basis_note", ""), _negated=True), _connector="OR"
                        ),
                        name="consent_other_basis_is_explained",
                    ),
                ),
                migrations.AddIndex(
                    model_name="disclosure",
                    index=models.Index(fields=["person", "at"], name="partnership_person__4e4d39_idx"),
                ),
            ],
            database_operations=[],
        ),
    ]
