"""Everything a rendering depends on, as one digest.

A lesson's HTML depends on its text, on this renderer's version and on what
its blocks show (the code of a source block's file, a demo's registry entry
and templates). ``sync_content`` stores this digest with the HTML and
renders a lesson again only when it changes, so an unchanged course is
synced without rendering anything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from .api import RENDERER_VERSION
from .blocks import BLOCKS


def inputs_digest(text: str, used: Mapping[str, Sequence[str]]) -> str:
    """The digest of ``text`` rendered now, given the blocks it ``used`` last time.

    The same text uses the same blocks, so ``used`` from the last render
    names every file the output depends on.
    """
    digest = hashlib.sha256(f"renderer {RENDERER_VERSION}\0".encode())
    digest.update(text.encode("utf-8"))
    for block in BLOCKS:
        inputs = getattr(block, "inputs", None)
        for argument in used.get(block.NAME, ()):
            digest.update(f"\0{block.NAME}\0{argument}\0".encode())
            if inputs is not None:
                digest.update(inputs(argument))
    return digest.hexdigest()
