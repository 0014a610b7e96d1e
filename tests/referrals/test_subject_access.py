"""Subject access requests (PAR-6, §3.16.4): the data protection officer records a request,
the export (a PDF and a JSON file in one zip) holds everything on the person and nothing on
anyone else, and downloading it is logged."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse

from partnership.models import AccessLog
from referrals.data_rights import sections as sections_module
from referrals.data_rights.forms import REQUEST_REFERENCE_TOO_LONG
from referrals.data_rights.services import REQUEST_REASON_REQUIRED, REQUEST_REFERENCE_REQUIRED
from referrals.models import SubjectAccessRequest
from tests.pdf_text import pdf_text
from tests.referrals import data_rights_state as state


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def quick_pdf(request, monkeypatch):
    """WeasyPrint takes a few seconds per export: only tests asking for ``real_pdf`` render one."""
    if "real_pdf" not in request.fixturenames:
        from referrals.data_rights import subject_access

        monkeypatch.setattr(subject_access, "to_pdf", lambda document: b"%PDF-1.7 (not rendered in this test)")


@pytest.fixture
def real_pdf():
    return True


@pytest.fixture
def record(spoc_practitioner, hub, hub_worker, treatment_org):
    return state.build(spoc=spoc_practitioner, hub=hub, hub_worker=hub_worker, treatment_org=treatment_org)


@pytest.fixture
def dpo_client(client, data_protection_officer):
    client.force_login(data_protection_officer)
    return client


def sar_url(person):
    return reverse("referrals:subject_access", kwargs={"person_ref": person.reference})


def request_export(dpo_client, person, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        response = dpo_client.post(
            sar_url(person),
            {
                "request_reference": "DPO-2026-014",
                "reason": "Letter of 3 March; identity checked with passport",
                **data,
            },
        )
    return response


def download(dpo_client, sar):
    url = reverse(
        "referrals:subject_access_download", kwargs={"person_ref": sar.person.reference, "sar_ref": sar.reference}
    )
    response = dpo_client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content), response


@pytest.fixture
def export(dpo_client, record, django_capture_on_commit_callbacks):
    """The export of the person's record, downloaded: (zip bytes, PDF bytes, JSON document)."""
    request_export(dpo_client, record.person, django_capture_on_commit_callbacks)
    sar = SubjectAccessRequest.objects.get(person=record.person)
    assert sar.status == SubjectAccessRequest.Status.READY
    content, _response = download(dpo_client, sar)
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = archive.namelist()
    pdf = archive.read(next(n for n in names if n.endswith(".pdf")))
    document = json.loads(archive.read(next(n for n in names if n.endswith(".json"))))
    return content, pdf, document, sar


def _all_text(document) -> str:
    return json.dumps(document, ensure_ascii=False)


def _section(document, key):
    return next(s for s in document["sections"] if s["key"] == key)


def _values(section) -> dict[str, list]:
    out: dict[str, list] = {}
    for record in section["records"]:
        for f in record["fields"]:
            out.setdefault(f["name"], []).append(f["display"])
    return out


# --- What the export holds --------------------------------------------------------------------


def test_export_is_a_zip_named_by_request_with_a_pdf_and_a_json_file(export):
    content, pdf, document, sar = export
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert sorted(names) == [f"subject-access-{sar.reference}.json", f"subject-access-{sar.reference}.pdf"]
    # Never the person's name in a file name.
    assert all(state.FAMILY not in name and state.GIVEN not in name for name in names)
    assert document["format"] == "ers-subject-access"
    assert document["version"] == 2
    assert document["request"]["reference"] == "DPO-2026-014"
    # Ours and the person's references, never row numbers.
    assert document["request"]["our_reference"] == sar.reference
    assert document["person"] == {"reference": sar.person.reference, "name": sar.person.full_name}
    assert document["generated_by"]["username"] == "dpo"


def test_export_json_holds_every_section_of_the_persons_record(export, record):
    _content, _pdf, document, _sar = export
    keys = {s["key"] for s in document["sections"]}
    assert {
        "person",
        "referrals",
        "status_changes",
        "contact_attempts",
        "triage",
        "escalations",
        "warm_introductions",
        "treatment_referrals",
        "treatment_referral_changes",
        "onward_referrals",
        "consents",
        "disclosures",
        "access_log",
    } <= keys
    person = _values(_section(document, "person"))
    assert person["given_name"] == [state.GIVEN]
    assert person["family_name"] == [state.FAMILY]
    assert person["phone"] == [state.NEW_PHONE]
    referrals = _values(_section(document, "referrals"))
    assert referrals["source"] == ["GP"]  # a label, not the code "gp"
    assert "Opioids (for example heroin)" in referrals["substances"][0]
    assert referrals["referrer_name"] == ["Dr Amina Shah"]
    assert _values(_section(document, "contact_attempts"))["notes"] == [state.CONTACT_NOTE]
    triage = _values(_section(document, "triage"))
    assert triage["risk_notes"] == [state.RISK_NOTE]
    assert triage["risk"] == ["Amber"]
    assert triage["outcome"] == ["ERS support and refer to the Treatment Service"]
    assert _values(_section(document, "escalations"))["notes"] == [state.ESCALATION_NOTE]
    assert _values(_section(document, "warm_introductions"))["introduced_to"] == [state.INTRODUCED_TO]
    treatment = _values(_section(document, "treatment_referrals"))
    assert "Sent" in treatment["status"]
    assert any(state.TREATMENT_REASON in v for v in treatment["dataset"])
    assert _values(_section(document, "onward_referrals"))["organisation_name"] == [state.ONWARD_ORGANISATION]
    assert len(_section(document, "consents")["records"]) == 2
    assert len(_section(document, "disclosures")["records"]) == 2


