"""Django's GZipMiddleware, minus answers that are compressed already."""

from django.middleware.gzip import GZipMiddleware

# Lesson images (PNG, JPEG, WebP) and the starter zips gain nothing from
# gzip, and a streamed file would be compressed without the size check
# Django applies to ordinary answers.
ALREADY_COMPRESSED = ("image/", "application/zip")


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith(ALREADY_COMPRESSED):
            return response
        return super().process_response(request, response)
