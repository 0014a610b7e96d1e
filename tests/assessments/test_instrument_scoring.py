"""Worked examples for every shipped instrument (ASM-5), every band boundary and cut-off, and
answers the scorer must refuse without raising.

Bugs planted by hand in the scorer, each caught here (and by the property tests): a band's
upper edge made exclusive (``min <= total < max``: AUDIT 7, 15, 19 and AUDIT-C 4 fall out of
their band), a threshold met only above its cut-off (``>`` for ``>=``: AUDIT-C 5 not positive),
and the NDT's weights ignored (risk domains no longer doubled). Letting bands overlap in the
schema is caught by the malformed-definition tests.
"""

from __future__ import annotations

import pytest

from assessments.instruments import score
from assessments.instruments.scoring import MISSING, NOT_AN_ANSWER, UNKNOWN_ITEM, UNKNOWN_OPTION
from tests.assessments.instruments import all_scoring, answers_scoring, definition

# --- AUDIT-C ----------------------------------------------------------------------------------


def test_audit_c_worked_example_in_uk_units():
    audit_c = definition("audit-c")
    # Drinks 2 to 3 times a week (3), 5 to 6 units a day (2), 6+/8+ units monthly (2).
    result = score(audit_c, {"q1": "2_to_3_a_week", "q2": "5_to_6", "q3": "monthly"})
    assert result.complete and result.total == 7
    assert result.item_scores == {"q1": 3, "q2": 2, "q3": 2}
    assert result.band.label == "Increasing or higher risk"
    assert [t.id for t in result.met_thresholds] == ["positive"]
    assert result.leads_to == ["audit"]


def test_audit_c_asks_in_units():
    audit_c = definition("audit-c")
    assert "units of alcohol" in audit_c.item("q2").text
    assert "6 or more units if female, or 8 or more if male" in audit_c.item("q3").text


@pytest.mark.parametrize(
    ("total", "positive", "band"),
    [
        (0, False, "Lower risk"),
        (4, False, "Lower risk"),
        (5, True, "Increasing or higher risk"),
        (12, True, "Increasing or higher risk"),
    ],
)
def test_audit_c_is_positive_at_5_or_more(total, positive, band):
    audit_c = definition("audit-c")
    scores = {"q1": min(total, 4), "q2": min(max(total - 4, 0), 4), "q3": max(total - 8, 0)}
    result = score(audit_c, answers_scoring(audit_c, scores))
    assert result.total == total
    assert result.band.label == band
    assert bool(result.met_thresholds) is positive
    assert result.leads_to == (["audit"] if positive else [])


# --- AUDIT ------------------------------------------------------------------------------------


def test_audit_worked_example_with_domains():
    audit = definition("audit")
    answers = {
        "q1": "4_or_more_a_week",  # 4
        "q2": "7_to_9",  # 3
        "q3": "weekly",  # 3
        "q4": "monthly",  # 2
        "q5": "less_than_monthly",  # 1
        "q6": "never",  # 0
        "q7": "weekly",  # 3
        "q8": "less_than_monthly",  # 1
        "q9": "not_last_year",  # 2
        "q10": "last_year",  # 4
    }
    result = score(audit, answers)
    assert result.total == 23
    assert result.subscales == {"consumption": 10, "dependence": 3, "harm": 10}
    assert result.band.label == "Zone IV: possible dependence"
    assert "specialist" in result.band.meaning


@pytest.mark.parametrize(
    ("total", "zone"),
    [
        (0, "Zone I"),
        (7, "Zone I"),
        (8, "Zone II"),
        (15, "Zone II"),
        (16, "Zone III"),
        (19, "Zone III"),
        (20, "Zone IV"),
        (40, "Zone IV"),
    ],
)
def test_audit_zones_at_every_boundary(total, zone):
    audit = definition("audit")
    # Fill the eight 0-4 items first, then items 9 and 10 in steps of 2.
    scores, left = {}, total
    for item_id in ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8"]:
        scores[item_id] = min(left, 4)
        left -= scores[item_id]
    for item_id in ["q9", "q10"]:
        scores[item_id] = min(left, 4)
        left -= scores[item_id]
    assert left == 0
    result = score(audit, answers_scoring(audit, scores))
    assert result.total == total
    assert result.band.label.startswith(zone + ":")


