"""The runtime as the browser's worker uses it: the preview, its traces, errors, edits.

Every scenario runs in one child interpreter (runtime_scenarios.py), which
imports no site code, like the worker.
"""

import pytest

from exercises import packaging, registry

from .child import run_json


@pytest.fixture(scope="module")
def seen():
    gold = registry.get("ninja-gold-2")
    emails = registry.get("email-validation-3")
    projects = {
        "gold": {
            "app": gold.app,
            "files": packaging.project_files(gold, gold.solution),
            "reference": gold.reference,
        },
        "emails": {
            "app": emails.app,
            "files": packaging.project_files(emails, emails.solution),
        },
    }
    return run_json(
        "exercises.tests.runtime_scenarios", {"projects": projects}, timeout=300
    )


def test_a_page_comes_back_with_its_trace(seen):
    assert seen["load"] == {
        "ok": True,
        "restart": False,
        "fresh_database": True,
        "error": None,
    }
    page = seen["page"]
    assert page["status"] == 200
    assert "Your gold:" in page["body"]
    (hop,) = page["chain"]
    assert hop["view"] == "ninja_gold.views.index"
    assert hop["view_file"] == "ninja_gold/views.py"
    assert hop["route"] == ""
    assert hop["url_name"] == "ninja_gold:index"
    (template,) = hop["templates"]
    assert template["name"] == "ninja_gold/index.html"
    assert set(template["keys"]) == {"gold", "places"}


def test_a_post_redirect_get_is_one_chain_with_the_session_change(seen):
    visit = seen["visit"]
    assert visit["status"] == 200
    assert visit["url"] == "/"
    post, get = visit["chain"]
    assert (post["method"], post["status"], post["location"]) == ("POST", 302, "/")
    assert (get["method"], get["path"], get["status"]) == ("GET", "/", 200)
    changes = {c["name"]: c for c in post["session"]["changes"]}
    assert changes["gold"]["kind"] == "added"
    assert 10 <= int(changes["gold"]["after"]) <= 20
    # The CSRF token the form carried never shows.
    token = next(d for d in post["data"] if d["name"] == "csrfmiddlewaretoken")
    assert token["masked"] and token["text"] == ""


def test_csrf_is_checked_like_a_real_browser(seen):
    refused = seen["no_token"]
    assert refused["status"] == 403
    (hop,) = refused["chain"]
    assert hop["view_called"] is False


def test_an_unknown_url_is_a_404_with_django_s_debug_page(seen):
    missing = seen["missing"]
    assert missing["status"] == 404
    assert "process_money/" in missing["body"]  # the patterns Django tried


def test_an_error_points_at_the_learners_line_only(seen):
    assert seen["broken_load"]["ok"]
    broken = seen["broken_visit"]
    assert broken["status"] == 500
    error = broken["error"]
    assert error["type"] == "NameError"
    assert error["summary"].startswith("NameError in ninja_gold/views.py, line ")
    assert [frame["path"] for frame in error["traceback"]] == ["ninja_gold/views.py"]
    assert "hihg" in error["traceback"][0]["code"]
    assert "hihg" in broken["body"] and "<script" not in broken["body"]


def test_a_check_reports_the_error_and_the_first_difference(seen):
    report = seen["broken_check"]
    assert report["ok"]
    results = {r["id"]: r for r in report["results"]}
    redirect = results["ProcessMoney.test_redirects_to_the_page"]
    assert redirect["status"] == "error"
    assert redirect["message"].startswith("NameError in ninja_gold/views.py")
    assert redirect["traceback"][-1]["path"] == "ninja_gold/views.py"
    assert redirect["trace"][0]["status"] == 500
    assert redirect["difference"] == {
        "hop": 0,
        "field": "status",
        "mine": "500",
        "reference": "302",
    }
    assert results["ProcessMoney.test_get_is_refused"]["status"] == "passed"
    assert results["ProcessMoney.test_get_is_refused"]["difference"] is None


def test_sys_exit_in_a_view_is_a_result_not_a_crash(seen):
    assert seen["exit_load"]["ok"]
    error = seen["exit"]["error"]
    assert seen["exit"]["ok"] is False
    assert error["type"] == "SystemExit"
    assert error["traceback"][-1]["path"] == "ninja_gold/views.py"


def test_a_syntax_error_is_a_result_not_a_crash(seen):
    syntax = seen["syntax"]
    assert syntax["ok"] is False
    assert syntax["error"]["type"] == "SyntaxError"
    assert syntax["error"]["traceback"][-1]["path"] == "ninja_gold/views.py"
    assert syntax["error"]["traceback"][-1]["line"] == 1
    assert seen["request_after_syntax"]["ok"] is False


def test_only_a_loaded_project_stops_python_writing_pyc_files(seen):
    """The learner's files change under the same names many times a second,
    so no .pyc of theirs may be trusted; but importing the runtime alone
    must not stop a process (a test run collecting its modules) from
    keeping what it compiled."""
    assert seen["writes_bytecode"] == [True, False]


def test_an_edit_runs_without_a_new_interpreter(seen):
    assert seen["edited"]["ok"]
    assert seen["edited"]["fresh_database"] is False
    assert "Gold so far:" in seen["edited_page"]["body"]


def test_the_preview_keeps_its_rows_across_a_check(seen):
    assert seen["emails"]["ok"]
    assert seen["added"]["status"] == 200
    report = seen["emails_check"]
    assert report["passed"] == report["total"] > 0
    assert "ann@example.com" in seen["after_check"]["body"]


def test_a_model_change_starts_an_empty_preview_database(seen):
    assert seen["half_load"]["ok"] is False
    assert seen["models_changed"]["ok"]
    assert seen["models_changed"]["fresh_database"] is True
    after = seen["after_models"]
    assert after["status"] == 200
    assert "ann@example.com" not in after["body"]
    assert seen["reset"] == {"ok": True}


def test_bad_requests_get_a_clear_answer(seen):
    for reply in seen["bad"]:
        assert reply["ok"] is False
        assert reply["error"]["type"] == "BadRequest"
        assert reply["error"]["message"]
