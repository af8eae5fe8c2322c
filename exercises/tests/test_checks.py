"""CPython proves every exercise: the starter fails its checks, the solution passes them all,
and the downloaded project's `python manage.py test` says exactly the same.

The runtime runs in a child interpreter (exercises.runtime.batch), as it
does in the browser's worker: one interpreter for every exercise.
"""

import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.test import runner as django_runner

from exercises import packaging, registry
from exercises.runtime.checking import RequirementsRunner
from exercises.verification import run_checks, stable

EXERCISES = [e for e in registry.all_exercises() if e.kind == "exercise"]
LINE = re.compile(r"^(PASS|FAIL|ERROR)\s+(.*)$")
STATUS = {"PASS": "passed", "FAIL": "failed", "ERROR": "error"}


@pytest.fixture(scope="module")
def reports():
    """{(slug, "starter" | "solution"): CheckReport}, from the runtime."""
    runs = []
    for exercise in EXERCISES:
        runs += [(exercise, None), (exercise, exercise.solution)]
    found = run_checks(runs, seed=0)
    keys = [(e.slug, which) for e in EXERCISES for which in ("starter", "solution")]
    return dict(zip(keys, found, strict=True))


def test_every_starter_fails_and_every_solution_passes(reports):
    for exercise in EXERCISES:
        starter = reports[exercise.slug, "starter"]
        solution = reports[exercise.slug, "solution"]
        assert starter["ok"], (exercise.slug, starter["error"])
        assert starter["passed"] < starter["total"], (
            f"{exercise.slug}: the starter already passes every check"
        )
        assert solution["ok"], (exercise.slug, solution["error"])
        failing = [r for r in solution["results"] if r["status"] != "passed"]
        assert not failing, (exercise.slug, failing)
        ids = [check_id for check_id, __ in exercise.requirements]
        assert [r["id"] for r in solution["results"]] == ids, exercise.slug


def test_failed_checks_say_why_in_their_own_words(reports):
    for exercise in EXERCISES:
        for result in reports[exercise.slug, "starter"]["results"]:
            if result["status"] == "failed":
                # A check's own message, never unittest's "x != y".
                assert result["message"], (exercise.slug, result["id"])
                assert " != " not in result["message"], (exercise.slug, result)


def test_reference_traces_are_current(reports):
    # The solutions ran with the same seed as `manage.py exercise_references`.
    for exercise in EXERCISES:
        current = {
            result["id"]: [stable(hop) for hop in result["trace"]]
            for result in reports[exercise.slug, "solution"]["results"]
        }
        assert exercise.reference == current, (
            f"{exercise.slug}: reference.json is out of date; run manage.py exercise_references"
        )


RUNNER = Path(__file__).with_name("download_runner.py")


def run_downloads(cases, tmp_path) -> list[list[tuple[str, str, str]]]:
    """For each (exercise, editable): (status, requirement, message) per line
    `python manage.py test` prints in the downloaded project."""
    folders = []
    for index, (exercise, editable) in enumerate(cases):
        archive = zipfile.ZipFile(io.BytesIO(packaging.zip_project(exercise, editable)))
        archive.extractall(tmp_path / str(index))
        folders.append(str(tmp_path / str(index) / exercise.slug))
    # One interpreter imports Django once and forks a `manage.py test` per
    # project, one per CPU at a time: a whole start-up each, one after
    # another, would make this the slowest test.
    done = subprocess.run(
        [sys.executable, str(RUNNER)],
        input=json.dumps(folders),
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
    )
    return [printed_lines(run) for run in json.loads(done.stdout)]


def printed_lines(run: dict) -> list[tuple[str, str, str]]:
    lines = run["stdout"].splitlines()
    found = []
    for index, line in enumerate(lines):
        match = LINE.match(line)
        if match:
            following = lines[index + 1] if index + 1 < len(lines) else ""
            message = following.strip() if following.startswith("       ") else ""
            found.append((STATUS[match.group(1)], match.group(2).strip(), message))
    assert found, run["stdout"] + run["stderr"]
    return found


def _comparable(message: str) -> str:
    # Ninja Gold's amounts are random: the words must match, not the draws.
    return re.sub(r"-?\d+", "#", message.replace("\n", " "))


def test_every_download_says_the_same(reports, tmp_path):
    """The download shares the runtime's checks, layout and wording by
    construction (packaging.project_files, project/check_runner.py); what can
    differ is Django's own test set-up: DEBUG, the test database (apps with
    models but no migrations), hashers, CSRF. So every exercise's starter and
    solution run through `manage.py test`, as a learner would run them."""
    cases = [
        (exercise, which) for exercise in EXERCISES for which in ("starter", "solution")
    ]
    printed = run_downloads(
        [(e, e.solution if which == "solution" else None) for e, which in cases],
        tmp_path,
    )
    for (exercise, which), shown in zip(cases, printed, strict=True):
        where = f"{exercise.slug} ({which})"
        expected = [
            (r["status"], r["requirement"], r["message"])
            for r in reports[exercise.slug, which]["results"]
        ]
        assert [line[:2] for line in shown] == [line[:2] for line in expected], where
        for (status, __, message), (__, ___, wanted) in zip(
            shown, expected, strict=True
        ):
            if status == "failed":
                assert _comparable(message) == _comparable(wanted), where
            if status == "error":
                # The error's first line (type, file, line) is the same.
                assert message.split(":")[0] == wanted.split(":")[0], where


def test_downloaded_checks_hash_passwords_as_the_browser_does(monkeypatch):
    """`manage.py test` in a download hashes with the browser's rounds.

    With Django's million rounds the login exercises' checks took 6 s each
    on a learner's machine (and made the comparison above the suite's
    slowest test); the browser's fewer rounds make the same kind of hash.
    """
    # pytest-django has set up Django's test environment once already, and
    # Django refuses to do it twice: only the runner's own part runs here.
    monkeypatch.setattr(django_runner, "setup_test_environment", lambda **kw: None)
    monkeypatch.setattr(django_runner, "teardown_test_environment", lambda: None)
    checks = RequirementsRunner(verbosity=0)
    checks.setup_test_environment()
    try:
        algorithm, rounds, *__ = make_password("analytical engine").split("$")
    finally:
        checks.teardown_test_environment()
    assert (algorithm, rounds) == ("pbkdf2_sha256", "1000")
    assert not make_password("analytical engine").startswith("pbkdf2_sha256$1000$")
