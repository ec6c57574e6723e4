"""Moodle XML: the question bank format Moodle imports and exports, both ways.

What is written, one ``<question>`` per question inside ``<quiz>``:

- **cloze** → Moodle's ``cloze`` type (embedded answers) with one short-answer gap where
  the blank was: ``Paris is the capital of {1:SHORTANSWER:=France~=La France}.``
  Moodle shows a text box in the sentence, and every ``=`` answer scores full marks.
  A cloze prompt without a blank gets its gap at the end.
- **multiple choice** → ``multichoice`` with ``<single>true</single>``: each right choice
  scores 100 %, each wrong one 0 %, every choice keeps its feedback. (Moodle grades a
  single-answer question with several 100 % choices as Lectern does: any right one.)
- **true/false** → ``truefalse``.
- **short answer** → ``shortanswer``, the answer and its alternatives each at 100 %; an
  asterisk is written ``\\*`` so that Moodle does not take it for a wildcard.
- **flashcard** → ``shortanswer`` tagged ``flashcard``: a Moodle quiz can use it as it
  is, and the tag brings it back as a flashcard. (A ``description`` would lose the back.)

The explanation is the general feedback; the title is the question's name (when there
is none, the name is the prompt's start, and reads back as no title). Texts are written
as HTML (escaped, line breaks as ``<br>``), so Moodle's editor shows them as they are.

Reading takes what Moodle writes: HTML texts become plain text (tags dropped, ``<br>``
and paragraphs as line breaks), a right answer is one with a fraction above 0, wrong
short answers are ignored (there is nowhere to keep their feedback), and a cloze with one
gap may be a short answer (``SHORTANSWER``, ``SA``, ``MW`` and the case-sensitive
variants), read as a cloze, or a drop-down (``MULTICHOICE`` and its variants), read as a
multiple choice whose prompt keeps the blank. ``category`` entries are skipped. Anything
Lectern cannot grade the same way is refused with the line of its ``<question>``:
other types (essay, numerical, matching, …), multiple-answer questions
(``<single>false</single>``), clozes with several gaps, wildcard short answers.

The file is parsed with defusedxml: a document type declaration, entities (the "billion
laughs") and external references are refused, not expanded.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET  # builds the file; reading goes through defusedxml
from collections.abc import Callable, Iterable
from html.parser import HTMLParser

from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from quizzes.interop.types import (
    BLANK,
    InterchangeChoice,
    InterchangeError,
    InterchangeQuestion,
    Problem,
    decode_text,
)

FLASHCARD_TAG = "flashcard"
NAME_LENGTH = 80
"""A question without a title is named after this many characters of its prompt."""

# Characters XML 1.0 cannot hold at all, not even as a character reference.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# In an embedded answer these have a meaning ({, }, ~, #, =, % and the backslash), as
# they do in HTML (&, <, >); Moodle decodes character references there.
_EMBEDDED_SPECIAL = {char: f"&#{ord(char)};" for char in "{}~#=%\\&<>\n"} | {"*": "\\*"}
_GAP = re.compile(r"\{(\d*):([A-Z_]+):(.*?)(?<!\\)\}", re.DOTALL)
_SHORT_ANSWER_GAPS = frozenset({"SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC"})
_CHOICE_GAPS = frozenset(
    {
        *("MULTICHOICE", "MC", "MULTICHOICE_V", "MCV", "MULTICHOICE_H", "MCH"),
        *("MULTICHOICE_S", "MCS", "MULTICHOICE_VS", "MCVS", "MULTICHOICE_HS", "MCHS"),
    }
)
_FRACTION = re.compile(r"^(=|%(-?\d+(?:[.,]\d*)?)%)")
_FEEDBACK = re.compile(r"(?<![\\&])#")
_GAP_MARK = "\x00gap\x00"  # stands for the gap while the HTML around it becomes text
_WILDCARD = re.compile(r"(?<!\\)\*")
_SUPPORTED = "multichoice, truefalse, shortanswer and cloze"


# ---------------------------------------------------------------- writing


def dump(questions: Iterable[InterchangeQuestion]) -> str:
    """The questions as a Moodle XML file (a string; write it as UTF-8)."""
    quiz = ET.Element("quiz")
    for question in questions:
        quiz.append(_dump_one(question))
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, "unicode") + "\n"


def default_name(prompt: str) -> str:
    """What a question without a title is called in Moodle's question bank."""
    words = " ".join(prompt.split())
    return words if len(words) <= NAME_LENGTH else words[: NAME_LENGTH - 1].rstrip() + "…"


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _html(text: str) -> str:
    """Plain text as HTML that shows it unchanged (an opening brace included, so no
    text can pass for an embedded answer)."""
    return html.escape(_clean(text), quote=False).replace("{", "&#123;").replace("\n", "<br>")


