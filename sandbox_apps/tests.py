"""The shared sandbox plumbing: registry, tenancy, purging, refusing."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from .models import Sandbox
from .registry import all_demos, demo_for_path, get_demo
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
