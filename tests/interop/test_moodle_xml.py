"""Moodle XML: round trips for every kind, what Moodle writes, malformed questions refused
line by line, and hostile XML refused before anything is expanded."""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quizzes.interop import InterchangeChoice, InterchangeError, InterchangeQuestion, moodle_xml

TRICKY = 'Café: {a} = b ~ c # d \\ e "quoted" ’s <b>&amp; * \\* %50% {1:SA:=x} \\} &#35;'

ROUND_TRIPS = [
    InterchangeQuestion("cloze", "Paris is the capital of _____.", "France"),
    InterchangeQuestion(
        "cloze",
        "_____ printed the Bible in Mainz.",
        "Gutenberg",
        alternatives=("Johannes Gutenberg",),
        explanation="Around 1455.",
        title="Printing",
    ),
    InterchangeQuestion("cloze", "The answer comes last: _____", "here"),
    InterchangeQuestion("cloze", "Two blanks: _____ and _____.", "first"),
    InterchangeQuestion("cloze", f"{TRICKY} _____ {TRICKY}", TRICKY, alternatives=("é", "a*b")),
    InterchangeQuestion(
        "multiple_choice",
        "Which city is the capital of France?",
        "Paris",
        choices=(
            InterchangeChoice("Lyon", False, "No, that is the third-largest city."),
            InterchangeChoice("Paris", True, "Right."),
            InterchangeChoice("Nice", False),
        ),
        explanation="The Seine runs through it.",
        title="Capitals",
    ),
    InterchangeQuestion(
        "multiple_choice",
        "_____ is a prime number.",
        "Seven",
        choices=(InterchangeChoice("Seven", True), InterchangeChoice("Nine", False)),
    ),
    InterchangeQuestion(
        "multiple_choice",
        TRICKY,
        TRICKY,
        choices=(
            InterchangeChoice(TRICKY, True, TRICKY),
            InterchangeChoice("Also right", True),
            InterchangeChoice("Ça", False, "Non"),
        ),
        explanation=TRICKY,
        title=f"Title: {TRICKY}",
    ),
    InterchangeQuestion("true_false", "Water boils at 100 °C at sea level.", "true"),
    InterchangeQuestion(
        "true_false", "The Moon is a planet.", "false", explanation="A satellite.", title="Moon"
    ),
    InterchangeQuestion("short_answer", "What is the capital of France?", "Paris"),
    InterchangeQuestion(
        "short_answer",
        "Name the season after summer: _____",
        "autumn",
        alternatives=("fall", "l’automne", "a*b", "c\\*d"),
        explanation="Both are English.",
    ),
    InterchangeQuestion("short_answer", f"Line one\nLine two: {TRICKY}", "Zoë"),
    InterchangeQuestion("flashcard", "la pomme", "the apple"),
    InterchangeQuestion(
        "flashcard",
        "Front\n\nwith a paragraph",
        "Back",
        alternatives=("back",),
        explanation="Why.",
        title="Card",
    ),
]


@pytest.mark.parametrize("question", ROUND_TRIPS, ids=lambda q: f"{q.kind}:{q.prompt[:20]}")
def test_dump_then_load_gives_the_same_question(question):
    assert moodle_xml.load(moodle_xml.dump([question])) == [question]


def test_a_whole_file_round_trips_in_order_with_the_line_of_each_question():
    text = moodle_xml.dump(ROUND_TRIPS)
    loaded = moodle_xml.load(text.encode())
    assert loaded == ROUND_TRIPS
    lines = text.splitlines()
    assert all(lines[q.line - 1].strip().startswith("<question type=") for q in loaded)
    assert [q.line for q in loaded] == sorted({q.line for q in loaded})


def test_each_kind_is_written_as_the_moodle_type_that_grades_it():
    text = moodle_xml.dump(
        [
            InterchangeQuestion("cloze", "Paris is in _____.", "France", ("la France",)),
            InterchangeQuestion(
                "multiple_choice",
                "Pick",
                "a",
                choices=(InterchangeChoice("a", True, "Yes"), InterchangeChoice("b", False)),
            ),
            InterchangeQuestion("true_false", "T?", "false"),
            InterchangeQuestion("short_answer", "Star?", "a*"),
            InterchangeQuestion("flashcard", "Front", "Back"),
        ]
    )
    assert "<text>Paris is in {1:SHORTANSWER:=France~=la France}.</text>" in text, (
        "one short-answer gap in the sentence"
    )
    assert '<answer format="html" fraction="100">\n      <text>a</text>' in text
    assert "<single>true</single>" in text
    assert '<answer format="moodle_auto_format" fraction="0">\n      <text>true</text>' in text
    assert "<text>a\\*</text>" in text, "an asterisk is not a wildcard"
    assert text.count('<question type="shortanswer">') == 2
    assert "<tags>\n      <tag>\n        <text>flashcard</text>" in text
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')


