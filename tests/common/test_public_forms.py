"""The one public-form flow (common.public_forms), as both public forms run it: the honeypot
is never handed back when the page changes language, and each form counts its own submissions
against its own hourly limit."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from common.public_forms import CHANGE_LANGUAGE
from referrals.models import Referral
from safeguarding.models import Complaint
from tests.referrals.test_public_referral import FORM_URL as REFERRAL_URL
from tests.referrals.test_public_referral import answers as referral_answers
from tests.safeguarding.test_complaint_public_form import FORM_URL as COMPLAINT_URL
from tests.safeguarding.test_complaint_public_form import answers as complaint_answers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_rate_limit_cache():
    # The limit counts in the cache, which outlives a test's database transaction.
    cache.clear()
    yield
    cache.clear()


FORMS = [(REFERRAL_URL, referral_answers), (COMPLAINT_URL, complaint_answers)]


@pytest.mark.parametrize(("url", "answers"), FORMS)
def test_changing_language_never_hands_the_honeypot_back(url, answers):
    response = Client().post(url, {**answers(homepage="a-bot-was-here"), CHANGE_LANGUAGE: "cy"})
    assert response.status_code == 200
    assert "a-bot-was-here" not in response.content.decode()


def test_each_form_counts_against_its_own_limit(settings):
    settings.PUBLIC_REFERRAL_RATE_LIMIT = 1
    settings.PUBLIC_COMPLAINT_RATE_LIMIT = 1
    client = Client()
    assert client.post(REFERRAL_URL, referral_answers()).status_code == 302
    # The referral used the connection's one referral this hour, not its one complaint.
    assert client.post(COMPLAINT_URL, complaint_answers()).status_code == 302
    assert client.post(REFERRAL_URL, referral_answers()).status_code == 429
    assert client.post(COMPLAINT_URL, complaint_answers()).status_code == 429
    assert Referral.objects.count() == 1 and Complaint.objects.count() == 1
