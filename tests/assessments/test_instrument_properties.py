"""Properties every instrument keeps, for any answers (hypothesis): a complete set of valid
answers gives a total within the declared range and falls in exactly one band; anything else
is reported, never raised."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.instruments import registry, score

INSTRUMENTS = ["audit-c", "audit", "barc-10", "sds", "ndt", "recovery-reading"]
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def complete_answers(definition):
    return st.fixed_dictionaries(
        {item.id: st.sampled_from([o.value for o in item.options]) for item in definition.items}
    )


@pytest.mark.parametrize("instrument_id", INSTRUMENTS)
def test_complete_valid_answers_give_a_total_in_range_and_exactly_one_band(instrument_id):
    definition = registry().get(instrument_id)

    @FAST
    @given(complete_answers(definition))
    def check(answers):
        result = score(definition, answers)
        assert result.complete and not result.problems
        assert definition.total.min <= result.total <= definition.total.max
        assert result.total == sum(result.item_scores[item_id] for item_id in definition.total_items())
        if definition.bands:
            containing = [
                band
                for band in definition.bands
                if band.min <= result.total <= (definition.total.max if band.max is None else band.max)
            ]
            assert len(containing) == 1
            assert result.band.label == containing[0].label
        for threshold in result.thresholds:
            assert threshold.met is (threshold.score >= threshold.at_least)

    check()


ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@pytest.mark.parametrize("instrument_id", INSTRUMENTS)
def test_any_answers_at_all_are_scored_without_raising(instrument_id):
    definition = registry().get(instrument_id)
    keys = st.sampled_from([item.id for item in definition.items] + ["unknown", ""])

    @FAST
    @given(st.dictionaries(keys, ANYTHING, max_size=len(definition.items) + 2))
    def check(answers):
        result = score(definition, answers)
        assert result.complete is (not result.problems)
        if not result.complete:
            assert result.total is None and result.band is None and result.thresholds == ()
        assert 0 <= result.partial_total <= definition.total.max

    check()