def test_a_cloze_without_a_blank_gets_its_gap_at_the_end():
    question = InterchangeQuestion("cloze", "No blank here", "x")
    assert moodle_xml.load(moodle_xml.dump([question])) == [
        InterchangeQuestion("cloze", "No blank here _____", "x")
    ]


def test_dumping_nothing_gives_an_empty_quiz():
    assert moodle_xml.load(moodle_xml.dump([])) == []


# What Moodle 4 writes: CDATA, HTML paragraphs, categories, extra elements, wrong short
# answers with feedback, answer weights, and embedded answers of several kinds.
MOODLE_EXPORT = """\
<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category>
      <text>$course$/top/Geography</text>
    </category>
  </question>

<!-- question: 101  -->
  <question type="multichoice">
    <name>
      <text>Capital of France</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p dir="ltr">Which city is the <strong>capital</strong>
        of France?</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[<p>The Seine&nbsp;runs through it.</p><p>Since 987.</p>]]></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <showstandardinstruction>0</showstandardinstruction>
    <correctfeedback format="html">
      <text>Your answer is correct.</text>
    </correctfeedback>
    <answer fraction="100" format="html">
      <text><![CDATA[<p>Paris</p>]]></text>
      <feedback format="html">
        <text><![CDATA[<p>Right &amp; well done.</p>]]></text>
      </feedback>
    </answer>
    <answer fraction="-33.33333" format="html">
      <text>Lyon</text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
  </question>

  <question type="shortanswer">
    <name>
      <text>Season</text>
    </name>
    <questiontext format="moodle_auto_format">
      <text>Name the season after summer.</text>
    </questiontext>
    <generalfeedback format="moodle_auto_format">
      <text></text>
    </generalfeedback>
    <usecase>0</usecase>
    <answer fraction="100" format="moodle_auto_format">
      <text>autumn</text>
      <feedback format="html"><text>Yes.</text></feedback>
    </answer>
    <answer fraction="50" format="moodle_auto_format">
      <text>fall</text>
    </answer>
    <answer fraction="0" format="moodle_auto_format">
      <text>*</text>
      <feedback format="html"><text>No.</text></feedback>
    </answer>
  </question>

  <question type="truefalse">
    <name><text>Moon</text></name>
    <questiontext format="html">
      <text>&lt;p&gt;The Moon is a planet.&lt;/p&gt;</text>
    </questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <answer fraction="0" format="moodle_auto_format">
      <text>true</text>
      <feedback format="html"><text>No.</text></feedback>
    </answer>
    <answer fraction="100" format="moodle_auto_format">
      <text>false</text>
    </answer>
  </question>

  <question type="cloze">
    <name><text>Rivers</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>The Seine flows into the
        {2:SA:=English Channel#Yes~%50%Channel~*#No}.</p>]]></text>
    </questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
  </question>

  <question type="cloze">
    <name><text>Drop-down</text></name>
    <questiontext format="html">
      <text>Grant is {1:MC:buried#Not quite~=entombed#Yes~living} in Grant's tomb.</text>
    </questiontext>
    <generalfeedback format="html"><text>A classic.</text></generalfeedback>
  </question>
</quiz>
"""


def test_loads_what_moodle_exports():
    assert moodle_xml.load(MOODLE_EXPORT) == [
        InterchangeQuestion(
            "multiple_choice",
            "Which city is the capital of France?",
            "Paris",
            choices=(
                InterchangeChoice("Paris", True, "Right & well done."),
                InterchangeChoice("Lyon", False),
            ),
            explanation="The Seine\xa0runs through it.\nSince 987.",
            title="Capital of France",
        ),
        InterchangeQuestion(
            "short_answer",
            "Name the season after summer.",
            "autumn",
            alternatives=("fall",),
            title="Season",
        ),
        InterchangeQuestion("true_false", "The Moon is a planet.", "false", title="Moon"),
        InterchangeQuestion(
            "cloze",
            "The Seine flows into the _____.",
            "English Channel",
            alternatives=("Channel",),
            title="Rivers",
        ),
        InterchangeQuestion(
            "multiple_choice",
            "Grant is _____ in Grant's tomb.",
            "entombed",
            choices=(
                InterchangeChoice("buried", False, "Not quite"),
                InterchangeChoice("entombed", True, "Yes"),
                InterchangeChoice("living", False),
            ),
            explanation="A classic.",
            title="Drop-down",
        ),
    ]


