from django.urls import path

from . import views

app_name = "greeter"

urlpatterns = [
    path("", views.form, name="form"),
    path("greet/", views.greet, name="greet"),
    path("hello/<str:name>/", views.hello, name="hello"),
]
