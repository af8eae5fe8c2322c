"""The project's URLs: every address goes to the app you are writing."""

from django.urls import include, path

urlpatterns = [
    path("", include("EXERCISE_APP.urls")),
]
