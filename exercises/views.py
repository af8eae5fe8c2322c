"""Each exercise's own page, its bundle for the browser, and its starter download.

Nothing here runs a learner's code or stores anything about them: every
answer is the same for every visitor, so all of it can be cached.
"""

import functools

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name

from sandbox_apps.sources import scrollable

from . import bundles, packaging, registry

YEAR = 365 * 24 * 60 * 60
LEXERS = {"django-html": "html+django"}


def _exercise(slug: str) -> registry.Exercise:
    try:
        return registry.get(slug)
    except registry.ExerciseError as error:
        raise Http404(str(error)) from error


@require_safe
def page(request, slug):
    exercise = _exercise(slug)
    previous, following = bundles.neighbours(exercise)
    files = packaging.project_files(exercise)
    shown = [
        {
            "path": path,
            "editable": path in exercise.editable,
            "html": _highlighted(path, text),
        }
        for path, text in files.items()
        if not packaging.is_hidden(exercise, path)
    ]
    solution = [
        {"path": path, "html": _highlighted(path, text)}
        for path, text in exercise.solution.items()
        if text != exercise.editable.get(path)
    ]
    context = {
        "exercise": exercise,
        "task_html": bundles.task_html(exercise),
        "hints": bundles.hints_html(exercise),
        "files": shown,
        "solution": solution,
        "previous": previous,
        "next": following,
        "lesson": _lesson(exercise.lesson),
    }
    response = render(request, "exercises/page.html", context)
    patch_cache_control(response, public=True, max_age=300)
    return response


# A bundle is ~40 KB of JSON that compresses to a quarter; it holds no
# secret, so compressing it leaks nothing (no BREACH).
@gzip_page
@require_safe
def bundle(request, slug):
    exercise = _exercise(slug)
    version = exercise.version
    asked = request.GET.get("v")
    if asked is not None and asked != version:
        # A page cached before the exercise changed: send it to the current bundle.
        return redirect(f"{reverse('exercises:bundle', args=[slug])}?v={version}")
    response = JsonResponse(bundles.bundle(exercise))
    response["ETag"] = f'"{version}"'
    if asked == version:
        # The version is in the URL, so this URL's answer never changes.
        patch_cache_control(response, public=True, max_age=YEAR, immutable=True)
    else:
        patch_cache_control(response, public=True, max_age=60)
    return response


@require_safe
def starter_zip(request, slug):
    exercise = _exercise(slug)
    if exercise.kind != "exercise":
        raise Http404("A playground has no project to download.")
    response = HttpResponse(
        packaging.zip_project(exercise), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{exercise.slug}.zip"'
    patch_cache_control(response, public=True, max_age=300)
    return response


# Every visit to an exercise shows the same files, and highlighting them
# was most of the page's work (about a tenth of a second of CPU). Keyed by
# the text itself, so an edited exercise is highlighted anew; 512 files is
# every exercise's files several times over.
@functools.lru_cache(maxsize=512)
def _highlighted(path: str, text: str) -> str:
    language = packaging.language(path)
    lexer = get_lexer_by_name(LEXERS.get(language, language))
    # Pygments escapes every character of the file it is given.
    return scrollable(highlight(text, lexer, HtmlFormatter(cssclass="highlight")))


def _lesson(slug: str):
    from lessons.models import Lesson

    return Lesson.objects.filter(slug=slug).first()
