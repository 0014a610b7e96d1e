"""The authorisation matrix (SEC-1): every page in the project, every persona, one answer each.

The test walks every URL pattern the project serves (``get_resolver().url_patterns``,
recursively), builds each URL from real objects, asks for it with GET as every persona and
compares the status with ``EXPECTED`` below. A page missing from ``EXPECTED`` fails the test:
a new page has to say who may use it before it ships. Only the patterns in ``SKIPPED`` (the
admin, which has its own staff check, and Django's language switch) are left out, each with
its reason.

Answers: 200 (the page), 302 (sent on elsewhere, for example home to the queue), 403 (this role
never uses this page), 404 (this record is not one the user may see: exactly as if it did not
exist), 405 (a POST-only action: GET is refused for everyone, allowed or not, before any
permission check), and ``SIGN_IN`` (a redirect to the sign-in page, for anyone signed out).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments.instruments import registry
from assessments.services import assessment_section_save, child_save, reading_record
from common.audit import current_version
from partnership.models import AccessLog
from recovery_plans.services import directory as directory_services
from recovery_plans.services import groups as group_services
from recovery_plans.services import outreach as outreach_services
from recovery_plans.services import plans as plan_services
from referrals.data_rights import services as data_rights
from referrals.models import Consent, OnwardReferral, Referral, Triage
from referrals.services import allocation as allocation_services
from referrals.services import onward as services_onward
from referrals.services import referrals as services
from referrals.services import treatment as services_treatment
from referrals.services import triage as triage_services
from referrals.services.consent import consent_record
from safeguarding import chronology
from safeguarding import services_concern_sharing as concern_sharing
from safeguarding import services_incidents as incident_services
from safeguarding.alerts import live_alerts_known_empty
from safeguarding.alerts_services import drug_alert_issue
from safeguarding.models import Notification, SeriousIncident
from safeguarding.services_concerns import concern_action_add, concern_raise
from tests.factories import ReferralFactory
from tests.reporting.report_fixture import stored_version
from tests.safeguarding.complaint_state import public_complaint

OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405
SIGN_IN = "sign in"

STAFF = [
    "spoc_practitioner",
    "manager",
    "other_hub_manager",
    "hub_worker",
    "other_hub_worker",
    "peer_worker",
    "safeguarding_lead",
    "treatment_practitioner",
    "commissioner",
    "data_protection_officer",
    "outsider",
]
PERSONAS = [*STAFF, "anonymous"]

# The person every page is about. Commissioners must never see any of this anywhere.
GIVEN, FAMILY = "Tamsin", "Quartermaine"
DATE_OF_BIRTH = dt.date(1987, 4, 23)
NHS_NUMBER = "9434765919"


def rule(default, *, anonymous=SIGN_IN, **by_persona) -> dict:
    unknown = set(by_persona) - set(STAFF)
    assert not unknown, unknown
    return {**{persona: by_persona.get(persona, default) for persona in STAFF}, "anonymous": anonymous}


# Public pages: anyone, signed in or not.
PUBLIC = rule(OK, anonymous=OK)
# Front door only (SPOC practitioners and managers); everyone else 403. The world's referral
# is allocated in Carlisle, so it is Carlisle's casework: Kendal's manager, at the front door
# too, gets 404 for it (front-door work across hubs; another hub's casework is not theirs).
FRONT_DOOR = rule(FORBIDDEN, spoc_practitioner=OK, manager=OK, other_hub_manager=NOT_FOUND)
# Front-door pages that are not about one record: every front-door role.
FRONT_DOOR_LISTS = rule(FORBIDDEN, spoc_practitioner=OK, manager=OK, other_hub_manager=OK)
# Everyone on staff who works with people; never commissioners, the DPO or anyone without a role.
RECORDING_PERSONAS = [
    "spoc_practitioner",
    "manager",
    "other_hub_manager",
    "hub_worker",
    "other_hub_worker",
    "peer_worker",
    "safeguarding_lead",
    "treatment_practitioner",
]
RECORDING = rule(FORBIDDEN, **dict.fromkeys(RECORDING_PERSONAS, OK))
# The world's referral is allocated to the hub worker in Carlisle: SPOC practitioners see every
# referral, Carlisle's manager and the hub worker their hub's; nobody else may see it (404, as
# if it did not exist), Kendal's manager included.
THE_REFERRAL = rule(NOT_FOUND, spoc_practitioner=OK, manager=OK, hub_worker=OK)
# A POST-only action.
POST_ONLY = rule(NOT_ALLOWED)
# Data protection officer only.
DPO_ONLY = rule(FORBIDDEN, data_protection_officer=OK)
# ERS staff who may share records, for the person or referral the world is about: found
# through the same selectors as the record's own pages, so anyone else gets 404.
SHARING = rule(NOT_FOUND, spoc_practitioner=OK, manager=OK, hub_worker=OK)
# A person's assessment (ASM-1 to ASM-7): roles that never read assessments 403; the front door
# and caseworkers read the people they may open (404 for anyone else, as if they did not exist).
ASSESSMENT = rule(
    FORBIDDEN,
    spoc_practitioner=OK,
    manager=OK,
    hub_worker=OK,
    other_hub_manager=NOT_FOUND,
    other_hub_worker=NOT_FOUND,
    peer_worker=NOT_FOUND,
)
# Treatment Service practitioners, for the person shared with their organisation.
TREATMENT_ONLY = rule(FORBIDDEN, treatment_practitioner=OK)

# Contacts, outreach and groups (recovery_plans, PLN-3, PLN-4, PLN-6).
CASEWORK_PERSONAS = ["manager", "other_hub_manager", "hub_worker", "other_hub_worker", "peer_worker"]
OUTREACH_PERSONAS = ["spoc_practitioner", *CASEWORK_PERSONAS]
CONTACTS = rule(
    FORBIDDEN,
    manager=OK,
    hub_worker=OK,
    other_hub_manager=NOT_FOUND,
    other_hub_worker=NOT_FOUND,
    peer_worker=NOT_FOUND,
)
OUTREACH = rule(FORBIDDEN, **dict.fromkeys(OUTREACH_PERSONAS, OK))
CARLISLE_GROUP = rule(
    FORBIDDEN, manager=OK, hub_worker=OK, peer_worker=OK, other_hub_manager=NOT_FOUND, other_hub_worker=NOT_FOUND
)
PLAN_READ = rule(
    FORBIDDEN, manager=OK, other_hub_manager=NOT_FOUND, hub_worker=OK, other_hub_worker=NOT_FOUND, peer_worker=NOT_FOUND
)
PLAN_WRITE = rule(FORBIDDEN, manager=OK, other_hub_manager=NOT_FOUND, hub_worker=OK, other_hub_worker=NOT_FOUND)
REPORT_RUNNING = rule(FORBIDDEN, manager=OK, other_hub_manager=OK)
DIRECTORY_MANAGE = rule(FORBIDDEN, manager=OK, other_hub_manager=OK, hub_worker=OK, other_hub_worker=OK)
# The dashboards (RPT-6): managers (exact figures) and commissioners (disclosed); no one else.
DASHBOARDS = rule(FORBIDDEN, manager=OK, other_hub_manager=OK, commissioner=OK)
INCIDENTS = rule(FORBIDDEN, safeguarding_lead=OK, manager=OK, other_hub_manager=OK)
# Safeguarding concerns and the chronology (SAF-1, SAF-2): the lead sees every one; the front door,
# hub workers and managers those of the people they may open (another hub's: 404); peer workers,
# the Treatment Service, commissioners and the DPO never see a concern's detail (403).
CONCERN = rule(
    FORBIDDEN,
    spoc_practitioner=OK,
    manager=OK,
    hub_worker=OK,
    safeguarding_lead=OK,
    other_hub_manager=NOT_FOUND,
    other_hub_worker=NOT_FOUND,
)
# Complaints (SAF-4): every manager handles them; anyone else 403 for the list, 404 for one.
COMPLAINT_LISTS = rule(FORBIDDEN, manager=OK, other_hub_manager=OK)
THE_COMPLAINT = rule(NOT_FOUND, manager=OK, other_hub_manager=OK)

EXPECTED: dict[str, dict] = {
    # --- partnership: home, sign-in, the access log --------------------------------------
    "home": rule(
        OK,
        # Each role is sent to where its work is; the rest see what they may do.
        spoc_practitioner=REDIRECT,
        manager=REDIRECT,
        other_hub_manager=REDIRECT,
        hub_worker=REDIRECT,  # to "My work"
        other_hub_worker=REDIRECT,
        peer_worker=REDIRECT,
        treatment_practitioner=REDIRECT,
        commissioner=REDIRECT,  # to the published reports
        safeguarding_lead=REDIRECT,  # to the safeguarding overview
    ),
    "access_log": rule(FORBIDDEN, manager=OK, other_hub_manager=OK, data_protection_officer=OK),
    # Signed in already: the sign-in page and the second-factor pages send you on.
    "login": rule(REDIRECT, anonymous=OK),
    "otp_verify": rule(REDIRECT, anonymous=SIGN_IN),
    "otp_enrol": rule(REDIRECT, anonymous=SIGN_IN),
    "logout": rule(NOT_ALLOWED, anonymous=NOT_ALLOWED),
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_complete": PUBLIC,
    "password_reset_confirm": PUBLIC,  # an invalid link says so
    # --- the public self-referral form (REF-3) ---------------------------------------------
    "public:start": PUBLIC,
    "public:form": PUBLIC,
    "public:done": rule(REDIRECT, anonymous=REDIRECT),  # nothing submitted: back to the start
    # --- the front door ----------------------------------------------------------------------
    "referrals:queue": FRONT_DOOR_LISTS,
    # No wrong door: everyone on staff who meets people records referrals.
    "referrals:new": RECORDING,
    # The confirmation after recording: with nothing recorded in this session, back to the form.
    "referrals:recorded": rule(FORBIDDEN, **dict.fromkeys(RECORDING_PERSONAS, REDIRECT)),
    "referrals:caseload": rule(
        FORBIDDEN,
        spoc_practitioner=REDIRECT,  # the front door works from the queue
        manager=REDIRECT,
        other_hub_manager=REDIRECT,
        hub_worker=OK,
        other_hub_worker=OK,
        peer_worker=OK,
    ),
    "referrals:hub_caseload": rule(FORBIDDEN, manager=OK, other_hub_manager=OK, hub_worker=OK, other_hub_worker=OK),
    "referrals:detail": THE_REFERRAL,
    "referrals:history": THE_REFERRAL,
    "referrals:assign": POST_ONLY,
    "referrals:match": FRONT_DOOR,
    "referrals:person": THE_REFERRAL,
    # The person record's own tabs (issue 9): whoever may open the person.
    "referrals:person_timeline": THE_REFERRAL,
    "referrals:person_history": THE_REFERRAL,
    # "My work": caseworkers (their own caseload) and managers (their hub's).
    "referrals:my_work": rule(
        FORBIDDEN, manager=OK, other_hub_manager=OK, hub_worker=OK, other_hub_worker=OK, peer_worker=OK
    ),
    "referrals:contact": FRONT_DOOR,
    "referrals:screening": FRONT_DOOR,
    "referrals:outcome": FRONT_DOOR,
    "referrals:escalation": FRONT_DOOR,
    "referrals:introduction": FRONT_DOOR,
    "referrals:allocate": FRONT_DOOR,
    "referrals:close": FRONT_DOOR,
    "referrals:reopen": FRONT_DOOR,
    "referrals:priority": FRONT_DOOR,
    # --- worklists (§3.2.6, §3.19, PAR-2, PAR-6) ------------------------------------------------
    "referrals:worklists": rule(
        FORBIDDEN, spoc_practitioner=OK, manager=OK, other_hub_manager=OK, data_protection_officer=OK
    ),
    "referrals:worklist_treatment": FRONT_DOOR_LISTS,
    "referrals:worklist_targets": FRONT_DOOR_LISTS,
    "referrals:worklist_consent": FRONT_DOOR_LISTS,
    "referrals:worklist_subject_access": DPO_ONLY,
    # §3.2.9: the person's feedback on their SPOC experience, recorded by the front door.
    "referrals:feedback": FRONT_DOOR,
    # The front door or the allocated worker (REF-9); other roles 403 before any lookup.
    "referrals:appointment": rule(
        FORBIDDEN,
        spoc_practitioner=OK,
        manager=OK,
        other_hub_manager=NOT_FOUND,
        hub_worker=OK,
        other_hub_worker=NOT_FOUND,
        peer_worker=NOT_FOUND,
    ),
    # --- restricted referrals (SEC-1) ---------------------------------------------------------
    # Not restricted: the front door is sent straight on to the referral.
    "referrals:break_glass": rule(FORBIDDEN, spoc_practitioner=REDIRECT, manager=REDIRECT, other_hub_manager=NOT_FOUND),
    "referrals:access_restriction": rule(FORBIDDEN, manager=OK, other_hub_manager=NOT_FOUND, safeguarding_lead=OK),
    # --- consent and sharing (PAR-2 to PAR-5) -------------------------------------------------
    "referrals:consent": SHARING,
    "referrals:consent_new": SHARING,
    "referrals:consent_withdraw": SHARING,
    "referrals:treatment_send": SHARING,
    # The world's referral to the Treatment Service is sent: those who may withdraw a waiting
    # one are sent back to the referral.
    "referrals:treatment_withdraw": rule(NOT_FOUND, spoc_practitioner=REDIRECT, manager=REDIRECT, hub_worker=REDIRECT),
    "referrals:onward_new": SHARING,
    "referrals:onward_outcome": SHARING,
    "referrals:shared_people": TREATMENT_ONLY,
    "referrals:shared_person": TREATMENT_ONLY,
    "referrals:shared_outcome": TREATMENT_ONLY,
    # --- the living assessment and instrument readings (ASM-1 to ASM-7) -----------------------
    "assessments:overview": ASSESSMENT,
    "assessments:section": ASSESSMENT,
    "assessments:versions": ASSESSMENT,
    "assessments:version": ASSESSMENT,
    "assessments:child_new": ASSESSMENT,
    "assessments:child": ASSESSMENT,
    "assessments:escalation": ASSESSMENT,
    "assessments:instruments": ASSESSMENT,
    "assessments:reading": ASSESSMENT,
    "assessments:readings": ASSESSMENT,
    "assessments:reading_new": ASSESSMENT,
    # --- data subject rights (PAR-6) ----------------------------------------------------------
    "referrals:data_rights": DPO_ONLY,
    "referrals:person_data_rights": DPO_ONLY,
    "referrals:subject_access": DPO_ONLY,
    # The export is not made yet in this test: back to the request's page.
    "referrals:subject_access_download": rule(FORBIDDEN, data_protection_officer=REDIRECT),
    "referrals:subject_access_retry": POST_ONLY,
    # Correcting a person's details with the reason kept (PAR-6): the DPO, and the front door,
    # which keeps people's details up to date anyway.
    "referrals:rectify": rule(
        FORBIDDEN, data_protection_officer=OK, spoc_practitioner=OK, manager=OK, other_hub_manager=NOT_FOUND
    ),
    "referrals:processing_restriction": DPO_ONLY,
    # --- contacts, engagement, outreach and groups (PLN-3, PLN-4, PLN-6) ----------------------
    # A person's contacts: their worker, their hub's team (the manager); peer workers their own
    # people only; the front door, safeguarding, Treatment and commissioners never (403).
    "contacts:list": CONTACTS,
    "contacts:new": CONTACTS,
    "contacts:inactive": rule(
        FORBIDDEN, manager=OK, hub_worker=OK, other_hub_manager=NOT_FOUND, other_hub_worker=NOT_FOUND
    ),
    "contacts:reenter": POST_ONLY,
    # Outreach meets people not yet known: the front door and everyone doing casework.
    "contacts:outreach": OUTREACH,
    "contacts:outreach_contact_new": OUTREACH,
    "contacts:outreach_session_new": OUTREACH,
    # The world's outreach contact was met by Carlisle's hub worker: Carlisle's staff and the
    # front door (which links contacts to people) see it; Kendal's hub worker does not.
    "contacts:outreach_contact": rule(
        FORBIDDEN, **{**dict.fromkeys(OUTREACH_PERSONAS, OK), "other_hub_worker": NOT_FOUND}
    ),
    "contacts:naloxone_supply_new": rule(FORBIDDEN, **dict.fromkeys(CASEWORK_PERSONAS, OK)),
    # Groups are a hub's: its staff; hub workers and managers set them up.
    "contacts:groups": rule(FORBIDDEN, **dict.fromkeys(CASEWORK_PERSONAS, OK)),
    "contacts:group_new": rule(FORBIDDEN, manager=OK, other_hub_manager=OK, hub_worker=OK, other_hub_worker=OK),
    "contacts:group": CARLISLE_GROUP,
    "contacts:group_session": CARLISLE_GROUP,
    # --- recovery plans (PLN-1, PLN-2) --------------------------------------------------------
    # Read by hub workers, managers and peer workers for the people on their caseload (the
    # world's person is the Carlisle hub worker's, so the peer worker gets 404); written by hub
    # workers and managers (a peer worker is refused before any lookup).
    "recovery_plans:overview": PLAN_READ,
    "recovery_plans:earlier": PLAN_READ,  # any plan of the person's, by its number
    "recovery_plans:print": PLAN_READ,
    "recovery_plans:new": PLAN_WRITE,
    "recovery_plans:agreement": PLAN_WRITE,
    "recovery_plans:goal_new": PLAN_WRITE,
    "recovery_plans:need_new": PLAN_WRITE,
    "recovery_plans:risk_new": PLAN_WRITE,
    "recovery_plans:action_new": PLAN_WRITE,
    "recovery_plans:review": PLAN_WRITE,
    "recovery_plans:goal_achieved": POST_ONLY,
    # PLN-2: reviews and actions due on the user's own caseload (a manager: their hub's).
    "recovery_plans:due": rule(
        FORBIDDEN, manager=OK, other_hub_manager=OK, hub_worker=OK, other_hub_worker=OK, peer_worker=OK
    ),
    "recovery_plans:action_done": POST_ONLY,
    # --- the directory of local services (PLN-5) ------------------------------------------------
    "recovery_plans:directory": rule(
        FORBIDDEN,
        spoc_practitioner=OK,
        manager=OK,
        other_hub_manager=OK,
        hub_worker=OK,
        other_hub_worker=OK,
        peer_worker=OK,
    ),
    "recovery_plans:directory_new": DIRECTORY_MANAGE,
    "recovery_plans:directory_edit": DIRECTORY_MANAGE,
    # --- quarterly reports (RPT-1, RPT-5) ----------------------------------------------------------
    # Managers run, preview and publish (any hub: reports are about the whole service); the
    # world's version is published, so commissioners download it, and see nothing else.
    "reporting:archive": rule(FORBIDDEN, manager=OK, other_hub_manager=OK, commissioner=OK),
    "reporting:runs": REPORT_RUNNING,
    "reporting:run_new": REPORT_RUNNING,
    "reporting:run": REPORT_RUNNING,
    "reporting:run_retry": POST_ONLY,
    "reporting:version": REPORT_RUNNING,
    "reporting:version_publish": REPORT_RUNNING,
    "reporting:version_pdf": rule(FORBIDDEN, manager=OK, other_hub_manager=OK, commissioner=OK),
    "reporting:version_file": rule(FORBIDDEN, manager=OK, other_hub_manager=OK, commissioner=OK),
    # --- the dashboards (RPT-6): counts only, no record behind them ---------------------------
    "reporting:dashboard_equity": DASHBOARDS,
    "reporting:dashboard_disengagement": DASHBOARDS,
    # --- safeguarding: notifications to councils and incidents (SAF-1, SAF-3, SAF-6, §3.29) ---
    # The safeguarding lead and every manager (the service's governance, not a hub's casework);
    # everyone else 403 before any lookup.
    **dict.fromkeys(
        [
            "safeguarding:notifications",
            "safeguarding:notifications_overdue",
            "safeguarding:notification",
            "safeguarding:notification_sent",  # the world's notification is not yet sent
            "safeguarding:incident_registers",
            "safeguarding:incident_list",
            "safeguarding:incident_new",
            "safeguarding:incident",
            "safeguarding:incident_edit",
            "safeguarding:incident_action_new",
        ],
        INCIDENTS,
    ),
    "safeguarding:incident_action_done": POST_ONLY,
    # --- safeguarding concerns (SAF-1) ----------------------------------------------------------
    "safeguarding:overview": rule(FORBIDDEN, safeguarding_lead=OK),
    "safeguarding:person_concerns": CONCERN,
    # Peer workers raise concerns too (about their own people: the world's person is not theirs).
    "safeguarding:concern_new": {**CONCERN, "peer_worker": NOT_FOUND},
    "safeguarding:concern": CONCERN,
    "safeguarding:concern_edit": CONCERN,
    "safeguarding:concern_status": CONCERN,
    "safeguarding:concern_referral": CONCERN,
    "safeguarding:concern_action_new": CONCERN,
    "safeguarding:concern_action_done": POST_ONLY,
    "safeguarding:concern_meeting_new": CONCERN,
    # Sharing a concern with the Treatment Service, and stopping: those who work on concerns.
    "safeguarding:concern_share": CONCERN,
    "safeguarding:concern_share_withdraw": CONCERN,
    # --- the chronology (SAF-2) -----------------------------------------------------------------
    "safeguarding:chronology": CONCERN,
    "safeguarding:chronology_mark": CONCERN,
    "safeguarding:chronology_summary_new": CONCERN,
    "safeguarding:chronology_pdf": CONCERN,
    # --- complaints and compliments (SAF-4): managers; the public form for anyone ------------
    "safeguarding_public:form": PUBLIC,
    "safeguarding_public:done": rule(REDIRECT, anonymous=REDIRECT),  # nothing sent: back to the form
    "safeguarding:complaints": COMPLAINT_LISTS,
    "safeguarding:complaint_new": COMPLAINT_LISTS,
    "safeguarding:complaint": THE_COMPLAINT,
    "safeguarding:complaint_edit": THE_COMPLAINT,
    "safeguarding:complaint_stage_assign": THE_COMPLAINT,
    "safeguarding:complaint_escalate": THE_COMPLAINT,
    "safeguarding:complaint_response": THE_COMPLAINT,
    "safeguarding:complaint_response_approve": POST_ONLY,
    "safeguarding:complaint_response_send": THE_COMPLAINT,
    "safeguarding:complaint_close": THE_COMPLAINT,
    "safeguarding:complaint_withdraw": THE_COMPLAINT,
    # --- drug alerts (SAF-5): everyone who meets people reads them; managers and the lead issue --
    "safeguarding:drug_alerts": RECORDING,
    "safeguarding:drug_alert_new": rule(FORBIDDEN, manager=OK, other_hub_manager=OK, safeguarding_lead=OK),
    "safeguarding:drug_alert": rule(NOT_FOUND, **dict.fromkeys(RECORDING_PERSONAS, OK)),
    "safeguarding:drug_alert_acknowledge": POST_ONLY,
    "safeguarding:drug_alert_withdraw": rule(
        NOT_FOUND,
        **{
            **dict.fromkeys(RECORDING_PERSONAS, FORBIDDEN),
            **dict.fromkeys(["manager", "other_hub_manager", "safeguarding_lead"], OK),
        },
    ),
}

SKIPPED = {
    "set_language": "Django's language switch (i18n internals): POST only, no record behind it.",
}
SKIPPED_PREFIXES = {
    "admin/": "The Django admin: staff and superusers only, by Django's own check.",
}


# --- Walking the URL patterns ---------------------------------------------------------------


@dataclass
class Page:
    name: str
    route: str
    kwargs: tuple[str, ...]


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part) or None
            yield from _walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield Page(name=name or "", route=route, kwargs=tuple(pattern.pattern.regex.groupindex))


def every_page() -> list[Page]:
    pages = []
    for page in _walk(get_resolver().url_patterns):
        if any(page.route.startswith(prefix) for prefix in SKIPPED_PREFIXES) or page.name in SKIPPED:
            continue
        pages.append(page)
    return pages


# --- The world every URL is built from ----------------------------------------------------------


@dataclass
class World:
    referral: Referral
    person: object
    consent: Consent
    treatment_referral: object
    onward_referral: OnwardReferral
    subject_access_request: object
    # The peer worker's own allocation (so their 404s are about this record, not an empty
    # caseload), and someone known to ERS but shared with no other organisation.
    peer_referral: Referral | None = None
    unshared_person: object = None
    # Carlisle's: an outreach contact met by its hub worker, a group and one of its sessions.
    outreach_contact: object = None
    group: object = None
    group_session: object = None
    # The person's current recovery plan, a goal and an action on it, and a directory entry.
    plan_ids: dict | None = None
    # The person's assessment: a section with a version, a child, an AUDIT-C reading.
    section_version: int = 0
    child: object = None
    reading: object = None
    # A published version of a quarterly report (reporting), and the run that built it.
    report: object = None
    # Safeguarding (issue 11): a serious incident about the person and its notification.
    safeguarding_b: dict | None = None
    # A safeguarding concern about the person (a child in the household at risk), one action on
    # it, and the chronology's name for the concern's first timeline entry.
    concern: object = None
    concern_action: object = None
    entry_key: str = ""
    # The concern shared with the Treatment Service (the person's record is shared with it).
    concern_share: object = None
    # Safeguarding (issue 11): a complaint from the public form and a live drug alert.
    complaint: object = None
    drug_alert: object = None

    def kwargs(self, page: Page) -> dict:
        values = {
            "reference": self.referral.reference,
            "person_ref": self.person.reference,
            "consent_pk": self.consent.pk,
            "treatment_ref": self.treatment_referral.reference,
            "sar_ref": self.subject_access_request.reference,
            "uidb64": "MQ",
            "token": "not-a-real-token",
            "section": "needs",
            "history_id": self.section_version,
            "child_pk": getattr(self.child, "pk", 0),
            "instrument": "audit-c",
            "concern_ref": getattr(self.concern, "reference", "SG-22222222"),
            "action_pk": getattr(self.concern_action, "pk", 0),
            "share_pk": getattr(self.concern_share, "pk", 0),
            "entry_key": self.entry_key or "safeguarding-0-0",
            "complaint_ref": getattr(self.complaint, "reference", ""),
            "alert_ref": getattr(self.drug_alert, "reference", ""),
            **(self.plan_ids or {}),
            **(
                {
                    "run_id": self.report.run_id,
                    "quarter": self.report.quarter,
                    "scope": self.report.scope,
                    "number": self.report.number,
                    "name": "referrals_by_council.csv",
                }
                if self.report is not None
                else {}
            ),
            **(self.safeguarding_b or {}),
        }
        # An onward referral is still named by its number under its referral's reference.
        values.update(
            {
                "referrals:onward_outcome": {"pk": self.onward_referral.pk},
                "assessments:reading": {"pk": getattr(self.reading, "pk", 0)},
                "contacts:outreach_contact": {
                    "outreach_ref": getattr(self.outreach_contact, "reference", "OC-22222222")
                },
                "contacts:group": {"pk": getattr(self.group, "pk", 0)},
                "contacts:group_session": {"pk": getattr(self.group_session, "pk", 0)},
            }.get(page.name, {})
        )
        missing = set(page.kwargs) - set(values)
        assert not missing, f"{page.name}: teach World.kwargs how to fill {sorted(missing)}"
        return {key: values[key] for key in page.kwargs}


@pytest.fixture
def world(
    spoc_practitioner,
    manager,
    other_hub_manager,
    hub,
    other_hub,
    hub_worker,
    other_hub_worker,
    peer_worker,
    safeguarding_lead,
    treatment_practitioner,
    commissioner,
    data_protection_officer,
    outsider,
    treatment_org,
) -> Iterator[World]:
    spoc = spoc_practitioner
    referral = ReferralFactory(
        subject_given_name=GIVEN,
        subject_family_name=FAMILY,
        subject_date_of_birth=DATE_OF_BIRTH,
        subject_nhs_number=NHS_NUMBER,
    )
    person = services.person_create_from_referral(referral=referral, by=spoc)
    triage_services.triage_save_screening(
        referral=referral, by=spoc, council_of_residence="cumberland", risk=Triage.Risk.GREEN
    )
    triage_services.triage_complete(referral=referral, by=spoc, outcome=Triage.Outcome.BOTH)
    allocation_services.referral_allocate(referral=referral, hub=hub, worker=hub_worker, by=spoc)
    consent = consent_record(person=person, by=spoc, recipient=Consent.Recipient.TREATMENT, given=True)
    treatment_referral = referral.treatment_referrals.get()
    services_treatment.treatment_referral_send(
        treatment_referral=treatment_referral, by=spoc, organisation=treatment_org, consent=consent
    )
    onward = services_onward.onward_referral_record(
        referral=referral, by=spoc, service_type=OnwardReferral.ServiceType.HOUSING, organisation_name="Housing Options"
    )
    sar = data_rights.subject_access_request_create(
        person=person, by=data_protection_officer, request_reference="SAR-1", reason="Asked in writing"
    )
    referral.refresh_from_db()
    peer_referral = ReferralFactory(subject_given_name="Robin", subject_family_name="Peerless")
    unshared_person = services.person_create_from_referral(referral=peer_referral, by=spoc)
    triage_services.triage_save_screening(referral=peer_referral, by=spoc, council_of_residence="cumberland")
    triage_services.triage_complete(referral=peer_referral, by=spoc, outcome=Triage.Outcome.ERS)
    allocation_services.referral_allocate(referral=peer_referral, hub=hub, worker=peer_worker, by=spoc)
    peer_referral.refresh_from_db()
    outreach_contact = outreach_services.outreach_contact_record(by=hub_worker, location="Market Square", engaged=False)
    group = group_services.group_create(by=hub_worker, name="Pre-detox group", kind="pre_detox")
    group_session = group_services.group_session_create(
        group=group, by=hub_worker, starts_at=referral.received_at, duration_minutes=60
    )
    plan = plan_services.plan_create(person=person, by=hub_worker, review_due=dt.date.today() + dt.timedelta(days=28))
    goal = plan_services.plan_goal_add(plan=plan, by=hub_worker, in_own_words="Get back to work")
    action = plan_services.plan_action_add(
        plan=plan, by=hub_worker, description="Book a GP appointment", owner="person", target_date=dt.date.today()
    )
    entry = directory_services.directory_entry_create(by=manager, name="Recovery café", kind="activity", offer="Tea")
    plan_ids = {"plan_pk": plan.pk, "goal_pk": goal.pk, "action_pk": action.pk, "entry_pk": entry.pk}
    needs = assessment_section_save(person=person, key="needs", values={"needs": "Housing"}, by=hub_worker).section
    child = child_save(person=person, child=None, values={"age": 6}, by=hub_worker)
    audit_c = registry().get("audit-c")
    answers = {item.id: item.options[0].value for item in audit_c.items}
    reading = reading_record(person=person, definition=audit_c, answers=answers, by=hub_worker)
    incident = incident_services.incident_record(
        model=SeriousIncident,
        by=safeguarding_lead,
        seriousness="serious",
        category="harm_safeguarding",
        incident_type="serious_injury",
        occurred_at=referral.received_at,
        known_at=referral.received_at,
        description="A fall at the hub",
        person=person,
    )
    notification = Notification.objects.filter(subject_id=incident.pk).first()
    safeguarding_b = {
        "kind": "serious-incidents",
        "record_ref": incident.reference,
        "notification_ref": notification.reference,
    }
    concern = concern_raise(
        person=person,
        by=hub_worker,
        category="neglect",
        at_risk="child_in_household",
        child=child,
        risk_level="medium",
        summary="Not collected from school",
    )
    concern_action = concern_action_add(
        concern=concern, by=hub_worker, description="Call the school", due_on=dt.date.today(), owner=hub_worker
    )
    concern_share = concern_sharing.concern_share(
        concern=concern, organisation=treatment_org, lawful_basis="safeguarding", reason="Prescriber", by=hub_worker
    )
    raised = next(
        chronology.entries(person=person, user=safeguarding_lead, filters=chronology.Filters(kinds=["safeguarding"]))
    )
    complaint = public_complaint()
    drug_alert = drug_alert_issue(
        by=manager,
        title="Strong batch",
        grade="urgent",
        substance="Heroin",
        area="Carlisle",
        what_seen="Overdoses",
        advice="Carry naloxone",
        source="ldis",
    )
    yield World(
        referral,
        person,
        consent,
        treatment_referral,
        onward,
        sar,
        peer_referral,
        unshared_person,
        outreach_contact=outreach_contact,
        group=group,
        group_session=group_session,
        plan_ids=plan_ids,
        section_version=current_version(needs),
        child=child,
        reading=reading,
        report=stored_version(by=manager),
        safeguarding_b=safeguarding_b,
        concern=concern,
        concern_action=concern_action,
        entry_key=raised.key,
        concern_share=concern_share,
        complaint=complaint,
        drug_alert=drug_alert,
    )
    # The drug-alert banner keeps the live alerts in memory (safeguarding.alerts), which outlives
    # this test's database: no other test may see this world's alert.
    live_alerts_known_empty()


def _outcome(response):
    if response.status_code == 302 and response.url.startswith(reverse("login")):
        return SIGN_IN
    return response.status_code


def _get_as(client, request, persona: str, url: str):
    client.logout()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    return client.get(url)


# --- The tests ------------------------------------------------------------------------------------


def test_every_page_has_a_name_and_an_entry_in_the_matrix():
    pages = every_page()
    unnamed = [page.route for page in pages if not page.name]
    assert not unnamed, f"Pages without a URL name: {unnamed}"
    missing = sorted({page.name for page in pages} - set(EXPECTED))
    assert not missing, f"New page without a permission check in the matrix: {missing}"
    stale = sorted(set(EXPECTED) - {page.name for page in pages})
    assert not stale, f"Matrix entries for pages that no longer exist: {stale}"


def test_every_page_answers_every_persona_as_the_matrix_says(client, request, world):
    wrong = []
    for page in every_page():
        expected = EXPECTED.get(page.name)
        if expected is None:
            continue  # reported by the test above
        url = reverse(page.name, kwargs=world.kwargs(page))
        for persona in PERSONAS:
            got = _outcome(_get_as(client, request, persona, url))
            if got != expected[persona]:
                wrong.append(f"{page.name} as {persona}: expected {expected[persona]}, got {got}")
    assert not wrong, "\n".join(wrong)


def test_commissioners_get_nothing_personal_anywhere(client, commissioner, world):
    """§3.23 footnote 32: anonymised aggregate reports only."""
    client.force_login(commissioner)
    personal = [GIVEN, FAMILY, NHS_NUMBER, "943 476 5919", DATE_OF_BIRTH.strftime("%-d %B %Y"), "23 Apr 1987"]
    reached = 0
    for page in every_page():
        response = client.get(reverse(page.name, kwargs=world.kwargs(page)), follow=True)
        if response.status_code != 200:
            continue
        reached += 1
        content = response.content.decode()
        leaked = [value for value in personal if value in content]
        assert not leaked, f"{page.name} shows a commissioner {leaked}"
    assert reached  # at least home and the public pages


def test_a_hub_worker_in_another_hub_gets_not_found_for_a_referral_allocated_elsewhere(client, other_hub_worker, world):
    client.force_login(other_hub_worker)
    for name in ["referrals:detail", "referrals:history", "referrals:appointment"]:
        assert client.get(reverse(name, args=[world.referral.reference])).status_code == NOT_FOUND, name
    assert client.get(reverse("referrals:person", args=[world.person.reference])).status_code == NOT_FOUND


def test_reallocation_within_the_hub_leaves_the_hub_team_able_to_read_it(
    client, spoc_practitioner, hub, hub_worker, manager, world
):
    detail = reverse("referrals:detail", args=[world.referral.reference])
    client.force_login(hub_worker)
    allocation_services.referral_reallocate(
        referral=world.referral, hub=hub, worker=manager, by=spoc_practitioner, reason="Caseload balancing"
    )
    assert client.get(detail).status_code == OK  # still in the Carlisle hub team
    assert world.referral.reference not in client.get(reverse("referrals:caseload")).content.decode()


def test_reallocation_to_another_hub_revokes_the_old_workers_access_at_once(
    client, spoc_practitioner, other_hub, other_hub_worker, hub_worker, world
):
    detail = reverse("referrals:detail", args=[world.referral.reference])
    person = reverse("referrals:person", args=[world.person.reference])
    client.force_login(hub_worker)
    assert client.get(detail).status_code == OK
    allocation_services.referral_reallocate(
        referral=world.referral, hub=other_hub, worker=other_hub_worker, by=spoc_practitioner, reason="Moved"
    )
    assert client.get(detail).status_code == NOT_FOUND
    assert client.get(person).status_code == NOT_FOUND
    client.force_login(other_hub_worker)
    assert client.get(detail).status_code == OK
    assert client.get(person).status_code == OK


# Pages about a referral or a person that show nothing from the record, so they log nothing.
NOT_A_VIEW_OF_THE_RECORD = {
    "referrals:break_glass": "Shows the reference only; the opening itself is logged as BREAK_GLASS.",
    "referrals:subject_access_download": "Logs as an export when there is a file (none made in this test).",
    "contacts:outreach_contact": (
        "Someone met on outreach, not linked to a person here; logged naming the person once linked "
        "(tests/recovery_plans/test_outreach.py)."
    ),
    "contacts:group": "A hub's group and its sessions: names no one.",
    "contacts:group_session": "Logs one row naming the people whose attendance it lists (none in this world).",
}


def test_every_referral_and_person_page_writes_an_access_log_row(client, request, world):
    """SEC-2: every GET of a page about this referral or person, by someone allowed to see it,
    adds a row naming the user and the person."""
    unlogged = []
    for page in every_page():
        expected = EXPECTED[page.name]
        about_a_record = {"reference", "pk", "person_ref"} & set(page.kwargs)
        if not about_a_record or page.name in NOT_A_VIEW_OF_THE_RECORD:
            continue
        allowed = [persona for persona in STAFF if expected[persona] == OK]
        url = reverse(page.name, kwargs=world.kwargs(page))
        for persona in allowed:
            before = AccessLog.objects.count()
            user = request.getfixturevalue(persona)
            _get_as(client, request, persona, url)
            rows = AccessLog.objects.filter(user=user).order_by("-pk")[: AccessLog.objects.count() - before]
            if not any(row.person_id == world.person.pk for row in rows):
                unlogged.append(f"{page.name} as {persona}")
    assert not unlogged, "Pages viewed without an access-log row:\n" + "\n".join(unlogged)


# List pages that show people's names, with the query that makes them list someone.
LIST_PAGES = {
    "referrals:queue": {},
    "referrals:caseload": {},
    "referrals:hub_caseload": {},
    "referrals:my_work": {},
    "referrals:shared_people": {},
    "referrals:data_rights": {"q": FAMILY},
}
# Searches that take personal data are posted, never put in the URL.
POSTED_SEARCHES = {"referrals:data_rights"}


def test_every_list_page_writes_one_access_log_row_naming_the_people_shown(client, request, world):
    """SEC-2: each GET of a list page, by someone allowed to use it, adds exactly one row, and
    it names the person exactly when their name was on the page."""
    wrong = []
    for name, query in LIST_PAGES.items():
        allowed = [persona for persona in STAFF if EXPECTED[name][persona] == OK]
        assert allowed, name
        for persona in allowed:
            user = request.getfixturevalue(persona)
            before = AccessLog.objects.filter(user=user).count()
            client.logout()
            client.force_login(user)
            send = client.post if name in POSTED_SEARCHES else client.get
            response = send(reverse(name), query)
            rows = list(AccessLog.objects.filter(user=user).order_by("-pk")[: AccessLog.objects.count()])
            new = rows[: len(rows) - before]
            shown = FAMILY in response.content.decode()
            named = [set(row.subjects.values_list("person_id", flat=True)) for row in new]
            if len(new) != 1 or new[0].object_id != 0 or (world.person.pk in named[0]) != shown:
                wrong.append(f"{name} as {persona}: {len(new)} rows, naming {named}, name shown: {shown}")
    assert not wrong, "List pages logged wrongly:\n" + "\n".join(wrong)
