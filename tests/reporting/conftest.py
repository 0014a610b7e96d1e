"""Reporting's test fixtures. ``fake_build`` puts a small hand-made report in place of the KPI
build, for the tests of runs, versions and pages (tests/reporting/report_fixture.py); the KPIs
have tests of their own."""

import pytest

from tests.reporting.report_fixture import fake_build


@pytest.fixture
def stand_in_build():
    """``reporting.build.report_data`` returns the hand-made sample report."""
    with fake_build():
        yield
