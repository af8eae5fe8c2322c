"""Ninja Gold's rules, kept apart from HTTP so they can be read and tested alone.

A ninja visits places to earn gold (or, at the casino, to lose it). The goal
is 250 gold in at most 15 moves. The whole game is one small dict stored
under one session key, newest log entry first:

    request.session["ninja_gold"] == {
        "gold": 23,
        "moves": 2,
        "log": [
            {"move": 2, "place": "cave", "amount": 7, "total": 23, "time": "18:00:05"},
            {"move": 1, "place": "farm", "amount": 16, "total": 16, "time": "18:00:01"},
        ],
    }

Only numbers, strings, lists and dicts go in, because Django stores the
session as JSON.
"""

import random
from typing import NamedTuple

from django.utils import timezone

SESSION_KEY = "ninja_gold"
# Won by about one game in four to five played well (22.5% with the best use
# of the casino) and rarely by farming alone (2.2%), computed exactly over
# the payout table. The classic 500 cannot be won: the farm pays at most
# 300 in 15 moves, and the casino gets there about once in 600,000 games.
GOAL = 250
MAX_MOVES = 15
# The log is capped so the session cannot grow without limit. The move count
# is kept apart from the log, so it stays exact even if old entries are dropped.
LOG_LIMIT = 50


class Gold(NamedTuple):
    """What one visit to a place pays, both ends included."""

    low: int
    high: int


# The one table that decides what each place pays. The view checks places
# against it and the template shows it, so a new place is one new line here.
PLACES = {
    "farm": Gold(10, 20),
    "cave": Gold(5, 10),
    "house": Gold(2, 5),
    "casino": Gold(-50, 50),
}


def new_game() -> dict:
    return {"gold": 0, "moves": 0, "log": []}


def load(session) -> dict:
    """A copy of this visitor's game, or a new one if there is none (or it is damaged).

    A copy, so changing it changes nothing stored until ``save`` is called.
    """
    state = session.get(SESSION_KEY)
    if not isinstance(state, dict):
        return new_game()
    if not isinstance(state.get("gold"), int):
        return new_game()
    if not isinstance(state.get("moves"), int):
        return new_game()
    if not isinstance(state.get("log"), list):
        return new_game()
    return {"gold": state["gold"], "moves": state["moves"], "log": list(state["log"])}


def save(session, state: dict) -> None:
    # Assigning the key (rather than editing the dict inside the session)
    # is what tells Django the session changed and must be saved.
    session[SESSION_KEY] = state


def earn(place: str) -> int:
    """The gold one visit to ``place`` pays this time."""
    gold = PLACES[place]
    # randint includes both ends: randint(10, 20) can return 10 and 20.
    return random.randint(gold.low, gold.high)


def outcome(state: dict) -> str:
    """The result so far: "won", "lost", or "" while the game goes on."""
    if state["gold"] >= GOAL:
        return "won"
    if state["moves"] >= MAX_MOVES:
        return "lost"
    return ""


def is_over(state: dict) -> bool:
    return outcome(state) != ""


def visit(state: dict, place: str) -> dict:
    """Send the ninja to ``place``: one move, some gold, one log entry.

    The caller checks first that the place exists and the game is not over;
    asking for either anyway is a bug in the caller, so it raises.
    """
    if place not in PLACES:
        raise ValueError(f"Unknown place: {place!r}")
    if is_over(state):
        raise ValueError("The game is over.")
    amount = earn(place)
    state["gold"] += amount
    state["moves"] += 1
    entry = {
        "move": state["moves"],
        "place": place,
        "amount": amount,
        "total": state["gold"],
        # The time of day as text: a datetime would not fit in the JSON session.
        "time": timezone.localtime().strftime("%H:%M:%S"),
    }
    # Newest first, and only the last LOG_LIMIT entries.
    state["log"] = [entry] + state["log"][: LOG_LIMIT - 1]
    return entry
