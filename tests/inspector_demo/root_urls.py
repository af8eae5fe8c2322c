"""The site's URLs plus the test-only demo, mounted like a real one."""

from django.urls import include, path

from courseware.urls import handler500
from courseware.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    *site_urlpatterns,
    path("sandbox/inspector-demo/", include("tests.inspector_demo.urls")),
]

__all__ = ["handler500", "urlpatterns"]
