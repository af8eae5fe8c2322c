"""``/// notes`` holds speaker notes: Markdown shown only in the speaker view.

The block becomes a marker div carrying the conversion's token; after
sanitizing, ``slides.split_slides`` moves its content to the slide it
belongs to and removes it from the reader's page.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from pymdownx.blocks.block import Block

from .base import Conversion


class NotesBlock(Block):
    NAME = "notes"
    ARGUMENT = False

    def on_markdown(self) -> str:
        return "block"

    def on_create(self, parent: etree.Element) -> etree.Element:
        conversion: Conversion = self.config["conversion"]
        return etree.SubElement(parent, "div", {"data-cw-notes": conversion.token})
