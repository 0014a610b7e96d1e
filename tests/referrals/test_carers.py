"""Families, friends and carers are clients in their own right (§3.1.1.c, §1.1.3, §3.10.2, §3.10.10).

A carer asking for support for herself is in scope when the person she cares for uses alcohol
or drugs; the under-18 rule does not apply to carers, and a young carer is flagged for a
safeguarding-aware response. The carer's referral never holds substances of her own, and she
is never referred to the Treatment Service for the cared-for person's use.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from referrals import rules
from referrals.data_rights.collect import collect
from referrals.forms import intake_messages as msg
from referrals.forms import public as public_forms
from referrals.models import Referral, Substance, TreatmentReferral, Triage, YesNoUnknown
from referrals.services import allocation as allocation_services
from referrals.services import referrals as services
from referrals.services import triage as triage_services
from tests.factories import ReferralFactory

CARER = Referral.SupportFor.CARER
OWN_USE = Referral.SupportFor.OWN_USE


def years_ago(years: int) -> dt.date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year - years) - dt.timedelta(days=10)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28) - dt.timedelta(days=10)


def carer_referral(**overrides) -> Referral:
    fields = {
        "support_for": CARER,
        "substances": [],
        "cared_for_relationship": Referral.CaredForRelationship.PARTNER,
        "cared_for_given_name": "Dan",
        "cared_for_substances": [Substance.ALCOHOL],
        "reason": "My partner's drinking is getting worse and I need someone to talk to.",
    }
    fields.update(overrides)
    return ReferralFactory(**fields)


def eligibility(*, age=40, support_for=CARER, substances=(), cared_for=("alcohol",), area=YesNoUnknown.YES):
    return rules.assess_eligibility(
        age=age,
        lives_in_area=area,
        substances=list(substances),
        under_18_commissioner_agreement=False,
        support_for=support_for,
        cared_for_substances=list(cared_for),
    )


# --- Eligibility and the young-carer flag (rules) ----------------------------------------------


def test_a_carer_whose_partner_drinks_is_eligible_with_no_substances_of_her_own():
    result = eligibility()
    assert result.eligible
    assert result.reasons == []


@pytest.mark.parametrize("age", [15, 11, 17])
def test_a_young_carer_is_eligible_without_a_commissioner_agreement(age):
    assert eligibility(age=age).eligible


def test_a_person_under_18_using_substances_still_needs_the_commissioners_agreement():
    result = eligibility(age=15, support_for=OWN_USE, substances=("cannabis",), cared_for=())
    assert result.reasons == [rules.NOT_ELIGIBLE_UNDER_18]


def test_a_carer_is_in_scope_only_when_the_person_they_care_for_uses_alcohol_or_drugs():
    result = eligibility(cared_for=())
    assert not result.eligible
    assert result.reasons == [rules.NOT_ELIGIBLE_CARED_FOR_NO_SUBSTANCE]
    assert not eligibility(cared_for=("chocolate",)).eligible


def test_a_carer_must_live_in_the_area_like_anyone_else():
    assert eligibility(area=YesNoUnknown.NO).reasons == [rules.NOT_ELIGIBLE_OUT_OF_AREA]


def test_someone_elses_use_does_not_make_a_person_eligible_for_their_own_use():
    result = eligibility(support_for=OWN_USE, substances=(), cared_for=("alcohol",))
    assert result.reasons == [rules.NOT_ELIGIBLE_NO_SUBSTANCE]


def test_a_carers_own_substances_do_not_make_them_a_carer_in_scope():
    result = eligibility(substances=("alcohol",), cared_for=())
    assert result.reasons == [rules.NOT_ELIGIBLE_CARED_FOR_NO_SUBSTANCE]


@pytest.mark.parametrize(
    ("support_for", "age", "young"),
    [(CARER, 15, True), (CARER, 17, True), (CARER, 18, False), (CARER, None, False), (OWN_USE, 15, False)],
)
def test_a_young_carer_is_a_carer_under_18(support_for, age, young):
    assert rules.is_young_carer(support_for=support_for, age=age) is young


@pytest.mark.parametrize(
    ("pregnant", "open_to_cs", "source"),
    [
        (YesNoUnknown.YES, YesNoUnknown.NO, Referral.Source.SELF),
        (YesNoUnknown.NO, YesNoUnknown.YES, Referral.Source.SELF),
        (YesNoUnknown.NO, YesNoUnknown.NO, Referral.Source.EARLY_HELP),
    ],
)
def test_a_carer_is_never_automatically_referred_to_the_treatment_service(pregnant, open_to_cs, source):
    assert (
        rules.automatic_treatment_reasons(
            pregnant=pregnant, open_to_childrens_services=open_to_cs, source=source, support_for=CARER
        )
        == []
    )
    # The same answers about a person's own use still refer them (§3.2.11).
    assert rules.automatic_treatment_reasons(
        pregnant=pregnant, open_to_childrens_services=open_to_cs, source=source, support_for=OWN_USE
    )


# --- The cases from the issue: through the services -------------------------------------------


def screen_carer(referral, by, **overrides):
    fields = {"cared_for_substances": ["alcohol"], "council_of_residence": "cumberland", "risk": Triage.Risk.GREEN}
    fields.update(overrides)
    return triage_services.triage_save_screening(referral=referral, by=by, **fields)


@pytest.mark.django_db
def test_a_carer_asking_for_support_for_herself_is_accepted_and_allocated(spoc_practitioner, hub, hub_worker):
    # Before: refused as "No substance use in scope recorded".
    referral = carer_referral()
    triage = screen_carer(referral, spoc_practitioner)
    assert triage.substances == []
    assert triage_services.triage_eligibility(referral=referral, triage=triage).eligible

    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.CARER_SUPPORT)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.TRIAGED
    assert referral.triage.outcome == Triage.Outcome.CARER_SUPPORT

    allocation_services.referral_allocate(referral=referral, hub=hub, worker=hub_worker, by=spoc_practitioner)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ALLOCATED
    # No substance record for the carer, at referral or at triage.
    assert referral.substances == []
    assert referral.triage.substances == []
    assert referral.cared_for_substances == ["alcohol"]


@pytest.mark.django_db
def test_a_15_year_old_young_carer_is_not_refused_as_under_18(spoc_practitioner):
    # Before: refused as "Under 18 without a recorded commissioner agreement".
    referral = carer_referral(subject_date_of_birth=years_ago(15), cared_for_relationship="parent")
    assert referral.is_young_carer
    triage = screen_carer(referral, spoc_practitioner)
    result = triage_services.triage_eligibility(referral=referral, triage=triage)
    assert result.eligible, result.reasons

    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.CARER_SUPPORT)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.TRIAGED


@pytest.mark.django_db
def test_a_carer_open_to_childrens_services_is_not_sent_to_treatment(spoc_practitioner):
    referral = carer_referral(source=Referral.Source.EARLY_HELP)
    screen_carer(referral, spoc_practitioner, pregnant=YesNoUnknown.YES, open_to_childrens_services=YesNoUnknown.YES)
    triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.CARER_SUPPORT)
    assert not TreatmentReferral.objects.filter(referral=referral).exists()


@pytest.mark.django_db
def test_a_carer_whose_cared_for_person_uses_nothing_recorded_cannot_be_accepted(spoc_practitioner):
    referral = carer_referral(cared_for_substances=[])
    screen_carer(referral, spoc_practitioner, cared_for_substances=[])
    with pytest.raises(ValidationError) as excinfo:
        triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.CARER_SUPPORT)
    assert str(rules.NOT_ELIGIBLE_CARED_FOR_NO_SUBSTANCE) in excinfo.value.message_dict["outcome"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("outcome", [Triage.Outcome.ERS, Triage.Outcome.TREATMENT, Triage.Outcome.BOTH])
def test_a_carer_cannot_be_accepted_for_their_own_use_or_sent_to_treatment(spoc_practitioner, outcome):
    referral = carer_referral()
    screen_carer(referral, spoc_practitioner)
    with pytest.raises(ValidationError) as excinfo:
        triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=outcome)
    assert excinfo.value.message_dict["outcome"] == [str(triage_services.OUTCOME_NOT_FOR_CARER)]
    assert not TreatmentReferral.objects.filter(referral=referral).exists()


@pytest.mark.django_db
def test_family_and_carer_support_is_only_for_a_carer(spoc_practitioner):
    referral = ReferralFactory()
    triage_services.triage_save_screening(
        referral=referral, by=spoc_practitioner, substances=["alcohol"], council_of_residence="cumberland"
    )
    with pytest.raises(ValidationError) as excinfo:
        triage_services.triage_complete(referral=referral, by=spoc_practitioner, outcome=Triage.Outcome.CARER_SUPPORT)
    assert excinfo.value.message_dict["outcome"] == [str(triage_services.OUTCOME_CARER_ONLY)]


def test_family_and_carer_support_allocates_to_a_hub_like_ers_support():
    assert Triage.Outcome.CARER_SUPPORT in Triage.ALLOCATING_OUTCOMES
    assert Triage.Outcome.CARER_SUPPORT not in Triage.TREATMENT_OUTCOMES


# --- The public form ------------------------------------------------------------------------

FORM_URL = "/refer/form/"


@pytest.fixture
def _no_rate_limit():
    cache.clear()
    yield
    cache.clear()


def public_answers(**overrides) -> dict:
    data = {
        "submission_token": str(uuid.uuid4()),
        "homepage": "",
        "referral_for": "carer",
        "cared_for_relationship": "partner",
        "cared_for_given_name": "Dan",
        "given_name": "Jo",
        "family_name": "Bell",
        "date_of_birth_0": "14",
        "date_of_birth_1": "6",
        "date_of_birth_2": "1980",
        "postcode": "ca1 1aa",
        "phone": "07700 900982",
        "substances": ["alcohol"],
        "reason": "My partner drinks every day and I do not know what to do.",
        "pregnant": "no",
        "open_to_childrens_services": "unknown",
        "consent_to_contact": "on",
        "contact_methods": ["phone"],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.django_db
@pytest.mark.usefixtures("_no_rate_limit")
def test_a_carer_refers_herself_on_the_public_form(client):
    response = client.post(FORM_URL, public_answers())
    assert response.status_code == 302, response.context["form"].errors

    referral = Referral.objects.get()
    assert referral.support_for == CARER
    assert referral.referrer_type == Referral.ReferrerType.SELF
    assert (referral.subject_given_name, referral.subject_family_name) == ("Jo", "Bell")
    assert referral.cared_for_relationship == Referral.CaredForRelationship.PARTNER
    assert referral.cared_for_given_name == "Dan"
    # What is causing concern is the partner's drinking: not a substance record for Jo.
    assert referral.substances == []
    assert referral.cared_for_substances == ["alcohol"]


@pytest.mark.django_db
@pytest.mark.usefixtures("_no_rate_limit")
def test_a_15_year_old_young_carer_can_refer_herself(client):
    born = years_ago(15)
    response = client.post(
        FORM_URL,
        public_answers(
            cared_for_relationship="parent",
            date_of_birth_0=str(born.day),
            date_of_birth_1=str(born.month),
            date_of_birth_2=str(born.year),
        ),
    )
    assert response.status_code == 302
    assert Referral.objects.get().is_young_carer


@pytest.mark.django_db
@pytest.mark.usefixtures("_no_rate_limit")
def test_a_carer_on_the_public_form_says_who_she_cares_for_and_gives_her_date_of_birth(client):
    response = client.post(
        FORM_URL, public_answers(cared_for_relationship="", date_of_birth_0="", date_of_birth_1="", date_of_birth_2="")
    )
    assert response.status_code == 200
    assert Referral.objects.count() == 0
    html = response.content.decode()
    assert escape(str(public_forms.CARED_FOR_RELATIONSHIP_REQUIRED)) in html
    assert escape(str(public_forms.DOB_REQUIRED)) in html
    assert 'href="#id_cared_for_relationship_1"' in html and 'id="id_cared_for_relationship_1"' in html
    # The carer's questions stay open to be answered.
    assert 'govuk-radios__conditional--hidden" id="conditional-id_referral_for-3"' not in html


@pytest.mark.django_db
@pytest.mark.usefixtures("_no_rate_limit")
def test_a_self_referral_ignores_cared_for_answers(client):
    response = client.post(FORM_URL, public_answers(referral_for="myself"))
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.support_for == OWN_USE
    assert referral.substances == ["alcohol"]
    assert (referral.cared_for_relationship, referral.cared_for_given_name, referral.cared_for_substances) == (
        "",
        "",
        [],
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("_no_rate_limit")
def test_the_public_form_offers_the_carer_choice(client):
    html = client.get(FORM_URL).content.decode()
    assert escape(str(public_forms.REFERRAL_FOR_CHOICES[2][1])) in html
    assert 'value="carer"' in html


@pytest.mark.django_db
@pytest.mark.usefixtures("_no_rate_limit")
def test_the_polish_form_shows_the_carer_choice_in_polish_and_a_carer_can_refer_herself(client):
    html = client.get(FORM_URL, HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Ja, z powodu picia alkoholu lub zażywania narkotyków przez kogoś innego" in html
    assert "Kim jest osoba, której picie lub zażywanie narkotyków wpływa na Ciebie?" in html
    assert "because of someone else" not in html

    bad = client.post(FORM_URL, public_answers(cared_for_relationship=""), HTTP_ACCEPT_LANGUAGE="pl")
    assert "Wybierz, kim jest osoba" in bad.content.decode()

    response = client.post(FORM_URL, public_answers(), HTTP_ACCEPT_LANGUAGE="pl")
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.support_for, referral.preferred_language) == (CARER, "pl")


# --- Staff intake ---------------------------------------------------------------------------


def intake_answers(**overrides) -> dict:
    received = timezone.localtime() - dt.timedelta(hours=1)
    data = {
        "channel": "phone",
        "referrer_type": "self",
        "source": "self",
        "support_for": "carer",
        "cared_for_relationship": "child",
        "cared_for_given_name": "Lee",
        "cared_for_substances": ["cannabis", "cocaine"],
        "subject_given_name": "Pat",
        "subject_family_name": "Moss",
        "subject_date_of_birth_0": "3",
        "subject_date_of_birth_1": "4",
        "subject_date_of_birth_2": "1970",
        "subject_phone": "07700 900982",
        "substances": [],
        "reason": "Worried about my son.",
        "is_urgent": "no",
        "pregnant": "no",
        "open_to_childrens_services": "no",
        "consent_to_contact": "yes",
        "contact_methods": ["phone"],
        "safe_to_leave_message": "yes",
        "received_date_0": str(received.day),
        "received_date_1": str(received.month),
        "received_date_2": str(received.year),
        "received_time": received.strftime("%H:%M"),
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


@pytest.fixture
def spoc_client(client, spoc_practitioner):
    client.force_login(spoc_practitioner)
    return client


@pytest.mark.django_db
def test_staff_record_a_carer_referral(spoc_client):
    response = spoc_client.post(reverse("referrals:new"), intake_answers())
    assert response.status_code == 302, response.context["form"].errors
    referral = Referral.objects.get()
    assert referral.support_for == CARER
    assert referral.cared_for_relationship == Referral.CaredForRelationship.CHILD
    assert referral.cared_for_given_name == "Lee"
    assert referral.cared_for_substances == ["cocaine", "cannabis"]  # in the coded list's order
    assert referral.substances == []


@pytest.mark.django_db
def test_staff_intake_asks_who_a_carer_cares_for_and_what_they_use(spoc_client):
    response = spoc_client.post(
        reverse("referrals:new"), intake_answers(cared_for_relationship="", cared_for_substances=[])
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["cared_for_relationship"] == [str(msg.CARED_FOR_RELATIONSHIP_REQUIRED)]
    assert errors["cared_for_substances"] == [str(msg.CARED_FOR_SUBSTANCES_REQUIRED)]
    assert Referral.objects.count() == 0


@pytest.mark.django_db
def test_staff_intake_refuses_substances_of_the_carers_own(spoc_client):
    response = spoc_client.post(reverse("referrals:new"), intake_answers(substances=["alcohol"]))
    assert response.status_code == 200
    assert response.context["form"].errors["substances"] == [str(msg.CARER_OWN_SUBSTANCES)]


@pytest.mark.django_db
def test_staff_intake_for_a_persons_own_use_drops_cared_for_answers(spoc_client):
    response = spoc_client.post(reverse("referrals:new"), intake_answers(support_for="own_use", substances=["alcohol"]))
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.support_for == OWN_USE
    assert (referral.cared_for_relationship, referral.cared_for_substances) == ("", [])


@pytest.mark.django_db
def test_staff_intake_with_a_made_up_support_for_is_an_error_not_a_crash(spoc_client):
    response = spoc_client.post(
        reverse("referrals:new"), intake_answers(support_for="both", cared_for_relationship="x")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["support_for"] == [str(msg.SUPPORT_FOR_REQUIRED)]
    assert errors["cared_for_relationship"] == [str(msg.CARED_FOR_RELATIONSHIP_REQUIRED)]


# --- Pages: the referral, screening, outcome and the queue -------------------------------------


@pytest.mark.django_db
def test_the_referral_page_shows_who_the_support_is_for_and_flags_a_young_carer(spoc_client):
    referral = carer_referral(subject_date_of_birth=years_ago(15), cared_for_relationship="parent")
    html = spoc_client.get(reverse("referrals:detail", args=[referral.reference])).content.decode()
    assert 'id="young-carer-warning"' in html
    assert "Support as a family member, friend or carer" in html
    assert "Parent" in html and "Dan" in html
    assert 'id="cared-for-substances">Alcohol<' in html


@pytest.mark.django_db
def test_an_adult_carer_is_not_flagged_as_a_young_carer(spoc_client):
    referral = carer_referral()
    html = spoc_client.get(reverse("referrals:detail", args=[referral.reference])).content.decode()
    assert 'id="young-carer-warning"' not in html
    assert "Support as a family member, friend or carer" in html


@pytest.mark.django_db
def test_the_screening_page_for_a_young_carer_warns_and_asks_about_the_cared_for_person(spoc_client, spoc_practitioner):
    referral = carer_referral(subject_date_of_birth=years_ago(15))
    screening = reverse("referrals:screening", args=[referral.reference])
    response = spoc_client.get(screening)
    html = response.content.decode()
    assert 'id="young-carer-warning"' in html
    # Not the commissioners' agreement for under-18s, and no substances of her own.
    assert 'id="under-18-warning"' not in html
    form = response.context["form"]
    assert "under_18_commissioner_agreement" not in form.fields
    assert "substances" not in form.fields
    assert form.initial["cared_for_substances"] == ["alcohol"]

    response = spoc_client.post(
        screening,
        {
            "cared_for_substances": ["alcohol", "opioids"],
            "council_of_residence": "cumberland",
            "pregnant": "no",
            "open_to_childrens_services": "no",
            "mental_health_concern": "unknown",
            "homeless": "unknown",
            "risk": "green",
        },
    )
    assert response.status_code == 302
    referral.triage.refresh_from_db()
    assert referral.triage.cared_for_substances == ["alcohol", "opioids"]
    assert referral.triage.substances == []
    assert "Eligible" in spoc_client.get(screening).content.decode()


@pytest.mark.django_db
def test_the_outcome_page_offers_a_carer_family_and_carer_support_and_not_treatment(spoc_client, spoc_practitioner):
    referral = carer_referral()
    screen_carer(referral, spoc_practitioner)
    outcome = reverse("referrals:outcome", args=[referral.reference])
    choices = [value for value, _label in spoc_client.get(outcome).context["form"].fields["outcome"].choices]
    assert Triage.Outcome.CARER_SUPPORT in choices
    assert not {Triage.Outcome.ERS, Triage.Outcome.TREATMENT, Triage.Outcome.BOTH} & set(choices)

    response = spoc_client.post(outcome, {"outcome": "carer_support"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.TRIAGED


@pytest.mark.django_db
def test_the_outcome_page_does_not_offer_carer_support_for_a_persons_own_use(spoc_client):
    referral = ReferralFactory()
    choices = [
        value
        for value, _label in spoc_client.get(reverse("referrals:outcome", args=[referral.reference]))
        .context["form"]
        .fields["outcome"]
        .choices
    ]
    assert Triage.Outcome.CARER_SUPPORT not in choices
    assert Triage.Outcome.ERS in choices


@pytest.mark.django_db
def test_the_queue_row_flags_a_young_carer(spoc_client, django_assert_max_num_queries):
    young = carer_referral(subject_date_of_birth=years_ago(15))
    adult = carer_referral()
    ReferralFactory()
    with django_assert_max_num_queries(20):
        html = spoc_client.get(reverse("referrals:queue")).content.decode()
    assert html.count("young-carer-tag") == 1
    row_of_young = html[html.index(young.reference) :]
    assert row_of_young.index("young-carer-tag") < row_of_young.index("</tr>")
    assert adult.reference in html


# --- Reports and data rights: the coded fields are in the exports ---------------------------------


@pytest.mark.django_db
def test_the_subject_access_export_shows_who_the_support_is_for_and_the_cared_for_person(spoc_practitioner):
    referral = carer_referral()
    services.person_create_from_referral(referral=referral, by=spoc_practitioner)
    sections = {data.section.key: data for data in collect(referral.person)}
    fields = {f["name"]: f for f in sections["referrals"].records[0]["fields"]}
    assert fields["support_for"]["value"] == "carer"
    assert fields["support_for"]["display"] == "Support as a family member, friend or carer"
    assert fields["cared_for_relationship"]["display"] == "Partner"
    assert fields["cared_for_given_name"]["value"] == "Dan"
    assert fields["cared_for_substances"]["value"] == ["alcohol"]
    assert fields["cared_for_substances"]["display"] == "Alcohol"


def test_the_records_export_carries_the_new_fields():
    from django.apps import apps

    from referrals.data_rights.records_export import exported_fields

    referral_fields = {f.name for f in exported_fields(apps.get_model("referrals", "referral"))}
    triage_fields = {f.name for f in exported_fields(apps.get_model("referrals", "triage"))}
    assert {"support_for", "cared_for_relationship", "cared_for_given_name", "cared_for_substances"} <= referral_fields
    assert "cared_for_substances" in triage_fields
