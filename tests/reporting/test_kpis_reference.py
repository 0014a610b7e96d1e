"""Every KPI over the hand-built reference service (tests/reporting/kpi_reference_data.py),
worked out by hand. Quarters, oldest first: 0 Oct-Dec 2024, 1 Jan-Mar 2025, 2 Apr-Jun 2025,
3 Jul-Sep 2025, 4 Oct-Dec 2025 (the report's quarter, Q3 2025-26)."""

from __future__ import annotations

import pytest

from reporting.kpis.common import Context
from reporting.kpis.registry import KPIS
from reporting.periods import Quarter
from tests.reporting.kpi_reference_data import CUMB, WF, build_reference

Q = Quarter(2025, 3)
NR = "not_recorded"


@pytest.fixture
def reference(db):
    return build_reference()


@pytest.fixture
def ctx(reference):
    return Context(quarters=Q.with_previous(4))


def kpi(ctx, kpi_id):
    return KPIS[kpi_id].calculate(ctx)


def test_referrals_count_in_the_quarter_they_were_received_in_london_time(ctx):
    # Ann's at 23:30 BST on 30 June is Q1 (index 2); Ben's at 00:30 BST on 1 July is Q2 (3).
    assert kpi(ctx, "referrals_by_source") == {
        (CUMB, "gp"): [0, 0, 1, 1, 0],
        (WF, "self"): [0, 0, 0, 1, 1],
        (CUMB, "hospital"): [0, 0, 0, 1, 0],
        (CUMB, "police"): [0, 0, 0, 0, 1],  # midnight on 1 October is the first instant of Q3
    }
    assert kpi(ctx, "referrals_by_channel") == {
        (CUMB, "phone"): [0, 0, 1, 1, 1],
        (WF, "online"): [0, 0, 0, 1, 0],
        (CUMB, "in_person"): [0, 0, 0, 1, 0],
        (WF, "email"): [0, 0, 0, 0, 1],
    }
    # Ann's re-referral after moving counts in her new council.
    assert kpi(ctx, "referrals_by_council") == {(CUMB,): [0, 0, 1, 2, 1], (WF,): [0, 0, 0, 1, 1]}
    assert kpi(ctx, "carer_referrals") == {(CUMB,): [0, 0, 0, 1, 0]}


def test_time_to_first_contact_median_90th_percentile_and_within_target(ctx):
    # Attempts in Jul-Sep: Cat 1 h, Dan 8 h (urgent: 4 h target, missed), Ann 9.5 h, Ben 10 h.
    median = kpi(ctx, "first_contact_median_hours")
    assert median[""][3] == (8.75, 4)
    assert median[CUMB][3] == (8.0, 3)
    assert median[WF][3] == (10.0, 1)
    assert median[""][4] == (2.5, 2)  # Ann's second referral (1 h) and Ben's urgent one (4 h)
    assert median[""][2] == (None, 0)  # Ann's referral came in in Q1 but was answered in Q2
    p90 = kpi(ctx, "first_contact_p90_hours")
    assert p90[""][3][0] == pytest.approx(9.85)  # 9.5 + 0.7 * (10 - 9.5)
    within = kpi(ctx, "first_contact_within_target")
    assert within[""][3] == (3, 4)
    assert within[CUMB][3] == (2, 3)
    assert within[""][4] == (2, 2)  # Ben's urgent attempt exactly 4 hours after: on time


def test_time_to_triage(ctx):
    # Ann 58.5 h (within 5 working days); Ben 345.5 h (missed).
    assert kpi(ctx, "triage_median_hours")[""][3] == (202.0, 2)
    assert kpi(ctx, "triage_p90_hours")[""][3][0] == pytest.approx(58.5 + 0.9 * 287)
    assert kpi(ctx, "triage_within_target")[""][3] == (1, 2)
    assert kpi(ctx, "triage_within_target")[WF][3] == (0, 1)


def test_referrals_to_treatment_and_starts_by_substance_group(ctx):
    # Dan's was sent at 23:30 BST on 30 September (Q2), Ben's at 00:10 BST on 1 October (Q3).
    # Ann: alcohol and cocaine in her assessment; Ben: cannabis and opioids in his; Dan: no
    # assessment, opioids on the referral.
    assert kpi(ctx, "treatment_referrals_by_group") == {
        (CUMB, "non_opiate_and_alcohol"): [0, 0, 0, 1, 0],
        (CUMB, "opiate"): [0, 0, 0, 1, 1],
        (WF, "opiate"): [0, 0, 0, 0, 1],
        (WF, "non_opiate_and_alcohol"): [0, 0, 0, 0, 1],
    }
    # Dan started on 1 October (Q3); Ann's second referral was declined, and so was Ben's
    # second, although a start date was recorded on it.
    assert kpi(ctx, "treatment_starts_by_group") == {
        (CUMB, "non_opiate_and_alcohol"): [0, 0, 0, 1, 0],
        (CUMB, "opiate"): [0, 0, 0, 0, 1],
    }


def test_active_caseload_at_quarter_end(ctx):
    # End of Sep: Ann (allocated, active); Ben closed on 20 Sep; Dan inactive since 1 Sep.
    # End of Dec: Dan re-entered (his referral closes in January); Ann inactive since 20 Dec.
    assert kpi(ctx, "active_caseload") == {(CUMB,): [0, 0, 0, 1, 1]}


