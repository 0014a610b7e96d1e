"""``manage.py export_records``: the secure records export (PAR-7, §3.23.4, §4.5.1).

    manage.py export_records --by dpo --output records.zip
    manage.py export_records --by dpo --organisation 3 --output for-treatment.zip
    manage.py export_records --by dpo --succession-to 7 --lawful-basis health_care --output handover.zip

Writes an ``ers-export`` version 1 file (docs/export-format.md): a zip of ``data.json`` and
its SHA-256. ``--organisation`` exports only the people shared with that organisation, and
records a disclosure for each; ``--succession-to`` exports everyone for an incoming provider,
also as disclosures. Without either, each person gets an EXPORT access-log row. The file is
created readable by its owner only; move it over an approved secure channel.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from partnership.models import Organisation
from referrals.data_rights.records_export import ExportFileError, records_export
from referrals.models import Consent


class Command(BaseCommand):
    help = "Export people's records as a checksummed ers-export file (PAR-7)."

    def add_arguments(self, parser):
        parser.add_argument("--by", required=True, help="Username of the data protection officer running the export.")
        parser.add_argument("--output", help="Where to write the zip (default: ers-export-<time>.zip here).")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--organisation", type=int, help="Only the people shared with this organisation (id).")
        # §4.5.1: handover to an incoming provider.
        group.add_argument("--succession-to", type=int, help="Everyone, for this incoming provider (organisation id).")
        parser.add_argument(
            "--lawful-basis",
            choices=Consent.LawfulBasis.values,
            default="",
            help="Lawful basis for disclosing to the organisation where no consent is on record.",
        )

    def handle(self, *args, **options):
        User = get_user_model()
        try:
            by = User.objects.get(username=options["by"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user {options['by']!r}.") from None
        organisation = self._organisation(options["organisation"])
        succession_to = self._organisation(options["succession_to"])
        output = Path(options["output"] or f"ers-export-{timezone.now():%Y%m%d-%H%M%S}.zip")
        # Owner-only from the moment it exists (it holds special category data), and made
        # before the export so a path that cannot be written fails before anything is logged.
        try:
            fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as error:
            raise CommandError(f"Cannot create {output}: {error.strerror}.") from None
        with os.fdopen(fd, "wb") as handle:
            try:
                result = records_export(
                    by=by, organisation=organisation, succession_to=succession_to, lawful_basis=options["lawful_basis"]
                )
                handle.write(result.content)
            except (PermissionDenied, ExportFileError) as error:
                handle.close()
                output.unlink(missing_ok=True)
                if isinstance(error, PermissionDenied):
                    raise CommandError("Only the data protection officer may export records.") from None
                raise CommandError(str(error)) from None
        self.stdout.write(f"Exported {result.people} people to {output}")
        for label, count in result.counts.items():
            self.stdout.write(f"  {label}: {count}")
        self.stdout.write(f"SHA-256 of data.json: {result.sha256}")

    def _organisation(self, pk):
        if pk is None:
            return None
        try:
            return Organisation.objects.get(pk=pk)
        except Organisation.DoesNotExist:
            raise CommandError(f"No organisation with id {pk}.") from None
