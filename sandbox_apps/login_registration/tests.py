"""Login and Registration: the rules, the throttle, the views, tenancy, races."""

import re
from datetime import date, timedelta
from unittest import mock

import pytest
from django.contrib.auth import hashers
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from sandbox_apps.models import Sandbox
from sandbox_apps.validators import NOT_VALID
from tests.live_http import Browser, in_parallel

from .hardening import wait_message
from .models import (
    EMAIL_TAKEN,
    LOGIN_FAILED,
    MAX_USERS,
    SANDBOX_FULL,
    LoginAttempt,
    User,
    add_years,
)

URL = "/sandbox/login-registration/"
REGISTER_URL = URL + "register/"
LOGIN_URL = URL + "login/"
SUCCESS_URL = URL + "success/"
LOGOUT_URL = URL + "logout/"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The spec's throttle: 5 failed logins in 5 minutes (the settings' defaults).
MAX_FAILED_LOGINS = 5
FAILED_LOGIN_WINDOW = timedelta(minutes=5)
# The client address the manager is told about, as courseware/client.py reads it.
ADDRESS = "203.0.113.7"


def years_ago(years, today=None):
    return add_years(today or timezone.localdate(), -years)


def form(**changes):
    """A registration form that passes every rule, with some fields changed."""
    values = {
        "first_name": "Zoë",
        "last_name": "O'Brien",
        "email": "zoe@example.com",
        "password": "correct horse",
        "confirm_password": "correct horse",
        "birthday": years_ago(30).isoformat(),
    }
    values.update(changes)
    return values


def make_users(sandbox, count, password_hash=None):
    password_hash = password_hash or hashers.make_password("correct horse")
    User.objects.bulk_create(
        User(
            sandbox=sandbox,
            first_name="Ann",
            last_name="Lee",
            email=f"user{n}@example.com",
            password=password_hash,
            birthday=date(1990, 1, 1),
        )
        for n in range(count)
    )


