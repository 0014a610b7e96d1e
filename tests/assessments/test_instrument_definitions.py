"""Definition files (ASM-5): each shipped file loads and cites its source; a new instrument is
a file alone; old versions stay readable; a bad file is refused with a message naming the file
and the field."""

from __future__ import annotations

import copy
import textwrap

import pytest
import yaml
from django.test import override_settings

from assessments.instruments import InstrumentDefinitionError, UnknownInstrument, carried_answers, registry, score
from assessments.instruments.loading import BUILT_IN_DIR, load_definition
from tests.assessments.instruments import all_scoring, definition

SHIPPED = ["audit-c", "audit", "barc-10", "sds", "ndt", "recovery-reading"]

TINY = {
    "id": "tiny",
    "version": 1,
    "title": "Tiny check-in",
    "licence": {"note": "Written for a test.", "source": "The test suite."},
    "option_scores": {"min": 0, "max": 2},
    "total": {"min": 0, "max": 4},
    "items": [
        {
            "id": "mood",
            "text": "How is your mood?",
            "options": [{"label": "Low", "score": 0}, {"label": "So-so", "score": 1}, {"label": "Good", "score": 2}],
        },
        {
            "id": "sleep",
            "text": "How are you sleeping?",
            "options": [
                {"label": "Badly", "score": 0},
                {"label": "Some nights", "score": 1},
                {"label": "Well", "score": 2},
            ],
        },
    ],
    "bands": [{"min": 0, "max": 1, "label": "Struggling"}, {"min": 2, "label": "Getting by"}],
}


def write(folder, data, name=None):
    path = folder / (name or f"{data['id']}-v{data['version']}.yaml")
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_every_shipped_instrument_loads_with_a_licence_and_a_source():
    found = {found.id: found for found in registry().latest()}
    assert sorted(found) == sorted(SHIPPED)
    for instrument in found.values():
        assert instrument.licence.note and instrument.licence.source, instrument.id
        assert registry().file_of(instrument).parent == BUILT_IN_DIR


def test_every_sds_and_audit_c_cut_off_cites_where_it_comes_from():
    for instrument_id in ("sds", "audit-c", "barc-10"):
        assert all(threshold.source for threshold in definition(instrument_id).thresholds), instrument_id


def test_the_registry_is_loaded_once():
    assert registry() is registry()


def test_a_new_instrument_is_a_file_alone(tmp_path):
    write(tmp_path, TINY)
    with override_settings(ERS_INSTRUMENT_DIRS=[str(tmp_path)]):
        tiny = registry().get("tiny")
        result = score(tiny, {"mood": "2", "sleep": "1"})
        assert (result.total, result.band.label) == (3, "Getting by")
    with pytest.raises(UnknownInstrument):
        registry().get("tiny")


def test_old_versions_stay_readable_and_the_latest_is_the_default(tmp_path):
    write(tmp_path, TINY)
    version_2 = copy.deepcopy(TINY) | {"version": 2}
    version_2["bands"] = [{"min": 0, "max": 2, "label": "Struggling"}, {"min": 3, "label": "Getting by"}]
    write(tmp_path, version_2)
    with override_settings(ERS_INSTRUMENT_DIRS=[str(tmp_path)]):
        assert registry().versions("tiny") == [1, 2]
        assert registry().get("tiny").version == 2
        answers = {"mood": "1", "sleep": "1"}
        # A reading taken with version 1 is still scored with version 1.
        assert score(registry().get("tiny", 1), answers).band.label == "Getting by"
        assert score(registry().get("tiny"), answers).band.label == "Struggling"
        with pytest.raises(UnknownInstrument):
            registry().get("tiny", 3)


def test_a_licensed_star_configuration_loads_from_the_settings_directory(tmp_path):
    licensed = {
        "id": "licensed-star",
        "version": 1,
        "title": "Provider's licensed star",
        "kind": "star",
        "licence": {"note": "Used under the provider's licence; not part of this repository.", "source": "Provider"},
        "option_sets": {"scale": [{"score": n, "label": f"Stage {n}"} for n in range(1, 11)]},
        "option_scores": {"min": 1, "max": 10},
        "total": {"min": 3, "max": 30},
        "items": [{"id": f"domain_{n}", "text": f"Domain {n}", "options": "scale"} for n in range(1, 4)],
    }
    write(tmp_path, licensed)
    with override_settings(ERS_INSTRUMENT_DIRS=[str(tmp_path)]):
        star = registry().get("licensed-star")
        assert score(star, {"domain_1": "3", "domain_2": "4", "domain_3": "10"}).item_scores["domain_3"] == 10
        assert "licensed-star" in {found.id for found in registry().latest()}


def test_a_threshold_moves_with_the_setting():
    audit_c = definition("audit-c")
    four = {"q1": "4_or_more_a_week", "q2": "0_to_2", "q3": "never"}
    assert not score(audit_c, four).met_thresholds
    with override_settings(ERS_INSTRUMENT_THRESHOLDS={"audit-c": {"positive": 4}}):
        assert score(registry().get("audit-c"), four).leads_to == ["audit"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"audit-c": {"negative": 4}}, "audit-c has no threshold 'negative'"),
        ({"audit-c": {"positive": 13}}, "at_least 13"),
    ],
)
def test_a_bad_threshold_setting_is_refused(overrides, message):
    with override_settings(ERS_INSTRUMENT_THRESHOLDS=overrides), pytest.raises(InstrumentDefinitionError) as caught:
        registry()
    assert message in str(caught.value) and "ERS_INSTRUMENT_THRESHOLDS" in str(caught.value)


