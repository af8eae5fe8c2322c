from django import forms
from django.contrib import admin, messages
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


class LiveFilter(admin.SimpleListFilter):
    """Live as students' pages see it: not ended, presenter's page open, moved lately."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("live", "Live now"), ("over", "Ended or lapsed")]

    def queryset(self, request, queryset):
        live = Presentation.objects.live().values("pk")
        if self.value() == "live":
            return queryset.filter(pk__in=live)
        if self.value() == "over":
            return queryset.exclude(pk__in=live)
        return queryset


@admin.register(Presentation)
class PresentationAdmin(admin.ModelAdmin):
    """Follow-along sessions, to see who is presenting and end a forgotten one."""

    list_display = [
        "code",
        "lesson",
        "presenter",
        "live",
        "slide",
        "started_at",
        "moved_at",
        "presenter_seen_at",
        "ended_at",
    ]
    list_filter = [LiveFilter, "started_at"]
    list_select_related = ["lesson", "presenter"]
    actions = ["end_sessions"]
    readonly_fields = [
        "lesson",
        "presenter",
        "code",
        "slide",
        "slide_key",
        "step",
        "blackout",
        "version",
        "started_at",
        "moved_at",
        "presenter_seen_at",
        "ended_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        # Sessions start from the presenter page, which makes the code.
        return False

    @admin.display(boolean=True, description="Live")
    def live(self, presentation):
        return presentation.is_live

    @admin.action(description="End the selected sessions", permissions=["change"])
    def end_sessions(self, request, queryset):
        ended = 0
        for presentation in queryset.filter(ended_at__isnull=True):
            presentation.end()
            ended += 1
        self.message_user(
            request,
            f"Ended {ended} session{'s' if ended != 1 else ''}; "
            "students' pages stop following within a second or two.",
            messages.SUCCESS,
        )
