"""The shared sandbox plumbing: registry, tenancy, purging, refusing, source excerpts."""

import os
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from . import sources
from .middleware import never_cache
from .models import Sandbox
from .registry import SANDBOX_ROOT, all_demos, demo_for_path, get_demo
from .tenancy import SESSION_KEY, current_sandbox


def test_every_demo_declares_what_lessons_need():
    demos = all_demos()
    assert "session-counter" in demos
    for demo in demos.values():
        assert demo.title and demo.summary and demo.source_files
        assert demo.url.startswith(f"/sandbox/{demo.slug}/")


def test_demo_for_path_finds_the_app_that_serves_a_url():
    assert demo_for_path("/sandbox/session-counter/add/").slug == "session-counter"
    assert demo_for_path("/lessons/sessions/") is None
    assert demo_for_path("/sandbox/nope/") is None
    assert get_demo("nope") is None


class Session(dict):
    pass


@pytest.mark.django_db
def test_each_visitor_gets_one_private_sandbox():
    request = RequestFactory().get("/")
    request.session = Session()
    first = current_sandbox(request)
    assert request.session[SESSION_KEY] == first.token
    assert current_sandbox(request) == first
    other = RequestFactory().get("/")
    other.session = Session()
    assert current_sandbox(other) != first


@pytest.mark.django_db
def test_a_forged_or_stale_token_gets_a_new_sandbox():
    request = RequestFactory().get("/")
    request.session = Session({SESSION_KEY: "made-up"})
    sandbox = current_sandbox(request)
    assert sandbox.token != "made-up"
    request.session = Session({SESSION_KEY: ["not", "a", "string"]})
    assert current_sandbox(request).pk


@pytest.mark.django_db
def test_purge_deletes_only_sandboxes_idle_longer_than_the_limit(settings):
    settings.COURSEWARE_SANDBOX_MAX_IDLE_DAYS = 7
    idle = Sandbox.objects.create(last_seen_at=timezone.now() - timedelta(days=8))
    active = Sandbox.objects.create(last_seen_at=timezone.now() - timedelta(days=6))
    out = StringIO()
    call_command("purge_sandboxes", "--dry-run", stdout=out)
    assert "1 sandbox(es)" in out.getvalue() and Sandbox.objects.count() == 2
    call_command("purge_sandboxes", stdout=out)
    assert list(Sandbox.objects.all()) == [active]
    assert not Sandbox.objects.filter(pk=idle.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "limit"), [(["--days", "0"], 7), (["--days", "-3"], 7), ([], 0)]
)
def test_purge_refuses_a_limit_under_one_day_and_deletes_nothing(
    settings, arguments, limit
):
    settings.COURSEWARE_SANDBOX_MAX_IDLE_DAYS = limit
    Sandbox.objects.create(last_seen_at=timezone.now() - timedelta(days=8))
    Sandbox.objects.create()
    with pytest.raises(CommandError, match="--days must be at least 1"):
        call_command("purge_sandboxes", *arguments, stdout=StringIO())
    assert Sandbox.objects.count() == 2


@pytest.mark.django_db
def test_using_a_sandbox_keeps_it_from_being_purged():
    request = RequestFactory().get("/")
    request.session = Session()
    sandbox = current_sandbox(request)
    Sandbox.objects.filter(pk=sandbox.pk).update(
        last_seen_at=timezone.now() - timedelta(days=30)
    )
    current_sandbox(request)
    call_command("purge_sandboxes", stdout=StringIO())
    assert Sandbox.objects.filter(pk=sandbox.pk).exists()


@pytest.mark.django_db
def test_sandbox_responses_are_never_cached_and_lessons_pages_untouched(client):
    assert "no-store" in client.get("/sandbox/session-counter/")["Cache-Control"]
    assert "HX-Request" not in client.get("/").get("Vary", "")


