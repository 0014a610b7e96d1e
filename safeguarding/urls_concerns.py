"""Safeguarding pages: concerns (SAF-1) and the chronology (SAF-2). References, never counts or
personal details, in every address: a concern by its random reference (SG-...), a person by theirs."""

from django.urls import path, register_converter

from referrals.converters import PERSON
from safeguarding import chronology_views, views_concern_sharing, views_concerns
from safeguarding.models.concerns import CONCERN_PATTERN


class ConcernReference:
    regex = CONCERN_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)


CONCERN = "concern_ref"
register_converter(ConcernReference, CONCERN)

_concern = f"concerns/<{CONCERN}:concern_ref>/"
_person = f"people/<{PERSON}:person_ref>/"

urlpatterns = [
    path("concerns/", views_concerns.overview, name="overview"),
    path(f"{_person}concerns/", views_concerns.person_concerns, name="person_concerns"),
    path(f"{_person}concerns/new/", views_concerns.concern_new, name="concern_new"),
    path(_concern, views_concerns.concern_detail, name="concern"),
    path(f"{_concern}change/", views_concerns.concern_edit, name="concern_edit"),
    path(f"{_concern}status/", views_concerns.concern_status, name="concern_status"),
    path(f"{_concern}council-referral/", views_concerns.concern_referral, name="concern_referral"),
    path(f"{_concern}actions/new/", views_concerns.concern_action_new, name="concern_action_new"),
    path(f"{_concern}actions/<int:action_pk>/done/", views_concerns.concern_action_done, name="concern_action_done"),
    path(f"{_concern}meetings/new/", views_concerns.concern_meeting_new, name="concern_meeting_new"),
    path(f"{_concern}sharing/new/", views_concern_sharing.concern_share, name="concern_share"),
    path(
        f"{_concern}sharing/<int:share_pk>/withdraw/",
        views_concern_sharing.concern_share_withdraw,
        name="concern_share_withdraw",
    ),
    *chronology_views.urlpatterns,
]
