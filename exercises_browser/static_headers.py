"""Cache headers for the exercises' runtime files, which WhiteNoise serves."""

import re

# static/exercises/build/pyodide-<version>/..., django-<version>.tar and
# snapshot-<content hash>.gz: a new version is a new name, so a name's bytes
# never change.
VERSIONED = re.compile(
    r"/exercises/build/(pyodide-[\d.]+/|django-[\d.]+\.tar$|snapshot-[0-9a-f]{12}\.gz$)"
)


def add_headers(headers, path: str, url: str) -> None:
    if VERSIONED.search(url):
        headers["Cache-Control"] = "public, max-age=31536000, immutable"
