"""Settings come from the environment; production settings pass Django's deploy checks."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x7Qp2" * 10,
    "DJANGO_ALLOWED_HOSTS": "courseware.example.com",
}


def manage(*args, env=None):
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_in_debug_mode():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env={"DJANGO_DEBUG": "1"}
    )
    assert result.returncode != 0


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", env={"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "x"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_database_url_and_redis_url_switch_backends_but_not_sessions():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE']);print(s.CACHES['default']['BACKEND']);print(s.SESSION_ENGINE)"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        env={
            "DATABASE_URL": "postgres://u:p@db:5432/courseware",
            "REDIS_URL": "redis://cache:6379/0",
        },
    )
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "courseware.cache.FallbackRedisCache",
        # The database stays the one copy of sessions (see settings.py).
        "courseware.sessions",
    ]


def test_default_database_is_sqlite_in_wal_mode_with_immediate_transactions():
    default = settings.DATABASES["default"]
    assert default["ENGINE"] == "django.db.backends.sqlite3"
    assert default["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in default["OPTIONS"]["init_command"]
    assert settings.SESSION_ENGINE == "courseware.sessions"
