"""The course's claims about Django and Python, checked against the installed versions.

Each test pins one sentence of content/*.md that code can verify. When an
upgrade of Django or Python changes a behaviour, the test names the lesson
whose text must change with it, so the course cannot drift from the tools it
teaches. Where a lesson states Django's *default*, the test reads
django.conf.global_settings, not this project's settings, which change some
defaults on purpose.
"""

import re
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import django
import pytest
from django.conf import global_settings
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.messages.storage.session import SessionStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template import Context, Engine, TemplateSyntaxError
from django.test import RequestFactory
from django.urls import path, resolve
from django.urls.exceptions import Resolver404
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET, require_safe

# --- A tiny URLconf for the tests that need real requests ---------------------


def change_in_place_only(request):
    request.session["game"]["gold"] += 10  # an in-place change, nothing else
    return HttpResponse("ok")


def change_in_place_and_assign_another_key(request):
    request.session["game"]["gold"] += 10  # in place...
    request.session["visits"] = 1  # ...and an assignment elsewhere in the session
    return HttpResponse("ok")


def change_in_place_and_mark_modified(request):
    request.session["game"]["gold"] += 10
    request.session.modified = True
    return HttpResponse("ok")


def start_game(request):
    request.session["game"] = {"gold": 0}
    return HttpResponse("ok")


@require_GET
def get_only(request):
    return HttpResponse("ok")


@require_safe
def get_or_head(request):
    return HttpResponse("ok")


def moved(request, number):
    return HttpResponse(repr(number))


def add_message_and_redirect(request):
    from django.contrib import messages

    messages.success(request, "Saved!")
    return redirect("/start/")


urlpatterns = [
    path("start/", start_game),
    path("in-place/", change_in_place_only),
    path("in-place-and-assign/", change_in_place_and_assign_another_key),
    path("in-place-and-mark/", change_in_place_and_mark_modified),
    path("get-only/", get_only),
    path("get-or-head/", get_or_head),
    path("moves/<int:number>/", moved),
    path("message/", add_message_and_redirect),
]


def stored_gold(client) -> int:
    """The gold as the server stored it, read back in a fresh session object."""
    key = client.cookies["sessionid"].value
    return SessionStore(session_key=key)["game"]["gold"]


# --- The versions the course is written against --------------------------------


def test_the_course_is_checked_against_django_5_2():
    assert django.VERSION[:2] == (5, 2)


# --- 07 Sessions, 11 Ninja Gold: the "modified" gotcha --------------------------


@pytest.mark.urls(__name__)
def test_an_in_place_change_alone_is_not_saved(client, db):
    """07: Django notices assignments to the session, not changes inside a value."""
    client.post("/start/")
    client.post("/in-place/")
    assert stored_gold(client) == 0


@pytest.mark.urls(__name__)
def test_an_in_place_change_is_saved_when_something_else_marks_the_session_modified(
    client, db
):
    """07/11: the same in-place change is saved if another assignment happens.

    The whole session is written when anything marked it modified, so a
    missing ``modified = True`` can go unnoticed in a view that also assigns
    another key. The lessons say: saved only by luck, do not rely on it.
    """
    client.post("/start/")
    client.post("/in-place-and-assign/")
    assert stored_gold(client) == 10


@pytest.mark.urls(__name__)
def test_setting_modified_saves_an_in_place_change(client, db):
    client.post("/start/")
    client.post("/in-place-and-mark/")
    assert stored_gold(client) == 10


def test_the_session_is_stored_as_json_so_tuples_come_back_as_lists(db):
    """07: only JSON goes in; tuples come back as lists; a datetime fails on save."""
    assert global_settings.SESSION_SERIALIZER.endswith("JSONSerializer")
    session = SessionStore()
    session["pair"] = (1, 2)
    session.save()
    assert SessionStore(session_key=session.session_key)["pair"] == [1, 2]
    session["when"] = datetime(2026, 1, 1)
    with pytest.raises(TypeError):
        session.save()


