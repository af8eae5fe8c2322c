from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from lessons.content import export


class Command(BaseCommand):
    help = "Write lessons from the database back to content/*.md (for example after editing in the admin)."

    def add_arguments(self, parser):
        parser.add_argument(
            "slugs", nargs="*", help="Only these lessons (default: all)."
        )
        parser.add_argument(
            "--dir", default=None, help="Write to this folder instead of content/."
        )

    def handle(self, *args, slugs=None, dir=None, **options):
        directory = settings.COURSEWARE_CONTENT_DIR if dir is None else Path(dir)
        written = export(directory, slugs or None)
        for path in written:
            self.stdout.write(f"Wrote {path}")
        self.stdout.write(f"{len(written)} lesson(s) exported.")
