"""A lesson: Markdown written by a person, HTML rendered once when saved."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from markdownx.models import MarkdownxField

from . import rendering


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class LessonQuerySet(models.QuerySet):
    def outline(self):
        """What the course home and the sidebar need, without the heavy HTML."""
        return self.order_by("order", "pk").only("slug", "title", "summary", "order")


class Lesson(models.Model):
    slug = models.SlugField(unique=True, max_length=80)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300)
    order = models.PositiveIntegerField(default=0, db_index=True)
    body = MarkdownxField(
        help_text="Markdown. Use ## for sections; see the authoring guide for demo and source blocks."
    )

    # Filled by render(): the page's HTML and what it used, so no public
    # request ever runs Markdown.
    html = models.TextField(editable=False, default="")
    headings = models.JSONField(editable=False, default=list)
    demos = models.JSONField(editable=False, default=list)
    sources = models.JSONField(editable=False, default=list)
    renderer_version = models.PositiveIntegerField(editable=False, default=0)

    # What sync_content last wrote, to tell an admin edit from a file edit.
    synced_body_digest = models.CharField(max_length=64, editable=False, default="")
    synced_at = models.DateTimeField(editable=False, null=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # clean() already rendered when the admin saved; anything else (sync,
        # the shell) renders here, and an authoring error stops the save.
        if getattr(self, "_rendered_body", None) != self.body:
            self.render()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("lessons:detail", args=[self.slug])

    def clean(self):
        super().clean()
        try:
            self.render()
        except rendering.AuthoringError as error:
            raise ValidationError({"body": error.problems}) from None

    def render(self):
        result = rendering.render(
            self.body,
            max_chars=settings.COURSEWARE_MAX_LESSON_CHARS,
            timeout=settings.COURSEWARE_RENDER_TIMEOUT,
        )
        self.html = result.html
        self.headings = [
            {"level": h.level, "id": h.id, "title": h.title} for h in result.headings
        ]
        self.demos = list(result.demos)
        self.sources = list(result.sources)
        self.renderer_version = rendering.RENDERER_VERSION
        self._rendered_body = self.body

    @property
    def edited_since_sync(self) -> bool:
        return (
            bool(self.synced_body_digest)
            and digest(self.body) != self.synced_body_digest
        )

    @property
    def toc(self):
        return [h for h in self.headings if h["level"] in (2, 3)]
