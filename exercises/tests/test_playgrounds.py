"""The playgrounds' Python side, in a fresh child interpreter as in the worker.

A playground runs before any project is loaded, so it sets up Django's
settings itself; loading a project afterwards must still work.
"""

import pytest

from exercises import packaging, registry

from .child import run_json

URLS = """\
from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("ninjas/<int:number>/", views.by_number, name="by_number"),
    path("ninjas/<str:color>/", views.ninja, name="ninja"),
    re_path(r"^years/(?P<year>[0-9]{4})/$", views.year),
]
"""


def reply_for(ops):
    return run_json("exercises.runtime.batch", {"ops": ops}, timeout=120)


@pytest.fixture(scope="module")
def replies():
    counter = registry.get("sessions-counter")
    ops = {
        "int": {"op": "resolve", "patterns": URLS, "url": "/ninjas/7/"},
        "str": {"op": "resolve", "patterns": URLS, "url": "/ninjas/blue/?x=1"},
        "regex": {"op": "resolve", "patterns": URLS, "url": "/years/2013/"},
        "none": {"op": "resolve", "patterns": URLS, "url": "/ninjas"},
        "syntax": {"op": "resolve", "patterns": "urlpatterns = [\n  path(", "url": "/"},
        "no_list": {"op": "resolve", "patterns": "patterns = []", "url": "/"},
        "include": {
            "op": "resolve",
            "patterns": "from django.urls import include, path\nurlpatterns = [path('a/', include([]))]",
            "url": "/a/",
        },
        "render": {
            "op": "render_template",
            "template": '{% extends "base.html" %}{% block b %}{{ name|upper }} {{ html }} {{ missing }}{% for i in items %}{{ i }}{% empty %}none{% endfor %}{% endblock %}',
            "context": '{"name": "leo", "html": "<b>x</b>", "items": []}',
            "templates": {"base.html": "[{% block b %}{% endblock %}]"},
        },
        "static": {
            "op": "render_template",
            "template": "{% load static %}{% static 'ninjas/leo.svg' %}",
            "context": "{}",
        },
        "bad_tag": {
            "op": "render_template",
            "template": "ok\n{% if %}",
            "context": "{}",
        },
        "bad_json": {"op": "render_template", "template": "x", "context": "{\n'a': 1}"},
        "not_object": {"op": "render_template", "template": "x", "context": "[1]"},
        "project": {
            "op": "load",
            "app": counter.app,
            "files": packaging.project_files(counter, counter.solution),
        },
        "after": {"op": "request", "method": "GET", "path": "/"},
    }
    return dict(zip(ops, reply_for(list(ops.values())), strict=True))


def test_a_converter_captures_a_typed_value(replies):
    match = replies["int"]["match"]
    assert match["route"] == "ninjas/<int:number>/"
    assert match["view"] == "views.by_number" and match["name"] == "by_number"
    assert match["kwargs"] == [{"name": "number", "text": "7", "type": "int"}]


def test_patterns_are_tried_in_order(replies):
    reply = replies["str"]
    assert reply["match"]["kwargs"] == [
        {"name": "color", "text": "'blue'", "type": "str"}
    ]
    assert reply["tried"] == ["", "ninjas/<int:number>/", "ninjas/<str:color>/"]
    assert replies["regex"]["match"]["kwargs"][0]["text"] == "'2013'"


def test_no_match_lists_every_pattern_tried(replies):
    reply = replies["none"]
    assert reply["ok"] and reply["match"] is None
    assert len(reply["tried"]) == 4


def test_mistakes_in_urls_py_say_where(replies):
    assert replies["syntax"]["error"]["type"] == "SyntaxError"
    assert replies["syntax"]["error"]["line"] == 2
    assert "urlpatterns" in replies["no_list"]["error"]["message"]
    assert replies["include"]["error"]["type"] == "NotSupported"


def test_a_template_renders_escaped_with_its_base(replies):
    assert replies["render"] == {
        "ok": True,
        "output": "[LEO &lt;b&gt;x&lt;/b&gt; none]",
        "error": None,
    }
    assert replies["static"]["output"] == "/static/ninjas/leo.svg"


def test_template_and_context_mistakes_say_where(replies):
    assert replies["bad_tag"]["ok"] is False
    assert replies["bad_tag"]["error"]["type"] == "TemplateSyntaxError"
    assert replies["bad_tag"]["error"]["line"] == 2
    assert replies["bad_json"]["error"] == {
        "type": "ContextError",
        "message": "context.json is not valid JSON: Expecting property name enclosed in double quotes",
        "line": 2,
    }
    assert "must be an object" in replies["not_object"]["error"]["message"]


def test_a_project_loads_after_a_playground(replies):
    assert replies["project"]["ok"], replies["project"]
    assert replies["after"]["status"] == 200
    assert "1 time" in replies["after"]["body"]
