from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sandbox_apps.models import Sandbox


class Command(BaseCommand):
    help = "Delete sandboxes (and every row in them) idle for longer than COURSEWARE_SANDBOX_MAX_IDLE_DAYS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="Override the idle limit, in days."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be deleted."
        )

    def handle(self, *args, days=None, dry_run=False, **options):
        days = settings.COURSEWARE_SANDBOX_MAX_IDLE_DAYS if days is None else days
        if days < 1:
            # 0 would delete every sandbox, including the ones in use right
            # now: refuse, and exit non-zero so a cron job's log shows it.
            raise CommandError(
                f"--days must be at least 1 (got {days}); a sandbox in use "
                "today is never purged."
            )
        idle = Sandbox.objects.idle_for(days)
        count = idle.count()
        if dry_run:
            self.stdout.write(
                f"{count} sandbox(es) idle for more than {days} day(s) would be deleted."
            )
            return
        # Deleting in one statement per table (CASCADE) inside one transaction:
        # a visitor active right now has a recent last_seen_at and is not touched.
        idle.delete()
        self.stdout.write(
            f"Deleted {count} sandbox(es) idle for more than {days} day(s)."
        )
