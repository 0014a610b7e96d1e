"""What is held on a person: one declaration ("section") per model (PAR-6, PAR-7).

A ``Section`` says which model, how its rows lead to a person (``person_path``, a lookup
such as ``"referral__person"``), which fields to show and in what order. The subject access
export shows every registered section; the records export (PAR-7) copies the rows of those
marked ``export=True``. To include a new person-related model, add one ``Section`` to
``SECTIONS`` (or call ``register``). A model not registered but with a foreign key to a
Person or a Referral is still found by ``discover()`` and shown with all its fields, so
nothing held on a person is left out of a subject access export by accident.

How the records and their history read (labels, values in words): ``collect``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Fields never shown or exported: internal ids, derived search keys and one-time tokens.
ALWAYS_HIDDEN = frozenset({"id", "search_name", "submission_token"})

# Apps whose models can hold a person's data (discover() looks only here).
PROJECT_APPS = ("partnership", "referrals", "assessments", "recovery_plans", "safeguarding", "reporting")

# Models that are about the person but are not "data held on them" in an export's sense.
NOT_SECTIONS = frozenset({"referrals.subjectaccessrequest"})


@dataclass(frozen=True)
class Section:
    """One kind of record held on a person."""

    key: str
    title: Any  # a lazy translation
    model: str  # "app_label.modelname"
    # Lookup from the model to the person's pk: "pk" for Person itself, "person" for a direct
    # foreign key, "referral__person" through the referral, "person_id" for a plain id column.
    person_path: str
    description: Any = ""
    # None: every concrete field in model order, less ``exclude``.
    fields: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    order_by: tuple[str, ...] = ("pk",)
    # How each record is headed in the PDF ("Referral R-ABCD2345"); default: "<model> <n>".
    heading: Callable[[models.Model, int], str] | None = None
    # Extra rows beyond ``person_path`` (e.g. access-log rows about a referral before it was
    # linked to the person): a function (model, person) -> Q.
    also: Callable[[type[models.Model], Any], models.Q] | None = None
    # Part of the PAR-7 records export (audit logs of this system are not).
    export: bool = True
    # Shown in the subject access export. False for records about no one person that the
    # records export carries only so the person's own records keep their meaning (the outreach
    # or group session a contact or an attendance belongs to): ``person_path`` then leads
    # through those records to the people in the export.
    subject_access: bool = True

    @property
    def model_class(self) -> type[models.Model] | None:
        try:
            return apps.get_model(self.model)
        except LookupError:
            return None  # declared for a model another change has not added yet

    @property
    def has_history(self) -> bool:
        model = self.model_class
        return model is not None and getattr(model._meta, "simple_history_manager_attribute", None) is not None

    def field_list(self) -> list[models.Field]:
        model = self.model_class
        hidden = ALWAYS_HIDDEN | set(self.exclude)
        if self.fields is not None:
            return [model._meta.get_field(name) for name in self.fields if name not in hidden]
        return [f for f in model._meta.concrete_fields if f.name not in hidden]

    def filter_q(self, person_pk: int) -> models.Q:
        path = "pk" if self.person_path == "pk" else self.person_path
        return models.Q(**{path: person_pk})

    def rows(self, person) -> models.QuerySet:
        model = self.model_class
        q = self.filter_q(person.pk)
        if self.also is not None:
            q |= self.also(model, person)
        return model._default_manager.filter(q).order_by(*self.order_by)

    def history_rows(self, person) -> models.QuerySet:
        """Every historical row of the section's records, oldest first, with the user who
        made each change. History keeps the same foreign keys, so the same lookup works; for
        Person itself the history is filtered by ``id``."""
        model = self.model_class
        manager = getattr(model, model._meta.simple_history_manager_attribute)
        path = "id" if self.person_path == "pk" else self.person_path
        return manager.filter(**{path: person.pk}).select_related("history_user").order_by("history_date", "history_id")


def _referral_heading(obj, index: int) -> str:
    return _("Referral %(reference)s") % {"reference": obj.reference}


def _on(prefix: Any, attribute: str) -> Callable[[models.Model, int], str]:
    """A heading such as "Contact attempt, 3 May 2026, 14:05"."""

    def heading(obj, index: int) -> str:
        when = getattr(obj, attribute, None)
        if isinstance(when, dt.datetime):
            return f"{prefix}, {date_format(timezone.localtime(when), 'j F Y, H:i')}"
        if isinstance(when, dt.date):
            return f"{prefix}, {date_format(when, 'j F Y')}"
        return f"{prefix} {index}"

    return heading


def _of_referral(prefix: Any) -> Callable[[models.Model, int], str]:
    def heading(obj, index: int) -> str:
        return f"{prefix}: {_('referral')} {obj.referral}"

    return heading


def _access_log_extra(model, person) -> models.Q:
    # Views of a referral before it was linked to the person were logged without a person id.
    referral_ids = list(person.referrals.values_list("pk", flat=True))
    return models.Q(person_id__isnull=True, object_type="referrals.referral", object_id__in=referral_ids)


SECTIONS: list[Section] = [
    Section(
        key="person",
        title=gettext_lazy("Your details"),
        model="referrals.person",
        person_path="pk",
        description=gettext_lazy("The details we hold about you on your person record."),
        heading=lambda obj, index: obj.full_name,
    ),
    Section(
        key="referrals",
        title=gettext_lazy("Referrals"),
        model="referrals.referral",
        person_path="person",
        description=gettext_lazy(
            "Each referral to the service, with your details as the referrer gave them and the "
            "details of who referred you."
        ),
        order_by=("received_at", "pk"),
        heading=_referral_heading,
    ),
    Section(
        key="status_changes",
        title=gettext_lazy("Referral progress"),
        model="referrals.statustransition",
        person_path="referral__person",
        description=gettext_lazy("Each change of a referral's status, when and by whom."),
        order_by=("at", "pk"),
        heading=_on(gettext_lazy("Status change"), "at"),
    ),
    Section(
        key="contact_attempts",
        title=gettext_lazy("Contact attempts"),
        model="referrals.contactattempt",
        person_path="referral__person",
        description=gettext_lazy("Each time we tried to contact you, how, and what happened."),
        order_by=("attempted_at", "pk"),
        heading=_on(gettext_lazy("Contact attempt"), "attempted_at"),
    ),
    Section(
        key="triage",
        title=gettext_lazy("Triage"),
        model="referrals.triage",
        person_path="referral__person",
        description=gettext_lazy("Screening, the initial assessment of risk, and the outcome of triage."),
        order_by=("started_at", "pk"),
        heading=_of_referral(gettext_lazy("Triage")),
    ),
    Section(
        key="escalations",
        title=gettext_lazy("Urgent actions"),
        model="referrals.escalation",
        person_path="referral__person",
        description=gettext_lazy("Actions taken under the escalation protocol when there was an urgent risk."),
        order_by=("done_at", "pk"),
        heading=_on(gettext_lazy("Urgent action"), "done_at"),
    ),
    Section(
        key="warm_introductions",
        title=gettext_lazy("Introductions to other services"),
        model="referrals.warmintroduction",
        person_path="referral__person",
        description=gettext_lazy("Who introduced you to whom, and when."),
        order_by=("introduced_at", "pk"),
        heading=_on(gettext_lazy("Introduction"), "introduced_at"),
    ),
    Section(
        key="treatment_referrals",
        title=gettext_lazy("Referrals to the Treatment Service"),
        model="referrals.treatmentreferral",
        person_path="referral__person",
        description=gettext_lazy(
            "Referrals to the Treatment Service, the information sent with them and their outcome."
        ),
        order_by=("created_at", "pk"),
        heading=_on(gettext_lazy("Referral to the Treatment Service"), "created_at"),
    ),
    Section(
        key="treatment_referral_changes",
        title=gettext_lazy("Treatment Service referral progress"),
        model="referrals.treatmentreferraltransition",
        person_path="treatment_referral__referral__person",
        order_by=("at", "pk"),
        heading=_on(gettext_lazy("Status change"), "at"),
    ),
    Section(
        key="feedback",
        title=gettext_lazy("Your feedback"),
        model="referrals.referralfeedback",
        person_path="referral__person",
        description=gettext_lazy("What you told us about how we responded when you were first referred."),
        order_by=("recorded_at", "pk"),
        heading=_of_referral(gettext_lazy("Feedback")),
    ),
    Section(
        key="onward_referrals",
        title=gettext_lazy("Referrals to other services"),
        model="referrals.onwardreferral",
        person_path="referral__person",
        description=gettext_lazy("Referrals to other services such as housing or mental health, and their outcome."),
        order_by=("sent_at", "pk"),
        heading=_on(gettext_lazy("Referral to another service"), "sent_at"),
    ),
    Section(
        key="consents",
        title=gettext_lazy("Consent and sharing decisions"),
        model="referrals.consent",
        person_path="person",
        description=gettext_lazy(
            "Who you agreed (or did not agree) we may share your information with, and any other "
            "lawful basis for sharing."
        ),
        order_by=("recorded_at", "pk"),
        heading=_on(gettext_lazy("Sharing decision"), "recorded_at"),
    ),
    Section(
        key="access_log",
        title=gettext_lazy("Who has looked at your record"),
        model="partnership.accesslog",
        person_path="person_id",
        description=gettext_lazy(
            "Each time a member of staff viewed, exported or shared your record, with their name."
        ),
        fields=("at", "user", "action", "object_type", "reason"),
        order_by=("at", "pk"),
        heading=_on(gettext_lazy("Access"), "at"),
        also=_access_log_extra,
        export=False,
    ),
]

# The casework sections, in their own module (imported here, once Section is defined).
from referrals.data_rights.sections_casework import CASEWORK_SECTIONS  # noqa: E402

SECTIONS[-1:-1] = CASEWORK_SECTIONS  # before the access log
from referrals.data_rights.sections_safeguarding_incidents import SAFEGUARDING_INCIDENT_SECTIONS  # noqa: E402

SECTIONS[-1:-1] = SAFEGUARDING_INCIDENT_SECTIONS  # issue 11 (helper B): after the casework

# Safeguarding's sections (issue 11), each part in a module of its own, after the casework.
from referrals.data_rights.sections_safeguarding import SAFEGUARDING_SECTIONS  # noqa: E402

SECTIONS[-1:-1] = SAFEGUARDING_SECTIONS
from referrals.data_rights.sections_safeguarding_complaints import COMPLAINT_SECTIONS  # noqa: E402

SECTIONS[-1:-1] = COMPLAINT_SECTIONS  # before the access log


def register(section: Section) -> None:
    """Add a section (for a model in another app), replacing any with the same key."""
    SECTIONS[:] = [s for s in SECTIONS if s.key != section.key] + [section]


def _is_historical(model) -> bool:
    return any(f.name == "history_id" for f in model._meta.concrete_fields)


def _is_object_permission(model) -> bool:
    # django-guardian's grant rows: who may see the record, not data about the person.
    from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

    return issubclass(model, UserObjectPermissionBase | GroupObjectPermissionBase)


def discover() -> list[Section]:
    """Sections for models with a foreign key to Person or Referral that no declaration
    covers, so a model added later is never silently missing from a subject access export."""
    from referrals.models import Person, Referral

    declared = {s.model for s in SECTIONS} | NOT_SECTIONS
    found = []
    for app_label in PROJECT_APPS:
        try:
            config = apps.get_app_config(app_label)
        except LookupError:
            continue
        for model in config.get_models():
            label = model._meta.label_lower
            if label in declared or _is_historical(model) or _is_object_permission(model):
                continue
            path = None
            for f in model._meta.concrete_fields:
                if isinstance(f, models.ForeignKey) and f.related_model is Person:
                    path = f.name
                    break
                if isinstance(f, models.ForeignKey) and f.related_model is Referral:
                    path = path or f"{f.name}__person"
            if path:
                found.append(
                    Section(
                        key=label.replace(".", "_"),
                        title=capfirst(model._meta.verbose_name_plural),
                        model=label,
                        person_path=path,
                    )
                )
    return found


def active_sections() -> list[Section]:
    """Every declared section whose model exists, then any discovered ones."""
    return [s for s in SECTIONS if s.model_class is not None] + discover()


def staff_name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""
