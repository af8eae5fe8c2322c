"""The reset after a test that commits (conftest.py's django_db_setup).

Django's flush empties every table and then has post_migrate's handlers
make the content types and permissions again; the test settings put back
copies of the rows migrate made instead. These tests hold the copies to
what Django's own handlers would make.
"""

from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal


def everything(model):
    return sorted(model.objects.values_list(), key=lambda row: row[0])


def test_a_flush_leaves_the_rows_migrate_made_and_nothing_else(transactional_db):
    content_types, permissions = everything(ContentType), everything(Permission)
    User.objects.create_user("someone")

    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)

    assert not User.objects.exists()
    assert everything(ContentType) == content_types
    assert everything(Permission) == permissions


def test_django_s_own_handlers_find_nothing_missing_after_a_flush(transactional_db):
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)
    content_types, permissions = ContentType.objects.count(), Permission.objects.count()

    # What flush would have run: each handler adds what is missing.
    emit_post_migrate_signal(0, False, "default")

    assert content_types > 0 and permissions > 0
    assert ContentType.objects.count() == content_types
    assert Permission.objects.count() == permissions
