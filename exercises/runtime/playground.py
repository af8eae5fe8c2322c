"""The two playgrounds: which URL pattern answers a URL, and what a template renders.

Both take the learner's text and give back plain data: a match, an output,
or an error with the line to look at. Neither needs a project: they use
Django's URL patterns and template engine directly.
"""

from __future__ import annotations

import json
import types

MAX_OUTPUT_CHARS = 200_000

# Set when a playground configured Django's settings itself, so a project
# loaded later in the same interpreter may replace them.
configured_here = False


def _ensure_settings() -> None:
    global configured_here
    from django.conf import settings

    if not settings.configured:
        from django.apps import apps

        settings.configure(
            USE_TZ=True, TIME_ZONE="UTC", USE_I18N=False, STATIC_URL="/static/"
        )
        # No apps, but a ready registry: some tags ({% static %}) ask it.
        apps.populate([])
        configured_here = True


# --- Routes --------------------------------------------------------------------


class _Views(types.ModuleType):
    """A stand-in views module: any ``views.<name>`` is a view with that name."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)

        def view(request, *args, **kwargs):  # pragma: no cover - never called
            raise NotImplementedError

        view.__name__ = view.__qualname__ = name
        view.__module__ = "views"
        return view


def resolve(patterns: str, url: str) -> dict:
    """Which of ``urlpatterns`` answers ``url``, and what it captures."""
    from django.urls import URLPattern, URLResolver, path, re_path

    _ensure_settings()
    if not isinstance(patterns, str) or not isinstance(url, str):
        return _failed("BadInput", "patterns and url must be text.")
    views = _Views("views")
    # `from . import views` and `import views` both find the stand-in.
    namespace = {
        "__name__": "playground.urls",
        "__package__": "playground",
        "__builtins__": __builtins__,
    }
    source = patterns.replace("from . import views", "views = views")
    namespace.update(path=path, re_path=re_path, views=views)
    try:
        code = compile(source, "urls.py", "exec")
        exec(code, namespace)  # noqa: S102 - the learner's own code, in their browser
    except SyntaxError as error:
        return _failed("SyntaxError", error.msg, error.lineno)
    except Exception as error:  # noqa: BLE001 - anything their code raises is theirs to see
        return _failed(type(error).__name__, str(error), _line_in(error, "urls.py"))
    urlpatterns = namespace.get("urlpatterns")
    if not isinstance(urlpatterns, list | tuple):
        return _failed("NameError", "urls.py must define a list called urlpatterns.")

    # Django matches the path without its leading slash, as the root URLconf does.
    remaining = url.split("?", 1)[0].split("#", 1)[0]
    if remaining.startswith("/"):
        remaining = remaining[1:]
    tried = []
    for pattern in urlpatterns:
        if isinstance(pattern, URLResolver):
            return _failed(
                "NotSupported",
                "include() needs another urls.py; this playground has just one.",
            )
        if not isinstance(pattern, URLPattern):
            return _failed(
                "TypeError",
                f"Each entry of urlpatterns must be a path(...); found {type(pattern).__name__}.",
            )
        tried.append(str(pattern.pattern))
        try:
            match = pattern.pattern.match(remaining)
        except Exception as error:  # noqa: BLE001 - a converter may raise anything
            return _failed(type(error).__name__, str(error))
        if match:
            rest, args, kwargs = match
            captured = [*enumerate(args), *kwargs.items()]
            return {
                "ok": True,
                "match": {
                    "route": str(pattern.pattern),
                    "view": f"views.{getattr(pattern.callback, '__name__', '?')}",
                    "name": pattern.name or "",
                    "kwargs": [
                        {
                            "name": str(name),
                            "text": repr(value),
                            "type": type(value).__name__,
                        }
                        for name, value in captured
                    ],
                },
                "tried": tried,
                "error": None,
            }
    return {"ok": True, "match": None, "tried": tried, "error": None}


# --- Templates -------------------------------------------------------------------


def render_template(
    template: str, context: str, templates: dict[str, str] | None = None
) -> dict:
    """Render ``template`` with the JSON ``context``; ``templates`` are what it may extend or include."""
    from django.template import Context, Engine, TemplateDoesNotExist
    from django.template.base import VariableDoesNotExist
    from django.template.exceptions import TemplateSyntaxError

    _ensure_settings()
    if not isinstance(template, str) or not isinstance(context, str):
        return _failed("BadInput", "template and context must be text.")
    if templates is not None and not (
        isinstance(templates, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in templates.items())
    ):
        return _failed("BadInput", "templates must be an object of name -> text.")
    try:
        data = json.loads(context) if context.strip() else {}
    except json.JSONDecodeError as error:
        return _failed(
            "ContextError", f"context.json is not valid JSON: {error.msg}", error.lineno
        )
    if not isinstance(data, dict):
        return _failed("ContextError", "context.json must be an object: { ... }.")
    engine = Engine(
        debug=True,
        loaders=[("django.template.loaders.locmem.Loader", dict(templates or {}))],
        # What {% load %} finds in a new project, without installing apps.
        libraries={
            "static": "django.templatetags.static",
            "tz": "django.templatetags.tz",
            "l10n": "django.templatetags.l10n",
        },
    )
    try:
        compiled = engine.from_string(template)
        output = compiled.render(Context(data))
    except (TemplateSyntaxError, TemplateDoesNotExist, VariableDoesNotExist) as error:
        debug = getattr(error, "template_debug", None) or {}
        return _failed(type(error).__name__, str(error), debug.get("line"))
    except Exception as error:  # noqa: BLE001 - a filter given the wrong type, and so on
        debug = getattr(error, "template_debug", None) or {}
        return _failed(type(error).__name__, str(error), debug.get("line"))
    if len(output) > MAX_OUTPUT_CHARS:
        output = output[:MAX_OUTPUT_CHARS] + "\n… (cut: the output is very long)"
    return {"ok": True, "output": output, "error": None}


def _failed(kind: str, message: str, line: int | None = None) -> dict:
    return {
        "ok": False,
        "match": None,
        "output": "",
        "tried": [],
        "error": {"type": kind, "message": message, "line": line},
    }


def _line_in(error: BaseException, filename: str) -> int | None:
    tb = error.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
