"""The course as files: reading content/*.md into lessons and writing them back.

A lesson file is front matter (title, summary, order) between ``---`` lines,
then Markdown. The slug is the file name without its order prefix:
``07-sessions.md`` is the lesson ``sessions``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from .models import Lesson
from .rendering import AuthoringError

FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n?(.*)\Z", re.DOTALL)
FILE_NAME = re.compile(r"\A(?:\d+-)?([a-z0-9]+(?:-[a-z0-9]+)*)\.md\Z")


@dataclass(frozen=True)
class LessonFile:
    path: Path
    slug: str
    title: str
    summary: str
    order: int
    body: str


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    rerendered: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    not_in_files: list[str] = field(default_factory=list)


def content_digest(title: str, summary: str, order: int, body: str) -> str:
    """One fingerprint for everything an editor can change about a lesson."""
    joined = "\x1f".join([title, summary, str(order), body])
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def lesson_digest(lesson: Lesson) -> str:
    return content_digest(lesson.title, lesson.summary, lesson.order, lesson.body)


def parse_file(path: Path) -> LessonFile:
    match = FILE_NAME.match(path.name)
    if not match:
        raise AuthoringError(
            [
                f"{path.name}: file names look like 07-sessions.md (lowercase, digits, hyphens)."
            ]
        )
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    parts = FRONT_MATTER.match(text)
    if not parts:
        raise AuthoringError(
            [f"{path.name}: the file must start with front matter between --- lines."]
        )
    try:
        meta = yaml.safe_load(parts.group(1)) or {}
    except yaml.YAMLError as error:
        raise AuthoringError(
            [f"{path.name}: the front matter is not valid YAML ({error})."]
        ) from None
    if not isinstance(meta, dict):
        raise AuthoringError(
            [f"{path.name}: the front matter must be key: value lines."]
        )
    problems = []
    title = str(meta.get("title") or "").strip()
    summary = str(meta.get("summary") or "").strip()
    order = meta.get("order")
    if not title:
        problems.append(f"{path.name}: front matter needs a title.")
    if not summary:
        problems.append(f"{path.name}: front matter needs a summary.")
    if not isinstance(order, int) or isinstance(order, bool) or order < 0:
        problems.append(
            f"{path.name}: front matter needs order, a whole number from 0."
        )
    if problems:
        raise AuthoringError(problems)
    return LessonFile(
        path, match.group(1), title, summary, order, parts.group(2).strip("\n") + "\n"
    )


def format_file(lesson: Lesson) -> str:
    meta = yaml.safe_dump(
        {"title": lesson.title, "summary": lesson.summary, "order": lesson.order},
        sort_keys=False,
        allow_unicode=True,
        width=1000,
    )
    return f"---\n{meta}---\n\n{lesson.body.strip()}\n"


def sync(directory: Path, *, force: bool = False) -> SyncReport:
    """Upsert every lesson file into the database; see the command's help."""
    report = SyncReport()
    seen = set()
    for path in sorted(directory.glob("*.md")):
        try:
            lesson_file = parse_file(path)
        except AuthoringError as error:
            report.errors[path.name] = error.problems
            continue
        if lesson_file.slug in seen:
            report.errors[path.name] = [
                f"{path.name}: another file already uses the slug {lesson_file.slug!r}."
            ]
            continue
        seen.add(lesson_file.slug)
        try:
            _sync_one(lesson_file, force, report)
        except AuthoringError as error:
            report.errors[path.name] = error.problems
    report.not_in_files = list(
        Lesson.objects.exclude(slug__in=seen).values_list("slug", flat=True)
    )
    return report


@transaction.atomic
def _sync_one(lesson_file: LessonFile, force: bool, report: SyncReport) -> None:
    file_digest = content_digest(
        lesson_file.title, lesson_file.summary, lesson_file.order, lesson_file.body
    )
    lesson = Lesson.objects.select_for_update().filter(slug=lesson_file.slug).first()
    if lesson is None:
        lesson = Lesson(slug=lesson_file.slug)
        _copy(lesson_file, lesson, file_digest)
        report.created.append(lesson.slug)
        return
    current = lesson_digest(lesson)
    edited_in_admin = (
        bool(lesson.synced_body_digest) and current != lesson.synced_body_digest
    )
    if current == file_digest:
        # Same text on both sides. Sandbox sources or the renderer may still
        # have changed, and the page must show the code that runs now.
        before = lesson.html
        lesson.render()
        if lesson.html != before or lesson.synced_body_digest != file_digest:
            lesson.synced_body_digest = file_digest
            lesson.save()
            if lesson.html != before:
                report.rerendered.append(lesson.slug)
                return
        report.unchanged.append(lesson.slug)
        return
    if edited_in_admin and not force:
        report.conflicts.append(lesson.slug)
        return
    _copy(lesson_file, lesson, file_digest)
    report.updated.append(lesson.slug)


def _copy(lesson_file: LessonFile, lesson: Lesson, file_digest: str) -> None:
    lesson.title = lesson_file.title
    lesson.summary = lesson_file.summary
    lesson.order = lesson_file.order
    lesson.body = lesson_file.body
    lesson.render()
    lesson.synced_body_digest = file_digest
    lesson.synced_at = timezone.now()
    lesson.save()


def export(directory: Path, slugs: list[str] | None = None) -> list[Path]:
    """Write lessons back to files, keeping each lesson's existing file name."""
    directory.mkdir(parents=True, exist_ok=True)
    existing = {}
    for path in directory.glob("*.md"):
        match = FILE_NAME.match(path.name)
        if match:
            existing[match.group(1)] = path
    lessons = Lesson.objects.all()
    if slugs:
        lessons = lessons.filter(slug__in=slugs)
    written = []
    for lesson in lessons:
        path = (
            existing.get(lesson.slug)
            or directory / f"{lesson.order:02d}-{lesson.slug}.md"
        )
        path.write_text(format_file(lesson), encoding="utf-8")
        # The file and the row now agree, so the next sync sees no conflict.
        Lesson.objects.filter(pk=lesson.pk).update(
            synced_body_digest=lesson_digest(lesson), synced_at=timezone.now()
        )
        written.append(path)
    return written
