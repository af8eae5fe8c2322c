"""Recording what one request did: a *hop*, as plain typed data.

Pure: it needs Django, not Django's request cycle, and nothing else from
this site. The inspector's middleware uses it for every sandbox request,
and the exercises use it with ``django.test.Client`` (also inside Pyodide
in the learner's browser) to trace the learner's own app::

    from sandbox_apps.inspector.recording import Recording

    client = Client(raise_request_exception=False)
    run = Recording(
        session=client.session,          # the session as it is before
        session_key="ninja_gold",        # the app's key in it, if any
        code_root=Path("project"),       # specs are relative to this folder
        urls_module="ninja_gold.urls",   # where the app's patterns are
    )
    with run:                            # starts recording SQL and templates
        response = client.post("/process_money/", {"place": "farm"})
    hop = run.hop(response.wsgi_request, response)
    hop.status, hop.route, hop.view, hop.session.changes, hop.queries
    hop.as_dict()                        # the same, JSON-ready

``Recording(...)``
    Starts nothing yet; snapshots the app's session value (``session`` may
    be a session object or any mapping; None when there is none).
``with run:``
    While the block runs, every SQL statement and every template render in
    this thread or task is recorded (a context variable, so concurrent
    requests never see each other's). Exceptions pass through; one that
    escapes is kept as the hop's error.
``run.view_called = True``
    Says the view was reached (the middleware knows; left alone, a hop
    assumes so when the URL resolved).
``run.failed(exception, request_id="")``
    Says the request failed, when the exception does not escape the block
    (a middleware's process_exception; ``response.exc_info`` from a client
    with ``raise_request_exception=False`` is picked up by ``hop`` itself).
``run.hop(request, response) -> Hop``
    The finished record. Secrets never show in it: values of fields that
    look like passwords or tokens (in the form, the query string and the
    path), the session key before and after, the CSRF token, values of the
    session entries named in ``secret_session_keys``, and password hashes.

Every ``Hop`` field is a string, number, bool, list or another of the small
records below, so a hop can be kept in a cache or sent as JSON. The
records are named tuples: JSON writes each as the list of its values.
"""

from __future__ import annotations

import copy
import functools
import json
import linecache
import re
import sys
import threading
import traceback
import typing
from contextlib import ExitStack
from contextvars import ContextVar
from pathlib import Path
from time import perf_counter
from typing import NamedTuple
from urllib.parse import parse_qsl, quote, urlsplit

import django
from django.db import connections
from django.template.base import Template as DjangoTemplate
from django.template.loader_tags import ExtendsNode

from . import locations
from .locations import UrlLine

# How much of a request a hop keeps: enough to teach, never a memory problem.
MAX_QUERIES = 50
MAX_SQL_CHARS = 2000
MAX_VALUE_CHARS = 80
MAX_PATH_CHARS = 100
MAX_FIELDS = 40
MAX_TEMPLATES = 30

# Django's own templates (form widgets and the like) are counted, not listed.
DJANGO_ROOT = Path(django.__file__).resolve().parent
INSPECTOR_ROOT = Path(__file__).resolve().parent

# Form fields whose values never show: anything that looks like a password,
# the CSRF token, and other obvious secrets.
SECRET_FIELD = re.compile(r"pass(word|wd)|secret|csrf|token", re.IGNORECASE)
# A value Django's password hashers made ("argon2$argon2id$v=19$..."): it is
# not the password, but it is none of the panel's business either.
PASSWORD_HASH = re.compile(
    r"^(argon2|pbkdf2_sha256|pbkdf2_sha1|scrypt|bcrypt_sha256|bcrypt|sha1|md5|crypt|unsalted_\w+)\$"
)
HIDDEN = "hidden"

_active: ContextVar[Recorder | None] = ContextVar(
    "courseware_inspector_recorder", default=None
)
_hook_lock = threading.Lock()


