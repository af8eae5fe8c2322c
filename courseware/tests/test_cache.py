"""Redis is a cache, never a single point of failure; /health/ says how things are."""

import socket
import sys
from pathlib import Path

import pytest
from django.db import OperationalError

from courseware.cache import FallbackRedisCache

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from cluster import Redis, missing  # noqa: E402


@pytest.fixture
def redis(tmp_path):
    if "redis-server" in missing():
        pytest.skip("needs redis-server (Debian: apt-get install redis-server)")
    server = Redis(tmp_path).start()
    yield server
    server.stop()


def make_cache(url, pause=60.0):
    return FallbackRedisCache(
        url,
        {
            "OPTIONS": {
                "socket_timeout": 0.2,
                "socket_connect_timeout": 0.2,
                "fallback_pause": pause,
            }
        },
    )


def test_values_live_in_redis_while_it_answers(redis):
    cache = make_cache(redis.url)
    cache.set("greeting", "hello", 30)
    assert cache.get("greeting") == "hello"
    assert redis.command("EXISTS", ":1:greeting") == "1"
    assert cache.ping()


def test_a_stopped_redis_costs_nothing_but_the_cache(redis):
    cache = make_cache(redis.url)
    cache.set("greeting", "hello", 30)
    redis.stop()
    assert cache.get("greeting") is None
    assert cache.redis_is_paused
    # Meanwhile this process' memory stands in.
    cache.set("greeting", "from memory", 30)
    assert cache.get("greeting") == "from memory"
    assert cache.get_or_set("answer", 42) == 42
    assert cache.incr("answer") == 43
    assert not cache.ping()


def test_a_hung_redis_is_given_up_on_and_then_left_alone(tmp_path):
    # A server that accepts connections and never answers, like a Redis
    # stopped with SIGSTOP.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    try:
        cache = make_cache(f"redis://127.0.0.1:{port}/0")
        assert cache.get("anything", "fallback") == "fallback"
        assert cache.redis_is_paused
        # Paused: the next calls do not even connect.
        assert len(accepted(listener)) == 1
        cache.set("key", "value")
        assert cache.get("key") == "value"
        assert accepted(listener) == []
    finally:
        listener.close()


def accepted(listener):
    listener.setblocking(False)
    connections = []
    try:
        while True:
            connections.append(listener.accept()[0])
    except BlockingIOError:
        pass
    return connections


def test_redis_is_asked_again_once_the_pause_is_over(redis):
    cache = make_cache(redis.url, pause=0.0)
    redis.hang()
    assert cache.get("key", "fallback") == "fallback"
    redis.resume()
    cache.set("key", "back in redis", 30)
    assert redis.command("EXISTS", ":1:key") == "1"


@pytest.mark.django_db
def test_health_reports_database_and_cache(client, redis, settings):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_is_still_up_when_only_redis_is_down(client, redis, monkeypatch):
    cache = make_cache(redis.url)
    redis.stop()
    monkeypatch.setattr("courseware.views.cache", cache)
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["cache"].startswith("degraded")


@pytest.mark.django_db
def test_health_is_503_without_the_database(client, monkeypatch):
    def broken_cursor():
        raise OperationalError("connection refused")

    monkeypatch.setattr("courseware.views.connection.cursor", broken_cursor)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@pytest.mark.django_db
def test_health_answers_plain_http_even_with_the_ssl_redirect_on(client, settings):
    # The deploy guide's rollout runs curl against each app server directly;
    # a 301 to HTTPS would pass curl -f without checking anything.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/").status_code == 200
    assert client.get("/lessons/").status_code == 301
