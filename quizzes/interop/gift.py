"""Moodle's GIFT format: questions as plain text, one block per question.

What is written::

    ::Title::Prompt {=answer =alternative####explanation}
    Paris is the capital of {=France}.
    Water boils at 100 °C at sea level. {T####At sea level, yes.}
    Which city is the capital of France? {
    \t=Paris#Right: it has been since 987.
    \t~Lyon#No, that is the third-largest city.
    \t####The Seine runs through it.
    }

Questions are separated by a blank line; ``//`` starts a comment line. The characters
``~ = # { } :`` and the backslash are escaped with a backslash, and a line break inside a
text is written ``\\n``, so every question's text stays on one line.

A prompt with a blank (``_____``) is written in Moodle's missing-word form: the answer
braces stand where the blank is. Reading, a question whose answers are all right
(``=``) is a cloze when its prompt has a blank, else a short answer.

What GIFT cannot carry, and so does not come back the same:

- a flashcard is written as a short answer (front, then ``{=back}``) and is read back as
  a short answer;
- a short answer whose prompt has a blank is read back as a cloze;
- a multiple-choice question needs at least one wrong choice (with only right ones it
  reads back as a short answer), and its accepted alternatives are not written;
- true/false questions carry no choices;
- text that starts a question with ``//`` would read as a comment, and leading or
  trailing spaces of texts are not kept.

Reading also accepts what Moodle writes and this module does not: ``TRUE``/``FALSE``,
answer weights (``~%50%``: a positive weight counts as right), ``$CATEGORY:`` lines,
a ``[markdown]``-style format tag before the prompt, and feedback on short answers or
true/false (ignored: there is nowhere to keep it). Numeric, matching and essay questions
are refused with the line they are on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from quizzes.interop.types import (
    BLANK,
    InterchangeChoice,
    InterchangeError,
    InterchangeQuestion,
    Problem,
    decode_text,
)

_SPECIAL = "~=#{}:\\"
_FORMAT_TAG = re.compile(r"^\[(?:html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^\s*%(-?\d+(?:\.\d+)?)%")
_TRUE = frozenset({"T", "TRUE"})
_FALSE = frozenset({"F", "FALSE"})


def escape(text: str) -> str:
    """Text as GIFT writes it: specials behind a backslash, line breaks as ``\\n``."""
    out = []
    for char in text.replace("\r\n", "\n"):
        if char in _SPECIAL:
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        else:
            out.append(char)
    return "".join(out)


def unescape(text: str) -> str:
    """The reverse of ``escape``; a backslash before anything else is kept as it is."""
    out = []
    index = 0
    while index < len(text):
        char = text[index]
        following = text[index + 1] if index + 1 < len(text) else ""
        if char == "\\" and following == "n":
            out.append("\n")
            index += 2
        elif char == "\\" and following and following in _SPECIAL:
            out.append(following)
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


# ---------------------------------------------------------------- writing


def dump(questions: Iterable[InterchangeQuestion]) -> str:
    """The questions as a GIFT file (a string; write it as UTF-8)."""
    blocks = [_dump_one(question) for question in questions]
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _dump_one(question: InterchangeQuestion) -> str:
    title = f"::{escape(question.title)}::" if question.title else ""
    answers = _dump_answers(question)
    before, blank, after = question.prompt.partition(BLANK)
    if blank and after.strip():
        # Missing-word form: the answers stand where the blank is.
        return f"{title}{escape(before)}{answers}{escape(after)}"
    return f"{title}{escape(question.prompt)} {answers}"


def _dump_answers(question: InterchangeQuestion) -> str:
    general = f"####{escape(question.explanation)}" if question.explanation else ""
    if question.kind == "true_false":
        letter = "T" if question.answer.strip().lower() == "true" else "F"
        return f"{{{letter}{general}}}"
    if question.kind == "multiple_choice":
        lines = [_dump_choice(choice) for choice in question.choices]
        if general:
            lines.append(general)
        return "{\n" + "".join(f"\t{line}\n" for line in lines) + "}"
    # cloze, short answer, and flashcards (written as short answers)
    answers = " ".join(f"={escape(text)}" for text in (question.answer, *question.alternatives))
    return f"{{{answers}{general}}}"


def _dump_choice(choice: InterchangeChoice) -> str:
    mark = "=" if choice.correct else "~"
    feedback = f"#{escape(choice.feedback)}" if choice.feedback else ""
    return f"{mark}{escape(choice.text)}{feedback}"


# ---------------------------------------------------------------- reading


class _Malformed(Exception):
    """One question is wrong: ``offset`` counts lines from the start of its block."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


def load(data: str | bytes) -> list[InterchangeQuestion]:
    """Every question in a GIFT file, in order, or ``InterchangeError`` naming the line of
    each malformed question (and then no questions at all)."""
    questions: list[InterchangeQuestion] = []
    problems: list[Problem] = []
    for line_number, block in _blocks(decode_text(data)):
        try:
            questions.append(replace(_load_one(block), line=line_number))
        except _Malformed as error:
            problems.append((line_number + error.offset, error.message))
    if problems:
        raise InterchangeError(problems)
    return questions


