"""The living assessment (ASM-1 to ASM-4, ASM-7): sections save on their own and partially, every
save is a version with who, when and what changed (ASM-2), and concurrent edits are refused (SEC-5)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessments.models import EqualitySection, NeedsSection, RiskSection, SubstanceSection
from assessments.models.codes import NOT_ASKED, PREFER_NOT_TO_SAY, ReportingGroup, Trigger
from assessments.sections import BY_KEY
from assessments.selectors import section_versions
from assessments.services import assessment_section_save
from common.audit import EditConflict, ExpectedVersion, current_version

pytestmark = pytest.mark.django_db


def url(name, person, *args):
    return reverse(f"assessments:{name}", args=[person.reference, *args])


def test_a_section_saves_partially_and_each_save_is_a_version(person, hub_worker, manager):
    assessment_section_save(person=person, key="needs", values={"needs": "Somewhere to live"}, by=hub_worker)
    assessment_section_save(person=person, key="needs", values={"goals": "Back to work"}, by=manager)
    section = NeedsSection.objects.get(person=person)
    assert (section.needs, section.goals, section.aspirations) == ("Somewhere to live", "Back to work", "")
    entries = section_versions(person=person, spec=BY_KEY["needs"])
    assert len(entries) == 2
    newest, first = entries
    assert newest["who"] == manager.get_full_name() or manager.get_username()
    assert newest["changes"] == [{"label": "Goals", "old": "Not recorded", "new": "Back to work"}]
    assert first["changes"][0]["new"] == "Somewhere to live"


def test_prefer_not_to_say_is_distinct_from_not_asked(person, hub_worker):
    assessment_section_save(
        person=person, key="equality", values={"sexual_orientation": PREFER_NOT_TO_SAY}, by=hub_worker
    )
    section = EqualitySection.objects.get(person=person)
    assert section.sexual_orientation == PREFER_NOT_TO_SAY
    assert section.religion == NOT_ASKED


def test_the_reporting_group_follows_the_substances(person, hub_worker):
    assessment_section_save(
        person=person,
        key="substances",
        values={"primary_substance": "alcohol", "secondary_substance": "crack"},
        by=hub_worker,
    )
    assert SubstanceSection.objects.get(person=person).reporting_group == ReportingGroup.NON_OPIATE_AND_ALCOHOL


def test_a_save_from_an_older_page_is_refused_and_names_the_change(person, hub_worker, manager):
    saved = assessment_section_save(person=person, key="needs", values={"needs": "Housing"}, by=hub_worker)
    loaded = current_version(saved.section)
    assessment_section_save(person=person, key="needs", values={"needs": "Housing and debt"}, by=manager)
    with pytest.raises(EditConflict):
        assessment_section_save(
            person=person,
            key="needs",
            values={"needs": "Debt"},
            by=hub_worker,
            expected_version=ExpectedVersion(history_id=loaded, fields=frozenset({"needs"})),
        )
    assert NeedsSection.objects.get(person=person).needs == "Housing and debt"


def test_peer_workers_change_no_assessment(peer_person, peer_worker):
    with pytest.raises(PermissionDenied):
        assessment_section_save(person=peer_person, key="needs", values={"needs": "x"}, by=peer_worker)


def test_saving_a_section_through_the_page(client, person, hub_worker):
    client.force_login(hub_worker)
    response = client.get(url("section", person, "equality"))
    assert response.status_code == 200
    version = response.context["form"].initial["version"]
    response = client.post(
        url("section", person, "equality"), {"version": version, "first_language": "Polish", "interpreter": "yes"}
    )
    assert response.status_code == 302
    section = EqualitySection.objects.get(person=person)
    assert (section.first_language, section.interpreter, section.sex) == ("Polish", "yes", NOT_ASKED)


def test_the_page_keeps_what_was_typed_when_someone_else_saved_first(client, person, hub_worker, manager):
    client.force_login(hub_worker)
    version = client.get(url("section", person, "needs")).context["form"].initial["version"]
    assessment_section_save(person=person, key="needs", values={"needs": "Theirs"}, by=manager)
    response = client.post(url("section", person, "needs"), {"version": version, "needs": "Mine"})
    assert response.status_code == 200
    assert "Mine" in response.content.decode()
    assert response.context["form"].edit_conflict
    assert NeedsSection.objects.get(person=person).needs == "Theirs"


def test_a_trigger_leads_to_the_escalation_steps(client, person, hub_worker):
    client.force_login(hub_worker)
    response = client.post(url("section", person, "risks"), {"version": 0, "triggers": [Trigger.SUICIDAL]})
    assert response.status_code == 302
    assert response.url == url("escalation", person)
    page = client.get(response.url).content.decode()
    assert "immediate risk" in page
    assert str(Trigger.SUICIDAL.label) in page
    assert RiskSection.objects.get(person=person).triggers == [Trigger.SUICIDAL]
    # Saving again with no new trigger goes back to the overview.
    version = current_version(RiskSection.objects.get(person=person))
    response = client.post(
        url("section", person, "risks"), {"version": version, "triggers": [Trigger.SUICIDAL], "risk_to_self": "Low"}
    )
    assert response.url == url("overview", person)


def test_an_earlier_version_is_viewable(client, person, hub_worker):
    first = assessment_section_save(person=person, key="needs", values={"needs": "First words"}, by=hub_worker)
    first_id = current_version(first.section)
    assessment_section_save(person=person, key="needs", values={"needs": "Later words"}, by=hub_worker)
    client.force_login(hub_worker)
    page = client.get(url("version", person, "needs", first_id)).content.decode()
    assert "First words" in page and "Later words" not in page
    assert client.get(url("version", person, "needs", 999999)).status_code == 404


def test_peer_workers_read_sections_but_never_the_risks(client, peer_person, peer_worker, hub_worker):
    assessment_section_save(person=peer_person, key="risks", values={"safeguarding": "Cuckooing"}, by=hub_worker)
    assessment_section_save(person=peer_person, key="needs", values={"needs": "A bed"}, by=hub_worker)
    client.force_login(peer_worker)
    overview = client.get(url("overview", peer_person)).content.decode()
    assert "Risks" not in overview
    assert client.get(url("section", peer_person, "risks")).status_code == 404
    assert client.get(url("versions", peer_person, "risks")).status_code == 404
    page = client.get(url("section", peer_person, "needs"))
    assert page.status_code == 200 and page.context["form"] is None and "A bed" in page.content.decode()
    assert client.post(url("section", peer_person, "needs"), {"needs": "x"}).status_code == 403


def test_someone_else_gets_404(client, person, other_hub_worker):
    client.force_login(other_hub_worker)
    for name, args in (("overview", ()), ("section", ("needs",)), ("versions", ("needs",)), ("instruments", ())):
        assert client.get(url(name, person, *args)).status_code == 404


def _history(person, by, versions):
    for number in range(versions):
        for key in ("needs", "equality", "substances", "risks", "carers"):
            field = BY_KEY[key].fields[-1]
            value = f"note {number}" if key != "equality" else f"Lang {number}"
            assessment_section_save(person=person, key=key, values={field: value}, by=by)


PAGES = (("overview", ()), ("section", ("needs",)), ("versions", ("carers",)), ("versions", ("risks",)))


def _counts(client, person):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for name, args in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(name, person, *args)).status_code == 200
        counts.append(len(queries))
    return counts


def test_the_pages_keep_a_constant_query_count(client, person, hub_worker, django_assert_max_num_queries):
    client.force_login(hub_worker)
    _history(person, hub_worker, 1)
    few = _counts(client, person)
    _history(person, hub_worker, 12)
    assert _counts(client, person) == few
    for name, args in PAGES:
        with django_assert_max_num_queries(20):
            client.get(url(name, person, *args))


def test_escalating_a_trigger_makes_a_waiting_treatment_referral_with_the_reason(client, person, hub_worker):
    from referrals.models import TreatmentReferral

    client.force_login(hub_worker)
    client.post(url("section", person, "risks"), {"version": 0, "triggers": [Trigger.PSYCHOLOGICAL, Trigger.PREGNANCY]})
    response = client.post(url("escalation", person))
    waiting = TreatmentReferral.objects.get(referral__person=person)
    assert response.status_code == 302
    assert response.url == reverse("referrals:treatment_send", args=[waiting.referral.reference, waiting.reference])
    assert waiting.status == TreatmentReferral.Status.PENDING
    assert waiting.reason == TreatmentReferral.Reason.ASSESSMENT_TRIGGER
    assert waiting.reason_detail == f"{Trigger.PREGNANCY.label}; {Trigger.PSYCHOLOGICAL.label}"
    # The existing flow sends it: its page opens for the worker.
    assert client.get(response.url).status_code == 200
    # Escalating again adds nothing: one waiting referral per ERS referral.
    client.post(url("escalation", person))
    assert TreatmentReferral.objects.filter(referral__person=person).count() == 1


def test_escalating_without_a_trigger_is_refused(client, person, hub_worker):
    from referrals.models import TreatmentReferral

    client.force_login(hub_worker)
    response = client.post(url("escalation", person))
    assert response.url == url("escalation", person)
    assert not TreatmentReferral.objects.exists()


def test_triage_never_drops_the_escalation_from_the_assessment(person, hub_worker, spoc_practitioner):
    """Screening and the outcome sync the reasons for a referral to Treatment; the assessment's
    is not theirs to drop (closing is refused while it waits, so this guards a later change)."""
    from assessments.services import assessment_escalate
    from referrals.models import Referral, TreatmentReferral
    from referrals.services import triage as triage_services

    assessment_section_save(person=person, key="risks", values={"triggers": [Trigger.CRIMINAL_JUSTICE]}, by=hub_worker)
    waiting = assessment_escalate(person=person, by=hub_worker)
    referral = Referral.objects.get(person=person)
    synced = triage_services.treatment_referrals_sync(referral=referral, triage=referral.triage, by=spoc_practitioner)
    waiting.refresh_from_db()
    assert synced == waiting and waiting.status == TreatmentReferral.Status.PENDING
    assert waiting.reasons == [TreatmentReferral.Reason.ASSESSMENT_TRIGGER]


def test_escalating_while_processing_is_restricted_is_refused_and_the_page_says_why(
    client, person, hub_worker, data_protection_officer
):
    """PAR-6: the refusal stands (no vital-interests exemption for a referral to another
    service), and the page says who can lift it and that the crisis steps still apply."""
    from django.core.exceptions import ValidationError as DjangoValidationError
    from django.utils.html import escape

    from assessments.services import assessment_escalate
    from assessments.views.sections import ESCALATION_RESTRICTED
    from referrals.data_rights import services as data_rights
    from referrals.models import TreatmentReferral

    client.force_login(hub_worker)
    client.post(url("section", person, "risks"), {"version": 0, "triggers": [Trigger.SUICIDAL]})
    data_rights.processing_restrict(person=person, by=data_protection_officer, reason="Accuracy contested")
    with pytest.raises(DjangoValidationError) as error:
        assessment_escalate(person=person, by=hub_worker)
    assert error.value.code == "processing_restricted"
    response = client.post(url("escalation", person), follow=True)
    content = response.content.decode()
    assert response.status_code == 200
    assert not TreatmentReferral.objects.filter(referral__person=person).exists()
    assert 'id="escalation-restricted"' in content and "Refer to the Treatment Service</button>" not in content
    assert escape(str(ESCALATION_RESTRICTED)) in content
    assert "data protection officer can lift the restriction" in str(ESCALATION_RESTRICTED)
    assert "call 999" in content  # the crisis steps are still shown (an immediate risk)
    assert "Record what you did in the risks section" not in content
