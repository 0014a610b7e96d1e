"""``manage.py import_records <file> --by <username>``: read an ``ers-export`` file (PAR-7).

Checks the checksum, the format and the version before anything is written, and refuses a
changed or damaged file with the reason. The import is all or nothing. ``--check`` only
checks the file. See docs/export-format.md.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from referrals.data_rights.records_export import ExportFileError
from referrals.data_rights.records_import import read_zip, records_import


class Command(BaseCommand):
    help = "Import people's records from a checksummed ers-export file (PAR-7)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The ers-export zip file.")
        parser.add_argument("--by", required=True, help="Username of the data protection officer running the import.")
        parser.add_argument("--check", action="store_true", help="Only check the file; import nothing.")

    def handle(self, *args, **options):
        path = options["file"]
        User = get_user_model()
        try:
            by = User.objects.get(username=options["by"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user {options['by']!r}.") from None
        try:
            with open(path, "rb") as handle:
                if options["check"]:
                    data, digest = read_zip(handle)
                    self.stdout.write(
                        f"{path} is a valid {data['format']} version {data['version']} file "
                        f"with {data.get('people', 0)} people (SHA-256 {digest})."
                    )
                    return
                result = records_import(source=handle, by=by)
        except FileNotFoundError:
            raise CommandError(f"{path} does not exist.") from None
        except PermissionDenied:
            raise CommandError("Only the data protection officer may import records.") from None
        except ExportFileError as error:
            raise CommandError(f"{path} was not imported: {error}") from None
        self.stdout.write(f"Imported {result.people} people from {path} (SHA-256 {result.sha256})")
        for label, count in result.counts.items():
            self.stdout.write(f"  {label}: {count}")
        if result.users_created:
            self.stdout.write(
                f"Made {len(result.users_created)} inactive placeholder accounts for staff named in the records: "
                + ", ".join(result.users_created)
            )
