"""The course as files: reading content/*.md into lessons and writing them back.

A lesson file is front matter (title, summary, order) between ``---`` lines,
then Markdown. The slug is the file name without its order prefix:
``07-sessions.md`` is the lesson ``sessions``.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Lesson, content_digest
from .rendering import AuthoringError, Rendered, render_lesson

FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n?(.*)\Z", re.DOTALL)
FILE_NAME = re.compile(r"\A(?:\d+-)?([a-z0-9]+(?:-[a-z0-9]+)*)\.md\Z")
# PyYAML's C parser (libyaml) when it was built with it: the same safe
# loading, about six times faster. Sync reads every file's front matter,
# so in pure Python an unchanged 500-lesson course spent most of its
# re-sync here.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class LessonFile:
    path: Path
    slug: str
    title: str
    summary: str
    order: int
    body: str

    @cached_property
    def digest(self) -> str:
        # Kept: sync compares it with the row's two digests.
        return content_digest(self.title, self.summary, self.order, self.body)


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    rerendered: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    not_in_files: list[str] = field(default_factory=list)


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
        meta = yaml.load(parts.group(1), Loader=SAFE_LOADER) or {}
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


def file_body(body: str) -> str:
    """A body as a lesson file holds it: LF line endings, one final newline.

    parse_file reads this same text back, so its digest is the row's.
    """
    return body.replace("\r\n", "\n").replace("\r", "\n").strip("\n") + "\n"


def format_file(lesson: Lesson, previous: str | None = None) -> str:
    """The file for ``lesson``, with LF line endings whatever the browser sent.

    ``previous`` is the file's text before: when the title, summary and
    order are unchanged its front matter is kept byte for byte (comments,
    quoting, extra keys), so git shows only the lines the edit changed.
    """
    body = file_body(lesson.body)
    wanted = {"title": lesson.title, "summary": lesson.summary, "order": lesson.order}
    text = previous.replace("\r\n", "\n") if previous else ""
    parts = FRONT_MATTER.match(text)
    if parts:
        try:
            meta = yaml.load(parts.group(1), Loader=SAFE_LOADER)
        except yaml.YAMLError:
            meta = None
        if isinstance(meta, dict):
            if _front_matter_says(meta) == wanted:
                # Everything before the body's first line, blank lines included.
                rest = parts.group(2)
                head = text[: parts.start(2) + len(rest) - len(rest.lstrip("\n"))]
                return head + body
            # Keys an author added stay, in their place.
            wanted = {**meta, **wanted}
    meta_text = yaml.safe_dump(wanted, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{meta_text}---\n\n{body}"


def _front_matter_says(meta: dict) -> dict:
    # Compared as parse_file reads them, so `title: Routes ` counts as unchanged.
    return {
        "title": str(meta.get("title") or "").strip(),
        "summary": str(meta.get("summary") or "").strip(),
        "order": meta.get("order"),
    }


DECIDING_FIELDS = (
    "slug",
    "title",
    "summary",
    "order",
    "body",
    "synced_digest",
    "rendered_digest",
    "used",
)


def sync(directory: Path, *, force: bool = False) -> SyncReport:
    """Upsert every lesson file into the database; see the command's help.

    Three steps: decide from digests alone what each file needs (most of an
    unchanged course needs nothing), render what needs it (several lessons
    at once, one forked child each), then write each row under a lock,
    checking it was not edited in the admin meanwhile.
    """
    report = SyncReport()
    files = _read_files(directory, report)
    # Only what deciding needs: the stored HTML is read again, under a
    # lock, for the few lessons that are written.
    rows = {
        lesson.slug: lesson
        for lesson in Lesson.objects.filter(slug__in=[f.slug for f in files]).only(
            *DECIDING_FIELDS
        )
    }
    memo: dict = {}
    planned: list[tuple[LessonFile, Lesson | None]] = []
    for lesson_file in files:
        lesson = rows.get(lesson_file.slug)
        if lesson is None:
            planned.append((lesson_file, None))
        elif lesson.current_digest == lesson_file.digest:
            if (
                lesson.synced_digest == lesson_file.digest
                and lesson.rendering_is_current(memo)
            ):
                report.unchanged.append(lesson.slug)
            else:
                # Same text on both sides, but a source block's code or the
                # renderer changed: the page must show the code that runs now.
                planned.append((lesson_file, lesson))
        elif lesson.edited_since_sync and not force:
            report.conflicts.append(lesson.slug)
        else:
            planned.append((lesson_file, lesson))
    results = _render_all([lesson_file.body for lesson_file, _ in planned])
    for (lesson_file, lesson), result in zip(planned, results, strict=True):
        if isinstance(result, AuthoringError):
            report.errors[lesson_file.path.name] = result.problems
            continue
        _write(lesson_file, lesson, result, force, report)
    report.not_in_files = list(
        Lesson.objects.exclude(slug__in=[f.slug for f in files]).values_list(
            "slug", flat=True
        )
    )
    return report


def _read_files(directory: Path, report: SyncReport) -> list[LessonFile]:
    files: list[LessonFile] = []
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
        files.append(lesson_file)
    return files


def _render_all(bodies: list[str]) -> list[Rendered | AuthoringError]:
    """Render each body with the site's limits, as many at once as there are cores.

    Each render is a forked child under its own CPU limit, so the threads
    here only wait; with the limits off (cpu_seconds 0) rendering runs in
    this process and threads would not help.
    """

    def render_one(body: str) -> Rendered | AuthoringError:
        try:
            return render_lesson(body)
        except AuthoringError as error:
            return error

    if settings.COURSEWARE_RENDER_CPU_SECONDS <= 0 or len(bodies) < 2:
        return [render_one(body) for body in bodies]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return list(pool.map(render_one, bodies))


@transaction.atomic
def _write(
    lesson_file: LessonFile,
    read: Lesson | None,
    result: Rendered,
    force: bool,
    report: SyncReport,
) -> None:
    """Store one rendered file, unless its row changed since ``sync`` read it."""
    if read is None:
        if Lesson.objects.filter(slug=lesson_file.slug).exists():
            report.conflicts.append(lesson_file.slug)
            return
        lesson = Lesson(slug=lesson_file.slug)
        _copy(lesson_file, lesson, result)
        report.created.append(lesson.slug)
        return
    lesson = Lesson.objects.select_for_update().get(pk=read.pk)
    if lesson.current_digest != read.current_digest and not force:
        # Edited in the admin while the files were rendering.
        report.conflicts.append(lesson.slug)
        return
    if lesson.current_digest == lesson_file.digest:
        before = (lesson.html, lesson.slides)
        lesson.apply(result)
        lesson.synced_digest = lesson_file.digest
        lesson.save()
        if (lesson.html, lesson.slides) != before:
            report.rerendered.append(lesson.slug)
        else:
            report.unchanged.append(lesson.slug)
        return
    _copy(lesson_file, lesson, result)
    report.updated.append(lesson.slug)


def _copy(lesson_file: LessonFile, lesson: Lesson, result: Rendered) -> None:
    lesson.title = lesson_file.title
    lesson.summary = lesson_file.summary
    lesson.order = lesson_file.order
    lesson.body = lesson_file.body
    lesson.apply(result)
    lesson.synced_digest = lesson_file.digest
    lesson.synced_at = timezone.now()
    lesson.save()


def export(directory: Path, slugs: list[str] | None = None) -> list[Path]:
    """Write lessons back to files, keeping each lesson's existing file name.

    A lesson whose slug was changed in the admin has no file under its new
    slug; its old file is the one no lesson claims whose text is what the
    lesson last synced from. That file is renamed (keeping its order
    prefix), so the next sync does not bring the old slug back as a second
    lesson.
    """
    directory.mkdir(parents=True, exist_ok=True)
    existing: dict[str, Path] = {}
    for path in directory.glob("*.md"):
        match = FILE_NAME.match(path.name)
        if match:
            existing[match.group(1)] = path
    all_slugs = set(Lesson.objects.values_list("slug", flat=True))
    orphans = {slug: path for slug, path in existing.items() if slug not in all_slugs}
    lessons = Lesson.objects.all()
    if slugs:
        lessons = lessons.filter(slug__in=slugs)
    written = []
    for lesson in lessons:
        path = existing.get(lesson.slug)
        renamed_from = None
        if path is None:
            renamed_from = _file_synced_from(lesson, orphans)
        if renamed_from is not None:
            prefix = FILE_NAME.match(renamed_from.name)
            order = renamed_from.name[: prefix.start(1)]
            path = directory / f"{order}{lesson.slug}.md"
            del orphans[FILE_NAME.match(renamed_from.name).group(1)]
        elif path is None:
            path = directory / f"{lesson.order:02d}-{lesson.slug}.md"
        source = renamed_from or path
        previous = source.read_text(encoding="utf-8") if source.exists() else None
        text = format_file(lesson, previous)
        # Bytes, not text mode: nothing may turn the LF endings back into CRLF.
        path.write_bytes(text.encode("utf-8"))
        if renamed_from is not None and renamed_from != path:
            renamed_from.unlink()
        body = file_body(lesson.body)
        if body != lesson.body:
            # A body saved with CRLF (or stray blank lines) becomes what the
            # file holds, so the file and the row have the same digest.
            lesson.body = body
            lesson.save(update_fields=["body", *Lesson.RENDERED_FIELDS])
        # The file and the row now agree, so the next sync sees no conflict.
        Lesson.objects.filter(pk=lesson.pk).update(
            synced_digest=lesson.current_digest, synced_at=timezone.now()
        )
        written.append(path)
    return written


def _file_synced_from(lesson: Lesson, orphans: dict[str, Path]) -> Path | None:
    if not lesson.synced_digest:
        return None
    for path in orphans.values():
        try:
            if parse_file(path).digest == lesson.synced_digest:
                return path
        except AuthoringError:
            continue
    return None
