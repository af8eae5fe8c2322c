"""Markdown in, HTML out: the one place lesson text becomes HTML.

Everything a lesson page shows was produced here when the lesson was saved
(never per request), and the admin preview calls the same ``render``, so
preview and page cannot differ. Nothing here touches a request or the
database, and importing the package does no work.

The modules, one job each:

- ``api``: ``render(text) -> Rendered``, the pipeline, ``render_lesson``
  (``render`` with the site's limits);
- ``markdown_config``: which Markdown extensions lessons may use;
- ``blocks/``: Courseware's own ``/// demo``, ``/// source``,
  ``/// exercise``, ``/// check``, ``/// notes`` and ``/// reveal`` blocks,
  one module each, and their registry;
- ``sanitize``: the trust boundary, an nh3 allowlist;
- ``slides``: cutting the page into slides and moving notes onto them;
- ``limits``: the forked child with its CPU-time and memory limits;
- ``inputs``: a digest of everything a rendering depends on, so an
  unchanged lesson is not rendered again;
- ``preview``: the admin's live preview;
- ``code_styles``: the Pygments stylesheet for both themes.

Adding a block (for example ``/// video | slug``):

1. Write ``blocks/video.py`` with a subclass of ``SlotBlock`` (see
   ``blocks/exercise.py``, a short one): set ``NAME = "video"``,
   ``LIVE = True`` if it runs in the reader's page, and write
   ``fill(argument, body, conversion)`` returning the block's HTML or
   raising ``AuthoringError``. Call
   ``conversion.record(self.NAME, value)`` for what it used; it appears in
   ``Rendered.used["video"]``. The HTML ``fill`` returns is placed after
   sanitizing, so build it from escaped values only (a template does that).
   If the HTML depends on files (as ``source`` does), return their bytes
   or a digest of them from the classmethod ``inputs(argument)``, so that
   ``sync_content`` renders the lesson again when they change.
2. Add the class to ``BLOCKS`` in ``blocks/__init__.py``.
3. Bump ``RENDERER_VERSION`` in ``api.py`` so stored lessons are rendered
   again, and document the block in the README's "Writing lessons".
"""

from .api import (
    DEFAULT_CPU_SECONDS,
    DEFAULT_MAX_CHARS,
    RENDERER_VERSION,
    Heading,
    Rendered,
    Slide,
    render,
    render_lesson,
)
from .blocks.base import render_prompt
from .blocks.source import resolve_source
from .code_styles import pygments_css
from .errors import AuthoringError
from .inputs import inputs_digest
from .preview import preview_html
from .sanitize import sanitize
from .slides import slide_ids

__all__ = [
    "DEFAULT_CPU_SECONDS",
    "DEFAULT_MAX_CHARS",
    "RENDERER_VERSION",
    "AuthoringError",
    "Heading",
    "Rendered",
    "Slide",
    "inputs_digest",
    "pygments_css",
    "preview_html",
    "render",
    "render_lesson",
    "render_prompt",
    "resolve_source",
    "sanitize",
    "slide_ids",
]
