"""Running an exercise's checks and saying what they found, in plain words.

Each check is an ordinary Django test method whose docstring's first line is
one requirement. This module turns a test's outcome into the line a learner
reads: the requirement, passed or not, and the check's own message or the
error their code raised, pointing only at their files.

It imports nothing but the standard library and Django, because the same
file ships in the downloaded project as ``project/check_runner.py``: there
``python manage.py test`` prints exactly what the in-browser Check shows.
"""

from __future__ import annotations

import sys
import traceback
import unittest
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test.runner import DiscoverRunner
from django.test.utils import override_settings

# Files of the project that are scaffolding, not the learner's code: a
# traceback never points into them.
NOT_THE_LEARNERS = ("tests.py", "check_runner.py", "manage.py")


def requirement_of(test: unittest.TestCase) -> str:
    """The first line of the test method's docstring: the requirement it checks."""
    name = getattr(test, "_testMethodName", None)
    if name is None:
        # unittest's stand-in when a whole class failed to set up.
        return "Setting up the checks"
    doc = (getattr(getattr(test, name, None), "__doc__", None) or "").strip()
    return doc.splitlines()[0].strip() if doc else name


def check_id(test: unittest.TestCase) -> str:
    name = getattr(test, "_testMethodName", None)
    if name is None:
        return test.id()
    return f"{type(test).__name__}.{name}"


def learner_frames(error: BaseException, root: Path) -> list[dict]:
    """The traceback's frames that are in the learner's files, oldest first.

    Django's and Python's own frames are left out: a beginner looks for the
    mistake in their code, and that is where these lines point.
    """
    frames = []
    root = root.resolve()
    for summary in traceback.extract_tb(error.__traceback__):
        path = _project_path(summary.filename, root)
        if path is None:
            continue
        frames.append(
            {
                "path": path,
                "line": summary.lineno or 0,
                "function": summary.name,
                "code": (summary.line or "").strip(),
            }
        )
    if isinstance(error, SyntaxError) and error.filename:
        # A syntax error happens before the file runs, so no frame names it.
        path = _project_path(error.filename, root)
        if path is not None:
            frames.append(
                {
                    "path": path,
                    "line": error.lineno or 0,
                    "function": "",
                    "code": (error.text or "").strip(),
                }
            )
    return frames


def describe_error(error: BaseException, root: Path) -> dict:
    """An exception from the learner's code as data: type, message, their frames."""
    frames = learner_frames(error, root)
    kind = type(error).__name__
    message = str(error.msg if isinstance(error, SyntaxError) else error)
    if frames:
        last = frames[-1]
        summary = f"{kind} in {last['path']}, line {last['line']}: {message}"
    else:
        summary = f"{kind}: {message}"
    return {
        "type": kind,
        "message": message,
        "summary": summary,
        "traceback": frames,
    }


def _project_path(filename: str, root: Path) -> str | None:
    try:
        path = Path(filename).resolve()
    except (OSError, ValueError):
        return None
    if not path.is_relative_to(root):
        return None
    if path.name in NOT_THE_LEARNERS:
        return None
    return path.relative_to(root).as_posix()


class InWrittenOrder(unittest.TestLoader):
    """Loads test methods in the order they are written, not alphabetically.

    The checks are a list of requirements; the first ones are the first
    things to build, so they are shown and run in that order.
    """

    def loadTestsFromModule(self, module, *, pattern=None):
        cases = [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, unittest.TestCase)
            and value.__module__ == module.__name__
        ]
        return self.suiteClass(self.loadTestsFromTestCase(case) for case in cases)

    def getTestCaseNames(self, testCaseClass):
        names = []
        for klass in reversed(testCaseClass.__mro__):
            for name, value in vars(klass).items():
                if name.startswith(self.testMethodPrefix) and callable(value):
                    if name in names:
                        names.remove(name)
                    names.append(name)
        return names


class Outcome:
    """What one check found: passed, failed (an assertion) or error (the code raised)."""

    def __init__(self, test: unittest.TestCase, status: str, message: str, error):
        self.id = check_id(test)
        self.requirement = requirement_of(test)
        self.status = status
        self.message = message
        self.traceback: list[dict] = error["traceback"] if error else []

    def line(self) -> str:
        mark = {"passed": "PASS", "failed": "FAIL", "error": "ERROR"}[self.status]
        text = f"{mark:5}  {self.requirement}"
        if self.message:
            text += f"\n       {self.message}"
        for frame in self.traceback:
            text += f"\n         {frame['path']}, line {frame['line']}: {frame['code']}"
        return text


class RequirementsResult(unittest.TextTestResult):
    """Collects an Outcome per check; prints each as a line when it has a stream."""

    root: Path = Path.cwd()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes: list[Outcome] = []

    def _record(self, test, status: str, err=None) -> None:
        message, error = "", None
        if err is not None:
            exc = err[1]
            if status == "failed":
                message = str(exc)
            else:
                error = describe_error(exc, self.root)
                message = error["summary"]
        outcome = Outcome(test, status, message, error)
        self.outcomes.append(outcome)
        self.stream.writeln(outcome.line())
        self.stream.flush()

    # Each of these replaces unittest's dots and letters with a requirement line.
    def addSuccess(self, test):
        unittest.TestResult.addSuccess(self, test)
        self._record(test, "passed")

    def addFailure(self, test, err):
        unittest.TestResult.addFailure(self, test, err)
        self._record(test, "failed", err)

    def addError(self, test, err):
        unittest.TestResult.addError(self, test, err)
        self._record(test, "error", err)

    def addSkip(self, test, reason):
        unittest.TestResult.addSkip(self, test, reason)

    def printErrors(self):
        # Every failure was already told on its own line, with the learner's
        # frames; Django's full tracebacks would bury it.
        passed = sum(outcome.status == "passed" for outcome in self.outcomes)
        self.stream.writeln(f"\n{passed} of {len(self.outcomes)} requirements met.")


class QuickerPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's PBKDF2 with fewer rounds, for running the checks.

    Django's default (a million rounds of PBKDF2-SHA256) takes a large share
    of a second per password in CPython and seconds in WebAssembly, and a
    check may hash several: the login exercises' checks took 6 s on a
    learner's machine. Django's own docs advise a quicker hasher for tests.
    The hashes are ordinary ``pbkdf2_sha256$...`` hashes that
    ``check_password`` verifies the same way; the site the learner serves
    keeps the real count.
    """

    iterations = 1000


# This module is exercises.runtime.checking in the browser and
# project.check_runner in a download: the path names whichever it is.
QUICKER_HASHER = f"{__name__}.{QuickerPBKDF2PasswordHasher.__name__}"


class RequirementsRunner(DiscoverRunner):
    """``python manage.py test`` for an exercise: one line per requirement."""

    test_loader = InWrittenOrder()

    def setup_test_environment(self, **kwargs):
        super().setup_test_environment(**kwargs)
        # The browser's checks hash the same way (project.py): the two say
        # the same for the same code.
        self._quicker_hashes = override_settings(PASSWORD_HASHERS=[QUICKER_HASHER])
        self._quicker_hashes.enable()

    def teardown_test_environment(self, **kwargs):
        self._quicker_hashes.disable()
        super().teardown_test_environment(**kwargs)

    def get_resultclass(self):
        RequirementsResult.root = Path(getattr(settings, "BASE_DIR", Path.cwd()))
        return RequirementsResult

    def run_suite(self, suite, **kwargs):
        runner = unittest.TextTestRunner(
            stream=sys.stdout,
            verbosity=self.verbosity,
            resultclass=self.get_resultclass(),
            failfast=self.failfast,
        )
        return runner.run(suite)
