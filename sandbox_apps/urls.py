"""Every registered demo is served under /sandbox/<slug>/ by its own urls.py."""

from django.urls import include, path

from .inspector import views as inspector
from .registry import all_demos

urlpatterns = [
    path(f"{demo.slug}/", include(demo.urls_module)) for demo in all_demos().values()
]
# The code the inspector's panel links to ("_" keeps it apart from demo slugs).
urlpatterns.append(
    path("_inspector/source/", inspector.source, name="inspector_source")
)