@pytest.mark.parametrize(
    "headers",
    [{}, {"Cache-Control": "max-age=60, public"}, {"Expires": "0"}],
    ids=["none", "cache-control", "expires"],
)
def test_never_cache_writes_what_djangos_helper_writes(headers, monkeypatch):
    # Both write "now" into Expires: the same now.
    monkeypatch.setattr(time, "time", lambda: 1_764_000_000.0)
    ours, djangos = HttpResponse(headers=headers), HttpResponse(headers=headers)
    never_cache(ours)
    add_never_cache_headers(djangos)
    for name in ("Cache-Control", "Expires"):
        assert ours[name] == djangos[name]


def test_never_cache_says_expired_as_of_the_current_second(monkeypatch):
    shown = []
    for now in (1_764_000_000.2, 1_764_000_000.9, 1_764_000_001.1):
        monkeypatch.setattr(time, "time", lambda now=now: now)
        response = HttpResponse()
        never_cache(response)
        shown.append(response["Expires"])
    assert shown[0] == shown[1] == "Mon, 24 Nov 2025 16:00:00 GMT"
    assert shown[2] == "Mon, 24 Nov 2025 16:00:01 GMT"


# --- Source excerpts (sandbox_apps.sources) ------------------------------------------


def test_excerpt_cuts_a_file_to_one_method_with_its_decorators():
    whole = sources.excerpt("session_counter/urls.py")
    assert whole.first_line == 1 and "urlpatterns" in whole.code
    lines = (SANDBOX_ROOT / "session_counter/urls.py").read_text().rstrip("\n")
    assert whole.last_line == len(lines.splitlines())
    view = sources.excerpt("session_counter/views.py:index")
    assert view.code.startswith("@require_GET")
    assert "def add(" not in view.code
    method = sources.excerpt("session_counter/apps.py:SessionCounterConfig")
    assert method.code.startswith("class SessionCounterConfig")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("../courseware/settings.py", "relative path inside sandbox_apps"),
        ("/etc/passwd", "relative path inside sandbox_apps"),
        ("session_counter/views.py\x00.txt", "relative path inside sandbox_apps"),
        ("session_counter/missing.py", "does not exist"),
        ("session_counter/views.py:no_such_view", "has no function or class"),
        ("session_counter/templates/session_counter/page.html:x", "Only Python"),
        ("session_counter/__pycache__", "does not exist"),
        ("session_counter/migrations/../../../pyproject.toml", "relative path"),
    ],
)
def test_excerpt_refuses_what_it_may_not_show(spec, message):
    with pytest.raises(sources.SourceError, match=message):
        sources.excerpt(spec)
    assert sources.excerpt_html(spec) == ""


def test_highlighted_excerpt_is_a_captioned_focusable_block_with_the_line_marked():
    shown = sources.excerpt_html("session_counter/urls.py", (8,))
    assert shown.startswith(
        '<figure class="source" data-source="session_counter/urls.py">'
    )
    assert (
        '<code class="source-path">sandbox_apps/session_counter/urls.py</code>' in shown
    )
    assert '<pre tabindex="0">' in shown and "<pre>" not in shown
    assert shown.count('<span class="hll">') == 1
    # A line outside the excerpt marks nothing.
    view = sources.highlight(sources.excerpt("session_counter/views.py:index"), (1,))
    assert '<span class="hll">' not in view
    assert "<code>index</code> in" in view


def test_excerpt_html_follows_a_changed_file(tmp_path, monkeypatch):
    app = tmp_path / "app"
    app.mkdir()
    code = app / "views.py"
    code.write_text("def one():\n    return 1\n")
    monkeypatch.setattr(sources, "SANDBOX_ROOT", tmp_path)
    assert "one" in sources.excerpt_html("app/views.py")
    code.write_text("def two():\n    return 2\n")
    os.utime(code, ns=(1, code.stat().st_mtime_ns + 1_000_000))
    assert "two" in sources.excerpt_html("app/views.py")
    code.write_text("def broken(:\n")
    os.utime(code, ns=(1, code.stat().st_mtime_ns + 2_000_000))
    assert sources.excerpt_html("app/views.py:broken") == ""
