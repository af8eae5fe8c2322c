from django.contrib import admin
from markdownx.admin import MarkdownxModelAdmin

from .models import Lesson


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
        from .content import lesson_digest

        return (
            bool(lesson.synced_body_digest)
            and lesson_digest(lesson) != lesson.synced_body_digest
        )
