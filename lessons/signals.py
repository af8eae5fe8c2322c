"""Saving or deleting a lesson makes every cached reader page stale."""

from django.db.models.signals import post_delete, post_save

from .models import Lesson
from .stamp import forget_course_stamp


def connect():
    post_save.connect(
        forget_course_stamp, sender=Lesson, dispatch_uid="lessons-stamp-save"
    )
    post_delete.connect(
        forget_course_stamp, sender=Lesson, dispatch_uid="lessons-stamp-delete"
    )
