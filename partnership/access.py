"""The one place that decides what a member of staff may do, by role.

Deny by default: a user with no membership, or a role not named here, may do nothing.
Object-level grants (django-guardian) build on these roles: ``partnership.grants`` decides who
holds which, and the selectors filter by them. Every screen asks these functions, never
``user.membership.role`` directly.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from partnership.models import Membership, Role

FRONT_DOOR_ROLES = frozenset({Role.SPOC_PRACTITIONER, Role.MANAGER})
CASEWORK_ROLES = frozenset({Role.HUB_WORKER, Role.PEER_WORKER})
ALLOCATABLE_ROLES = frozenset({Role.HUB_WORKER, Role.PEER_WORKER, Role.MANAGER})


def membership_of(user) -> Membership | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def role_of(user) -> str | None:
    membership = membership_of(user)
    return membership.role if membership else None


def can_work_front_door(user) -> bool:
    """SPOC practitioners and managers take in, triage and allocate each referral (REF-1, REF-5)."""
    return role_of(user) in FRONT_DOOR_ROLES


# No wrong door: everyone on staff who meets people, wherever they meet them (a recovery hub, a
# partner venue, outreach, the Treatment Service), records a referral straight into the SPOC
# queue. Recording gives no access to the queue or to the referral afterwards. Commissioners
# see no personal data and the data protection officer does not meet people: neither records.
REFERRAL_RECORDING_ROLES = FRONT_DOOR_ROLES | {
    Role.HUB_WORKER,
    Role.PEER_WORKER,
    Role.SAFEGUARDING_LEAD,
    Role.TREATMENT_PRACTITIONER,
}


def can_record_referral(user) -> bool:
    """Any member of staff who works with people may record a referral into the SPOC queue."""
    return role_of(user) in REFERRAL_RECORDING_ROLES


def sees_allocated_caseload(user) -> bool:
    """Hub and peer workers see the work allocated to them."""
    return role_of(user) in CASEWORK_ROLES


def can_run_subject_access(user) -> bool:
    """PAR-6: only the data protection officer runs subject access requests, restricts
    processing and exports records for another provider (PAR-7)."""
    return role_of(user) == Role.DATA_PROTECTION_OFFICER


def can_rectify_person(user) -> bool:
    """PAR-6: the data protection officer and the front door correct a person's details."""
    return can_run_subject_access(user) or can_work_front_door(user)


def works_for_treatment_service(user) -> bool:
    """Treatment Service practitioners see only people shared with their organisation (SEC-1)."""
    return role_of(user) == Role.TREATMENT_PRACTITIONER


# --- The access model (SEC-1, SEC-2, PAR-1) -------------------------------------------------
# Roles decide which pages someone may use; object grants (partnership.grants) decide which
# records those pages show them. These predicates are the role half.

# Hub workers and managers see every referral allocated to their hub (the "hub" group in
# partnership.grants); peer workers only the people allocated to them.
HUB_TEAM_ROLES = frozenset({Role.HUB_WORKER, Role.MANAGER})
# Everyone who works on referral pages at all: the front door and caseworkers.
REFERRAL_PAGE_ROLES = FRONT_DOOR_ROLES | CASEWORK_ROLES
# Risk reasons and notes, screening notes and escalations: never for peer support workers or
# volunteers (REQUIREMENTS roles table: "no safeguarding detail").
SAFEGUARDING_DETAIL_ROLES = frozenset({Role.SPOC_PRACTITIONER, Role.HUB_WORKER, Role.MANAGER, Role.SAFEGUARDING_LEAD})
RESTRICTING_ROLES = frozenset({Role.MANAGER, Role.SAFEGUARDING_LEAD})
ACCESS_LOG_ROLES = frozenset({Role.MANAGER, Role.DATA_PROTECTION_OFFICER})
# Who may give an organisation access to a person's record (PAR-2): ERS staff who work with
# people, the safeguarding lead and the data protection officer. Withdrawing access is open to
# any member of staff, so a withdrawal of consent is never held up (PAR-2: "honoured immediately").
SHARING_ROLES = REFERRAL_PAGE_ROLES | {Role.SAFEGUARDING_LEAD, Role.DATA_PROTECTION_OFFICER}


