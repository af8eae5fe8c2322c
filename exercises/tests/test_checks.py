"""CPython proves every exercise: the starter fails its checks, the solution passes them all,
and the downloaded project's `python manage.py test` says exactly the same.

The runtime runs in a child interpreter (exercises.runtime.batch), as it
does in the browser's worker: one interpreter for every exercise.
"""

import io
import re
import subprocess
import sys
import zipfile

import pytest

from exercises import packaging, registry
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


def run_download(exercise, editable, tmp_path) -> list[tuple[str, str, str]]:
    """(status, requirement, message) per line `python manage.py test` prints."""
    archive = zipfile.ZipFile(io.BytesIO(packaging.zip_project(exercise, editable)))
    archive.extractall(tmp_path)
    project = tmp_path / exercise.slug
    done = subprocess.run(
        [sys.executable, "manage.py", "test"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
    )
    lines = done.stdout.splitlines()
    found = []
    for index, line in enumerate(lines):
        match = LINE.match(line)
        if match:
            following = lines[index + 1] if index + 1 < len(lines) else ""
            message = following.strip() if following.startswith("       ") else ""
            found.append((STATUS[match.group(1)], match.group(2).strip(), message))
    assert found, done.stdout + done.stderr
    return found


# The download shares the runtime's checks, layout and wording by
# construction (packaging.project_files, project/check_runner.py); what can
# differ is Django's own test set-up: DEBUG, the test database (apps with
# models but no migrations), hashers, CSRF. One project of each kind runs
# through `manage.py test`, as a learner would; each run is a whole Django
# start-up, so not all of them.
DOWNLOADS = [
    ("ninja-gold-3", "starter"),  # the session, redirects, random gold
    ("ninja-gold-3", "solution"),  # every line PASS
    ("email-validation-3", "starter"),  # a model without migrations
    ("login-registration-2", "starter"),  # errors raised in the learner's view, hashing
]


def _comparable(message: str) -> str:
    # Ninja Gold's amounts are random: the words must match, not the draws.
    return re.sub(r"-?\d+", "#", message.replace("\n", " "))


@pytest.mark.parametrize(("slug", "which"), DOWNLOADS)
def test_the_download_says_the_same(reports, tmp_path, slug, which):
    exercise = registry.get(slug)
    editable = exercise.solution if which == "solution" else None
    shown = run_download(exercise, editable, tmp_path)
    expected = [
        (r["status"], r["requirement"], r["message"])
        for r in reports[slug, which]["results"]
    ]
    assert [line[:2] for line in shown] == [line[:2] for line in expected]
    for (status, __, message), (__, ___, wanted) in zip(shown, expected, strict=True):
        if status == "failed":
            assert _comparable(message) == _comparable(wanted)
        if status == "error":
            # The error's first line (type, file, line) is the same.
            assert message.split(":")[0] == wanted.split(":")[0]
