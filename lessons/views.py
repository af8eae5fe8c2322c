"""Reader pages. Each is one or two queries and a template: the Markdown was
rendered when the lesson was saved."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .models import Lesson


@require_safe
def home(request):
    return render(request, "lessons/home.html", {"lessons": Lesson.objects.outline()})


@require_safe
def detail(request, slug):
    lesson = get_object_or_404(Lesson, slug=slug)
    outline = list(Lesson.objects.outline())
    position = next(index for index, item in enumerate(outline) if item.pk == lesson.pk)
    context = {
        "lesson": lesson,
        "outline": outline,
        "previous": outline[position - 1] if position > 0 else None,
        "next": outline[position + 1] if position + 1 < len(outline) else None,
        "position": position + 1,
    }
    return render(request, "lessons/detail.html", context)
