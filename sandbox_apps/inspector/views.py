"""The code a step of the panel names, on request.

The panel links to this view instead of carrying every file it names in
every answer: a click in a demo stays a small response, and the code comes
only when a reader opens it (in place with htmx, or as a page without).
Only what ``sandbox_apps.sources`` allows can be shown: files under
sandbox_apps/ of the kinds lessons show, which are public anyway.
"""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from sandbox_apps import sources
from sandbox_apps.refusals import refuse


class SourceQuery(forms.Form):
    # The panel's links only ever carry these two; anything else is refused
    # with a 400 rather than guessed at.
    spec = forms.CharField(max_length=300)
    line = forms.IntegerField(min_value=1, max_value=999_999, required=False)


@require_safe
def source(request):
    query = SourceQuery(request.GET)
    if not query.is_valid():
        return refuse(request, "That link does not name a file and line to show.")
    line = query.cleaned_data["line"]
    highlight_lines = (line,) if line else ()
    code = sources.excerpt_html(query.cleaned_data["spec"], highlight_lines)
    if not code:
        raise Http404("No such source file.")
    # Pygments output with every value escaped, made by sandbox_apps.sources
    # from a file under sandbox_apps/.
    context = {"code": mark_safe(code), "spec": query.cleaned_data["spec"]}
    # Opened in place, the block replaces the link; without JavaScript it is a page.
    if request.htmx:
        return render(request, "sandbox_apps/inspector/_source.html", context)
    return render(request, "sandbox_apps/inspector/source.html", context)
