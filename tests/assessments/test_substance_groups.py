"""ASM-4: the group commissioners report by, from the substances recorded."""

import pytest

from assessments.models.codes import ReportingGroup, Substance, reporting_group


@pytest.mark.parametrize(
    ("primary", "secondary", "group"),
    [
        ("", "", None),
        (Substance.OPIOIDS, "", ReportingGroup.OPIATE),
        (Substance.ALCOHOL, Substance.OPIOIDS, ReportingGroup.OPIATE),
        (Substance.CRACK, Substance.OPIOIDS, ReportingGroup.OPIATE),
        (Substance.ALCOHOL, "", ReportingGroup.ALCOHOL_ONLY),
        (Substance.ALCOHOL, Substance.ALCOHOL, ReportingGroup.ALCOHOL_ONLY),
        ("", Substance.ALCOHOL, ReportingGroup.ALCOHOL_ONLY),
        (Substance.CANNABIS, "", ReportingGroup.NON_OPIATE_ONLY),
        (Substance.CRACK, Substance.COCAINE, ReportingGroup.NON_OPIATE_ONLY),
        (Substance.ALCOHOL, Substance.COCAINE, ReportingGroup.NON_OPIATE_AND_ALCOHOL),
        (Substance.BENZODIAZEPINES, Substance.ALCOHOL, ReportingGroup.NON_OPIATE_AND_ALCOHOL),
    ],
)
def test_every_combination_falls_in_one_reporting_group(primary, secondary, group):
    assert reporting_group(primary, secondary) == group


def test_every_substance_has_a_group_alone_and_with_alcohol():
    for substance in Substance:
        assert reporting_group(substance) is not None
        assert reporting_group(substance, Substance.ALCOHOL) in (
            ReportingGroup.OPIATE,
            ReportingGroup.ALCOHOL_ONLY,
            ReportingGroup.NON_OPIATE_AND_ALCOHOL,
        )
