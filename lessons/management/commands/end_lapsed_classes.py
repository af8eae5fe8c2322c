from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.utils import timezone

from lessons.models import Follower, Presentation


class Command(BaseCommand):
    help = (
        "Mark class sessions that ended by themselves (presenter gone or idle) "
        "as ended, and delete the follower rows of every session that is over."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would change."
        )

    def handle(self, *args, dry_run=False, **options):
        # A session whose presenter left without ending it is over for its
        # students already (Presentation.is_live), but nobody called end(),
        # so its follower rows, up to lessons.following.MAX_DEVICES of them,
        # would stay forever. Polls and their answers are kept: they are the
        # class's record, where followers were only the live count.
        lapsed = Presentation.objects.lapsed()
        over = Follower.objects.filter(
            models.Q(presentation__ended_at__isnull=False)
            | models.Q(presentation__in=lapsed)
        )
        if dry_run:
            self.stdout.write(
                f"{lapsed.count()} lapsed session(s) would be ended; "
                f"{over.count()} follower row(s) would be deleted."
            )
            return
        with transaction.atomic():
            deleted, _ = over.delete()
            ended = lapsed.update(
                ended_at=timezone.now(), version=models.F("version") + 1
            )
        self.stdout.write(
            f"Ended {ended} lapsed session(s); deleted {deleted} follower row(s)."
        )
