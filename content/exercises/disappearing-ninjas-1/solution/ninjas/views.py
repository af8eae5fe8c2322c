from django.shortcuts import render

from .data import NINJAS


def index(request):
    return render(request, "ninjas/index.html")


def all_ninjas(request):
    return render(request, "ninjas/all.html", {"ninjas": NINJAS.values()})
