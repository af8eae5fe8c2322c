"""Make a fresh worker fast before it takes its first request.

A new process pays once for what later requests reuse: compiling every URL
pattern (on the first ``reverse()``), compiling templates, opening the
database connection, filling the page cache. Paid by the first visitor,
that made the first lesson request after a restart take 287 ms instead of
11. gunicorn calls ``warm_up`` from ``post_worker_init`` (see
deploy/gunicorn.conf.py), after the application is loaded and before the
worker accepts a connection.
"""

import logging
import sys
from io import BytesIO
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)


def warm_up(application, between=None) -> list[tuple[str, str]]:
    """Answer the course home, the first lessons and an exercise in this process.

    Returns (path, status) for each request made. Never raises: a worker
    that cannot warm up (the database is away, say) still starts, and the
    first visitors pay instead. ``between`` is called after each step:
    gunicorn's heartbeat, so a slow warm-up is not taken for a hung worker.
    """
    answered = []
    beat = between or (lambda: None)
    try:
        load_templates()
        beat()
        for path in warm_paths():
            answered.append((path, request(application, path)))
            beat()
    except Exception:
        logger.warning("Warm-up stopped early", exc_info=True)
    return answered


def warm_paths() -> list[str]:
    from django.urls import reverse

    from exercises import registry
    from lessons.models import Lesson

    lessons = Lesson.objects.outline()[: settings.COURSEWARE_WARM_PAGES]
    paths = ["/", *(lesson.get_absolute_url() for lesson in lessons)]
    # Lessons are rendered when saved, but an exercise's task is rendered
    # when first shown, and the first one in a process also builds the
    # highlighter's lexers: 0.75 s of CPU, a 3.9 s first answer on a busy
    # machine. One exercise pays that here; the others then cost tens of
    # milliseconds each the first time.
    try:
        exercises = registry.all_exercises()
    except registry.ExerciseError:
        # Its pages say what is wrong; the lessons still warm up.
        exercises = []
    if exercises:
        paths.append(reverse("exercises:page", args=[exercises[0].slug]))
    return paths


def load_templates() -> None:
    """Compile every project template now; the cached loader keeps them."""
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines

    root = Path(settings.BASE_DIR)
    for engine in engines.all():
        for directory in map(Path, engine.template_dirs):
            # The project's own templates; Django's admin compiles when used.
            if not directory.is_relative_to(root) or ".venv" in directory.parts:
                continue
            for path in directory.rglob("*.html"):
                try:
                    engine.get_template(path.relative_to(directory).as_posix())
                except (TemplateDoesNotExist, TemplateSyntaxError):
                    continue


def request(application, path: str) -> str:
    """One GET through the whole WSGI stack, as the proxy would send it."""
    hosts = [
        host.lstrip(".")
        for host in settings.ALLOWED_HOSTS
        if host not in {"*", ""} and "*" not in host
    ]
    secure = not settings.DEBUG
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "443" if secure else "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": hosts[0] if hosts else "localhost",
        "HTTP_ACCEPT_ENCODING": "gzip",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https" if secure else "http",
        "wsgi.input": BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if secure:
        environ["HTTP_X_FORWARDED_PROTO"] = "https"
    status = []
    body = application(environ, lambda s, headers, exc_info=None: status.append(s))
    try:
        for _chunk in body:
            pass
    finally:
        close = getattr(body, "close", None)
        if close:
            close()
    return status[0] if status else "no answer"