def test_a_positive_audit_c_carries_its_answers_into_the_full_audit():
    audit_c, audit = definition("audit-c"), definition("audit")
    screen = score(audit_c, {"q1": "4_or_more_a_week", "q2": "5_to_6", "q3": "weekly"})
    follow_on = registry().get(screen.leads_to[0])
    assert follow_on is audit
    carried = carried_answers(screen, audit)
    assert carried == {"q1": "4_or_more_a_week", "q2": "5_to_6", "q3": "weekly"}
    full = score(audit, {**all_scoring(audit, 0), **carried})
    assert full.subscales["consumption"] == screen.total == 9
    assert carried_answers(screen, definition("barc-10")) == {}


# --- Malformed definitions ----------------------------------------------------------------------


def _broken(change):
    data = copy.deepcopy(TINY)
    change(data)
    return data


def _set(path, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


BROKEN = [
    pytest.param(_set(["items", 1, "id"], "mood"), "duplicate item id(s) mood", id="duplicate item id"),
    pytest.param(
        _set(["bands"], [{"min": 0, "max": 2, "label": "Low"}, {"min": 2, "label": "High"}]),
        "bands: 'High' starts at 2 and overlaps the band before it",
        id="overlapping bands",
    ),
    pytest.param(
        _set(["bands"], [{"min": 0, "max": 1, "label": "Low"}, {"min": 3, "label": "High"}]),
        "bands: 'High' starts at 3 and leaves a gap from 2",
        id="gap between bands",
    ),
    pytest.param(
        _set(["bands"], [{"min": 0, "max": 1, "label": "Low"}, {"min": 2, "max": 3, "label": "High"}]),
        "bands: they end at 3, but the total can reach 4",
        id="bands short of the range",
    ),
    pytest.param(
        _set(["bands"], [{"min": 1, "max": 4, "label": "All"}]),
        "'All' starts at 1 and leaves a gap from 0",
        id="bands starting late",
    ),
    pytest.param(
        _set(["items", 0, "options", 2, "score"], 3),
        "item 'mood': option '3' scores 3, outside the declared option_scores range 0-2",
        id="option score outside range",
    ),
    pytest.param(
        _set(["total"], {"min": 0, "max": 5}),
        "total: declared 0-5, but the items and scoring give 0-4",
        id="wrong declared total",
    ),
    pytest.param(
        _set(["subscales"], [{"id": "rest", "title": "Rest", "items": ["mood", "dreams"]}]),
        "subscale 'rest' names unknown item(s) dreams",
        id="unknown subscale item",
    ),
    pytest.param(
        _set(["scoring"], {"method": "weighted_sum", "weights": {"appetite": 2}}),
        "weights name unknown or unscored item(s) appetite",
        id="weight for an unknown item",
    ),
    pytest.param(
        _set(["items", 0, "options", 1, "lable"], "typo"),
        "items[mood].options[1].lable: Extra inputs",
        id="misspelt field",
    ),
    pytest.param(
        _set(["items", 0, "options"], []), "items[mood].options: List should have at least 1 item", id="no options"
    ),
    pytest.param(
        _set(["items", 0, "options", 1, "score"], 0),
        "item 'mood' repeats the option value(s) 0",
        id="repeated option value",
    ),
    pytest.param(_set(["licence"], {"note": "Free."}), "licence.source: Field required", id="no source"),
    pytest.param(
        _set(["thresholds"], [{"id": "high", "label": "High", "at_least": 9}]),
        "threshold 'high': at_least 9 is outside the possible total 0-4",
        id="threshold out of range",
    ),
    pytest.param(
        _set(["thresholds"], [{"id": "next", "label": "Next", "at_least": 3, "leads_to": "nowhere"}]),
        "refers to the instrument 'nowhere', which is not defined",
        id="leads to an unknown instrument",
    ),
    pytest.param(
        _set(["items", 0, "options"], "moods"),
        "uses the option set 'moods', which is not declared",
        id="unknown option set",
    ),
]


@pytest.mark.parametrize(("change", "message"), BROKEN)
def test_a_malformed_definition_is_refused_naming_file_and_field(tmp_path, change, message):
    path = write(tmp_path, _broken(change))
    with override_settings(ERS_INSTRUMENT_DIRS=[str(tmp_path)]), pytest.raises(InstrumentDefinitionError) as caught:
        registry()
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_a_file_not_named_after_its_id_and_version_is_refused(tmp_path):
    path = write(tmp_path, TINY, name="tiny-v2.yaml")
    with pytest.raises(InstrumentDefinitionError, match="must be named tiny-v1.yaml"):
        load_definition(path)


def test_the_same_version_twice_is_refused_naming_both_files(tmp_path):
    write(tmp_path, TINY | {"id": "audit-c", "version": 1})
    with override_settings(ERS_INSTRUMENT_DIRS=[str(tmp_path)]), pytest.raises(InstrumentDefinitionError) as caught:
        registry()
    assert "audit-c version 1 is also defined in" in str(caught.value)


def test_a_file_that_is_not_yaml_is_refused(tmp_path):
    path = tmp_path / "odd-v1.yaml"
    path.write_text(textwrap.dedent("id: odd\nitems: [\n"), encoding="utf-8")
    with pytest.raises(InstrumentDefinitionError, match="cannot be read as YAML"):
        load_definition(path)


def test_a_missing_directory_is_refused(tmp_path):
    with (
        override_settings(ERS_INSTRUMENT_DIRS=[str(tmp_path / "absent")]),
        pytest.raises(InstrumentDefinitionError, match="instrument directory not found"),
    ):
        registry()


def test_the_full_audit_opens_with_exactly_the_audit_c_questions():
    audit_c, audit = definition("audit-c"), definition("audit")
    assert audit.items[:3] == audit_c.items
    assert audit.item("q2").options[0].label == "0 to 2"  # OHID's units wording
