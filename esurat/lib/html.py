"""Sanitising the rich text written in the browser."""

import nh3

ALLOWED_TAGS = {
    "p", "br", "div", "strong", "b", "em", "i", "u", "s", "del", "ol", "ul", "li",
    "h1", "h2", "h3", "blockquote", "pre", "table", "thead", "tbody", "tr", "th", "td", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


def sanitise(html: str) -> str:
    """Keep only text formatting; scripts, styles, event handlers and foreign URLs are removed."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()
