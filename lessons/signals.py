"""Saving or deleting a lesson makes every cached reader page stale, and
saving one re-indexes its sections for search."""

from django.db.models.signals import post_delete, post_save

from .models import Lesson
from .search import index_lesson
from .stamp import forget_course_stamp


def reindex(sender, instance, raw=False, **kwargs):
    # Fixtures loaded raw carry their own rows; everything else is indexed here.
    if not raw:
        index_lesson(instance)


def connect():
    post_save.connect(
        forget_course_stamp, sender=Lesson, dispatch_uid="lessons-stamp-save"
    )
    post_save.connect(reindex, sender=Lesson, dispatch_uid="lessons-search-index")
    post_delete.connect(
        forget_course_stamp, sender=Lesson, dispatch_uid="lessons-stamp-delete"
    )
