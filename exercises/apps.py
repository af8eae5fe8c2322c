from django.apps import AppConfig
from django.core import checks


class ExercisesConfig(AppConfig):
    name = "exercises"
    verbose_name = "Exercises"

    def ready(self):
        checks.register(check_exercise_folders, "courseware")


def check_exercise_folders(app_configs=None, **kwargs):
    """A broken exercise folder stops `manage.py check`, `sync_content` and runserver.

    Every management command runs the system checks first, so an author
    learns about the folder before any lesson that embeds it is published.
    """
    from .registry import ExerciseError, all_exercises

    try:
        all_exercises()
    except ExerciseError as error:
        return [checks.Error(str(error), id="exercises.E001")]
    return []
