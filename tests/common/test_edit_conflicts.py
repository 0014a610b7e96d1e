"""SEC-5: the version check against concurrent edits, as a mechanism.

``common.audit.version_check`` (called by ``audited_save(..., expected_version=...)``) and
``common.forms.versions.VersionedFormMixin``, on a person's record: any audited model would do.
"""

from __future__ import annotations

import pytest
from django import forms
from django.http import QueryDict

from common.audit import EDIT_CONFLICT, EditConflict, ExpectedVersion, audited_save, current_version
from common.forms.errors import GovUKFormMixin, add_service_errors
from common.forms.versions import CONFLICT_ANCHOR, VERSION_FIELD, VersionedFormMixin
from referrals.models import Person, Triage
from tests.factories import PersonFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db


class PhoneForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
    """An edit form showing two of a person's fields, one under another name."""

    version_field_map = {"number": "phone"}

    given_name = forms.CharField(label="First name")
    number = forms.CharField(label="Phone number")
    reason = forms.CharField(label="Reason")  # not a field of the record: never compared


@pytest.fixture
def alex(db):
    return UserFactory(username="alex", first_name="Alex", last_name="Morgan")


@pytest.fixture
def person(alex):
    person = PersonFactory(given_name="Jo", phone="07700900123", address="1 High Street")
    audited_save(person, by=alex, reason="Made", person_id=None)
    return person


def change(person: Person, by, **fields) -> None:
    """Someone else's save, from their own copy of the record."""
    theirs = Person.objects.get(pk=person.pk)
    for name, value in fields.items():
        setattr(theirs, name, value)
    audited_save(theirs, by=by, reason="Their change", person_id=None)


def save_mine(person: Person, expected: ExpectedVersion, **fields) -> None:
    mine = Person.objects.get(pk=person.pk)
    for name, value in fields.items():
        setattr(mine, name, value)
    audited_save(
        mine,
        by=UserFactory(username="bea", membership=None),
        reason="My change",
        person_id=None,
        expected_version=expected,
    )


# --- The check in the audited write ---------------------------------------------------------------


def test_a_save_from_an_older_version_is_refused_with_the_newer_change(person, alex):
    loaded = ExpectedVersion(history_id=current_version(person), fields=frozenset({"phone"}))
    change(person, alex, phone="07700900456")

    with pytest.raises(EditConflict) as refused:
        save_mine(person, loaded, phone="07700900999")

    person.refresh_from_db()
    assert person.phone == "07700900456"  # nothing overwritten
    [row] = refused.value.changes
    assert row.row.history_user == alex
    assert [(c.field.name, c.old, c.new) for c in row.changes] == [("phone", "07700900123", "07700900456")]
    assert refused.value.current_version == current_version(person)
    assert refused.value.messages == [str(EDIT_CONFLICT)]


def test_a_save_from_the_current_version_goes_through(person):
    save_mine(person, ExpectedVersion(history_id=current_version(person), fields=frozenset({"phone"})), phone="1")
    person.refresh_from_db()
    assert person.phone == "1"


def test_a_newer_change_to_fields_the_form_does_not_edit_does_not_refuse_it(person, alex):
    loaded = ExpectedVersion(history_id=current_version(person), fields=frozenset({"phone"}))
    change(person, alex, address="2 Low Road")
    save_mine(person, loaded, phone="07700900999")
    person.refresh_from_db()
    assert (person.phone, person.address) == ("07700900999", "2 Low Road")


def test_without_a_field_list_any_newer_change_refuses_it(person, alex):
    loaded = ExpectedVersion(history_id=current_version(person))
    change(person, alex, address="2 Low Road")
    with pytest.raises(EditConflict):
        save_mine(person, loaded, phone="07700900999")


def test_a_record_made_after_the_form_was_loaded_refuses_the_form_that_would_have_made_it(alex):
    # Version 0: there was nothing when the page opened; someone else has since made it.
    made = PersonFactory(given_name="Sam", phone="07700900111")
    audited_save(made, by=alex, reason="Made", person_id=None)
    with pytest.raises(EditConflict) as refused:
        save_mine(made, ExpectedVersion(history_id=0, fields=frozenset({"phone"})), phone="2")
    assert refused.value.changes[-1].changes[0].new == "07700900111"


def test_no_version_given_means_no_check(person, alex):
    change(person, alex, phone="07700900456")
    save_mine(person, None, phone="07700900999")
    person.refresh_from_db()
    assert person.phone == "07700900999"


def test_the_version_is_the_latest_history_row_and_0_for_nothing(person, alex):
    assert current_version(None) == 0
    assert current_version(Person()) == 0
    before = current_version(person)
    change(person, alex, phone="1")
    assert current_version(person) == person.history.latest().history_id > before


# --- The form ------------------------------------------------------------------------------------


def posted(person: Person, version, **values) -> PhoneForm:
    data = QueryDict(mutable=True)
    data.update({"given_name": person.given_name, "number": person.phone, "reason": "Phoned", **values})
    if version is not None:
        data[VERSION_FIELD] = str(version)
    return PhoneForm(data, version_of=person)