def _question(body: str, kind: str = "shortanswer") -> str:
    return f'<question type="{kind}">\n{body}\n</question>'


def _quiz(*questions: str) -> str:
    return '<?xml version="1.0"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>\n"


PROMPT = "<questiontext><text>Prompt</text></questiontext>"


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (_question(PROMPT, "essay"), "“essay” questions are not supported"),
        (_question(PROMPT, "numerical"), "“numerical” questions are not supported"),
        (_question(PROMPT, ""), "has no type"),
        (_question("<name><text>n</text></name>"), "no <questiontext>"),
        (_question("<questiontext><text> </text></questiontext>"), "text is empty"),
        (
            _question(PROMPT + '<answer fraction="0"><text>x</text></answer>'),
            "No right answer",
        ),
        (
            _question(PROMPT + '<answer fraction="100"><text>Gr*nt</text></answer>'),
            "wildcard",
        ),
        (
            _question(PROMPT + '<answer fraction="lots"><text>x</text></answer>'),
            "“lots” is not a number",
        ),
        (
            _question(
                PROMPT
                + "<single>false</single>"
                + '<answer fraction="50"><text>a</text></answer>'
                + '<answer fraction="50"><text>b</text></answer>',
                "multichoice",
            ),
            "Multiple-answer questions",
        ),
        (
            _question(PROMPT + '<answer fraction="100"><text>a</text></answer>', "multichoice"),
            "at least two choices",
        ),
        (
            _question(
                PROMPT
                + '<answer fraction="0"><text>a</text></answer>'
                + '<answer fraction="0"><text>b</text></answer>',
                "multichoice",
            ),
            "No choice is right",
        ),
        (
            _question(
                PROMPT
                + '<answer fraction="100"><text>a</text></answer>'
                + '<answer fraction="0"><text><![CDATA[<p> </p>]]></text></answer>',
                "multichoice",
            ),
            "A choice is empty",
        ),
        (
            _question(PROMPT + '<answer fraction="100"><text>maybe</text></answer>', "truefalse"),
            "exactly one right answer",
        ),
        (_question(PROMPT, "cloze"), "no gap"),
        (
            _question(
                "<questiontext><text>{1:SA:=a} and {1:SA:=b}</text></questiontext>", "cloze"
            ),
            "2 gaps",
        ),
        (
            _question("<questiontext><text>x {1:NM:=3:1}</text></questiontext>", "cloze"),
            "NM gaps are not supported",
        ),
        (
            _question("<questiontext><text>x {1:SA:~wrong}</text></questiontext>", "cloze"),
            "no right answer",
        ),
        (
            _question("<questiontext><text>x {1:SA:=Gr*nt}</text></questiontext>", "cloze"),
            "wildcard",
        ),
    ],
)
def test_a_question_that_cannot_be_read_is_refused_with_its_line(question, message):
    with pytest.raises(InterchangeError) as caught:
        moodle_xml.load(_quiz(question))
    [(line, found)] = caught.value.problems
    assert line in {3, 4}, "the line of the <question>, or of the element at fault"
    assert message in found


def test_every_bad_question_is_listed_with_its_line_and_nothing_is_returned():
    fine = _question(PROMPT + '<answer fraction="100"><text>a</text></answer>')
    text = _quiz(
        fine,  # lines 3-5
        _question(PROMPT, "essay"),  # 6-8
        fine,  # 9-11
        _question(  # 12-15: the problem is on the <answer>, line 14
            PROMPT + '\n<answer fraction="100"><text>*</text></answer>'
        ),
        "<comment>stray</comment>",  # 16
    )
    with pytest.raises(InterchangeError) as caught:
        moodle_xml.load(text)
    assert [line for line, _ in caught.value.problems] == [6, 14, 16]
    assert "Expected <question>" in caught.value.problems[2][1]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("<quiz>\n<question>\n</quiz>", 3, "not well-formed XML"),
        ("", 1, "not well-formed XML"),
        ("plain text, not XML", 1, "not well-formed XML"),
        ("<?xml version='1.0'?>\n<questions/>", 1, "starts with <questions>, not <quiz>"),
        ("<quiz>&nbsp;</quiz>", 1, "not well-formed XML"),
    ],
)
def test_a_file_that_is_not_moodle_xml_is_refused(text, line, message):
    with pytest.raises(InterchangeError) as caught:
        moodle_xml.load(text)
    [(found_line, found)] = caught.value.problems
    assert found_line == line
    assert message in found


