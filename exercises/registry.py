"""Finding the exercise folders under content/exercises/, and refusing broken ones.

An exercise is a folder (docs/exercises.md says what goes in it). Reading one
resolves ``starter_from`` chains, so each Exercise knows the complete files
a learner starts from, sees read-only, and should end with. Anything wrong
with a folder is an ExerciseError naming the folder and the problem: the
lesson that embeds it, ``sync_content`` and the tests all fail loudly.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import tomllib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path, PurePosixPath

from django.conf import settings

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
KINDS = ("exercise", "playground")
PLAYGROUND_TOOLS = {
    "route-playground": "resolve",
    "template-playground": "render_template",
}
REQUIRED = {"title", "lesson", "kind", "order", "app", "entry"}
OPTIONAL = {"starter_from", "hints", "tool", "editable"}
SKELETON = "_project"
# The skeleton names the app and the exercise with these words; each
# exercise's project has them replaced.
APP_MARK = "EXERCISE_APP"
TITLE_MARK = "EXERCISE_TITLE"
MAX_FILE_BYTES = 100_000


class ExerciseError(ValueError):
    """An exercise folder the course cannot publish; the message says what to fix."""


@dataclass(frozen=True)
class Exercise:
    slug: str
    title: str
    lesson: str
    kind: str
    order: int
    app: str
    entry: str
    task: str
    hints: tuple[str, ...]
    # path -> text; editable files in the order the tabs show them.
    editable: dict[str, str]
    fixed: dict[str, str]
    solution: dict[str, str]
    checks: str
    # (id, requirement) per check, in written order.
    requirements: tuple[tuple[str, str], ...]
    starter_from: str | None = None
    tool: str = ""
    reference: dict = field(default_factory=dict)
    folder: Path = Path()

    @property
    def tests_path(self) -> str:
        return f"{self.app}/tests.py"

    @cached_property
    def version(self) -> str:
        """A short hash of everything the bundle holds, for cache-busting URLs.

        Kept once computed: an edited folder is read again as a new Exercise
        (``_load_all`` keys on the files' times and sizes), so it never goes stale.
        """
        from . import packaging

        digest = hashlib.sha256()
        for part in (
            json.dumps(
                [self.title, self.lesson, self.kind, self.order, self.entry, self.tool]
            ),
            self.task,
            json.dumps(self.hints),
            json.dumps(packaging.project_files(self), sort_keys=True),
            json.dumps(self.solution, sort_keys=True),
            json.dumps(self.reference, sort_keys=True),
            packaging.runtime_version(),
        ):
            digest.update(part.encode())
            digest.update(b"\0")
        return digest.hexdigest()[:12]


# --- Public API ------------------------------------------------------------------


def exercises_dir() -> Path:
    return Path(settings.COURSEWARE_CONTENT_DIR) / "exercises"


@contextmanager
def looked_at_once():
    """Inside the block, look at the folders' files only once.

    Each lookup checks every file for changes (``_signature``), and a
    lesson's render makes two per exercise block. Rendering one lesson is
    too short for a folder edit to matter, so it wraps its lookups in this.
    A context variable, so other threads keep seeing edits at once.
    """
    token = _held.set({})
    try:
        yield
    finally:
        _held.reset(token)


def all_exercises() -> list[Exercise]:
    """Every exercise, validated, ordered by lesson then order. Raises ExerciseError."""
    found = _load_all(exercises_dir(), _current_signature(exercises_dir()))
    return sorted(found.values(), key=lambda e: (e.lesson, e.order, e.slug))


def get(slug: str) -> Exercise:
    """The exercise named ``slug``, or ExerciseError saying it does not exist or is broken."""
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        raise ExerciseError(f"{slug!r} is not an exercise slug (like ninja-gold-2).")
    found = _load_all(exercises_dir(), _current_signature(exercises_dir()))
    if slug not in found:
        raise ExerciseError(f"There is no exercise {slug!r} in content/exercises/.")
    return found[slug]


def for_lesson(lesson: str) -> list[Exercise]:
    return [exercise for exercise in all_exercises() if exercise.lesson == lesson]


def skeleton_files(app: str, title: str) -> dict[str, str]:
    """The project around every exercise, with the app's name filled in."""
    root = exercises_dir() / SKELETON
    if not root.is_dir():
        raise ExerciseError("content/exercises/_project/ is missing.")
    return {
        path: text.replace(APP_MARK, app).replace(TITLE_MARK, title)
        for path, text in _read_tree(root, "content/exercises/_project").items()
    }


# --- Reading folders -------------------------------------------------------------


# Signatures already taken inside ``looked_at_once``, by folder.
_held: ContextVar[dict[Path, tuple] | None] = ContextVar(
    "exercise_signatures", default=None
)


def _current_signature(root: Path) -> tuple:
    held = _held.get()
    if held is None:
        return _signature(root)
    if root not in held:
        held[root] = _signature(root)
    return held[root]


def _signature(root: Path) -> tuple:
    """What changes when any file under ``root`` changes: re-read only then.

    Every lookup pays for this (a lesson's render makes several), so each
    file is stat-ed once, with os.walk rather than pathlib's heavier
    objects: about 5 ms for the course's 150 files instead of 12.
    """
    if not root.is_dir():
        return ()
    found = []
    for folder, subfolders, names in os.walk(root):
        subfolders.sort()
        for name in sorted(names):
            path = os.path.join(folder, name)
            try:
                status = os.stat(path)
            except OSError:  # a broken link: not a file the course reads
                continue
            found.append((path, status.st_mtime_ns, status.st_size))
    return tuple(found)


@lru_cache(maxsize=4)
def _load_all(root: Path, signature: tuple) -> dict[str, Exercise]:
    if not root.is_dir():
        return {}
    raw = {}
    for folder in sorted(root.iterdir()):
        if (
            not folder.is_dir()
            or folder.name == SKELETON
            or folder.name.startswith(".")
        ):
            continue
        if not SLUG.fullmatch(folder.name):
            raise ExerciseError(
                f"content/exercises/{folder.name}/: a folder name must be a slug (lowercase words joined by -)."
            )
        raw[folder.name] = _read_folder(folder)
    resolved: dict[str, Exercise] = {}
    for slug in raw:
        _resolve(slug, raw, resolved, ())
    return resolved


def _read_folder(folder: Path) -> dict:
    where = f"content/exercises/{folder.name}/"
    meta_path = folder / "exercise.toml"
    if not meta_path.is_file():
        raise ExerciseError(f"{where}: exercise.toml is missing.")
    try:
        meta = tomllib.loads(_text(meta_path, where))
    except tomllib.TOMLDecodeError as error:
        raise ExerciseError(f"{where}exercise.toml: {error}") from error
    missing = REQUIRED - meta.keys()
    if missing:
        raise ExerciseError(
            f"{where}exercise.toml: missing {', '.join(sorted(missing))}."
        )
    unknown = meta.keys() - REQUIRED - OPTIONAL
    if unknown:
        raise ExerciseError(
            f"{where}exercise.toml: unknown key(s) {', '.join(sorted(unknown))}."
        )
    for key in ("title", "lesson", "kind", "app", "entry"):
        if not isinstance(meta[key], str) or not meta[key].strip():
            raise ExerciseError(f"{where}exercise.toml: {key} must be non-empty text.")
    if meta["kind"] not in KINDS:
        raise ExerciseError(
            f"{where}exercise.toml: kind must be one of {', '.join(KINDS)}, not {meta['kind']!r}."
        )
    if not isinstance(meta["order"], int) or meta["order"] < 1:
        raise ExerciseError(
            f"{where}exercise.toml: order must be a whole number from 1."
        )
    if not SLUG.fullmatch(meta["lesson"]):
        raise ExerciseError(f"{where}exercise.toml: lesson must be a lesson slug.")
    if not meta["app"].isidentifier() or meta["app"] in {"project", "tests"}:
        raise ExerciseError(
            f"{where}exercise.toml: app must be a Python package name (like ninja_gold)."
        )
    if not meta["entry"].startswith("/"):
        raise ExerciseError(
            f"{where}exercise.toml: entry must be a path starting with /."
        )

    hints_file = folder / "hints.md"
    if "hints" in meta and hints_file.exists():
        raise ExerciseError(
            f"{where}: hints are in both exercise.toml and hints.md; keep one."
        )
    if hints_file.exists():
        hints = [
            part.strip()
            for part in re.split(r"(?m)^---[ \t]*$", _text(hints_file, where))
        ]
    else:
        hints = meta.get("hints", [])
    if not isinstance(hints, list) or not all(
        isinstance(h, str) and h.strip() for h in hints
    ):
        raise ExerciseError(f"{where}: hints must be a list of non-empty texts.")

    task_path = folder / "task.md"
    task = _text(task_path, where).strip() if task_path.is_file() else ""
    if not task:
        raise ExerciseError(f"{where}: task.md is missing or empty.")

    checks_path = folder / "checks.py"
    checks = _text(checks_path, where) if checks_path.is_file() else ""
    reference_path = folder / "reference.json"
    reference = {}
    if reference_path.is_file():
        try:
            reference = json.loads(_text(reference_path, where))
        except json.JSONDecodeError as error:
            raise ExerciseError(f"{where}reference.json: {error}") from error

    return {
        "slug": folder.name,
        "folder": folder,
        "meta": meta,
        "hints": tuple(hints),
        "task": task,
        "checks": checks,
        "reference": reference,
        "starter": _read_tree(folder / "starter", where + "starter"),
        "fixed": _read_tree(folder / "fixed", where + "fixed"),
        "solution": _read_tree(folder / "solution", where + "solution"),
    }


def _resolve(slug: str, raw: dict, resolved: dict, seen: tuple) -> Exercise:
    if slug in resolved:
        return resolved[slug]
    item = raw[slug]
    meta = item["meta"]
    where = f"content/exercises/{slug}/"
    previous = meta.get("starter_from")
    editable: dict[str, str] = {}
    fixed: dict[str, str] = {}
    if previous is not None:
        if not isinstance(previous, str) or previous not in raw:
            raise ExerciseError(
                f"{where}exercise.toml: starter_from names {previous!r}, which is not an exercise."
            )
        if previous in seen or previous == slug:
            chain = " -> ".join([*seen, slug, previous])
            raise ExerciseError(
                f"{where}exercise.toml: starter_from goes round in a circle: {chain}."
            )
        before = _resolve(previous, raw, resolved, (*seen, slug))
        if before.app != meta["app"]:
            raise ExerciseError(
                f"{where}exercise.toml: starter_from {previous!r} writes the app {before.app!r}, not {meta['app']!r}."
            )
        editable = dict(before.solution)
        fixed = dict(before.fixed)
    fixed.update(item["fixed"])
    # `editable = [...]`: read-only files of the previous step the learner
    # now edits, as they were (no copy of the file in starter/).
    promoted = meta.get("editable", [])
    if not isinstance(promoted, list) or not all(isinstance(p, str) for p in promoted):
        raise ExerciseError(f"{where}exercise.toml: editable must be a list of paths.")
    for path in promoted:
        if path not in fixed:
            raise ExerciseError(
                f"{where}exercise.toml: editable names {path!r}, which is not a read-only file here."
            )
        editable[path] = fixed[path]
    editable.update(item["starter"])
    for path in editable:
        fixed.pop(path, None)
    solution = dict(editable)
    for path, text in item["solution"].items():
        if path not in editable:
            raise ExerciseError(
                f"{where}solution/{path}: the solution may only change files the learner edits (starter/)."
            )
        solution[path] = text

    kind = meta["kind"]
    app = meta["app"]
    tool = meta.get("tool", "")
    requirements: tuple[tuple[str, str], ...] = ()
    if kind == "playground":
        if item["checks"].strip() or item["solution"]:
            raise ExerciseError(
                f"{where}: a playground has no checks.py and no solution/."
            )
        if tool not in PLAYGROUND_TOOLS.values():
            raise ExerciseError(
                f'{where}exercise.toml: a playground needs tool = "resolve" or "render_template".'
            )
        if not editable:
            raise ExerciseError(
                f"{where}: a playground needs its input files in starter/."
            )
    else:
        if tool:
            raise ExerciseError(f"{where}exercise.toml: only playgrounds have a tool.")
        if not editable:
            raise ExerciseError(
                f"{where}: the learner has nothing to edit (starter/ is empty)."
            )
        requirements = _requirements(item["checks"], where)
        for path in [*editable, *fixed]:
            if not path.startswith(f"{app}/"):
                raise ExerciseError(
                    f"{where}{path}: every file belongs in the app's folder, {app}/."
                )
        if f"{app}/tests.py" in editable or f"{app}/tests.py" in fixed:
            raise ExerciseError(
                f"{where}: {app}/tests.py is made from checks.py; do not add one."
            )
    exercise = Exercise(
        slug=slug,
        title=meta["title"].strip(),
        lesson=meta["lesson"],
        kind=kind,
        order=meta["order"],
        app=app,
        entry=meta["entry"],
        task=item["task"],
        hints=item["hints"],
        editable=editable,
        fixed=fixed,
        solution=solution,
        checks=item["checks"],
        requirements=requirements,
        starter_from=previous,
        tool=tool,
        reference=item["reference"],
        folder=item["folder"],
    )
    resolved[slug] = exercise
    return exercise


def _requirements(source: str, where: str) -> tuple[tuple[str, str], ...]:
    """(id, requirement) of each test method in checks.py, read without running it."""
    if not source.strip():
        raise ExerciseError(f"{where}: checks.py is missing or empty.")
    try:
        tree = ast.parse(source, filename="checks.py")
    except SyntaxError as error:
        raise ExerciseError(
            f"{where}checks.py, line {error.lineno}: {error.msg}"
        ) from error
    found: list[tuple[str, str]] = []
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and item.name.startswith("test"):
                doc = (ast.get_docstring(item) or "").strip()
                if not doc:
                    raise ExerciseError(
                        f"{where}checks.py: {node.name}.{item.name} needs a docstring: the requirement in plain words."
                    )
                check_id = f"{node.name}.{item.name}"
                if any(existing == check_id for existing, __ in found):
                    raise ExerciseError(
                        f"{where}checks.py: {check_id} is defined twice."
                    )
                found.append((check_id, doc.splitlines()[0].strip()))
    if not found:
        raise ExerciseError(f"{where}checks.py holds no test method (def test_...).")
    return tuple(found)


def _read_tree(root: Path, where: str) -> dict[str, str]:
    if not root.exists():
        return {}
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts:
            continue
        relative = PurePosixPath(path.relative_to(root).as_posix())
        if path.is_symlink():
            raise ExerciseError(
                f"{where}/{relative}: links are not allowed, only files."
            )
        files[str(relative)] = _text(path, f"{where}/")
    return files


def _text(path: Path, where: str) -> str:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ExerciseError(
            f"{where}{path.name}: larger than {MAX_FILE_BYTES:,} bytes."
        )
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ExerciseError(f"{where}{path.name}: not UTF-8 text.") from error