def test_the_session_cookie_lasts_two_weeks_by_default():
    """10: a session expires after two weeks with Django's defaults."""
    assert global_settings.SESSION_COOKIE_AGE == 60 * 60 * 24 * 14


def test_the_session_cookie_is_https_only_only_when_told_so():
    """07: SESSION_COOKIE_SECURE is False unless a project sets it."""
    assert global_settings.SESSION_COOKIE_SECURE is False
    assert global_settings.CSRF_COOKIE_SECURE is False


def test_session_and_csrf_cookies_are_samesite_lax_by_default():
    """09/12: with Lax, a cross-site image request carries neither cookie."""
    assert global_settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert global_settings.CSRF_COOKIE_SAMESITE == "Lax"


def test_cycle_key_keeps_the_data_and_changes_the_key(db):
    """09: cycle_key() at login gives a new key and keeps the session's data."""
    session = SessionStore()
    session["game"] = {"gold": 5}
    session.save()
    old_key = session.session_key
    session.cycle_key()
    assert session.session_key != old_key
    assert session["game"] == {"gold": 5}
    assert not SessionStore().exists(old_key)


# --- 01 Welcome, 07 Sessions: what the browser holds -----------------------------


def test_the_counter_demo_leaves_a_csrf_cookie_beside_the_session_cookie(client, db):
    """01/07: the browser holds csrftoken as well as sessionid, not one cookie."""
    response = client.get("/sandbox/session-counter/")
    assert response.status_code == 200
    assert {"sessionid", "csrftoken"} <= set(response.cookies)


# --- 08 Models: the messages framework --------------------------------------------


def test_messages_are_stored_in_a_cookie_first_then_the_session():
    """08: the default storage is FallbackStorage (cookie, then session)."""
    assert global_settings.MESSAGE_STORAGE.endswith("FallbackStorage")
    storage = import_string(global_settings.MESSAGE_STORAGE)
    assert storage is FallbackStorage
    assert FallbackStorage.storage_classes == (CookieStorage, SessionStorage)


# --- 06 Templates ---------------------------------------------------------------


def test_startproject_settings_leave_template_dirs_empty():
    """06: a project-level templates/ folder needs DIRS; startproject writes []."""
    template = (
        Path(django.__file__).parent
        / "conf"
        / "project_template"
        / "project_name"
        / "settings.py-tpl"
    )
    text = template.read_text()
    assert re.search(r"""["']DIRS["']: \[\],""", text)
    assert re.search(r"""["']APP_DIRS["']: True,""", text)


def render(source: str, **context) -> str:
    return Engine().from_string(source).render(Context(context))


def test_dot_lookup_tries_a_key_before_an_attribute_and_calls_what_it_finds():
    """06: key, then attribute, then index; callables are called without arguments."""

    class Game(dict):
        gold = "attribute"

        def shout(self):
            return "called"

    assert render("{{ g.gold }}", g=Game(gold="key")) == "key"
    assert render("{{ g.shout }}", g=Game()) == "called"
    assert render("{{ log.0 }}", log=["newest"]) == "newest"


def test_a_missing_variable_prints_as_nothing():
    assert render("[{{ totl }}]", total=5) == "[]"


def test_variables_are_escaped_unless_marked_safe():
    assert render("{{ name }}", name="<b>Bob</b>") == "&lt;b&gt;Bob&lt;/b&gt;"


def test_parentheses_in_a_variable_are_a_syntax_error():
    with pytest.raises(TemplateSyntaxError):
        render("{{ user.name() }}", user=None)


def test_extends_must_be_the_first_tag():
    engine = Engine(
        loaders=[("django.template.loaders.locmem.Loader", {"base.html": "x"})]
    )
    with pytest.raises(TemplateSyntaxError):
        engine.from_string('{% load static %}{% extends "base.html" %}')


def test_the_date_filter_writes_the_email_validation_format():
    """12: "F jS, Y, g:i A" is "June 24th, 2013, 6:00 PM"."""
    when = datetime(2013, 6, 24, 18, 0)
    assert render('{{ d|date:"F jS, Y, g:i A" }}', d=when) == "June 24th, 2013, 6:00 PM"


