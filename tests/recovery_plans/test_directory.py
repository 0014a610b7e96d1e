"""The directory of local opportunities and partner services (PLN-5)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from recovery_plans.models import DirectoryEntry
from recovery_plans.services import directory as services

pytestmark = pytest.mark.django_db


def _post(**overrides):
    data = {
        "name": "Recovery Café",
        "kind": "activity",
        "offer": "Tea and company",
        "contact": "",
        "area": "Carlisle",
        "council": "cumberland",
        "is_active": "yes",
    }
    return {**data, **overrides}


def test_managers_and_hub_workers_keep_the_directory_and_others_may_not(
    manager, hub_worker, peer_worker, spoc_practitioner, commissioner
):
    entry = services.directory_entry_create(by=hub_worker, name="A", kind="housing", offer="Advice")
    services.directory_entry_update(entry=entry, by=manager, active=False)
    for user in (peer_worker, spoc_practitioner, commissioner):
        with pytest.raises(PermissionDenied):
            services.directory_entry_create(by=user, name="B", kind="housing", offer="x")
        with pytest.raises(PermissionDenied):
            services.directory_entry_update(entry=entry, by=user, active=True)
    assert entry.history.first().history_user == manager


def test_adding_and_changing_an_entry_through_the_pages(client, manager):
    client.force_login(manager)
    response = client.post(reverse("recovery_plans:directory_new"), _post(name=""))
    assert response.status_code == 200 and "Enter the name of the service or opportunity" in response.content.decode()
    client.post(reverse("recovery_plans:directory_new"), _post())
    entry = DirectoryEntry.objects.get()
    assert (entry.kind, entry.council, entry.active) == ("activity", "cumberland", True)
    edit = reverse("recovery_plans:directory_edit", kwargs={"entry_pk": entry.pk})
    version = client.get(edit).context["form"].initial["version"]
    client.post(edit, _post(is_active="no", version=version))
    entry.refresh_from_db()
    assert not entry.active
    # A second save from the page as first loaded is refused (SEC-5).
    response = client.post(edit, _post(name="Renamed", version=version))
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.name == "Recovery Café"


def test_peer_workers_see_active_entries_only_and_the_list_keeps_its_query_count(
    client, peer_worker, manager, django_assert_max_num_queries
):
    services.directory_entry_create(by=manager, name="Open", kind="housing", offer="x")
    services.directory_entry_create(by=manager, name="Closed", kind="housing", offer="x", active=False)
    client.force_login(peer_worker)
    url = reverse("recovery_plans:directory")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        content = client.get(url).content.decode()
    assert "Open" in content and "Closed" not in content
    for n in range(30):
        services.directory_entry_create(by=manager, name=f"Entry {n}", kind="money", offer="x")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, {"kind": "money"}).status_code == 200
