"""The protected-characteristic report (RPT-3, §4.2.8, TH KPI 3): access and outcomes by every
characteristic in ASM-3, with "Prefer not to say" and "Not recorded" as rows of their own so the
quality of the data is as visible as the figures.

One table per characteristic. Its two dimensions are the measure (referred, began support,
referred to Treatment, started treatment, left with recovery goals met) and the characteristic's
coded answer; its columns are the quarter and the four before it. Every count is of people
(distinct), made in the database: two queries per measure whatever the size of the history,
never a loop over people in Python. Every number then passes through ``reporting.disclosure``
(RPT-4) before it reaches a ``Table``.

The answers are the person's equality section as it stands now (ASM-3 keeps it current and
versioned); age is worked out from the date of birth at the time of the event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, Q, Value, When
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import LessThan
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import EqualitySection
from assessments.models.codes import NOT_ASKED, PREFER_NOT_TO_SAY
from recovery_plans.models import EngagementStatus, EngagementTransition
from referrals.models import Referral, TreatmentReferral
from reporting.periods import Quarter
from reporting.report_data import WHOLE_SERVICE, Row, Table

NOT_RECORDED = "not_recorded"
REQUIREMENT = "RPT-3 (TH KPI 3)"  # §4.2.8


# --- Measures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """Something that happens to a person in a quarter, counted once per person.

    ``model`` holds the event, ``at`` its date or time; ``person`` is the path from the event to
    the person, ``from_person`` the path from the person to the event (the equality section
    can only be joined from the person's side); ``council`` is where the person lived, as the
    event records it; ``date_of_birth`` the fallbacks for age, in order."""

    key: str
    label: str
    definition: str
    model: type[models.Model]
    at: str
    person: str
    from_person: str
    council: str
    date_of_birth: tuple[str, ...]
    filters: dict = field(default_factory=dict)
    at_is_date: bool = False


MEASURES: tuple[Measure, ...] = (
    Measure(
        key="referred",
        label=gettext_lazy("Referred"),
        definition=gettext_lazy("People with a referral received in the quarter."),
        model=Referral,
        at="received_at",
        person="person",
        from_person="referrals",
        council="council_of_residence",
        # Before triage links a referral to a person, the date of birth the referrer gave.
        date_of_birth=("person__date_of_birth", "subject_date_of_birth"),
    ),
    Measure(
        key="engaged",
        label=gettext_lazy("Began support"),
        definition=gettext_lazy("People allocated to a hub and a worker in the quarter."),
        model=Referral,
        at="allocated_at",
        person="person",
        from_person="referrals",
        council="council_of_residence",
        date_of_birth=("person__date_of_birth", "subject_date_of_birth"),
    ),
    Measure(
        key="treatment_referred",
        label=gettext_lazy("Referred to Treatment"),
        definition=gettext_lazy("People whose referral to the Treatment Service was sent in the quarter."),
        model=TreatmentReferral,
        at="sent_at",
        person="referral__person",
        from_person="referrals__treatment_referrals",
        council="referral__council_of_residence",
        date_of_birth=("referral__person__date_of_birth", "referral__subject_date_of_birth"),
    ),
    Measure(
        key="treatment_started",
        label=gettext_lazy("Started treatment"),
        definition=gettext_lazy("People who started treatment with the Treatment Service in the quarter."),
        model=TreatmentReferral,
        at="treatment_started_on",
        at_is_date=True,
        person="referral__person",
        from_person="referrals__treatment_referrals",
        council="referral__council_of_residence",
        date_of_birth=("referral__person__date_of_birth", "referral__subject_date_of_birth"),
    ),
    Measure(
        key="goals_met",
        label=gettext_lazy("Recovery goals met"),
        definition=gettext_lazy("People whose support ended in the quarter with their recovery goals met."),
        model=EngagementTransition,
        at="at",
        person="person",
        from_person="engagement_transitions",
        council="person__council_of_residence",
        date_of_birth=("person__date_of_birth",),
        filters={"to_status": EngagementStatus.Status.INACTIVE, "reason": EngagementStatus.Reason.GOALS_MET},
    ),
)
MEASURE_KEYS = tuple(measure.key for measure in MEASURES)


# --- Characteristics -------------------------------------------------------------------------


@dataclass(frozen=True)
class Characteristic:
    """One ASM-3 characteristic: ``field`` on the equality section (None for age, which comes
    from the date of birth), and its coded answers in order, "Not recorded" last."""

    key: str
    title: str
    field: str | None
    answers: tuple[tuple[str, str], ...]


AGE_BANDS: tuple[tuple[str, int | None, str], ...] = (
    # (code, lowest age in the band, label); the first band starts at 0.
    ("under_18", None, gettext_lazy("Under 18")),
    ("18_24", 18, gettext_lazy("18 to 24")),
    ("25_34", 25, gettext_lazy("25 to 34")),
    ("35_44", 35, gettext_lazy("35 to 44")),
    ("45_54", 45, gettext_lazy("45 to 54")),
    ("55_64", 55, gettext_lazy("55 to 64")),
    ("65_and_over", 65, gettext_lazy("65 and over")),
)


def _answers(choices: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The coded answers, then "Prefer not to say" (where it is an answer), then "Not recorded"
    (not asked yet, or no equality section at all)."""
    coded = [(code, label) for code, label in choices if code not in (NOT_ASKED, PREFER_NOT_TO_SAY)]
    if PREFER_NOT_TO_SAY in dict(choices):
        coded.append((PREFER_NOT_TO_SAY, gettext_lazy("Prefer not to say")))
    return (*coded, (NOT_RECORDED, gettext_lazy("Not recorded")))


def _section(key: str, title, name: str) -> Characteristic:
    return Characteristic(key, title, name, _answers(EqualitySection._meta.get_field(name).choices))


CHARACTERISTICS: tuple[Characteristic, ...] = (
    Characteristic(
        "age_band",
        gettext_lazy("Age"),
        None,
        (*((c, label) for c, _low, label in AGE_BANDS), (NOT_RECORDED, gettext_lazy("Not recorded"))),
    ),
    _section("disability", gettext_lazy("Disability or long-term condition"), "disability"),
    _section(
        "gender_reassignment",
        gettext_lazy("Gender identity different from sex registered at birth"),
        "gender_reassignment",
    ),
    _section("relationship", gettext_lazy("Marriage or civil partnership"), "relationship"),
    _section("pregnancy", gettext_lazy("Pregnancy or maternity"), "pregnancy"),
    _section("ethnicity", gettext_lazy("Ethnic group"), "ethnicity"),
    _section("religion", gettext_lazy("Religion or belief"), "religion"),
    _section("sex", gettext_lazy("Sex"), "sex"),
    _section("sexual_orientation", gettext_lazy("Sexual orientation"), "sexual_orientation"),
    _section("armed_forces", gettext_lazy("Armed forces"), "armed_forces"),
    _section("care_experienced", gettext_lazy("Care experienced"), "care_experienced"),
    _section("neurodivergence", gettext_lazy("Neurodivergent"), "neurodivergence"),
    _section("rurality", gettext_lazy("Town or countryside"), "rurality"),
    # First language is free text, so it is not counted: the coded need for an interpreter is.
    _section("interpreter", gettext_lazy("Needs an interpreter"), "interpreter"),
)
CHARACTERISTICS_BY_KEY = {characteristic.key: characteristic for characteristic in CHARACTERISTICS}


# --- Counting in the database ----------------------------------------------------------------


def _range(measure: Measure, quarter: Quarter, prefix: str = "") -> dict:
    at = f"{prefix}{measure.at}"
    if measure.at_is_date:
        return {f"{at}__gte": quarter.start_date, f"{at}__lte": quarter.end_date}
    return {f"{at}__gte": quarter.starts_at, f"{at}__lt": quarter.ends_at}


def _period(measure: Measure, periods: Sequence[Quarter], prefix: str = "") -> Case:
    """Which of ``periods`` (0, 1, ...) the event falls in."""
    return Case(
        *(When(Q(**_range(measure, quarter, prefix)), then=Value(index)) for index, quarter in enumerate(periods)),
        default=Value(-1),
        output_field=models.IntegerField(),
    )


def _lookups(measure: Measure, periods: Sequence[Quarter], council: str, prefix: str = "") -> Q:
    """The events of ``measure`` in any of ``periods`` (consecutive: from the first one's start
    to the last one's end), for ``council``, seen from ``prefix``."""
    first, last = _range(measure, periods[0], prefix), _range(measure, periods[-1], prefix)
    wanted = Q(**{key: value for key, value in first.items() if key.endswith("__gte")})
    wanted &= Q(**{key: value for key, value in last.items() if not key.endswith("__gte")})
    wanted &= Q(**{f"{prefix}{name}": value for name, value in measure.filters.items()})
    if council != WHOLE_SERVICE:
        wanted &= Q(**{f"{prefix}{measure.council}": council})
    return wanted


def _age(measure: Measure):
    """Whole years between the date of birth and the event, in the database."""
    names = measure.date_of_birth
    born = Coalesce(*names) if len(names) > 1 else models.F(names[0])
    at = models.F(measure.at)
    years = ExtractYear(at) - ExtractYear(born)
    birthday_to_come = LessThan(ExtractMonth(at) * 100 + ExtractDay(at), ExtractMonth(born) * 100 + ExtractDay(born))
    return years - Case(When(birthday_to_come, then=Value(1)), default=Value(0))


def _age_band(measure: Measure) -> Case:
    age = _age(measure)
    whens = [When(Q(**{f"{name}__isnull": True for name in measure.date_of_birth}), then=Value(NOT_RECORDED))]
    uppers = [low for _code, low, _label in AGE_BANDS[1:]]
    for (code, _low, _label), upper in zip(AGE_BANDS[:-1], uppers, strict=True):
        whens.append(When(LessThan(age, upper), then=Value(code)))
    return Case(*whens, default=Value(AGE_BANDS[-1][0]), output_field=models.CharField())


def _people(measure: Measure, **extra) -> Count:
    return Count(measure.person, distinct=True, **extra)


def _unlinked(measure: Measure, **extra) -> Count:
    """Referrals not linked to a person yet (before triage): each is somebody, not recorded."""
    condition = Q(**{f"{measure.person}__isnull": True})
    if "filter" in extra:
        condition &= extra.pop("filter")
    return Count("pk", filter=condition)


@dataclass
class MeasureCounts:
    """Exact counts for one measure: ``total[i]`` people in period i, and
    ``by[characteristic][answer][i]``. Never published as they are (RPT-4)."""

    total: list[int]
    by: dict[str, dict[str, list[int]]]


def _event_counts(measure: Measure, periods: Sequence[Quarter], council: str) -> tuple[list[int], dict]:
    """People per period, and per age band, from the events themselves (one query)."""
    bands = [code for code, _low, _label in AGE_BANDS] + [NOT_RECORDED]
    aggregates = {"people": _people(measure), "unlinked": _unlinked(measure)}
    for code in bands:
        aggregates[f"band_{code}"] = _people(measure, filter=Q(age_band=code))
        aggregates[f"band_{code}_unlinked"] = _unlinked(measure, filter=Q(age_band=code))
    rows = (
        measure.model.objects.filter(_lookups(measure, periods, council))
        .annotate(period=_period(measure, periods), age_band=_age_band(measure))
        .order_by()
        .values("period")
        .annotate(**aggregates)
    )
    total = [0] * len(periods)
    by_band = {code: [0] * len(periods) for code in bands}
    for row in rows:
        index = row["period"]
        if index < 0:
            continue
        total[index] = row["people"] + row["unlinked"]
        for code in bands:
            by_band[code][index] = row[f"band_{code}"] + row[f"band_{code}_unlinked"]
    return total, by_band


def _section_counts(measure: Measure, periods: Sequence[Quarter], council: str) -> tuple[list[int], dict]:
    """People per period with an equality section, and per answer of each characteristic,
    joined from the section through the person to the events (one query)."""
    prefix = f"person__{measure.from_person}__"
    fields = [c for c in CHARACTERISTICS if c.field]
    aggregates = {"recorded": Count("person", distinct=True)}
    for characteristic in fields:
        for code, _label in characteristic.answers:
            stored = NOT_ASKED if code == NOT_RECORDED else code
            aggregates[f"{characteristic.key}__{code}"] = Count(
                "person", distinct=True, filter=Q(**{characteristic.field: stored})
            )
    # One filter() call, then annotate: the period reads the same join the filter made.
    rows = (
        EqualitySection.objects.filter(_lookups(measure, periods, council, prefix))
        .annotate(period=_period(measure, periods, prefix))
        .order_by()
        .values("period")
        .annotate(**aggregates)
    )
    recorded = [0] * len(periods)
    by = {c.key: {code: [0] * len(periods) for code, _label in c.answers} for c in fields}
    for row in rows:
        index = row["period"]
        if index < 0:
            continue
        recorded[index] = row["recorded"]
        for characteristic in fields:
            for code, _label in characteristic.answers:
                by[characteristic.key][code][index] = row[f"{characteristic.key}__{code}"]
    return recorded, by


def measure_counts(measure: Measure, *, periods: Sequence[Quarter], council: str = WHOLE_SERVICE) -> MeasureCounts:
    """Exact counts of ``measure`` for every characteristic (two queries)."""
    total, by_band = _event_counts(measure, periods, council)
    recorded, by = _section_counts(measure, periods, council)
    # Everyone without an equality section is "Not recorded", with those not asked yet.
    for answers in by.values():
        answers[NOT_RECORDED] = [
            not_asked + people - with_section
            for not_asked, people, with_section in zip(answers[NOT_RECORDED], total, recorded, strict=True)
        ]
    return MeasureCounts(total=total, by={"age_band": by_band, **by})


def equality_counts(*, periods: Sequence[Quarter], council: str = WHOLE_SERVICE) -> dict[str, MeasureCounts]:
    """Exact counts for every measure (``2 × len(MEASURES)`` queries), keyed by measure."""
    return {measure.key: measure_counts(measure, periods=periods, council=council) for measure in MEASURES}


# --- Into tables, through disclosure control -------------------------------------------------


def disclosure_notes(*, exact: bool) -> tuple[str, ...]:
    if exact:
        return (_("Exact figures, for managers inside the service only: never publish them."),)
    return (
        _("Counts of people are rounded to the nearest %(base)s; * is 1 to %(threshold)s; 0 is exact.")
        % {"base": settings.REPORT_ROUNDING_BASE, "threshold": settings.REPORT_SUPPRESSION_THRESHOLD},
        _('"Not recorded" is everyone not yet asked; "Prefer not to say" is an answer the person gave.'),
    )


def characteristic_table(
    characteristic: Characteristic,
    counts: dict[str, MeasureCounts],
    *,
    periods: Sequence[Quarter],
    exact: bool = False,
    measures: Sequence[Measure] = MEASURES,
) -> Table:
    """One characteristic's table: for each measure, a row per answer and the measure's total
    (from the exact counts, then disclosed: RPT-4's totals rule)."""
    from reporting.disclosure import disclose_count, disclose_table

    rows = []
    for measure in measures:
        measure_counts_ = counts[measure.key]
        by_answer = measure_counts_.by[characteristic.key]
        if exact:  # managers' dashboards only: exact figures, the total as counted
            answer_cells = {
                code: tuple(disclose_count(v, exact=True) for v in by_answer[code])
                for code, _l in characteristic.answers
            }
            total_cells = tuple(disclose_count(v, exact=True) for v in measure_counts_.total)
        else:
            # RPT-4: each measure's answers and their total are one table to the disclosure
            # step, so a "*" that the total and the other rows would pin is protected too.
            disclosed = disclose_table(
                {(code,): by_answer[code] for code, _l in characteristic.answers},
                dimensions=(characteristic.key,),
                periods=len(periods),
            )
            answer_cells = {code: disclosed.cells[((characteristic.key, code),)] for code, _l in characteristic.answers}
            total_cells = disclosed.cells[()]
        for code, label in characteristic.answers:
            rows.append(
                Row(
                    breakdown=(("measure", measure.key), (characteristic.key, code)),
                    label=f"{measure.label}: {label}",
                    cells=answer_cells[code],
                )
            )
        rows.append(
            Row(
                breakdown=(("measure", measure.key),),
                label=_("%(measure)s: all people") % {"measure": measure.label},
                cells=total_cells,
            )
        )
    definitions = " ".join(f"{measure.label}: {measure.definition}" for measure in measures)
    return Table(
        kpi_id=f"pc_{characteristic.key}",
        title=_("%(characteristic)s: access and outcomes") % {"characteristic": characteristic.title},
        definition=definitions,
        requirement=REQUIREMENT,
        unit="people",
        dimensions=("measure", characteristic.key),
        periods=tuple(periods),
        rows=tuple(rows),
        notes=disclosure_notes(exact=exact),
    )


def equality_tables(*, quarter: Quarter, council: str = WHOLE_SERVICE, exact: bool = False) -> tuple[Table, ...]:
    """RPT-3: one table per ASM-3 characteristic for ``quarter`` and the four before it, for
    ``council`` or the whole service. ``exact`` is for managers' dashboards only (RPT-6); the
    report always leaves it False."""
    periods = quarter.with_previous(4)
    counts = equality_counts(periods=periods, council=council)
    return tuple(characteristic_table(c, counts, periods=periods, exact=exact) for c in CHARACTERISTICS)
