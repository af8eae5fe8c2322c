from django.apps import AppConfig

from sandbox_apps.registry import Demo

from .counter import SESSION_KEY


class SessionCounterConfig(AppConfig):
    name = "sandbox_apps.session_counter"
    verbose_name = "Session counter"
    demo = Demo(
        slug="session-counter",
        title="Session counter",
        summary="Counts your visits in the session: the cookie holds only a key, the numbers stay on the server.",
        url_name="session_counter:index",
        source_files=(
            "session_counter/counter.py",
            "session_counter/views.py",
            "session_counter/urls.py",
            "session_counter/forms.py",
            "session_counter/templates/session_counter/_counter.html",
        ),
        session_key=SESSION_KEY,
    )
