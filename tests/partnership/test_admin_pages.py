"""The admin opens for a system administrator; the audit logs there are read-only."""

import pytest
from django.urls import reverse

CHANGELISTS = [
    "admin:partnership_accesslog_changelist",
    "admin:referrals_consent_changelist",
    "admin:referrals_disclosure_changelist",
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
@pytest.mark.parametrize("model", ["partnership_accesslog", "referrals_consent", "referrals_disclosure"])
def test_audit_records_cannot_be_added_in_the_admin(admin_client, model):
    assert admin_client.get(reverse(f"admin:{model}_add")).status_code == 403


@pytest.mark.django_db
def test_changing_a_membership_in_the_admin_moves_the_groups(admin_client, hub_worker, other_hub):
    """The admin saves memberships through partnership.services.membership_save, so the user's
    hub group follows the change at once."""
    membership = hub_worker.membership
    url = reverse("admin:auth_user_change", args=[hub_worker.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "username": hub_worker.username,
            "date_joined_0": hub_worker.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": hub_worker.date_joined.strftime("%H:%M:%S"),
            "membership-TOTAL_FORMS": "1",
            "membership-INITIAL_FORMS": "1",
            "membership-MIN_NUM_FORMS": "0",
            "membership-MAX_NUM_FORMS": "1",
            "membership-0-id": str(membership.pk),
            "membership-0-user": str(hub_worker.pk),
            "membership-0-organisation": str(membership.organisation_id),
            "membership-0-hub": str(other_hub.pk),
            "membership-0-role": membership.role,
            "membership-0-job_title": "",
        }
    )
    data.pop("groups", None)
    data.pop("user_permissions", None)
    data.pop("last_login", None)
    data.pop("date_joined", None)

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    groups = set(hub_worker.groups.values_list("name", flat=True))
    assert f"hub:{other_hub.pk}" in groups
    assert f"hub:{membership.hub_id}" not in groups
    assert hub_worker.membership.history.first().history_user is not None