def shorten(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# A form sends the same few field names again and again.
@functools.lru_cache(maxsize=256)
def is_secret_field(name: str) -> bool:
    return bool(SECRET_FIELD.search(name))


# --- The records ---------------------------------------------------------------

# Named tuples rather than dataclasses: JSON takes them as they are (see
# pack), and making one is a single call. A list field's default is one
# empty list that every record without its own shares: nothing adds to a
# record's lists once it is made.


class Value(NamedTuple):
    """One SQL parameter: its repr, or masked."""

    text: str
    masked: bool = False


class Argument(NamedTuple):
    """One value the URL pattern captured and passed to the view."""

    name: str
    text: str
    type: str
    masked: bool = False


class Field(NamedTuple):
    """One value the request carried: in the query string, the form, or a file."""

    where: str  # "query", "form" or "file"
    name: str
    text: str
    masked: bool = False


class Query(NamedTuple):
    sql: str
    params: list[Value]
    rows: int  # for executemany: how many rows (params shows the first)
    ms: float


class Template(NamedTuple):
    name: str
    how: str  # "rendered" (by the view), "extended" or "included"
    by: str = ""  # for "extended": the template that extends it
    keys: list[str] = []  # for "rendered": the view's context
    spec: str = ""  # the file, relative to the code root ("" outside it)


class SessionChange(NamedTuple):
    kind: str  # "added", "changed" or "removed"
    name: str  # "" when the app's value is not a dict
    before: str
    after: str


class SessionDiff(NamedTuple):
    key: str
    changes: list[SessionChange]
    saved: bool  # Django saves no session when the server fails
    rotated: bool  # the session got a new key (login, logout)


class Failure(NamedTuple):
    """Why a request failed. Only ``request_id`` is set when details are hidden."""

    request_id: str = ""
    type: str = ""
    message: str = ""
    file: str = ""  # a spec, relative to the code root
    shown_file: str = ""  # the file as a reader names it
    line: int = 0
    function: str = ""
    code: str = ""


class Hop(NamedTuple):
    """What one request did, from the path it asked for to the response."""

    method: str
    path: str
    status: int
    reason: str
    location: str = ""  # where a redirect sends the browser
    ms: float = 0.0
    htmx: bool = False
    route: str = ""
    url_name: str = ""
    urls: UrlLine | None = None
    arguments: list[Argument] = []
    view: str = ""  # "sandbox_apps.ninja_gold.views.index"
    view_spec: str = ""  # "ninja_gold/views.py:index"
    view_called: bool = False
    data: list[Field] = []
    queries: list[Query] = []
    query_count: int = 0
    query_ms: float = 0.0
    templates: list[Template] = []
    builtin_templates: int = 0
    session: SessionDiff | None = None
    error: Failure | None = None

    @property
    def status_class(self) -> str:
        return f"{self.status // 100}xx"

    @property
    def redirected(self) -> bool:
        return bool(self.location)

    def as_dict(self) -> dict:
        """The hop as nested dicts and lists, each record's fields by name."""
        return _as_dict(self)


def _as_dict(value):
    if _is_record(type(value)):
        return {name: _as_dict(item) for name, item in value._asdict().items()}
    if isinstance(value, list):
        return [_as_dict(item) for item in value]
    return value


def _is_record(kind: type) -> bool:
    """Whether ``kind`` is one of the records (a NamedTuple class)."""
    return issubclass(kind, tuple) and hasattr(kind, "_fields")


# --- Hops as JSON, to send them on ------------------------------------------


def pack(hops: list[Hop]) -> list:
    """Hops ready for JSON; ``unpack`` reads them back.

    The records are named tuples, so JSON writes each as the list of its
    fields' values, in the order they are declared: no field name is
    repeated in every record, and a Ninja Gold click's hop is about 700
    characters of JSON. Nothing is copied: when the records were
    dataclasses, turning each into a list of its values, and making the
    records, cost a demo click's POST 4% of its time (bench/inprocess.py).
    """
    return list(hops)


def unpack(data) -> list[Hop]:
    """The hops ``pack`` made, after a trip through JSON or not.

    Anything else raises ValueError or TypeError.
    """
    if not isinstance(data, list):
        raise ValueError("not a list of packed hops")
    return [_unpack(Hop, item) for item in data]


def _unpack(record: type, values):
    readers = _record_fields(record)
    if not isinstance(values, list | tuple) or len(values) != len(readers):
        raise ValueError(f"not a packed {record.__name__}")
    return record(
        *(read(value) for (_, read), value in zip(readers, values, strict=True))
    )


@functools.cache
def _record_fields(record: type) -> tuple:
    """(name, reader) for each field of a record, in order.

    A reader turns the field's packed value back into what the annotation
    says: a record, a list of records, or a plain value as it is.
    """
    hints = typing.get_type_hints(record)
    return tuple((name, _reader(hints[name])) for name in record._fields)


def _reader(hint):
    options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    if typing.get_origin(hint) is list and _is_record(options[0]):
        return functools.partial(_unpack_list, options[0])
    if isinstance(hint, type) and _is_record(hint):
        return functools.partial(_unpack, hint)
    if len(options) == 1 and _is_record(options[0]):  # "Record | None"
        return functools.partial(_unpack_optional, options[0])
    return _plain


def _unpack_list(record: type, values) -> list:
    if not isinstance(values, list | tuple):
        raise ValueError(f"not a list of packed {record.__name__}")
    return [_unpack(record, value) for value in values]


def _unpack_optional(record: type, values):
    return None if values is None else _unpack(record, values)


def _plain(value):
    return value


# --- Recording one request ----------------------------------------------------------


class Recording:
    """One request being recorded; see the module docstring for the steps."""

    def __init__(
        self,
        *,
        session=None,
        session_key: str | None = None,
        code_root: Path | None = None,
        urls_module: str | None = None,
        secret_session_keys: tuple[str, ...] = (),
        show_errors: bool = True,
        watch_code: bool = True,
    ):
        self.recorder = Recorder()
        self.session_key = session_key
        self.code_root = code_root
        # Whether the code under code_root may change while this process
        # runs (an exercise's learner edits it): then each hop checks that
        # the urls.py it quotes is still the one it read.
        self.watch_code = watch_code
        self.urls_module = urls_module
        self.show_errors = show_errors
        self.view_called: bool | None = None
        self.exception: BaseException | None = None
        self.request_id = ""
        self.seconds = 0.0
        self.before = MISSING
        if session is not None and session_key:
            self.before = freeze(session.get(session_key, MISSING))
        self.before_key = getattr(session, "session_key", None)
        self.secrets: set[str] = {self.before_key or ""}
        for name in secret_session_keys:
            if session is not None:
                self.secrets.add(str(session.get(name, "")))
        self.secret_session_keys = secret_session_keys
        self._stack = ExitStack()
        self._started = 0.0

    def __enter__(self) -> Recording:
        install_template_hook()
        token = _active.set(self.recorder)
        self._stack.callback(_active.reset, token)
        for alias in connections:
            self._stack.enter_context(
                connections[alias].execute_wrapper(self.recorder.execute)
            )
        self._started = perf_counter()
        return self

    def __exit__(self, kind, exception, tb) -> None:
        self.seconds = perf_counter() - self._started
        self._stack.close()
        if exception is not None and self.exception is None:
            self.failed(exception)

    def failed(self, exception: BaseException, request_id: str = "") -> None:
        self.exception = exception
        self.request_id = request_id
        # What renders from now on is an error page, not the app.
        self.recorder.stopped = True

    def hop(self, request, response) -> Hop:
        exc_info = getattr(response, "exc_info", None)
        if self.exception is None and exc_info:
            self.failed(exc_info[1])
        session = getattr(request, "session", None)
        masked = self._masked_values(request, session)
        match = getattr(request, "resolver_match", None)
        redirected = 300 <= response.status_code < 400
        return Hop(
            method=request.method,
            path=masked_path(request.get_full_path(), masked),
            status=response.status_code,
            reason=response.reason_phrase,
            location=masked_path(response.get("Location", ""), masked)
            if redirected
            else "",
            ms=round(self.seconds * 1000, 1),
            # As the header came (not request.headers: see sandbox_apps.middleware.from_htmx).
            htmx=request.META.get("HTTP_HX_REQUEST") == "true",
            **self._route(match, masked),
            view_called=self.view_called
            if self.view_called is not None
            else match is not None,
            data=form_data(request, masked),
            queries=describe_queries(self.recorder, masked, session_tables(session)),
            query_count=self.recorder.query_count,
            query_ms=round(self.recorder.query_seconds * 1000, 2),
            templates=[
                Template(name, how, by, keys, spec=self._spec(filename))
                for name, how, by, keys, filename in self.recorder.templates
            ],
            builtin_templates=self.recorder.builtin_templates,
            session=self._session_diff(session, response),
            error=self._failure(match),
        )

    def _route(self, match, masked: frozenset[str]) -> dict:
        """The hop's fields about the URL pattern and the view it named."""
        if match is None:
            # No pattern matched (a 404 before any view): nothing to name.
            return {}
        urls = None
        if self.code_root is not None:
            urls_file = getattr(
                sys.modules.get(self.urls_module or ""), "__file__", None
            )
            urls = locations.url_line(
                urls_file,
                str(match.route),
                match.url_name,
                self.code_root,
                watch=self.watch_code,
            )
        return {
            "route": str(match.route),
            "url_name": match.view_name,
            "urls": urls,
            "arguments": arguments(match, masked),
            "view": locations.view_path(match.func),
            "view_spec": locations.view_spec(match.func, self.code_root)
            if self.code_root is not None
            else "",
        }

    def _masked_values(self, request, session) -> frozenset[str]:
        found = set(self.secrets)
        found.add(request.META.get("CSRF_COOKIE") or "")
        if session is not None:
            found.add(getattr(session, "session_key", None) or "")
            for name in self.secret_session_keys:
                found.add(str(session.get(name, "")))
        found |= secret_form_values(request)
        return frozenset(value for value in found if value)

    def _spec(self, filename: str) -> str:
        if not filename or self.code_root is None:
            return ""
        return locations.relative_path(filename, self.code_root)

    def _session_diff(self, session, response) -> SessionDiff | None:
        if session is None or not self.session_key:
            return None
        after_key = getattr(session, "session_key", None)
        return SessionDiff(
            key=self.session_key,
            changes=frozen_changes(
                self.before, freeze(session.get(self.session_key, MISSING))
            ),
            saved=response.status_code < 500,
            rotated=bool(
                self.before_key and after_key and self.before_key != after_key
            ),
        )

    def _failure(self, match) -> Failure | None:
        if self.exception is None:
            return None
        if not self.show_errors:
            # Outside teaching mode the reader learns only that it failed.
            return Failure(request_id=self.request_id)
        view_file = locations.view_file(match.func) if match is not None else None
        return error_details(self.exception, self.code_root, view_file, self.request_id)


class Recorder:
    """What one request ran: its SQL and its templates, in order."""

    def __init__(self):
        self.queries: list[tuple[str, object, bool, float]] = []
        self.query_count = 0
        self.query_seconds = 0.0
        # (name, how, by, context keys, file) for each template rendered.
        self.templates: list[tuple[str, str, str, list[str], str]] = []
        self.builtin_templates = 0
        self._stack: list[tuple[str, bool]] = []
        # Set when the view raised: what renders next is Django's error page.
        self.stopped = False

    # --- SQL ---------------------------------------------------------------

    def execute(self, execute, sql, params, many, context):
        if self.stopped:
            return execute(sql, params, many, context)
        start = perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = perf_counter() - start
            self.query_count += 1
            self.query_seconds += elapsed
            if len(self.queries) < MAX_QUERIES:
                self.queries.append((sql, params, many, elapsed))

    # --- Templates -----------------------------------------------------------

    def render_template(self, template, context, render):
        origin = getattr(template, "origin", None)
        filename = getattr(origin, "name", None)
        if isinstance(filename, str) and _is_django_template(filename):
            self.builtin_templates += 1
            return render(template, context)
        name = (
            template.name
            or getattr(origin, "template_name", None)
            or "(a template made from a string)"
        )
        if not self._stack:
            how, keys = "rendered", view_context_keys(context)
        elif self._stack[-1][1]:
            # A template that extends another renders nothing itself but its
            # parent; its blocks run later, inside the parent's render.
            how, keys = "extended", []
        else:
            how, keys = "included", []
        if self.stopped:
            return render(template, context)
        if len(self.templates) < MAX_TEMPLATES:
            self.templates.append(
                (
                    str(name),
                    how,
                    self._stack[-1][0] if how == "extended" else "",
                    keys,
                    filename if isinstance(filename, str) else "",
                )
            )
        extends = any(isinstance(node, ExtendsNode) for node in template.nodelist)
        self._stack.append((str(name), extends))
        try:
            return render(template, context)
        finally:
            self._stack.pop()


def view_context_keys(context) -> list[str]:
    """The names the view passed to the template, without the context processors' ones."""
    dicts = context.dicts
    if hasattr(context, "_processors_index"):
        # RequestContext: builtins, then the processors' dict, then the view's.
        passed = dicts[context._processors_index + 1 :]
    else:
        passed = dicts[1:]
    keys: list[str] = []
    for layer in passed:
        for key in layer:
            if isinstance(key, str) and key not in keys:
                keys.append(key)
    return keys


def install_template_hook() -> None:
    """Let an active Recorder see every template render, once per process.

    Wraps whatever ``Template._render`` is at the time: Django's own, or the
    test runner's instrumented one (which the test client relies on).
    """
    if getattr(DjangoTemplate._render, "courseware_inspector", False):
        return
    with _hook_lock:
        inner = DjangoTemplate._render
        if getattr(inner, "courseware_inspector", False):
            return

        def _render(self, context):
            recorder = _active.get()
            if recorder is None:
                return inner(self, context)
            return recorder.render_template(self, context, inner)

        _render.courseware_inspector = True
        DjangoTemplate._render = _render


# --- Turning what was recorded into plain, safe data -----------------------


def describe_value(value, secrets: frozenset[str]) -> Value:
    """One SQL parameter, masked if it is a secret."""
    if isinstance(value, str) and (value in secrets or PASSWORD_HASH.match(value)):
        return Value("", masked=True)
    if isinstance(value, bytes | bytearray | memoryview):
        return Value(f"<{len(value)} bytes>")
    if isinstance(value, str):
        return Value(shorten(repr(value)))
    return Value(
        shorten(repr(value) if not hasattr(value, "isoformat") else value.isoformat())
    )


def describe_queries(
    recorder: Recorder, secrets: frozenset[str], hidden_tables: tuple[str, ...]
) -> list[Query]:
    queries = []
    for sql, params, many, elapsed in recorder.queries:
        sql = str(sql)
        # Statements on the session table carry the session key and every
        # app's session data (the sandbox token included): hide all values.
        hide_all = any(table in sql for table in hidden_tables)
        rows = 0
        if many:
            params = list(params or [])
            rows = len(params)
            params = params[0] if params else []
        if isinstance(params, dict):
            values = list(params.values())
        else:
            values = list(params or [])
        described = [
            Value("", masked=True) if hide_all else describe_value(value, secrets)
            for value in values
        ]
        queries.append(
            Query(
                sql=shorten(sql, MAX_SQL_CHARS),
                params=described,
                rows=rows,
                ms=round(elapsed * 1000, 2),
            )
        )
    return queries


def form_data(request, secrets: frozenset[str]) -> list[Field]:
    """The query string and form fields the request carried, secrets masked."""
    entries: list[Field] = []
    sources = [("query", request.GET)]
    files = {}
    if request.method == "POST":
        try:
            sources.append(("form", request.POST))
            files = request.FILES
        except Exception:  # noqa: BLE001 - a body Django refuses to parse is not the panel's problem
            entries.append(Field("form", "", "(the request body could not be read)"))
    for where, data in sources:
        for name, values in data.lists():
            for value in values:
                if len(entries) >= MAX_FIELDS:
                    return entries
                if is_secret_field(name) or value in secrets:
                    entries.append(Field(where, shorten(name), "", masked=True))
                else:
                    entries.append(Field(where, shorten(name), shorten(value)))
    for name, upload in files.items():
        entries.append(
            Field(
                "file",
                shorten(name),
                f"{shorten(str(upload.name))} ({upload.size} bytes)",
            )
        )
    return entries[:MAX_FIELDS]


def masked_path(path: str, secrets: frozenset[str]) -> str:
    """A path with its query string's secret values hidden, shortened to fit.

    A careless form may send a password with GET: it must not show in the
    path any more than in the data.
    """
    parts = urlsplit(path)
    if not parts.query:
        return shorten(path, MAX_PATH_CHARS)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = "&".join(
        f"{quote(name)}={HIDDEN}"
        if value and (is_secret_field(name) or value in secrets)
        else f"{quote(name)}={quote(value)}"
        for name, value in pairs
    )
    shown = parts._replace(query=query).geturl()
    return shorten(shown, MAX_PATH_CHARS)


def secret_form_values(request) -> set[str]:
    """Values typed into secret fields: they must not show elsewhere either (SQL, session)."""
    found: set[str] = set()
    for data in (request.GET, getattr(request, "_post", None)):
        if data is None:
            continue
        for name, values in data.lists():
            if is_secret_field(name):
                found.update(
                    value for value in values if isinstance(value, str) and value
                )
    return found


# --- The session -------------------------------------------------------------

MISSING = object()


def snapshot(value):
    """A frozen copy of a session value, so later changes to it do not change it."""
    if value is MISSING:
        return MISSING
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError):
        return copy.deepcopy(value)


