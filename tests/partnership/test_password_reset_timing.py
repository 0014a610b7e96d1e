"""The password reset page gives nothing away by its timing (SEC-3): a known and an unknown
address get the same page after the same work, and the e-mail is sent by a background task
(partnership/tasks.py) that never puts the address or the link in a log."""

import logging
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnership import tasks

UNKNOWN = "nobody@example.org"


def ask_for_reset(client, email, capture):
    with capture() as callbacks, CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("password_reset"), {"email": email})
    # Savepoint names are numbered per request: compare the statements without them.
    return response, callbacks, [re.sub(r'"s\w+"', '"s"', query["sql"]) for query in queries.captured_queries]


def test_a_known_and_an_unknown_address_get_the_same_answer_after_the_same_work(
    client, spoc_practitioner, django_capture_on_commit_callbacks
):
    known = ask_for_reset(client, spoc_practitioner.email, django_capture_on_commit_callbacks)
    unknown = ask_for_reset(client, UNKNOWN, django_capture_on_commit_callbacks)

    for response, _callbacks, _queries in (known, unknown):
        assert response.status_code == 302
        assert response.url == reverse("password_reset_done")
    # Nothing is sent in the request, and nothing about the account is looked up there.
    assert mail.outbox == []
    assert known[2] == unknown[2]
    assert not any("auth_user" in sql for sql in known[2])
    # One task queued for each, after the request commits.
    assert len(known[1]) == len(unknown[1]) == 1


def test_the_queued_task_sends_the_e_mail_only_for_an_account(
    client, spoc_practitioner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": UNKNOWN})
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": spoc_practitioner.email})
    assert [message.to for message in mail.outbox] == [[spoc_practitioner.email]]


def test_the_task_is_queued_with_the_address_hidden_from_celery_logs(
    spoc_practitioner, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks.send_password_reset, "apply_async", lambda **options: queued.append(options))

    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_password_reset_later(email=spoc_practitioner.email, domain="testserver", use_https=True)

    assert len(queued) == 1
    assert queued[0]["kwargs"]["email"] == spoc_practitioner.email
    assert spoc_practitioner.email not in queued[0]["kwargsrepr"] + queued[0]["argsrepr"]


@pytest.mark.django_db
def test_neither_the_address_nor_the_link_is_logged(
    client, spoc_practitioner, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": spoc_practitioner.email})

    token_path = re.search(r"/password-reset/\S+/\S+/", mail.outbox[0].body).group(0)
    assert spoc_practitioner.email not in caplog.text
    assert token_path not in caplog.text
