from django.urls import path

from . import views

app_name = "session_counter"

urlpatterns = [
    path("", views.index, name="index"),
    path("add/", views.add, name="add"),
    path("reset/", views.reset, name="reset"),
]
