"""Run a module of the runtime in a child interpreter, JSON in and JSON out.

The runtime configures Django for the learner's tiny project, which cannot
happen inside the test process (Django is already set up for the site), so
the tests drive it in a fresh interpreter, as the browser's worker does.
"""

import json
import os
import subprocess
import sys

from exercises import packaging


def run_json(module: str, payload: dict, timeout: int) -> dict:
    """Feed ``payload`` to ``python -m module`` and return what it printed."""
    # Without PYTHONDONTWRITEBYTECODE, as ./dev test runs: whether the
    # child writes .pyc files is then the runtime's own choice.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONDONTWRITEBYTECODE")
    }
    done = subprocess.run(
        [sys.executable, "-m", module],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        cwd=packaging.REPO_ROOT,
        env=env,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)
