from django.shortcuts import render

from .data import APRIL, NINJAS


def index(request):
    return render(request, "ninjas/index.html")


def all_ninjas(request):
    return render(request, "ninjas/all.html", {"ninjas": NINJAS.values()})


def ninja(request, color):
    # The table's keys are lowercase, so BLUE and Blue find Leonardo too.
    found = color.lower() in NINJAS
    context = {
        "ninja": NINJAS.get(color.lower(), APRIL),
        "color": color,
        "found": found,
    }
    return render(request, "ninjas/ninja.html", context)
