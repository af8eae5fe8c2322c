"""What the browser's worker does, played in a child interpreter for test_runtime.py.

Reads {"projects": {name: {"app": ..., "files": {...}}}} on stdin, runs
each scenario below against the runtime exactly as the worker would (JSON
through ``handle``), and prints {scenario: what it saw} as JSON.
"""

import json
import re
import sys

from exercises.runtime import handle


def call(**request):
    return json.loads(handle(json.dumps(request)))


def token(body):
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    return match.group(1) if match else ""


def main():
    projects = json.load(sys.stdin)["projects"]
    seen = {}

    def load(name, **changes):
        project = projects[name]
        files = {**project["files"], **changes}
        return call(op="load", app=project["app"], files=files)

    gold = projects["gold"]["files"]
    # Whether this interpreter may write .pyc files: before the first load
    # and after it (the runtime turns it off for the learner's files only
    # once there are some).
    seen["writes_bytecode"] = [not sys.dont_write_bytecode]
    seen["load"] = load("gold")
    seen["writes_bytecode"].append(not sys.dont_write_bytecode)
    page = call(op="request", method="GET", path="/")
    seen["page"] = page
    seen["no_token"] = call(
        op="request", method="POST", path="/process_money/", data={"place": "farm"}
    )
    seen["visit"] = call(
        op="request",
        method="POST",
        path="/process_money/",
        data={"place": "farm", "csrfmiddlewaretoken": token(page["body"])},
    )
    seen["missing"] = call(op="request", method="GET", path="/nowhere/")

    broken_view = gold["ninja_gold/views.py"].replace(
        "amount = random.randint(low, high)", "amount = random.randint(low, hihg)"
    )
    seen["broken_load"] = load("gold", **{"ninja_gold/views.py": broken_view})
    page = call(op="request", method="GET", path="/")
    seen["broken_visit"] = call(
        op="request",
        method="POST",
        path="/process_money/",
        data={"place": "cave", "csrfmiddlewaretoken": token(page["body"])},
    )
    seen["broken_check"] = call(op="check", reference=projects["gold"]["reference"])
    exiting = gold["ninja_gold/views.py"].replace(
        "    gold = request.session.get",
        "    raise SystemExit(3)\n    gold = request.session.get",
        1,
    )
    seen["exit_load"] = load("gold", **{"ninja_gold/views.py": exiting})
    seen["exit"] = call(op="request", method="GET", path="/")
    seen["syntax"] = load("gold", **{"ninja_gold/views.py": "def index(:\n"})
    seen["request_after_syntax"] = call(op="request", method="GET", path="/")
    edited = gold["ninja_gold/templates/ninja_gold/index.html"].replace(
        "Your gold:", "Gold so far:"
    )
    seen["edited"] = load(
        "gold", **{"ninja_gold/templates/ninja_gold/index.html": edited}
    )
    seen["edited_page"] = call(op="request", method="GET", path="/")

    # A database app: the preview keeps its rows across a Check, loses them
    # when models.py changes.
    seen["emails"] = load("emails")
    form = call(op="request", method="GET", path="/")
    seen["added"] = call(
        op="request",
        method="POST",
        path="/",
        data={"email": "ann@example.com", "csrfmiddlewaretoken": token(form["body"])},
    )
    seen["emails_check"] = call(op="check")
    seen["after_check"] = call(op="request", method="GET", path="/success/")
    models = projects["emails"]["files"]["emails/models.py"].replace(
        "    objects = AddressManager()",
        "    note = models.CharField(max_length=20, default='')\n\n    objects = AddressManager()",
    )
    # A load that fails half-way (the models import, the views do not) must
    # not count as having changed the tables.
    seen["half_load"] = load(
        "emails", **{"emails/models.py": models, "emails/views.py": "def index(:\n"}
    )
    seen["models_changed"] = load("emails", **{"emails/models.py": models})
    seen["after_models"] = call(op="request", method="GET", path="/success/")
    seen["reset"] = call(op="reset")

    seen["bad"] = [
        json.loads(handle("not json")),
        call(op="load", app="x", files={"../evil.py": ""}),
        call(op="request", method="DELETE", path="/"),
        call(op="request", method="GET", path="http://elsewhere/"),
        call(op="fly"),
    ]
    json.dump(seen, sys.stdout)


if __name__ == "__main__":
    main()
