"""Question drafts from a sentence and a typed answer: cloze, multiple choice,
true/false, short answer and flashcard. Each builder returns ``None`` rather than an
odd question: the answer must not show in the prompt, a multiple-choice question needs
three sound distractors, a false statement a safe swap, a short answer a safe template
(subject → "Who …?", definition → "What is the name for …?", count → "How many …?")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .distractors import find_distractors, stated_elsewhere
from .lexicon import COMPASS, PERSON_TITLES, STOPWORDS, looks_like_verb
from .names import is_demonym
from .numbers import other_forms
from .terms import DocSentence, Document, Mention, Term
from .text import BLANK, as_sentence, ascii_fold, capitalise, fold, mentions_any, seeded_random
from .types import ChoiceDraft, QuestionDraft

_WH_PLACE = {"country": "Which country", "city": "Which city", "region": "Which region"}
_PARTICIPLE_RE = re.compile(r",\s+(?:[a-z]+ing|thanks to|given|with implications)\b[^,]*$")
_COUNT_RE = re.compile(
    r"^(?P<qualifier>(?:About|Around|Roughly|Nearly|Almost|Approximately|Some|Only about)\s)?"
    r"(?P<number>\S+(?:\s(?:hundred|thousand|million|billion))?)\s(?P<rest>[a-z].*)$"
)


@dataclass(frozen=True, slots=True)
class Candidate:
    draft: QuestionDraft
    sentence: int  # Document sentence id
    answer_key: str  # term key ("" for heading cards and true statements)
    tf: str = ""  # "true" / "false" for true_false
    fallback: bool = False  # only to reach the floor of a long lesson


def _draft(
    kind: str,
    sentence: DocSentence,
    *,
    prompt: str,
    answer: str,
    accepted: list[str] | tuple[str, ...] = (),
    choices: tuple[ChoiceDraft, ...] = (),
    explanation: str = "",
    answer_type: str = "",
    score: float,
) -> QuestionDraft:
    raw = sentence.sentence
    folded_answer = " ".join(answer.casefold().split())
    unique: dict[str, str] = {}
    for form in accepted:
        key = " ".join(form.casefold().split())
        if key and key != folded_answer and key not in unique:
            unique[key] = form
    return QuestionDraft(
        kind=kind,
        prompt=prompt,
        answer=answer,
        accepted_answers=tuple(unique.values()),
        choices=choices,
        explanation=explanation or raw.text,
        source_sentence=raw.raw,
        source_start=raw.start,
        source_end=raw.end,
        answer_type=answer_type,
        score=round(score, 4),
    )


def answer_span(doc: Document, sentence: DocSentence, mention: Mention) -> tuple[int, int, str]:
    """The span to blank: the name, plus "the" before a place that takes one."""
    text = sentence.sentence.text
    start, end = mention.start, mention.end
    term = doc.term_of(mention)
    if term.kind == "place" and text[max(0, start - 4) : start] in {"the ", "The "}:
        start -= 4
    return start, end, text[start:end]


def accepted_forms(doc: Document, term: Term, answer: str) -> list[str]:
    """Other spellings graded correct: the document's other forms of the name, the
    surname alone, without "the", ASCII-folded, digits for words, "%" for "percent"."""
    cache_key = ("accepted", term.key, answer)
    cached = doc.cache.get(cache_key)
    if cached is None:
        cached = doc.cache[cache_key] = _accepted_forms(doc, term, answer)
    return list(cached)


def _accepted_forms(doc: Document, term: Term, answer: str) -> list[str]:
    forms: list[str] = [term.display, *term.forms]
    if term.kind == "person":
        words = term.display.split()
        if len(words) >= 2 and not any(len(form.split()) == 1 for form in term.forms):
            forms.append(words[-1])
        initials = [word for word in words if not re.fullmatch(r"[A-Z]\.", word)]
        if len(initials) != len(words):
            forms.append(" ".join(initials))
    if term.kind == "place" and (term.the or doc.geo.needs_the(term.display)):
        forms.extend(f"the {form}" for form in list(forms) if not form.startswith("the "))
        display = doc.geo.places.get(term.key, (term.display, ""))[0]
        forms.append(display)
        forms.extend(doc.geo.aliases.get(display, ()))
    if term.quantity is not None:
        forms.extend(other_forms(answer, term.quantity))
    if answer.lower().startswith("the "):
        forms.append(answer[4:])
    forms.extend(ascii_fold(form) for form in list(forms))
    forms.extend(form.replace("-", " ") for form in list(forms) if "-" in form)
    return [form for form in forms if form.strip()]


def _answer_hidden(prompt: str, answer: str, accepted: list[str]) -> bool:
    return not mentions_any(prompt, [answer, *accepted])


def distractors_for(
    doc: Document, sentence: DocSentence, mention: Mention
) -> list[tuple[str, str]]:
    """Three wrong answers for the mention, shared by its multiple-choice question and
    its false statement; none for generic names and phrases, whose type is unsure."""
    term = doc.term_of(mention)
    if term.kind == "phrase" or (term.kind == "name" and term.subtype != "work"):
        return []
    _, _, answer = answer_span(doc, sentence, mention)
    return find_distractors(doc, sentence, mention, term, answer.removeprefix("the "))


def cloze(
    doc: Document, sentence: DocSentence, mention: Mention, score: float
) -> tuple[Candidate, str, list[str]] | None:
    """(candidate, answer text, accepted forms), or None."""
    text = sentence.sentence.text
    start, end, answer = answer_span(doc, sentence, mention)
    term = doc.term_of(mention)
    prompt = text[:start] + BLANK + text[end:]
    accepted = accepted_forms(doc, term, answer)
    if not _answer_hidden(prompt, answer, accepted):
        return None
    draft = _draft(
        "cloze",
        sentence,
        prompt=prompt,
        answer=answer,
        accepted=accepted,
        answer_type=term.kind,
        score=score,
    )
    return Candidate(draft, sentence.id, term.key), answer, accepted


def _option_text(doc: Document, text: str, key: str, answer: str) -> str:
    """An option written like the answer: a surname against a surname ("Kim" for
    "Putin"), "the" before a place when the answer has one and the place needs one."""
    term = doc.terms.get(key)
    if term is not None and term.kind == "person" and len(answer.split()) == 1:
        # the surname the document uses ("Gutenberg"), else the full name ("Bi Sheng")
        return next((form for form in term.forms if len(form.split()) == 1), text)
    if answer.startswith("the ") and (doc.geo.needs_the(text) or (term is not None and term.the)):
        return "the " + text
    return text


def multiple_choice(
    doc: Document,
    sentence: DocSentence,
    mention: Mention,
    found: list[tuple[str, str]],
    stem: str,
    answer: str,
    accepted: list[str],
    score: float,
) -> Candidate | None:
    term = doc.term_of(mention)
    if len(found) < 3:
        return None
    options = [_option_text(doc, text, key, answer) for text, key in found]
    if stem.startswith(BLANK):
        options = [capitalise(option) for option in options]
    if any(mentions_any(stem, [option]) for option in options):
        return None
    from_document = sum(1 for _, key in found if key)
    choices = [ChoiceDraft(answer, True)] + [ChoiceDraft(option, False) for option in options]
    seeded_random(stem, answer).shuffle(choices)
    draft = _draft(
        "multiple_choice",
        sentence,
        prompt=stem,
        answer=answer,
        accepted=accepted,
        choices=tuple(choices),
        answer_type=term.kind,
        score=score + 0.04 * from_document,
    )
    return Candidate(draft, sentence.id, term.key)


def true_false(
    doc: Document,
    sentence: DocSentence,
    mention: Mention,
    found: list[tuple[str, str]],
    score: float,
) -> tuple[Candidate, Candidate | None] | None:
    """The true statement and, when one of the distractors ``found`` is a safe swap
    (never stated with the sentence's other terms), the false one."""
    text = sentence.sentence.text
    if mentions_any(text, ["true", "false"]):
        return None
    term = doc.term_of(mention)
    quoted = f"the text says “{text}”"
    true = _draft(
        "true_false",
        sentence,
        prompt=text,
        answer="true",
        explanation=f"True: {quoted}",
        answer_type=term.kind,
        score=score,
    )
    start, end, answer = answer_span(doc, sentence, mention)
    numeric = term.kind in {"number", "year", "percentage", "date"}
    if term.kind in {"person", "organisation"}:
        # someone from the same section keeps a false statement plausible
        found = [
            (text, key)
            for text, key in find_distractors(
                doc, sentence, mention, term, answer, count=1, strict=True, same_first=True
            )
            if sentence.lesson in doc.terms[key].lessons
        ]
    swaps = [
        (text, key)
        for text, key in found
        if term.kind != "term"
        and (numeric or key)
        and not (key and stated_elsewhere(doc, sentence, term, key, strict=True))
    ][:1]
    false = None
    if swaps:
        option = _option_text(doc, swaps[0][0], swaps[0][1], answer)
        if start == 0:
            option = capitalise(option)
        statement = text[:start] + option + text[end:]
        draft = _draft(
            "true_false",
            sentence,
            prompt=statement,
            answer="false",
            explanation=f"False: {quoted}",
            answer_type=term.kind,
            score=score,
        )
        false = Candidate(draft, sentence.id, term.key, tf="false")
    return Candidate(true, sentence.id, term.key, tf="true"), false


def _predicate(text: str, after: int) -> tuple[str, str] | None:
    """(appositive, predicate) after a subject ending at ``after``, when a verb follows:
    ", a Chinese craftsman, invented movable type …" → ("a Chinese craftsman", "invented …")."""
    rest = text[after:]
    appositive = ""
    match = re.match(r",\s((?:a|an|the)\s[^,]{3,60}),\s", rest)
    if match:
        appositive, rest = match.group(1), rest[match.end() :]
    elif not rest.startswith(" "):
        return None
    rest = rest.strip()
    first = rest.split(" ", 1)[0]
    if not looks_like_verb(first):
        return None
    return appositive, rest.rstrip(".").strip()


def _subject_prefix(doc: Document, text: str, start: int) -> list[str] | None:
    """The words before a subject name: titles, "The", "Russian" — or None."""
    words = text[:start].split()
    for word in words:
        if word in PERSON_TITLES or word in {"The", "A", "An"} or word in COMPASS:
            continue
        if not is_demonym(word, doc.geo):
            return None
    return words


def subject_question(
    doc: Document, sentence: DocSentence, mention: Mention
) -> tuple[str, str, str] | None:
    """("Who welcomed Putin …?", appositive, predicate) for a sentence whose subject is
    the mention, or None."""
    term = doc.term_of(mention)
    text = sentence.sentence.text
    if not mention.at_start or term.kind not in {"person", "place", "organisation", "name"}:
        return None
    if term.kind == "name" and term.subtype != "work":
        return None
    prefix = _subject_prefix(doc, text, mention.start)
    found = _predicate(text, mention.end)
    if prefix is None or found is None:
        return None
    appositive, predicate = found
    if term.kind == "person":
        wh = "Who"
    elif term.kind == "place":
        wh = _WH_PLACE.get(term.subtype, "Which place")
    elif term.kind == "organisation":
        wh = "Which organisation"
    else:
        wh = "What"
    titles = [word for word in prefix if word in PERSON_TITLES]
    if appositive:
        wh = "Which " + appositive.split(" ", 1)[1]
    elif titles:
        qualifiers = [w for w in prefix if w not in PERSON_TITLES and w not in {"The", "A", "An"}]
        wh = "Which " + " ".join([*qualifiers, *(t.lower() for t in titles)])
    short = _PARTICIPLE_RE.sub("", predicate)
    if len(short.split()) < 4:
        short = predicate
    return f"{wh} {short}?", appositive, predicate


def definition_question(mention: Mention) -> str | None:
    if not mention.definition or mention.definition.split()[0] not in {"a", "an", "the"}:
        return None
    return f"What is the name for {mention.definition}?"


def count_question(doc: Document, sentence: DocSentence, mention: Mention) -> str | None:
    """ "About how many copies were printed?" for "About 180 copies were printed, …"."""
    term = doc.term_of(mention)
    if term.kind not in {"number", "percentage"}:
        return None
    text = sentence.sentence.text.rstrip(".")
    match = _COUNT_RE.match(text)
    if not match or match.start("number") != mention.start:
        return None
    rest = match.group("rest").split(",", 1)[0]
    qualifier = (match.group("qualifier") or "").replace("Only about", "About").strip()
    if term.kind == "percentage":
        if not rest.startswith("of "):
            return None
        question = f"what percentage {rest}"
    else:
        first = rest.split(" ", 1)[0]
        if first in STOPWORDS or not first.endswith("s"):
            return None
        question = f"how many {rest}"
    if len(rest.split()) < 3:
        return None
    return capitalise(f"{qualifier} {question}".strip()) + "?"


def flashcard(
    sentence: DocSentence,
    *,
    front: str,
    back: str,
    answer_type: str,
    key: str,
    score: float,
) -> Candidate | None:
    front, back = front.strip(), as_sentence(back)
    if not front or not back or mentions_any(front, [back]) or fold(front) == fold(back):
        return None
    draft = _draft(
        "flashcard",
        sentence,
        prompt=front,
        answer=back,
        answer_type=answer_type,
        score=score,
    )
    return Candidate(draft, sentence.id, key)


def short_answer(
    sentence: DocSentence,
    prompt: str,
    answer: str,
    accepted: list[str],
    answer_type: str,
    key: str,
    score: float,
) -> Candidate | None:
    if not _answer_hidden(prompt, answer, accepted) or len(answer.split()) > 5:
        return None
    draft = _draft(
        "short_answer",
        sentence,
        prompt=prompt,
        answer=answer,
        accepted=accepted,
        answer_type=answer_type,
        score=score,
    )
    return Candidate(draft, sentence.id, key)
