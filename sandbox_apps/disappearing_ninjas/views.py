"""Disappearing Ninjas: routing, URL parameters and static files.

Three URL patterns (see urls.py) lead to three small views. The third one
takes a value from the address itself, ``color``, and uses it to choose a
ninja. Whatever a visitor types there is only ever shown as escaped text:
Django's templates escape every variable unless told otherwise.
"""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import ninjas


@require_GET
def index(request):
    context = {"nobody": ninjas.NO_NINJAS, "ninjas": ninjas.NINJAS.values()}
    template = "disappearing_ninjas/page.html"
    # Inside a lesson, htmx asks only for the part of the page it swaps.
    if request.htmx:
        template = "disappearing_ninjas/_index.html"
    return render(request, template, context)


@require_GET
def all_ninjas(request):
    context = {"ninjas": ninjas.NINJAS.values()}
    template = "disappearing_ninjas/all.html"
    # Inside a lesson, htmx asks only for the part of the page it swaps.
    if request.htmx:
        template = "disappearing_ninjas/_all.html"
    return render(request, template, context)


@require_GET
def ninja(request, color):
    context = {
        "color": color,
        "ninja": ninjas.find(color),  # None when no ninja wears that colour
        "april": ninjas.APRIL,
        "ninjas": ninjas.NINJAS.values(),
    }
    template = "disappearing_ninjas/ninja.html"
    # Inside a lesson, htmx asks only for the part of the page it swaps.
    if request.htmx:
        template = "disappearing_ninjas/_ninja.html"
    return render(request, template, context)
