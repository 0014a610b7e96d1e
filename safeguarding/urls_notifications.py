"""Safeguarding pages: notifications to councils and the incident registers (SAF-1, SAF-3,
SAF-6, §3.29). Records are named by random references (safeguarding/references.py), never by
a number that counts them."""

from django.urls import path, register_converter

from safeguarding import views_incidents, views_notifications
from safeguarding.incident_kinds import KIND_PATTERN
from safeguarding.references import INCIDENT_RECORD_PATTERN, NOTIFICATION_PATTERN


class _Pattern:
    regex = ""

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)


class NotificationReference(_Pattern):
    regex = NOTIFICATION_PATTERN


class IncidentRecordReference(_Pattern):
    regex = INCIDENT_RECORD_PATTERN


class IncidentKind(_Pattern):
    regex = KIND_PATTERN


register_converter(NotificationReference, "notification_ref")
register_converter(IncidentRecordReference, "incident_record_ref")
register_converter(IncidentKind, "incident_kind")

urlpatterns = [
    path("notifications/", views_notifications.notifications, name="notifications"),
    path("notifications/overdue/", views_notifications.notifications_overdue, name="notifications_overdue"),
    path("notifications/<notification_ref:notification_ref>/", views_notifications.notification, name="notification"),
    path(
        "notifications/<notification_ref:notification_ref>/sent/",
        views_notifications.notification_sent,
        name="notification_sent",
    ),
    path("incidents/", views_incidents.incident_registers, name="incident_registers"),
    path("incidents/<incident_kind:kind>/", views_incidents.incident_list, name="incident_list"),
    path("incidents/<incident_kind:kind>/new/", views_incidents.incident_new, name="incident_new"),
    path("incidents/<incident_kind:kind>/<incident_record_ref:record_ref>/", views_incidents.incident, name="incident"),
    path(
        "incidents/<incident_kind:kind>/<incident_record_ref:record_ref>/change/",
        views_incidents.incident_edit,
        name="incident_edit",
    ),
    path(
        "incidents/serious-incidents/<incident_record_ref:record_ref>/actions/new/",
        views_incidents.incident_action_new,
        name="incident_action_new",
    ),
    path(
        "incidents/serious-incidents/<incident_record_ref:record_ref>/actions/done/",
        views_incidents.incident_action_done,
        name="incident_action_done",
    ),
]
