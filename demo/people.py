"""Names and places for the demo and benchmark data: all fictional, all in Cumbria's shape.

Names come from Faker (en_GB) with a fixed seed where it is installed, or from the fixed lists
here (the Docker image has no dev dependencies); phone numbers from Ofcom's drama ranges, NHS
numbers from the 999 test range, e-mail addresses at example.com.
"""

from __future__ import annotations

import datetime as dt
import random

from partnership.models import Council

HUBS = ("Carlisle", "West Cumbria", "Barrow-in-Furness", "Penrith", "Kendal")  # PAR-1
# Each hub's council (the specification's footnote 16: two unitary councils since 2023).
HUB_COUNCILS = {
    "Carlisle": Council.CUMBERLAND,
    "West Cumbria": Council.CUMBERLAND,
    "Barrow-in-Furness": Council.WESTMORLAND_AND_FURNESS,
    "Penrith": Council.WESTMORLAND_AND_FURNESS,
    "Kendal": Council.WESTMORLAND_AND_FURNESS,
}
# Towns served by each hub, for believable addresses; postcode districts to match (§3.5.2).
HUB_TOWNS = {
    "Carlisle": (("Carlisle", "CA1"), ("Carlisle", "CA2"), ("Brampton", "CA8"), ("Longtown", "CA6")),
    "West Cumbria": (("Workington", "CA14"), ("Whitehaven", "CA28"), ("Maryport", "CA15"), ("Cockermouth", "CA13")),
    "Barrow-in-Furness": (("Barrow-in-Furness", "LA14"), ("Ulverston", "LA12"), ("Dalton-in-Furness", "LA15")),
    "Penrith": (("Penrith", "CA11"), ("Appleby-in-Westmorland", "CA16"), ("Keswick", "CA12")),
    "Kendal": (("Kendal", "LA9"), ("Windermere", "LA23"), ("Sedbergh", "LA10")),
}
OUT_OF_AREA = (("Lancaster", "LA1"), ("Newcastle upon Tyne", "NE1"), ("Dumfries", "DG1"))
# Postcode districts by hub, for the benchmark's people.
DISTRICTS = {
    "Carlisle": ("CA1", "CA2", "CA3", "CA4", "CA6", "CA8"),
    "West Cumbria": ("CA13", "CA14", "CA15", "CA25", "CA28"),
    "Barrow-in-Furness": ("LA12", "LA13", "LA14", "LA15"),
    "Penrith": ("CA10", "CA11", "CA12", "CA16"),
    "Kendal": ("LA8", "LA9", "LA10", "LA23"),
}
_GIVEN_NAMES = (
    "Aaron Abigail Adam Aisha Alex Alice Amelia Amir Ava Ben Beth Callum Cara Charlie Chloe Connor Daisy Daniel "
    "Declan Eilidh Ella Ellie Emma Erin Ethan Evie Finley Freya George Grace Hannah Harry Holly Isaac Isla Jack "
    "Jade Jake James Jasmine Jay Jessica Joe Josh Kai Katie Kieran Lauren Leah Leo Liam Lily Logan Lucy Luke "
    "Maisie Mason Megan Mia Millie Mohammed Molly Nathan Niamh Noah Olivia Oscar Owen Paige Priya Rhys Rosie Ryan "
    "Sam Sarah Scarlett Sean Sian Sophie Stacey Thomas Toby Tom Tyler Zara"
)
_FAMILY_NAMES = (
    "Armstrong Atkinson Bailey Baker Bell Bennett Brown Burns Campbell Carr Clarke Collins Cook Cooper Cox Davies "
    "Dixon Edwards Ellis Evans Fisher Fletcher Foster Graham Gray Green Hall Harris Harrison Hill Holmes Hughes "
    "Hunter Jackson James Johnson Jones Kelly Kennedy Khan King Knight Lee Lewis Marshall Martin Mason Miller "
    "Mitchell Moore Morgan Morris Murphy Murray Nelson Owen Palmer Parker Patel Pearson Phillips Price Reid "
    "Richardson Roberts Robinson Rogers Ross Russell Scott Shaw Simpson Smith Stewart Taylor Thomson Turner Walker "
    "Walsh Ward Watson White Williams Wilson Wood Wright Young"
)
GIVEN_NAMES = tuple(_GIVEN_NAMES.split())
FAMILY_NAMES = tuple(_FAMILY_NAMES.split())


class PlainFaker:
    """A stand-in for Faker where it is not installed (the Docker image has no dev
    dependencies): the few methods the demo uses, from fixed lists and a seeded generator."""

    STREETS = (
        "Church Street",
        "Station Road",
        "Victoria Road",
        "Castle Street",
        "Fell View",
        "Beck Lane",
        "Market Place",
        "Lowther Street",
        "Scotch Street",
        "Highgate",
        "Stricklandgate",
        "Lake Road",
    )

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def first_name(self) -> str:
        return self.rng.choice(GIVEN_NAMES)

    def last_name(self) -> str:
        return self.rng.choice(FAMILY_NAMES)

    def name(self) -> str:
        return f"{self.first_name()} {self.last_name()}"

    def date_of_birth(self, *, minimum_age: int, maximum_age: int) -> dt.date:
        days = self.rng.randint(int(minimum_age * 365.25) + 1, int((maximum_age + 1) * 365.25) - 2)
        return dt.date.today() - dt.timedelta(days=days)

    def building_number(self) -> str:
        return str(self.rng.randint(1, 120))

    def street_name(self) -> str:
        return self.rng.choice(self.STREETS)


def demo_faker(seed: int):
    """Faker (en_GB, the library factory-boy uses) with a fixed seed, or ``PlainFaker``."""
    try:
        from faker import Faker
    except ImportError:
        return PlainFaker(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    return fake


def nhs_test_number(rng: random.Random) -> str:
    """A number in the 999 range the NHS keeps for testing, with a valid check digit."""
    while True:
        digits = [9, 9, 9] + [rng.randint(0, 9) for _ in range(6)]
        remainder = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 11 - remainder
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


PRONOUNS = ("she/her", "he/him", "they/them", "she/they")
HISTORY_SPOC = "history-spoc"  # demo.reporting's SPOC practitioner


def give_pronouns(*, by) -> int:
    """Pronouns for every third person the scenarios made (issue 9's identity bar shows them),
    through ``person_update`` so the change is in their history. A person who has pronouns
    already is left alone, so a second run changes nothing. Returns how many were given."""
    from referrals.models import Person
    from referrals.services.referrals import person_update

    # The scenarios' people only: not the eight quarters of history (demo.reporting), whose
    # referrals are all held by its own SPOC practitioner and whose people are bulk rows.
    people = (
        Person.objects.filter(processing_restricted=False, referrals__isnull=False)
        .exclude(referrals__assigned_to__username=HISTORY_SPOC)
        .distinct()
        .order_by("pk")
    )
    given = 0
    for index, person in enumerate(people[::3]):
        if person.pronouns:
            continue
        person_update(
            person=person, by=by, reason="Demo data: pronouns the person asked us to use", pronouns=PRONOUNS[index % 4]
        )
        given += 1
    return given
