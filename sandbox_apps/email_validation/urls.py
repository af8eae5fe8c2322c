from django.urls import path

from . import views

app_name = "email_validation"

urlpatterns = [
    path("", views.index, name="index"),
    path("success/", views.success, name="success"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("reset/", views.reset, name="reset"),
]
