"""sync_content and export_content: files and rows stay in step, no edit is lost."""

from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from lessons.content import parse_file, sync
from lessons.models import Lesson
from lessons.rendering import AuthoringError
from sandbox_apps import sources

pytestmark = pytest.mark.django_db

LESSON = """---
title: Routes
summary: How a URL finds its view.
order: 4
---

## Matching

Text about routes.
"""


@pytest.fixture
def content(tmp_path, settings):
    settings.COURSEWARE_CONTENT_DIR = tmp_path
    (tmp_path / "04-routes.md").write_text(LESSON)
    return tmp_path


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("sync_content", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_skipping(*args):
    """A sync that skips an admin-edited lesson: it says so and fails."""
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="skipped as edited in the admin"):
        call_command("sync_content", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_sync_creates_then_reports_unchanged(content):
    out, _ = run()
    assert "1 created: routes" in out
    lesson = Lesson.objects.get(slug="routes")
    assert (lesson.title, lesson.summary, lesson.order) == (
        "Routes",
        "How a URL finds its view.",
        4,
    )
    assert '<h2 id="matching">' in lesson.html
    out, _ = run()
    assert "1 unchanged" in out and "0 created" in out and "0 updated" in out


def test_sync_updates_a_lesson_whose_file_changed(content):
    run()
    (content / "04-routes.md").write_text(
        LESSON.replace("Text about routes.", "New text.")
    )
    out, _ = run()
    assert "1 updated: routes" in out
    assert "New text." in Lesson.objects.get(slug="routes").html


def test_sync_never_silently_overwrites_an_admin_edit(content):
    run()
    lesson = Lesson.objects.get(slug="routes")
    lesson.body += "\nAdded in the admin.\n"
    lesson.save()
    (content / "04-routes.md").write_text(
        LESSON.replace("Text about routes.", "File edit.")
    )
    _, err = run_skipping()
    assert "Skipped routes: edited in the admin" in err
    assert "Added in the admin." in Lesson.objects.get(slug="routes").body
    _, err = run("--force")
    assert err == ""
    body = Lesson.objects.get(slug="routes").body
    assert "File edit." in body and "Added in the admin." not in body


def test_an_admin_edit_with_an_unchanged_file_is_kept_and_reported(content):
    run()
    lesson = Lesson.objects.get(slug="routes")
    lesson.title = "Routing"
    lesson.save()
    _, err = run_skipping()
    assert "Skipped routes" in err
    assert Lesson.objects.get(slug="routes").title == "Routing"


def test_export_writes_the_admin_edit_back_and_clears_the_conflict(content):
    run()
    lesson = Lesson.objects.get(slug="routes")
    lesson.body += "\nAdded in the admin.\n"
    lesson.save()
    call_command("export_content", stdout=StringIO())
    assert "Added in the admin." in (content / "04-routes.md").read_text()
    out, err = run()
    assert err == "" and "1 unchanged" in out


def test_export_keeps_front_matter_and_round_trips(content):
    run()
    call_command("export_content", stdout=StringIO())
    parsed = parse_file(content / "04-routes.md")
    assert (parsed.title, parsed.summary, parsed.order) == (
        "Routes",
        "How a URL finds its view.",
        4,
    )
    assert "Text about routes." in parsed.body


def test_an_authoring_error_fails_the_command_and_stores_nothing(content):
    (content / "05-broken.md").write_text(
        "---\ntitle: Broken\nsummary: s\norder: 5\n---\n\n/// demo | nope\n///\n"
    )
    with pytest.raises(CommandError, match="could not be synced"):
        run()
    assert not Lesson.objects.filter(slug="broken").exists()
    assert Lesson.objects.filter(slug="routes").exists()


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("06-x.md", "no front matter", "must start with front matter"),
        ("06-x.md", "---\ntitle: [unclosed\n---\nx", "not valid YAML"),
        # Only plain data: a tag that would build a Python object is refused.
        (
            "06-x.md",
            "---\ntitle: !!python/object/apply:os.getcwd []\nsummary: s\norder: 1\n---\nx",
            "not valid YAML",
        ),
        ("06-x.md", "---\nsummary: s\norder: 1\n---\nx", "needs a title"),
        ("06-x.md", "---\ntitle: t\norder: 1\n---\nx", "needs a summary"),
        ("06-x.md", "---\ntitle: t\nsummary: s\norder: first\n---\nx", "needs order"),
        (
            "06-X Y.md",
            "---\ntitle: t\nsummary: s\norder: 1\n---\nx",
            "file names look like",
        ),
    ],
)
def test_bad_files_are_reported_with_a_reason(tmp_path, name, text, message):
    (tmp_path / name).write_text(text)
    with pytest.raises(AuthoringError, match=message):
        parse_file(tmp_path / name)


