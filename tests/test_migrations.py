"""The committed migrations match the models (the suite itself runs with --nomigrations)."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_have_no_changes_missing_from_the_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=StringIO())
    except SystemExit as exit_:
        pytest.fail(f"makemigrations would create new migrations (exit {exit_.code}):\n{out.getvalue()}")
