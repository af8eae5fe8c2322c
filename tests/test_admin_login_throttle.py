"""The admin's login is throttled (django-axes, settings AXES_*)."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def admin_user(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return User.objects.create_superuser("root", "root@example.com", "right password")


def try_password(password, address="203.0.113.5"):
    return Client(REMOTE_ADDR=address).post(
        LOGIN, {"username": "root", "password": password}
    )


def test_five_wrong_passwords_lock_the_account_for_that_address(admin_user, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    statuses = [try_password("guess").status_code for _ in range(5)]
    # Each wrong try shows the form again; the fifth one locks.
    assert statuses[:4] == [200] * 4
    assert statuses[4] == 429
    refused = try_password("right password")
    assert refused.status_code == 429
    assert "Too many failed logins" in refused.content.decode()


def test_the_lock_does_not_stop_the_same_account_from_another_address(admin_user):
    for _ in range(5):
        try_password("guess")
    response = try_password("right password", address="198.51.100.20")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_a_successful_login_resets_the_count(admin_user):
    for _ in range(4):
        try_password("guess")
    assert try_password("right password").status_code == 302
    for _ in range(4):
        assert try_password("guess").status_code == 200