def test_audit_zone_meanings_are_the_who_interventions():
    meanings = [band.meaning for band in definition("audit").bands]
    assert meanings == [
        "Alcohol education.",
        "Simple advice.",
        "Simple advice plus brief counselling and continued monitoring.",
        "Referral to a specialist for diagnostic evaluation and treatment.",
    ]


@pytest.mark.parametrize("item_id", ["q9", "q10"])
def test_audit_items_9_and_10_score_only_0_2_or_4(item_id):
    audit = definition("audit")
    assert [option.score for option in audit.item(item_id).options] == [0, 2, 4]
    result = score(audit, {**all_scoring(audit, 0), item_id: "1"})
    assert not result.complete and result.total is None
    assert result.problem_for(item_id).code == UNKNOWN_OPTION


def test_audit_hazardous_threshold_at_8():
    audit = definition("audit")
    seven = score(audit, answers_scoring(audit, {"q1": 4, "q2": 3, **{f"q{n}": 0 for n in range(3, 11)}}))
    eight = score(audit, answers_scoring(audit, {"q1": 4, "q2": 4, **{f"q{n}": 0 for n in range(3, 11)}}))
    assert (seven.total, bool(seven.met_thresholds)) == (7, False)
    assert (eight.total, bool(eight.met_thresholds)) == (8, True)


# --- BARC-10 ----------------------------------------------------------------------------------


def test_barc_10_totals_run_from_10_to_60():
    barc = definition("barc-10")
    assert score(barc, all_scoring(barc, 1)).total == 10
    assert score(barc, all_scoring(barc, 6)).total == 60
    assert [option.label for option in barc.item("q1").options] == [
        "Strongly disagree",
        "Disagree",
        "Somewhat disagree",
        "Somewhat agree",
        "Agree",
        "Strongly agree",
    ]


@pytest.mark.parametrize(("total", "met"), [(46, False), (47, True)])
def test_barc_10_sustained_remission_cut_off_at_47(total, met):
    barc = definition("barc-10")
    scores = {f"q{n}": 5 for n in range(1, 11)}  # 50
    for n in range(1, 50 - total + 1):
        scores[f"q{n}"] = 4
    result = score(barc, answers_scoring(barc, scores))
    assert result.total == total
    assert bool(result.met_thresholds) is met


# --- SDS --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("substance", "cut_off"),
    [("heroin", 5), ("cocaine", 3), ("amphetamine", 5), ("cannabis", 3), ("alcohol", 3), ("benzodiazepines", 7)],
)
def test_sds_cut_off_depends_on_the_substance(substance, cut_off):
    sds = definition("sds")

    def reading(total):
        scores = {f"q{n}": 0 for n in range(1, 6)}
        left = total
        for n in range(1, 6):
            scores[f"q{n}"] = min(left, 3)
            left -= scores[f"q{n}"]
        return score(sds, answers_scoring(sds, scores, substance=substance))

    below, at = reading(cut_off - 1), reading(cut_off)
    assert [t.met for t in below.thresholds] == [False]
    assert [t.met for t in at.thresholds] == [True]
    assert at.thresholds[0].id == f"dependence_{substance}"


def test_sds_substance_is_asked_but_not_scored():
    sds = definition("sds")
    result = score(sds, all_scoring(sds, 3, substance="other"))
    assert result.total == 15 and result.thresholds == ()  # no published cut-off for "another substance"
    missing = score(sds, all_scoring(sds, 3))
    assert missing.problem_for("substance").message == "Select the substance the questions are about"