def test_the_form_carries_the_version_it_was_loaded_from_in_a_hidden_field(person):
    form = PhoneForm(version_of=person)
    assert form.initial[VERSION_FIELD] == current_version(person)
    assert form[VERSION_FIELD].is_hidden
    assert 'type="hidden"' in str(form[VERSION_FIELD])


def test_the_form_compares_only_the_record_fields_it_edits(person):
    form = posted(person, current_version(person))
    assert form.is_valid()
    assert form.expected_version == ExpectedVersion(current_version(person), frozenset({"given_name", "phone"}))
    without = posted(person, None)
    assert without.is_valid() and without.expected_version is None


def test_a_refused_save_names_who_changed_which_field_keeps_what_was_typed_and_moves_the_version_on(person, alex):
    form = posted(person, current_version(person), given_name="Joanne", reason="Name spelt wrong")
    assert form.is_valid()
    # Someone else corrects the phone number and the address after the page was opened.
    change(person, alex, phone="07700900456", address="2 Low Road")

    try:
        save_mine(person, form.expected_version, given_name="Joanne")
    except EditConflict as conflict:
        add_service_errors(form, conflict)
    else:
        pytest.fail("The save from the older version was not refused")

    assert form.non_field_errors() == [str(EDIT_CONFLICT)]
    assert form.error_summary == [(CONFLICT_ANCHOR, str(EDIT_CONFLICT))]
    [entry] = form.edit_conflict
    assert entry["by"] == "Alex Morgan"
    # By the form's own label, and only the fields the form shows: the address is not on it.
    assert entry["changes"] == [{"label": "Phone number", "old": "07700900123", "new": "07700900456"}]
    # What was typed is kept; the hidden version is now the current one.
    assert form["given_name"].value() == "Joanne" and form["reason"].value() == "Name spelt wrong"
    assert form[VERSION_FIELD].value() == str(current_version(person))


def test_a_deliberate_second_save_from_the_moved_on_version_goes_through(person, alex):
    form = posted(person, current_version(person), given_name="Joanne")
    assert form.is_valid()
    change(person, alex, phone="07700900456")
    with pytest.raises(EditConflict) as refused:
        save_mine(person, form.expected_version, given_name="Joanne")
    form.show_edit_conflict(refused.value)

    again = PhoneForm(form.data, version_of=person)
    assert again.is_valid()
    save_mine(person, again.expected_version, given_name="Joanne")
    person.refresh_from_db()
    assert (person.given_name, person.phone) == ("Joanne", "07700900456")


def test_coded_values_read_as_the_form_shows_them(alex):
    class RiskForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
        risk = forms.ChoiceField(label="Initial risk rating", choices=Triage.Risk.choices)
        risk_reasons = forms.MultipleChoiceField(label="Reasons", choices=Triage.RiskReason.choices)

    triage = Triage(referral=ReferralFactory(), started_by=alex)
    form = RiskForm({"risk": "green", VERSION_FIELD: "0"}, version_of=None, version_model=Triage)
    form.is_valid()
    triage.risk, triage.risk_reasons = Triage.Risk.RED, [Triage.RiskReason.SUICIDE]
    audited_save(triage, by=alex, reason="Screening saved", person_id=None)
    with pytest.raises(EditConflict) as refused:
        audited_save(triage, by=alex, reason="Again", person_id=None, expected_version=form.expected_version)
    form.show_edit_conflict(refused.value)
    [entry] = form.edit_conflict
    assert entry["created"]
    assert {c["label"]: c["new"] for c in entry["changes"]} == {
        "Initial risk rating": "Red",
        "Reasons": "Thoughts of suicide or self-harm",
    }


@pytest.mark.parametrize("posted_version", ["-1", "abc", "9" * 20_000, str(2**63), "1.5", "\x00"])
def test_a_version_no_page_would_send_reads_as_before_the_record_existed(person, posted_version):
    form = posted(person, posted_version)
    assert form.is_valid(), form.errors
    assert form.expected_version.history_id == 0
    with pytest.raises(EditConflict):
        save_mine(person, form.expected_version, phone="1")


def test_a_value_the_form_does_not_offer_reads_as_the_model_names_it(alex):
    class RaiseRiskForm(VersionedFormMixin, GovUKFormMixin, forms.Form):
        version_model = Triage
        # Offers only the ratings that raise concern; green is the model's to name.
        risk = forms.ChoiceField(label="Raise the risk to", choices=[("amber", "Amber: some concern"), ("red", "Red")])

    triage = Triage(referral=ReferralFactory(), started_by=alex, risk=Triage.Risk.GREEN)
    audited_save(triage, by=alex, reason="Screening saved", person_id=None)
    form = RaiseRiskForm({"risk": "red", VERSION_FIELD: str(current_version(triage))}, version_of=triage)
    assert form.is_valid()
    triage.risk = Triage.Risk.AMBER
    audited_save(triage, by=alex, reason="Screening saved", person_id=None)
    with pytest.raises(EditConflict) as refused:
        audited_save(triage, by=alex, reason="Again", person_id=None, expected_version=form.expected_version)
    form.show_edit_conflict(refused.value)
    assert form.edit_conflict[0]["changes"] == [
        {"label": "Raise the risk to", "old": "Green", "new": "Amber: some concern"}
    ]
