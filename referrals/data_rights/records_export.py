"""The secure records export (PAR-7, §3.23.4, §4.5.1): ``ers-export`` version 4.

The file is a zip holding ``data.json`` (canonical JSON: keys sorted, no spaces, UTF-8) and
``checksum.sha256`` (its SHA-256 in ``sha256sum`` format). The format is documented in
``docs/export-format.md``; change ``VERSION`` and that document together.

What goes in is every section marked ``export=True`` in ``data_rights.sections``, so a new
person-related model declared there travels too. Foreign keys between exported records keep
their ids (the importer maps them to new ones); staff are carried by username, organisations
and hubs by name. Writes are audited: an export writes an access-log row per person, or a
disclosure per person when it is for another organisation; an import records history on
every row it creates and an access-log row per person (``referrals.data_rights.records_import``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from partnership import registry
from partnership.access import Audience, can_run_subject_access, may_see, may_see_shared
from partnership.models import AccessLog, Hub, Organisation
from referrals.data_rights.sections import Section, active_sections, staff_name
from referrals.models import Person

if TYPE_CHECKING:
    from django.contrib.auth.models import User

FORMAT = "ers-export"
VERSION = 4
# Older versions this system still imports: version 4 only adds models (safeguarding concerns,
# their shares and the chronology), so a version-3 file means the same here.
READABLE_VERSIONS = frozenset({3, VERSION})
DATA_NAME = "data.json"
CHECKSUM_NAME = "checksum.sha256"

# Not copied: a form's one-time token means nothing in another system (and is unique).
NOT_EXPORTED_FIELDS = frozenset({"id", "submission_token"})

USER, ORGANISATION, HUB = "auth.user", "partnership.organisation", "partnership.hub"
# A hub's groups (PLN-6) are the service's, matched by hub and name like hubs by name; named by
# label so referrals imports no recovery_plans module (the sections name their models so too).
GROUP = "recovery_plans.group"
# In place of a text field the recipient may not see (``partnership.access.may_see``): the
# field is there, so the file imports, but says nothing.
WITHHELD = "Withheld from this export"


class ExportFileError(Exception):
    """The file cannot be imported: the message says why, in words for the operator."""


# --- Encoding values ---------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def canonical_bytes(data: dict) -> bytes:
    """The one byte string a document has, so its checksum is reproducible anywhere."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def checksum(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


# --- What is exported ---------------------------------------------------------------------------


def export_sections() -> list[Section]:
    return [s for s in active_sections() if s.export]


def model_label(model: type[models.Model]) -> str:
    return model._meta.label_lower


# Fields of one model not copied, by "app_label.model.field": a plan action's partner agency is
# an entry in this service's own directory (the receiving service has its own); the action
# carries the agency's name in ``owner_name``.
NOT_EXPORTED_MODEL_FIELDS = frozenset({"recovery_plans.planaction.owner_partner"})


def exported_fields(model: type[models.Model]) -> list[models.Field]:
    label = model_label(model)
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in NOT_EXPORTED_FIELDS and f"{label}.{f.name}" not in NOT_EXPORTED_MODEL_FIELDS
    ]


def import_order(sections: Iterable[Section]) -> list[type[models.Model]]:
    """Exported models ordered so every record comes after the records it points to."""
    chosen = {model_label(s.model_class): s.model_class for s in sections}
    depends = {
        label: {
            model_label(f.related_model)
            for f in exported_fields(model)
            if isinstance(f, models.ForeignKey)
            and model_label(f.related_model) in chosen
            and f.related_model is not model
        }
        for label, model in chosen.items()
    }
    ordered: list[str] = []
    while depends:
        ready = sorted(label for label, needs in depends.items() if not needs - set(ordered))
        if not ready:
            raise ExportFileError(f"The exported models refer to each other in a loop: {sorted(depends)}")
        for label in ready:
            ordered.append(label)
            del depends[label]
    return [chosen[label] for label in ordered]


def people_shared_with(organisation: Organisation) -> models.QuerySet[Person]:
    """People whose record is shared with the organisation (its group holds
    ``referrals.view_shared_record`` on them: referrals.services.grants)."""
    from partnership.grants import organisation_group_name
    from referrals.models import PersonGroupObjectPermission
    from referrals.services.grants import VIEW_SHARED_RECORD

    person_ids = PersonGroupObjectPermission.objects.filter(
        group__name=organisation_group_name(organisation.pk),
        permission__codename=VIEW_SHARED_RECORD.split(".", 1)[1],
        permission__content_type__app_label="referrals",
    ).values("content_object_id")
    return Person.objects.filter(pk__in=person_ids)


