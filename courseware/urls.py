from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from courseware.media import lesson_image
from courseware.views import bench_lessons, health, hello_world
from lessons import editor

urlpatterns = [
    # First: a demo click is the most frequent request that Django resolves
    # (lesson pages are mostly answered from the page cache before this),
    # and none of the lessons' patterns can match under sandbox/.
    path("sandbox/", include("sandbox_apps.urls")),
    path("", include("lessons.urls")),
    path("exercises/", include("exercises.urls")),
    path("exercise-runtime/", include("exercises_browser.urls")),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    # The admin editor's endpoints, staff-only (see lessons/editor.py).
    path(
        "admin-tools/markdownx/markdownify/",
        editor.markdownify,
        name="markdownx_markdownify",
    ),
    path("admin-tools/markdownx/upload/", editor.upload, name="markdownx_upload"),
    # Lesson images: uploads are verified raster images with random names,
    # served from the media storage, local or S3 (courseware/media.py).
    re_path(
        r"^media/(?P<path>lesson-images/[0-9a-f]{32}\.(?:png|jpg|webp))$",
        lesson_image,
        name="lesson_image",
    ),
]

if settings.COURSEWARE_BENCH:
    # The baseline the benchmark compares lesson pages with (bench/run.py).
    urlpatterns += [
        path("bench/hello/", hello_world),
        path("bench/lessons/", bench_lessons),
    ]

handler400 = "courseware.views.bad_request"
handler500 = "courseware.views.server_error"
