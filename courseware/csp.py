"""django-csp's middleware, minus redirects, which show no document."""

from csp.middleware import CSPMiddleware as DjangoCSPMiddleware

# A browser follows these to their Location without showing their body.
REDIRECTS = frozenset({301, 302, 303, 307, 308})


class CSPMiddleware(DjangoCSPMiddleware):
    """Sends the Content-Security-Policy with every answer a browser shows.

    A policy governs the document it arrives with. A redirect that names
    where to go brings no document: the browser asks for the Location,
    whose answer carries its own policy. Building the header string for it
    cost every demo click (a POST answered with a redirect) as much as
    checking its CSRF token.
    """

    def process_response(self, request, response):
        if response.status_code in REDIRECTS and response.has_header("Location"):
            return response
        return super().process_response(request, response)
