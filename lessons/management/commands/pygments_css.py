from django.conf import settings
from django.core.management.base import BaseCommand

from lessons.rendering import pygments_css


class Command(BaseCommand):
    help = "Write static/css/pygments.css (code colours, light and dark) from the styles in lessons.rendering."

    def handle(self, *args, **options):
        path = settings.BASE_DIR / "static" / "css" / "pygments.css"
        path.write_text(pygments_css(), encoding="utf-8")
        self.stdout.write(f"Wrote {path}")
