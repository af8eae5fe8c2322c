"""The exercise folders: how they are read, and every way a broken one is refused."""

import shutil
import textwrap
from pathlib import Path

import pytest
from django.conf import settings

from exercises import packaging, registry
from exercises.registry import ExerciseError

REAL = Path(settings.COURSEWARE_CONTENT_DIR) / "exercises"

TOML = """\
title = "A step"
lesson = "routes"
kind = "exercise"
order = 1
app = "shop"
entry = "/"
"""
CHECKS = '''\
from django.test import TestCase


class Page(TestCase):
    def test_home(self):
        """GET / answers 200."""
        self.assertEqual(self.client.get("/").status_code, 200)
'''


@pytest.fixture
def content(tmp_path, settings):
    settings.COURSEWARE_CONTENT_DIR = tmp_path
    root = tmp_path / "exercises"
    shutil.copytree(REAL / "_project", root / "_project")
    return root


def write(root: Path, slug: str, files: dict[str, str]) -> Path:
    folder = root / slug
    for path, text in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def good(**changes) -> dict[str, str]:
    files = {
        "exercise.toml": TOML,
        "task.md": "Make the page answer.",
        "checks.py": CHECKS,
        "starter/shop/views.py": "# write index here\n",
        "starter/shop/urls.py": "urlpatterns = []\n",
        "fixed/shop/__init__.py": "",
        "solution/shop/views.py": "def index(request): ...\n",
    }
    files.update(changes)
    return {path: text for path, text in files.items() if text is not None}


def test_every_exercise_in_the_course_is_valid():
    exercises = registry.all_exercises()
    assert exercises, "content/exercises/ holds no exercise"
    for exercise in exercises:
        assert exercise.title and exercise.task
        if exercise.kind == "exercise":
            assert exercise.requirements, exercise.slug
            assert set(exercise.solution) == set(exercise.editable), exercise.slug


def test_a_good_folder_is_read_with_its_requirements(content):
    write(content, "shop-1", good())
    exercise = registry.get("shop-1")
    assert exercise.editable == {
        "shop/urls.py": "urlpatterns = []\n",
        "shop/views.py": "# write index here\n",
    }
    assert exercise.fixed == {"shop/__init__.py": ""}
    assert exercise.solution["shop/views.py"] == "def index(request): ...\n"
    assert exercise.solution["shop/urls.py"] == "urlpatterns = []\n"
    assert exercise.requirements == (("Page.test_home", "GET / answers 200."),)


def test_starter_from_starts_from_the_previous_solution(content):
    write(content, "shop-1", good())
    write(
        content,
        "shop-2",
        good(
            **{
                "exercise.toml": TOML.replace("order = 1", "order = 2")
                + 'starter_from = "shop-1"\n',
                "starter/shop/views.py": None,
                "starter/shop/urls.py": None,
                "starter/shop/models.py": "# step 2 adds a model\n",
                "fixed/shop/__init__.py": None,
                "fixed/shop/apps.py": "# read-only in step 2\n",
                "solution/shop/views.py": "def index(request): return 2\n",
            }
        ),
    )
    exercise = registry.get("shop-2")
    assert exercise.editable == {
        "shop/views.py": "def index(request): ...\n",
        "shop/urls.py": "urlpatterns = []\n",
        "shop/models.py": "# step 2 adds a model\n",
    }
    assert exercise.fixed == {
        "shop/__init__.py": "",
        "shop/apps.py": "# read-only in step 2\n",
    }
    assert exercise.solution["shop/views.py"] == "def index(request): return 2\n"
    assert exercise.solution["shop/models.py"] == "# step 2 adds a model\n"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"exercise.toml": None}, "exercise.toml is missing"),
        ({"exercise.toml": "title = [unclosed"}, "exercise.toml"),
        ({"exercise.toml": TOML.replace('app = "shop"\n', "")}, "missing app"),
        ({"exercise.toml": TOML + 'colour = "red"\n'}, "unknown key(s) colour"),
        (
            {"exercise.toml": TOML.replace('"exercise"', '"quiz"')},
            "kind must be one of",
        ),
        ({"exercise.toml": TOML.replace("order = 1", "order = 0")}, "order must be"),
        ({"exercise.toml": TOML.replace('"shop"', '"shop-app"')}, "package name"),
        (
            {"exercise.toml": TOML.replace('entry = "/"', 'entry = "home"')},
            "entry must",
        ),
        ({"exercise.toml": TOML + 'starter_from = "nowhere"\n'}, "not an exercise"),
        ({"task.md": "  \n"}, "task.md is missing or empty"),
        ({"checks.py": None}, "checks.py is missing or empty"),
        ({"checks.py": "class Broken(:\n"}, "checks.py, line 1"),
        (
            {"checks.py": CHECKS.replace('"""GET / answers 200."""', "")},
            "needs a docstring",
        ),
        ({"checks.py": "from django.test import TestCase\n"}, "holds no test method"),
        (
            {"solution/shop/admin.py": "x = 1\n"},
            "may only change files the learner edits",
        ),
        ({"starter/views.py": "x = 1\n"}, "belongs in the app's folder"),
        ({"fixed/shop/tests.py": "x = 1\n"}, "made from checks.py"),
        (
            {"hints.md": "One\n---\nTwo\n", "exercise.toml": TOML + 'hints = ["x"]\n'},
            "keep one",
        ),
        ({"exercise.toml": TOML + "hints = [1]\n"}, "hints must be a list"),
        (
            {
                "starter/shop/views.py": None,
                "starter/shop/urls.py": None,
                "solution/shop/views.py": None,
            },
            "nothing to edit",
        ),
    ],
)
def test_a_broken_folder_is_an_authoring_error(content, changes, problem):
    write(content, "shop-1", good(**changes))
    with pytest.raises(ExerciseError) as caught:
        registry.get("shop-1")
    assert problem in str(caught.value)
    assert "content/exercises/shop-1/" in str(caught.value)


