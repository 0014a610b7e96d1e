"""The staff referral form's error messages (REF-1, REF-2): constants, so tests assert them."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from referrals.models import Referral


def max_length_of(name: str) -> int:
    return Referral._meta.get_field(name).max_length


CHANNEL_REQUIRED = _("Select how the referral was received")
REFERRER_TYPE_REQUIRED = _("Select who is making the referral")
SOURCE_REQUIRED = _("Select where the referral came from")
GIVEN_NAME_REQUIRED = _("Enter the person’s first name")
GIVEN_NAME_TOO_LONG = format_lazy(
    _("First name must be {max} characters or fewer"), max=max_length_of("subject_given_name")
)
FAMILY_NAME_REQUIRED = _("Enter the person’s last name")
FAMILY_NAME_TOO_LONG = format_lazy(
    _("Last name must be {max} characters or fewer"), max=max_length_of("subject_family_name")
)

REFERRER_NAME_REQUIRED = _("Enter the referrer’s name")
REFERRER_NAME_TOO_LONG = format_lazy(
    _("Referrer’s name must be {max} characters or fewer"), max=max_length_of("referrer_name")
)
REFERRER_RELATIONSHIP_REQUIRED = _("Enter the referrer’s relationship to the person")
REFERRER_RELATIONSHIP_TOO_LONG = format_lazy(
    _("Relationship must be {max} characters or fewer"), max=max_length_of("referrer_relationship")
)
REFERRER_ORGANISATION_REQUIRED = _("Enter the referrer’s organisation")
REFERRER_ORGANISATION_TOO_LONG = format_lazy(
    _("Organisation must be {max} characters or fewer"), max=max_length_of("referrer_organisation")
)
REFERRER_ROLE_REQUIRED = _("Enter the referrer’s job title")
REFERRER_ROLE_TOO_LONG = format_lazy(
    _("Job title must be {max} characters or fewer"), max=max_length_of("referrer_role")
)
REFERRER_CONTACT_REQUIRED = _("Enter a phone number or email address for the referrer")

SUPPORT_FOR_REQUIRED = _("Select who the support is for")
CARED_FOR_RELATIONSHIP_REQUIRED = _("Select who the carer cares for")
CARED_FOR_NAME_TOO_LONG = format_lazy(
    _("Their first name must be {max} characters or fewer"), max=max_length_of("cared_for_given_name")
)
CARED_FOR_SUBSTANCES_REQUIRED = _("Select what the person they care for uses, or select ‘Something else’")
CARER_OWN_SUBSTANCES = _(
    "A carer’s referral does not record substances of their own. Record what the person they care for uses instead."
)
SUBSTANCE_INVALID = _("Select substances from the list")
REASON_TOO_LONG = format_lazy(_("What help is wanted must be {max} characters or fewer"), max=5000)
PREGNANT_REQUIRED = _("Select whether the person is pregnant")
CHILDRENS_SERVICES_REQUIRED = _("Select whether the person is open to Children’s Services")
URGENT_REQUIRED = _("Select whether the referral is urgent")
CONSENT_REQUIRED = _("Select whether the person agrees to be contacted")
CONTACT_METHOD_REQUIRED = _("Select at least one way to contact the person")
CONTACT_METHOD_INVALID = _("Select ways to contact the person from the list")
PHONE_NEEDED_FOR_METHOD = _("Enter the person’s phone number to contact them by phone or text message")
EMAIL_NEEDED_FOR_METHOD = _("Enter the person’s email address to contact them by email")
ADDRESS_NEEDED_FOR_METHOD = _("Enter the person’s address to contact them by letter")
SAFE_TIMES_TOO_LONG = format_lazy(
    _("Safe times to contact must be {max} characters or fewer"), max=max_length_of("safe_contact_times")
)
SAFE_TO_LEAVE_MESSAGE_REQUIRED = _("Select whether it is safe to leave a message")
COUNCIL_INVALID = _("Select the council the person lives in, outside the area, or not known")
COUNCIL_DOES_NOT_MATCH_POSTCODE = _(
    "The postcode is in %(council)s. Check the postcode, or leave the council blank to use it"
)

RECEIVED_DATE_REQUIRED = _("Enter the date the referral was received")
RECEIVED_DATE_REAL = _("Date received must be a real date")
RECEIVED_DATE_DAY = _("Date received must include a day")
RECEIVED_DATE_MONTH = _("Date received must include a month")
RECEIVED_DATE_YEAR = _("Date received must include a year")
RECEIVED_DATE_IN_FUTURE = _("Date received must be today or in the past")
RECEIVED_DATE_TOO_OLD = _("Date received must be within the last year")
RECEIVED_TIME_REQUIRED = _("Enter the time the referral was received")
RECEIVED_TIME_INVALID = _("Enter the time received using the 24-hour clock, like 14:30")
RECEIVED_TIME_IN_FUTURE = _("Time received must be now or in the past")