# --- 04 Routes, 05 Views ----------------------------------------------------------


@pytest.mark.urls(__name__)
def test_the_int_converter_matches_digits_only():
    """04: /moves/7/ calls the view with number=7; /moves/seven/ and -1 do not match."""
    match = resolve("/moves/7/")
    assert match.kwargs == {"number": 7}
    for bad in ("/moves/seven/", "/moves/-1/"):
        with pytest.raises(Resolver404):
            resolve(bad)


@pytest.mark.urls(__name__)
def test_require_get_refuses_head_and_require_safe_allows_it(client):
    """05: require_GET answers HEAD with 405; require_safe allows GET and HEAD."""
    assert client.head("/get-only/").status_code == 405
    assert client.head("/get-or-head/").status_code == 200
    assert client.post("/get-or-head/").status_code == 405


def test_redirect_is_a_302_with_a_location():
    response = redirect("/somewhere/")
    assert response.status_code == 302
    assert response["Location"] == "/somewhere/"


def test_post_values_are_strings_and_a_missing_key_raises():
    """05: request.POST values are str; square brackets on a missing key raise KeyError."""
    request = RequestFactory().post("/", {"amount": 5})
    assert request.POST["amount"] == "5"
    assert request.POST.get("place") is None
    with pytest.raises(KeyError):
        request.POST["place"]


def test_get_object_or_404_raises_http404(db):
    from django.contrib.sessions.models import Session

    with pytest.raises(Http404):
        get_object_or_404(Session, pk="no-such-key")


# --- 09 Login and registration --------------------------------------------------


def test_an_argon2_hash_has_six_dollar_separated_fields(settings):
    """09: algorithm, variety, version, parameters, salt, hash."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
    fields = make_password("correct horse battery").split("$")
    assert len(fields) == 6
    assert fields[:3] == ["argon2", "argon2id", "v=19"]
    assert re.fullmatch(r"m=\d+,t=\d+,p=\d+", fields[3])
    assert Argon2PasswordHasher.algorithm == "argon2"


def test_djangos_default_hasher_is_pbkdf2_sha256():
    assert global_settings.PASSWORD_HASHERS[0].endswith("PBKDF2PasswordHasher")


# --- 08 and 12: Django's own email check against the bootcamp regex ------------


@pytest.mark.parametrize("address", ["a@b.", "a@b", "@b.com", "a b@c.com"])
def test_validate_email_refuses_the_specs_bad_addresses(address):
    with pytest.raises(ValidationError):
        validate_email(address)


def test_validate_email_accepts_the_specs_good_address_and_localhost():
    """08: Django's validator also accepts a@localhost, which the bootcamp regex refuses."""
    validate_email("first.last+tag@sub.example.co.uk")
    validate_email("a@localhost")


# --- 13 Login and registration assignment: parsing the birthday ----------------


def test_fromisoformat_accepts_more_than_yyyy_mm_dd_on_python_3_11():
    """13: 20120501 and the ISO week date 2012-W01-1 parse too; 2012-5-1 does not."""
    assert date.fromisoformat("2012-05-01") == date(2012, 5, 1)
    assert date.fromisoformat("20120501") == date(2012, 5, 1)
    assert date.fromisoformat("2012-W01-1") == date(2012, 1, 2)
    for not_a_date in ("2012-5-1", "", "2012-02-30"):
        with pytest.raises(ValueError):
            date.fromisoformat(not_a_date)


def test_dates_compared_as_text_go_wrong_without_zero_padding():
    assert ("2012-5-1" < "2012-12-1") is False
    assert date(2012, 5, 1) < date(2012, 12, 1)


# --- 04 Routes: APPEND_SLASH and a POST ----------------------------------------------


