"""Ninja Gold: the game lives in the session, and every move is a POST that redirects."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

# What one visit to each place pays, both ends included.
PLACES = {
    "farm": (10, 20),
    "cave": (5, 10),
    "house": (2, 5),
    "casino": (-50, 50),
}


@require_GET
def index(request):
    # Step 1: read the gold from the session and render the page.
    return render(request, "ninja_gold/index.html")


@require_POST
def process_money(request):
    # Step 2 makes a visit earn gold. For now it only goes back to the page.
    return redirect("ninja_gold:index")


@require_POST
def reset(request):
    # Step 3 starts a new game here.
    return redirect("ninja_gold:index")