def sees_referral_pages(user) -> bool:
    """The referral page and its history: the front door and caseworkers (which records is
    the selectors' business). Treatment, commissioners, the safeguarding lead (until the
    safeguarding pages) and anyone without a membership see none."""
    return role_of(user) in REFERRAL_PAGE_ROLES


# Managers are at the front door across every hub (the queue, triage, allocating referrals not
# yet allocated, the duplicate check), but their casework reach is their own hub's ("everything
# in their hub"): another hub's allocated referrals, its people and their consent pages are
# not theirs to open. SPOC practitioners, who take every re-referral, open every record.
EVERY_HUBS_CASEWORK_ROLES = frozenset({Role.SPOC_PRACTITIONER})


def sees_every_hubs_casework(user) -> bool:
    """Opens any referral and person (restrictions aside): SPOC practitioners only. Managers
    reach front-door work everywhere and casework in their own hub (the selectors apply it)."""
    return role_of(user) in EVERY_HUBS_CASEWORK_ROLES


def sees_hub_caseload(user) -> bool:
    """Hub workers and managers see their hub's allocated caseload as well as their own."""
    membership = membership_of(user)
    return membership is not None and membership.role in HUB_TEAM_ROLES and membership.hub_id is not None


def sees_safeguarding_detail(user) -> bool:
    """Peer support workers and volunteers never see safeguarding detail (roles table)."""
    return role_of(user) in SAFEGUARDING_DETAIL_ROLES


def sees_every_restricted_record(user) -> bool:
    """The safeguarding lead has routine access to restricted records (no break-glass)."""
    return role_of(user) == Role.SAFEGUARDING_LEAD


def can_restrict_records(user) -> bool:
    """Managers and the safeguarding lead mark a referral restricted, or lift it."""
    return role_of(user) in RESTRICTING_ROLES


def can_break_glass(user) -> bool:
    """Only the front door may open a restricted referral outside routine access, with a
    reason that is logged; caseworkers see only what is allocated to them or their hub."""
    return can_work_front_door(user)


def can_search_access_log(user) -> bool:
    """SEC-2: managers and the data protection officer answer "who looked at this person?"."""
    return role_of(user) in ACCESS_LOG_ROLES


def can_share_records(user) -> bool:
    """May give another organisation access to a person's record (see SHARING_ROLES)."""
    return role_of(user) in SHARING_ROLES


# --- Worklists (§3.2.6, PAR-2, PAR-6) --------------------------------------------------------


def sees_front_door_worklists(user) -> bool:
    """Referrals to the Treatment Service not yet sent, consent reviews due and referrals near
    or past their target: the front door's work, so SPOC practitioners and managers."""
    return can_work_front_door(user)


def sees_subject_access_deadlines(user) -> bool:
    """PAR-6: subject access requests against their one-month deadline. The data protection
    officer answers them, so only they see this list (it names the people who asked)."""
    return can_run_subject_access(user)


def sees_worklists(user) -> bool:
    return sees_front_door_worklists(user) or sees_subject_access_deadlines(user)


# --- Safeguarding and restriction detail: the one rule for fields (roles table, SEC-1) -----
# Some fields say more than the record they sit on: why someone is at risk, what was said at
# screening, why a basis other than consent was used, why a record is restricted. Which fields
# those are is declared once (apps register them from ``AppConfig.ready()``, the way they add
# menu items: partnership imports no app of ours); who may see each kind is decided here.
# Every page, history view and export asks ``may_see``, so a field declared here is hidden
# everywhere at once.


