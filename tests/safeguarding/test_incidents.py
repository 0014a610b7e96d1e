"""Serious incidents and near misses (SAF-3), deaths in service (§3.29.3), non-fatal overdoses
and naloxone (§3.29.2) and data-security incidents (SAF-6): the rules, the pages and who may
use them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from partnership.models import AccessLog
from safeguarding import services_incidents as services
from safeguarding.forms_incidents import PERSON_REFERENCE_UNKNOWN, TIME_WITH_DATE
from safeguarding.models import (
    DataSecurityIncident,
    DeathInService,
    IncidentAction,
    NonFatalOverdose,
    Notification,
    SeriousIncident,
)
from safeguarding.models.incidents import CATEGORY_OF, IncidentCategory, IncidentType
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _serious(by, **extra):
    values = {
        "seriousness": "serious",
        "category": "harm_safeguarding",
        "incident_type": "serious_injury",
        "occurred_at": timezone.now() - dt.timedelta(hours=3),
        "known_at": timezone.now() - dt.timedelta(hours=2),
        "description": "A fall on the stairs at the hub",
        **extra,
    }
    return services.incident_record(model=SeriousIncident, by=by, **values)


def test_every_type_belongs_to_one_of_the_three_categories_of_3_18():
    assert set(CATEGORY_OF) == set(IncidentType)
    assert set(CATEGORY_OF.values()) == set(IncidentCategory)


def test_a_type_from_another_category_is_refused_with_a_specific_message(manager):
    with pytest.raises(services.ValidationError) as error:
        _serious(manager, category="regulatory_safety", incident_type="weapons")
    assert error.value.message_dict == {"incident_type": [str(services.TYPE_NOT_IN_CATEGORY)]}


def test_known_before_it_happened_is_refused(manager):
    now = timezone.now()
    with pytest.raises(services.ValidationError) as error:
        _serious(manager, occurred_at=now - dt.timedelta(hours=1), known_at=now - dt.timedelta(hours=2))
    assert error.value.message_dict == {"known_at": [str(services.KNOWN_BEFORE_IT_HAPPENED)]}


def test_a_near_miss_found_to_be_serious_is_notified_when_changed(manager):
    incident = _serious(manager, seriousness="near_miss")
    assert not Notification.objects.exists()
    services.incident_update(record=incident, by=manager, seriousness="serious")
    assert Notification.objects.filter(subject_id=incident.pk, kind="serious_incident").count() == 2


def test_actions_have_an_owner_and_due_date_and_are_done_once(manager):
    incident = _serious(manager, root_cause="No handrail", learning="Fit handrails in every hub")
    action = services.incident_action_add(
        incident=incident, by=manager, description="Fit a handrail", owner="Estates", due_on=timezone.localdate()
    )
    services.incident_action_done(action=action, by=manager)
    assert IncidentAction.objects.get().done_on == timezone.localdate()
    with pytest.raises(services.ValidationError):
        services.incident_action_done(action=action, by=manager)


def test_a_death_in_service_is_notified_and_recorded_once_per_person(safeguarding_lead):
    person = PersonFactory(council_of_residence="cumberland")
    known = timezone.now()
    death = services.incident_record(
        model=DeathInService,
        by=safeguarding_lead,
        person=person,
        died_on=timezone.localdate(),
        known_at=known,
        cause="drug",
    )
    assert list(Notification.objects.filter(subject_id=death.pk).values_list("kind", "council")) == [
        ("death", "cumberland")
    ]
    services.incident_update(
        record=death,
        by=safeguarding_lead,
        panel_review_on=timezone.localdate(),
        panel_attended_by="The safeguarding lead",
        panel_learning="Naloxone offered on release from prison",
    )
    with pytest.raises(services.ValidationError) as error:
        services.incident_record(
            model=DeathInService,
            by=safeguarding_lead,
            person=person,
            died_on=timezone.localdate(),
            known_at=known,
            cause="drug",
        )
    assert error.value.message_dict == {"person": [str(services.ALREADY_RECORDED_DEATH)]}


@pytest.mark.parametrize(
    ("naloxone_by", "doses", "message"),
    [("not_given", 1, services.DOSES_WITHOUT_NALOXONE), ("staff", 0, services.NALOXONE_WITHOUT_DOSES)],
)
def test_naloxone_doses_agree_with_who_gave_it(manager, naloxone_by, doses, message):
    with pytest.raises(services.ValidationError) as error:
        services.incident_record(
            model=NonFatalOverdose,
            by=manager,
            occurred_at=timezone.now(),
            naloxone_by=naloxone_by,
            naloxone_doses=doses,
        )
    assert error.value.message_dict == {"naloxone_doses": [str(message)]}


def test_an_overdose_with_naloxone_is_recorded_and_not_notified(manager):
    overdose = services.incident_record(
        model=NonFatalOverdose,
        by=manager,
        person=PersonFactory(),
        occurred_at=timezone.now(),
        naloxone_by="staff",
        naloxone_doses=2,
        emergency_services_called=True,
    )
    assert overdose.reference.startswith("OD-")
    assert not Notification.objects.exists()


def test_reported_to_the_ico_needs_when(manager):
    with pytest.raises(services.ValidationError) as error:
        services.incident_record(
            model=DataSecurityIncident,
            by=manager,
            discovered_at=timezone.now(),
            description="Laptop lost",
            ico="reported",
        )
    assert error.value.message_dict == {"ico_reported_at": [str(services.ICO_DETAILS_REQUIRED)]}


@pytest.mark.parametrize("persona", ["hub_worker", "peer_worker", "spoc_practitioner", "commissioner"])
def test_only_the_lead_and_managers_record_incidents(request, persona):
    with pytest.raises(services.PermissionDenied):
        _serious(request.getfixturevalue(persona))


# --- Pages ------------------------------------------------------------------------------------


def _post_serious(client, **extra):
    today = timezone.localdate().strftime("%d/%m/%Y")
    data = {
        "version": "0",
        "person_reference": "",
        "seriousness": "serious",
        "category": "violence_emergencies",
        "incident_type": "emergency_call",
        "occurred_at_date": today,
        "occurred_at_time": "00:01",
        "known_at_date": today,
        "known_at_time": "00:02",
        "description": "An ambulance was called to the hub",
        **extra,
    }
    return client.post(reverse("safeguarding:incident_new", kwargs={"kind": "serious-incidents"}), data)


def test_the_lead_records_a_serious_incident_and_sees_its_notifications(client, safeguarding_lead):
    person = PersonFactory(council_of_residence="cumberland")
    client.force_login(safeguarding_lead)
    response = _post_serious(client, person_reference=person.reference.lower())
    incident = SeriousIncident.objects.get()
    assert response.status_code == 302
    assert response.url == reverse(
        "safeguarding:incident", kwargs={"kind": "serious-incidents", "record_ref": incident.reference}
    )
    assert incident.person == person
    page = client.get(response.url)
    content = page.content.decode()
    notification = Notification.objects.get()
    assert notification.reference in content and "Due in" in content
    # SEC-2: opening an incident about a person is logged.
    assert AccessLog.objects.filter(
        user=safeguarding_lead, person_id=person.pk, object_type="safeguarding.seriousincident"
    ).exists()


def test_an_unknown_person_reference_and_a_date_without_a_time_get_specific_messages(client, manager):
    client.force_login(manager)
    response = _post_serious(client, person_reference="P-NOTAREAL", known_at_time="")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["person_reference"] == [str(PERSON_REFERENCE_UNKNOWN)]
    assert errors["known_at_time"]
    assert not SeriousIncident.objects.exists()


def test_an_optional_date_without_its_time_is_refused(client, manager):
    client.force_login(manager)
    today = timezone.localdate().strftime("%d/%m/%Y")
    data = {
        "version": "0",
        "discovered_at_date": today,
        "discovered_at_time": "00:01",
        "occurred_at_date": today,
        "description": "Laptop lost",
        "people_affected": "3",
        "ico": "not_decided",
    }
    response = client.post(reverse("safeguarding:incident_new", kwargs={"kind": "data-security"}), data)
    assert response.context["form"].errors["occurred_at_time"] == [str(TIME_WITH_DATE)]


def test_a_change_from_an_older_version_is_refused(client, manager, safeguarding_lead):
    incident = _serious(manager)
    client.force_login(manager)
    url = reverse("safeguarding:incident_edit", kwargs={"kind": "serious-incidents", "record_ref": incident.reference})
    form = client.get(url).context["form"]
    services.incident_update(record=incident, by=safeguarding_lead, learning="Shared at the Partnership Board")
    data = {name: form[name].value() or "" for name in form.fields}
    data["learning"] = "My own learning"
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].edit_conflict
    incident.refresh_from_db()
    assert incident.learning == "Shared at the Partnership Board"


def test_the_list_and_detail_pages_use_a_fixed_number_of_queries(client, manager, django_assert_max_num_queries):
    for _ in range(5):
        _serious(manager, person=PersonFactory())
    client.force_login(manager)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("safeguarding:incident_list", kwargs={"kind": "serious-incidents"}))
    assert response.status_code == 200
    incident = SeriousIncident.objects.first()
    with django_assert_max_num_queries(14):
        client.get(
            reverse("safeguarding:incident", kwargs={"kind": "serious-incidents", "record_ref": incident.reference})
        )


def test_actions_are_added_and_marked_done_from_the_pages(client, manager):
    incident = _serious(manager)
    client.force_login(manager)
    new = reverse("safeguarding:incident_action_new", kwargs={"record_ref": incident.reference})
    due = timezone.localdate().strftime("%d/%m/%Y")
    assert (
        client.post(new, {"description": "Review lone working", "owner": "Hub manager", "due_on": due}).status_code
        == 302
    )
    action = IncidentAction.objects.get()
    done = reverse("safeguarding:incident_action_done", kwargs={"record_ref": incident.reference})
    client.post(done, {"action": str(action.pk)})
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()


@pytest.mark.parametrize("persona", ["hub_worker", "peer_worker", "treatment_practitioner", "commissioner"])
def test_other_roles_get_403_on_every_register(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    for kind in ("serious-incidents", "deaths", "overdoses", "data-security"):
        assert client.get(reverse("safeguarding:incident_list", kwargs={"kind": kind})).status_code == 403


@pytest.mark.parametrize("kind", ["serious-incidents", "deaths", "overdoses", "data-security"])
def test_every_register_its_form_and_a_record_render(client, safeguarding_lead, kind):
    client.force_login(safeguarding_lead)
    assert client.get(reverse("safeguarding:incident_list", kwargs={"kind": kind})).status_code == 200
    assert client.get(reverse("safeguarding:incident_new", kwargs={"kind": kind})).status_code == 200


def test_a_death_is_recorded_from_the_page_and_its_panel_added_by_changing_it(client, safeguarding_lead):
    person = PersonFactory(council_of_residence="westmorland_and_furness")
    client.force_login(safeguarding_lead)
    today = timezone.localdate().strftime("%d/%m/%Y")
    data = {
        "version": "0",
        "person_reference": person.reference,
        "died_on": today,
        "known_at_date": today,
        "known_at_time": "00:01",
        "cause": "alcohol",
        "coroner_informed": "yes",
    }
    response = client.post(reverse("safeguarding:incident_new", kwargs={"kind": "deaths"}), data)
    assert response.status_code == 302, response.context["form"].errors
    death = DeathInService.objects.get()
    assert death.coroner_informed and death.person == person
    assert Notification.objects.get(subject_id=death.pk).council == "westmorland_and_furness"
    edit = reverse("safeguarding:incident_edit", kwargs={"kind": "deaths", "record_ref": death.reference})
    form = client.get(edit).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"panel_review_on": today, "panel_attended_by": "Safeguarding lead", "panel_learning": "Outreach"})
    assert client.post(edit, data).status_code == 302
    death.refresh_from_db()
    assert (death.panel_review_on, death.panel_attended_by) == (timezone.localdate(), "Safeguarding lead")
    assert death.coroner_informed
