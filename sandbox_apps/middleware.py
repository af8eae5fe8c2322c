"""Response headers every sandbox response needs, in one place.

Sandbox views answer two shapes from one URL: a full page, or (for htmx
requests from a lesson placeholder) just the fragment. Caches must key on
that, nothing per visitor may be cached, and a fragment must not change the
address bar of the lesson it is embedded in.
"""

from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django_htmx.http import push_url

SANDBOX_PREFIX = "/sandbox/"


class SandboxMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith(SANDBOX_PREFIX):
            return response
        patch_vary_headers(response, ["HX-Request"])
        add_never_cache_headers(response)
        if request.htmx:
            # Boosted links and forms inside a placeholder would otherwise
            # push the demo's URL into the lesson's address bar.
            push_url(response, False)
        return response
