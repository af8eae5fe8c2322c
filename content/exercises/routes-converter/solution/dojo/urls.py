from django.urls import path

from . import views

app_name = "dojo"

urlpatterns = [
    path("", views.index, name="index"),
    # <int:number> matches digits only and passes the view an int.
    path("dojos/<int:number>/", views.dojo, name="dojo"),
]