def test_export_json_keeps_raw_codes_next_to_their_labels(export):
    _content, _pdf, document, _sar = export
    source = next(f for f in _section(document, "referrals")["records"][0]["fields"] if f["name"] == "source")
    assert source == {"name": "source", "label": "Where the referral came from", "value": "gp", "display": "GP"}


def test_export_includes_who_changed_what_when_and_why(export, spoc_practitioner):
    _content, _pdf, document, _sar = export
    history = _section(document, "person")["history"]
    correction = next(h for h in history if h["reason"] == state.RECTIFY_REASON)
    assert correction["by"] == spoc_practitioner.get_full_name()
    assert correction["action"] == "Changed"
    phone = next(c for c in correction["changes"] if c["field"] == "phone")
    assert (phone["old"], phone["new"]) == (state.OLD_PHONE, state.NEW_PHONE)
    assert _section(document, "referrals")["history"], "the referral's changes are in the export"
    assert _section(document, "triage")["history"]


def test_export_lists_who_viewed_the_record_by_name(export, hub_worker):
    _content, _pdf, document, _sar = export
    views = _values(_section(document, "access_log"))
    assert hub_worker.get_full_name() in views["user"]
    assert state.HUB_WORKER_VIEW_REASON in views["reason"]


def test_export_holds_nothing_about_anyone_else(export):
    _content, pdf, document, _sar = export
    text = _all_text(document)
    for other in (state.OTHER_GIVEN, state.OTHER_FAMILY, state.OTHER_NOTE):
        assert other not in text


def test_export_pdf_is_a_real_pdf_with_a_cover_page_and_the_persons_data(real_pdf, export):
    _content, pdf, _document, _sar = export
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert f"Information we hold about {state.GIVEN} {state.FAMILY}" in text
    assert "DPO-2026-014" in text
    assert "Contents" in text
    for value in (state.CONTACT_NOTE, state.ESCALATION_NOTE, state.INTRODUCED_TO, state.HUB_WORKER_VIEW_REASON):
        assert value in text
    assert state.OTHER_FAMILY not in text


def test_a_model_added_later_with_a_link_to_a_person_is_found_without_a_declaration(record):
    # Every model with a foreign key to Person or Referral is either declared or discovered.
    declared = {s.model for s in sections_module.SECTIONS}
    discovered = {s.model for s in sections_module.discover()}
    assert "referrals.subjectaccessrequest" not in discovered
    assert not declared & discovered


# --- The request and the download -------------------------------------------------------------


def test_download_writes_an_export_row_in_the_access_log_with_the_reason(export, data_protection_officer, record):
    _content, _pdf, _document, sar = export
    row = AccessLog.objects.get(action=AccessLog.Action.EXPORT, person_id=record.person.pk)
    assert row.user == data_protection_officer
    assert row.object_type == "referrals.subjectaccessrequest"
    assert "DPO-2026-014" in row.reason
    assert "identity checked with passport" in row.reason


def test_download_is_never_cached(dpo_client, export):
    _content, _pdf, _document, sar = export
    _body, response = download(dpo_client, sar)
    assert response["Cache-Control"] == "no-store, private"
    assert response["Content-Disposition"] == f'attachment; filename="subject-access-{sar.reference}.zip"'


def test_request_page_asks_for_a_reference_and_details(dpo_client, record, django_capture_on_commit_callbacks):
    response = dpo_client.get(sar_url(record.person))
    assert response.status_code == 200
    assert AccessLog.objects.filter(user__username="dpo", action=AccessLog.Action.VIEW, person_id=record.person.pk)
    response = request_export(
        dpo_client, record.person, django_capture_on_commit_callbacks, request_reference="  ", reason=""
    )
    assert response.status_code == 200
    assert not SubjectAccessRequest.objects.exists()
    errors = dict(response.context["form"].error_summary)
    assert errors["id_request_reference"] == REQUEST_REFERENCE_REQUIRED
    assert errors["id_reason"] == REQUEST_REASON_REQUIRED
    response = request_export(
        dpo_client, record.person, django_capture_on_commit_callbacks, request_reference="R" * 101, reason="Kept"
    )
    assert str(REQUEST_REFERENCE_TOO_LONG) in response.content.decode()
    assert "Kept" in response.content.decode()