class Detail(enum.Enum):
    # Risk reasons and notes, screening notes, escalations, the note explaining a basis other
    # than consent: never for peer support workers or volunteers, nor for another organisation.
    SAFEGUARDING = "safeguarding"
    # Why a record is restricted (access, or processing): for those who restrict and lift,
    # the safeguarding lead and the data protection officer; its existence is shown, the why is not.
    RESTRICTION = "restriction"


class Audience(enum.Enum):
    """Who reads an export, where it is not a member of staff at a screen."""

    # A subject access export: everything held on the person (the data protection officer
    # reviews it before release).
    DATA_SUBJECT = "data_subject"
    # An incoming provider taking over the service (§4.5.1): the whole record, to carry on.
    INCOMING_PROVIDER = "incoming_provider"
    # Another organisation, such as the Treatment Service: never safeguarding or restriction
    # detail beyond the minimum dataset sent to it (PAR-3).
    PARTNER_ORGANISATION = "partner_organisation"


RESTRICTION_DETAIL_ROLES = RESTRICTING_ROLES | {Role.DATA_PROTECTION_OFFICER}
WHOLE_RECORD = "*"
_detail: dict[tuple[str, str], Detail] = {}


def detail_register(*, model: str, kind: Detail, fields: Iterable[str] = (WHOLE_RECORD,)) -> None:
    """Declare ``fields`` of ``model`` ("app_label.modelname") as ``kind`` of detail; no
    fields: the whole record is. Registering again replaces the entry."""
    for name in fields:
        _detail[(model, name)] = kind


def detail_of(model: str, field: str = WHOLE_RECORD) -> Detail | None:
    """What kind of detail a field (or a whole record) is, or None for an ordinary one."""
    return _detail.get((model, WHOLE_RECORD)) or _detail.get((model, field))


def sees_detail(viewer, kind: Detail) -> bool:
    """Whether ``viewer`` (a user, or an export's ``Audience``) may see ``kind`` of detail."""
    if isinstance(viewer, Audience):
        return viewer is not Audience.PARTNER_ORGANISATION
    if kind is Detail.SAFEGUARDING:
        return sees_safeguarding_detail(viewer)
    return role_of(viewer) in RESTRICTION_DETAIL_ROLES


def may_see(viewer, model: str, field: str = WHOLE_RECORD) -> bool:
    """The one question every page, history view and export asks of a field it shows."""
    kind = detail_of(model, field)
    return kind is None or sees_detail(viewer, kind)


# What another organisation sees of a record that is detail as a whole (a safeguarding concern)
# once that record was shared with it on a recorded basis (the Treatment Service's shared
# record page and a records export for it): these fields, by model, and nothing else. Apps
# declare them beside their detail (``shared_detail_register``); a record never shared shows none.
_shared_detail: dict[str, frozenset[str]] = {}


def shared_detail_register(*, model: str, fields: Iterable[str]) -> None:
    _shared_detail[model] = frozenset(fields)


def may_see_shared(viewer, model: str, field: str = WHOLE_RECORD) -> bool:
    """``may_see`` for a record shared with the viewer's organisation: also the fields declared
    for it with ``shared_detail_register`` (and the record itself, when any are)."""
    if may_see(viewer, model, field):
        return True
    shown = _shared_detail.get(model, frozenset())
    return bool(shown) if field == WHOLE_RECORD else field in shown


def hidden_fields(viewer, model: str, fields: Iterable[str]) -> frozenset[str]:
    """Of ``fields`` of ``model``, those ``viewer`` may not see."""
    return frozenset(name for name in fields if not may_see(viewer, model, name))


# --- Recovery plans and the directory (PLN-1, PLN-2, PLN-5) ----------------------------------
# Hub workers and managers write plans with the person; peer workers read the plans of the
# people allocated to them (never their risks: Detail.SAFEGUARDING). Which people is the
# selectors' business (the same grants as the caseload).
PLAN_WRITING_ROLES = frozenset({Role.HUB_WORKER, Role.MANAGER})
PLAN_READING_ROLES = PLAN_WRITING_ROLES | {Role.PEER_WORKER}
# Everyone who points people to local services reads the directory; hub staff keep it.
DIRECTORY_READING_ROLES = PLAN_READING_ROLES | {Role.SPOC_PRACTITIONER}


