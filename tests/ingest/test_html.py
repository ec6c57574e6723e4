"""HTML: sanitised with nh3, converted to Markdown-flavoured text, split at h1–h3."""

import pytest

from quizzes.ingest import IngestError, detect_format, parse

from .helpers import all_text, fixture_bytes


def html(text, **kwargs):
    return parse(text.encode("utf-8"), format="html", **kwargs)


def headings(parsed):
    return [section.heading for section in parsed.sections]


def test_sourdough_guide():
    parsed = parse(fixture_bytes("sourdough.html"), filename="sourdough.html")
    assert parsed.format == "html"
    assert parsed.title == "A Beginner’s Guide to Sourdough"  # from <title>
    assert headings(parsed) == ["Sourdough at Home", "Making a Starter", "The Dough", "Baking"]
    intro, starter, dough, baking = (section.body for section in parsed.sections)
    # whitespace collapses like a browser; emphasis becomes Markdown
    assert intro.startswith(
        "Sourdough bread rises without packaged yeast. A *starter*, a paste of flour"
    )
    assert "1. Day one: mix 50 g flour with 50 g water.\n2. Days two" in starter
    assert (
        "\n\n### Troubleshooting\n\nA layer of grey liquid on top is called **hooch**." in starter
    )
    assert dough.startswith("| Ingredient | Weight |\n| --- | --- |\n| Bread flour | 500 g |")
    assert "the salt & folding the dough." in dough  # entities unescaped
    assert "at 250\u00a0°C." in baking
    assert "```\nLid on:  20 minutes\nLid off: 25 minutes\n```" in baking  # <pre> kept as is
    assert "> Let the loaf cool for an hour before cutting. Really." in baking
    assert "#### A note on timing" in baking  # h4 stays in the body
    for text in (all_text(parsed), parsed.text):
        assert "console" not in text
        assert "font-family" not in text


def test_lone_h1_is_the_title_when_there_is_no_title_tag():
    parsed = html(
        "<h1>Moons</h1><p>Intro.</p><h2>Io</h2><p>Volcanic.</p><h2>Europa</h2><p>Icy.</p>"
    )
    assert parsed.title == "Moons"
    assert headings(parsed) == ["Introduction", "Io", "Europa"]


def test_filename_is_the_last_title_fallback():
    assert html("<p>Just a paragraph.</p>", filename="space-facts_2.html").title == "space facts 2"
    assert html("<p>Just a paragraph.</p>").title == "Untitled document"


def test_h4_to_h6_never_make_sections():
    parsed = html("<h4>A</h4><p>one</p><h4>B</h4><p>two</p>")
    assert len(parsed.sections) == 1
    assert parsed.sections[0].body == "#### A\n\none\n\n#### B\n\ntwo"


def test_lists_nested_and_ordered():
    parsed = html(
        "<h2>L</h2><ul><li>one<ul><li>inner</li></ul></li><li>two</li></ul><p>after</p>"
        "<h2>M</h2><ol><li>first</li><li>second</li></ol>"
    )
    assert parsed.sections[0].body == "- one\n   - inner\n- two\n\nafter"
    assert parsed.sections[1].body == "1. first\n2. second"


def test_text_that_looks_like_markdown_is_escaped():
    parsed = html("<p>1. not a list</p><p># not a heading</p><p>2*3 [x](y) &lt;b&gt;</p>")
    assert (
        parsed.sections[0].body == "1\\. not a list\n\n\\# not a heading\n\n2\\*3 \\[x\\](y) \\<b>"
    )


def test_whitespace_collapses_except_in_pre():
    parsed = html("<p>  lots \n\n of\t space  </p><pre>  keep\n    this </pre>")
    assert parsed.sections[0].body == "lots of space\n\n```\n  keep\n    this\n```"


def test_title_tag_is_text_only():
    parsed = html("<title>Hi <script>alert(1)</script><b>there</b> &amp; you</title><p>x y z.</p>")
    assert parsed.title == "Hi there & you"


