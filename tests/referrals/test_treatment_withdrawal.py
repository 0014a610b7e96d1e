"""Withdrawing a referral to the Treatment Service by hand, with a coded reason (§3.2.6:
nothing left waiting that no one means to send)."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from referrals.models import Referral, TreatmentReferral, TreatmentReferralTransition, Triage, YesNoUnknown
from referrals.services import treatment as treatment_services
from referrals.services import triage as triage_services
from tests.factories import ReferralFactory
from tests.referrals.test_stranded_and_worklists import screen

Withdrawal = TreatmentReferral.Withdrawal
TREATMENT_LIST = reverse("referrals:worklist_treatment")


def _waiting(spoc, outcome=None, **screening):
    referral = ReferralFactory()
    screen(referral, spoc, **screening)
    if outcome:
        triage_services.triage_complete(referral=referral, by=spoc, outcome=outcome)
    return referral, referral.treatment_referrals.get(status=TreatmentReferral.Status.PENDING)


def _url(referral, tr, name="treatment_withdraw"):
    return reverse(f"referrals:{name}", args=[referral.reference, tr.reference])


def test_withdrawing_keeps_the_coded_reason_who_and_when(spoc_practitioner):
    referral, tr = _waiting(spoc_practitioner, pregnant=YesNoUnknown.YES)
    treatment_services.treatment_referral_withdraw(
        treatment_referral=tr, by=spoc_practitioner, because=Withdrawal.DECLINED
    )
    tr.refresh_from_db()
    assert tr.status == TreatmentReferral.Status.WITHDRAWN
    assert tr.withdrawn_because == Withdrawal.DECLINED and tr.withdrawn_by_hand
    transition = TreatmentReferralTransition.objects.get(treatment_referral=tr)
    assert (transition.from_status, transition.to_status, transition.by) == ("pending", "withdrawn", spoc_practitioner)
    assert transition.reason == "The person does not want to be referred"
    assert tr.history.first().history_user == spoc_practitioner
    assert not referral.has_pending_treatment_referral()


def test_a_screening_change_never_brings_a_hand_withdrawn_referral_back(spoc_practitioner):
    referral, tr = _waiting(spoc_practitioner, pregnant=YesNoUnknown.YES)
    treatment_services.treatment_referral_withdraw(
        treatment_referral=tr, by=spoc_practitioner, because=Withdrawal.ALREADY_IN_TREATMENT
    )
    # Saving screening again with the same answers: still withdrawn, and no second one made.
    screen(referral, spoc_practitioner, pregnant=YesNoUnknown.YES, open_to_childrens_services=YesNoUnknown.NO)
    assert list(referral.treatment_referrals.values_list("status", flat=True)) == ["withdrawn"]


def test_an_automatically_withdrawn_referral_still_comes_back_when_its_reason_does(spoc_practitioner):
    referral, tr = _waiting(spoc_practitioner, pregnant=YesNoUnknown.YES)
    screen(referral, spoc_practitioner, pregnant=YesNoUnknown.NO)
    tr.refresh_from_db()
    assert tr.withdrawn_because == Withdrawal.REASON_GONE and not tr.withdrawn_by_hand
    screen(referral, spoc_practitioner, pregnant=YesNoUnknown.YES)
    tr.refresh_from_db()
    assert tr.status == TreatmentReferral.Status.PENDING and tr.withdrawn_because == ""


def test_a_treatment_only_referral_closes_when_its_treatment_referral_is_withdrawn(spoc_practitioner):
    referral, tr = _waiting(spoc_practitioner, outcome=Triage.Outcome.TREATMENT)
    treatment_services.treatment_referral_withdraw(
        treatment_referral=tr, by=spoc_practitioner, because=Withdrawal.OTHER, detail="Moved to a GP-led service"
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED
    assert referral.transitions.order_by("-pk").first().reason == "Referral to the Treatment Service withdrawn"


def test_an_ers_and_treatment_referral_stays_open_when_the_treatment_part_is_withdrawn(spoc_practitioner):
    referral, tr = _waiting(spoc_practitioner, outcome=Triage.Outcome.BOTH)
    treatment_services.treatment_referral_withdraw(
        treatment_referral=tr, by=spoc_practitioner, because=Withdrawal.DECLINED
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.TRIAGED


@pytest.mark.parametrize(
    ("because", "detail", "field", "message"),
    [
        ("", "", "because", treatment_services.TREATMENT_WITHDRAW_REASON_REQUIRED),
        (Withdrawal.REASON_GONE, "", "because", treatment_services.TREATMENT_WITHDRAW_REASON_REQUIRED),
        (Withdrawal.OTHER, "  ", "detail", treatment_services.TREATMENT_WITHDRAW_DETAIL_REQUIRED),
        (Withdrawal.DECLINED, "x" * 501, "detail", treatment_services.TREATMENT_WITHDRAW_DETAIL_TOO_LONG),
    ],
)
def test_withdrawal_needs_a_reason_a_person_can_give(spoc_practitioner, because, detail, field, message):
    referral, tr = _waiting(spoc_practitioner, pregnant=YesNoUnknown.YES)
    with pytest.raises(ValidationError) as caught:
        treatment_services.treatment_referral_withdraw(
            treatment_referral=tr, by=spoc_practitioner, because=because, detail=detail
        )
    assert caught.value.message_dict[field] == [str(message)]
    tr.refresh_from_db()
    assert tr.status == TreatmentReferral.Status.PENDING


def test_only_a_waiting_referral_can_be_withdrawn(spoc_practitioner):
    referral, tr = _waiting(spoc_practitioner, pregnant=YesNoUnknown.YES)
    treatment_services.treatment_referral_withdraw(
        treatment_referral=tr, by=spoc_practitioner, because=Withdrawal.DECLINED
    )
    with pytest.raises(ValidationError) as caught:
        treatment_services.treatment_referral_withdraw(
            treatment_referral=tr, by=spoc_practitioner, because=Withdrawal.DECLINED
        )
    assert caught.value.messages == [str(treatment_services.TREATMENT_WITHDRAW_NOT_PENDING)]


def test_a_peer_worker_may_not_withdraw(spoc_practitioner, peer_worker):
    referral, tr = _waiting(spoc_practitioner, pregnant=YesNoUnknown.YES)
    with pytest.raises(PermissionDenied):
        treatment_services.treatment_referral_withdraw(
            treatment_referral=tr, by=peer_worker, because=Withdrawal.DECLINED
        )


def test_withdrawing_from_the_page_takes_it_off_the_worklist(client, spoc_practitioner):
    referral, tr = _waiting(spoc_practitioner, pregnant=YesNoUnknown.YES)
    client.force_login(spoc_practitioner)
    assert referral.reference in client.get(TREATMENT_LIST).content.decode()
    detail = client.get(reverse("referrals:detail", args=[referral.reference])).content.decode()
    assert _url(referral, tr) in detail

    # "Another reason" with nothing typed: a specific message, and the choice kept.
    response = client.post(_url(referral, tr), {"because": Withdrawal.OTHER, "detail": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert str(treatment_services.TREATMENT_WITHDRAW_DETAIL_REQUIRED) in page
    assert re.search(r'value="other"\s+checked', page)

    response = client.post(_url(referral, tr), {"because": Withdrawal.MOVED_AWAY, "detail": "Now in Leeds"})
    assert response.status_code == 302
    assert referral.reference not in client.get(TREATMENT_LIST).content.decode()
    detail = client.get(reverse("referrals:detail", args=[referral.reference])).content.decode()
    assert "Moved out of the area: Now in Leeds" in detail
    # The send page of a withdrawn one says why, and offers no form.
    sent_page = client.get(_url(referral, tr, "treatment_send")).content.decode()
    assert "Moved out of the area: Now in Leeds" in sent_page and 'name="organisation"' not in sent_page
    # Opening the withdraw page again goes back to the referral.
    assert client.get(_url(referral, tr)).status_code == 302


def test_a_second_withdrawal_from_a_stale_page_is_refused_and_names_who_withdrew(ers, spoc_practitioner):
    from tests.referrals.test_concurrent_edits import member_of_staff, signed_in, version_on

    alex, bea = member_of_staff(ers, "alex", "Alex", "Morgan"), member_of_staff(ers, "bea", "Bea", "Khan")
    referral, tr = _waiting(spoc_practitioner, pregnant=YesNoUnknown.YES)
    first, second = signed_in(alex), signed_in(bea)
    first_version = version_on(first.get(_url(referral, tr)))
    second_version = version_on(second.get(_url(referral, tr)))
    assert first.post(_url(referral, tr), {"because": Withdrawal.DECLINED, "version": first_version}).status_code == 302
    response = second.post(
        _url(referral, tr), {"because": Withdrawal.OTHER, "detail": "Went to a GP", "version": second_version}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Alex Morgan" in page and "Went to a GP" in page
    tr.refresh_from_db()
    assert tr.withdrawn_because == Withdrawal.DECLINED