def sees_recovery_plans(user) -> bool:
    return role_of(user) in PLAN_READING_ROLES


def can_write_recovery_plans(user) -> bool:
    return role_of(user) in PLAN_WRITING_ROLES


def sees_directory(user) -> bool:
    return role_of(user) in DIRECTORY_READING_ROLES


def can_manage_directory(user) -> bool:
    """PLN-5: managers and hub workers keep the directory of local services up to date."""
    return role_of(user) in PLAN_WRITING_ROLES


# --- Reports for commissioners (RPT-1, RPT-5, RPT-6) -----------------------------------------
# Managers build, preview and publish the quarterly reports; commissioners read only what has
# been published, and never a person (RPT-4). The dashboards are for managers, and commissioners
# see them too, through the same disclosure step as the reports.
REPORT_RUNNING_ROLES = frozenset({Role.MANAGER})
PUBLISHED_REPORT_ROLES = frozenset({Role.COMMISSIONER, Role.MANAGER})
DASHBOARD_ROLES = frozenset({Role.MANAGER, Role.COMMISSIONER})


def can_run_reports(user) -> bool:
    """RPT-1: run a quarter's report on demand, preview it and publish it."""
    return role_of(user) in REPORT_RUNNING_ROLES


def sees_published_reports(user) -> bool:
    """RPT-5: the archive of published reports, their PDFs and CSVs."""
    return role_of(user) in PUBLISHED_REPORT_ROLES


def sees_dashboards(user) -> bool:
    """RPT-6: the equity and disengagement-risk dashboards."""
    return role_of(user) in DASHBOARD_ROLES


def sees_exact_dashboard_figures(user) -> bool:
    """Managers work inside the service and see exact counts; everyone else sees the disclosed
    figures (RPT-4)."""
    return role_of(user) in REPORT_RUNNING_ROLES


# --- Safeguarding: notifications to councils and incidents (issue 11, helper B) ------------
# SAF-1, SAF-3, SAF-6: serious incidents and near misses, deaths in service, non-fatal overdoses
# and data-security incidents are the service's governance, overseen by the safeguarding lead
# and the managers: they record them, see every one, and record notifications to councils as
# sent (and receive the escalations of overdue ones). Anyone who may see safeguarding detail
# may raise a notification (a significant concern raised by a recovery worker, say); peer
# workers, the Treatment Service, commissioners and the DPO neither see nor raise them.
INCIDENT_ROLES = frozenset({Role.SAFEGUARDING_LEAD, Role.MANAGER})


def sees_incidents(user) -> bool:
    """The incident registers (serious incidents, deaths, overdoses, data security)."""
    return role_of(user) in INCIDENT_ROLES


def can_record_incidents(user) -> bool:
    return role_of(user) in INCIDENT_ROLES


def sees_council_notifications(user) -> bool:
    """Notifications to councils with their clocks, and the overdue list."""
    return role_of(user) in INCIDENT_ROLES


def can_record_notifications_sent(user) -> bool:
    return role_of(user) in INCIDENT_ROLES


def can_raise_council_notifications(user) -> bool:
    return role_of(user) in INCIDENT_ROLES or sees_safeguarding_detail(user)


# --- Safeguarding concerns and the chronology (SAF-1, SAF-2; issue 11, helper A) -------------
# The named safeguarding lead (§3.15.8) sees and oversees every concern, whoever's caseload the
# person is on. Hub workers, managers and the front door see the concerns of the people they may
# open (the selectors apply the access model) and work on them. Peer support workers and
# volunteers may raise a concern about someone allocated to them (safeguarding is everyone's
# job, §3.15.1) but see no concern's detail afterwards; the Treatment Service, commissioners and
# the data protection officer's pages show none (the subject access export aside).
CONCERN_READING_ROLES = frozenset({Role.SPOC_PRACTITIONER, Role.HUB_WORKER, Role.MANAGER, Role.SAFEGUARDING_LEAD})
CONCERN_RAISING_ROLES = CONCERN_READING_ROLES | {Role.PEER_WORKER}


