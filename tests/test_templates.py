"""Template hygiene that Django does not check for us."""

from pathlib import Path

import pytest

TEMPLATES = sorted((Path(__file__).resolve().parent.parent / "templates").rglob("*.html"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_no_comment_tag_spans_lines(template: Path) -> None:
    """``{# ... #}`` ends at the line's end: a longer one is shown to the user as text."""
    for number, line in enumerate(template.read_text().splitlines(), start=1):
        if "{#" in line:
            assert "#}" in line[line.index("{#") :], f"{template.name}:{number}: use comment"
