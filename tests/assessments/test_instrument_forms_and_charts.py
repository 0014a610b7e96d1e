"""Forms built from a definition, and change between readings as an accessible SVG chart with
the same numbers as a table (ASM-5)."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from crispy_forms.utils import render_crispy_form

from assessments.instruments import score
from assessments.instruments.charts import Reading, readings_chart_svg, readings_table
from assessments.instruments.forms import SAVE_READING, instrument_form
from tests.assessments.instruments import all_scoring, answers_scoring, definition

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - the service's own SVG, not untrusted input


# --- Forms ------------------------------------------------------------------------------------


@pytest.mark.parametrize("instrument_id", ["audit-c", "audit", "barc-10", "sds", "ndt", "recovery-reading"])
def test_every_instrument_gets_a_form_with_one_set_of_radios_per_item(instrument_id):
    instrument = definition(instrument_id)
    form = instrument_form(instrument)
    assert list(form.fields) == [item.id for item in instrument.items]
    html = render_crispy_form(form)
    assert html.count('class="govuk-radios__input"') == sum(len(item.options) for item in instrument.items)
    assert str(SAVE_READING) in html


def test_a_complete_form_carries_the_computed_score():
    audit_c = definition("audit-c")
    form = instrument_form(audit_c, {"q1": "2_to_3_a_week", "q2": "10_or_more", "q3": "weekly"})
    assert form.is_valid()
    assert form.result.total == 10 and form.result.leads_to == ["audit"]
    assert "total" not in form.fields  # a score is never typed in


def test_each_unanswered_item_has_its_own_message_and_answers_are_kept():
    audit = definition("audit")
    data = all_scoring(audit, 0)
    del data["q4"], data["q9"]
    data["q1"] = "4_or_more_a_week"
    form = instrument_form(audit, data)
    assert not form.is_valid()
    assert form.errors == {"q4": ["Select an answer for question 4"], "q9": ["Select an answer for question 9"]}
    assert [anchor for anchor, _ in form.error_summary] == ["id_q4_1", "id_q9_1"]
    html = render_crispy_form(form)
    # What was chosen is still chosen.
    assert re.search(r'<input[^>]*value="4_or_more_a_week"[^>]*checked', html)
    assert "Select an answer for question 9" in html


def test_an_answer_that_is_not_an_option_is_refused_by_the_form():
    audit = definition("audit")
    form = instrument_form(audit, {**all_scoring(audit, 0), "q9": "1"})
    assert not form.is_valid()
    assert form.errors == {"q9": ["Select an answer for question 9"]}


def test_carried_answers_open_the_follow_on_form():
    audit = definition("audit")
    form = instrument_form(audit, initial={"q1": "monthly_or_less"})
    assert 'value="monthly_or_less"' in render_crispy_form(form)
    assert form["q1"].value() == "monthly_or_less"


# --- Charts -----------------------------------------------------------------------------------


def audit_readings():
    audit = definition("audit")
    totals = {
        dt.date(2026, 1, 10): [4, 4, 4, 4, 4, 0, 0, 0, 2, 2],
        dt.date(2026, 4, 2): [3, 3, 3, 2, 2, 0, 0, 0, 0, 0],
        dt.date(2026, 2, 20): [4, 4, 4, 2, 2, 0, 0, 0, 0, 0],
    }
    readings = [
        Reading(
            day, score(audit, answers_scoring(audit, dict(zip([f"q{n}" for n in range(1, 11)], scores, strict=True))))
        )
        for day, scores in totals.items()
    ]
    # An incomplete reading has no score: it is neither drawn nor tabled.
    readings.append(Reading(dt.date(2026, 3, 1), score(audit, {"q1": "never"})))
    return audit, readings


def test_the_table_has_the_charts_numbers_in_date_order_with_the_change():
    audit, readings = audit_readings()
    table = readings_table(audit, readings)
    assert table.head == ["Date", "Total score", "Change", "Band"]
    assert table.rows == [
        ["10 Jan 2026", "24", "", "Zone IV: possible dependence"],
        ["20 Feb 2026", "16", "-8", "Zone III: higher risk"],
        ["2 Apr 2026", "13", "-3", "Zone II: increasing risk"],
    ]


def test_the_chart_is_an_accessible_svg_with_a_title_and_a_description():
    audit, readings = audit_readings()
    svg = readings_chart_svg(audit, readings, element_id="audit-chart")
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "audit-chart-title audit-chart-desc"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert list(root)[:2] == [title, desc]
    assert title.get("id") == "audit-chart-title" and "change between readings" in title.text
    assert desc.text == "3 readings, 10 Jan 2026 to 2 Apr 2026: Total score from 24 to 13."
    assert root.get("viewBox") and root.get("width") is None  # scales to its container


def test_the_chart_obeys_a_content_security_policy_without_inline_styles():
    audit, readings = audit_readings()
    svg = readings_chart_svg(audit, readings)
    assert "style=" not in svg and "<style" not in svg
    assert "<text" in svg and "@font-face" not in svg and "<path d=" in svg  # text as text, no embedded font
    assert 'font-family="Helvetica Neue, Helvetica, Arial, sans-serif"' in svg
    assert readings_chart_svg(audit, list(reversed(readings))) == svg  # the same readings, the same SVG


def test_a_star_reading_is_charted_and_tabled_domain_by_domain():
    star = definition("recovery-reading")
    first = all_scoring(star, 4)
    readings = [
        Reading(dt.date(2026, 5, 1), score(star, first)),
        Reading(dt.date(2026, 6, 1), score(star, first | {"home": "7", "money": "3"})),
    ]
    table = readings_table(star, readings)
    assert table.head == ["Date"] + [item.text for item in star.items]
    home = table.head.index("Somewhere to live")
    assert [row[home] for row in table.rows] == ["4", "7"]
    svg = readings_chart_svg(star, readings)
    desc = parse(svg).find(f"{SVG}desc").text
    assert "Somewhere to live from 4 to 7" in desc and "Money and benefits from 4 to 3" in desc
    for item in star.items:  # every domain has its own titled panel
        assert item.text.split()[0] in svg


def test_no_readings_yet_still_gives_a_chart_that_says_so():
    svg = readings_chart_svg(definition("audit"), [])
    assert parse(svg).find(f"{SVG}desc").text == "No complete readings yet."
    assert readings_table(definition("audit"), []).rows == []
