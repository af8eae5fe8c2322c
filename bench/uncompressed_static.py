"""The site's settings, with static files collected but not compressed.

For drills whose visitors never ask for a static file (bench/scaleout.py
--short): pages still need the manifest of fingerprinted names, but Brotli's
best quality on every file, twice (plain and fingerprinted names), is most
of collectstatic's time, 7 of 8 s of CPU. Used as DJANGO_SETTINGS_MODULE
with bench/ on PYTHONPATH, for collectstatic only; the servers keep the
site's own settings and read the same manifest.
"""

from courseware.settings import *  # noqa: F403
from courseware.storage import StaticFilesStorage


class UncompressedStaticFilesStorage(StaticFilesStorage):
    def compress_files(self, paths):
        return iter(())


STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": f"{__name__}.UncompressedStaticFilesStorage"},
}
