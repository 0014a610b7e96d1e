"""The equity and disengagement-risk dashboards (RPT-6): who may see them, exact figures for
managers and disclosed ones for commissioners (RPT-4), the filters, no personal data, and a
fixed number of queries however much history there is."""

from __future__ import annotations

import sys
import types

import pytest
from django.urls import reverse

from reporting.population import PopulationError, load_file, population_for
from reporting.views_dashboards import CHARACTERISTIC_INVALID, COUNCIL_INVALID, QUARTER_INVALID
from tests.reporting import test_equality_dataset as shared
from tests.reporting.test_equality_dataset import DATE_OF_BIRTH, NAMES, POSTCODE, QUARTER, build_dataset

dataset = shared.dataset
disclosure = shared.disclosure

EQUITY = reverse("reporting:dashboard_equity")
DISENGAGEMENT = reverse("reporting:dashboard_disengagement")
PAGES = [EQUITY, DISENGAGEMENT]
IN_QUARTER = {"quarter": QUARTER.code}


def _get(client, user, url, data=None):
    client.force_login(user)
    response = client.get(url, data or {})
    assert response.status_code == 200
    return response.content.decode()


def _cells(row: str) -> list[str]:
    return [cell.split("<")[0] for cell in row.split('numeric">')[1:]]


def _row(html: str, label: str) -> str:
    """The text of the first table row whose header is ``label``."""
    start = html.index(f">{label}</th>")
    return html[start : html.index("</tr>", start)]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize(
    "persona",
    [
        "spoc_practitioner",
        "hub_worker",
        "peer_worker",
        "safeguarding_lead",
        "treatment_practitioner",
        "data_protection_officer",
        "outsider",
    ],
)
def test_only_managers_and_commissioners_see_the_dashboards(client, request, persona, url):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_signed_out_visitors_are_sent_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_manager_sees_exact_counts_by_ethnicity_against_the_local_population(client, manager, dataset, disclosure):
    html = _get(client, manager, EQUITY, IN_QUARTER)
    access = html[html.index("Access compared with the local population") :]
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in _row(access, "White")
    # Two of the three people with an answer (prefer not to say and not recorded left out).
    assert "67%" in _row(access, "White")
    assert "example figures" in html  # the configured population, marked as examples
    assert "Exact figures" in html


def test_a_commissioner_sees_the_same_dashboard_disclosed(client, commissioner, dataset, disclosure):
    html = _get(client, commissioner, EQUITY, IN_QUARTER)
    access = html[html.index("Access compared with the local population") :]
    referred, share, local, difference = _cells(_row(access, "White"))
    assert (referred, share, difference) == ("*", "-", "-")  # a share on a small count: withheld
    assert local.endswith("%")  # the census share is public: shown as it is
    assert "Exact figures" not in html


def test_the_characteristic_can_be_chosen(client, manager, dataset, disclosure):
    html = _get(client, manager, EQUITY, {**IN_QUARTER, "characteristic": "sex"})
    assert "Prefer not to say" in html
    quality = html[html.index("how complete the answers are") :]
    assert ">2 (33%)<" in quality  # not recorded: P3 and the referral not yet linked, of six


def test_outcomes_are_shown_by_answer(client, manager, dataset, disclosure):
    html = _get(client, manager, EQUITY, {**IN_QUARTER, "characteristic": "sex"})
    outcomes = html[html.index("Outcomes in the quarter") :]
    female = _row(outcomes, "Female")
    # Referred 2, began support 1, referred to Treatment 1, started 1, goals met 0; 50% began
    # support, 100% of those referred to Treatment started.
    assert _cells(female) == ["2", "1", "1", "1", "0", "50%", "100%"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"quarter": "2025-26-Q9"}, QUARTER_INVALID),
        ({"quarter": "1999-00-Q1"}, QUARTER_INVALID),
        ({"council": "lancashire"}, COUNCIL_INVALID),
        ({"characteristic": "star_sign"}, CHARACTERISTIC_INVALID),
    ],
)
def test_a_hand_edited_address_gets_a_message_naming_the_filter_never_an_error_page(
    client, manager, disclosure, query, message
):
    url = EQUITY if "characteristic" in query else DISENGAGEMENT
    html = _get(client, manager, url, query)
    assert "There is a problem" in html
    assert str(message) in html
    assert "<title>Error:" in html


def test_one_council(client, manager, dataset, disclosure):
    html = _get(client, manager, EQUITY, {**IN_QUARTER, "council": "westmorland_and_furness", "characteristic": "sex"})
    assert "Westmorland and Furness" in html
    quality = html[html.index("how complete the answers are") :]
    assert ">2<" in quality  # P2 and P6


