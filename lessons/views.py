"""Reader pages. Markdown was rendered when each lesson was saved, and the
reader pages are the same bytes for every visitor, so whole pages are
cached until any lesson changes."""

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from courseware.pagecache import course_page

from .models import Lesson
from .stamp import course_stamp

PAGE_CACHE_SECONDS = 60 * 60


@require_safe
@course_page
def home(request):
    return cached_page(
        request,
        "home",
        "lessons/home.html",
        lambda: {"lessons": Lesson.objects.outline()},
    )


@require_safe
@course_page
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