def test_append_slash_refuses_to_redirect_a_post_in_debug(settings):
    """04: APPEND_SLASH cannot carry a POST's data over a redirect; in debug it says so."""
    from django.middleware.common import CommonMiddleware

    assert global_settings.APPEND_SLASH is True
    settings.DEBUG = True
    request = RequestFactory().post("/sandbox/ninja-gold/process_money")
    middleware = CommonMiddleware(lambda request: HttpResponse(status=404))
    with pytest.raises(RuntimeError, match="POST"):
        middleware.process_response(request, HttpResponse(status=404))


# --- 11 Ninja Gold: the odds the assignment quotes --------------------------------


def chance_to_reach(goal: int, moves: int, places: dict) -> float:
    """The best possible chance of reaching ``goal`` gold within ``moves`` moves.

    Exact dynamic programming over the payout table (each amount in a range
    equally likely, as random.randint gives): with some moves left and some
    gold, the player picks the place whose average chance afterwards is
    highest. The game stops as soon as the goal is reached.
    """
    lowest = min(0, min(low for low, high in places.values()) * moves)

    def total(running: list[float], first: int, last: int) -> float:
        """Sum of chances for gold first..last; any gold >= goal is a sure win."""
        wins = max(0, last - max(first, goal) + 1)
        last = min(last, goal - 1)
        if first > last:
            return float(wins)
        return wins + running[last - lowest + 1] - running[first - lowest]

    # chance[i] is the chance from gold lowest + i, for every value below the
    # goal. With no moves left, anything below the goal is a loss.
    chance = [0.0] * (goal - lowest)
    for _ in range(moves):
        running = [0.0]  # running sums, so each range is summed in one step
        for value in chance:
            running.append(running[-1] + value)
        chance = [
            max(
                total(running, gold + low, gold + high) / (high - low + 1)
                for low, high in places.values()
            )
            for gold in range(lowest, goal)
        ]
    return chance[-lowest]


def test_ninja_gold_odds_quoted_in_the_assignment():
    """11: 250 in 15 is won about 22.5% of games with the best play, 2.2% farming only;
    500 in 15 about once in 600,000."""
    from sandbox_apps.ninja_gold.game import PLACES

    table = {place: (gold.low, gold.high) for place, gold in PLACES.items()}
    assert round(chance_to_reach(250, 15, table), 3) == 0.225
    farm_only = {"farm": table["farm"]}
    assert round(chance_to_reach(250, 15, farm_only), 3) == 0.022
    assert 550_000 < 1 / chance_to_reach(500, 15, table) < 650_000


# --- 12 and 14: the short versions' email pattern agrees with the demo's rule ----


def lesson_email_patterns():
    found = []
    from django.conf import settings

    for lesson in sorted(settings.COURSEWARE_CONTENT_DIR.glob("*.md")):
        for match in re.finditer(
            r'EMAIL_PATTERN = re\.compile\(r"(.+)"\)', lesson.read_text()
        ):
            found.append((lesson.name, re.compile(match.group(1))))
    return found


def test_the_short_versions_email_pattern_agrees_with_the_demos_rule():
    """12/14: the one-line pattern in the lessons accepts and refuses what validators.py does."""
    from sandbox_apps.validators import is_valid_email

    patterns = lesson_email_patterns()
    assert {name for name, _ in patterns} >= {
        "12-models-and-validation.md",
        "14-login-and-registration.md",
    }
    examples = [
        "first.last+tag@sub.example.co.uk",
        "a@b.",
        "a@b",
        "@b.com",
        "a b@c.com",
        "ann@example.com",
        "ann@example.c",
        "ann@@example.com",
    ]
    for name, pattern in patterns:
        for address in examples:
            assert (pattern.fullmatch(address) is not None) == is_valid_email(
                address
            ), f"{name}: {address}"


def test_every_make_password_call_picks_a_new_salt():
    """14: two hashes of one password differ, and both check."""
    from django.contrib.auth.hashers import check_password

    first, second = make_password("tea"), make_password("tea")
    assert first != second
    assert check_password("tea", first) and check_password("tea", second)