# One encoder for every value compared and shown: json.dumps would build a
# new one per call.
_encoder = json.JSONEncoder(ensure_ascii=False, default=str)


def as_json(value) -> str:
    """A session value as the JSON it is stored as (repr if it cannot be)."""
    try:
        return _encoder.encode(value)
    except (TypeError, ValueError):
        return repr(value)


def freeze(value):
    """What the panel compares and shows of a session value: its JSON text.

    A dict becomes ``{key: JSON text}``, so each entry can be compared and
    shown on its own; anything else becomes one text. Text cannot change
    afterwards, so this is also the copy taken before the view runs. It is
    encoded once, by the json module's C encoder: copying the value and
    encoding it again to show it cost a click more than the view itself.
    """
    if value is MISSING:
        return MISSING
    if isinstance(value, dict):
        return {str(key): as_json(entry) for key, entry in value.items()}
    return as_json(value)


def session_changes(before, after) -> list[SessionChange]:
    """Added, changed and removed entries of one app's session value.

    A dict is compared key by key (the usual shape: one dict per app);
    anything else is compared as a whole.
    """
    return frozen_changes(freeze(before), freeze(after))


def frozen_changes(before, after) -> list[SessionChange]:
    """``session_changes`` of two values ``freeze`` made.

    A value changed if its JSON did: that is what the session stores.
    """
    if before is MISSING and after is MISSING:
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        changes = []
        for key, text in after.items():
            if key not in before:
                changes.append(SessionChange("added", key, "", shorten(text)))
            elif before[key] != text:
                changes.append(
                    SessionChange("changed", key, shorten(before[key]), shorten(text))
                )
        for key, text in before.items():
            if key not in after:
                changes.append(SessionChange("removed", key, shorten(text), ""))
        return changes
    # A whole value, or a dict that became something else (or the reverse).
    before_text = _whole(before)
    after_text = _whole(after)
    if before is MISSING:
        return [SessionChange("added", "", "", shorten(after_text))]
    if after is MISSING:
        return [SessionChange("removed", "", shorten(before_text), "")]
    if before_text != after_text:
        return [SessionChange("changed", "", shorten(before_text), shorten(after_text))]
    return []


