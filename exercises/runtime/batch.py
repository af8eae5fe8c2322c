"""Drive the runtime from another process: ``python -m exercises.runtime.batch``.

Reads one JSON object on stdin and writes one JSON answer on stdout:

- ``{"runs": [{"app": ..., "files": {...}, "seed": 0}, ...]}``: load each
  project and run its checks; the answer is a list of CheckReports. CI uses
  it to prove each starter fails and each solution passes, and the site to
  compute the solutions' reference traces, both with CPython.
- ``{"ops": [{"op": "load", ...}, {"op": "request", ...}]}``: send each
  request to ``handle`` in turn, exactly as the browser's worker does; the
  answer is the list of replies.
"""

import json
import random
import sys

from . import check, handle, load


def main() -> None:
    job = json.load(sys.stdin)
    if "ops" in job:
        answer = [json.loads(handle(json.dumps(op))) for op in job["ops"]]
    else:
        answer = [run(item) for item in job["runs"]]
    json.dump(answer, sys.stdout, default=str)


def run(item: dict) -> dict:
    loaded = load(item["app"], item["files"])
    if not loaded["ok"]:
        return {
            "ok": False,
            "error": loaded["error"],
            "passed": 0,
            "total": 0,
            "results": [],
        }
    if item.get("seed") is not None:
        # The same draws every time: Ninja Gold's reference traces stay put.
        random.seed(item["seed"])
    return check()


if __name__ == "__main__":
    main()
