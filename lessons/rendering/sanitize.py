"""The trust boundary: what author HTML may contain once it is on a page.

Author Markdown may hold raw HTML, so everything the Markdown converter
produces passes through nh3 with this allowlist. HTML the renderer builds
itself (a demo's htmx placeholder, highlighted source) is added only after
this step, in place of markers (see ``blocks``).
"""

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd",
    "label", "li", "mark", "ol", "p", "pre", "s", "samp", "small", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title"},
    "a": {"href"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
    "details": {"open"},
    "label": {"for"},
    "input": {"name", "checked", "disabled"},
    # The markers custom blocks leave; only ones carrying this conversion's
    # random token are ever filled in.
    "div": {"data-cw-slot", "data-cw-notes"},
}
# Tabs and task lists are the only inputs, and only of these harmless types.
ALLOWED_ATTRIBUTE_VALUES = {"input": {"type": {"radio", "checkbox"}}}


def sanitize(converted: str) -> str:
    """Strip everything not on the allowlist: scripts, on* handlers, styles,
    iframes, hx-* attributes, and URLs other than http(s), mailto and relative."""
    return nh3.clean(
        converted,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values=ALLOWED_ATTRIBUTE_VALUES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
