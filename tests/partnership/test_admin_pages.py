"""The admin opens for a system administrator; the audit logs there are read-only."""

import pytest
from django.urls import reverse

CHANGELISTS = [
    "admin:partnership_accesslog_changelist",
    "admin:partnership_consent_changelist",
    "admin:partnership_disclosure_changelist",
    "admin:partnership_organisation_changelist",
    "admin:partnership_hub_changelist",
    "admin:auth_user_changelist",
    "admin:referrals_responsetarget_changelist",
    "admin:referrals_referral_changelist",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", CHANGELISTS)
def test_each_admin_list_opens(admin_client, name):
    assert admin_client.get(reverse(name)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["accesslog", "consent", "disclosure"])
def test_audit_records_cannot_be_added_in_the_admin(admin_client, model):
    assert admin_client.get(reverse(f"admin:partnership_{model}_add")).status_code == 403
