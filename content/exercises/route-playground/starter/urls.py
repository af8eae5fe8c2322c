from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("ninjas/", views.all_ninjas, name="all"),
    path("ninjas/<int:number>/", views.ninja_by_number, name="by_number"),
    path("ninjas/<str:color>/", views.ninja, name="ninja"),
    path("dojos/<slug:name>/members/<int:year>/", views.members, name="members"),
]