def _embedded(text: str) -> str:
    """Plain text inside an embedded answer ``{1:SHORTANSWER:=…}``: what has a meaning
    there, or in HTML, as a character reference (Moodle decodes them), except the
    asterisk, written ``\\*``: a reference would decode to a bare one, a wildcard."""
    return "".join(_EMBEDDED_SPECIAL.get(char, char) for char in _clean(text))


def _text(parent: ET.Element, tag: str, text: str, fmt: str | None = "html") -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = text
    return element


def _dump_one(question: InterchangeQuestion) -> ET.Element:
    kind = {
        "cloze": "cloze",
        "multiple_choice": "multichoice",
        "true_false": "truefalse",
        "short_answer": "shortanswer",
        "flashcard": "shortanswer",
    }[question.kind]
    element = ET.Element("question", {"type": kind})
    prompt = question.prompt
    if question.kind == "cloze" and BLANK not in prompt:
        prompt = f"{prompt} {BLANK}"
    _text(element, "name", _clean(question.title or default_name(prompt)), None)
    if question.kind == "cloze":
        before, _blank, after = prompt.partition(BLANK)
        answers = "~".join(
            f"={_embedded(text)}" for text in (question.answer, *question.alternatives)
        )
        _text(element, "questiontext", f"{_html(before)}{{1:SHORTANSWER:{answers}}}{_html(after)}")
    else:
        _text(element, "questiontext", _html(prompt))
    _text(element, "generalfeedback", _html(question.explanation))
    ET.SubElement(element, "defaultgrade").text = "1"
    ET.SubElement(element, "penalty").text = "0.3333333" if kind == "multichoice" else "0"
    ET.SubElement(element, "hidden").text = "0"
    if question.kind == "multiple_choice":
        ET.SubElement(element, "single").text = "true"
        ET.SubElement(element, "shuffleanswers").text = "true"
        ET.SubElement(element, "answernumbering").text = "abc"
        for choice in question.choices:
            answer = _text(element, "answer", _html(choice.text))
            answer.set("fraction", "100" if choice.correct else "0")
            _text(answer, "feedback", _html(choice.feedback))
    elif question.kind == "true_false":
        right = question.answer.strip().lower() == "true"
        for value in ("true", "false"):
            answer = _text(element, "answer", value, "moodle_auto_format")
            answer.set("fraction", "100" if (value == "true") == right else "0")
            _text(answer, "feedback", "")
    elif kind == "shortanswer":
        ET.SubElement(element, "usecase").text = "0"
        for text in (question.answer, *question.alternatives):
            literal = _clean(text).replace("*", "\\*")
            answer = _text(element, "answer", literal, "moodle_auto_format")
            answer.set("fraction", "100")
            _text(answer, "feedback", "")
    if question.kind == "flashcard":
        tag = ET.SubElement(ET.SubElement(element, "tags"), "tag")
        ET.SubElement(tag, "text").text = FLASHCARD_TAG
    return element


# ---------------------------------------------------------------- reading


