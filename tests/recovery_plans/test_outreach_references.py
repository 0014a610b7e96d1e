"""Outreach contacts are addressed by a random reference (OC-…), never by a number that counts
them; the migration gives every existing contact, and its history rows, one of its own."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from recovery_plans.models import OutreachContact
from recovery_plans.services import outreach as outreach_services
from referrals.models.references import ALPHABET, LENGTH, OUTREACH_CONTACT_PATTERN
from tests.test_migrations import _drop_every_table, _migrate, with_migrations


@pytest.mark.django_db
def test_an_outreach_contact_page_is_named_by_its_random_reference(client, hub_worker):
    contacts = [
        outreach_services.outreach_contact_record(by=hub_worker, location="Market Square", engaged=False)
        for _ in range(5)
    ]
    references = {contact.reference for contact in contacts}
    assert len(references) == 5
    for reference in references:
        code = reference.removeprefix("OC-")
        assert len(code) == LENGTH and set(code) <= set(ALPHABET)
    contact = contacts[0]
    assert contact.history.get().reference == contact.reference
    client.force_login(hub_worker)
    url = reverse("contacts:outreach_contact", kwargs={"outreach_ref": contact.reference})
    assert url.endswith(f"/outreach/contacts/{contact.reference}/")
    assert client.get(url).status_code == 200
    assert client.get(url.replace(contact.reference, str(contact.pk))).status_code == 404
    assert client.get(url.replace(contact.reference, "OC-ZZZZZZZZ")).status_code == 404


@with_migrations
@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_contacts_and_their_history_a_reference():
    _drop_every_table()
    old = _migrate([("recovery_plans", "0002_plans")])
    user = old.get_model("auth", "User").objects.create(username="outreach")
    now = timezone.now()
    model = old.get_model("recovery_plans", "OutreachContact")
    historical = old.get_model("recovery_plans", "HistoricalOutreachContact")
    rows = [
        model.objects.create(occurred_at=now, location=f"Place {n}", engaged=False, recorded_by=user) for n in range(3)
    ]
    for row in rows:
        for _ in range(2):
            historical.objects.create(
                id=row.pk,
                occurred_at=now,
                location=row.location,
                engaged=False,
                recorded_by_id=user.pk,
                recorded_at=now,
                history_date=now,
                history_type="~",
            )
    # A contact since deleted: its history rows share one reference of their own.
    for _ in range(2):
        historical.objects.create(
            id=999,
            occurred_at=now,
            location="Gone",
            engaged=False,
            recorded_by_id=user.pk,
            recorded_at=now,
            history_date=now,
            history_type="-",
        )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    migrated = {contact.pk: contact.reference for contact in OutreachContact.objects.all()}
    assert set(migrated) == {row.pk for row in rows}
    assert len(set(migrated.values())) == 3
    assert all(re.fullmatch(OUTREACH_CONTACT_PATTERN, reference) for reference in migrated.values())
    for pk, reference in migrated.items():
        assert set(OutreachContact.history.filter(id=pk).values_list("reference", flat=True)) == {reference}
    gone = set(OutreachContact.history.filter(id=999).values_list("reference", flat=True))
    assert len(gone) == 1 and not gone & set(migrated.values())
    # New contacts still get one.
    assert OutreachContact._meta.get_field("reference").default().startswith("OC-")
