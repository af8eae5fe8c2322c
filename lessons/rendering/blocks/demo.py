"""``/// demo | ninja-gold`` embeds a sandbox app; the body is the "try it" prompt."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe

from sandbox_apps.registry import get_demo

from ..errors import AuthoringError
from .base import Conversion, SlotBlock, render_prompt

PLACEHOLDER = "sandbox_apps/_placeholder.html"


class DemoBlock(SlotBlock):
    NAME = "demo"
    LIVE = True

    @classmethod
    def inputs(cls, argument: str) -> bytes:
        demo = get_demo(argument)
        if demo is None:
            return b"missing"
        return repr((demo, demo.url)).encode() + _templates_digest()

    def fill(self, argument: str, body: str, conversion: Conversion) -> str:
        demo = get_demo(argument)
        if demo is None:
            raise AuthoringError([f"Unknown demo {argument!r}."])
        conversion.record(self.NAME, demo.slug)
        context = {
            "demo": demo,
            "index": len(conversion.used[self.NAME]),
            # Sanitized by render_prompt before it is marked safe.
            "prompt": mark_safe(render_prompt(body)) if body else "",
        }
        return render_to_string(PLACEHOLDER, context)


def _templates_digest() -> bytes:
    """The placeholder's template and every template beside it (it includes some).

    Read on each call, a few small files: a changed template must reach
    every lesson with a demo at the next sync.
    """
    folder = Path(get_template(PLACEHOLDER).origin.name).parent
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.html")):
        digest.update(path.as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()
