"""What the browser needs to run one exercise, as plain data (docs/exercises.md, section 3)."""

from __future__ import annotations

from functools import lru_cache

from . import packaging, registry
from .registry import Exercise


def bundle(exercise: Exercise) -> dict:
    """The bundle.json of ``exercise``: the same for every visitor."""
    return _bundle(exercise.slug, exercise.version)


@lru_cache(maxsize=64)
def _bundle(slug: str, version: str) -> dict:
    exercise = registry.get(slug)
    previous, following = neighbours(exercise)
    files = [
        {
            "path": path,
            "text": text,
            "editable": path in exercise.editable,
            "hidden": packaging.is_hidden(exercise, path),
            "language": packaging.language(path),
        }
        for path, text in packaging.project_files(exercise).items()
    ]
    playground = {"tool": exercise.tool} if exercise.kind == "playground" else None
    return {
        "slug": exercise.slug,
        "version": version,
        "runtime_version": packaging.runtime_version(),
        "title": exercise.title,
        "kind": exercise.kind,
        "lesson": exercise.lesson,
        "order": exercise.order,
        "app": exercise.app,
        "entry": exercise.entry,
        "previous": previous.slug if previous else None,
        "next": following.slug if following else None,
        "task_html": task_html(exercise),
        "hints": hints_html(exercise),
        "files": files,
        "solution": dict(exercise.solution) if exercise.kind == "exercise" else {},
        "checks": [
            {"id": check_id, "requirement": requirement}
            for check_id, requirement in exercise.requirements
        ],
        "reference": exercise.reference if exercise.kind == "exercise" else {},
        "playground": playground,
    }


def neighbours(exercise: Exercise) -> tuple[Exercise | None, Exercise | None]:
    """The exercises before and after this one in its lesson."""
    siblings = registry.for_lesson(exercise.lesson)
    index = [item.slug for item in siblings].index(exercise.slug)
    previous = siblings[index - 1] if index > 0 else None
    following = siblings[index + 1] if index + 1 < len(siblings) else None
    return previous, following


def task_html(exercise: Exercise) -> str:
    return _markdown(exercise.task)


def hints_html(exercise: Exercise) -> list[str]:
    return [_markdown(hint) for hint in exercise.hints]


@lru_cache(maxsize=512)
def _markdown(text: str) -> str:
    # The lessons' own renderer: the same Markdown, the same sanitizing.
    from lessons.rendering import render_lesson

    return render_lesson(text).html
