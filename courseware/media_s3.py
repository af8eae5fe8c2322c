"""The media storage for an S3-compatible bucket (see courseware/media.py).

A module of its own so that boto3, a large import, is loaded only by sites
that keep media in a bucket.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class MediaStorage(S3Storage):
    """An S3 bucket whose files the site serves at its own /media/ URLs."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))
