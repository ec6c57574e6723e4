"""What the interchange formats read and write, and how a load says no. Pure Python."""

from __future__ import annotations

from dataclasses import dataclass, field

# The gap in a cloze prompt, as the generator writes it.
BLANK = "_____"

KINDS = ("cloze", "multiple_choice", "true_false", "short_answer", "flashcard")

# (line number, counted from 1; what is wrong there)
Problem = tuple[int, str]


@dataclass(frozen=True, slots=True)
class InterchangeChoice:
    text: str
    correct: bool
    feedback: str = ""


@dataclass(frozen=True, slots=True)
class InterchangeQuestion:
    """One question as a file carries it.

    ``answer`` is the right answer (for true/false, "true" or "false"; for multiple
    choice, the text of the first correct choice; for a flashcard, the back) and
    ``alternatives`` the other answers graded as right.

    ``line`` is where a load found the question (counted from 1; 0 when written in
    code), so that a check made after loading can still name the line. It takes no part
    in comparisons: the same question read from two files is the same question.
    """

    kind: str  # one of KINDS
    prompt: str
    answer: str
    alternatives: tuple[str, ...] = ()
    choices: tuple[InterchangeChoice, ...] = ()
    explanation: str = ""
    title: str = ""
    line: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown question kind {self.kind!r}.")


class InterchangeError(ValueError):
    """The file cannot be imported. ``problems`` lists every bad spot as (line, message),
    in line order; ``str(error)`` shows them one per line, written for the teacher."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(f"Line {line}: {message}" for line, message in self.problems))


def decode_text(data: str | bytes) -> str:
    """Files arrive as UTF-8 bytes (a byte order mark is allowed) or as text already;
    either way the result has ``\\n`` line ends and no byte order mark."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise InterchangeError([(line, "This line is not UTF-8 text.")]) from error
    return data.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
