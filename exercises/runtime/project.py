"""The learner's Django project, running in this interpreter.

One project at a time lives in a private folder on ``sys.path``. Loading new
files replaces the old ones and forgets every module, URL pattern and
template imported from them, so an edit runs without a new interpreter. The
app registry is rebuilt on every load (cheap for a project of four apps),
which also lets the next exercise bring another app.

Two databases, both SQLite in memory: the preview's, which keeps what the
learner did in the small browser, and a scratch one for the checks, so a
check always starts from nothing and the preview loses nothing.
"""

from __future__ import annotations

import importlib
import linecache
import os
import shutil
import sqlite3
import sys
import tempfile
import unittest
from io import StringIO
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from .checking import (
    QUICKER_HASHER,
    InWrittenOrder,
    RequirementsResult,
    describe_error,
)
from .trace import first_difference, listening, set_root

# Pyodide runs inside an event loop, and Django refuses database work from
# async code unless told the caller knows what it is doing. The runtime
# never runs two requests at once, so it does.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REDIRECTS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 10
MAX_FILES = 200
MAX_FILE_CHARS = 200_000
# A check may make dozens of requests (every place, fifteen times); its
# first ones tell the story, and a bundle must stay small.
MAX_TRACE_HOPS = 12
TRACE_MIDDLEWARE = "exercises.runtime.trace.TraceMiddleware"


class BadInput(ValueError):
    """A request to the runtime that does not make sense (not the learner's mistake)."""


class State:
    root: Path | None = None
    app: str = ""
    files: dict[str, str] = {}
    configured = False
    loaded = False
    load_error: dict | None = None
    client = None
    # The app INSTALLED_APPS names now: the registry swaps it for the next one.
    app_in_settings = ""
    # The (app, models.py) the preview's tables were made for: a load that
    # failed half-way must not count as having changed them.
    database_for: tuple[str, str | None] | None = None


state = State()


# --- Loading files ---------------------------------------------------------------


def load(app: str, files: dict[str, str]) -> dict:
    """Put the learner's project in place and import it. Never raises for their mistakes."""
    _check_files(app, files)
    if state.root is None:
        # Files change under the same names many times a second: never
        # trust a .pyc. Set when the first project loads, not at import: a
        # process that only imports the runtime (a test run collecting its
        # modules) must keep writing its own compiled files.
        sys.dont_write_bytecode = True
        state.root = Path(tempfile.mkdtemp(prefix="exercise-")).resolve()
        sys.path.insert(0, str(state.root))
        set_root(state.root)
    _write(files)
    _forget_project_modules()
    state.app, state.files = app, dict(files)
    state.loaded, state.load_error = False, None
    try:
        if not state.configured:
            _configure()
        else:
            _rebuild_registry()
        _import_project()
    except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
        state.load_error = describe_error(error, state.root)
        return {
            "ok": False,
            "restart": False,
            "fresh_database": False,
            "error": state.load_error,
        }
    wanted = (app, files.get(f"{app}/models.py"))
    fresh = state.database_for != wanted or not _has_db()
    if fresh:
        _new_database()
        state.database_for = wanted
        state.client = None
    state.loaded = True
    return {"ok": True, "restart": False, "fresh_database": fresh, "error": None}


def _check_files(app: str, files: dict[str, str]) -> None:
    if not isinstance(app, str) or not app.isidentifier():
        raise BadInput("app must be a Python package name, like ninja_gold.")
    if not isinstance(files, dict) or not files:
        raise BadInput("files must be a non-empty object of path -> text.")
    if len(files) > MAX_FILES:
        raise BadInput(f"A project holds at most {MAX_FILES} files.")
    for path, text in files.items():
        if not isinstance(path, str) or not isinstance(text, str):
            raise BadInput("Every file needs a path and a text.")
        parts = PurePosixPath(path).parts
        if not parts or path.startswith("/") or ".." in parts or "\\" in path:
            raise BadInput(f"{path!r} is not a path inside the project.")
        if len(text) > MAX_FILE_CHARS:
            raise BadInput(f"{path} is longer than {MAX_FILE_CHARS} characters.")
    if "project/settings.py" not in files or "project/urls.py" not in files:
        raise BadInput("files must include project/settings.py and project/urls.py.")


def _write(files: dict[str, str]) -> None:
    root = state.root
    for old in state.files:
        if old not in files:
            (root / old).unlink(missing_ok=True)
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if state.files.get(path) != text or not target.exists():
            target.write_text(text, encoding="utf-8")
    # A folder whose files are all gone would still import as a package.
    for folder in sorted(
        (p for p in root.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)
    ):
        if not any(folder.iterdir()):
            shutil.rmtree(folder)
    importlib.invalidate_caches()
    linecache.clearcache()


def _forget_project_modules() -> None:
    root = str(state.root)
    for name, module in list(sys.modules.items()):
        filename = getattr(module, "__file__", None) or ""
        paths = list(getattr(module, "__path__", []) or [])
        if filename.startswith(root) or any(str(p).startswith(root) for p in paths):
            del sys.modules[name]


