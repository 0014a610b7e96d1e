"""What other apps add to partnership's pages, registered from their ``AppConfig.ready()``.

Partnership draws the menu, sends each member of staff to where their work is, and searches
the access log, but the pages and records those lead to belong to apps that depend on
partnership, never the other way round. So those apps tell partnership about them here:

- ``navigation_item_register``: a menu item, the role predicate that shows it, and where it
  sits in the menu (``order``; partnership's own items use 0, 60 and 100);
- ``home_destination_register``: where the home page sends a role (the first whose predicate
  holds, by ``order``);
- ``access_log_type_register``: how access-log rows about one kind of object read ("Referral
  R-7K3M9QAB"), and optionally how the search finds that kind of object by its reference;
- ``shared_records_register``: for a model that is detail as a whole (a safeguarding concern),
  which of its rows have been shared with an organisation on a recorded basis (the records
  export for that organisation carries those, ``partnership.access.may_see_shared``);
- ``person_unshared_register``: what else goes when a person's record stops being shared with
  an organisation (the concerns shared with it go with the record).

Registering the same URL name or object type again replaces the earlier entry, so a second
``ready()`` (some test runners call it twice) changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

Predicate = Callable[[object], bool]


@dataclass(frozen=True)
class NavigationItem:
    label: str
    url_name: str
    shown_to: Predicate
    order: int


@dataclass(frozen=True)
class HomeDestination:
    url_name: str
    applies_to: Predicate
    order: int


@dataclass(frozen=True)
class AccessLogType:
    """How rows about one kind of object (``object_type``, a model's ``label_lower``) read.

    ``describe`` takes the object ids on one page of results and returns the words for each
    (one query for the page, at most); ids it leaves out read as "<object_type> <id>".
    ``find_by_reference``, where given, turns a reference typed into the search into a
    queryset of those objects' primary keys (``.values("pk")``), used as a subquery.
    """

    object_type: str
    describe: Callable[[set[int]], dict[int, str]]
    find_by_reference: Callable[[str], QuerySet] | None = None


@dataclass(frozen=True)
class PersonReferences:
    """How the access log reads people's references (the app that owns people registers it):
    ``find`` turns a reference typed into the search into ``.values("pk")`` of that person,
    used as a subquery; ``of`` takes the person ids on one page of results and returns each
    one's reference (one query for the page)."""

    find: Callable[[str], QuerySet]
    of: Callable[[set[int]], dict[int, str]]


_person_references: list[PersonReferences] = []
_navigation: dict[str, NavigationItem] = {}
_home: dict[str, HomeDestination] = {}
_access_log_types: dict[str, AccessLogType] = {}
# "app_label.model" -> organisation -> a queryset of the pks of its rows shared with it.
_shared_records: dict[str, Callable[[object], QuerySet]] = {}
# Called as hook(person_id=..., organisation=..., by=..., reason=...), by key.
_person_unshared: dict[str, Callable[..., None]] = {}


def navigation_item_register(*, label: str, url_name: str, shown_to: Predicate, order: int) -> None:
    _navigation[url_name] = NavigationItem(label=label, url_name=url_name, shown_to=shown_to, order=order)


def home_destination_register(*, url_name: str, applies_to: Predicate, order: int) -> None:
    _home[url_name] = HomeDestination(url_name=url_name, applies_to=applies_to, order=order)


def access_log_type_register(
    *,
    object_type: str,
    describe: Callable[[set[int]], dict[int, str]],
    find_by_reference: Callable[[str], QuerySet] | None = None,
) -> None:
    _access_log_types[object_type] = AccessLogType(
        object_type=object_type, describe=describe, find_by_reference=find_by_reference
    )


def person_references_register(*, find: Callable[[str], QuerySet], of: Callable[[set[int]], dict[int, str]]) -> None:
    _person_references[:] = [PersonReferences(find=find, of=of)]


def person_references() -> PersonReferences | None:
    return _person_references[0] if _person_references else None


def navigation_items() -> list[NavigationItem]:
    """Every registered item, in menu order."""
    return sorted(_navigation.values(), key=lambda item: item.order)


def home_destination_for(user) -> str | None:
    """The URL name of where ``user``'s work is, or None to show them the home page."""
    for destination in sorted(_home.values(), key=lambda d: d.order):
        if destination.applies_to(user):
            return destination.url_name
    return None


def access_log_types() -> Iterable[AccessLogType]:
    return _access_log_types.values()


def access_log_type(object_type: str) -> AccessLogType | None:
    return _access_log_types.get(object_type)


def shared_records_register(*, model: str, shared_with: Callable[[object], QuerySet]) -> None:
    _shared_records[model] = shared_with


def shared_records(model: str, organisation) -> QuerySet | None:
    """``.values("pk")`` of ``model``'s rows shared with ``organisation``, or None when that
    model is never shared row by row."""
    shared_with = _shared_records.get(model)
    return None if shared_with is None else shared_with(organisation)


def person_unshared_register(*, key: str, hook: Callable[..., None]) -> None:
    _person_unshared[key] = hook


def person_unshared_hooks() -> Iterable[Callable[..., None]]:
    return list(_person_unshared.values())
