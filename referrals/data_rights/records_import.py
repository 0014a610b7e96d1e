"""Importing a secure records export (PAR-7, §3.23.4, §4.5.1): ``ers-export`` versions 3 and 4.

``read_zip`` checks the file (checksum, format, version) before anything is written, and
``records_import`` re-creates its records here, all or nothing, with history on every row it
creates and an access-log row per person. The format itself (``VERSION``, the canonical JSON,
the import order) lives in ``referrals.data_rights.records_export``; see docs/export-format.md.
"""

from __future__ import annotations

import contextlib
import hmac
import io
import json
import zipfile
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from partnership.access import can_run_subject_access
from partnership.models import COUNCILS_IN_AREA, AccessLog, Hub, Organisation
from referrals.data_rights.records_export import (
    CHECKSUM_NAME,
    DATA_NAME,
    FORMAT,
    GROUP,
    HUB,
    ORGANISATION,
    READABLE_VERSIONS,
    USER,
    ExportFileError,
    canonical_bytes,
    checksum,
    export_sections,
    exported_fields,
    import_order,
    model_label,
)
from referrals.models import Person, Referral

if TYPE_CHECKING:
    from pathlib import Path

    from django.contrib.auth.models import User

# --- Reading and checking a file ------------------------------------------------------------------


def read_zip(source: bytes | str | Path | IO[bytes]) -> tuple[dict, str]:
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
    if data.get("version") not in READABLE_VERSIONS:
        readable = " and ".join(str(v) for v in sorted(READABLE_VERSIONS))
        raise ExportFileError(
            f"This file is {FORMAT} version {data.get('version')!r}; this system reads versions {readable} only. "
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


def _map_reference(data: dict, by: User, reason: str) -> tuple[dict[str, dict[int, int]], list[str]]:
    """Staff by username (an inactive placeholder when missing), organisations and hubs by name,
    groups by hub and name (made when missing)."""
    UserModel = get_user_model()
    ids: dict[str, dict[int, int]] = {USER: {}, ORGANISATION: {}, HUB: {}, GROUP: {}}
    created_users = []
    reference = data.get("reference", {})
    for row in reference.get(USER, []):
        user = UserModel.objects.filter(username=row["username"]).first()
        if user is None:
            # Someone who worked for the previous provider: named in the history, never able
            # to sign in here.
            user = UserModel(
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
            hub = Hub(
                name=row["name"],
                organisation_id=ids[ORGANISATION][row["organisation"]],
                # A council outside the area (or none, from an older file) is left blank.
                council=row.get("council") if row.get("council") in COUNCILS_IN_AREA else "",
            )
            hub._history_user, hub._change_reason = by, reason
            hub.save()
        ids[HUB][row["id"]] = hub.pk
    group_model = apps.get_model(GROUP)
    for row in reference.get(GROUP, []):
        hub_id = ids[HUB][row["hub"]]
        group = group_model.objects.filter(hub_id=hub_id, name=row["name"]).first()
        if group is None:
            group = group_model(name=row["name"], kind=row["kind"], hub_id=hub_id, is_running=row["is_running"])
            group._history_user, group._change_reason = by, reason
            group.save()
        ids[GROUP][row["id"]] = group.pk
    return ids, created_users


def _refuse_references_in_use(data: dict, by_label: dict) -> None:
    """Referrals, people and the rest keep their references (R-..., P-...), which are unique:
    one already used here means the file was imported before, or the systems overlap."""
    for label, rows in data["records"].items():
        model = by_label[label]
        if not any(f.name == "reference" and f.unique for f in model._meta.fields):
            continue
        references = [r["fields"].get("reference") for r in rows if r["fields"].get("reference")]
        clashes = model._default_manager.filter(reference__in=references).count()
        if clashes:
            kind = "referral" if model is Referral else str(model._meta.verbose_name)
            raise ExportFileError(
                f"{clashes} {kind} references in the file are already in use here. Nothing was imported."
            )


@transaction.atomic
def records_import(*, source: bytes | str | Path | IO[bytes], by: User) -> ImportResult:
    """Check the file (``read_zip``) and re-create its records here, all or nothing.

    Every record keeps its field values and its links to the others; only the database ids
    are new. Referral references must not exist here already (an import never merges).
    """
    from referrals.services.grants import sync_referral_grants

    if not can_run_subject_access(by):
        raise PermissionDenied
    data, digest = read_zip(source)
    reason = f"Imported from {FORMAT} {digest[:12]}"

    by_label = {model_label(s.model_class): s.model_class for s in export_sections()}
    unknown = [label for label in data["records"] if label not in by_label]
    if unknown:
        raise ExportFileError(f"The file holds records this system does not know: {', '.join(unknown)}.")
    _refuse_references_in_use(data, by_label)

    ids, created_users = _map_reference(data, by, reason)
    counts: dict[str, int] = {}
    models_in_file = [m for m in import_order(export_sections()) if model_label(m) in data["records"]]
    with _keep_given_times(models_in_file):
        for model in models_in_file:
            label = model_label(model)
            ids.setdefault(label, {})
            known = {f.name: f for f in exported_fields(model)}
            for record in data["records"][label]:
                obj = model()
                for name, value in record["fields"].items():
                    f = known.get(name)
                    if f is None:
                        raise ExportFileError(f"{label} has a field {name!r} this system does not know.")
                    if isinstance(f, models.ForeignKey):
                        if value is not None:
                            target = model_label(f.related_model)
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

    person_ids = list(ids.get(model_label(Person), {}).values())
    for referral in Referral.objects.filter(pk__in=ids.get(model_label(Referral), {}).values()):
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
