from django.urls import path

from . import views

app_name = "ninjas"

urlpatterns = [
    path("", views.index, name="index"),
    path("ninjas/", views.all_ninjas, name="all"),
]
