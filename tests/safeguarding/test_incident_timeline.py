"""Incidents and council notifications on the person's timeline (and so in the chronology):
for those who see safeguarding detail only, one query per source."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.person_record_discovery import timeline_sources_for
from referrals.services import referrals as referral_services
from safeguarding import services_incidents
from safeguarding.models import NonFatalOverdose, Notification, SeriousIncident
from safeguarding.services_notifications import notification_mark_sent
from tests.factories import ReferralFactory
from tests.states import allocate

pytestmark = pytest.mark.django_db
OURS = {"serious_incidents", "overdoses", "deaths", "data_security", "council_notifications"}


def _keys(user) -> set[str]:
    return {source["key"] for source in timeline_sources_for(user)} & OURS


def test_only_those_who_see_safeguarding_detail_get_the_sources(
    hub_worker, safeguarding_lead, peer_worker, commissioner
):
    assert _keys(hub_worker) == _keys(safeguarding_lead) == OURS
    assert _keys(peer_worker) == _keys(commissioner) == set()


def test_the_hub_worker_sees_the_overdose_and_the_notification_on_the_timeline(
    client, spoc_practitioner, hub, hub_worker, manager
):
    referral = ReferralFactory()
    referral_services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    allocate(referral, spoc=spoc_practitioner, hub=hub, worker=hub_worker)
    referral.refresh_from_db()
    person = referral.person
    services_incidents.incident_record(
        model=NonFatalOverdose,
        by=manager,
        person=person,
        occurred_at=timezone.now(),
        naloxone_by="staff",
        naloxone_doses=1,
    )
    incident = services_incidents.incident_record(
        model=SeriousIncident,
        by=manager,
        seriousness="serious",
        category="harm_safeguarding",
        incident_type="safeguarding_action",
        occurred_at=timezone.now() - dt.timedelta(hours=2),
        known_at=timezone.now() - dt.timedelta(hours=1),
        description="Children at home without an adult",
        person=person,
    )
    notification = Notification.objects.get(subject_id=incident.pk)
    notification_mark_sent(
        notification=notification, by=manager, sent_at=timezone.now(), sent_how="email", council_reference="CC-7"
    )
    client.force_login(hub_worker)
    html = client.get(reverse("referrals:person_timeline", kwargs={"person_ref": person.reference})).content.decode()
    assert "Non-fatal overdose: naloxone given by a member of staff" in html
    assert "Serious incident: Needing safeguarding action for an adult or a child" in html
    assert "Serious incident notified to Cumberland Council" in html
    # The hub worker may not open the incident register: no link to it.
    assert incident.reference not in html


def test_each_source_is_one_query(django_assert_num_queries, manager, spoc_practitioner):
    referral = ReferralFactory()
    person = referral_services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    for _ in range(3):
        services_incidents.incident_record(
            model=NonFatalOverdose, by=manager, person=person, occurred_at=timezone.now(), naloxone_by="not_given"
        )
    for source in timeline_sources_for(manager):
        if source["key"] in OURS:
            with django_assert_num_queries(1):
                source["events"](person=person, user=manager, before=None, limit=50)
