"""What each app adds to the person record, found the way the admin finds ``admin.py``.

An app that adds to a person's record (the assessment, the plan, contacts) has a module
``<app>/person_record.py`` (or ``<app>/person_record_<part>.py``, such as
``recovery_plans/person_record_contacts.py``, where two pieces of one app add separately)
declaring any of these plain lists of dicts:

- ``TABS``: sub-navigation entries, ``{"key", "label", "url_name", "order", "visible"}``;
  the URL is reversed with ``kwargs={"person_ref": person.reference}``.
- ``TIMELINE``: timeline sources (PLN-7), ``{"key", "label", "visible", "events"}``, where
  ``events(*, person, user, before, limit)`` returns at most ``limit`` event dicts strictly
  before ``before``, newest first, in one query.
- ``HOME_PANELS``: sections of a worker's home page, ``{"key", "title", "order", "visible",
  "rows"}``, where ``rows(*, user, limit)`` returns home-panel row dicts in one query.
- ``IDENTITY``: extra items of the identity bar, such as the engagement status (PLN-4):
  ``{"key", "label", "order", "visible", "value"}``, where ``value(*, person, user)`` returns
  the words to show (or "" for nothing), in at most one query.
- ``ALERTS``: alerts on the identity bar, such as safeguarding flags: ``{"key", "visible",
  "alerts"}``, where ``alerts(*, person, user)`` returns ``[{"text": str, "colour": str}]``
  (a GOV.UK tag colour: "red", "orange", "yellow", "grey"...) in at most one query.

- ``SHARED_RECORD``: sections of the Treatment Service's shared-record page, for what was
  shared with the organisation beyond the referral (a safeguarding concern, SAF-1):
  ``{"key", "order", "visible", "template", "context"}``, where ``context(*, person, user)``
  returns the template's context in a fixed number of queries; the person was fetched (and
  logged) by ``shared_person_get_for``.

``visible(user)`` is asked on every request: an entry it refuses is not there for that user.
The modules are imported once per process (discovery is cached); the lists are read as they
are, so nothing here imports another app (partnership <- referrals <- the others).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from functools import cache
from types import ModuleType

from django.apps import apps

MODULE_NAME = "person_record"
LISTS = ("TABS", "TIMELINE", "HOME_PANELS", "IDENTITY", "ALERTS", "SHARED_RECORD")


def _module_names_of(app_config) -> list[str]:
    """``<app>.person_record`` and every ``<app>.person_record_<part>``, in name order."""
    path = getattr(app_config, "path", None)
    if not path:
        return []
    names = [
        info.name
        for info in pkgutil.iter_modules([path])
        if not info.ispkg and (info.name == MODULE_NAME or info.name.startswith(MODULE_NAME + "_"))
    ]
    return [f"{app_config.name}.{name}" for name in sorted(names)]


@cache
def _installed_module_names() -> tuple[str, ...]:
    return tuple(name for config in apps.get_app_configs() for name in _module_names_of(config))


def installed_module_names() -> list[str]:
    """Every person-record module of every installed app, in INSTALLED_APPS order (the app
    folders are read once per process, not on every request)."""
    return list(_installed_module_names())


@cache
def _modules(names: tuple[str, ...]) -> tuple[ModuleType, ...]:
    return tuple(importlib.import_module(name) for name in names)


def modules(names: Iterable[str] | None = None) -> tuple[ModuleType, ...]:
    """The person-record modules (imported once per process); ``names`` for a test's own."""
    return _modules(tuple(installed_module_names() if names is None else names))


def clear_cache() -> None:
    _installed_module_names.cache_clear()
    _modules.cache_clear()


def _entries(list_name: str, user, names: Iterable[str] | None) -> list[dict]:
    entries = []
    for module in modules(names):
        for entry in getattr(module, list_name, ()):
            visible: Callable[[object], bool] = entry.get("visible") or (lambda _user: True)
            if visible(user):
                entries.append(entry)
    return entries


def _by_order(entries: list[dict]) -> list[dict]:
    # Stable: entries of equal order keep the order of their apps in INSTALLED_APPS.
    return sorted(entries, key=lambda entry: entry.get("order", 50))


def tabs_for(user, *, names: Iterable[str] | None = None) -> list[dict]:
    return _by_order(_entries("TABS", user, names))


def timeline_sources_for(user, *, names: Iterable[str] | None = None) -> list[dict]:
    return _entries("TIMELINE", user, names)


def every_timeline_source(*, names: Iterable[str] | None = None) -> list[dict]:
    """Every timeline source, whoever asks: only for a reader the access model lets read a
    whole record (``partnership.access.reads_whole_record_for_chronology``)."""
    return [entry for module in modules(names) for entry in getattr(module, "TIMELINE", ())]


def home_panels_for(user, *, names: Iterable[str] | None = None) -> list[dict]:
    return _by_order(_entries("HOME_PANELS", user, names))


def identity_items_for(user, *, names: Iterable[str] | None = None) -> list[dict]:
    return _by_order(_entries("IDENTITY", user, names))


def alert_sources_for(user, *, names: Iterable[str] | None = None) -> list[dict]:
    return _entries("ALERTS", user, names)


def shared_record_sections_for(user, *, names: Iterable[str] | None = None) -> list[dict]:
    return _by_order(_entries("SHARED_RECORD", user, names))
