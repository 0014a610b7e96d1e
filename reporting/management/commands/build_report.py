"""Build a quarter's report now, for operators (RPT-1): the same services as the Celery task,
so the result is a new stored version like any other; its PDF and CSVs are also written to a
folder, with their SHA-256 checksums printed.

    manage.py build_report --quarter 2026-27-Q1 [--council cumberland] --output /tmp/report
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reporting import services
from reporting.models import ReportFile, ReportVersion
from reporting.periods import Quarter
from reporting.report_data import WHOLE_SERVICE


class Command(BaseCommand):
    help = "Build a quarter's report now and write its PDF and CSV files to a folder."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="The quarter, like 2026-27-Q1")
        parser.add_argument(
            "--council",
            default=WHOLE_SERVICE,
            help="cumberland or westmorland_and_furness; the whole service when left out",
        )
        parser.add_argument("--output", required=True, type=Path, help="The folder to write the files to")

    def handle(self, *args, quarter: str, council: str, output: Path, **options):
        try:
            parsed = Quarter.parse(quarter)
        except ValueError as error:
            raise CommandError(str(error)) from None
        try:
            run = services.report_run_for_command(quarter=parsed, council=council)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stderr.write(f"Building {parsed.label}, {run.council_label} (run {run.pk})")
        try:
            built = services.report_build(run_id=run.pk)
        except Exception as error:
            raise CommandError(f"The build failed ({type(error).__name__}); run {run.pk} is marked failed.") from None
        version = ReportVersion.objects.get(pk=built.pk)
        output.mkdir(parents=True, exist_ok=True)
        written = [(f"{version.file_stem}.pdf", bytes(version.pdf), version.pdf_sha256)]
        for file in ReportFile.objects.filter(version=version).order_by("pk"):
            written.append((f"{version.file_stem}-{file.name}", bytes(file.content), file.sha256))
        for name, content, checksum in written:
            (output / name).write_bytes(content)
            self.stdout.write(f"{checksum}  {name}")
        self.stderr.write(f"Version {version.number} written to {output}")