def _blocks(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of each question: runs of lines between blank lines,
    without comment and category lines."""
    blocks: list[tuple[int, str]] = []
    start = 0
    lines: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith("//") or stripped.startswith("$CATEGORY:"):
            continue
        if not stripped:
            if lines:
                blocks.append((start, "\n".join(lines)))
                lines = []
            continue
        if not lines:
            start = number
        lines.append(line)
    if lines:
        blocks.append((start, "\n".join(lines)))
    return blocks


def _find(text: str, target: str, start: int = 0) -> int:
    """Where ``target`` first occurs unescaped in ``text`` from ``start``, or -1."""
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text.startswith(target, index):
            return index
        index += 1
    return -1


def _split(text: str, separators: str) -> list[tuple[str, str]]:
    """(separator, text up to the next one) at every unescaped separator character; the
    text before the first separator comes with the separator ""."""
    parts: list[tuple[str, str]] = []
    mark, begin, index = "", 0, 0
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] in separators:
            parts.append((mark, text[begin:index]))
            mark, begin = text[index], index + 1
        index += 1
    parts.append((mark, text[begin:]))
    return parts


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index)


def _load_one(block: str) -> InterchangeQuestion:
    text = block.lstrip()
    leading = _line_of(block, len(block) - len(text))
    title = ""
    if text.startswith("::"):
        end = _find(text, "::", 2)
        if end < 0:
            raise _Malformed("The title has no closing “::”.", leading)
        title = unescape(text[2:end]).strip()
        text = text[end + 2 :].lstrip()
        leading = _line_of(block, len(block) - len(text))
    text = _FORMAT_TAG.sub("", text, count=1)

    opening = _find(text, "{")
    closing = _find(text, "}")
    if opening < 0:
        if closing >= 0:
            raise _Malformed("A “}” closes answers that were never opened with “{”.")
        raise _Malformed("The question has no answers in braces, e.g. {=answer}.")
    if closing < 0:
        raise _Malformed(
            "The “{” opening the answers is never closed with “}”.",
            leading + _line_of(text, opening),
        )
    if closing < opening:
        raise _Malformed("A “}” closes answers that were never opened with “{”.")
    body = text[opening + 1 : closing]
    if _find(body, "{") >= 0:
        raise _Malformed(
            "A “{” inside the answers: write \\{ for a brace in the text.",
            leading + _line_of(text, opening),
        )
    after = text[closing + 1 :]
    if _find(after, "{") >= 0 or _find(after, "}") >= 0:
        raise _Malformed(
            "More than one set of answers in braces: separate questions with a blank line."
        )

    before_text, after_text = unescape(text[:opening]), unescape(after)
    prompt = (before_text + BLANK + after_text if after_text.strip() else before_text).strip()
    if not prompt or prompt == BLANK:
        raise _Malformed("The question has no text before its answers.")
    return _question(title, prompt, body)


def _question(title: str, prompt: str, body: str) -> InterchangeQuestion:
    explanation = ""
    general = _find(body, "####")
    if general >= 0:
        explanation = unescape(body[general + 4 :]).strip()
        body = body[:general]
    stripped = body.strip()

    head = _split(stripped, "#")[0][1].strip().upper()
    if head in _TRUE or head in _FALSE:
        answer = "true" if head in _TRUE else "false"
        return InterchangeQuestion(
            kind="true_false", prompt=prompt, answer=answer, explanation=explanation, title=title
        )
    if not stripped:
        raise _Malformed("Empty braces (an essay question) are not supported.")
    if stripped.startswith("#"):
        raise _Malformed("Numeric questions ({#…}) are not supported.")

    parts = _split(stripped, "=~")
    if parts[0][1].strip():
        raise _Malformed(
            "Answers start with “=” (right) or “~” (wrong), or are T or F for true/false."
        )
    choices = [_choice(mark, raw) for mark, raw in parts[1:]]
    right = [choice for choice in choices if choice.correct]
    if not right:
        raise _Malformed("No right answer: mark one with “=”.")
    if all(mark == "=" for mark, _ in parts[1:]):
        # Matching pairs several "=a -> b"; a single right answer may hold an arrow.
        if len(choices) > 1 and all("->" in choice.text for choice in choices):
            raise _Malformed("Matching questions (=a -> b) are not supported.")
        kind = "cloze" if BLANK in prompt else "short_answer"
        return InterchangeQuestion(
            kind=kind,
            prompt=prompt,
            answer=right[0].text,
            alternatives=tuple(choice.text for choice in right[1:]),
            explanation=explanation,
            title=title,
        )
    return InterchangeQuestion(
        kind="multiple_choice",
        prompt=prompt,
        answer=right[0].text,
        choices=tuple(choices),
        explanation=explanation,
        title=title,
    )


def _choice(mark: str, raw: str) -> InterchangeChoice:
    correct = mark == "="
    weight = _WEIGHT.match(raw)
    if weight:
        correct = correct or float(weight.group(1)) > 0
        raw = raw[weight.end() :]
    feedback = ""
    hash_at = _find(raw, "#")
    if hash_at >= 0:
        feedback = unescape(raw[hash_at + 1 :]).strip()
        raw = raw[:hash_at]
    text = unescape(raw).strip()
    if not text:
        raise _Malformed(f"An answer after “{mark}” is empty.")
    return InterchangeChoice(text=text, correct=correct, feedback=feedback)
