from django.contrib import admin
from markdownx.admin import MarkdownxModelAdmin

from .models import Lesson, Presentation


@admin.register(Lesson)
class LessonAdmin(MarkdownxModelAdmin):
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

    class Media:
        css = {"all": ["css/pygments.css", "css/admin-preview.css"]}

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
