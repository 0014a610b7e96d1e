"""What commissioners and partners need recorded, for the quarterly reports: council of
residence (derived from the postcode where it can be), the Treatment Service's own case ID,
communication needs, the referral sources the specification names, and the person's
feedback on their SPOC experience."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from partnership.models import Council, Hub
from referrals import places, rules
from referrals.filters import QueueFilter
from referrals.forms import triage as triage_forms
from referrals.forms.communication import INTERPRETER_LANGUAGE_REQUIRED, OTHER_NEED_REQUIRED
from referrals.forms.intake import StaffReferralForm
from referrals.forms.intake_messages import COUNCIL_DOES_NOT_MATCH_POSTCODE
from referrals.forms.public import PublicReferralForm
from referrals.models import Referral, ReferralFeedback, Triage, YesNoUnknown
from referrals.services import feedback as feedback_services
from referrals.services import referrals as services
from referrals.services import treatment as treatment_services
from referrals.services import triage as triage_services
from referrals.views.sharing import dataset_rows
from tests.factories import ReferralFactory
from tests.referrals.test_intake_views import referral_form
from tests.referrals.test_public_referral import answers
from tests.referrals.test_treatment_referral import (
    give_consent,
    outcome_url,
    referral_for_treatment,
    send,
    triage_outcome_tr,
)

CUMBERLAND, WESTMORLAND, OUTSIDE = Council.CUMBERLAND, Council.WESTMORLAND_AND_FURNESS, Council.OUTSIDE_AREA


@pytest.fixture
def sent(spoc_practitioner, treatment_org):
    """A referral sent to the Treatment Service, with consent."""
    referral = referral_for_treatment(spoc_practitioner)
    give_consent(referral.person, spoc_practitioner)
    return send(triage_outcome_tr(referral), spoc_practitioner, treatment_org)


@pytest.fixture
def treatment_client(client, treatment_practitioner):
    client.force_login(treatment_practitioner)
    return client


# --- Council of residence from the postcode ---------------------------------------------------------


@pytest.mark.parametrize(
    ("postcode", "council"),
    [
        ("CA1 1AA", CUMBERLAND),  # Carlisle
        ("ca2 5xy", CUMBERLAND),
        ("CA8 1AB", CUMBERLAND),  # Brampton
        ("CA12 4AB", CUMBERLAND),  # Keswick
        ("CA14 2AA", CUMBERLAND),  # Workington
        ("CA28 7AA", CUMBERLAND),  # Whitehaven
        ("LA18 4AA", CUMBERLAND),  # Millom
        ("LA19 5AA", CUMBERLAND),
        ("CA9 3AA", WESTMORLAND),  # Alston
        ("CA11 7AA", WESTMORLAND),  # Penrith
        ("CA101AA", WESTMORLAND),  # no space
        ("CA16 6AA", WESTMORLAND),  # Appleby
        ("CA17 4AA", WESTMORLAND),  # Kirkby Stephen
        ("LA7 7AA", WESTMORLAND),
        ("LA9 4AA", WESTMORLAND),  # Kendal
        ("LA14 1AA", WESTMORLAND),  # Barrow-in-Furness
        ("LA17 7AA", WESTMORLAND),
        ("LA20 6AA", WESTMORLAND),
        ("LA23 1AA", WESTMORLAND),  # Windermere
        ("LA1 1AA", OUTSIDE),  # Lancaster
        ("LA24 1AA", OUTSIDE),
        ("CA29 1AA", OUTSIDE),
        ("NE1 1AA", OUTSIDE),
        ("DG1 1AA", OUTSIDE),
        ("SW1A 1AA", OUTSIDE),
        ("LA5 0AA", ""),  # shared with Lancashire: asked
        ("LA6 2AA", ""),  # shared with Lancashire and North Yorkshire: asked
        ("", ""),
        ("not a postcode", ""),
        ("12345", ""),
    ],
)
def test_the_council_is_worked_out_from_the_postcode_district(postcode, council):
    assert places.council_for_postcode(postcode) == council


def test_every_cumbrian_district_maps_to_exactly_one_council_or_is_asked():
    cumbrian = {f"CA{n}" for n in range(1, 29)} | {f"LA{n}" for n in range(5, 24)}
    mapped = places.CUMBERLAND_DISTRICTS | places.WESTMORLAND_AND_FURNESS_DISTRICTS | places.BOUNDARY_DISTRICTS
    assert cumbrian <= mapped
    assert not places.CUMBERLAND_DISTRICTS & places.WESTMORLAND_AND_FURNESS_DISTRICTS
    assert not places.BOUNDARY_DISTRICTS & (places.CUMBERLAND_DISTRICTS | places.WESTMORLAND_AND_FURNESS_DISTRICTS)


@pytest.mark.parametrize(
    ("council", "lives_in_area"),
    [(CUMBERLAND, YesNoUnknown.YES), (WESTMORLAND, YesNoUnknown.YES), (OUTSIDE, YesNoUnknown.NO), ("", "unknown")],
)
def test_lives_in_the_area_is_derived_from_the_council(council, lives_in_area):
    assert rules.lives_in_area_from_council(council) == lives_in_area


def test_a_referral_records_the_council_from_its_postcode(spoc_practitioner):
    carlisle, _ = services.referral_create(
        data=_data(subject_postcode="CA1 1AA"), channel="phone", by=spoc_practitioner
    )
    kendal, _ = services.referral_create(data=_data(subject_postcode="LA9 4AA"), channel="phone", by=spoc_practitioner)
    lancaster, _ = services.referral_create(
        data=_data(subject_postcode="LA1 1AA"), channel="phone", by=spoc_practitioner
    )
    unknown, _ = services.referral_create(data=_data(subject_postcode=""), channel="phone", by=spoc_practitioner)
    assert [r.council_of_residence for r in (carlisle, kendal, lancaster, unknown)] == [
        CUMBERLAND,
        WESTMORLAND,
        OUTSIDE,
        "",
    ]
    person = services.person_create_from_referral(referral=kendal, by=spoc_practitioner)
    assert person.council_of_residence == WESTMORLAND


@pytest.mark.parametrize(
    ("new_postcode", "council"),
    [("LA9 4AA", WESTMORLAND), ("LS1 1AA", OUTSIDE), ("LA6 2AA", ""), ("CA1 1AA", CUMBERLAND)],
)
def test_correcting_the_postcode_works_the_council_out_again(spoc_practitioner, new_postcode, council):
    referral, _ = services.referral_create(
        data=_data(subject_postcode="CA1 1AA"), channel="phone", by=spoc_practitioner
    )
    person = services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    person.council_of_residence = OUTSIDE if new_postcode == "CA1 1AA" else CUMBERLAND  # set by hand at screening
    person.save()
    services.person_update(person=person, by=spoc_practitioner, reason="Moved", postcode=new_postcode)
    person.refresh_from_db()
    # The same postcode typed differently is no move: a council set by hand stays.
    assert person.council_of_residence == (OUTSIDE if new_postcode == "CA1 1AA" else council)
    services.person_update(person=person, by=spoc_practitioner, reason="Typo", postcode=new_postcode.lower())
    person.refresh_from_db()
    assert person.council_of_residence == (OUTSIDE if new_postcode == "CA1 1AA" else council)


def test_linking_a_known_person_shares_one_council(spoc_practitioner):
    first, _ = services.referral_create(data=_data(subject_postcode="CA1 1AA"), channel="phone", by=spoc_practitioner)
    person = services.person_create_from_referral(referral=first, by=spoc_practitioner)
    # A new referral with a new address: the person's council follows it, with history.
    moved, _ = services.referral_create(data=_data(subject_postcode="LA9 4AA"), channel="phone", by=spoc_practitioner)
    services.referral_link_person(referral=moved, person=person, by=spoc_practitioner)
    person.refresh_from_db()
    assert person.council_of_residence == WESTMORLAND
    assert person.history.first().history_change_reason == "Council of residence from a new referral"
    # A referral that cannot tell takes the council already known for the person.
    unknown, _ = services.referral_create(data=_data(subject_postcode=""), channel="phone", by=spoc_practitioner)
    services.referral_link_person(referral=unknown, person=person, by=spoc_practitioner)
    unknown.refresh_from_db()
    assert unknown.council_of_residence == WESTMORLAND


def test_a_service_administrator_sets_a_hubs_council(admin_client, hub):
    url = reverse("admin:partnership_hub_change", args=[hub.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="council"' in page
    response = admin_client.post(url, {"name": hub.name, "organisation": hub.organisation_id, "council": WESTMORLAND})
    assert response.status_code == 302
    hub.refresh_from_db()
    assert hub.council == WESTMORLAND
    assert hub.history.first().history_user is not None


def _data(**extra) -> dict:
    return {
        "referrer_type": "self",
        "source": "self",
        "subject_given_name": "Sam",
        "subject_family_name": "Taylor",
        "substances": ["alcohol"],
        **extra,
    }


def test_eligibility_reads_the_council_not_a_separate_answer(spoc_practitioner):
    referral = ReferralFactory(subject_postcode="LA1 1AA")  # Lancaster: outside the area
    triage = triage_services.triage_save_screening(referral=referral, by=spoc_practitioner, substances=["alcohol"])
    assert triage.lives_in_area == YesNoUnknown.NO
    eligibility = triage_services.triage_eligibility(referral=referral, triage=triage)
    assert not eligibility.eligible
    assert rules.NOT_ELIGIBLE_OUT_OF_AREA in eligibility.reasons

    inside = ReferralFactory(subject_postcode="CA14 2AA")
    triage = triage_services.triage_save_screening(referral=inside, by=spoc_practitioner, substances=["alcohol"])
    assert triage.lives_in_area == YesNoUnknown.YES
    assert triage_services.triage_eligibility(referral=inside, triage=triage).eligible


def test_a_council_given_at_screening_is_kept_on_the_referral_and_person_with_history(spoc_practitioner):
    referral = ReferralFactory(subject_postcode="")
    person = services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    triage = triage_services.triage_save_screening(
        referral=referral, by=spoc_practitioner, substances=["alcohol"], council_of_residence=OUTSIDE
    )
    referral.refresh_from_db()
    person.refresh_from_db()
    assert referral.council_of_residence == OUTSIDE
    assert person.council_of_residence == OUTSIDE
    assert triage.lives_in_area == YesNoUnknown.NO
    assert "Council of residence recorded" in {h.history_change_reason for h in referral.history.all()}
    assert not triage_services.triage_eligibility(referral=referral, triage=triage).eligible
    with pytest.raises(ValidationError):
        triage_services.triage_save_screening(referral=referral, by=spoc_practitioner, council_of_residence="mars")


def test_screening_asks_the_council_only_when_the_postcode_cannot_tell(client, spoc_practitioner):
    client.force_login(spoc_practitioner)
    known = client.get(reverse("referrals:screening", args=[ReferralFactory(subject_postcode="CA1 1AA").reference]))
    assert "council_of_residence" not in known.context["form"].fields
    asked = ReferralFactory(subject_postcode="LA5 0AA")
    url = reverse("referrals:screening", args=[asked.reference])
    assert "council_of_residence" in client.get(url).context["form"].fields
    response = client.post(url, {"substances": ["alcohol"], "pregnant": "no", "open_to_childrens_services": "no"})
    assert response.context["form"].errors["council_of_residence"] == [str(triage_forms.COUNCIL_REQUIRED)]
    client.post(
        url,
        {
            "substances": ["alcohol"],
            "council_of_residence": WESTMORLAND,
            "pregnant": "no",
            "open_to_childrens_services": "no",
            "mental_health_concern": "unknown",
            "homeless": "unknown",
        },
    )
    asked.refresh_from_db()
    assert asked.council_of_residence == WESTMORLAND
    assert asked.triage.lives_in_area == YesNoUnknown.YES


def test_staff_intake_asks_the_council_and_refuses_one_the_postcode_contradicts(db):
    form = StaffReferralForm(data=referral_form(subject_postcode="", council_of_residence=OUTSIDE))
    assert form.is_valid(), form.errors
    assert form.referral_data()["council_of_residence"] == OUTSIDE
    form = StaffReferralForm(data=referral_form(subject_postcode="", council_of_residence="not_known"))
    assert form.is_valid(), form.errors
    assert form.referral_data()["council_of_residence"] == ""
    form = StaffReferralForm(data=referral_form(subject_postcode="CA1 1AA", council_of_residence=WESTMORLAND))
    assert form.errors["council_of_residence"] == [str(COUNCIL_DOES_NOT_MATCH_POSTCODE % {"council": "Cumberland"})]
    form = StaffReferralForm(data=referral_form(subject_postcode="CA1 1AA", council_of_residence="nowhere"))
    assert "council_of_residence" in form.errors


def test_the_referral_page_shows_the_council(client, spoc_practitioner):
    client.force_login(spoc_practitioner)
    referral = ReferralFactory(subject_postcode="LA14 1AA")
    content = client.get(reverse("referrals:detail", args=[referral.reference])).content.decode()
    row = content[content.index('id="council-of-residence"') :][:300]
    assert "Westmorland and Furness" in row


def test_a_hub_has_a_council_from_the_two_in_the_area(db):
    field = Hub._meta.get_field("council")
    assert {value for value, _label in field.choices} == {CUMBERLAND, WESTMORLAND}


def test_the_demo_hubs_have_their_councils():
    from demo.people import HUB_COUNCILS, HUBS

    assert set(HUB_COUNCILS) == set(HUBS)
    assert HUB_COUNCILS["Carlisle"] == HUB_COUNCILS["West Cumbria"] == CUMBERLAND
    assert HUB_COUNCILS["Barrow-in-Furness"] == HUB_COUNCILS["Penrith"] == HUB_COUNCILS["Kendal"] == WESTMORLAND


# --- The Treatment Service's own case ID ------------------------------------------------------------


def test_treatment_records_its_case_id_and_ers_sees_it(
    sent, treatment_client, treatment_practitioner, client, spoc_practitioner
):
    referral = sent.referral
    response = treatment_client.post(
        outcome_url(sent), {"outcome": "accepted", "reason": "", "treatment_case_id": "  TS-00 4417 "}
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.treatment_case_id == "TS-00 4417"
    assert sent.history.first().history_user == treatment_practitioner
    treatment_client.logout()
    client.force_login(spoc_practitioner)
    content = client.get(reverse("referrals:detail", args=[referral.reference])).content.decode()
    assert "Treatment Service case ID" in content and "TS-00 4417" in content


def test_ers_cannot_record_the_treatment_case_id(sent, spoc_practitioner):
    with pytest.raises(PermissionDenied):
        treatment_services.treatment_referral_record_outcome(
            treatment_referral=sent, by=spoc_practitioner, accepted=True, treatment_case_id="MINE"
        )
    sent.refresh_from_db()
    assert sent.treatment_case_id == ""


def test_an_over_long_case_id_is_refused_without_a_server_error(sent, treatment_client):
    response = treatment_client.post(outcome_url(sent), {"outcome": "accepted", "treatment_case_id": "x" * 51})
    assert response.status_code == 200
    assert response.context["form"].errors["treatment_case_id"] == [str(treatment_services.TREATMENT_CASE_ID_TOO_LONG)]


# --- Communication needs ------------------------------------------------------------------------------


def test_the_public_form_records_communication_needs(db):
    form = PublicReferralForm(
        data=answers(communication_needs=["interpreter", "easy_read"], interpreter_language="Polski")
    )
    assert form.is_valid(), form.errors
    data = form.referral_data()
    assert data["communication_needs"] == ["interpreter", "easy_read"]
    assert data["interpreter_language"] == "Polski"


def test_the_public_form_asks_for_the_language_and_the_other_need_in_polish(db):
    with translation.override("pl"):
        form = PublicReferralForm(data=answers(communication_needs=["interpreter", "other"]))
        assert not form.is_valid()
        assert form.errors["interpreter_language"] == [str(INTERPRETER_LANGUAGE_REQUIRED)]
        assert form.errors["communication_needs_other"] == [str(OTHER_NEED_REQUIRED)]
        assert str(INTERPRETER_LANGUAGE_REQUIRED) != "Enter the language the interpreter needs to speak"
        assert (
            str(form.fields["communication_needs"].label) != "Do you need any help to communicate with us? (optional)"
        )


def test_an_unknown_communication_need_is_refused(db):
    form = PublicReferralForm(data=answers(communication_needs=["telepathy"]))
    assert "communication_needs" in form.errors


def test_staff_intake_records_communication_needs_and_the_page_shows_them(client, spoc_practitioner):
    client.force_login(spoc_practitioner)
    data = referral_form(communication_needs=["bsl", "other"], communication_needs_other="Short sentences")
    response = client.post(reverse("referrals:new"), data)
    assert response.status_code == 302, response.context["form"].errors
    referral = Referral.objects.get()
    assert referral.communication_needs == ["bsl", "other"]
    content = client.get(reverse("referrals:detail", args=[referral.reference])).content.decode()
    row = content[content.index('id="communication-needs"') :][:400]
    assert "A British Sign Language interpreter" in row and "Something else: Short sentences" in row


def test_communication_needs_go_to_the_treatment_service(sent):
    referral = sent.referral
    referral.communication_needs = ["interpreter", "large_print"]
    referral.interpreter_language = "Arabic"
    referral.save()
    prefill = treatment_services.treatment_referral_prefill(treatment_referral=triage_outcome_tr(referral))
    assert prefill["communication_needs"] == ["interpreter", "large_print"]
    assert prefill["interpreter_language"] == "Arabic"
    row = next(r for r in dataset_rows(prefill) if r["key"] == "communication_needs")
    assert row["value"] == "An interpreter (Arabic); Large print"


# --- Referral sources the specification names ---------------------------------------------------------

NEW_SOURCES = [
    "treatment_step_down",
    "young_peoples_service",
    "maternity",
    "ambulance",
    "dwp",
    "courts_iom",
    "domestic_abuse",
]


@pytest.mark.parametrize("source", NEW_SOURCES)
def test_the_new_sources_are_offered_on_intake_and_filter_the_queue(db, source):
    assert source in dict(StaffReferralForm().fields["source"].choices)
    assert StaffReferralForm(data=referral_form(source=source)).is_valid()
    assert source in dict(QueueFilter().filters["source"].extra["choices"])


# --- Feedback on the SPOC experience ----------------------------------------------------------------------


def test_feedback_is_recorded_once_and_corrected_with_history(spoc_practitioner, manager):
    referral = ReferralFactory()
    feedback_services.referral_feedback_record(
        referral=referral, by=spoc_practitioner, satisfaction="satisfied", comment=" Quick call back. "
    )
    feedback_services.referral_feedback_record(referral=referral, by=manager, satisfaction="very_satisfied")
    feedback = ReferralFeedback.objects.get()
    assert feedback.satisfaction == "very_satisfied"
    assert feedback.recorded_by == manager
    history = list(feedback.history.order_by("history_date"))
    assert [h.history_change_reason for h in history] == ["Feedback recorded", "Feedback corrected"]
    assert [h.history_user for h in history] == [spoc_practitioner, manager]
    assert history[0].comment == "Quick call back."


def test_feedback_must_be_a_coded_answer(spoc_practitioner):
    with pytest.raises(ValidationError) as excinfo:
        feedback_services.referral_feedback_record(referral=ReferralFactory(), by=spoc_practitioner, satisfaction="ok")
    assert excinfo.value.message_dict["satisfaction"] == [str(feedback_services.FEEDBACK_SATISFACTION_REQUIRED)]
    assert not ReferralFeedback.objects.exists()


@pytest.mark.parametrize("persona", ["hub_worker", "peer_worker", "treatment_practitioner", "commissioner"])
def test_only_the_front_door_records_feedback(db, request, persona):
    with pytest.raises(PermissionDenied):
        feedback_services.referral_feedback_record(
            referral=ReferralFactory(), by=request.getfixturevalue(persona), satisfaction="satisfied"
        )


def test_the_feedback_page_records_it_and_the_referral_page_shows_it(client, spoc_practitioner):
    client.force_login(spoc_practitioner)
    referral = ReferralFactory()
    url = reverse("referrals:feedback", args=[referral.reference])
    response = client.post(url, {"satisfaction": "", "comment": "x" * 2001})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"satisfaction", "comment"}
    response = client.post(url, {"satisfaction": "dissatisfied", "comment": "Waited a week."})
    assert response.status_code == 302
    content = client.get(reverse("referrals:detail", args=[referral.reference])).content.decode()
    section = content[content.index('id="feedback"') :][:1500]
    assert "Dissatisfied" in section and "Waited a week." in section
    assert client.get(url).context["form"].initial["satisfaction"] == "dissatisfied"


def test_feedback_and_the_new_fields_are_in_the_subject_access_sections(spoc_practitioner):
    from referrals.data_rights.sections import SECTIONS

    by_key = {s.key: s for s in SECTIONS}
    assert by_key["feedback"].model == "referrals.referralfeedback"
    assert by_key["feedback"].has_history
    assert by_key["feedback"].export
    referral_fields = {f.name for f in by_key["referrals"].field_list()}
    assert {"council_of_residence", "communication_needs", "interpreter_language"} <= referral_fields
    assert "council_of_residence" in {f.name for f in by_key["person"].field_list()}
    assert "treatment_case_id" in {f.name for f in by_key["treatment_referrals"].field_list()}
    assert Triage  # the triage keeps lives_in_area for history
