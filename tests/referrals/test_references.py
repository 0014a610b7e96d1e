"""People, Treatment referrals and subject access requests are named in URLs by random
references, as referrals are, never by a number that counts the records (SEC-2)."""

import re

import pytest
from django.urls import URLResolver, get_resolver, reverse

from referrals.data_rights import services as data_rights
from referrals.models import Person, SubjectAccessRequest, TreatmentReferral
from referrals.models.references import ALPHABET, LENGTH
from safeguarding.models import Complaint, DrugAlert
from tests.factories import PersonFactory

# Numbers still in URLs, each a record that says nothing about how many people the service has.
NUMBERED = {
    ("referrals:consent_withdraw", "consent_pk"): "one of a person's sharing decisions, under their reference",
    ("referrals:onward_outcome", "pk"): "one of a referral's onward referrals, under its reference",
    # Casework under the person's random reference: a page reached only through that person.
    ("assessments:child", "child_pk"): "one of a person's children, under their reference",
    ("assessments:reading", "pk"): "one of a person's instrument readings, under their reference",
    ("assessments:version", "history_id"): "one saved version of a person's assessment section",
    ("recovery_plans:earlier", "plan_pk"): "one of a person's earlier plans, under their reference",
    ("recovery_plans:goal_achieved", "goal_pk"): "a goal in a person's plan, under their reference",
    ("recovery_plans:action_done", "action_pk"): "an action in a person's plan, under their reference",
    ("safeguarding:concern_action_done", "action_pk"): "an action on a safeguarding concern, under its reference",
    (
        "safeguarding:concern_share_withdraw",
        "share_pk",
    ): "a concern's share with the Treatment Service, under its reference",
    # The service's own records, about no one person.
    ("recovery_plans:directory_edit", "entry_pk"): "an entry in the directory of local services",
    ("contacts:group", "pk"): "a hub's group (the pre-detox group, say)",
    ("contacts:group_session", "pk"): "a session of a group",
    # Quarterly reports: counts about no one (RPT-4); a run and a version number of a report.
    ("reporting:run", "run_id"): "a run that builds a quarter's report",
    ("reporting:run_retry", "run_id"): "a run that builds a quarter's report",
    ("reporting:version", "number"): "the version number of a quarter's report",
    ("reporting:version_file", "number"): "the version number of a quarter's report",
    ("reporting:version_pdf", "number"): "the version number of a quarter's report",
    ("reporting:version_publish", "number"): "the version number of a quarter's report",
}
DIGITS = re.compile(r"\(\?P<(\w+)>(?:\[0-9\]|\\d)\+\)")


def _numbered_groups(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part) or None
            yield from _numbered_groups(pattern.url_patterns, inner)
        elif pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            # path()'s <int:x> compiles to [0-9]+, as a re_path group of digits is written.
            yield from ((name, group) for group in DIGITS.findall(pattern.pattern.regex.pattern))


def test_no_url_counts_people_treatment_referrals_or_subject_access_requests():
    numbered = {
        (name, group)
        for name, group in _numbered_groups(get_resolver().url_patterns)
        if not name.startswith("admin:")  # the Django admin, for superusers, numbers every row
    }
    assert numbered == set(NUMBERED), sorted(numbered ^ set(NUMBERED))


@pytest.mark.django_db
def test_a_new_person_gets_a_random_reference():
    references = {PersonFactory().reference for _ in range(20)}
    assert len(references) == 20
    for reference in references:
        code = reference.removeprefix("P-")
        assert len(code) == LENGTH and set(code) <= set(ALPHABET)


def test_every_counted_model_has_a_unique_reference():
    from recovery_plans.models import OutreachContact

    for model, prefix in (
        (Person, "P-"),
        (TreatmentReferral, "T-"),
        (SubjectAccessRequest, "SAR-"),
        (OutreachContact, "OC-"),
        (Complaint, "C-"),
        (DrugAlert, "DA-"),
    ):
        field = model._meta.get_field("reference")
        assert field.unique and not field.editable, model
        assert field.default().startswith(prefix), model


def test_a_person_by_number_is_not_a_page(spoc_practitioner, client):
    person = PersonFactory()
    client.force_login(spoc_practitioner)
    assert client.get(f"/referrals/people/{person.pk}/").status_code == 404
    assert client.get(reverse("referrals:person", args=[person.reference])).status_code == 200


def test_a_subject_access_request_is_named_by_its_reference(
    data_protection_officer, django_capture_on_commit_callbacks
):
    person = PersonFactory()
    with django_capture_on_commit_callbacks(execute=True):
        sar = data_rights.subject_access_request_create(
            person=person, by=data_protection_officer, request_reference="By letter", reason="Asked in writing"
        )
    assert str(sar) == sar.reference
    assert re.fullmatch(r"SAR-[2-9A-HJ-NP-Z]{8}", sar.reference)
    url = reverse("referrals:subject_access_download", args=[person.reference, sar.reference])
    assert str(sar.pk) not in url.replace(sar.reference, "").replace(person.reference, "")
