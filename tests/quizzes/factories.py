"""Builders for content rows and parsed documents."""

from __future__ import annotations

import factory

from quizzes.ingest import ParsedDocument, Section
from quizzes.models import Choice, Question, QuestionKind, QuestionOrigin, QuestionStatus


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    kind = QuestionKind.SHORT_ANSWER
    status = QuestionStatus.PUBLISHED
    origin = QuestionOrigin.GENERATED
    prompt = factory.Sequence(lambda n: f"Question {n}?")
    answer = "answer"


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    text = factory.Sequence(lambda n: f"Option {n}")


def parsed(title: str, *sections: tuple[str, str], fmt: str = "markdown") -> ParsedDocument:
    text = "\n\n".join(f"## {heading}\n\n{body}" for heading, body in sections)
    return ParsedDocument(
        title=title,
        format=fmt,
        text=f"# {title}\n\n{text}",
        sections=tuple(Section(heading=h, body=b) for h, b in sections),
    )


GLACIERS = (
    ("Introduction", "Glaciers cover about a tenth of the land on Earth."),
    ("How glaciers form", "Snow that survives the summer is pressed into firn, then ice."),
    ("How glaciers move", "Ice deforms under its own weight and slides on meltwater."),
    ("Landforms", "A cirque is a bowl carved at the head of a valley glacier."),
)
