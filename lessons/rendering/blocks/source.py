"""``/// source | ninja_gold/views.py:process_money`` shows the real code.

The excerpt and its highlighting come from ``sandbox_apps.sources``, the
module the inspector shows code through too, so a lesson can never show
code that differs from the running demo.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from sandbox_apps import sources

from ..errors import AuthoringError
from .base import Conversion, SlotBlock


def resolve_source(spec: str) -> sources.SourceExcerpt:
    """The code a ``source`` block names, or AuthoringError saying what is wrong."""
    try:
        return sources.excerpt(spec)
    except sources.SourceError as error:
        raise AuthoringError([str(error)]) from None


class SourceBlock(SlotBlock):
    NAME = "source"

    @classmethod
    def inputs(cls, argument: str) -> bytes:
        path = sources.SANDBOX_ROOT / argument.partition(":")[0].strip()
        try:
            stat = path.stat()
        except OSError:
            return b"missing"
        return _file_digest(path, stat.st_mtime_ns, stat.st_size)

    def fill(self, argument: str, body: str, conversion: Conversion) -> str:
        if body:
            raise AuthoringError(
                [
                    f"The source block for {argument!r} must be empty; write the explanation around it."
                ]
            )
        excerpt = resolve_source(argument)
        conversion.record(self.NAME, argument)
        return sources.highlight(excerpt)


@functools.lru_cache(maxsize=1024)
def _file_digest(path: Path, mtime_ns: int, size: int) -> bytes:
    # Keyed by the file's modification time and size: a sync reads each
    # file once, however many lessons show it.
    return hashlib.sha256(path.read_bytes()).digest()