HOSTILE = """<!DOCTYPE html>
<html><head>
<title>Safe <script>alert('title')</script>Title</title>
<style>body { background: url(javascript:alert('css')) }</style>
<script type="text/javascript">document.write('evil')</script>
<meta http-equiv="refresh" content="0;url=javascript:alert('meta')">
</head>
<body onload="alert('body')">
<h1 onclick="alert('h1')">Main <span style="color:red">heading</span></h1>
<p>Before <img src="x" onerror="alert('img')"> after.</p>
<h2 onmouseover="alert('h2')">First<script>alert('in heading')</script></h2>
<p><a href="javascript:alert('link')">click me</a> and <a href="https://example.org">a link</a></p>
<!-- a comment with <script>alert('comment')</script> -->
<![CDATA[ alert('cdata') ]]>
<iframe src="javascript:alert('iframe')">framed</iframe>
<svg onload="alert('svg')"><script>alert('svg script')</script><text>svg text</text></svg>
<math><mi>alert('math')</mi></math>
<noscript><p>alert('noscript')</p></noscript>
<template><p>alert('template')</p></template>
<form action="javascript:alert('form')"><input value="alert('input')"><button>Press</button></form>
<h2>Second</h2>
<p style="behavior:url(x)">Plain <b onmouseover="alert('b')">bold</b> text.</p>
<object data="x.swf"><param name="a" value="alert('object')"></object>
<textarea>alert('textarea')</textarea>
</body></html>"""


def test_hostile_html_leaves_no_script_anywhere():
    parsed = html(HOSTILE)
    assert parsed.title == "Safe Title"
    assert headings(parsed) == ["Main heading", "First", "Second"]
    everything = all_text(parsed) + "\n" + parsed.text
    lowered = everything.lower()
    for bad in (
        "alert",
        "script",
        "javascript",
        "onerror",
        "onload",
        "onclick",
        "style",
        "color:",
        "<img",
        "<iframe",
        "cdata",
        "svg text",
        "document.write",
        "<a",
    ):
        assert bad not in lowered, bad
    assert "Before after." in parsed.sections[0].body
    assert "click me and a link" in everything
    assert "Plain **bold** text." in parsed.sections[2].body


def test_escaped_markup_stays_inert_text():
    parsed = html("<p>&lt;script&gt;alert(1)&lt;/script&gt; is how XSS starts.</p>")
    # the text is kept, but escaped so that a Markdown renderer shows it as text
    assert parsed.sections[0].body == "\\<script>alert(1)\\</script> is how XSS starts."


@pytest.mark.parametrize(
    "document",
    [
        "<html><head><title>Only a title</title></head><body></body></html>",
        "<script>alert(1)</script><style>p{}</style><!-- nothing -->",
        "<p>   </p><div>&nbsp;</div><img src=x>",
    ],
)
def test_html_without_text_is_refused(document):
    with pytest.raises(IngestError, match=r"^The HTML contains no text\.$"):
        html(document)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("<p><code>&lt;ok&gt;</code></p>", "`<ok>`"),  # safe inside a code span
        ("<p><code>a<br>&lt;b&gt;</code></p>", "a\n\\<b>"),  # not a span: escaped
        ("<code><p>&lt;b&gt;</p></code>", "\\<b>"),  # code around a block: escaped
        ("<p><b>bold <code>c*</code></b></p>", "**bold `c*`**"),
    ],
)
def test_code_text_is_only_unescaped_inside_backticks(document, expected):
    assert html(document).sections[0].body == expected


def test_tables_inside_pre_and_headings_lose_no_text():
    parsed = html("<pre><table><tr><td>in pre</td></tr></table></pre><p>after</p>")
    assert parsed.sections[0].body == "```\nin pre\n```\n\nafter"


def test_deep_nesting_is_refused_quickly():
    with pytest.raises(IngestError, match="nested too deeply"):
        html("<div>" * 20_000 + "text")
    with pytest.raises(IngestError, match="nested too deeply"):
        html("<ul><li>" * 5_000 + "text")
    parsed = html("<div>" * 100 + "<p>Deep but fine.</p>" + "</div>" * 100)
    assert parsed.sections[0].body == "Deep but fine."
    parsed = html("<ul>" + "<li>unclosed item" * 1000 + "</ul>")
    assert sum(s.body.count("- unclosed item\n") for s in parsed.sections) >= 990
    assert "".join(s.body for s in parsed.sections).count("unclosed item") == 1000


def test_table_cells_keep_their_text():
    parsed = html(
        "<table><tr><td>a|b</td><td><p>c</p><p>d</p></td></tr><tr><td>e</td></tr></table>"
    )
    assert parsed.sections[0].body == "| a\\|b | c d |\n| --- | --- |\n| e |  |"


def test_detect_html_by_sniffing():
    assert detect_format(b"<!DOCTYPE html><p>x</p>") == "html"
    assert detect_format(b"  <html><body>x</body></html>") == "html"
    assert detect_format(b"<h2>Title</h2>\n<p>Body</p>") == "html"
    assert detect_format(b"a < b and c > d") == "text"
    assert detect_format(b"<p>x</p>", "page.HTM") == "html"
