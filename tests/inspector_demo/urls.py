from django.urls import path

from . import views

app_name = "inspector_demo"

urlpatterns = [
    path("items/<int:number>/", views.items, name="items"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("explode/", views.explode, name="explode"),
]
