"""Reader pages served from memory, without Django's per-request work.

The course home and every lesson page are the same bytes for every visitor
(no per-visitor token, nonce or name in them), and they change only when a
lesson does. So the first answer for a page is kept whole, with every
header the other middleware added (CSP, HSTS, ...), filed under the course
stamp (lessons/stamp.py); the next request for it is answered from memory
before any other middleware runs: no session, no CSRF, no URL resolving,
no template. An edit changes the stamp, and the next request renders anew.

Only views that opt in with ``@course_page`` are kept, and only plain
answers: 200, no cookie set, varying on nothing but Accept-Encoding, asked
for without a query string (so nobody can fill the memory with
``?1``, ``?2``, ...). Each worker keeps at most
``COURSEWARE_PAGE_CACHE_MB`` of pages, least recently used out first.

Browsers and proxies must revalidate every time (``no-cache`` with an
ETag), so an editor sees a saved change at once and a repeat visit costs a
304. ``X-Accel-Expires`` lets the shipped nginx config keep a page for one
second (a micro-cache); nginx does not pass that header on.
"""

import functools
import hashlib
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control

from lessons.stamp import course_stamp

# How long the shipped nginx config may serve a page without asking, in seconds.
PROXY_SECONDS = 1
# Headers a 304 repeats (RFC 9110, 15.4.5), so a cache can refresh its copy.
NOT_MODIFIED_HEADERS = (
    "Cache-Control",
    "Content-Location",
    "Date",
    "ETag",
    "Expires",
    "Vary",
)


def course_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view's answers as the same for everyone until a lesson changes."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Read before the page is made: a lesson saved meanwhile then files
        # this page under the old stamp, where nobody will look for it.
        stamp = course_stamp()
        response = view(request, *args, **kwargs)
        # nginx before 1.23 reads these in order, and a "no-cache" seen
        # first stops X-Accel-Expires from counting: it goes first.
        response.headers.pop("Cache-Control", None)
        response["X-Accel-Expires"] = str(PROXY_SECONDS)
        patch_cache_control(response, public=True, no_cache=True)
        response.course_stamp = stamp
        return response

    return wrapper


@dataclass(frozen=True)
class Page:
    stamp: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str
    # Kept zlib-compressed (a lesson shrinks about four times), so 500
    # lessons fit in each worker; unpacking one costs well under a millisecond.
    packed: bool = False

    @property
    def content(self) -> bytes:
        return zlib.decompress(self.body) if self.packed else self.body

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 200


class PageStore:
    """A least-recently-used map of pages, bounded by their total size."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.pages: OrderedDict[tuple, Page] = OrderedDict()
        self.size = 0
        # gunicorn's sync workers run one request at a time, but threaded
        # servers (runserver, gthread) share this store between threads.
        self.lock = Lock()

    def get(self, key: tuple) -> Page | None:
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: Page) -> None:
        if page.size > self.max_bytes:
            return
        with self.lock:
            old = self.pages.pop(key, None)
            if old is not None:
                self.size -= old.size
            self.pages[key] = page
            self.size += page.size
            while self.size > self.max_bytes:
                _, evicted = self.pages.popitem(last=False)
                self.size -= evicted.size


class PageCacheMiddleware:
    """First in MIDDLEWARE: answers kept reader pages before anything else runs."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.store = PageStore(settings.COURSEWARE_PAGE_CACHE_MB * 1024 * 1024)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = self.key(request)
        if key is None:
            return self.get_response(request)
        page = self.store.get(key)
        if page is not None and page.stamp == course_stamp():
            return self.replay(request, page)
        response = self.get_response(request)
        if request.method == "GET" and self.keepable(response):
            self.store.put(key, self.page(response, response.course_stamp))
        return response

    def key(self, request: HttpRequest) -> tuple | None:
        if request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
            return None
        gzip = "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")
        # The raw Host header: a page is only ever stored after a request
        # with this exact header passed ALLOWED_HOSTS.
        return (
            request.META.get("HTTP_HOST", ""),
            request.is_secure(),
            request.path,
            gzip,
        )

    def keepable(self, response: HttpResponse) -> bool:
        if getattr(response, "course_stamp", None) is None:
            return False
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        vary = {
            field.strip().lower()
            for field in response.get("Vary", "").split(",")
            if field.strip()
        }
        return vary <= {"accept-encoding"}

    def page(self, response: HttpResponse, stamp: str) -> Page:
        body = response.content
        etag = response.get("ETag") or f'"{hashlib.md5(body).hexdigest()}"'
        headers = [(name, value) for name, value in response.items()]
        if not response.has_header("ETag"):
            headers.append(("ETag", etag))
        # An answer already gzipped for the client is kept as it is.
        packed = not response.has_header("Content-Encoding")
        return Page(
            stamp=stamp,
            headers=tuple(headers),
            body=zlib.compress(body, 6) if packed else body,
            etag=etag,
            packed=packed,
        )

    def replay(self, request: HttpRequest, page: Page) -> HttpResponse:
        if etag_matches(request.META.get("HTTP_IF_NONE_MATCH", ""), page.etag):
            response = HttpResponseNotModified()
            for name, value in page.headers:
                if name in NOT_MODIFIED_HEADERS:
                    response[name] = value
            return response
        response = HttpResponse(page.content if request.method == "GET" else b"")
        for name, value in page.headers:
            response[name] = value
        return response


def etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    # Weak and strong forms name the same page here: the bytes never differ.
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag.removeprefix("W/") in tags
