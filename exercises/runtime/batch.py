"""Run the checks of many projects in one interpreter: ``python -m exercises.runtime.batch``.

Reads {"runs": [{"app": ..., "files": {...}}, ...]} as JSON on stdin and
writes one CheckReport per run as a JSON list on stdout. CI uses it to prove
each starter fails and each solution passes, and the site uses it to
compute the solutions' reference traces, both with CPython.
"""

import json
import sys

from . import check, load


def main() -> None:
    runs = json.load(sys.stdin)["runs"]
    reports = []
    for run in runs:
        loaded = load(run["app"], run["files"])
        if loaded["ok"]:
            reports.append(check())
        else:
            reports.append(
                {
                    "ok": False,
                    "error": loaded["error"],
                    "passed": 0,
                    "total": 0,
                    "results": [],
                }
            )
    json.dump(reports, sys.stdout, default=str)


if __name__ == "__main__":
    main()
