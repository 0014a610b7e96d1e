"""Safeguarding pages: complaints and compliments (SAF-4) and drug alerts (SAF-5)."""

from django.urls import path, re_path

from safeguarding import alerts_views, views_complaints
from safeguarding.models.complaints import COMPLAINT_PATTERN, DRUG_ALERT_PATTERN

C = rf"^complaints/(?P<complaint_ref>{COMPLAINT_PATTERN})/"
A = rf"^drug-alerts/(?P<alert_ref>{DRUG_ALERT_PATTERN})/"

urlpatterns = [
    path("complaints/", views_complaints.complaint_list, name="complaints"),
    path("complaints/new/", views_complaints.complaint_new, name="complaint_new"),
    re_path(C + "$", views_complaints.complaint_detail, name="complaint"),
    re_path(C + "edit/$", views_complaints.complaint_edit, name="complaint_edit"),
    re_path(C + "handler/$", views_complaints.complaint_stage_assign, name="complaint_stage_assign"),
    re_path(C + "escalate/$", views_complaints.complaint_escalate, name="complaint_escalate"),
    re_path(C + "response/$", views_complaints.complaint_response, name="complaint_response"),
    re_path(C + "response/approve/$", views_complaints.complaint_response_approve, name="complaint_response_approve"),
    re_path(C + "response/sent/$", views_complaints.complaint_response_send, name="complaint_response_send"),
    re_path(C + "close/$", views_complaints.complaint_close, name="complaint_close"),
    re_path(C + "withdraw/$", views_complaints.complaint_withdraw, name="complaint_withdraw"),
    path("drug-alerts/", alerts_views.alert_list, name="drug_alerts"),
    path("drug-alerts/new/", alerts_views.alert_new, name="drug_alert_new"),
    re_path(A + "$", alerts_views.alert_detail, name="drug_alert"),
    re_path(A + "acknowledge/$", alerts_views.alert_acknowledge, name="drug_alert_acknowledge"),
    re_path(A + "withdraw/$", alerts_views.alert_withdraw, name="drug_alert_withdraw"),
]
