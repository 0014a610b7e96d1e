"""Reporting's test fixtures. ``fake_build`` is TEMPORARY until ``reporting/build.py`` (helper
A) is merged: see tests/reporting/report_fixture.py."""

import pytest

from tests.reporting.report_fixture import fake_build


@pytest.fixture
def stand_in_build():
    """``reporting.build.report_data`` returns the hand-made sample report."""
    with fake_build():
        yield