def _configure() -> None:
    import django
    from django.conf import settings
    from django.test.utils import setup_test_environment

    from . import playground

    if playground.configured_here:
        # A playground ran first with bare settings and no apps: replace them.
        from django.utils.functional import empty

        settings._wrapped = empty
        _empty_registry()
        playground.configured_here = False
    # The learner's settings.py, as their machine would read it...
    module = importlib.import_module("project.settings")
    values = {name: getattr(module, name) for name in dir(module) if name.isupper()}
    # ...with what the browser needs instead: a database in memory, a trace
    # of every request, a quicker password hash (the same algorithm with
    # fewer rounds: a real PBKDF2 hash, checked the same way), quiet logs.
    values["DATABASES"] = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    }
    values["MIDDLEWARE"] = [*values.get("MIDDLEWARE", []), TRACE_MIDDLEWARE]
    values["PASSWORD_HASHERS"] = [QUICKER_HASHER]
    values["LOGGING"] = {
        "version": 1,
        "disable_existing_loggers": False,
        "loggers": {"django.request": {"level": "CRITICAL"}},
    }
    settings.configure(**values)
    # What `manage.py test` does first: 'testserver' allowed, mail kept in
    # memory, and templates reported to the test client.
    # DEBUG off, as `manage.py test` runs checks; the preview turns it on per request.
    setup_test_environment(debug=False)
    state.configured = True
    # If the learner's models fail to import here, the next load rebuilds
    # the registry from scratch (_rebuild_registry), so setup runs once.
    django.setup()


def _rebuild_registry() -> None:
    """Forget the learner's app and its models, then populate the registry again."""
    from django.apps import apps
    from django.conf import settings
    from django.template import engines
    from django.template.utils import get_app_template_dirs
    from django.urls import clear_url_caches, set_urlconf

    installed = list(settings.INSTALLED_APPS)
    old_app = state.app_in_settings
    if old_app and old_app != state.app and old_app in installed:
        installed[installed.index(old_app)] = state.app
        settings.INSTALLED_APPS = installed
    for label in {state.app, old_app} - {""}:
        apps.all_models[label].clear()
    _empty_registry()
    apps.populate(settings.INSTALLED_APPS)
    clear_url_caches()
    set_urlconf(None)
    # Templates are read once and cached; the learner just changed them.
    get_app_template_dirs.cache_clear()
    engines._templates = None
    engines._engines = {}
    engines.__dict__.pop("templates", None)


def _empty_registry() -> None:
    """Forget every app config, so populate() builds the registry again."""
    from django.apps import apps

    apps.app_configs = {}
    apps.apps_ready = apps.models_ready = apps.ready = apps.loading = False
    apps.clear_cache()


def _import_project() -> None:
    from django.conf import settings
    from django.urls import get_resolver

    state.app_in_settings = state.app
    # Importing every URL pattern imports every view: a mistake anywhere in
    # them shows now, on load, not at the first click.
    get_resolver(settings.ROOT_URLCONF).url_patterns  # noqa: B018


def _has_db() -> bool:
    from django.db import connections

    return connections["default"].connection is not None


def _new_database() -> None:
    """An empty preview database with a table for every model."""
    from django.apps import apps
    from django.db import connections

    connection = connections["default"]
    if connection.connection is not None:
        # Closing an in-memory database throws it away, which is the point;
        # Django's own close() refuses to, for that very reason.
        connection.connection.close()
        connection.connection = None
    connection.ensure_connection()
    with connection.schema_editor() as editor:
        for model in apps.get_models():
            editor.create_model(model)


# --- The preview's small browser -----------------------------------------------


def _client():
    from django.test import Client

    if state.client is None:
        # CSRF is checked as a real browser's requests would be: a form
        # without {% csrf_token %} fails here as it would on their machine.
        state.client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    return state.client


def request(
    method: str, path: str, data: dict | None = None, follow: bool = True
) -> dict:
    """One request from the preview, following redirects like a browser."""
    if not isinstance(method, str) or method.upper() not in {"GET", "POST", "HEAD"}:
        raise BadInput("method must be GET, POST or HEAD.")
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("//"):
        raise BadInput("path must start with a single /.")
    if data is not None and not isinstance(data, dict):
        raise BadInput("data must be an object of field -> value(s).")
    if not state.loaded:
        return {
            "ok": False,
            "error": state.load_error
            or {
                "type": "NotLoaded",
                "message": "Load a project first.",
                "summary": "Load a project first.",
                "traceback": [],
            },
        }
    from django.conf import settings

    client = _client()
    method = method.upper()
    data = _form(data or {})
    chain: list[dict] = []
    # Django's debug pages (a 404 lists the patterns it tried) help in the
    # preview; the checks run with DEBUG off, as `manage.py test` does.
    settings.DEBUG = True
    try:
        with listening() as hops:
            response = _send(client, method, path, data)
            redirects = 0
            while (
                follow
                and response.status_code in REDIRECTS
                and redirects < MAX_REDIRECTS
            ):
                target = _local(response.get("Location", ""), path)
                if target is None:
                    break
                if response.status_code not in {307, 308}:
                    method, data = "GET", {}
                path = target
                redirects += 1
                response = _send(client, method, path, data)
        chain = hops
    finally:
        settings.DEBUG = False
    error = chain[-1]["error"] if chain else None
    body = _body(response)
    if error is not None:
        # Django's debug page would need its own scripts; the trace already
        # says what failed and where.
        body = (
            "<!doctype html><title>Server error</title><h1>500: your code raised an error</h1>"
            f"<p>{_escape(error['summary'])}</p>"
        )
    location = response.get("Location", "") if response.status_code in REDIRECTS else ""
    return {
        "ok": True,
        "status": response.status_code,
        "reason": response.reason_phrase,
        "url": path,
        "headers": dict(response.headers.items()),
        "body": body,
        "redirect": location or None,
        "chain": chain,
        "error": error,
    }


