"""Answers are gzipped for clients that take it, except what is compressed already."""

import gzip

from django.http import FileResponse, HttpResponse
from django.test import RequestFactory

from courseware.compression import CompressionMiddleware

BODY = b"<p>The same paragraph again and again.</p>" * 50


def answer_with(response):
    request = RequestFactory().get("/", headers={"accept-encoding": "gzip, br"})
    return CompressionMiddleware(lambda request: response)(request)


def test_pages_are_gzipped():
    response = answer_with(HttpResponse(BODY))
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == BODY


def test_images_and_zips_are_sent_as_they_are(tmp_path):
    image = tmp_path / "picture.png"
    image.write_bytes(BODY)
    response = answer_with(FileResponse(image.open("rb"), content_type="image/png"))
    assert "Content-Encoding" not in response
    assert b"".join(response.streaming_content) == BODY
    starter = answer_with(HttpResponse(BODY, content_type="application/zip"))
    assert "Content-Encoding" not in starter and starter.content == BODY
