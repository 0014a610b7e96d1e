from reporting.build import report_data
from reporting.periods import Quarter


def test_an_empty_service_reports_zeros(db):
    data = report_data(quarter=Quarter(2025, 3))
    assert data.schedule_version == 2
    assert [t.kpi_id for t in data.kpi_tables][:3] == [
        "referrals_by_source",
        "referrals_by_channel",
        "referrals_by_council",
    ]
    for table in data.kpi_tables:
        assert len(table.periods) == 5
        for row in table.rows:
            assert len(row.cells) == 5


def test_a_council_report(db):
    data = report_data(quarter=Quarter(2025, 3), council="cumberland")
    assert all(t.rows for t in data.kpi_tables)
