from django.urls import path, re_path

from . import polls, presenter, views

app_name = "lessons"

# Follow-along codes are short and typed by students: letters and digits.
CODE = r"(?P<code>[A-Za-z0-9]{4,12})"
POLL = r"(?P<poll_id>[0-9]{1,12})"

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
    # Live polls (lessons/polls.py): students answer, the presenter asks.
    re_path(rf"^f/{CODE}/poll/$", polls.student, name="poll_student"),
    re_path(rf"^f/{CODE}/poll/answer/$", polls.answer, name="poll_answer"),
    re_path(rf"^f/{CODE}/polls/$", polls.manage, name="poll_manage"),
    re_path(rf"^f/{CODE}/polls/ask/$", polls.ask, name="poll_ask"),
    re_path(rf"^f/{CODE}/polls/{POLL}/results/$", polls.results, name="poll_results"),
    re_path(rf"^f/{CODE}/polls/{POLL}/reveal/$", polls.reveal, name="poll_reveal"),
    re_path(rf"^f/{CODE}/polls/{POLL}/close/$", polls.close, name="poll_close"),
    re_path(rf"^f/{CODE}/live/$", presenter.follow_live, name="follow_live"),
    re_path(rf"^f/{CODE}/move/$", presenter.move, name="follow_move"),
    re_path(rf"^f/{CODE}/end/$", presenter.end, name="follow_end"),
    re_path(rf"^f/{CODE}/beat/$", presenter.beat, name="follow_beat"),
]
