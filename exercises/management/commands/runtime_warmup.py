"""Write the work that warms up the browser runtime's start-up snapshot (JSON).

frontend/build.py runs this while it builds the exercises' runtime. Under
Node, Pyodide runs these requests through the real runtime to learn which
modules a learner's start imports; a second, clean interpreter then imports
just those modules and is saved as a memory snapshot, which the browser's
worker restores instead of importing Django again (docs/exercises.md,
"The start-up snapshot").

The sample covers each road through the runtime: a project loaded and
checked with its solution (sessions, models, hashing, redirects) and with
a starter (failures, tracebacks), a preview request, and both playgrounds.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from exercises import packaging, registry

# One step of each assignment that touches the most of Django between them.
SOLVED = ("ninja-gold-3", "email-validation-3", "login-registration-4")
STARTER = "views-redirect"


def warmup_ops() -> list[dict]:
    ops = []
    for slug, solved in [*((s, True) for s in SOLVED), (STARTER, False)]:
        exercise = registry.get(slug)
        files = packaging.project_files(exercise, exercise.solution if solved else None)
        ops += [
            {"op": "load", "app": exercise.app, "files": files},
            {"op": "request", "method": "GET", "path": exercise.entry},
            {"op": "check", "reference": None},
        ]
    ops += [
        {
            "op": "resolve",
            "patterns": "from django.urls import path\nfrom . import views\n"
            'urlpatterns = [path("n/<int:id>/", views.show, name="show")]\n',
            "url": "/n/3/",
        },
        {
            "op": "render_template",
            "template": '{% extends "base.html" %}{% block b %}{{ x|upper }}{% endblock %}',
            "context": '{"x": "ninja"}',
            "templates": {"base.html": "<p>{% block b %}{% endblock %}</p>"},
        },
    ]
    return ops


class Command(BaseCommand):
    help = "Write the runtime files and sample requests that warm up the start-up snapshot."

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help="where to write the JSON")

    def handle(self, *args, output, **options):
        runtime = {
            name: path.read_text(encoding="utf-8")
            for name, path in sorted(packaging.runtime_files().items())
        }
        output.write_text(json.dumps({"runtime": runtime, "ops": warmup_ops()}))