def _whole(frozen) -> str:
    """The JSON text of a whole frozen value, a dict's put back together."""
    if isinstance(frozen, dict):
        entries = (f"{_encoder.encode(key)}: {text}" for key, text in frozen.items())
        return "{" + ", ".join(entries) + "}"
    return "" if frozen is MISSING else frozen


def session_tables(session) -> tuple[str, ...]:
    """The tables that hold sessions: their statements carry every app's data."""
    model = getattr(session, "model", None)
    if model is not None:
        return (model._meta.db_table,)
    return ("django_session",)


def arguments(match, masked: frozenset[str]) -> list[Argument]:
    """What the URL pattern captured, as the view received it."""
    captured = (
        match.captured_kwargs if match.captured_kwargs is not None else match.kwargs
    )
    found = [(str(index), value) for index, value in enumerate(match.args)]
    found += list(captured.items())
    shown = []
    for name, value in found:
        if isinstance(value, str) and value in masked:
            shown.append(Argument(name, "", type(value).__name__, masked=True))
        else:
            shown.append(Argument(name, shorten(repr(value)), type(value).__name__))
    return shown


# --- Errors ----------------------------------------------------------------------


def error_details(
    exception: BaseException,
    code_root: Path | None,
    view_file: str | None = None,
    request_id: str = "",
) -> Failure:
    """Where a view failed: the exception's type and message, the line.

    The line is the last frame inside ``code_root`` (the app's own code, not
    Django's, nor this inspector's), which is where a reader should look;
    failing that, the last frame in the view's own file.
    """
    root = code_root.resolve() if code_root else None
    view_file = str(Path(view_file).resolve()) if view_file else None
    where = None
    for frame, line in traceback.walk_tb(exception.__traceback__):
        filename = frame.f_code.co_filename
        path = locations.relative_path(filename, root) if root is not None else ""
        if path and not _is_inside(filename, INSPECTOR_ROOT):
            where = (
                path,
                f"{root.name}/{path}",
                line,
                frame.f_code.co_qualname,
                filename,
            )
        elif (
            (where is None or not where[0])
            and view_file
            and str(Path(filename).resolve()) == view_file
        ):
            where = ("", Path(filename).name, line, frame.f_code.co_qualname, filename)
    if where is None:
        return Failure(
            request_id=request_id,
            type=type(exception).__qualname__,
            message=shorten(str(exception), 300),
        )
    path, shown, line, function, filename = where
    return Failure(
        request_id=request_id,
        type=type(exception).__qualname__,
        message=shorten(str(exception), 300),
        file=path,
        shown_file=shown,
        line=line,
        function=function,
        code=shorten(linecache.getline(filename, line).strip()),
    )


@functools.lru_cache(maxsize=1024)
def _is_django_template(filename: str) -> bool:
    return _is_inside(filename, DJANGO_ROOT)


def _is_inside(filename: str, root: Path) -> bool:
    return bool(locations.relative_path(filename, root))
