"""Reader pages. Markdown was rendered when each lesson was saved, and the
reader pages are the same bytes for every visitor, so whole pages are
cached until any lesson changes."""

import hashlib
import json
import re

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from courseware.pagecache import course_page

from . import search as course_search
from .models import Lesson
from .stamp import course_stamp

PAGE_CACHE_SECONDS = 60 * 60
# static/js/site.js, demo-page.js, lesson-demos.js and the modules they
# import, one per job.
SITE_MODULES = [
    "copy",
    "demo-page",
    "demo-scripts",
    "csrf",
    "demos",
    "focus",
    "inspector",
    "lesson-demos",
    "offline",
    "outline",
    "progress",
    "retry",
    "search",
    "shortcuts",
    "theme-toggle",
    "toc",
]
# Pygments' wrapper around highlighted code (rendering adds a language class).
HIGHLIGHTED_CODE = re.compile(r'class="[^"]*\bhighlight\b')
# The sidebar lists every lesson up to this many, else a window around the current one.
OUTLINE_ALL_UP_TO = 15
OUTLINE_AROUND = 7


# Reader pages are compressed by Django itself (GZipMiddleware, see
# settings.py for why that is safe), so they travel small even without a
# compressing proxy; the page cache keeps them compressed.
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


@require_safe
@cache_control(public=True, max_age=60)
def search(request):
    """Results depend on the query alone, never on who asks: cacheable."""
    query = request.GET.get("q", "")
    status = 200
    problem = ""
    try:
        hits = course_search.search(query)
    except course_search.QueryTooLong as error:
        hits, problem, status = [], str(error), 400
    context = {
        "query": query,
        "hits": hits,
        "problem": problem,
        "searched": bool(query.strip()),
    }
    template = "lessons/search.html"
    # The live box under the header swaps in only the results list.
    if request.htmx:
        template = "lessons/_search_results.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


# What every reader page loads; the service worker keeps them at install.
OFFLINE_FILES = [
    "css/site.css",
    "css/pygments.css",
    "css/demos.css",
    "js/theme.js",
    "js/site.js",
    *(f"js/{name}.js" for name in SITE_MODULES),
    "img/favicon.svg",
    "manifest.webmanifest",
]


@require_safe
@cache_control(no_cache=True)
def service_worker(request):
    """The offline-reading worker, served from the root so its scope is the whole site.

    Its text names the course's stamp and the static files' URLs (hashed in
    production), so any change to either is a new worker: browsers then
    install it and drop the copies the old one kept.
    """
    precache = [static(name) for name in OFFLINE_FILES]
    lesson_slugs = list(Lesson.objects.outline().values_list("slug", flat=True))
    version = hashlib.sha256(
        "\n".join([course_stamp(), *precache]).encode()
    ).hexdigest()[:16]
    body = render_to_string(
        "lessons/sw.js",
        {
            "version_json": json.dumps(version),
            "precache_json": json.dumps(["/", *precache]),
            "static_prefix_json": json.dumps(settings.STATIC_URL),
            "lessons_json": json.dumps(
                [reverse("lessons:detail", args=[slug]) for slug in lesson_slugs]
            ),
        },
    )
    return HttpResponse(body, content_type="text/javascript; charset=utf-8")


def cached_page(request, name, template, make_context):
    if isinstance(caches["default"], LocMemCache):
        # Without Redis this cache is the worker's own memory, where
        # PageCacheMiddleware already keeps the whole answer: a second copy
        # here only grew each worker by 21 MB at 500 lessons. Redis is
        # worth it: one render serves every worker and every server.
        return HttpResponse(render_to_string(template, make_context(), request))
    key = f"lessons:page:{name}:{course_stamp()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(template, make_context(), request)
        cache.set(key, html, PAGE_CACHE_SECONDS)
    return HttpResponse(html)


def lesson_context(slug):
    lesson = get_object_or_404(Lesson, slug=slug)
    # Only the lessons around this one are read, never the whole course: a
    # page of a 500-lesson course then costs what it costs in a short one.
    # The course's order is (order, pk), as in Lesson.Meta.ordering.
    before = Q(order__lt=lesson.order) | Q(order=lesson.order, pk__lt=lesson.pk)
    after = Q(order__gt=lesson.order) | Q(order=lesson.order, pk__gt=lesson.pk)
    lessons = Lesson.objects.outline()
    position = lessons.filter(before).count() + 1
    lesson_count = lessons.count()
    # On a long course the sidebar lists only the lessons around this one,
    # so a page's size does not grow with the course; home lists them all.
    around = OUTLINE_AROUND if lesson_count > OUTLINE_ALL_UP_TO else OUTLINE_ALL_UP_TO
    earlier = list(lessons.filter(before).reverse()[:around])[::-1]
    later = list(lessons.filter(after)[:around])
    part = [*earlier, lesson, *later]
    for number, item in enumerate(part, start=position - len(earlier)):
        item.position = number
    return {
        "lesson": lesson,
        "outline": part,
        "outline_is_part": len(part) < lesson_count,
        "outline_first": part[0].position,
        "outline_last": part[-1].position,
        "lesson_count": lesson_count,
        "previous": earlier[-1] if earlier else None,
        "next": later[0] if later else None,
        "position": position,
        # Pages without highlighted code skip the code colours' stylesheet.
        "has_code": HIGHLIGHTED_CODE.search(lesson.html) is not None,
    }
