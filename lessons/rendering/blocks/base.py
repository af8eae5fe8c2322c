"""What every custom block shares: the record of one conversion, slots, and
``render_prompt`` for the short Markdown inside a block.

A *slot block* (demo, source, exercise, check) becomes an empty marker
``<div>`` during conversion; its real HTML is built by ``fill`` and put in
place of the marker only after sanitizing, so it may carry attributes (htmx, inline
highlighting) that no author-written HTML could.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

import markdown
from pymdownx.blocks.block import Block

from ..errors import AuthoringError
from ..sanitize import sanitize


def render_prompt(text: str) -> str:
    """Render a short piece of Markdown (a demo's "try it" prompt) to safe HTML."""
    converted = markdown.markdown(
        text, extensions=["pymdownx.inlinehilite"], output_format="html"
    )
    return sanitize(converted)


@dataclass
class Conversion:
    """What the custom blocks found during one conversion.

    ``token`` is random per conversion: only markers carrying it are filled
    in or treated as notes, so an author cannot forge one in raw HTML.
    """

    token: str
    problems: list[str] = field(default_factory=list)
    # Slot key -> the HTML that replaces its marker.
    filled: dict[str, str] = field(default_factory=dict)
    # Block name -> what each use of it named, in order ("demo" -> slugs).
    used: dict[str, list[str]] = field(default_factory=dict)
    # Slots that run in the reader's page (demos); notes may not hold them.
    live_keys: set[str] = field(default_factory=set)
    # Check id -> the parts of a ``/// check`` block, for live polls.
    checks: dict[str, dict] = field(default_factory=dict)

    def add_slot(self, element: etree.Element) -> str:
        key = f"{self.token}-{len(self.filled)}"
        self.filled[key] = ""
        element.set("data-cw-slot", key)
        return key

    def record(self, block_name: str, value: str) -> None:
        self.used.setdefault(block_name, []).append(value)


class SlotBlock(Block):
    """A block whose HTML is built after sanitizing, in place of a marker div.

    Subclasses set ``NAME`` and write ``fill``; ``LIVE = True`` marks a block
    that runs in the reader's page (and so cannot sit in speaker notes).
    """

    ARGUMENT = True
    LIVE = False

    def on_markdown(self) -> str:
        # The body reaches fill() as the author wrote it, not as HTML.
        return "raw"

    def on_create(self, parent: etree.Element) -> etree.Element:
        element = etree.SubElement(parent, "div")
        conversion: Conversion = self.config["conversion"]
        self.key = conversion.add_slot(element)
        if self.LIVE:
            conversion.live_keys.add(self.key)
        return element

    def on_end(self, block: etree.Element) -> None:
        body = (block.text or "").strip()
        block.text = None
        conversion: Conversion = self.config["conversion"]
        try:
            conversion.filled[self.key] = self.fill(
                (self.argument or "").strip(), body, conversion
            )
        except AuthoringError as error:
            conversion.problems.extend(error.problems)

    @classmethod
    def inputs(cls, argument: str) -> bytes:
        """What the block's HTML depends on besides its text, e.g. a file's bytes.

        ``sync_content`` compares a digest of these with the one stored at
        the last render, to skip lessons whose output cannot have changed.
        """
        return b""

    def fill(
        self, argument: str, body: str, conversion: Conversion
    ) -> str:  # pragma: no cover
        """The block's HTML, or raise AuthoringError saying what to fix."""
        raise NotImplementedError
