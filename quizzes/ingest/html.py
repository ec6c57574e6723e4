"""HTML: sanitise with nh3, then walk the clean HTML to Markdown-flavoured text.

* ``nh3`` keeps only text-bearing tags, with no attributes at all; scripts, styles,
  templates, SVG, MathML, forms and media are removed *with* their content, comments too.
  Block containers (div, section, …) are kept only so that their text does not run
  together.
* ``html_markdown`` then walks the clean HTML and writes Markdown-flavoured text.
* Sections use h1–h3 and the ``outline`` rules; h4–h6 stay in bodies as ``####`` lines.
* Title: the document's ``<title>`` (text only, itself sanitised), else a title heading
  (a lone h1 above the section level), else the file name, else "Untitled document".
"""

from __future__ import annotations

import re
from html import unescape  # the standard library's html, not this module

import nh3

from . import outline
from .common import Heading, Item, clean_body, is_blank, one_line, pick_title, title_from_filename
from .decoding import decode
from .html_markdown import HEADINGS, to_markdown
from .types import IngestError, Limits, ParsedDocument

_CONTAINERS = {"div", "section", "article", "main", "header", "footer", "aside", "nav"}
_CONTAINERS |= {"figure", "figcaption", "caption", "details", "summary", "address", "center"}
_TAGS = HEADINGS | _CONTAINERS | {"p", "br", "ul", "ol", "li", "pre", "code", "blockquote"}
_TAGS |= {"em", "strong", "b", "i", "a", "table", "thead", "tbody", "tfoot", "tr", "th"}
_TAGS |= {"td", "dl", "dt", "dd", "hr"}
_DROP_WITH_CONTENT = {
    "script", "style", "template", "noscript", "svg", "math", "iframe", "object", "embed",
    "head", "title", "textarea", "select", "canvas", "audio", "video", "xmp", "noembed",
    "noframes", "plaintext", "frameset", "applet",
}  # fmt: skip

# Deeply nested block elements make the HTML5 tree builder (inside nh3) slow down
# quadratically (20,000 nested <div>s take seconds), so they are counted first.
MAX_NESTING = 256
_NESTING_RE = re.compile(
    r"<(/?)(?:address|article|aside|blockquote|center|details|dialog|dir|div|dl|fieldset"
    r"|figcaption|figure|footer|header|hgroup|listing|main|menu|nav|ol|pre|section|summary"
    r"|ul)(?=[\s/>])",
    re.IGNORECASE,
)
_TITLE_OPEN_RE = re.compile(r"<title(?=[\s>/])", re.IGNORECASE)
_TITLE_CLOSE_RE = re.compile(r"</title", re.IGNORECASE)


def check_nesting(html: str) -> None:
    depth = 0
    for match in _NESTING_RE.finditer(html):
        if match.group(1):
            depth = max(0, depth - 1)
            continue
        depth += 1
        if depth > MAX_NESTING:
            raise IngestError(
                f"The HTML is nested too deeply (more than {MAX_NESTING} levels of "
                "blocks such as <div>, lists or quotes)."
            )


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes={},
        strip_comments=True,
        link_rel=None,
    )


def raw_title(html: str) -> str | None:
    """Text of the first ``<title>``, found without a full parse and then sanitised."""
    match = _TITLE_OPEN_RE.search(html)
    if not match:
        return None
    start = html.find(">", match.end())
    if start == -1:
        return None
    close = _TITLE_CLOSE_RE.search(html, start)
    if not close:
        return None
    inner = html[start + 1 : close.start()]
    cleaned = nh3.clean(inner, tags=set(), clean_content_tags=_DROP_WITH_CONTENT)
    text = one_line(unescape(cleaned))
    return text or None


def _render(items: list[Item]) -> str:
    return clean_body(
        "".join(item.source if isinstance(item, Heading) else item for item in items)
    )


def parse_html(data: bytes, filename: str | None, limits: Limits) -> ParsedDocument:
    text = decode(data, limits)
    check_nesting(text)
    title = raw_title(text)
    items = to_markdown(sanitise(text))
    extracted = _render(items)
    if is_blank(extracted):
        raise IngestError("The HTML contains no text.")
    result = outline.build(items, title_known=title is not None, title=title)
    return ParsedDocument(
        title=pick_title(title, result.title, title_from_filename(filename)),
        format="html",
        text=extracted,
        sections=result.sections,
    )
