"""SEC-5: the "Someone else changed this while you were editing it" banner shows only when a save
was refused for a newer change, never on a form just opened (it showed on every concern, drug
alert, plan, directory and chronology form)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

BANNER = "Someone else changed this while you were editing it"


def test_forms_just_opened_show_no_edit_conflict_banner(client, person, hub_worker, manager):
    client.force_login(hub_worker)
    for url in (
        reverse("safeguarding:concern_new", args=[person.reference]),
        reverse("recovery_plans:directory_new"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert BANNER not in response.content.decode(), url
    client.force_login(manager)
    response = client.get(reverse("safeguarding:drug_alert_new"))
    assert response.status_code == 200 and BANNER not in response.content.decode()


def test_the_banner_shows_when_a_save_was_refused():
    class Refused:
        edit_conflict = [{"created": False, "by": "Alex Morgan", "when": "1 December", "changes": []}]

    class Opened:
        edit_conflict: list = []

    template = "includes/edit_conflict.html"
    assert BANNER in render_to_string(template, {"form": Refused()})
    assert BANNER not in render_to_string(template, {"form": Opened()})
