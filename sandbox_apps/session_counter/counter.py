"""The counter's rules, kept apart from HTTP so they can be read and tested alone.

All of the app's state is one small dict stored under one session key:

    request.session["session_counter"] == {"visits": 7, "note": ""}

``note`` is a one-time message left by a button for the page that follows
the redirect, the same idea as Django's messages framework.
"""

SESSION_KEY = "session_counter"
SMALLEST_ADD = 1
LARGEST_ADD = 100


def load(session) -> dict:
    """This visitor's counter, or a fresh one if there is none (or it is damaged)."""
    state = session.get(SESSION_KEY)
    if not isinstance(state, dict) or not isinstance(state.get("visits"), int):
        return {"visits": 0, "note": ""}
    return {"visits": state["visits"], "note": str(state.get("note", ""))}


def save(session, state: dict) -> None:
    # Assigning the key (rather than editing the dict inside the session)
    # is what tells Django the session changed and must be saved.
    session[SESSION_KEY] = state


def count_visit(state: dict) -> str:
    """Count a page view, unless it is the page a button redirected to.

    Returns the note to show. A button already changed the count; counting
    the redirect too would make "Add 2" add 3.
    """
    note = state["note"]
    if note:
        state["note"] = ""
    else:
        state["visits"] += 1
    return note


def add(state: dict, amount: int) -> None:
    state["visits"] += amount
    state["note"] = f"Added {amount}."


def reset(state: dict) -> None:
    state["visits"] = 0
    state["note"] = "The counter was reset to 0."
