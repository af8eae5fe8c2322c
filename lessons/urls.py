from django.urls import path, re_path

from . import presenter, views

app_name = "lessons"

# Follow-along codes are short and typed by students: letters and digits.
CODE = r"(?P<code>[A-Za-z0-9]{4,12})"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("lessons/<slug:slug>/", views.detail, name="detail"),
    path("lessons/<slug:slug>/present/", presenter.present, name="present"),
    path("lessons/<slug:slug>/present/speaker/", presenter.speaker, name="speaker"),
    path("lessons/<slug:slug>/present/follow/", presenter.start, name="follow_start"),
    re_path(rf"^f/{CODE}/$", presenter.follow, name="follow"),
    re_path(rf"^f/{CODE}/state/$", presenter.follow_state, name="follow_state"),
    re_path(rf"^f/{CODE}/live/$", presenter.follow_live, name="follow_live"),
    re_path(rf"^f/{CODE}/move/$", presenter.move, name="follow_move"),
    re_path(rf"^f/{CODE}/end/$", presenter.end, name="follow_end"),
    re_path(rf"^f/{CODE}/beat/$", presenter.beat, name="follow_beat"),
]
