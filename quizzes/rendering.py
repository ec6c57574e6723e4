"""Lesson bodies are Markdown; this turns them into safe HTML for the page."""

from functools import cache

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt


@cache
def _renderer() -> MarkdownIt:
    # "commonmark" with raw HTML switched off: any tag in a body is shown as text.
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def render_markdown(text: str) -> SafeString:
    return mark_safe(_renderer().render(text))  # noqa: S308  # raw HTML is disabled above