def _form(data: dict) -> dict:
    form = {}
    for name, value in data.items():
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            form[str(name)] = value
        elif isinstance(value, str | int | float):
            form[str(name)] = str(value)
        else:
            raise BadInput(f"The value of {name!r} must be text or a list of text.")
    return form


def _send(client, method: str, path: str, data: dict):
    if method == "POST":
        return client.post(path, data)
    if method == "HEAD":
        return client.head(path, data)
    return client.get(path, data)


def _local(location: str, current: str) -> str | None:
    """The path to follow for a redirect inside the app, or None for another site."""
    if not location:
        return None
    parts = urlsplit(location)
    if parts.scheme not in {"", "http", "https"} or parts.netloc not in {
        "",
        "testserver",
    }:
        return None
    path = parts.path or current
    if not path.startswith("/"):
        path = current.rsplit("/", 1)[0] + "/" + path
    return path + (f"?{parts.query}" if parts.query else "")


def _body(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode(response.charset or "utf-8", errors="replace")


def _escape(text: str) -> str:
    from django.utils.html import escape

    return escape(text)


def reset() -> dict:
    """Empty the preview: a new database, no cookies."""
    if state.loaded:
        _new_database()
    state.client = None
    return {"ok": True}


# --- Checks --------------------------------------------------------------------


class _TracedResult(RequirementsResult):
    """Keeps each check's requests with its outcome."""

    def startTest(self, test):
        super().startTest(test)
        self._listening = listening()
        self._hops = self._listening.__enter__()

    def stopTest(self, test):
        self._listening.__exit__(None, None, None)
        if self.outcomes and not hasattr(self.outcomes[-1], "trace"):
            self.outcomes[-1].trace = self._hops
        super().stopTest(test)


def check(reference: dict | None = None) -> dict:
    """Run the app's tests.py against a scratch database; say what each found."""
    if reference is not None and not isinstance(reference, dict):
        raise BadInput("reference must be an object of check id -> hops.")
    if not state.loaded:
        error = state.load_error or {
            "type": "NotLoaded",
            "message": "Load a project first.",
            "summary": "Load a project first.",
            "traceback": [],
        }
        return {"ok": False, "error": error, "passed": 0, "total": 0, "results": []}
    try:
        tests = importlib.import_module(f"{state.app}.tests")
    except Exception as error:  # noqa: BLE001 - a broken import is the learner's to see
        return {
            "ok": False,
            "error": describe_error(error, state.root),
            "passed": 0,
            "total": 0,
            "results": [],
        }
    suite = InWrittenOrder().loadTestsFromModule(tests)
    _TracedResult.root = state.root
    result = _TracedResult(
        unittest.runner._WritelnDecorator(StringIO()), descriptions=False, verbosity=0
    )
    from django.conf import settings

    settings.DEBUG = False
    with _scratch_database():
        suite(result)
    results = []
    for outcome in result.outcomes:
        full_trace = getattr(outcome, "trace", [])
        trace = full_trace[:MAX_TRACE_HOPS]
        difference = None
        if reference and outcome.status != "passed" and outcome.id in reference:
            difference = first_difference(trace, reference[outcome.id])
        results.append(
            {
                "id": outcome.id,
                "requirement": outcome.requirement,
                "status": outcome.status,
                "message": outcome.message,
                "traceback": outcome.traceback,
                "trace": trace,
                "more_requests": len(full_trace) - len(trace),
                "difference": difference,
            }
        )
    passed = sum(item["status"] == "passed" for item in results)
    return {
        "ok": True,
        "error": None,
        "passed": passed,
        "total": len(results),
        "results": results,
    }


class _scratch_database:
    """Run the checks on an empty copy of the schema, then give the preview its data back."""

    def __enter__(self):
        from django.core.management.color import no_style
        from django.db import connections

        self.connection = connections["default"]
        self.connection.ensure_connection()
        self.kept = sqlite3.connect(":memory:")
        self.connection.connection.backup(self.kept)
        tables = self.connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")
            # Only tables with AUTOINCREMENT ids make this table; when it is
            # there, ids start again from 1 as in a new database.
            numbered = cursor.fetchone() is not None
        statements = self.connection.ops.sql_flush(
            no_style(), tables, reset_sequences=numbered
        )
        self.connection.ops.execute_sql_flush(statements)

    def __exit__(self, *exc):
        self.kept.backup(self.connection.connection)
        self.kept.close()
