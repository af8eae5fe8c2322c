from django.apps import AppConfig


class ExercisesBrowserConfig(AppConfig):
    name = "exercises_browser"
    verbose_name = "Exercises in the browser"