# --- NDT --------------------------------------------------------------------------------------


def test_ndt_doubles_risk_to_others_and_risk_from_others():
    ndt = definition("ndt")
    assert ndt.total.max == 48
    result = score(
        ndt,
        answers_scoring(
            ndt, {item.id: 0 for item in ndt.items} | {"risk_to_others": 3, "risk_from_others": 1, "housing": 2}
        ),
    )
    assert result.item_scores["risk_to_others"] == 6
    assert result.item_scores["risk_from_others"] == 2
    assert result.item_scores["housing"] == 2
    assert result.total == 10


def test_ndt_highest_and_lowest():
    ndt = definition("ndt")
    assert score(ndt, all_scoring(ndt, 4)).total == 48
    assert score(ndt, all_scoring(ndt, 0)).total == 0


# --- Star-style reading -----------------------------------------------------------------------


def test_star_reading_scores_each_domain_1_to_10():
    star = definition("recovery-reading")
    assert star.kind == "star" and len(star.items) == 10
    answers = all_scoring(star, 5) | {"home": "9", "money": "2"}
    result = score(star, answers)
    assert result.item_scores["home"] == 9 and result.item_scores["money"] == 2
    assert score(star, {**answers, "home": "11"}).problem_for("home").code == UNKNOWN_OPTION
    assert score(star, {**answers, "home": "0"}).problem_for("home").code == UNKNOWN_OPTION


def test_star_reading_ships_no_outcomes_star_wording():
    star = definition("recovery-reading")
    assert "Outcomes Star" in star.licence.note  # says what it is not...
    scale = " ".join(option.label for item in star.items for option in item.options).lower()
    # ...and its scale uses none of the licensed Journey of Change stages.
    for stage in ("stuck", "accepting help", "believing", "learning", "self-reliance"):
        assert stage not in scale


# --- Bad answers: reported, never raised --------------------------------------------------------


def test_missing_items_are_named_and_the_reading_is_incomplete():
    audit = definition("audit")
    answers = answers_scoring(audit, {f"q{n}": 1 for n in range(1, 9)} | {"q9": 2, "q10": 0})
    del answers["q4"], answers["q7"]
    result = score(audit, answers)
    assert not result.complete
    assert (result.total, result.band, result.thresholds) == (None, None, ())
    assert [(p.item, p.code, p.message) for p in result.problems] == [
        ("q4", MISSING, "Select an answer for question 4"),
        ("q7", MISSING, "Select an answer for question 7"),
    ]
    assert result.partial_total == 8  # q1-3, q5, q6, q8 at 1, q9 at 2
    assert result.subscales["consumption"] == 3 and result.subscales["dependence"] is None


@pytest.mark.parametrize(
    ("answers", "item", "code"),
    [
        ({"q1": "every_day"}, "q1", UNKNOWN_OPTION),
        ({"q1": ["never"]}, "q1", NOT_AN_ANSWER),
        ({"q1": True}, "q1", NOT_AN_ANSWER),
        ({"q1": 3.5}, "q1", NOT_AN_ANSWER),
        ({"q99": "never"}, "q99", UNKNOWN_ITEM),
        ({"q1": "   "}, "q1", MISSING),
    ],
)
def test_bad_answers_are_reported_not_raised(answers, item, code):
    audit_c = definition("audit-c")
    result = score(audit_c, {"q1": "never", "q2": "0_to_2", "q3": "never", **answers})
    assert not result.complete
    assert result.problem_for(item).code == code


@pytest.mark.parametrize("answers", [None, "q1=never", 42, {1: "x"}])
def test_anything_at_all_is_scored_without_raising(answers):
    result = score(definition("audit-c"), answers)
    assert not result.complete and result.problems


def test_whole_numbers_are_read_as_option_values():
    star = definition("recovery-reading")
    result = score(star, {item.id: 7 for item in star.items})
    assert result.complete and result.total == 70