def _withheld(f: models.Field) -> Any:
    if isinstance(f, (models.CharField, models.TextField)) and not f.choices:
        return WITHHELD
    return f.get_default()


def _visible_rows(rows, *, label: str, audience: Audience, organisation: Organisation | None):
    """The rows ``audience`` gets, and the question to ask of each field: all of them and
    ``may_see``; for a record that is detail as a whole, none, except those shared with the
    recipient organisation row by row (a safeguarding concern), asked with ``may_see_shared``."""
    if may_see(audience, label):
        return rows, may_see
    shared = registry.shared_records(label, organisation) if organisation is not None else None
    if shared is None:
        return rows.none(), may_see
    return rows.filter(pk__in=shared), may_see_shared


def build_export(
    *,
    people: models.QuerySet[Person],
    by: User,
    scope: dict,
    audience: Audience = Audience.INCOMING_PROVIDER,
    organisation: Organisation | None = None,
) -> dict:
    """The ``data.json`` document for these people (every exported section), less what
    ``audience`` may not see: records that are detail as a whole are left out (but those shared
    with ``organisation`` on a recorded basis), fields are ``WITHHELD``
    (``partnership.access.may_see``, ``may_see_shared``)."""
    person_ids = list(people.order_by("pk").values_list("pk", flat=True))
    records: dict[str, list] = {}
    reference_ids: dict[str, set] = {USER: set(), ORGANISATION: set(), HUB: set(), GROUP: set()}
    sections = export_sections()
    exported = {model_label(s.model_class) for s in sections}
    for model in import_order(sections):
        section = next(s for s in sections if s.model_class is model)
        path = "pk" if section.person_path == "pk" else section.person_path
        # Through a subquery: a path through other records (a session's contacts) meets each
        # row once for every match, and DISTINCT cannot compare every column type.
        matching = model._default_manager.filter(**{f"{path}__in": person_ids}).values("pk")
        rows = model._default_manager.filter(pk__in=matching).order_by("pk")
        rows, sees = _visible_rows(rows, label=model_label(model), audience=audience, organisation=organisation)
        fields = exported_fields(model)
        out = []
        for obj in rows:
            values = {}
            for f in fields:
                value = getattr(obj, f.attname)
                if isinstance(f, models.ForeignKey):
                    target = model_label(f.related_model)
                    if target in reference_ids:
                        if value is not None:
                            reference_ids[target].add(value)
                    elif target not in exported:
                        raise ExportFileError(
                            f"{model._meta.label}.{f.name} points to {f.related_model._meta.label}, "
                            "which the export format does not carry. Add it to the format first."
                        )
                if not sees(audience, model_label(model), f.name):
                    value = _withheld(f)
                values[f.name] = _encode(value)
            out.append({"id": obj.pk, "fields": values})
        records[model_label(model)] = out

    # Groups name their hub, and hubs their organisation, so those travel too.
    groups = list(apps.get_model(GROUP).objects.filter(pk__in=reference_ids[GROUP]).order_by("pk"))
    reference_ids[HUB].update(g.hub_id for g in groups)
    hubs = list(Hub.objects.filter(pk__in=reference_ids[HUB]).order_by("pk"))
    reference_ids[ORGANISATION].update(h.organisation_id for h in hubs)
    users = get_user_model().objects.filter(pk__in=reference_ids[USER]).order_by("pk")
    organisations = Organisation.objects.filter(pk__in=reference_ids[ORGANISATION]).order_by("pk")
    return {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": timezone.now().isoformat(),
        "generated_by": {"username": by.username, "name": staff_name(by)},
        "scope": scope,
        "people": len(person_ids),
        "models": list(records),
        "reference": {
            USER: [
                {"id": u.pk, "username": u.get_username(), "first_name": u.first_name, "last_name": u.last_name}
                for u in users
            ],
            ORGANISATION: [{"id": o.pk, "name": o.name, "kind": o.kind} for o in organisations],
            # The hub's council: the KPIs counted "by the hub's council" (docs/kpis.md) need it.
            HUB: [{"id": h.pk, "name": h.name, "organisation": h.organisation_id, "council": h.council} for h in hubs],
            GROUP: [
                {"id": g.pk, "name": g.name, "kind": g.kind, "hub": g.hub_id, "is_running": g.is_running}
                for g in groups
            ],
        },
        "records": records,
    }


