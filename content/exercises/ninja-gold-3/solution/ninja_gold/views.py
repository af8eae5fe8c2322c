"""Ninja Gold: the game lives in the session, and every move is a POST that redirects."""

import random

from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

GOAL = 250
MAX_MOVES = 15
# The session keeps only the newest entries, so it cannot grow for ever.
LOG_LIMIT = 50

# What one visit to each place pays, both ends included.
PLACES = {
    "farm": (10, 20),
    "cave": (5, 10),
    "house": (2, 5),
    "casino": (-50, 50),
}


def outcome(gold, moves):
    """ "won", "lost", or "" while the game goes on: the rule, written once."""
    if gold >= GOAL:
        return "won"
    if moves >= MAX_MOVES:
        return "lost"
    return ""


@require_GET
def index(request):
    # A new visitor has no "gold" in their session yet: get() gives 0 then.
    gold = request.session.get("gold", 0)
    moves = request.session.get("moves", 0)
    context = {
        "gold": gold,
        "moves": moves,
        "log": request.session.get("log", []),
        "places": PLACES,
        "goal": GOAL,
        "max_moves": MAX_MOVES,
        "outcome": outcome(gold, moves),
    }
    return render(request, "ninja_gold/index.html", context)


@require_POST
def process_money(request):
    place = request.POST.get("place", "")
    # Only the page's own buttons send a place; anything else changes nothing.
    if place not in PLACES:
        return HttpResponseBadRequest(
            "Choose one of the places: farm, cave, house, casino."
        )
    gold = request.session.get("gold", 0)
    moves = request.session.get("moves", 0)
    if outcome(gold, moves):
        # The game is over: the page already says so.
        return redirect("ninja_gold:index")

    low, high = PLACES[place]
    amount = random.randint(low, high)
    gold = gold + amount
    moves = moves + 1
    entry = {"move": moves, "place": place, "amount": amount, "total": gold}
    log = [entry] + request.session.get("log", [])

    # Assigning to request.session is what tells Django to save it.
    request.session["gold"] = gold
    request.session["moves"] = moves
    request.session["log"] = log[:LOG_LIMIT]
    return redirect("ninja_gold:index")  # Post/Redirect/Get


@require_POST
def reset(request):
    request.session["gold"] = 0
    request.session["moves"] = 0
    request.session["log"] = []
    return redirect("ninja_gold:index")
