"""The files of an exercise's project, as the browser, the download and CI all see them.

One function lays the project out (``project_files``); the bundle, the
starter.zip and the CI tests use it, so the project a learner downloads is
the project their browser runs.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from functools import lru_cache
from pathlib import Path, PurePosixPath

import django

from .registry import Exercise, skeleton_files

RUNTIME_DIR = Path(__file__).resolve().parent / "runtime"
REPO_ROOT = RUNTIME_DIR.parent.parent
# What the download's `python manage.py test` runs: the runtime's own
# check formatting, so both say exactly the same words.
CHECK_RUNNER = "project/check_runner.py"
LANGUAGES = {
    ".py": "python",
    ".html": "django-html",
    ".css": "css",
    ".js": "javascript",
    ".json": "json",
    ".md": "markdown",
    ".txt": "text",
}
# The tabs a learner sees, in the order a Django app is usually read.
TAB_ORDER = ("models.py", "urls.py", "views.py")
# A zip made today and one made tomorrow from the same files are the same bytes.
ZIP_DATE = (2026, 1, 1, 0, 0, 0)


def language(path: str) -> str:
    return LANGUAGES.get(PurePosixPath(path).suffix, "text")


def tab_order(paths) -> list[str]:
    def key(path: str):
        name = PurePosixPath(path).name
        if name in TAB_ORDER:
            return (0, TAB_ORDER.index(name), path)
        return (1, 0 if path.endswith(".py") else 1, path)

    return sorted(paths, key=key)


def project_files(
    exercise: Exercise, editable: dict[str, str] | None = None
) -> dict[str, str]:
    """Every file of the project, in the bundle's order: editable, read-only, checks, skeleton.

    ``editable`` replaces the starter's text (the solution, for CI and the
    reference traces).
    """
    texts = dict(exercise.editable)
    if editable is not None:
        texts.update(
            {path: editable[path] for path in exercise.editable if path in editable}
        )
    files = {path: texts[path] for path in tab_order(exercise.editable)}
    if exercise.kind == "playground":
        return files
    files.update({path: exercise.fixed[path] for path in tab_order(exercise.fixed)})
    files[exercise.tests_path] = exercise.checks
    files.update(skeleton(exercise))
    return files


def skeleton(exercise: Exercise) -> dict[str, str]:
    files = skeleton_files(exercise.app, exercise.title)
    files[CHECK_RUNNER] = (RUNTIME_DIR / "checking.py").read_text(encoding="utf-8")
    files["requirements.txt"] = f"Django=={django.get_version()}\n"
    files["TASK.md"] = f"# {exercise.title}\n\n{exercise.task}\n"
    return files


def is_hidden(exercise: Exercise, path: str) -> bool:
    """Skeleton files have no tab: they are the same in every exercise."""
    return (
        path not in exercise.editable
        and path not in exercise.fixed
        and path != exercise.tests_path
    )


def zip_project(exercise: Exercise, editable: dict[str, str] | None = None) -> bytes:
    """The project as a zip, everything under one folder named after the exercise."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, text in project_files(exercise, editable).items():
            info = zipfile.ZipInfo(f"{exercise.slug}/{path}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o755 if path == "manage.py" else 0o644) << 16
            archive.writestr(info, text)
    return buffer.getvalue()


# --- What the browser's worker needs --------------------------------------------


def runtime_files() -> dict[str, Path]:
    """The files to unzip on the worker's sys.path: {path in the zip: file here}.

    The runtime package and the inspector's recording module with the
    packages around it; nothing else of the site.
    """
    files = {
        "exercises/__init__.py": REPO_ROOT / "exercises/__init__.py",
    }
    for path in sorted(RUNTIME_DIR.glob("*.py")):
        files[f"exercises/runtime/{path.name}"] = path
    for name in (
        "sandbox_apps/__init__.py",
        "sandbox_apps/inspector/__init__.py",
        "sandbox_apps/inspector/recording.py",
        "sandbox_apps/inspector/locations.py",
    ):
        files[name] = REPO_ROOT / name
    return files


@lru_cache(maxsize=1)
def _runtime_version(stamp: tuple) -> str:
    from .runtime import RUNTIME_VERSION

    digest = hashlib.sha256(RUNTIME_VERSION.encode())
    for name, path in sorted(runtime_files().items()):
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return f"{RUNTIME_VERSION}-{digest.hexdigest()[:10]}"


def runtime_version() -> str:
    """RUNTIME_VERSION plus a hash of the runtime's files: a new runtime is a new bundle."""
    stamp = tuple(
        (name, path.stat().st_mtime_ns) for name, path in runtime_files().items()
    )
    return _runtime_version(stamp)
