"""Every user-facing string is marked for translation.

Templates: once translation tags, template variables, other tags and comments are taken
out, no text node with letters may remain, nor any of the attributes a person reads or
hears (aria-label, title, placeholder, alt, the value of a submit or button input), nor a
literal fallback given to the ``default`` filter. Views: messages and 400 answers are
gettext strings, never bare literals.
"""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
VIEW_FILES = [*sorted((ROOT / "quizzes" / "views").glob("*.py")), ROOT / "accounts" / "views.py"]

# Text that stays the same in every language, each with its reason.
EXEMPT_TEXT = {
    "Lectern": "the product's name is not translated",
}

READ_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}
LETTER = re.compile(r"[^\W\d_]")
TRANSLATED = re.compile(
    r"{%-?\s*blocktrans(?:late)?\b.*?%}.*?{%-?\s*endblocktrans(?:late)?\s*-?%}"
    r"|{%-?\s*trans(?:late)?\s.*?%}",
    re.DOTALL,
)
COMMENTS = re.compile(r"{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.DOTALL)
TEMPLATE_TAG = re.compile(r"{%.*?%}", re.DOTALL)
TEMPLATE_VARIABLE = re.compile(r"{{.*?}}", re.DOTALL)
DEFAULT_LITERAL = re.compile(r"""\|\s*default(?:_if_none)?\s*:\s*(["'])(?P<text>.*?)\1""")
EXEMPT_WORDS = re.compile(r"\b(?:" + "|".join(map(re.escape, EXEMPT_TEXT)) + r")\b")


def _blank(match: re.Match[str]) -> str:
    """Spaces in place of the match, keeping its line breaks so line numbers hold."""
    return re.sub(r"[^\n]", " ", match.group(0))


def _variable(match: re.Match[str]) -> str:
    """A variable shows data, not text, except a literal fallback (``|default:"Never"``):
    that literal stays in place to be checked like any other text."""
    default = DEFAULT_LITERAL.search(match.group(0))
    newlines = "\n" * match.group(0).count("\n")
    return (default.group("text") if default else "") + newlines


class _TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._raw_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._raw_depth += 1
        values = dict(attrs)
        names = set(READ_ATTRIBUTES)
        if tag == "input" and (values.get("type") or "").lower() in {"submit", "button"}:
            names.add("value")
        for name in sorted(names & values.keys()):
            self._check(f'{name}="{values[name]}"', values[name] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._raw_depth:
            self._raw_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._raw_depth:
            leading = data[: len(data) - len(data.lstrip())]
            self._check(data.strip(), data, lines_in=leading.count("\n"))

    def _check(self, shown: str, text: str, lines_in: int = 0) -> None:
        if LETTER.search(EXEMPT_WORDS.sub("", text)):
            line, _ = self.getpos()
            self.found.append((line + lines_in, " ".join(shown.split())))


def untranslated_in_template(source: str) -> list[tuple[int, str]]:
    """(line, text) for each user-visible string in a template that is not translated."""
    stripped = TRANSLATED.sub(_blank, COMMENTS.sub(_blank, source))
    stripped = TEMPLATE_VARIABLE.sub(_variable, TEMPLATE_TAG.sub(_blank, stripped))
    parser = _TextFinder()
    parser.feed(stripped)
    parser.close()
    return parser.found


MESSAGE_LEVELS = {"debug", "info", "success", "warning", "error"}


def _is_bare_string(node: ast.expr) -> bool:
    """A literal, an f-string, or a literal formatted with % or .format()."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return _is_bare_string(node.left)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" and _is_bare_string(node.func.value)
    return False


def _shown_argument(call: ast.Call) -> ast.expr | None:
    """The argument a person reads, for the calls that show one."""
    func = call.func
    keywords = {k.arg: k.value for k in call.keywords}
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        if func.value.id == "messages" and func.attr in MESSAGE_LEVELS:
            return call.args[1] if len(call.args) > 1 else keywords.get("message")
        if func.value.id == "messages" and func.attr == "add_message":
            return call.args[2] if len(call.args) > 2 else keywords.get("message")
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name == "HttpResponseBadRequest":
        return call.args[0] if call.args else keywords.get("content")
    return None


def untranslated_in_python(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            shown = _shown_argument(node)
            if shown is not None and _is_bare_string(shown):
                found.append((node.lineno, ast.unparse(node)[:100]))
    return found


def _report(problems: dict[Path, list[tuple[int, str]]]) -> str:
    return "Mark these strings for translation:\n" + "\n".join(
        f"  {path.relative_to(ROOT)}:{line}: {text}"
        for path, found in problems.items()
        for line, text in found
    )


def test_every_template_marks_its_text_for_translation():
    templates = sorted(p for p in TEMPLATES.rglob("*") if p.suffix in {".html", ".txt"})
    assert templates
    problems = {
        path: found
        for path in templates
        if (found := untranslated_in_template(path.read_text(encoding="utf-8")))
    }
    assert not problems, _report(problems)


def test_views_show_only_translated_messages_and_errors():
    assert VIEW_FILES
    problems = {
        path: found
        for path in VIEW_FILES
        if (found := untranslated_in_python(path.read_text(encoding="utf-8")))
    }
    assert not problems, _report(problems)


# The checks themselves, on small samples: they must catch what they are for.


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>Hello</p>", [(1, "Hello")]),
        ('<p>\n<button aria-label="Close">×</button></p>', [(2, 'aria-label="Close"')]),
        ('<img alt="A river" src="x.png">', [(1, 'alt="A river"')]),
        ('<input type="submit" value="Send">', [(1, 'value="Send"')]),
        ('<input type="text" value="{{ v }}" placeholder="Name">', [(1, 'placeholder="Name"')]),
        ("{{ n }} questions left", [(1, "questions left")]),
        ('<p>{{ seen|default:"Never" }}</p>', [(1, "Never")]),
        ("<p title=\"{{ t|default:'Not yet' }}\">", [(1, 'title="Not yet"')]),
        ("<p>{% if a %}\n\nDone{% endif %}</p>", [(3, "Done")]),
    ],
)
def test_the_template_check_finds_untranslated_text(source, expected):
    assert untranslated_in_template(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        '{% load i18n %}<p>{% translate "Hello" %}</p>',
        "<p>{% blocktranslate count n=n %}{{ n }} card{% plural %}{{ n }} cards"
        "{% endblocktranslate %}</p>",
        "<button aria-label=\"{% translate 'Close' %}\">×</button>",
        '<input type="hidden" name="next" value="next">',
        "<script>const label = 'not shown';</script><style>p::after{content:'x'}</style>",
        "{% comment %}Notes for developers{% endcomment %}{# a note #}",
        '<a class="brand" href="/">Lectern</a> → 42 · 3/4 %',
        '{{ seen|default:_("Never") }}',
        "<html lang=\"{{ LANGUAGE_CODE|default:'en' }}\">",
    ],
)
def test_the_template_check_accepts_translated_and_non_text(source):
    assert untranslated_in_template(source) == []


def test_the_python_check_finds_bare_messages_and_errors():
    source = (
        "messages.success(request, 'Saved')\n"
        "messages.error(request, f'No {x}')\n"
        "messages.add_message(request, messages.INFO, 'Hi %s' % name)\n"
        "return HttpResponseBadRequest('Bad rating')\n"
        "messages.info(request, _('Saved'))\n"
        "messages.warning(request, _('%(n)s left') % {'n': n})\n"
        "return HttpResponseBadRequest(_('Bad rating'))\n"
        "return HttpResponseBadRequest(render_to_string('x.html'))\n"
    )
    assert [line for line, _ in untranslated_in_python(source)] == [1, 2, 3, 4]
