from django import forms
from django.contrib import admin
from markdownx.models import MarkdownxField

from .content import file_body
from .models import Lesson, Presentation
from .widgets import LessonBodyWidget


class LessonForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = ["title", "slug", "summary", "order", "body"]
        widgets = {"body": LessonBodyWidget}

    def clean_body(self) -> str:
        # A browser's textarea sends CRLF line endings; the files hold LF, and
        # a body that differs only in endings must not look like an edit.
        return file_body(self.cleaned_data["body"])


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    form = LessonForm
    # MarkdownxField's own form field swaps any widget for django-markdownx's.
    formfield_overrides = {MarkdownxField: {"form_class": forms.CharField}}
    list_display = ["order", "title", "slug", "updated_at", "edited_since_sync"]
    list_display_links = ["title"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["demos", "sources", "synced_at", "updated_at"]
    fields = [
        "title",
        "slug",
        "summary",
        "order",
        "body",
        "demos",
        "sources",
        "synced_at",
        "updated_at",
    ]

    @admin.display(boolean=True, description="Edited since sync")
    def edited_since_sync(self, lesson):
        return lesson.edited_since_sync


@admin.register(Presentation)
class PresentationAdmin(admin.ModelAdmin):
    """Follow-along sessions, to see who is presenting and end a forgotten one."""

    list_display = [
        "code",
        "lesson",
        "presenter",
        "slide",
        "started_at",
        "moved_at",
        "ended_at",
    ]
    list_filter = ["ended_at"]
    readonly_fields = [
        "lesson",
        "presenter",
        "code",
        "slide",
        "version",
        "started_at",
        "moved_at",
    ]
    fields = [*readonly_fields, "ended_at"]
