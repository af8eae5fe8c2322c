"""What the server hands the browser for exercises, and the lesson block."""

import io
import re
import zipfile

import pytest
from django.test import Client

from exercises import registry
from exercises_browser import static_headers, views
from lessons.rendering import AuthoringError, render

SLUG = "ninja-gold-2"


@pytest.fixture
def client():
    return Client()


def policy(response) -> dict[str, str]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


def test_worker_alone_may_compile_webassembly(client):
    response = client.get("/exercise-runtime/worker.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    directives = policy(response)
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert "unsafe-eval'" not in directives["script-src"].replace(
        "wasm-unsafe-eval", ""
    )
    assert directives["default-src"] == "'none'"


@pytest.mark.django_db
def test_lesson_pages_keep_the_strict_policy(client):
    from lessons.models import Lesson

    Lesson.objects.create(
        slug="try", title="Try", summary="s", body="/// exercise | ninja-gold-2\n///\n"
    )
    response = client.get("/lessons/try/")
    assert "wasm-unsafe-eval" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert "exercises/loader.js" in response.content.decode()


@pytest.mark.django_db
def test_only_lessons_with_an_exercise_load_its_loader(client):
    from lessons.models import Lesson

    Lesson.objects.create(slug="plain", title="Plain", summary="s", body="Hello")
    assert "exercises/loader.js" not in client.get("/lessons/plain/").content.decode()


def test_worker_is_cached_for_good_only_under_its_current_version(client):
    version = views.short_hash(views.static_bytes("exercises/worker.js"))
    current = client.get(f"/exercise-runtime/worker.js?v={version}")
    stale = client.get("/exercise-runtime/worker.js?v=000000000000")
    assert "immutable" in current["Cache-Control"]
    assert "immutable" not in stale.get("Cache-Control", "")


def test_preview_frame_is_sandboxed_without_same_origin(client):
    response = client.get("/exercise-runtime/preview/")
    assert response.status_code == 200
    directives = policy(response)
    assert directives["sandbox"] == "allow-scripts allow-forms"
    assert "allow-same-origin" not in response["Content-Security-Policy"]
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'self'"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "exercises/preview.js" in response.content.decode()


def test_other_methods_are_refused(client):
    assert client.post("/exercise-runtime/worker.js").status_code == 405
    assert client.head("/exercise-runtime/preview/").status_code == 200


@pytest.mark.skipif(
    views.static_bytes("exercises/build/runtime.json") is None,
    reason="the exercise runtime is not built: run ./dev setup",
)
def test_manifest_names_every_piece_and_the_runtime_zip_holds_the_runtime(client):
    manifest = client.get("/exercise-runtime/manifest.json").json()
    assert set(manifest) == {
        "pyodide",
        "django",
        "snapshot",
        "editor",
        "exercise",
        "css",
        "runtime",
        "worker",
        "preview",
    }
    assert re.search(r"/pyodide-[\d.]+/pyodide\.mjs$", manifest["pyodide"])
    assert re.search(r"/snapshot-[0-9a-f]{12}\.gz$", manifest["snapshot"])
    archive = client.get(manifest["runtime"])
    assert archive["Cache-Control"] == views.FOREVER
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert "exercises/runtime/__init__.py" in names
    assert "sandbox_apps/inspector/recording.py" in names
    # Nothing of the site beyond the runtime and the recording module.
    assert not [name for name in names if name.startswith(("lessons/", "courseware/"))]


def test_an_old_runtime_zip_is_gone(client):
    assert client.get("/exercise-runtime/runtime-000000000000.zip").status_code == 404


def test_manifest_says_how_to_build_a_missing_runtime(client, monkeypatch):
    monkeypatch.setattr(views, "static_bytes", lambda name: None)
    response = client.get("/exercise-runtime/manifest.json")
    assert response.status_code == 503
    assert "./dev setup" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "forever"),
    [
        ("/static/exercises/build/pyodide-314.0.7/pyodide.asm.wasm", True),
        ("/static/exercises/build/django-5.2.19.tar", True),
        ("/static/exercises/build/snapshot-849d27e77452.gz", True),
        ("/static/exercises/build/snapshot.gz", False),
        ("/static/exercises/build/editor.js", False),
        ("/static/exercises/exercise.js", False),
    ],
)
def test_only_versioned_runtime_files_are_cached_for_a_year(url, forever):
    headers = {"Cache-Control": "max-age=60, public"}
    static_headers.add_headers(headers, "", url)
    assert ("immutable" in headers["Cache-Control"]) is forever


def test_exercise_block_links_to_the_page_and_names_the_versioned_bundle():
    exercise = registry.get(SLUG)
    rendered = render(f"/// exercise | {SLUG}\nBuild **it** here.\n///\n")
    html = rendered.html
    assert rendered.used["exercise"] == (SLUG,)
    assert f'data-exercise="{SLUG}"' in html
    assert f'data-bundle="/exercises/{SLUG}/bundle.json?v={exercise.version}"' in html
    assert f'href="/exercises/{SLUG}/"' in html
    assert "<strong>it</strong>" in html
    siblings = " ".join(e.slug for e in registry.for_lesson(exercise.lesson))
    assert f'data-lesson-exercises="{siblings}"' in html


def test_a_lesson_with_several_exercises_checks_their_files_once(monkeypatch):
    """Each lookup checks every exercise file for edits; one render, once."""
    from exercises.tests.test_registry import count_signatures
    from lessons.rendering.api import convert

    checked = count_signatures(monkeypatch)
    convert("/// exercise | ninja-gold-1\n///\n\n/// exercise | ninja-gold-2\n///\n")
    assert len(checked) == 1


def test_unknown_exercise_is_an_authoring_error():
    with pytest.raises(AuthoringError, match="no-such-exercise"):
        render("/// exercise | no-such-exercise\n///\n")


def test_exercise_prompt_is_sanitized():
    html = render(
        f'/// exercise | {SLUG}\n<img src=x onerror="alert(1)"> go\n///\n'
    ).html
    assert "onerror" not in html
