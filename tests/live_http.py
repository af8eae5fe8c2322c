"""A tiny HTTP client for tests that need real parallel requests to a live server.

Django's test client runs the view in the calling thread; to race two
requests against each other they must arrive over real sockets, each
handled by its own server thread with its own database connection.
"""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One visitor: a cookie jar shared by every request it makes."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirects
        )
        self.token = ""

    def get(self, path):
        status, body = self._open(path, None)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if found:
            self.token = found.group(1)
        return status, body

    def post(self, path, data):
        encoded = urllib.parse.urlencode(
            {**data, "csrfmiddlewaretoken": self.token}
        ).encode()
        return self._open(path, encoded)

    def _open(self, path, data):
        try:
            with self.opener.open(self.base_url + path, data, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def in_parallel(count, action):
    """Run ``action(i)`` in ``count`` threads released at the same instant; return the results."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        barrier.wait()
        results[index] = action(index)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
