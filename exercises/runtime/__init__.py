"""Running a learner's Django project: in CPython for CI, in Pyodide in the browser.

Pure Python: the standard library, Django, and the inspector's recording
module; no code of the site. The browser's worker calls ``handle`` with a
JSON request and gets a JSON reply; Python callers use the functions.
docs/exercises.md is the contract.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import project
from .checking import describe_error
from .playground import render_template, resolve
from .project import BadInput, check, load, request, reset
from .trace import first_difference

# Bumped when a reply's shape changes, so a cached worker and a new bundle
# can tell they do not match.
RUNTIME_VERSION = "1"

__all__ = [
    "RUNTIME_VERSION",
    "check",
    "first_difference",
    "handle",
    "load",
    "render_template",
    "request",
    "reset",
    "resolve",
]


def handle(message: str) -> str:
    """One request from the worker, as JSON text; the reply, as JSON text. Never raises."""
    try:
        data = json.loads(message)
        if not isinstance(data, dict):
            raise BadInput("The request must be a JSON object.")
        reply = _dispatch(data)
    except (BadInput, json.JSONDecodeError, KeyError, TypeError) as error:
        text = f"Missing field {error}." if isinstance(error, KeyError) else str(error)
        reply = {"ok": False, "error": {"type": "BadRequest", "message": text}}
    except BaseException as error:  # noqa: BLE001 - nothing may reach the worker's JavaScript
        # What Django's handler lets through: SystemExit from sys.exit() in a
        # view, a KeyboardInterrupt from the Stop button. The learner's
        # frames say where it came from.
        reply = {
            "ok": False,
            "error": describe_error(error, project.state.root or Path("/")),
        }
    return json.dumps(reply, default=str)


def _dispatch(data: dict) -> dict:
    op = data.get("op")
    if op == "load":
        return load(data["app"], data["files"])
    if op == "request":
        return request(
            data["method"],
            data["path"],
            data.get("data"),
            bool(data.get("follow", True)),
        )
    if op == "check":
        return check(data.get("reference"))
    if op == "reset":
        return reset()
    if op == "resolve":
        return resolve(data["patterns"], data["url"])
    if op == "render_template":
        return render_template(data["template"], data["context"], data.get("templates"))
    if op == "version":
        return {"ok": True, "version": RUNTIME_VERSION}
    raise BadInput(
        f"Unknown op {op!r}: use load, request, check, reset, resolve or render_template."
    )