class _Malformed(Exception):
    """One question is wrong; ``element`` is where (its line is reported)."""

    def __init__(self, message: str, element: ET.Element | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.element = element


class _LineTreeBuilder(ET.TreeBuilder):
    """Builds the tree and remembers the line each element starts on (ElementTree does
    not keep it)."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[ET.Element, int] = {}
        self.line_now: Callable[[], int] = lambda: 0

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        element = super().start(tag, attrs)
        self.lines[element] = self.line_now()
        return element


def _parse(text: str) -> tuple[ET.Element, dict[ET.Element, int]]:
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    expat = parser.parser
    builder.line_now = lambda: expat.CurrentLineNumber
    try:
        parser.feed(text)
        root = parser.close()
    except ParseError as error:
        line = error.position[0] if error.position else 1
        raise InterchangeError([(line, f"This is not well-formed XML ({error}).")]) from None
    except DefusedXmlException as error:
        what = {
            DTDForbidden: "a document type declaration (<!DOCTYPE …>)",
            EntitiesForbidden: "an entity declaration (<!ENTITY …>)",
            ExternalReferenceForbidden: "a reference to another file",
        }.get(type(error), "a declaration")
        message = (
            f"The file has {what}, which a Moodle XML file never needs; it is refused for "
            "safety (entities can expand without limit or read other files)."
        )
        raise InterchangeError([(expat.CurrentLineNumber or 1, message)]) from None
    return root, builder.lines


def load(data: str | bytes) -> list[InterchangeQuestion]:
    """Every question in a Moodle XML file, in order, or ``InterchangeError`` naming the
    line of each question that cannot be read (and then no questions at all)."""
    root, lines = _parse(decode_text(data))
    if root.tag != "quiz":
        raise InterchangeError(
            [(1, f"This is not a Moodle XML file: it starts with <{root.tag}>, not <quiz>.")]
        )
    questions: list[InterchangeQuestion] = []
    problems: list[Problem] = []
    for element in root:
        if element.tag != "question":
            problems.append((lines[element], f"Expected <question>, found <{element.tag}>."))
            continue
        kind = element.get("type", "")
        if kind == "category":
            continue
        try:
            questions.append(_load_one(element, kind, lines[element]))
        except _Malformed as error:
            problems.append((lines.get(error.element, lines[element]), error.message))
    if problems:
        raise InterchangeError(problems)
    return questions


def _load_one(element: ET.Element, kind: str, line: int) -> InterchangeQuestion:
    name = (element.findtext("name/text") or "").strip()
    prompt_element = element.find("questiontext")
    if prompt_element is None:
        raise _Malformed("The question has no <questiontext>.")
    explanation = _read_text(element.find("generalfeedback"))
    if kind == "cloze":
        question = _cloze(prompt_element, explanation)
    else:
        prompt = _read_text(prompt_element)
        if not prompt:
            raise _Malformed("The question text is empty.", prompt_element)
        if kind == "multichoice":
            question = _multichoice(element, prompt, explanation)
        elif kind == "truefalse":
            question = _truefalse(element, prompt, explanation)
        elif kind == "shortanswer":
            question = _shortanswer(element, prompt, explanation)
        else:
            raise _Malformed(
                f"Moodle “{kind}” questions are not supported (only {_SUPPORTED})."
                if kind
                else "The <question> has no type."
            )
    title = "" if name == default_name(question.prompt) else name
    return InterchangeQuestion(
        kind=question.kind,
        prompt=question.prompt,
        answer=question.answer,
        alternatives=question.alternatives,
        choices=question.choices,
        explanation=question.explanation,
        title=title,
        line=line,
    )


def _fraction(answer: ET.Element) -> float:
    raw = answer.get("fraction", "0").strip().replace(",", ".")
    try:
        return float(raw)
    except ValueError:
        raise _Malformed(f"The answer's fraction “{raw}” is not a number.", answer) from None


def _multichoice(element: ET.Element, prompt: str, explanation: str) -> InterchangeQuestion:
    single = element.find("single")
    if single is not None and (single.text or "").strip().lower() in {"false", "0"}:
        raise _Malformed(
            "Multiple-answer questions (<single>false</single>) are not supported: a "
            "student picks one choice.",
            single,
        )
    choices: list[InterchangeChoice] = []
    for answer in element.findall("answer"):
        text = _read_text(answer)
        if not text:
            raise _Malformed("A choice is empty.", answer)
        feedback = _read_text(answer.find("feedback"))
        choices.append(InterchangeChoice(text, _fraction(answer) > 0, feedback))
    return _choice_question(element, prompt, explanation, choices)


def _choice_question(
    element: ET.Element, prompt: str, explanation: str, choices: list[InterchangeChoice]
) -> InterchangeQuestion:
    if len(choices) < 2:
        raise _Malformed("A multiple-choice question needs at least two choices.", element)
    right = [choice for choice in choices if choice.correct]
    if not right:
        raise _Malformed("No choice is right: give one a fraction of 100.", element)
    return InterchangeQuestion(
        kind="multiple_choice",
        prompt=prompt,
        answer=right[0].text,
        choices=tuple(choices),
        explanation=explanation,
    )


def _truefalse(element: ET.Element, prompt: str, explanation: str) -> InterchangeQuestion:
    right = [
        value
        for answer in element.findall("answer")
        if (value := _read_text(answer).lower()) in {"true", "false"} and _fraction(answer) > 0
    ]
    if len(right) != 1:
        raise _Malformed(
            "A true/false question needs exactly one right answer, “true” or “false”.", element
        )
    return InterchangeQuestion(
        kind="true_false", prompt=prompt, answer=right[0], explanation=explanation
    )


def _shortanswer(element: ET.Element, prompt: str, explanation: str) -> InterchangeQuestion:
    answers: list[str] = []
    for answer in element.findall("answer"):
        if _fraction(answer) <= 0:
            continue  # a wrong answer with its feedback: nowhere to keep it
        text = _read_text(answer)
        if _WILDCARD.search(text):
            raise _Malformed(
                f"The answer “{text}” uses the wildcard *, which Lectern cannot grade; "
                "write \\* for an asterisk.",
                answer,
            )
        text = text.replace("\\*", "*")
        if text:
            answers.append(text)
    if not answers:
        raise _Malformed("No right answer: give one a fraction of 100.", element)
    tags = {(tag.text or "").strip().lower() for tag in element.findall("tags/tag/text")}
    return InterchangeQuestion(
        kind="flashcard" if FLASHCARD_TAG in tags else "short_answer",
        prompt=prompt,
        answer=answers[0],
        alternatives=tuple(answers[1:]),
        explanation=explanation,
    )


def _cloze(prompt_element: ET.Element, explanation: str) -> InterchangeQuestion:
    raw = prompt_element.findtext("text") or ""
    gaps = list(_GAP.finditer(raw))
    if not gaps:
        raise _Malformed(
            "This cloze question has no gap such as {1:SHORTANSWER:=answer}.", prompt_element
        )
    if len(gaps) > 1:
        raise _Malformed(
            f"This cloze question has {len(gaps)} gaps; Lectern takes one gap per question.",
            prompt_element,
        )
    gap = gaps[0]
    marked = raw[: gap.start()] + _GAP_MARK + raw[gap.end() :]
    if prompt_element.get("format", "html") == "html":
        marked = html_to_text(marked)
    prompt = marked.strip().replace(_GAP_MARK, BLANK)
    gap_type = gap.group(2)
    alternatives = [_embedded_alternative(part) for part in _split_unescaped(gap.group(3), "~")]
    if gap_type in _CHOICE_GAPS:
        choices = [InterchangeChoice(text, score > 0, fb) for score, text, fb, _ in alternatives]
        return _choice_question(prompt_element, prompt, explanation, choices)
    if gap_type not in _SHORT_ANSWER_GAPS:
        raise _Malformed(
            f"{gap_type} gaps are not supported (only SHORTANSWER and MULTICHOICE).",
            prompt_element,
        )
    right = [(text, wild) for score, text, _, wild in alternatives if score > 0 and text]
    if not right:
        raise _Malformed("The gap has no right answer: mark one with “=”.", prompt_element)
    if any(wild for _, wild in right):
        raise _Malformed(
            "A gap's answer uses the wildcard *, which Lectern cannot grade; write \\* for "
            "an asterisk.",
            prompt_element,
        )
    return InterchangeQuestion(
        kind="cloze",
        prompt=prompt,
        answer=right[0][0],
        alternatives=tuple(text for text, _ in right[1:]),
        explanation=explanation,
    )


def _split_unescaped(text: str, separator: str) -> list[str]:
    return re.split(rf"(?<!\\){re.escape(separator)}", text)


def _embedded_alternative(raw: str) -> tuple[float, str, str, bool]:
    """(fraction, answer, feedback, whether the answer has a wildcard) of one
    ``=answer#feedback`` in a gap. The backslash escapes (``\\}``, ``\\#``, ``\\~``,
    ``\\*``) are undone first, then the character references; a ``#`` right after ``&``
    belongs to a character reference, not to the feedback."""
    fraction = 0.0
    mark = _FRACTION.match(raw)
    if mark:
        fraction = 100.0 if mark.group(1) == "=" else float(mark.group(2).replace(",", "."))
        raw = raw[mark.end() :]
    hash_at = _FEEDBACK.search(raw)
    answer, feedback = (raw[: hash_at.start()], raw[hash_at.end() :]) if hash_at else (raw, "")
    wildcard = bool(_WILDCARD.search(answer))
    return fraction, _decode_embedded(answer), _decode_embedded(feedback), wildcard


def _decode_embedded(text: str) -> str:
    for char in "}#~*":
        text = text.replace("\\" + char, char)
    return html.unescape(text).strip()


# ---------------------------------------------------------------- HTML to text


_BLOCKS = frozenset(
    {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "pre"}
)
_BREAK = "\x01"  # a block boundary, merged with its neighbours below


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append(_BREAK)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self.skipping:
            self.skipping -= 1
        elif tag in _BLOCKS:
            self.parts.append(_BREAK)

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            # A line break in the HTML source is white space, like the indent after it.
            self.parts.append(re.sub(r"[ \t]*\n\s*", " ", data))


def html_to_text(markup: str) -> str:
    """What a person reads in an HTML fragment, as plain text: tags dropped, entities
    decoded, ``<br>`` and paragraph ends as line breaks."""
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(rf"[ \t]*{_BREAK}[\s{_BREAK}]*", "\n", text)
    return text.strip()


def _read_text(element: ET.Element | None) -> str:
    """The plain text of an element holding ``<text>``, as its ``format`` says."""
    if element is None:
        return ""
    text = element.findtext("text") or ""
    if element.get("format", "html") == "html":
        return html_to_text(text)
    return text.strip()