def test_new_contacts_have_no_contact_in_the_previous_six_months(ctx):
    # Jan-Mar: Ann (no referral yet: the council on her record, W&F), Ben and Dan. Jul-Sep: Dan
    # (186 days since his last); not Ann (176 days) nor Ben (exactly 183 days). Oct-Dec: nobody.
    assert kpi(ctx, "new_contacts") == {(WF,): [0, 2, 0, 0, 0], (CUMB,): [0, 1, 0, 1, 0]}


def test_contacts_by_setting_topic_naloxone_and_family_support(ctx):
    assert kpi(ctx, "home_visits") == {(CUMB,): [0, 0, 0, 1, 0]}
    # Ann's in-reach contact on 1 October counts in W&F: she lived there at the end of Q3.
    assert kpi(ctx, "in_reach_sessions") == {(WF,): [0, 0, 0, 1, 1]}
    assert kpi(ctx, "harm_reduction_by_topic") == {
        (WF, "overdose"): [0, 0, 0, 1, 0],
        (WF, "safer_injecting"): [0, 0, 0, 1, 0],
        (CUMB, "overdose"): [0, 0, 0, 1, 0],
    }
    assert kpi(ctx, "naloxone_kits_to_people") == {(WF,): [0, 0, 0, 2, 0], (CUMB,): [0, 0, 0, 1, 0]}
    assert kpi(ctx, "family_support_people") == {(WF,): [0, 0, 0, 1, 0]}


def test_outreach_and_partner_naloxone(ctx):
    assert kpi(ctx, "outreach_sessions") == {(CUMB,): [0, 0, 0, 1, 0], (WF,): [0, 0, 0, 1, 1]}
    hours = kpi(ctx, "outreach_hours_per_week")
    assert hours[""][3][0] == pytest.approx(6.5 / (92 / 7))
    assert hours[""][3][1] == 2
    assert hours[WF][4][0] == pytest.approx(1 / (92 / 7))
    assert kpi(ctx, "outreach_contacts_by_group") == {
        (CUMB, "opiate"): [0, 0, 0, 1, 0],
        (WF, "alcohol_only"): [0, 0, 0, 0, 1],
    }
    assert kpi(ctx, "naloxone_kits_to_partners") == {(CUMB,): [0, 0, 0, 5, 0], (WF,): [0, 0, 0, 0, 3]}


def test_plans_reviewed_on_time(ctx):
    # Jul-Sep: Ann's first review due 5 Aug, done 5 Aug (on time); Dan's due 20 Sep, done 25 Sep.
    # Oct-Dec: Ann's due 4 Nov, never done; Dan's due 25 Dec, done 20 Dec.
    rates = kpi(ctx, "plans_reviewed_on_time")
    assert rates[""][3] == (1, 2)
    assert rates[CUMB][3] == (1, 2)
    assert rates[""][4] == (1, 2)
    assert rates[WF][4] == (0, 1)
    assert rates[CUMB][4] == (1, 1)


def test_instrument_change(ctx):
    audit = kpi(ctx, "audit_lower_zone")
    assert audit[""][3] == (1, 2)  # Ann IV -> II; Ben II -> II; Dan has one reading only
    assert audit[CUMB][3] == (1, 1)
    barc = kpi(ctx, "barc10_mean_change")
    assert barc[""][3] == (4.5, 2)
    assert barc[CUMB][3] == (5, 1)
    assert barc[""][4] == (None, 0)


def test_engagement_changes_and_satisfaction(ctx):
    assert kpi(ctx, "inactive_by_reason") == {(CUMB, "disengaged"): [0, 0, 0, 1, 0], (WF, "goals_met"): [0, 0, 0, 0, 1]}
    assert kpi(ctx, "re_entries") == {(CUMB,): [0, 0, 0, 0, 1]}
    satisfaction = kpi(ctx, "user_satisfaction")
    assert satisfaction[""][3] == (1, 2)  # "prefer not to say" is not a view
    assert satisfaction[CUMB][3] == (1, 1)
    assert satisfaction[WF][3] == (0, 1)


def test_on_postgresql_the_database_percentiles_equal_the_python_ones(ctx):
    from django.db import connection

    from reporting.kpis import front_door
    from reporting.kpis.common import percentile

    if connection.vendor != "postgresql":
        pytest.skip("percentile_cont is PostgreSQL's")
    for measure in ("first_contact", "triage"):
        python = front_door._response_times(ctx, measure)
        for fraction in (0.5, 0.9):
            database = front_door._percentiles_in_database(ctx, measure, fraction)
            for where, periods in python.items():
                for i, (values, _met) in enumerate(periods):
                    assert database[where][i][1] == len(values)
                    expected = percentile(values, fraction)
                    assert database[where][i][0] == (
                        pytest.approx(expected, abs=1e-9) if expected is not None else None
                    )


def test_a_front_door_target_changed_mid_year_applies_to_referrals_received_from_its_date(ctx):
    from referrals.models import ResponseTarget

    ResponseTarget.objects.create(
        priority=1, measure="first_contact", amount=2, unit="hours", effective_from=Q.start_date
    )
    within = kpi(ctx, "first_contact_within_target")
    assert within[""][4] == (1, 2)  # Ben's urgent referral of 1 October: 4 hours is now late
    assert within[""][3] == (3, 4)  # the quarter before keeps the target it was received under
