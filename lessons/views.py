"""Reader pages. Markdown was rendered when each lesson was saved, and the
reader pages are the same bytes for every visitor, so whole pages are
cached until any lesson changes."""

from django.core.cache import cache
from django.db.models import Count, Max
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from .models import Lesson

PAGE_CACHE_SECONDS = 60 * 60
# How long a worker trusts its idea of the course's latest edit. Saving a
# lesson clears it at once where the cache is shared (Redis, or this
# process); other processes with a local cache catch up within this time.
STAMP_SECONDS = 2
STAMP_KEY = "lessons:course-stamp"


@require_safe
@cache_control(public=True, max_age=60)
def home(request):
    return cached_page(
        request,
        "home",
        "lessons/home.html",
        lambda: {"lessons": Lesson.objects.outline()},
    )


@require_safe
@cache_control(public=True, max_age=60)
def detail(request, slug):
    # Editing any lesson can change this page's outline and prev/next links,
    # so the key carries a stamp of the whole course, not just this lesson.
    return cached_page(
        request, f"lesson:{slug}", "lessons/detail.html", lambda: lesson_context(slug)
    )


def cached_page(request, name, template, make_context):
    key = f"lessons:page:{name}:{course_stamp()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(template, make_context(), request)
        cache.set(key, html, PAGE_CACHE_SECONDS)
    return HttpResponse(html)


def lesson_context(slug):
    lesson = get_object_or_404(Lesson, slug=slug)
    outline = list(Lesson.objects.outline())
    position = next(index for index, item in enumerate(outline) if item.pk == lesson.pk)
    return {
        "lesson": lesson,
        "outline": outline,
        "previous": outline[position - 1] if position > 0 else None,
        "next": outline[position + 1] if position + 1 < len(outline) else None,
        "position": position + 1,
    }


def course_stamp():
    stamp = cache.get(STAMP_KEY)
    if stamp is None:
        found = Lesson.objects.aggregate(latest=Max("updated_at"), count=Count("pk"))
        latest = found["latest"].timestamp() if found["latest"] else 0
        stamp = f"{latest:.6f}-{found['count']}"
        cache.set(STAMP_KEY, stamp, STAMP_SECONDS)
    return stamp


def forget_course_stamp(**kwargs):
    cache.delete(STAMP_KEY)