def test_the_disengagement_dashboard_counts_flags_and_reasons_by_hub(client, manager, dataset, disclosure):
    html = _get(client, manager, DISENGAGEMENT, IN_QUARTER)
    now = html[html.index("Flagged for re-engagement now") :]
    assert _row(now, "Kendal (Westmorland and Furness)").count(">1<") == 2  # P7, flagged long ago
    assert _row(now, "Carlisle (Cumberland)").count(">0<") == 2
    reasons = html[html.index("People becoming inactive, by reason") :]
    # Disengaged in Q2 (P7), goals met in Q3 (P4): columns Q3 2024/25 .. Q3 2025/26.
    assert _cells(_row(reasons, "Disengaged")) == ["0", "0", "0", "1", "0"]
    assert _cells(_row(reasons, "Recovery goals met")) == ["0", "0", "0", "0", "1"]
    flagged = html[html.index("People flagged for re-engagement, by hub") :]
    assert _cells(_row(flagged, "Kendal (Westmorland and Furness)")) == ["0", "0", "0", "1", "0"]
    # Managers follow links to the people; there are no names here.
    assert reverse("referrals:my_work") in html


def test_commissioners_get_no_links_to_people_and_small_counts_hidden(client, commissioner, dataset, disclosure):
    html = _get(client, commissioner, DISENGAGEMENT, IN_QUARTER)
    assert reverse("referrals:my_work") not in html
    assert ">*<" in _row(html[html.index("Flagged for re-engagement now") :], "Kendal (Westmorland and Furness)")


@pytest.mark.parametrize("persona", ["manager", "commissioner"])
@pytest.mark.parametrize("url", PAGES)
def test_no_names_postcodes_or_dates_of_birth_on_any_dashboard(client, request, dataset, disclosure, persona, url):
    user = request.getfixturevalue(persona)
    for characteristic in ("age_band", "sex", "ethnicity"):
        html = _get(client, user, url, {**IN_QUARTER, "characteristic": characteristic})
        for personal in (*NAMES, POSTCODE, DATE_OF_BIRTH.isoformat(), "15 November 1990", "15/11/1990"):
            assert personal not in html, (url, personal)
        for person in dataset.people.values():
            assert person.reference not in html


@pytest.mark.parametrize("url", PAGES)
def test_a_fixed_number_of_queries_however_many_people(
    client, manager, dataset, disclosure, hub, other_hub, django_assert_max_num_queries, url
):
    client.force_login(manager)
    client.get(url, IN_QUARTER)  # the session and the menu, loaded once
    with django_assert_max_num_queries(20):
        client.get(url, IN_QUARTER)
    build_dataset(by=manager, hub=hub, other_hub=other_hub)
    build_dataset(by=manager, hub=hub, other_hub=other_hub)
    with django_assert_max_num_queries(20):
        assert client.get(url, IN_QUARTER).status_code == 200


def test_the_chart_is_drawn_beside_its_table_when_the_charts_module_is_there(
    client, manager, dataset, disclosure, monkeypatch
):
    charts = types.ModuleType("reporting.charts")
    charts.table_chart_svg = lambda table: f'<svg role="img"><title>{table.title}</title></svg>'
    monkeypatch.setitem(sys.modules, "reporting.charts", charts)
    html = _get(client, manager, DISENGAGEMENT, IN_QUARTER)
    assert '<svg role="img"><title>People becoming inactive, by reason</title></svg>' in html
    assert '<caption class="govuk-table__caption govuk-table__caption--m">People becoming inactive, by reason' in html


# --- The local population table ----------------------------------------------------------------


def test_the_shipped_population_files_load_and_weight_into_the_whole_service():
    cumberland = population_for("cumberland")
    assert cumberland.example
    assert cumberland.share("sex", "female") == pytest.approx(50.6)
    whole = population_for("")
    assert 50.6 < whole.share("sex", "female") < 51.0
    assert sum(whole.shares["ethnicity"].values()) == pytest.approx(100)
    assert population_for("outside_area") is None


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("council: lancashire\nsource: x\nresidents: 1\nshares: {}\n", "unknown council"),
        ("council: cumberland\nsource: x\nresidents: 1\nshares: {sex: {female: 60, male: 30}}\n", "add up to 90.0"),
        ("council: cumberland\nsource: x\nresidents: 1\nshares: {sex: {unknown: 100}}\n", "unknown answers"),
        ("council: cumberland\nsource: x\nresidents: 1\nshares: {star_sign: {leo: 100}}\n", "unknown characteristic"),
        ("council: cumberland\nsource: x\nresidents: 1\nshares: {}\nextra: 1\n", "extra"),
    ],
)
def test_a_wrong_population_file_is_refused_naming_the_file(tmp_path, text, complaint):
    path = tmp_path / "cumberland.yaml"
    path.write_text(text)
    with pytest.raises(PopulationError, match=complaint) as error:
        load_file(path)
    assert "cumberland.yaml" in str(error.value)
