"""The code a step of the panel names, on request.

The panel links to this view instead of carrying every file it names in
every answer: a click in a demo stays a small response, and the code comes
only when a reader opens it (in place with htmx, or as a page without).
Only what ``lessons.rendering.resolve_source`` allows can be shown: files
under sandbox_apps/ of the kinds lessons show, which are public anyway.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from . import sources


@require_safe
def source(request):
    spec = request.GET.get("spec", "")
    line = request.GET.get("line", "")
    highlight_lines = (int(line),) if line.isdigit() and len(line) < 7 else ()
    code = sources.block(spec, highlight_lines)
    if not code:
        raise Http404("No such source file.")
    # The block is Pygments output with every value escaped, made by
    # lessons.rendering.render_source from a file under sandbox_apps/.
    context = {"code": mark_safe(code), "spec": spec}
    template = (
        "sandbox_apps/inspector/_source.html"
        if request.htmx
        else "sandbox_apps/inspector/source.html"
    )
    return render(request, template, context)
