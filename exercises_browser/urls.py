from django.urls import path

from . import views

app_name = "exercises_browser"

urlpatterns = [
    path("manifest.json", views.manifest, name="manifest"),
    path("worker.js", views.worker, name="worker"),
    path("preview/", views.preview, name="preview"),
    path("runtime-<str:digest>.zip", views.runtime_archive, name="runtime"),
]
