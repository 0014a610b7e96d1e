"""SEC-5 under a real race: two saves from the same version at the same moment, each in its
own transaction and database connection. The row lock taken by ``version_check`` makes the
second wait for the first to commit, then see its history row and refuse.

PostgreSQL only (CI runs it there): SQLite has no row locks, and its writers fail with
"database is locked" instead of waiting.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from common.audit import EditConflict, ExpectedVersion, audited_save, current_version
from referrals.models import Person
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_of_two_saves_from_the_same_version_at_the_same_moment_one_is_refused(monkeypatch):
    alex = UserFactory(username="alex", membership=None)
    person = PersonFactory(phone="07700900123")
    audited_save(person, by=alex, reason="Made", person_id=None)
    loaded = ExpectedVersion(history_id=current_version(person), fields=frozenset({"phone"}))
    rows_before = person.history.count()

    # Each save dawdles between the check and the write: without the lock, both checks would
    # pass before either wrote, and both saves would go through.
    real_save = Person.save

    def slow_save(self, *args, **kwargs):
        time.sleep(0.5)
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Person, "save", slow_save)
    both_loaded = threading.Barrier(2)
    results: list[str] = []

    def save(phone: str) -> None:
        try:
            with transaction.atomic():
                mine = Person.objects.get(pk=person.pk)
                both_loaded.wait()
                mine.phone = phone
                audited_save(mine, by=alex, reason="Phone corrected", person_id=None, expected_version=loaded)
            results.append("saved")
        except EditConflict:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(phone,)) for phone in ("07700900456", "07700900789")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == ["refused", "saved"]
    assert person.history.count() == rows_before + 1  # one correction, not two
