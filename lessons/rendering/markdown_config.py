"""Which Markdown a lesson may use: Python-Markdown's extensions and their settings."""

from __future__ import annotations

import markdown

from .blocks import Conversion, CoursewareBlocks

EXTENSIONS = [
    "tables",
    "toc",
    "footnotes",
    "def_list",
    "abbr",
    "attr_list",
    "pymdownx.superfences",
    "pymdownx.highlight",
    "pymdownx.inlinehilite",
    "pymdownx.blocks.admonition",
    "pymdownx.blocks.details",
    "pymdownx.blocks.tab",
    "pymdownx.tasklist",
    "pymdownx.smartsymbols",
]

EXTENSION_CONFIGS = {
    "tables": {"use_align_attribute": True},
    "toc": {
        "permalink": "#",
        "permalink_class": "headerlink",
        "permalink_title": "Link to this section",
        "toc_depth": "2-3",
    },
    "pymdownx.highlight": {
        "use_pygments": True,
        # Code is highlighted only when the fence names its language.
        "guess_lang": False,
        "css_class": "highlight",
        "pygments_lang_class": True,
    },
    "pymdownx.blocks.admonition": {
        "types": ["note", "tip", "warning", "danger", "example"]
    },
    "pymdownx.blocks.tab": {"alternate_style": True},
    "pymdownx.tasklist": {"custom_checkbox": False},
}


def make_markdown(conversion: Conversion) -> markdown.Markdown:
    """A converter for one lesson; the custom blocks report into ``conversion``."""
    return markdown.Markdown(
        output_format="html",
        extensions=[*EXTENSIONS, CoursewareBlocks(conversion)],
        extension_configs=EXTENSION_CONFIGS,
    )
