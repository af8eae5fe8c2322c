"""Searching the course with the database's own full-text index.

Each lesson is cut into sections when it is saved (``index_lesson``); the
database indexes those rows itself (see migrations/0003_lessonsection.py).
A query then reads the index only: SQLite's FTS5 on the embedded default,
PostgreSQL's tsvector/tsquery when DATABASE_URL points at PostgreSQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .sections import MATCH_END, MATCH_START, TAG_END, TAG_START, split_sections

MAX_QUERY_CHARS = 200
MAX_WORDS = 8
DEFAULT_LIMIT = 20


class QueryTooLong(ValueError):
    pass


@dataclass(frozen=True)
class Hit:
    url: str
    lesson_title: str
    # Both already escaped, with matched words in <mark>.
    heading: SafeString
    snippet: SafeString
    snippet_is_code: bool


def query_words(query: str) -> list[str]:
    """The words to look for: letters and digits only, so nothing a reader
    types can become query syntax (FTS5 operators, tsquery operators)."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryTooLong(
            f"Search for at most {MAX_QUERY_CHARS} characters; this was {len(query)}."
        )
    return [word.lower() for word in re.findall(r"[^\W_]+", query)][:MAX_WORDS]


def typed_prefixes(word: str) -> list[str]:
    """Prefixes that find a half-typed ``word`` in a stemmed index.

    The index holds stems ("makemigrations" is kept as "makemigr"), and the
    database stems a typed prefix too, so "makemigra" would find nothing
    while "makemigr" and "makemigrations" do. A shorter prefix as well
    covers the letters a stemmer may have cut.
    """
    if len(word) >= 6:
        return [word, word[:-3]]
    return [word]


def search(query: str, limit: int = DEFAULT_LIMIT) -> list[Hit]:
    """Sections matching every word of ``query`` (as a prefix), best first."""
    words = query_words(query)
    if not words:
        return []
    if connection.vendor == "postgresql":
        rows = _postgresql(words, limit)
    else:
        rows = _sqlite(words, limit)
    return [_hit(*row) for row in rows]


def index_lesson(lesson) -> None:
    """Replace the lesson's search rows with its current sections."""
    from lessons.models import LessonSection

    with transaction.atomic():
        LessonSection.objects.filter(lesson=lesson).delete()
        LessonSection.objects.bulk_create(section_rows(LessonSection, lesson))


def section_rows(model, lesson) -> list:
    """Unsaved ``model`` rows for the lesson's sections (the migration passes
    its historical model, the site the real one)."""
    return [
        model(
            lesson=lesson,
            position=position,
            anchor=section.anchor[:200],
            lesson_title=lesson.title[:200],
            heading=section.heading[:300],
            text=section.text,
            code=section.code,
        )
        for position, section in enumerate(split_sections(lesson.html, lesson.title))
    ]


def highlighted(snippet: str) -> SafeString:
    """Escape first, then mark: the markers are the only thing turned into HTML."""
    escaped = escape(snippet)
    marked = re.sub(
        f"{MATCH_START}(.*?){MATCH_END}", r"<mark>\1</mark>", escaped, flags=re.S
    )
    # The marked text was escaped above; stray markers are dropped.
    return mark_safe(marked.replace(MATCH_START, "").replace(MATCH_END, ""))


def _hit(slug, anchor, lesson_title, heading, text, code) -> Hit:
    url = reverse("lessons:detail", args=[slug]) + (f"#{anchor}" if anchor else "")
    in_code = MATCH_START not in text and MATCH_START in code
    return Hit(
        url=url,
        lesson_title=lesson_title,
        heading=highlighted(heading),
        snippet=highlighted(code if in_code else text),
        snippet_is_code=in_code,
    )


def _sqlite(words: list[str], limit: int):
    # Every word must match; the last one may be half typed ("sess" finds
    # "sessions"), the others are whole words (so "or" does not find "ORM").
    *whole, last = words
    typed = " OR ".join(f'"{prefix}"*' for prefix in typed_prefixes(last))
    match = " AND ".join([*(f'"{word}"' for word in whole), f"({typed})"])
    marks = [MATCH_START, MATCH_END]
    # Rank every match, but cut snippets only for the best few: snippet()
    # is the costly part, and a common word matches hundreds of sections.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH best AS (
                SELECT lessons_section_fts.rowid AS id,
                       -- Column weights: lesson title, heading, prose, code.
                       bm25(lessons_section_fts, 4.0, 8.0, 1.0, 0.5) AS rank
                FROM lessons_section_fts
                -- Only rows that exist: an index entry left behind by a
                -- write that bypassed the triggers must not take a place.
                JOIN lessons_lessonsection ON lessons_lessonsection.id = lessons_section_fts.rowid
                WHERE lessons_section_fts MATCH %s
                ORDER BY rank
                LIMIT %s
            )
            SELECT l.slug, s.anchor, s.lesson_title,
                   highlight(lessons_section_fts, 1, %s, %s),
                   snippet(lessons_section_fts, 2, %s, %s, '…', 24),
                   snippet(lessons_section_fts, 3, %s, %s, '…', 16)
            FROM lessons_section_fts
            JOIN best ON best.id = lessons_section_fts.rowid
            JOIN lessons_lessonsection s ON s.id = best.id
            JOIN lessons_lesson l ON l.id = s.lesson_id
            WHERE lessons_section_fts MATCH %s
            ORDER BY best.rank, l."order", s.position
            """,
            [match, limit, *marks, *marks, *marks, match],
        )
        return cursor.fetchall()


def _postgresql(words: list[str], limit: int):
    *whole, last = words
    typed = " | ".join(f"{prefix}:*" for prefix in typed_prefixes(last))
    query = " & ".join([*whole, f"({typed})"])
    options = f"StartSel={MATCH_START}, StopSel={MATCH_END}, MaxWords=30, MinWords=12"
    # Headlines, the costly part, are cut only for the best few matches.
    # ts_headline drops anything that looks like an HTML tag, but a lesson's
    # "<b>" in code or prose is text: hide the angle brackets from it.
    hidden = "replace(replace({}, '<', %s), '>', %s)"
    brackets = [TAG_START, TAG_END]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH q AS (SELECT to_tsquery('english', %s) AS q),
            best AS (
                SELECT s.id, ts_rank(s.search, q.q) AS rank
                FROM lessons_lessonsection s, q
                WHERE s.search @@ q.q
                ORDER BY rank DESC
                LIMIT %s
            )
            SELECT l.slug, s.anchor, s.lesson_title,
                   ts_headline('english', {hidden.format("s.heading")}, q.q, %s),
                   ts_headline('english', {hidden.format("s.text")}, q.q, %s),
                   ts_headline('english', {hidden.format("s.code")}, q.q, %s)
            FROM best
            JOIN lessons_lessonsection s ON s.id = best.id
            JOIN lessons_lesson l ON l.id = s.lesson_id
            CROSS JOIN q
            ORDER BY best.rank DESC, l."order", s.position
            """,
            [
                query,
                limit,
                *brackets,
                options + ", HighlightAll=true",
                *brackets,
                options,
                *brackets,
                options,
            ],
        )
        return [
            (
                *row[:3],
                *(
                    shown.replace(TAG_START, "<").replace(TAG_END, ">")
                    for shown in row[3:]
                ),
            )
            for row in cursor.fetchall()
        ]