def test_sync_rerenders_when_the_stored_html_is_stale(content):
    run()
    # As a row rendered by an older renderer looks.
    Lesson.objects.filter(slug="routes").update(
        html="<p>old renderer output</p>", rendered_digest="older"
    )
    report = sync(content)
    assert report.rerendered == ["routes"]
    assert "Text about routes." in Lesson.objects.get(slug="routes").html


def test_a_synced_lesson_is_not_edited_until_someone_edits_it(content):
    run()
    lesson = Lesson.objects.get(slug="routes")
    assert not lesson.edited_since_sync
    lesson.summary = "Changed in the admin."
    lesson.save()
    assert Lesson.objects.get(slug="routes").edited_since_sync


def test_an_unchanged_resync_renders_nothing(content):
    run()
    with mock.patch(
        "lessons.content.render_lesson", side_effect=AssertionError("rendered")
    ):
        report = sync(content)
    assert report.unchanged == ["routes"] and not report.errors


SHOWN = """---
title: Shown code
summary: A lesson showing a sandbox file.
order: 5
---

/// source | shown/views.py:index
///
"""


def test_a_lesson_is_rendered_again_when_the_code_it_shows_changes(
    content, tmp_path_factory, monkeypatch
):
    sandbox = tmp_path_factory.mktemp("sandbox_apps")
    (sandbox / "shown").mkdir()
    views = sandbox / "shown" / "views.py"
    views.write_text("def index(request):\n    return 'first'\n")
    monkeypatch.setattr(sources, "SANDBOX_ROOT", sandbox)
    (content / "05-shown.md").write_text(SHOWN)
    assert sync(content).created == ["routes", "shown"]
    assert sync(content).unchanged == ["routes", "shown"]
    views.write_text("def index(request):\n    return 'second'\n")
    report = sync(content)
    assert report.rerendered == ["shown"] and report.unchanged == ["routes"]
    assert "second" in Lesson.objects.get(slug="shown").html


def test_lessons_without_a_file_are_reported_not_deleted(content):
    run()
    (content / "04-routes.md").unlink()
    out, _ = run()
    assert "lesson routes exists in the database but has no file" in out
    assert Lesson.objects.filter(slug="routes").exists()


def test_export_writes_lf_endings_and_the_next_sync_sees_no_change(content):
    run()
    lesson = Lesson.objects.get(slug="routes")
    # What a browser's textarea sends.
    lesson.body = lesson.body.replace("\n", "\r\n") + "\r\nAdded.\r\n"
    lesson.save()
    call_command("export_content", stdout=StringIO())
    data = (content / "04-routes.md").read_bytes()
    assert b"\r" not in data and b"Added.\n" in data
    out, err = run()
    assert err == "" and "1 unchanged" in out


def test_export_leaves_untouched_front_matter_byte_for_byte(content):
    original = LESSON.replace(
        "order: 4\n", "order: 4\n# Reviewed by Ana.\nlevel: beginner\n"
    ).replace("title: Routes", "title: 'Routes'")
    (content / "04-routes.md").write_text(original)
    run()
    lesson = Lesson.objects.get(slug="routes")
    lesson.body += "\nAdded in the admin.\n"
    lesson.save()
    call_command("export_content", stdout=StringIO())
    text = (content / "04-routes.md").read_text()
    head = original[: original.index("## Matching")]
    assert text.startswith(head)
    assert text == original + "\nAdded in the admin.\n"


def test_export_keeps_added_keys_when_the_title_changes(content):
    (content / "04-routes.md").write_text(
        LESSON.replace("order: 4\n", "order: 4\nlevel: beginner\n")
    )
    run()
    lesson = Lesson.objects.get(slug="routes")
    lesson.title = "Routing"
    lesson.save()
    call_command("export_content", stdout=StringIO())
    text = (content / "04-routes.md").read_text()
    assert "title: Routing\n" in text and "level: beginner\n" in text
    assert parse_file(content / "04-routes.md").title == "Routing"


def test_a_slug_renamed_in_the_admin_renames_the_file(content):
    run()
    lesson = Lesson.objects.get(slug="routes")
    lesson.slug = "routing"
    lesson.save()
    out = StringIO()
    call_command("export_content", stdout=out)
    assert sorted(path.name for path in content.glob("*.md")) == ["04-routing.md"]
    out, err = run()
    assert err == "" and "1 unchanged" in out
    assert list(Lesson.objects.values_list("slug", flat=True)) == ["routing"]


def test_a_file_no_lesson_synced_from_is_not_taken_for_a_rename(content):
    run()
    (content / "05-other.md").write_text(LESSON.replace("Text about", "Other"))
    lesson = Lesson.objects.get(slug="routes")
    lesson.slug = "routing"
    lesson.save()
    call_command("export_content", stdout=StringIO())
    assert sorted(path.name for path in content.glob("*.md")) == [
        "04-routing.md",
        "05-other.md",
    ]
