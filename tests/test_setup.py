"""The README's set-up works from nothing, with the interpreter's own pip.

Python 3.11 ships pip 23.2.1, which refuses a hash-locked file whose packages
ask for extras once the index has newer releases than the lock. `./dev` must
not depend on that pip's version: this builds the environment the way a fresh
clone does and checks that the locked packages arrived.

The exercises' browser runtime is the other half of `./dev setup`, and
building it (npm ci, then Pyodide compiling Django) costs more than the
environment. Every CI run already builds it from nothing: CI's `./dev test`
starts from a fresh clone and builds the runtime before pytest runs. Here
the checkout's current build is copied in, so this test proves the other
promise: a runtime whose inputs did not change is not built again.
"""

import ensurepip
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def base_interpreter():
    """The Python this virtual environment was made from, not the venv's own."""
    for name in ("python3", "python"):
        candidate = Path(sys.base_prefix) / "bin" / name
        if candidate.exists():
            return str(candidate)
    return sys.executable


def test_dev_setup_builds_the_environment_from_nothing(tmp_path):
    for name in ("dev", "pyproject.toml"):
        shutil.copy2(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "requirements", tmp_path / "requirements")
    # ./dev setup also builds the exercises' browser runtime from frontend/.
    shutil.copytree(
        ROOT / "frontend",
        tmp_path / "frontend",
        ignore=shutil.ignore_patterns("node_modules"),
    )
    built = ROOT / "static" / "exercises" / "build"
    reused = (built / ".inputs").exists()
    if reused:
        shutil.copytree(built, tmp_path / "static" / "exercises" / "build")
    env = {
        **os.environ,
        "PYTHON": base_interpreter(),
        # An empty cache of built runtimes: what this machine built before
        # must not stand in for the checkout's own build (or its absence).
        "COURSEWARE_RUNTIME_CACHE": str(tmp_path / "runtime-cache"),
    }
    env.pop("VIRTUAL_ENV", None)

    done = subprocess.run(
        ["./dev", "setup"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "static/exercises/build/runtime.json").exists()
    assert ("Built the exercise runtime" in done.stdout) is not reused, done.stdout
    venv_python = tmp_path / ".venv" / "bin" / "python"
    # One interpreter start for all three versions: each start costs about
    # as much as the check itself.
    locked = subprocess.run(
        [
            str(venv_python),
            "-c",
            "import importlib.metadata as m; "
            "print(m.version('pip'), m.version('Django'), m.version('coverage'))",
        ],
        capture_output=True,
        text=True,
    )
    assert locked.returncode == 0, locked.stderr
    pip_version, django_version, coverage_version = locked.stdout.split()
    # The venv still has the interpreter's own pip: the locked set was not
    # installed by upgrading it, so the test proves what a fresh clone sees.
    # (A distribution's rebuilt pip may carry a local label, "+dfsg".)
    assert pip_version.split("+")[0] == ensurepip.version().split("+")[0]
    lock_text = (ROOT / "requirements" / "dev.lock").read_text()
    assert f"django=={django_version}" in lock_text.lower()
    assert f"coverage=={coverage_version}" in lock_text
