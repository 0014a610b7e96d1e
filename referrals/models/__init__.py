"""The referrals app's models, split by topic; every model is importable from here.

``new_reference`` stays importable as ``referrals.models.new_reference``: migrations name it.
"""

from referrals.data_rights.models import SubjectAccessRequest
from referrals.models.consent import CONSENT_REVIEW_MONTHS, Consent, Disclosure, add_months
from referrals.models.feedback import ReferralFeedback
from referrals.models.people import (
    SUBSTANCES_IN_SCOPE,
    CommunicationNeed,
    ContactMethod,
    Person,
    Substance,
    YesNoUnknown,
)
from referrals.models.permissions import (
    PersonGroupObjectPermission,
    PersonUserObjectPermission,
    ReferralGroupObjectPermission,
    ReferralUserObjectPermission,
)
from referrals.models.referrals import Referral, ResponseTarget, StatusTransition, new_reference
from referrals.models.treatment import OnwardReferral, TreatmentReferral, TreatmentReferralTransition
from referrals.models.triage import ContactAttempt, Escalation, Triage, WarmIntroduction

__all__ = [
    "CONSENT_REVIEW_MONTHS",
    "CommunicationNeed",
    "SUBSTANCES_IN_SCOPE",
    "Consent",
    "ContactAttempt",
    "ContactMethod",
    "Disclosure",
    "Escalation",
    "OnwardReferral",
    "Person",
    "PersonGroupObjectPermission",
    "PersonUserObjectPermission",
    "Referral",
    "ReferralFeedback",
    "ReferralGroupObjectPermission",
    "ReferralUserObjectPermission",
    "ResponseTarget",
    "StatusTransition",
    "SubjectAccessRequest",
    "Substance",
    "TreatmentReferral",
    "TreatmentReferralTransition",
    "Triage",
    "WarmIntroduction",
    "YesNoUnknown",
    "add_months",
    "new_reference",
]
