"""Every registered demo is served under /sandbox/<slug>/ by its own urls.py."""

from django.urls import include, path

from .registry import all_demos

urlpatterns = [
    path(f"{demo.slug}/", include(demo.urls_module)) for demo in all_demos().values()
]
