"""Running exercises' checks with CPython, outside the site's own process.

The site's process has the site's settings; a learner's project needs its
own. So the checks run in a child interpreter (``exercises.runtime.batch``)
that imports nothing of the site, just as the browser's worker does.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from .packaging import REPO_ROOT, project_files
from .registry import Exercise


def run_checks(
    runs: list[tuple[Exercise, dict[str, str] | None]], seed: int | None = None
) -> list[dict]:
    """One CheckReport per (exercise, editable files); None means the starter."""
    return drive(
        {
            "runs": [
                {
                    "app": exercise.app,
                    "files": project_files(exercise, editable),
                    "seed": seed,
                }
                for exercise, editable in runs
            ]
        }
    )


def drive(payload: dict) -> list[dict]:
    """Send ``payload`` to a fresh interpreter running exercises.runtime.batch."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-m", "exercises.runtime.batch"],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=env,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"The exercise checks did not run:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout)


def reference_traces(exercises: list[Exercise]) -> dict[str, dict[str, list[dict]]]:
    """Each check's requests against the solution: {slug: {check id: [hop, ...]}}.

    One child interpreter for them all: starting Django is most of the cost.
    """
    reports = run_checks(
        [(exercise, exercise.solution) for exercise in exercises], seed=0
    )
    traces = {}
    for exercise, report in zip(exercises, reports, strict=True):
        if not report["ok"] or report["passed"] != report["total"]:
            raise RuntimeError(
                f"{exercise.slug}: the solution does not pass its own checks: {json.dumps(report)[:2000]}"
            )
        traces[exercise.slug] = {
            result["id"]: [stable(hop) for hop in result["trace"]]
            for result in report["results"]
        }
    return traces


# Values that change every run although the solution does not: the time a
# row was made, and the savepoint names Django derives from the thread.
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d)?")
SAVEPOINT = re.compile(r"\bs\d+_x\d+\b")


def stable(hop: dict) -> dict:
    """The hop without what differs between two runs of the same code.

    So reference.json changes only when the solution's behaviour does.
    """
    hop = {key: value for key, value in hop.items() if key not in {"ms", "query_ms"}}
    hop["queries"] = [
        {
            **{k: v for k, v in query.items() if k != "ms"},
            "sql": SAVEPOINT.sub("s_x", query["sql"]),
            "params": [
                {**param, "text": TIMESTAMP.sub("(the time)", param["text"])}
                for param in query["params"]
            ],
        }
        for query in hop.get("queries", [])
    ]
    return hop
