"""``/// reveal`` around a list: on a slide, the items appear one at a time.

The block only wraps the list in ``<div class="slide-reveal">``. The
reading page and a printed deck show every item; in the presenter deck
(static/js/present.js) the next key shows one more item before it moves
to the next slide, and followers' screens show the same items.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from pymdownx.blocks.block import Block

from .base import Conversion


class RevealBlock(Block):
    NAME = "reveal"
    ARGUMENT = False

    def on_markdown(self) -> str:
        return "block"

    def on_create(self, parent: etree.Element) -> etree.Element:
        return etree.SubElement(parent, "div", {"class": "slide-reveal"})

    def on_end(self, block: etree.Element) -> None:
        if not any(child.tag in ("ul", "ol") for child in block):
            conversion: Conversion = self.config["conversion"]
            conversion.problems.append(
                "A reveal block must hold a list: its items are what appear one at a time."
            )
