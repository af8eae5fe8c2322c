"""``/// exercise | ninja-gold-2`` embeds an exercise; the body is an optional prompt.

Without JavaScript the block is a link to the exercise's own page. With it,
static/exercises/loader.js offers to open the exercise in place; the editor
and the Python runtime load only then (see exercises_browser).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from exercises import registry

from ..errors import AuthoringError
from .base import Conversion, SlotBlock, render_prompt


class ExerciseBlock(SlotBlock):
    NAME = "exercise"
    LIVE = True

    def fill(self, argument: str, body: str, conversion: Conversion) -> str:
        try:
            exercise = registry.get(argument)
        except registry.ExerciseError as error:
            raise AuthoringError([f"Exercise block: {error}"]) from error
        conversion.record(self.NAME, exercise.slug)
        siblings = [other.slug for other in registry.for_lesson(exercise.lesson)]
        context = {
            "exercise": exercise,
            "index": len(conversion.used[self.NAME]),
            # The version in the URL: a changed exercise is a new URL, so the
            # bundle can be cached for good (docs/exercises.md).
            "bundle_url": reverse("exercises:bundle", args=[exercise.slug])
            + f"?v={exercise.version}",
            "page_url": reverse("exercises:page", args=[exercise.slug]),
            "manifest_url": reverse("exercises_browser:manifest"),
            # A lesson is done when all of these pass (the progress record).
            "lesson_exercises": " ".join(siblings or [exercise.slug]),
            # Sanitized by render_prompt before it is marked safe.
            "prompt": mark_safe(render_prompt(body)) if body else "",
        }
        return render_to_string("exercises_browser/_block.html", context)
