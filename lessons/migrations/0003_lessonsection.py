"""Search: one row per lesson section, and the database's own full-text index over them.

SQLite gets an FTS5 table kept in step with the rows by triggers; PostgreSQL
gets a generated tsvector column with a GIN index. Either way the index is
updated by the database itself whenever a section row is written, so no code
path can save a lesson and forget the index.
"""

import django.db.models.deletion
from django.db import migrations, models

SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE lessons_section_fts USING fts5(
        lesson_title, heading, text, code,
        content='lessons_lessonsection', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER lessons_section_fts_insert AFTER INSERT ON lessons_lessonsection BEGIN
        INSERT INTO lessons_section_fts(rowid, lesson_title, heading, text, code)
        VALUES (new.id, new.lesson_title, new.heading, new.text, new.code);
    END""",
    """CREATE TRIGGER lessons_section_fts_delete AFTER DELETE ON lessons_lessonsection BEGIN
        INSERT INTO lessons_section_fts(lessons_section_fts, rowid, lesson_title, heading, text, code)
        VALUES ('delete', old.id, old.lesson_title, old.heading, old.text, old.code);
    END""",
    """CREATE TRIGGER lessons_section_fts_update AFTER UPDATE ON lessons_lessonsection BEGIN
        INSERT INTO lessons_section_fts(lessons_section_fts, rowid, lesson_title, heading, text, code)
        VALUES ('delete', old.id, old.lesson_title, old.heading, old.text, old.code);
        INSERT INTO lessons_section_fts(rowid, lesson_title, heading, text, code)
        VALUES (new.id, new.lesson_title, new.heading, new.text, new.code);
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS lessons_section_fts_insert",
    "DROP TRIGGER IF EXISTS lessons_section_fts_delete",
    "DROP TRIGGER IF EXISTS lessons_section_fts_update",
    "DROP TABLE IF EXISTS lessons_section_fts",
]
# Weights: a heading match ranks above the lesson's title, then prose, then code.
POSTGRESQL_CREATE = [
    """ALTER TABLE lessons_lessonsection ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', heading), 'A')
        || setweight(to_tsvector('english', lesson_title), 'B')
        || setweight(to_tsvector('english', text), 'C')
        || setweight(to_tsvector('english', code), 'D')
    ) STORED""",
    "CREATE INDEX lessons_section_search ON lessons_lessonsection USING GIN (search)",
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS lessons_section_search",
    "ALTER TABLE lessons_lessonsection DROP COLUMN IF EXISTS search",
]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


def index_existing_lessons(apps, schema_editor):
    # The same splitting the site uses on save, so existing lessons are
    # searchable straight after migrating, before any sync.
    from lessons.search import section_rows

    Lesson = apps.get_model("lessons", "Lesson")
    LessonSection = apps.get_model("lessons", "LessonSection")
    for lesson in Lesson.objects.all():
        LessonSection.objects.bulk_create(section_rows(LessonSection, lesson))


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0002_slides_and_presentations"),
    ]

    operations = [
        migrations.CreateModel(
            name="LessonSection",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveIntegerField()),
                ("anchor", models.CharField(blank=True, max_length=200)),
                ("lesson_title", models.CharField(max_length=200)),
                ("heading", models.CharField(max_length=300)),
                ("text", models.TextField(blank=True)),
                ("code", models.TextField(blank=True)),
                (
                    "lesson",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="sections",
                        to="lessons.lesson",
                    ),
                ),
            ],
            options={
                "ordering": ["lesson", "position"],
                "constraints": [
                    models.UniqueConstraint(fields=("lesson", "position"), name="lessons_section_position")
                ],
            },
        ),
        migrations.RunPython(
            run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}),
            run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        ),
        migrations.RunPython(index_existing_lessons, migrations.RunPython.noop),
    ]