@pytest.fixture
def fast_hashing(settings):
    """Argon2 takes a fifth of a second on purpose; most tests need no such wait."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture
def sandbox(db):
    return Sandbox.objects.create()


def sandbox_of(client):
    return Sandbox.objects.get(token=client.session["sandbox"])


# --- Registration rules -------------------------------------------------------


def test_a_complete_form_passes(sandbox):
    assert User.objects.validate(form(), sandbox) == {}


def test_every_failing_field_is_reported_at_once(sandbox):
    errors = User.objects.validate(
        {
            "first_name": "A",
            "last_name": "",
            "email": "a@b",
            "password": "short",
            "confirm_password": "other",
            "birthday": "",
        },
        sandbox,
    )
    assert errors == {
        "first_name": "First name must be at least 2 characters.",
        "last_name": "Last name must be at least 2 characters.",
        "email": "Email is not valid!",
        "password": "Password must be at least 8 characters.",
        "confirm_password": "Passwords do not match.",
        "birthday": "Enter your birthday as a date, like 2001-02-28.",
    }


def test_an_empty_form_reports_every_required_field(sandbox):
    assert set(User.objects.validate({}, sandbox)) == {
        "first_name",
        "last_name",
        "email",
        "password",
        "birthday",
    }


@pytest.mark.parametrize(
    "name",
    [
        "Al",
        "Zoë",
        "José",
        "Jean-Luc",
        "O'Brien",
        "D’Angelo",
        "Mary Ann",
        "Zoe\u0308",
        "Łukasz",
        "Nguyễn",
        "Ангелина",
        "李小龙",
        "A" * 50,
        "  Ann  ",
    ],
)
def test_names_accept_letters_accents_hyphens_apostrophes_and_inner_spaces(
    sandbox, name
):
    errors = User.objects.validate(form(first_name=name, last_name=name), sandbox)
    assert errors == {}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("A", "First name must be at least 2 characters."),
        ("  A  ", "First name must be at least 2 characters."),
        ("A" * 51, "First name must be at most 50 characters."),
        (
            "R2D2",
            "First name may contain only letters, hyphens, apostrophes and spaces.",
        ),
        (
            "Ann_Lee",
            "First name may contain only letters, hyphens, apostrophes and spaces.",
        ),
        (
            "-Ann",
            "First name may contain only letters, hyphens, apostrophes and spaces.",
        ),
        (
            "Ann-",
            "First name may contain only letters, hyphens, apostrophes and spaces.",
        ),
        (
            "Mary  Ann",
            "First name may contain only letters, hyphens, apostrophes and spaces.",
        ),
        (
            "Ann--Lee",
            "First name may contain only letters, hyphens, apostrophes and spaces.",
        ),
        (
            "<script>",
            "First name may contain only letters, hyphens, apostrophes and spaces.",
        ),
        (
            "An\x00n",
            "First name may contain only letters, hyphens, apostrophes and spaces.",
        ),
        (
            "Ann\nLee",
            "First name may contain only letters, hyphens, apostrophes and spaces.",
        ),
    ],
)
def test_names_that_break_a_rule_get_its_message(sandbox, name, message):
    assert User.objects.validate(form(first_name=name), sandbox) == {
        "first_name": message
    }
    last = message.replace("First", "Last")
    assert User.objects.validate(form(last_name=name), sandbox) == {"last_name": last}


@pytest.mark.parametrize(
    "email", ["a@b.", "a@b", "@b.com", "a b@c.com", "a@b.com\x00", ""]
)
def test_registration_uses_the_email_validation_rule(sandbox, email):
    assert User.objects.validate(form(email=email), sandbox) == {"email": NOT_VALID}


def test_email_must_be_unique_in_the_sandbox_whatever_the_case(sandbox, fast_hashing):
    User.objects.register(form(), sandbox, ADDRESS)
    assert User.objects.validate(form(email="ZOE@example.com"), sandbox) == {
        "email": EMAIL_TAKEN
    }
    assert User.objects.validate(form(), Sandbox.objects.create()) == {}


def test_password_needs_8_characters(sandbox):
    assert User.objects.validate(
        form(password="1234567", confirm_password="1234567"), sandbox
    ) == {"password": "Password must be at least 8 characters."}
    assert (
        User.objects.validate(
            form(password="w8r-kq2z", confirm_password="w8r-kq2z"), sandbox
        )
        == {}
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password", "This password is too common."),
        ("aaaaaaaa", "This password is too common."),
        ("12345678", "This password is too common. This password is entirely numeric."),
        ("80547312", "This password is entirely numeric."),
        ("zoe@example.com", "The password is too similar to the email."),
        ("O'Brien1", "The password is too similar to the last name."),
    ],
)
def test_djangos_password_validators_refuse_weak_passwords_with_their_messages(
    sandbox, password, message
):
    errors = User.objects.validate(
        form(password=password, confirm_password=password), sandbox
    )
    assert errors == {"password": message}


def test_a_weak_password_is_shown_in_the_form_and_nothing_is_stored(client, db):
    response = client.post(
        REGISTER_URL, form(password="password", confirm_password="password")
    )
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert User.objects.count() == 0


def test_confirmation_must_match_exactly(sandbox):
    errors = User.objects.validate(form(confirm_password="correct horse "), sandbox)
    assert errors == {"confirm_password": "Passwords do not match."}


@pytest.mark.parametrize(
    "value",
    [
        "",
        "junk",
        "2001-02-30",
        "2001-13-01",
        "01/02/2001",
        "2001-02-28\x00",
        "9" * 5000,
    ],
)
def test_birthday_must_be_a_date(sandbox, value):
    assert User.objects.validate(form(birthday=value), sandbox) == {
        "birthday": "Enter your birthday as a date, like 2001-02-28."
    }


@pytest.mark.parametrize("days", [0, -1, -3650])
def test_birthday_must_be_in_the_past(sandbox, days):
    birthday = timezone.localdate() - timedelta(days=days)
    assert User.objects.validate(form(birthday=birthday.isoformat()), sandbox) == {
        "birthday": "Birthday must be in the past."
    }


def test_thirteen_years_ago_today_is_old_enough_and_a_day_later_is_not(sandbox):
    thirteenth = years_ago(13)
    assert User.objects.validate(form(birthday=thirteenth.isoformat()), sandbox) == {}
    too_young = (thirteenth + timedelta(days=1)).isoformat()
    assert User.objects.validate(form(birthday=too_young), sandbox) == {
        "birthday": "You must be at least 13 years old to register."
    }


def test_a_birthday_more_than_150_years_ago_is_refused(sandbox):
    assert (
        User.objects.validate(form(birthday=years_ago(150).isoformat()), sandbox) == {}
    )
    too_old = (years_ago(150) - timedelta(days=1)).isoformat()
    assert User.objects.validate(form(birthday=too_old), sandbox) == {
        "birthday": "Enter a birthday less than 150 years ago."
    }


def test_29_february_birthdays_turn_13_on_1_march_in_a_common_year(sandbox):
    with mock.patch("django.utils.timezone.localdate", return_value=date(2025, 2, 28)):
        assert User.objects.validate(form(birthday="2012-02-29"), sandbox) == {
            "birthday": "You must be at least 13 years old to register."
        }
    with mock.patch("django.utils.timezone.localdate", return_value=date(2025, 3, 1)):
        assert User.objects.validate(form(birthday="2012-02-29"), sandbox) == {}
    # In a leap year the day itself exists.
    with mock.patch("django.utils.timezone.localdate", return_value=date(2024, 2, 29)):
        assert User.objects.validate(form(birthday="2011-02-28"), sandbox) == {}


def test_add_years_moves_29_february_to_1_march_only_when_needed():
    assert add_years(date(2012, 2, 29), 13) == date(2025, 3, 1)
    assert add_years(date(2012, 2, 29), 4) == date(2016, 2, 29)
    assert add_years(date(2012, 6, 24), 1) == date(2013, 6, 24)


def test_a_sandbox_keeps_at_most_20_users(sandbox):
    make_users(sandbox, MAX_USERS - 1)
    assert User.objects.validate(form(), sandbox) == {}
    make_users(
        Sandbox.objects.create(), MAX_USERS
    )  # another visitor's users never count
    assert User.objects.validate(form(), sandbox) == {}
    User.objects.create(
        sandbox=sandbox,
        first_name="Ann",
        last_name="Lee",
        email="x@example.com",
        password="-",
        birthday=date(1990, 1, 1),
    )
    assert User.objects.validate(form(), sandbox) == {"form": SANDBOX_FULL}
    assert "20 users" in SANDBOX_FULL


# --- Registering: hashing and storing -----------------------------------------


def test_register_stores_an_argon2_hash_never_the_password(sandbox):
    user, errors = User.objects.register(form(), sandbox, ADDRESS)
    assert errors == {}
    stored = User.objects.get(pk=user.pk)
    assert stored.password.startswith("argon2$argon2id$")
    assert "correct horse" not in stored.password
    assert hashers.check_password("correct horse", stored.password)


def test_register_stores_clean_names_and_the_birthday(sandbox, fast_hashing):
    user, _ = User.objects.register(
        form(first_name="  Zoe\u0308 ", email=" zoe@example.com "), sandbox, ADDRESS
    )
    user.refresh_from_db()
    assert user.first_name == "Zoë" and len(user.first_name) == 3
    assert user.email == "zoe@example.com"
    assert user.birthday == years_ago(30)


def test_register_refuses_without_hashing_when_the_form_is_invalid(sandbox):
    with mock.patch.object(hashers, "make_password") as make_password:
        user, errors = User.objects.register(form(password="short"), sandbox, ADDRESS)
    assert user is None and "password" in errors
    make_password.assert_not_called()
    assert User.objects.count() == 0


def test_the_database_refuses_a_duplicate_email_even_without_the_manager(sandbox):
    make_users(sandbox, 1)
    with pytest.raises(IntegrityError):
        make_users(sandbox, 1)


def test_register_turns_a_lost_race_into_a_message(sandbox, fast_hashing):
    User.objects.register(form(), sandbox, ADDRESS)
    # As if another request registered the email after this one's checks.
    with mock.patch.object(type(User.objects), "validate", return_value={}):
        user, errors = User.objects.register(form(), sandbox, ADDRESS)
    assert user is None
    assert errors == {"email": EMAIL_TAKEN}
    assert User.objects.count() == 1


# --- Logging in ---------------------------------------------------------------


@pytest.fixture
def zoe(sandbox, fast_hashing):
    user, _ = User.objects.register(form(), sandbox, ADDRESS)
    return user


def test_log_in_with_the_right_password(sandbox, zoe):
    user, errors = User.objects.log_in(
        {"email": "ZOE@example.com", "password": "correct horse"}, sandbox, ADDRESS
    )
    assert errors == {}
    assert user == zoe


def test_unknown_email_and_wrong_password_get_the_same_answer(sandbox, zoe):
    unknown = User.objects.log_in(
        {"email": "nobody@example.com", "password": "correct horse"}, sandbox, ADDRESS
    )
    wrong = User.objects.log_in(
        {"email": "zoe@example.com", "password": "wrong horse"}, sandbox, ADDRESS
    )
    assert unknown == wrong == (None, {"form": LOGIN_FAILED})


def test_an_unknown_email_still_costs_one_hash(sandbox, zoe):
    with mock.patch.object(
        hashers, "make_password", wraps=hashers.make_password
    ) as make_password:
        User.objects.log_in(
            {"email": "nobody@example.com", "password": "correct horse"},
            sandbox,
            ADDRESS,
        )
    assert make_password.call_count == 1


def test_a_user_of_another_sandbox_cannot_log_in_here(zoe):
    user, errors = User.objects.log_in(
        {"email": "zoe@example.com", "password": "correct horse"},
        Sandbox.objects.create(),
        ADDRESS,
    )
    assert user is None and errors == {"form": LOGIN_FAILED}


def test_login_form_needs_a_valid_email_and_a_password(sandbox):
    assert User.objects.log_in({}, sandbox, ADDRESS) == (
        None,
        {"email": NOT_VALID, "password": "Enter your password."},
    )
    assert LoginAttempt.objects.count() == 0


def test_an_old_hash_is_upgraded_at_login(sandbox, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        *FAST_HASHERS,
    ]
    make_users(sandbox, 1, hashers.make_password("correct horse", hasher="md5"))
    user, _ = User.objects.log_in(
        {"email": "user0@example.com", "password": "correct horse"}, sandbox, ADDRESS
    )
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


# --- The throttle: 5 failures in 5 minutes ------------------------------------


def fail(sandbox, times):
    for _ in range(times):
        User.objects.log_in(
            {"email": "zoe@example.com", "password": "wrong horse"}, sandbox, ADDRESS
        )


def test_the_sixth_attempt_after_five_failures_is_refused_with_when_to_retry(
    sandbox, zoe
):
    fail(sandbox, MAX_FAILED_LOGINS)
    user, errors = User.objects.log_in(
        {"email": "zoe@example.com", "password": "correct horse"}, sandbox, ADDRESS
    )
    assert user is None
    assert errors == {
        "throttled": "Too many failed logins in your sandbox. Try again in 5 minutes."
    }


def test_four_failures_still_allow_a_login(sandbox, zoe):
    fail(sandbox, MAX_FAILED_LOGINS - 1)
    user, _ = User.objects.log_in(
        {"email": "zoe@example.com", "password": "correct horse"}, sandbox, ADDRESS
    )
    assert user == zoe


def test_a_refused_attempt_computes_no_hash(sandbox, zoe):
    fail(sandbox, MAX_FAILED_LOGINS)
    with (
        mock.patch.object(hashers, "make_password") as make_password,
        mock.patch.object(hashers, "check_password") as check_password,
    ):
        User.objects.log_in(
            {"email": "nobody@example.com", "password": "x"}, sandbox, ADDRESS
        )
        User.objects.log_in(
            {"email": "zoe@example.com", "password": "x"}, sandbox, ADDRESS
        )
    make_password.assert_not_called()
    check_password.assert_not_called()


def test_a_successful_login_does_not_count_as_a_failure(sandbox, zoe):
    fail(sandbox, MAX_FAILED_LOGINS - 1)
    User.objects.log_in(
        {"email": "zoe@example.com", "password": "correct horse"}, sandbox, ADDRESS
    )
    logins = LoginAttempt.objects.filter(kind=LoginAttempt.LOGIN)
    assert logins.count() == MAX_FAILED_LOGINS - 1


def sandbox_retry_at(sandbox, now):
    return LoginAttempt.objects.retry_at(
        LoginAttempt.objects.filter(sandbox=sandbox), MAX_FAILED_LOGINS, now=now
    )


def test_failures_older_than_five_minutes_do_not_count(sandbox):
    now = timezone.now()
    for seconds in [0, 60, 120, 180]:
        LoginAttempt.objects.create(
            sandbox=sandbox, attempted_at=now - timedelta(seconds=seconds)
        )
    LoginAttempt.objects.create(sandbox=sandbox, attempted_at=now - FAILED_LOGIN_WINDOW)
    assert sandbox_retry_at(sandbox, now) is None
    LoginAttempt.objects.create(
        sandbox=sandbox, attempted_at=now - FAILED_LOGIN_WINDOW + timedelta(seconds=1)
    )
    assert sandbox_retry_at(sandbox, now) == now + timedelta(seconds=1)


def test_retry_time_is_when_the_oldest_of_the_five_leaves_the_window(sandbox):
    now = timezone.now()
    for minutes in [0, 1, 2, 3, 4, 4.5]:
        LoginAttempt.objects.create(
            sandbox=sandbox, attempted_at=now - timedelta(minutes=minutes)
        )
    # The five most recent are 0..4 minutes old: allowed again in 1 minute.
    assert sandbox_retry_at(sandbox, now) == now + timedelta(minutes=1)


def test_the_throttle_is_per_sandbox(sandbox, zoe):
    fail(sandbox, MAX_FAILED_LOGINS)
    elsewhere = Sandbox.objects.create()
    _, errors = User.objects.log_in(
        {"email": "zoe@example.com", "password": "x"}, elsewhere, ADDRESS
    )
    assert errors == {"form": LOGIN_FAILED}


def test_recording_a_failure_drops_failures_that_no_longer_count(sandbox):
    LoginAttempt.objects.create(
        sandbox=sandbox, attempted_at=timezone.now() - timedelta(hours=1)
    )
    LoginAttempt.objects.record(sandbox, ADDRESS, LoginAttempt.LOGIN)
    assert LoginAttempt.objects.count() == 1


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(1, "1 minute"), (60, "1 minute"), (61, "2 minutes"), (300, "5 minutes")],
)
def test_wait_message_rounds_up_to_whole_minutes(seconds, words):
    assert (
        wait_message(seconds)
        == f"Too many failed logins in your sandbox. Try again in {words}."
    )


# --- Views --------------------------------------------------------------------


def test_the_forms_page_is_a_full_page(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and 'id="login-registration"' in html
    assert f'action="{REGISTER_URL}"' in html and f'action="{LOGIN_URL}"' in html


def test_htmx_request_gets_only_the_fragment(htmx_client, db):
    response = htmx_client.get(URL)
    assert b"<html" not in response.content
    assert b'<div id="login-registration" class="sandbox' in response.content


@pytest.mark.parametrize("as_fragment", [False, True])
def test_registration_errors_keep_the_values_but_never_the_passwords(
    client, db, as_fragment
):
    headers = {"HX-Request": "true"} if as_fragment else {}
    response = client.post(
        REGISTER_URL,
        form(first_name="A", password="secret-pass", confirm_password="secret-pass"),
        headers=headers,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "First name must be at least 2 characters." in html
    assert (
        'value="A"' in html
        and 'value="O&#x27;Brien"' in html
        and 'value="zoe@example.com"' in html
    )
    assert "secret-pass" not in html
    assert (b"<html" in response.content) is not as_fragment
    assert User.objects.count() == 0


def test_registering_rotates_the_session_key_and_welcomes_by_first_name(
    client, db, fast_hashing
):
    client.get(URL)
    key_before = client.session.session_key
    response = client.post(REGISTER_URL, form())
    assert response.status_code == 302 and response["Location"] == SUCCESS_URL
    assert client.session.session_key != key_before
    user = User.objects.get()
    assert client.session["login_registration"] == {
        "user_id": user.pk,
        "action": "registered",
    }
    html = client.get(SUCCESS_URL).content.decode()
    assert "Welcome, Zoë!" in html
    assert "You just registered" in html


@pytest.fixture
def registered(client, db, fast_hashing):
    """A visitor who registered Zoë and then logged out."""
    client.post(REGISTER_URL, form())
    client.post(LOGOUT_URL)
    return client


@pytest.mark.parametrize("email", ["zoe@example.com", "nobody@example.com"])
def test_a_failed_login_says_one_thing_and_keeps_the_email(registered, email):
    response = registered.post(LOGIN_URL, {"email": email, "password": "wrong horse"})
    assert response.status_code == 200
    html = response.content.decode()
    assert LOGIN_FAILED in html
    assert f'value="{email}"' in html
    assert "wrong horse" not in html
    assert "login_registration" not in registered.session


def test_logging_in_rotates_the_key_and_says_so(registered):
    key_before = registered.session.session_key
    response = registered.post(
        LOGIN_URL,
        {"email": "zoe@example.com", "password": "correct horse"},
        follow=True,
    )
    assert response.redirect_chain == [(SUCCESS_URL, 302)]
    assert registered.session.session_key != key_before
    html = response.content.decode()
    assert "Welcome, Zoë!" in html and "You just logged in." in html


def test_a_throttled_login_is_a_429_with_the_wait(registered):
    for _ in range(MAX_FAILED_LOGINS):
        registered.post(
            LOGIN_URL, {"email": "zoe@example.com", "password": "wrong horse"}
        )
    response = registered.post(
        LOGIN_URL,
        {"email": "zoe@example.com", "password": "correct horse"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 429
    assert "Try again in 5 minutes." in response.content.decode()
    assert "login_registration" not in registered.session


def test_the_welcome_page_sends_a_visitor_who_is_not_logged_in_to_the_forms(client, db):
    response = client.get(SUCCESS_URL)
    assert response.status_code == 302 and response["Location"] == URL


@pytest.mark.parametrize(
    "state", ["junk", {"user_id": "1"}, {"user_id": None}, {}, {"user_id": 10**30}]
)
def test_a_damaged_login_state_counts_as_logged_out(client, db, state):
    client.get(URL)
    session = client.session
    session["login_registration"] = state
    session.save()
    assert client.get(SUCCESS_URL).status_code == 302


def test_the_welcome_page_redirects_when_the_user_is_gone(registered):
    registered.post(
        LOGIN_URL, {"email": "zoe@example.com", "password": "correct horse"}
    )
    User.objects.all().delete()
    assert registered.get(SUCCESS_URL)["Location"] == URL


def test_a_user_id_from_another_sandbox_is_not_logged_in(client, db, fast_hashing):
    other = Client()
    other.post(REGISTER_URL, form())
    client.get(URL)
    session = client.session
    session["login_registration"] = {
        "user_id": User.objects.get().pk,
        "action": "logged in",
    }
    session.save()
    assert client.get(SUCCESS_URL)["Location"] == URL


def test_logout_is_a_post_that_clears_only_this_apps_login(registered):
    registered.post(
        LOGIN_URL, {"email": "zoe@example.com", "password": "correct horse"}
    )
    registered.get("/sandbox/session-counter/")
    sandbox_token = registered.session["sandbox"]
    assert registered.get(LOGOUT_URL).status_code == 405
    assert "login_registration" in registered.session
    response = registered.post(LOGOUT_URL, follow=True)
    assert "You are logged out." in response.content.decode()
    assert "login_registration" not in registered.session
    assert registered.session["session_counter"]["visits"] == 1
    assert registered.session["sandbox"] == sandbox_token
    assert registered.get(SUCCESS_URL).status_code == 302


def test_the_forms_page_says_who_is_logged_in(registered):
    registered.post(
        LOGIN_URL, {"email": "zoe@example.com", "password": "correct horse"}
    )
    assert "You are logged in as Zoë." in registered.get(URL).content.decode()


def test_reset_deletes_this_sandboxs_users_and_failures_and_logs_out(registered):
    registered.post(LOGIN_URL, {"email": "zoe@example.com", "password": "wrong horse"})
    registered.post(
        LOGIN_URL, {"email": "zoe@example.com", "password": "correct horse"}
    )
    make_users(Sandbox.objects.create(), 2)
    response = registered.post(URL + "reset/", follow=True)
    assert "Every user in your sandbox was deleted." in response.content.decode()
    assert User.objects.count() == 2
    assert LoginAttempt.objects.count() == 0
    assert "login_registration" not in registered.session


def test_the_21st_registration_gets_a_clear_message(client, db):
    client.get(URL)
    make_users(sandbox_of(client), MAX_USERS)
    response = client.post(REGISTER_URL, form())
    assert response.status_code == 200
    assert "Your sandbox already has 20 users" in response.content.decode()
    assert User.objects.count() == MAX_USERS


def test_the_welcome_page_shows_the_hash_not_the_password(registered):
    registered.post(
        LOGIN_URL, {"email": "zoe@example.com", "password": "correct horse"}
    )
    html = registered.get(SUCCESS_URL).content.decode()
    assert "correct horse" not in html
    assert "md5$" in html


# --- Keys and tokens change at login and logout ------------------------------


def csrf_cookie(client):
    return client.cookies["csrftoken"].value


def test_logging_in_and_out_rotate_the_csrf_token(registered):
    registered.get(URL)
    before_login = csrf_cookie(registered)
    registered.post(
        LOGIN_URL, {"email": "zoe@example.com", "password": "correct horse"}
    )
    after_login = csrf_cookie(registered)
    assert after_login != before_login
    registered.post(LOGOUT_URL)
    assert csrf_cookie(registered) not in {before_login, after_login}


def test_a_form_from_before_the_login_no_longer_posts(db, fast_hashing):
    """A tab left open before logging in cannot post with its old token."""
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(URL).content.decode()
    old_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    response = visitor.post(REGISTER_URL, {**form(), "csrfmiddlewaretoken": old_token})
    assert response.status_code == 302
    response = visitor.post(LOGOUT_URL, {"csrfmiddlewaretoken": old_token})
    assert response.status_code == 403
    assert "login_registration" in visitor.session


def test_logging_out_gives_a_new_session_key_and_keeps_the_sandbox(registered):
    registered.post(
        LOGIN_URL, {"email": "zoe@example.com", "password": "correct horse"}
    )
    key_before = registered.session.session_key
    sandbox_before = registered.session["sandbox"]
    registered.post(LOGOUT_URL)
    assert registered.session.session_key != key_before
    assert registered.session["sandbox"] == sandbox_before


# --- Throttling by client address ---------------------------------------------


def fresh_visitor_fails(address="198.51.100.9"):
    """A script's try: a new cookie (so a new sandbox) every time, one address."""
    return Client(REMOTE_ADDR=address).post(
        LOGIN_URL, {"email": "zoe@example.com", "password": "wrong horse"}
    )


