"""The exercise page (no JavaScript needed), bundle.json and starter.zip."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from exercises import packaging, registry

# The page links to its lesson when the database has it.
pytestmark = pytest.mark.django_db


@pytest.fixture
def gold():
    return registry.get("ninja-gold-2")


def test_the_page_works_without_javascript(client, gold):
    response = client.get(reverse("exercises:page", args=[gold.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert gold.title in html
    assert "process_money" in html  # the task, rendered
    assert reverse("exercises:starter_zip", args=[gold.slug]) in html
    for __, requirement in gold.requirements:
        assert requirement.replace('"', "&quot;") in html
    # Files are shown read-only and highlighted; hints and the solution are folded.
    assert "ninja_gold/views.py" in html and 'class="highlight"' in html
    assert html.count('<pre tabindex="0">') == html.count("<pre")
    assert html.count("<details>") == len(gold.hints) + 1
    assert "<script" not in html.split("<body", 1)[1].split("</footer>")[0]
    assert reverse("exercises:page", args=["ninja-gold-1"]) in html
    assert reverse("exercises:page", args=["ninja-gold-3"]) in html


def test_a_second_visit_highlights_no_file_again(client, gold):
    from exercises import views

    views._highlighted.cache_clear()
    first = client.get(reverse("exercises:page", args=[gold.slug])).content
    highlighted = views._highlighted.cache_info().misses
    assert highlighted > 0
    assert client.get(reverse("exercises:page", args=[gold.slug])).content == first
    assert views._highlighted.cache_info().misses == highlighted


def test_the_page_loads_no_htmx_it_would_not_use(client, gold):
    html = client.get(reverse("exercises:page", args=[gold.slug])).content.decode()
    assert "hx-" not in html
    assert "htmx" not in html and "demo-page.js" not in html and "demos.css" not in html


def test_a_playground_page_has_no_download(client):
    response = client.get(reverse("exercises:page", args=["route-playground"]))
    assert response.status_code == 200
    assert b"starter.zip" not in response.content
    zipped = client.get(reverse("exercises:starter_zip", args=["route-playground"]))
    assert zipped.status_code == 404


@pytest.mark.parametrize("slug", ["nope", "ninja-gold-99", "NINJA"])
def test_unknown_exercises_are_404(client, slug):
    for name in ("page", "bundle", "starter_zip"):
        assert (
            client.get(
                f"/exercises/{slug}/"
                + {"page": "", "bundle": "bundle.json", "starter_zip": "starter.zip"}[
                    name
                ]
            ).status_code
            == 404
        )


def test_only_get_and_head(client, gold):
    assert client.post(reverse("exercises:bundle", args=[gold.slug])).status_code == 405


def test_the_bundle_holds_everything_the_browser_needs(client, gold):
    url = reverse("exercises:bundle", args=[gold.slug])
    response = client.get(url, {"v": gold.version})
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]
    assert response["ETag"] == f'"{gold.version}"'
    data = json.loads(response.content)
    assert data["slug"] == gold.slug and data["version"] == gold.version
    assert data["app"] == "ninja_gold" and data["entry"] == "/"
    assert (data["previous"], data["next"]) == ("ninja-gold-1", "ninja-gold-3")
    assert data["runtime_version"] == packaging.runtime_version()
    files = {f["path"]: f for f in data["files"]}
    assert set(files) == set(packaging.project_files(gold))
    assert (
        files["ninja_gold/views.py"]["editable"]
        and not files["ninja_gold/views.py"]["hidden"]
    )
    assert files["ninja_gold/tests.py"] == {
        "path": "ninja_gold/tests.py",
        "text": gold.checks,
        "editable": False,
        "hidden": False,
        "language": "python",
    }
    assert files["manage.py"]["hidden"] and files["project/settings.py"]["hidden"]
    assert (
        files["ninja_gold/templates/ninja_gold/index.html"]["language"] == "django-html"
    )
    assert [f["path"] for f in data["files"] if f["editable"]] == packaging.tab_order(
        gold.editable
    )
    assert data["solution"] == gold.solution
    assert [c["id"] for c in data["checks"]] == [i for i, __ in gold.requirements]
    assert set(data["reference"]) == {c["id"] for c in data["checks"]}
    assert data["hints"][0].startswith("<p>")
    assert data["playground"] is None


def test_the_bundle_is_compressed_for_browsers_that_ask(client, gold):
    url = reverse("exercises:bundle", args=[gold.slug])
    plain = client.get(url, {"v": gold.version})
    packed = client.get(url, {"v": gold.version}, headers={"accept-encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip"
    assert len(packed.content) * 2 < len(plain.content)
    assert "Accept-Encoding" in packed["Vary"]


def test_an_old_bundle_version_redirects_to_the_current_one(client, gold):
    url = reverse("exercises:bundle", args=[gold.slug])
    response = client.get(url, {"v": "000000000000"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?v={gold.version}"
    unversioned = client.get(url)
    assert (
        unversioned.status_code == 200
        and "immutable" not in unversioned["Cache-Control"]
    )


def test_a_playground_bundle_names_its_tool(client):
    data = client.get(reverse("exercises:bundle", args=["template-playground"])).json()
    assert data["playground"] == {"tool": "render_template"}
    assert data["checks"] == [] and data["solution"] == {} and data["reference"] == {}
    assert {f["path"] for f in data["files"]} == {
        "template.html",
        "base.html",
        "context.json",
    }


def test_the_starter_zip_is_the_runnable_project(client, gold):
    response = client.get(reverse("exercises:starter_zip", args=[gold.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="ninja-gold-2.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    for path in packaging.project_files(gold):
        assert f"ninja-gold-2/{path}" in names
    for path in (
        "README.md",
        "TASK.md",
        "requirements.txt",
        "manage.py",
        "project/check_runner.py",
        "ninja_gold/tests.py",
    ):
        assert f"ninja-gold-2/{path}" in names
    assert (
        archive.read("ninja-gold-2/ninja_gold/views.py").decode()
        == gold.editable["ninja_gold/views.py"]
    )
    assert "Django==5.2" in archive.read("ninja-gold-2/requirements.txt").decode()
    # The same files make the same bytes: caches and checksums stay valid.
    assert (
        client.get(reverse("exercises:starter_zip", args=[gold.slug])).content
        == response.content
    )
