from django.apps import AppConfig

from sandbox_apps.registry import Demo

from .game import SESSION_KEY


class NinjaGoldConfig(AppConfig):
    name = "sandbox_apps.ninja_gold"
    verbose_name = "Ninja Gold"
    demo = Demo(
        slug="ninja-gold",
        title="Ninja Gold",
        summary="A game kept in the session: every visit posts to one view, which updates your gold and redirects.",
        url_name="ninja_gold:index",
        source_files=(
            "ninja_gold/game.py",
            "ninja_gold/views.py",
            "ninja_gold/urls.py",
            "ninja_gold/templates/ninja_gold/_game.html",
            "ninja_gold/templates/ninja_gold/page.html",
        ),
        session_key=SESSION_KEY,
    )
