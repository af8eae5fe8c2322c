"""Write each exercise's reference.json: the trace of every check's requests against the solution.

Run it after changing a solution or its checks, and commit the files. The
bundle ships them, so a learner whose check fails sees the solution's path
beside theirs without the browser ever running the solution.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from exercises import registry
from exercises.verification import reference_traces


class Command(BaseCommand):
    help = "Compute the solutions' reference traces into content/exercises/<slug>/reference.json."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="only these exercises")

    def handle(self, *args, slugs, **options):
        try:
            chosen = [registry.get(slug) for slug in slugs] or registry.all_exercises()
        except registry.ExerciseError as error:
            raise CommandError(str(error)) from error
        chosen = [exercise for exercise in chosen if exercise.kind == "exercise"]
        try:
            all_traces = reference_traces(chosen)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        for exercise in chosen:
            traces = all_traces[exercise.slug]
            target = exercise.folder / "reference.json"
            text = (
                json.dumps(traces, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
            )
            changed = not target.exists() or target.read_text(encoding="utf-8") != text
            if changed:
                target.write_text(text, encoding="utf-8")
            self.stdout.write(
                f"{exercise.slug}: {'written' if changed else 'unchanged'} ({len(traces)} checks)"
            )
