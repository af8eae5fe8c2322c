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


def inputs_digest(
    text: str,
    used: Mapping[str, Sequence[str]],
    memo: dict[tuple[str, str], bytes] | None = None,
) -> str:
    """The digest of ``text`` rendered now, given the blocks it ``used`` last time.

    The same text uses the same blocks, so ``used`` from the last render
    names every file the output depends on. ``memo`` keeps each block's
    inputs across many lessons (one sync of a large course shows the same
    few files and demos hundreds of times); pass a new dict per sync.
    """
    if memo is None:
        memo = {}
    digest = hashlib.sha256(f"renderer {RENDERER_VERSION}\0".encode())
    digest.update(text.encode("utf-8"))
    for block in BLOCKS:
        inputs = getattr(block, "inputs", None)
        for argument in used.get(block.NAME, ()):
            digest.update(f"\0{block.NAME}\0{argument}\0".encode())
            if inputs is not None:
                key = (block.NAME, argument)
                if key not in memo:
                    memo[key] = inputs(argument)
                digest.update(memo[key])
    return digest.hexdigest()