def test_a_new_cookie_per_try_does_not_escape_the_address_limit(db, settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.COURSEWARE_LOGIN_FAILURES_PER_ADDRESS = 7
    statuses = [fresh_visitor_fails().status_code for _ in range(10)]
    assert statuses == [200] * 7 + [429] * 3
    refused = fresh_visitor_fails().content.decode()
    assert (
        "Too many failed logins from your network. Try again in 5 minutes." in refused
    )
    # Another address is not held up.
    assert fresh_visitor_fails("198.51.100.10").status_code == 200


def test_the_address_limit_refuses_before_any_hashing(db, settings):
    settings.COURSEWARE_LOGIN_FAILURES_PER_ADDRESS = 3
    settings.PASSWORD_HASHERS = FAST_HASHERS
    for _ in range(3):
        fresh_visitor_fails()
    with (
        mock.patch.object(hashers, "make_password") as make_password,
        mock.patch.object(hashers, "check_password") as check_password,
    ):
        assert fresh_visitor_fails().status_code == 429
    make_password.assert_not_called()
    check_password.assert_not_called()


def test_registrations_from_one_address_are_limited_before_hashing(db, settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.COURSEWARE_REGISTRATIONS_PER_ADDRESS = 2
    statuses = [
        Client(REMOTE_ADDR="198.51.100.9").post(REGISTER_URL, form()).status_code
        for _ in range(2)
    ]
    assert statuses == [302, 302]
    with mock.patch.object(hashers, "make_password") as make_password:
        response = Client(REMOTE_ADDR="198.51.100.9").post(REGISTER_URL, form())
    make_password.assert_not_called()
    assert response.status_code == 429
    assert "Too many registrations from your network." in response.content.decode()
    assert User.objects.count() == 2


# --- International email addresses ---------------------------------------------


def test_an_international_domain_is_one_user_in_either_spelling(sandbox, fast_hashing):
    user, errors = User.objects.register(
        form(email="zoe@exämple.com"), sandbox, ADDRESS
    )
    assert errors == {}
    assert user.email == "zoe@exämple.com"
    assert User.objects.validate(form(email="zoe@xn--exmple-cua.com"), sandbox) == {
        "email": EMAIL_TAKEN
    }
    same, errors = User.objects.log_in(
        {"email": "zoe@xn--exmple-cua.com", "password": "correct horse"},
        sandbox,
        ADDRESS,
    )
    assert errors == {} and same == user


# --- Sandbox users are not Django users ---------------------------------------


def test_a_sandbox_login_is_not_a_django_login_and_never_reaches_the_admin(registered):
    registered.post(
        LOGIN_URL, {"email": "zoe@example.com", "password": "correct horse"}
    )
    assert "_auth_user_id" not in registered.session
    response = registered.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(
        "/admin/login/"
    )
    response = registered.post(
        "/admin/login/?next=/admin/",
        {"username": "zoe@example.com", "password": "correct horse"},
    )
    assert response.status_code == 200  # the login form again, with its error
    assert "_auth_user_id" not in registered.session
    assert registered.get("/admin/lessons/lesson/").status_code == 302


# --- Tenancy ------------------------------------------------------------------


def test_two_visitors_have_separate_users(client, db, fast_hashing):
    other = Client()
    client.post(REGISTER_URL, form())
    # The same email is free in another sandbox, and the first visitor's
    # password does not open it.
    response = other.post(
        LOGIN_URL, {"email": "zoe@example.com", "password": "correct horse"}
    )
    assert LOGIN_FAILED in response.content.decode()
    assert other.post(REGISTER_URL, form(first_name="Other")).status_code == 302
    assert "Welcome, Other!" in other.get(SUCCESS_URL).content.decode()
    assert "Welcome, Zoë!" in client.get(SUCCESS_URL).content.decode()


def test_one_visitors_failures_never_throttle_another(client, db, fast_hashing):
    other = Client()
    other.post(REGISTER_URL, form())
    other.post(LOGOUT_URL)
    for _ in range(MAX_FAILED_LOGINS + 1):
        client.post(LOGIN_URL, {"email": "zoe@example.com", "password": "wrong horse"})
    assert (
        other.post(
            LOGIN_URL, {"email": "zoe@example.com", "password": "correct horse"}
        ).status_code
        == 302
    )


def test_purge_deletes_an_idle_sandboxs_users_and_attempts_and_keeps_an_active_one(db):
    idle = Sandbox.objects.create(last_seen_at=timezone.now() - timedelta(days=8))
    active = Sandbox.objects.create()
    for sandbox in (idle, active):
        make_users(sandbox, 2)
        LoginAttempt.objects.create(sandbox=sandbox)
    call_command("purge_sandboxes")
    assert set(User.objects.values_list("sandbox", flat=True)) == {active.pk}
    assert User.objects.count() == 2
    assert list(LoginAttempt.objects.values_list("sandbox", flat=True)) == [active.pk]


# --- Races: real parallel requests against a live server ---------------------


def in_threads(count, action):
    """Run ``action(i)`` in parallel threads, each with its own database connection."""

    def run(index):
        try:
            return action(index)
        finally:
            connection.close()

    return in_parallel(count, run)


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_of_one_email_make_one_user(fast_hashing):
    sandbox = Sandbox.objects.create()
    results = in_threads(6, lambda i: User.objects.register(form(), sandbox, ADDRESS))
    assert (
        sorted(errors.get("email", "") for _, errors in results)
        == [""] + [EMAIL_TAKEN] * 5
    )
    assert User.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_cannot_pass_the_cap(fast_hashing):
    sandbox = Sandbox.objects.create()
    make_users(sandbox, MAX_USERS - 2)
    results = in_threads(
        6,
        lambda i: User.objects.register(
            form(email=f"racer{i}@example.com"), sandbox, ADDRESS
        ),
    )
    assert (
        sorted(errors.get("form", "") for _, errors in results)
        == ["", ""] + [SANDBOX_FULL] * 4
    )
    assert User.objects.count() == MAX_USERS


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_over_http_never_fail_or_duplicate(
    live_server, settings
):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    # Every one of them may wait for its turn (the session lock's default
    # refuses all but two at once): this is about the rows and the throttle.
    settings.COURSEWARE_SESSION_LOCK_WAITERS = 10
    settings.COURSEWARE_SESSION_LOCK_WAIT = 60
    visitor = Browser(live_server.url)
    visitor.get(URL)
    results = in_parallel(6, lambda i: visitor.post(REGISTER_URL, form()))
    # A request still carrying the session key that the first registration
    # rotated away arrives as a new visitor (a new sandbox), as with any
    # Django login; within each sandbox the email stays unique.
    assert {status for status, _ in results} <= {200, 302}
    per_sandbox = User.objects.values("sandbox").annotate(n=Count("pk"))
    assert all(row["n"] == 1 for row in per_sandbox)
    assert User.objects.count() == [status for status, _ in results].count(302)


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_get_at_most_five_tries(live_server, settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    # Every one of them may wait for its turn (the session lock's default
    # refuses all but two at once): this is about the rows and the throttle.
    settings.COURSEWARE_SESSION_LOCK_WAITERS = 10
    settings.COURSEWARE_SESSION_LOCK_WAIT = 60
    visitor = Browser(live_server.url)
    visitor.get(URL)
    visitor.post(REGISTER_URL, form())
    # Logging in and out rotate the CSRF token: each form is read anew.
    visitor.get(URL)
    visitor.post(LOGOUT_URL, {})
    visitor.get(URL)
    results = in_parallel(
        10,
        lambda i: visitor.post(
            LOGIN_URL, {"email": "zoe@example.com", "password": f"guess {i}"}
        ),
    )
    assert sorted(status for status, _ in results) == [200] * 5 + [429] * 5


# --- What lessons show ----------------------------------------------------------


def test_every_source_file_the_demo_lists_can_be_shown_in_a_lesson():
    from lessons.rendering import resolve_source
    from sandbox_apps.registry import get_demo

    demo = get_demo("login-registration")
    assert demo.url == URL
    assert demo.session_key == "login_registration"
    for path in demo.source_files:
        assert resolve_source(path).code
    for spec in [
        "login_registration/models.py:UserManager.validate",
        "login_registration/models.py:UserManager.log_in",
        "login_registration/views.py:login",
    ]:
        assert resolve_source(spec).code