def write_zip(data: dict) -> bytes:
    body = canonical_bytes(data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DATA_NAME, body)
        archive.writestr(CHECKSUM_NAME, f"{checksum(body)}  {DATA_NAME}\n")
    return buffer.getvalue()


# --- Exporting (with the audit rows) --------------------------------------------------------------


@dataclass
class ExportResult:
    content: bytes
    people: int
    sha256: str
    counts: dict[str, int] = field(default_factory=dict)


@transaction.atomic
def records_export(
    *,
    by: User,
    organisation: Organisation | None = None,
    succession_to: Organisation | None = None,
    lawful_basis: str = "",
) -> ExportResult:
    """Export every person, or the people shared with ``organisation`` (PAR-7).

    For another organisation (``organisation``, or ``succession_to`` for an incoming provider
    taking over every record, §4.5.1) each person gets a disclosure row with its lawful basis:
    the consent on record for the Treatment Service where there is one, else ``lawful_basis``.
    Without a recipient (a copy kept by the service), each person gets an EXPORT access-log row.
    """
    from referrals.models import Consent, Disclosure
    from referrals.selectors.consent import sharing_basis
    from referrals.services.consent import disclosure_record

    if not can_run_subject_access(by):
        raise PermissionDenied
    if organisation is not None and succession_to is not None:
        raise ValueError("Give an organisation or an incoming provider, not both.")
    recipient = organisation or succession_to
    if organisation is not None:
        people = people_shared_with(organisation)
        scope = {"kind": "organisation", "organisation": {"id": organisation.pk, "name": organisation.name}}
    else:
        people = Person.objects.all()
        scope = {"kind": "all"}
        if succession_to is not None:
            scope["incoming_provider"] = {"id": succession_to.pk, "name": succession_to.name}

    people = list(people.order_by("pk"))
    bases: dict[int, tuple[str, Any]] = {}
    if recipient is not None:
        consents: dict[int, list] = {}
        for consent in Consent.objects.filter(person__in=people):
            consents.setdefault(consent.person_id, []).append(consent)
        missing = []
        for person in people:
            basis = None
            if recipient.kind == Organisation.Kind.TREATMENT:
                basis = sharing_basis(consents.get(person.pk, []), recipient=Consent.Recipient.TREATMENT)
            if basis is not None:
                bases[person.pk] = (basis.lawful_basis, basis)
            elif lawful_basis:
                bases[person.pk] = (lawful_basis, None)
            else:
                missing.append(person.pk)
        if missing:
            raise ExportFileError(
                f"{len(missing)} people have no lawful basis on record for sharing with {recipient.name}. "
                "Give the lawful basis for this export (--lawful-basis)."
            )

    # Another organisation (such as the Treatment Service) never receives safeguarding or
    # restriction detail, but the concerns shared with it on a recorded basis; the service's own
    # copy and an incoming provider get the whole record.
    audience = Audience.PARTNER_ORGANISATION if organisation is not None else Audience.INCOMING_PROVIDER
    data = build_export(
        people=Person.objects.filter(pk__in=[p.pk for p in people]),
        by=by,
        scope=scope,
        audience=audience,
        organisation=organisation,
    )
    content = write_zip(data)
    digest = checksum(canonical_bytes(data))
    if recipient is not None:
        for person in people:
            basis_code, consent = bases[person.pk]
            disclosure_record(
                person=person,
                by=by,
                dataset=Disclosure.Dataset.RECORDS_EXPORT,
                lawful_basis=basis_code,
                to_organisation=recipient,
                consent=consent,
                description=f"Secure records export {FORMAT} v{VERSION}, SHA-256 {digest[:16]}",
            )
    else:
        AccessLog.objects.bulk_create(
            [
                AccessLog(
                    user=by,
                    action=AccessLog.Action.EXPORT,
                    object_type=Person._meta.label_lower,
                    object_id=person.pk,
                    person_id=person.pk,
                    reason=f"Secure records export {FORMAT} v{VERSION}, SHA-256 {digest[:16]}",
                )
                for person in people
            ]
        )
    return ExportResult(
        content=content,
        people=len(people),
        sha256=digest,
        counts={label: len(rows) for label, rows in data["records"].items()},
    )