def sees_every_concern(user) -> bool:
    """SAF-1, §3.15.8: the safeguarding lead, over every concern in the service."""
    return role_of(user) == Role.SAFEGUARDING_LEAD


def sees_concerns(user) -> bool:
    """Reads and works on concerns (which ones: the selectors)."""
    return role_of(user) in CONCERN_READING_ROLES


def can_raise_concern(user) -> bool:
    return role_of(user) in CONCERN_RAISING_ROLES


def reads_whole_record_for_chronology(user) -> bool:
    """SAF-2, §3.15.8, §3.15.9: a chronology goes to case conferences and court, so it must be
    the whole record, not the part a role's pages show. The named safeguarding lead oversees
    every concern but holds no caseload: into the chronology of a person with a safeguarding
    concern recorded (the selector checks that, and logs the view), the lead reads every
    timeline source of the record. Only there: the lead opens no person record page, so every
    other page is as before. Everyone else's chronology shows what their own timeline shows."""
    return sees_every_concern(user)


# Sharing a concern with the Treatment Service on a recorded basis (SAF-1: "the Treatment Service
# sees no detail unless shared on a recorded basis"): those who work on concerns, never peer
# workers. The Treatment practitioner then sees that concern (``SHARED_CONCERN_FIELDS``) on the
# shared record, and nothing of the concerns not shared with their organisation.
CONCERN_SHARING_ROLES = frozenset({Role.SAFEGUARDING_LEAD, Role.MANAGER, Role.HUB_WORKER, Role.SPOC_PRACTITIONER})


def can_share_concerns(user) -> bool:
    """Shares a concern with a Treatment organisation the person's record is shared with, and
    withdraws the share (which concerns: those the user may work on, the services check)."""
    return role_of(user) in CONCERN_SHARING_ROLES


def sees_shared_concerns(user) -> bool:
    """Treatment Service practitioners see the concerns shared with their organisation."""
    return works_for_treatment_service(user)


def can_produce_chronology(user) -> bool:
    """SAF-2: the chronology reads as much of the record as the user's own timeline shows them,
    plus the concerns; produced by those who work on concerns."""
    return role_of(user) in CONCERN_READING_ROLES


# --- Safeguarding: complaints and compliments (SAF-4) and drug alerts (SAF-5) ---------------
# Complaints are handled by managers (§3.17.4: local resolution by the hub manager, then a
# formal investigation by the service manager); a response is approved by a manager other than
# the one who drafted it. Drug alerts reach everyone on staff who meets people (the banner),
# and are issued, withdrawn and followed up (who has read them) by managers and the
# safeguarding lead, who sits on the Local Drug Information System panel (§3.26.6).
COMPLAINT_ROLES = frozenset({Role.MANAGER})
DRUG_ALERT_ISSUING_ROLES = frozenset({Role.MANAGER, Role.SAFEGUARDING_LEAD})
DRUG_ALERT_RECIPIENT_ROLES = frozenset(
    {
        Role.SPOC_PRACTITIONER,
        Role.HUB_WORKER,
        Role.PEER_WORKER,
        Role.MANAGER,
        Role.SAFEGUARDING_LEAD,
        Role.TREATMENT_PRACTITIONER,
    }
)


def handles_complaints(user) -> bool:
    return role_of(user) in COMPLAINT_ROLES


def can_issue_drug_alerts(user) -> bool:
    return role_of(user) in DRUG_ALERT_ISSUING_ROLES


def receives_drug_alerts(user) -> bool:
    return role_of(user) in DRUG_ALERT_RECIPIENT_ROLES