def test_a_file_that_is_not_text_is_refused(content):
    folder = write(content, "shop-1", good())
    (folder / "starter/shop/logo.html").write_bytes(b"\xff\xfe\x00broken")
    with pytest.raises(ExerciseError, match="not UTF-8 text"):
        registry.get("shop-1")


def test_starter_from_in_a_circle_is_refused(content):
    write(
        content, "shop-1", good(**{"exercise.toml": TOML + 'starter_from = "shop-2"\n'})
    )
    write(
        content, "shop-2", good(**{"exercise.toml": TOML + 'starter_from = "shop-1"\n'})
    )
    with pytest.raises(ExerciseError, match="circle"):
        registry.get("shop-1")


def test_unknown_and_malformed_slugs_are_authoring_errors(content):
    write(content, "shop-1", good())
    with pytest.raises(ExerciseError, match="no exercise 'shop-9'"):
        registry.get("shop-9")
    with pytest.raises(ExerciseError, match="not an exercise slug"):
        registry.get("../etc")


def test_hints_md_is_split_at_rules(content):
    write(content, "shop-1", good(**{"hints.md": "First *hint*.\n---\nSecond.\n"}))
    assert registry.get("shop-1").hints == ("First *hint*.", "Second.")


def test_an_edit_to_a_folder_is_seen_without_a_restart(content):
    folder = write(content, "shop-1", good())
    first = registry.get("shop-1").version
    (folder / "task.md").write_text("Make the page answer, politely.", encoding="utf-8")
    assert registry.get("shop-1").task == "Make the page answer, politely."
    assert registry.get("shop-1").version != first


def test_a_broken_folder_fails_the_system_checks(content):
    from exercises.apps import check_exercise_folders

    write(content, "shop-1", good())
    assert check_exercise_folders() == []
    write(content, "shop-2", good(**{"task.md": ""}))
    (error,) = check_exercise_folders()
    assert error.id == "exercises.E001"
    assert "shop-2" in error.msg


def test_the_project_holds_skeleton_app_and_checks(content):
    write(content, "shop-1", good())
    files = packaging.project_files(registry.get("shop-1"))
    paths = list(files)
    # Tabs first: the learner's files, urls before views; then read-only, checks, skeleton.
    assert paths[:4] == [
        "shop/urls.py",
        "shop/views.py",
        "shop/__init__.py",
        "shop/tests.py",
    ]
    assert files["shop/tests.py"] == CHECKS
    assert '"shop",' in files["project/settings.py"]
    assert 'include("shop.urls")' in files["project/urls.py"]
    assert "EXERCISE_APP" not in "".join(files.values())
    assert (
        files["project/check_runner.py"]
        == (packaging.RUNTIME_DIR / "checking.py").read_text()
    )


def test_every_exercise_belongs_to_a_lesson_of_the_course():
    lessons = {
        path.stem.split("-", 1)[1]
        for path in Path(settings.COURSEWARE_CONTENT_DIR).glob("[0-9]*-*.md")
    }
    for exercise in registry.all_exercises():
        assert exercise.lesson in lessons, (
            f"{exercise.slug} names the lesson {exercise.lesson!r}, which content/ does not have"
        )


def count_signatures(monkeypatch) -> list[Path]:
    """Record each time the exercise files are checked for edits."""
    checked = []
    real = registry._signature
    monkeypatch.setattr(
        registry, "_signature", lambda root: checked.append(root) or real(root)
    )
    return checked


def test_inside_looked_at_once_the_files_are_checked_once(content, monkeypatch):
    write(content, "shop-1", good())
    checked = count_signatures(monkeypatch)
    with registry.looked_at_once():
        registry.get("shop-1")
        registry.for_lesson("routes")
        registry.get("shop-1")
    assert len(checked) == 1
    registry.get("shop-1")
    registry.get("shop-1")
    assert len(checked) == 3


def test_an_edit_made_inside_looked_at_once_is_seen_after_it(content):
    folder = write(content, "shop-1", good())
    with registry.looked_at_once():
        registry.get("shop-1")
        (folder / "task.md").write_text("A new task, longer.", encoding="utf-8")
        assert registry.get("shop-1").task == "Make the page answer."
    assert registry.get("shop-1").task == "A new task, longer."
