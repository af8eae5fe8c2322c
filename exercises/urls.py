from django.urls import path

from . import views

app_name = "exercises"

urlpatterns = [
    path("<slug:slug>/", views.page, name="page"),
    path("<slug:slug>/bundle.json", views.bundle, name="bundle"),
    path("<slug:slug>/starter.zip", views.starter_zip, name="starter_zip"),
]