BILLION_LAUGHS = """\
<?xml version="1.0"?>
<!DOCTYPE quiz [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<quiz><question type="shortanswer"><questiontext><text>&lol9;</text></questiontext>
<answer fraction="100"><text>a</text></answer></question></quiz>
"""
EXTERNAL_ENTITY = """\
<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="shortanswer"><questiontext><text>&secret;</text></questiontext>
<answer fraction="100"><text>a</text></answer></question></quiz>
"""
EXTERNAL_DTD = '<?xml version="1.0"?>\n<!DOCTYPE quiz SYSTEM "http://example.org/q.dtd">\n<quiz/>'


@pytest.mark.parametrize(
    "text", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD], ids=["laughs", "xxe", "dtd"]
)
def test_hostile_xml_is_refused_before_anything_is_expanded(text):
    with pytest.raises(InterchangeError) as caught:
        moodle_xml.load(text.encode())
    [(line, message)] = caught.value.problems
    assert line == 2
    assert "document type declaration" in message
    assert "refused for safety" in message


def test_a_file_that_is_not_utf8_is_refused_with_its_line():
    data = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<quiz>\n<!-- Café -->\n</quiz>'
    with pytest.raises(InterchangeError) as caught:
        moodle_xml.load(data.encode("latin-1"))
    assert caught.value.problems == [(3, "This line is not UTF-8 text.")]


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("plain", "plain"),
        ("<p>One</p><p>Two</p>", "One\nTwo"),
        ("<p>One</p>\n\n  <p>Two</p>", "One\nTwo"),
        ("One<br>Two<br/>Three", "One\nTwo\nThree"),
        ("Line\n   wrapped in the source", "Line wrapped in the source"),
        ("<ul><li>a</li><li>b</li></ul>", "a\nb"),
        ("a &lt; b &amp;&amp; c &gt; d &#123;", "a < b && c > d {"),
        ("<b>bold</b> and <i>it</i>", "bold and it"),
        ("<script>alert(1)</script>safe<style>p{}</style>", "safe"),
        ('<img src="@@PLUGINFILE@@/x.png" alt="x"> caption', "caption"),
        ("  spaced  out  ", "spaced  out"),
    ],
)
def test_html_becomes_the_text_a_person_reads(markup, text):
    assert moodle_xml.html_to_text(markup) == text


def test_a_question_without_a_title_is_named_after_its_prompt():
    long = "word " * 40
    assert moodle_xml.default_name("A  short\nprompt") == "A short prompt"
    assert len(moodle_xml.default_name(long)) == moodle_xml.NAME_LENGTH
    assert moodle_xml.default_name(long).endswith("…")


# Every character XML can hold (no other control character than the tab and the line
# break), in texts without leading or trailing space or a blank: those Moodle XML keeps.
characters = st.characters(
    exclude_categories=("Cc", "Cs"), include_characters="\n\t", exclude_characters="\ufffe\uffff"
)
texts = st.text(characters, min_size=1, max_size=30).filter(
    lambda text: text == text.strip() and "_____" not in text
)


@settings(max_examples=300, deadline=None)
@given(prompt=texts, answer=texts, wrong=texts, feedback=texts, explanation=texts, title=texts)
def test_any_plain_text_round_trips(prompt, answer, wrong, feedback, explanation, title):
    assume(title != moodle_xml.default_name(prompt))
    questions = [
        InterchangeQuestion(
            "short_answer", prompt, answer, alternatives=(wrong,), explanation=explanation
        ),
        InterchangeQuestion(
            "cloze", f"{prompt} _____ {wrong}", answer, alternatives=(wrong,), title=title
        ),
        InterchangeQuestion(
            "multiple_choice",
            prompt,
            answer,
            choices=(InterchangeChoice(answer, True, feedback), InterchangeChoice(wrong, False)),
            explanation=explanation,
            title=title,
        ),
        InterchangeQuestion("true_false", prompt, "false", explanation=explanation),
        InterchangeQuestion("flashcard", prompt, answer, title=title),
    ]
    assert moodle_xml.load(moodle_xml.dump(questions)) == questions
