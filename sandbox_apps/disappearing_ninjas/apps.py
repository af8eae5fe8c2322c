from django.apps import AppConfig

from sandbox_apps.registry import Demo


class DisappearingNinjasConfig(AppConfig):
    name = "sandbox_apps.disappearing_ninjas"
    verbose_name = "Disappearing Ninjas"
    demo = Demo(
        slug="disappearing-ninjas",
        title="Disappearing Ninjas",
        summary="Routing: one URL pattern with a colour in it picks which ninja (and which picture) you see.",
        url_name="disappearing_ninjas:index",
        source_files=(
            "disappearing_ninjas/urls.py",
            "disappearing_ninjas/views.py",
            "disappearing_ninjas/ninjas.py",
            "disappearing_ninjas/templates/disappearing_ninjas/_nav.html",
            "disappearing_ninjas/templates/disappearing_ninjas/_ninja.html",
        ),
    )
