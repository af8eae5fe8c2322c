"""WSGI entry point, used by gunicorn: ``gunicorn courseware.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courseware.settings")

application = get_wsgi_application()