def test_a_failed_export_is_marked_failed_and_can_be_tried_again(
    dpo_client, record, django_capture_on_commit_callbacks, monkeypatch
):
    from referrals.data_rights import subject_access

    def broken(document):
        raise RuntimeError("boom")

    monkeypatch.setattr(subject_access, "build_zip", broken)
    request_export(dpo_client, record.person, django_capture_on_commit_callbacks)
    sar = SubjectAccessRequest.objects.get()
    assert sar.status == SubjectAccessRequest.Status.FAILED
    assert sar.error == "RuntimeError"
    url = reverse(
        "referrals:subject_access_download", kwargs={"person_ref": sar.person.reference, "sar_ref": sar.reference}
    )
    assert dpo_client.get(url).status_code == 302  # not ready: back to the page, nothing logged
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()

    monkeypatch.undo()
    retry = reverse(
        "referrals:subject_access_retry", kwargs={"person_ref": sar.person.reference, "sar_ref": sar.reference}
    )
    with django_capture_on_commit_callbacks(execute=True):
        dpo_client.post(retry)
    sar.refresh_from_db()
    assert sar.status == SubjectAccessRequest.Status.READY
    assert sar.file_sha256


def test_generating_twice_leaves_a_ready_export_alone(export):
    from referrals.data_rights.services import subject_access_generate

    _content, _pdf, _document, sar = export
    name = sar.file.name
    again = subject_access_generate(request_id=sar.pk)
    assert again.file.name == name


# --- Who may run it ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    [
        "spoc_practitioner",
        "manager",
        "hub_worker",
        "treatment_practitioner",
        "commissioner",
        "safeguarding_lead",
        "outsider",
    ],
)
def test_only_the_data_protection_officer_may_run_or_download_a_subject_access_export(
    request, client, record, persona, django_capture_on_commit_callbacks
):
    sar = SubjectAccessRequest.objects.create(
        person=record.person,
        requested_by=request.getfixturevalue("data_protection_officer"),
        request_reference="X",
        reason="Y",
    )
    client.force_login(request.getfixturevalue(persona))
    urls = [
        reverse("referrals:data_rights"),
        reverse("referrals:person_data_rights", kwargs={"person_ref": record.person.reference}),
        sar_url(record.person),
        reverse(
            "referrals:subject_access_download",
            kwargs={"person_ref": record.person.reference, "sar_ref": sar.reference},
        ),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sar_url(record.person), {"request_reference": "A", "reason": "B"})
    assert response.status_code == 403
    assert SubjectAccessRequest.objects.count() == 1
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def test_signed_out_visitors_are_sent_to_sign_in(record):
    from django.test import Client

    response = Client().get(sar_url(record.person))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_person_who_does_not_exist_is_not_found(dpo_client):
    assert dpo_client.get(reverse("referrals:subject_access", kwargs={"person_ref": "P-ZZZZZZZZ"})).status_code == 404


def test_the_dpo_finds_a_person_by_name_nhs_number_or_reference_and_each_search_is_logged(dpo_client, record):
    url = reverse("referrals:data_rights")
    for query in ("siân ó briain", "briain-nakamura", record.referral.reference):
        response = dpo_client.post(url, {"q": query})
        assert response.status_code == 200
        assert [p.pk for p in response.context["people"]] == [record.person.pk], query
    # One row per search, naming each person in the results (SEC-2).
    logs = AccessLog.objects.filter(user__username="dpo", action=AccessLog.Action.VIEW, reason="Data rights search")
    assert logs.count() == 3
    for log in logs:
        assert log.person_id is None
        assert list(log.subjects.values_list("person_id", flat=True)) == [record.person.pk]
    response = dpo_client.post(url, {"q": "  "})
    assert response.context["people"] is None
    assert response.context["form"].errors


def test_data_rights_pages_take_the_same_number_of_queries_whatever_the_history(
    dpo_client, record, django_assert_max_num_queries, spoc_practitioner
):
    from referrals.services import referrals as services

    urls = [
        reverse("referrals:person_data_rights", kwargs={"person_ref": record.person.reference}),
        sar_url(record.person),
        reverse("referrals:data_rights"),
    ]
    for size in (1, 6):
        for n in range(size):
            services.person_update(
                person=record.person, by=spoc_practitioner, reason=f"Fix {n}", phone=f"0770090{size}{n:03d}"
            )
            SubjectAccessRequest.objects.create(
                person=record.person, requested_by=spoc_practitioner, request_reference=f"R{size}-{n}", reason="r"
            )
        for url in urls:
            with django_assert_max_num_queries(20):
                assert dpo_client.get(url).status_code == 200
