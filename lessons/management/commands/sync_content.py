from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lessons.content import sync


class Command(BaseCommand):
    help = (
        "Create or update lessons from content/*.md. Lessons edited in the admin since the "
        "last sync are reported and left alone unless --force is given (export_content first "
        "to keep those edits)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite lessons edited in the admin.",
        )
        parser.add_argument(
            "--dir",
            default=None,
            help="Read lessons from this folder instead of content/.",
        )

    def handle(self, *args, force=False, dir=None, **options):
        directory = settings.COURSEWARE_CONTENT_DIR if dir is None else Path(dir)
        if not directory.is_dir():
            raise CommandError(f"No content folder at {directory}.")
        report = sync(directory, force=force)
        for label, slugs in [
            ("created", report.created),
            ("updated", report.updated),
            ("re-rendered (sources or renderer changed)", report.rerendered),
            ("unchanged", report.unchanged),
        ]:
            self.stdout.write(
                f"{len(slugs)} {label}"
                + (f": {', '.join(slugs)}" if slugs and label != "unchanged" else "")
            )
        for slug in report.conflicts:
            self.stderr.write(
                self.style.WARNING(
                    f"Skipped {slug}: edited in the admin since the last sync. "
                    "Run export_content to keep the edit, or sync_content --force to discard it."
                )
            )
        for slug in report.not_in_files:
            self.stdout.write(
                f"Note: lesson {slug} exists in the database but has no file (export_content writes one)."
            )
        failures = []
        if report.errors:
            for name, problems in report.errors.items():
                for problem in problems:
                    self.stderr.write(self.style.ERROR(f"{name}: {problem}"))
            failures.append(f"{len(report.errors)} lesson file(s) could not be synced")
        if report.conflicts:
            # A deploy script must notice: the site is not showing the files.
            failures.append(
                f"{len(report.conflicts)} lesson(s) skipped as edited in the admin"
            )
        if failures:
            raise CommandError("; ".join(failures) + ".")