def test_a_pbkdf2_hash_has_four_fields(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    # One hash: each is a million rounds, most of a second on a busy machine.
    fields = make_password("tea").split("$")
    assert fields[0] == "pbkdf2_sha256"
    assert len(fields) == 4


def test_isalpha_accepts_letters_of_any_alphabet_but_not_spaces():
    """14: the short version's name check."""
    assert "Zoë".isalpha() and "Łukasz".isalpha()
    assert not "Mary Ann".isalpha() and not "R2D2".isalpha()


def test_an_email_form_field_accepts_localhost_where_the_regex_refuses():
    """12: EmailField validates with validate_email, which accepts a@localhost."""
    from django import forms

    from sandbox_apps.validators import is_valid_email

    class AddressForm(forms.Form):
        email = forms.EmailField(max_length=254)

    assert AddressForm({"email": "a@localhost"}).is_valid()
    assert not is_valid_email("a@localhost")


# --- 12 and 14: the short versions in the lessons run as written ---------------


def lesson_code(file_name: str, marker: str) -> str:
    """The fenced Python block of a lesson that contains ``marker``."""
    from django.conf import settings

    text = (settings.COURSEWARE_CONTENT_DIR / file_name).read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    matching = [block for block in blocks if marker in block]
    assert len(matching) == 1, f"{file_name}: {len(matching)} blocks hold {marker}"
    return matching[0]


@contextmanager
def short_version(file_name: str, marker: str):
    """Run a lesson's models.py in a throwaway app registry, with real tables.

    The classes are created as if they lived in the lessons app, so their
    tables (lessons_address, lessons_user) never meet the demos' tables.
    """
    from django.db import connection
    from django.test.utils import isolate_apps

    with isolate_apps("lessons"):
        namespace = {"__name__": "lessons.short_version"}
        exec(lesson_code(file_name, marker), namespace)
        models = [
            value
            for value in namespace.values()
            if isinstance(value, type) and hasattr(value, "_meta")
        ]
        with connection.schema_editor() as editor:
            for model in models:
                editor.create_model(model)
        try:
            yield namespace
        finally:
            with connection.schema_editor() as editor:
                for model in models:
                    editor.delete_model(model)


@pytest.mark.django_db(transaction=True)
def test_lesson_12s_short_manager_validates_as_the_text_says():
    with short_version("12-models-and-validation.md", "class AddressManager") as code:
        Address = code["Address"]
        assert Address.objects.validate({"email": "a@b."}) == {
            "email": "Email is not valid!"
        }
        assert Address.objects.validate({}) == {"email": "Email is not valid!"}
        assert Address.objects.validate({"email": " ann@example.com "}) == {}
        Address.objects.create(email="ann@example.com")
        assert Address.objects.validate({"email": "ANN@example.com"}) == {
            "email": "That address is already in your list."
        }


@pytest.mark.django_db(transaction=True)
def test_lesson_14s_short_user_model_hashes_and_logs_in_as_the_text_says():
    with short_version("14-login-and-registration.md", "class UserManager") as code:
        User = code["User"]
        assert set(User.objects.validate({})) == {
            "first_name",
            "last_name",
            "email",
            "password",
        }
        form = {
            "first_name": "Zoë",
            "last_name": "Ng",
            "email": "zoe@example.com",
            "password": "correct horse",
            "confirm_password": "correct horse",
        }
        assert User.objects.validate(form) == {}
        user = User.objects.register(form)
        assert "correct horse" not in user.password
        assert User.objects.validate(form) == {
            "email": "A user with this email is already registered."
        }
        login = {"email": "ZOE@example.com", "password": "correct horse"}
        assert User.objects.log_in(login) == user
        assert User.objects.log_in({**login, "password": "wrong horse"}) is None
        assert User.objects.log_in({**login, "email": "nobody@example.com"}) is None


# --- 03 Your first project: the steps, followed literally, give a working page --

CHECK_THE_PAGE = """
import django
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template import TemplateDoesNotExist
from django.test import Client, override_settings
from django.test.utils import setup_test_environment

setup_test_environment()
response = Client().get("/")
print(response.status_code)
print(response.content.decode())
print("static:", bool(finders.find("ninja_gold/coin.svg")))
without_dirs = [{**settings.TEMPLATES[0], "DIRS": []}]
with override_settings(TEMPLATES=without_dirs):
    try:
        Client().get("/")
    except TemplateDoesNotExist as error:
        print("without DIRS:", error)
"""


def lesson_fence(text: str, language: str, marker: str) -> str:
    blocks = re.findall(rf"```{re.escape(language)}\n(.*?)```", text, re.S)
    matching = [block for block in blocks if marker in block]
    assert len(matching) == 1, f"{len(matching)} {language} blocks hold {marker!r}"
    return matching[0]


def test_the_first_project_lesson_builds_a_working_page(tmp_path):
    """03: startproject, startapp, the lesson's files and settings: a page with a static file."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    text = (settings.COURSEWARE_CONTENT_DIR / "03-first-project.md").read_text()
    assert "django-admin startproject config ." in text
    assert "python manage.py startapp ninja_gold" in text

    # A newcomer's shell: no settings module from this project's test run.
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "COURSEWARE_"))
    }

    def run(*args):
        done = subprocess.run(
            [sys.executable, *args],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("-m", "django", "startproject", "config", ".")
    run("manage.py", "startapp", "ninja_gold")
    app = tmp_path / "ninja_gold"
    (app / "views.py").write_text(lesson_fence(text, "python", "def index(request)"))
    (app / "urls.py").write_text(
        lesson_fence(text, "python", 'app_name = "ninja_gold"')
    )
    (tmp_path / "config" / "urls.py").write_text(
        lesson_fence(text, "python", 'include("ninja_gold.urls")')
    )
    (app / "templates" / "ninja_gold").mkdir(parents=True)
    (app / "templates" / "ninja_gold" / "index.html").write_text(
        lesson_fence(text, "html+django", "{% extends")
    )
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "base.html").write_text(
        lesson_fence(text, "html+django", "<!doctype html>")
    )
    (app / "static" / "ninja_gold").mkdir(parents=True)
    (app / "static" / "ninja_gold" / "coin.svg").write_text("<svg/>")

    # The two settings the lesson changes, applied as it shows them.
    assert '"ninja_gold",\n]' in lesson_fence(text, "python", "INSTALLED_APPS")
    assert '"DIRS": [BASE_DIR / "templates"]' in lesson_fence(
        text, "python", "TEMPLATES"
    )
    settings_file = tmp_path / "config" / "settings.py"
    source = settings_file.read_text()
    source, added = re.subn(
        r"(INSTALLED_APPS = \[.*?)(\n\])",
        r"\1\n    'ninja_gold',\2",
        source,
        flags=re.S,
    )
    source, dirs = re.subn(
        r"""(["'])DIRS\1: \[\]""", "'DIRS': [BASE_DIR / 'templates']", source
    )
    assert (added, dirs) == (1, 1)
    settings_file.write_text(source)

    run("manage.py", "check")
    output = run("manage.py", "shell", "-c", CHECK_THE_PAGE)
    assert re.search(r"^200$", output, re.M), output
    assert "<h1>Ninja Gold</h1>" in output
    assert "Your gold: 0" in output
    assert 'src="/static/ninja_gold/coin.svg"' in output
    assert "static: True" in output
    assert "without DIRS: base.html" in output


def test_validate_email_and_the_demo_accept_other_alphabets_the_short_regex_does_not():
    """12: domains in other alphabets: Django and the demo yes, the short regex no."""
    from sandbox_apps.validators import is_valid_email

    validate_email("ann@exämple.com")
    assert is_valid_email("ann@exämple.com")
    for name, pattern in lesson_email_patterns():
        assert pattern.fullmatch("ann@exämple.com") is None, name


def test_the_date_format_for_a_morning_in_march():
    """13: the check's answer, March 1st, 2024, 9:05 AM."""
    when = datetime(2024, 3, 1, 9, 5)
    assert render('{{ d|date:"F jS, Y, g:i A" }}', d=when) == "March 1st, 2024, 9:05 AM"
