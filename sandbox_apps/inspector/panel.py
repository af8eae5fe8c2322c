"""The panel: a chain of hops as the reader sees it beside a demo.

``render_oob`` makes what an embedded demo's answer carries for the panel
(swapped in out of band by htmx); ``render_panel`` makes the whole panel a
demo's own page shows under the app. Each step that names code gets a link
to ``sandbox_apps.sources`` through the inspector's source view.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.template import engines
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from sandbox_apps import sources

from .recording import Hop, Template


@dataclass(frozen=True)
class ShownHop:
    """A hop plus the links to the code its steps name."""

    hop: Hop
    urls_link: str
    view_link: str
    templates: list[tuple[Template, str]]  # each template with its link
    error_html: SafeString | str


def summary(chain: list[Hop]) -> str:
    """The chain in one sentence, for the status line and screen readers."""
    parts = [
        f"{hop.method} {hop.path} answered {hop.status} {hop.reason}" for hop in chain
    ]
    return ", then ".join(parts) + "."


def show(hop: Hop) -> ShownHop:
    error_html = ""
    error = hop.error
    if error is not None and error.file:
        # Shown at once: the failing line is what the reader needs next.
        function = error.function
        spec = (
            f"{error.file}:{function}"
            if function and "<" not in function
            else error.file
        )
        # Pygments output with every value escaped, from a file under sandbox_apps/.
        error_html = mark_safe(
            sources.excerpt_html(spec, (error.line,))
            or sources.excerpt_html(error.file, (error.line,))
        )
    return ShownHop(
        hop=hop,
        urls_link=source_link(hop.urls.spec, hop.urls.line) if hop.urls else "",
        view_link=source_link(hop.view_spec),
        templates=[
            (template, source_link(template.spec)) for template in hop.templates
        ],
        error_html=error_html,
    )


def source_link(spec: str, line: int | None = None) -> str:
    if not spec:
        return ""
    urlconf = get_urlconf(settings.ROOT_URLCONF)
    return _source_link(spec, line, urlconf, get_script_prefix())


# A panel links the same few files on every click: each link is made once
# per URL configuration instead of reversing the URL for every step shown.
@functools.lru_cache(maxsize=512)
def _source_link(spec: str, line: int | None, urlconf, prefix: str) -> str:
    query = {"spec": spec, "line": line} if line else {"spec": spec}
    return f"{reverse('inspector_source', urlconf=urlconf)}?{urlencode(query)}"


def context(prefix: str, chain: list[Hop], title: str) -> dict:
    said = summary(chain)
    return {
        "prefix": prefix,
        "title": title,
        "chains": [
            {
                "hops": [show(hop) for hop in chain],
                "summary": said,
                "at": timezone.localtime(),
            }
        ],
        "summary": said,
    }


def render_oob(prefix: str, chain: list[Hop], title: str) -> str:
    return _template("inspector/oob.html").render(context(prefix, chain, title))


def render_panel(prefix: str, chain: list[Hop], title: str) -> str:
    values = context(prefix, chain, title)
    # The panel's frame is also in every lesson, empty, so it stays in
    # Django's templates (_placeholder.html includes it); its chains are
    # the inspector's own (settings.TEMPLATES, "inspector").
    values["chains_html"] = mark_safe(_template("inspector/chains.html").render(values))
    return render_to_string("sandbox_apps/inspector/_panel.html", values)


def _template(name: str):
    return engines["inspector"].get_template(name)
