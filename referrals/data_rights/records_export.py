"""The secure records export and import (PAR-7, §3.23.4, §4.5.1): ``ers-export`` version 1.

The file is a zip holding ``data.json`` (canonical JSON: keys sorted, no spaces, UTF-8) and
``checksum.sha256`` (its SHA-256 in ``sha256sum`` format). The format is documented in
``docs/export-format.md``; change ``VERSION`` and that document together.

What goes in is every section marked ``export=True`` in ``data_rights.sections``, so a new
person-related model declared there travels too. Foreign keys between exported records keep
their ids (the importer maps them to new ones); staff are carried by username, organisations
and hubs by name. Writes are audited: an export writes an access-log row per person, or a
disclosure per person when it is for another organisation; an import records history on
every row it creates and an access-log row per person.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import io
import json
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from partnership.access import can_run_subject_access
from partnership.models import AccessLog, Hub, Organisation
from referrals.data_rights.sections import Section, active_sections, staff_name
from referrals.models import Person, Referral

FORMAT = "ers-export"
VERSION = 1
DATA_NAME = "data.json"
CHECKSUM_NAME = "checksum.sha256"

# Not copied: a form's one-time token means nothing in another system (and is unique).
NOT_EXPORTED_FIELDS = frozenset({"id", "submission_token"})

USER, ORGANISATION, HUB = "auth.user", "partnership.organisation", "partnership.hub"


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


def _model_label(model) -> str:
    return model._meta.label_lower


def _exported_fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in NOT_EXPORTED_FIELDS]


def import_order(sections: Iterable[Section]) -> list[type[models.Model]]:
    """Exported models ordered so every record comes after the records it points to."""
    chosen = {_model_label(s.model_class): s.model_class for s in sections}
    depends = {
        label: {
            _model_label(f.related_model)
            for f in _exported_fields(model)
            if isinstance(f, models.ForeignKey)
            and _model_label(f.related_model) in chosen
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


def build_export(*, people: models.QuerySet[Person], by, scope: dict) -> dict:
    """The ``data.json`` document for these people (every exported section)."""
    person_ids = list(people.order_by("pk").values_list("pk", flat=True))
    records: dict[str, list] = {}
    reference_ids: dict[str, set] = {USER: set(), ORGANISATION: set(), HUB: set()}
    sections = export_sections()
    exported = {_model_label(s.model_class) for s in sections}
    for model in import_order(sections):
        section = next(s for s in sections if s.model_class is model)
        path = "pk" if section.person_path == "pk" else section.person_path
        rows = model._default_manager.filter(**{f"{path}__in": person_ids}).order_by("pk")
        fields = _exported_fields(model)
        out = []
        for obj in rows:
            values = {}
            for f in fields:
                value = getattr(obj, f.attname)
                if isinstance(f, models.ForeignKey):
                    target = _model_label(f.related_model)
                    if target in reference_ids:
                        if value is not None:
                            reference_ids[target].add(value)
                    elif target not in exported:
                        raise ExportFileError(
                            f"{model._meta.label}.{f.name} points to {f.related_model._meta.label}, "
                            "which the export format does not carry. Add it to the format first."
                        )
                values[f.name] = _encode(value)
            out.append({"id": obj.pk, "fields": values})
        records[_model_label(model)] = out

    # Hubs name their organisation, so the organisations of the hubs travel too.
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
            HUB: [{"id": h.pk, "name": h.name, "organisation": h.organisation_id} for h in hubs],
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
    by,
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

    data = build_export(people=Person.objects.filter(pk__in=[p.pk for p in people]), by=by, scope=scope)
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


# --- Reading and checking a file ------------------------------------------------------------------


def read_zip(source) -> tuple[dict, str]:
    """Open an export (a path, a file or bytes), check its checksum, format and version.

    Returns ``(data, sha256)``. Raises ``ExportFileError`` with a clear reason for a file that
    is not an export, has been changed since it was made, or is a version this system does not
    read.
    """
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            if DATA_NAME not in names or CHECKSUM_NAME not in names:
                raise ExportFileError(f"This is not an {FORMAT} file: it must hold {DATA_NAME} and {CHECKSUM_NAME}.")
            body = archive.read(DATA_NAME)
            stated = archive.read(CHECKSUM_NAME).decode("ascii", "replace").split()
    except zipfile.BadZipFile as error:
        raise ExportFileError(f"This is not an {FORMAT} file: it is not a zip file.") from error
    actual = checksum(body)
    if not stated or not hmac.compare_digest(stated[0].lower(), actual):
        raise ExportFileError(
            "The checksum does not match: the file has been changed or damaged since it was made. "
            "Nothing was imported. Ask the sender for a new copy."
        )
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ExportFileError(f"{DATA_NAME} is not valid JSON.") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ExportFileError(f"This is not an {FORMAT} file (format is {data.get('format')!r}).")
    if data.get("version") != VERSION:
        raise ExportFileError(
            f"This file is {FORMAT} version {data.get('version')!r}; this system reads version {VERSION} only. "
            "Nothing was imported."
        )
    if canonical_bytes(data) != body:
        raise ExportFileError(f"{DATA_NAME} is not in canonical form, so its checksum cannot be trusted.")
    return data, actual


# --- Importing -------------------------------------------------------------------------------------


@contextlib.contextmanager
def _keep_given_times(model_list):
    """Keep the times in the file: ``auto_now_add`` would stamp every row with today.
    Only the import command runs this, one process at a time."""
    switched = []
    for model in model_list:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now_add", False):
                f.auto_now_add = False
                switched.append(f)
    try:
        yield
    finally:
        for f in switched:
            f.auto_now_add = True


@dataclass
class ImportResult:
    people: int
    counts: dict[str, int]
    users_created: list[str]
    sha256: str


def _map_reference(data: dict, by, reason: str) -> tuple[dict[str, dict[int, int]], list[str]]:
    """Staff by username (an inactive placeholder when missing), organisations and hubs by name
    (made when missing)."""
    User = get_user_model()
    ids: dict[str, dict[int, int]] = {USER: {}, ORGANISATION: {}, HUB: {}}
    created_users = []
    reference = data.get("reference", {})
    for row in reference.get(USER, []):
        user = User.objects.filter(username=row["username"]).first()
        if user is None:
            # Someone who worked for the previous provider: named in the history, never able
            # to sign in here.
            user = User(
                username=row["username"],
                first_name=row.get("first_name", "")[:150],
                last_name=row.get("last_name", "")[:150],
                is_active=False,
            )
            user.set_unusable_password()
            user.save()
            created_users.append(user.username)
        ids[USER][row["id"]] = user.pk
    for row in reference.get(ORGANISATION, []):
        organisation = Organisation.objects.filter(name=row["name"]).first()
        if organisation is None:
            organisation = Organisation(name=row["name"], kind=row["kind"])
            organisation._history_user, organisation._change_reason = by, reason
            organisation.save()
        ids[ORGANISATION][row["id"]] = organisation.pk
    for row in reference.get(HUB, []):
        hub = Hub.objects.filter(name=row["name"]).first()
        if hub is None:
            hub = Hub(name=row["name"], organisation_id=ids[ORGANISATION][row["organisation"]])
            hub._history_user, hub._change_reason = by, reason
            hub.save()
        ids[HUB][row["id"]] = hub.pk
    return ids, created_users


@transaction.atomic
def records_import(*, source, by) -> ImportResult:
    """Check the file (``read_zip``) and re-create its records here, all or nothing.

    Every record keeps its field values and its links to the others; only the database ids
    are new. Referral references must not exist here already (an import never merges).
    """
    from referrals.services.grants import sync_referral_grants

    if not can_run_subject_access(by):
        raise PermissionDenied
    data, digest = read_zip(source)
    reason = f"Imported from {FORMAT} {digest[:12]}"

    by_label = {_model_label(s.model_class): s.model_class for s in export_sections()}
    unknown = [label for label in data["records"] if label not in by_label]
    if unknown:
        raise ExportFileError(f"The file holds records this system does not know: {', '.join(unknown)}.")
    references = [r["fields"].get("reference") for r in data["records"].get(_model_label(Referral), [])]
    clashes = Referral.objects.filter(reference__in=[r for r in references if r]).count()
    if clashes:
        raise ExportFileError(
            f"{clashes} referral references in the file are already in use here. Nothing was imported."
        )

    ids, created_users = _map_reference(data, by, reason)
    counts: dict[str, int] = {}
    models_in_file = [m for m in import_order(export_sections()) if _model_label(m) in data["records"]]
    with _keep_given_times(models_in_file):
        for model in models_in_file:
            label = _model_label(model)
            ids.setdefault(label, {})
            known = {f.name: f for f in _exported_fields(model)}
            for record in data["records"][label]:
                obj = model()
                for name, value in record["fields"].items():
                    f = known.get(name)
                    if f is None:
                        raise ExportFileError(f"{label} has a field {name!r} this system does not know.")
                    if isinstance(f, models.ForeignKey):
                        if value is not None:
                            target = _model_label(f.related_model)
                            try:
                                value = ids[target][value]
                            except KeyError:
                                raise ExportFileError(
                                    f"{label} {record['id']} points to {target} {value}, which is not in the file."
                                ) from None
                        setattr(obj, f.attname, value)
                    else:
                        setattr(obj, f.attname, None if value is None else f.to_python(value))
                obj._history_user, obj._change_reason = by, reason
                obj.save()
                ids[label][record["id"]] = obj.pk
            counts[label] = len(data["records"][label])

    person_ids = list(ids.get(_model_label(Person), {}).values())
    for referral in Referral.objects.filter(pk__in=ids.get(_model_label(Referral), {}).values()):
        sync_referral_grants(referral=referral)  # SEC-1: allocated workers and hubs see their people
    AccessLog.objects.bulk_create(
        [
            AccessLog(
                user=by,
                action=AccessLog.Action.IMPORT,
                object_type=Person._meta.label_lower,
                object_id=pk,
                person_id=pk,
                reason=f"{reason}, made {data.get('generated_at', '')[:19]} by {data['generated_by'].get('username', '')}",
            )
            for pk in person_ids
        ]
    )
    return ImportResult(people=len(person_ids), counts=counts, users_created=created_users, sha256=digest)
