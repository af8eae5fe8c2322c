"""Courseware's own Markdown blocks, in the ``/// name | argument`` syntax.

``BLOCKS`` is the registry: the Markdown configuration registers every
class listed here. Adding a block is one new module in this folder and one
line in ``BLOCKS`` (see the package docstring of ``lessons.rendering``).
"""

from __future__ import annotations

from pymdownx.blocks import BlocksExtension

from .base import Conversion, SlotBlock
from .check import CheckBlock
from .demo import DemoBlock
from .exercise import ExerciseBlock
from .notes import NotesBlock
from .reveal import RevealBlock
from .source import SourceBlock

BLOCKS: list[type] = [
    DemoBlock,
    SourceBlock,
    NotesBlock,
    ExerciseBlock,
    RevealBlock,
    CheckBlock,
]


class CoursewareBlocks(BlocksExtension):
    """Registers every block in ``BLOCKS`` for one conversion."""

    def __init__(self, conversion: Conversion):
        super().__init__()
        self.conversion = conversion

    def extendMarkdownBlocks(self, md, block_mgr):
        for block in BLOCKS:
            block_mgr.register(block, {"conversion": self.conversion})


__all__ = ["BLOCKS", "Conversion", "CoursewareBlocks", "SlotBlock"]
