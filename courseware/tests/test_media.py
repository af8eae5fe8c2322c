"""Lesson images on an S3-compatible store (moto's server stands in), served
by the site at the same address as from the local folder."""

import io
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from cluster import free_port, port_open, wait_for  # noqa: E402

pytestmark = pytest.mark.django_db

UPLOAD = "/admin-tools/markdownx/upload/"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture
def s3(monkeypatch):
    """moto's standalone S3 server on a loopback port, with one bucket."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1"]
        + ["-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **CREDENTIALS},
    )
    try:
        wait_for(lambda: port_open(port), "moto_server")
        endpoint = f"http://127.0.0.1:{port}"
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
        client.create_bucket(Bucket="course-media")
        yield server, endpoint, client
    finally:
        server.kill()
        server.wait()


@pytest.fixture
def bucket_storage(s3, settings, tmp_path):
    server, endpoint, client = s3
    settings.MEDIA_ROOT = tmp_path / "local-media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "courseware.media_s3.MediaStorage",
            "OPTIONS": {
                "bucket_name": "course-media",
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "default_acl": None,
                "querystring_auth": False,
                "file_overwrite": False,
            },
        },
    }
    return server, client


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", password="pw-tests")
    client.force_login(user)
    return client


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, "PNG")
    return buffer.getvalue()


def upload(staff, content):
    response = staff.post(
        UPLOAD, {"image": SimpleUploadedFile("x.png", content, "image/png")}
    )
    assert response.status_code == 200, response.content
    return response.json()["image_code"][4:-1]


def test_an_upload_lands_in_the_bucket_and_every_server_serves_it(
    staff, bucket_storage, settings
):
    server, bucket = bucket_storage
    content = png()
    url = upload(staff, content)
    assert url.startswith("/media/lesson-images/") and url.endswith(".png")
    key = url.removeprefix("/media/")
    assert bucket.get_object(Bucket="course-media", Key=key)["Body"].read() == content
    # Nothing on this server's disk: another server finds it in the bucket.
    assert not settings.MEDIA_ROOT.exists()
    another_server = Client()
    response = another_server.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "image/png"
    assert "immutable" in response["Cache-Control"]


def test_a_missing_image_is_404_and_a_store_outage_is_503(staff, bucket_storage):
    server, bucket = bucket_storage
    missing = "/media/lesson-images/" + "0" * 32 + ".png"
    assert staff.get(missing).status_code == 404
    url = upload(staff, png())
    server.kill()
    server.wait()
    assert staff.get(url).status_code == 503


def test_the_local_folder_stays_the_default(staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = png()
    url = upload(staff, content)
    assert (tmp_path / url.removeprefix("/media/")).read_bytes() == content
    response = staff.get(url)
    assert b"".join(response.streaming_content) == content
    assert staff.get("/media/lesson-images/../../settings.py").status_code == 404
