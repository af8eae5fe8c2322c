"""Ninja Gold: state in the session, and Post/Redirect/Get.

The game lives in ``request.session["ninja_gold"]``, so it survives between
requests without a database table of its own. Every place's form posts to
the one ``process_money`` view, which reads which place was chosen from the
form, updates the game and redirects. Reloading the page after that repeats
the harmless GET, never the move.

Two clicks at the same moment would both read the same game and the last
save would win, losing a move. sandbox_apps.middleware.SessionWriteLockMiddleware
makes one visitor's POSTs take turns, so these views can stay simple.
"""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from sandbox_apps.refusals import refuse

from . import game


@require_GET
def index(request):
    state = game.load(request.session)
    context = {
        "gold": state["gold"],
        "moves": state["moves"],
        "log": state["log"],
        "outcome": game.outcome(state),
        "places": game.PLACES,
        "goal": game.GOAL,
        "max_moves": game.MAX_MOVES,
    }
    template = "ninja_gold/page.html"
    # Inside a lesson, htmx asks only for the part of the page it swaps.
    if request.htmx:
        template = "ninja_gold/_game.html"
    return render(request, template, context)


@require_POST
def process_money(request):
    places = request.POST.getlist("place")
    # Each button sends exactly one place from the table. No place, two
    # places or a made-up one did not come from this page: refuse it.
    if len(places) != 1 or places[0] not in game.PLACES:
        choices = ", ".join(game.PLACES)
        return refuse(request, f"Choose one of the places: {choices}.")
    state = game.load(request.session)
    if game.is_over(state):
        # A click sent just before the game ended: show the final board.
        return redirect("ninja_gold:index")
    game.visit(state, places[0])
    game.save(request.session, state)
    return redirect("ninja_gold:index")  # Post/Redirect/Get


@require_POST
def reset(request):
    # Only this app's key is replaced; other demos keep their state.
    game.save(request.session, game.new_game())
    return redirect("ninja_gold:index")
