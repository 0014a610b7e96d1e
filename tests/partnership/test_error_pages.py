"""Error pages speak plainly, look like the rest of the service and never show a stack trace."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_missing_page_says_so_plainly(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_a_form_sent_without_its_security_token_keeps_the_person_calm_and_offers_the_phone(settings):
    settings.SERVICE_PHONE = "0300 000 1111"
    client = Client(enforce_csrf_checks=True)
    response = client.post("/refer/form/", {"given_name": "Sam"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "Sorry, that did not go through" in body
    assert "0300 000 1111" in body
    assert "CSRF" not in body


@pytest.mark.django_db
def test_a_role_without_access_gets_a_plain_403_page(client, commissioner):
    client.force_login(commissioner)
    response = client.get("/referrals/")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()
