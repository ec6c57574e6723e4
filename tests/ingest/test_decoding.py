"""Bytes → text: encodings, byte-order marks, line endings, Unicode normalisation."""

import codecs

import pytest

from quizzes.ingest import IngestError, Limits, parse
from quizzes.ingest.decoding import decode

LIMITS = Limits()
SAMPLE = "Café “Flore” — it’s where Sartre wrote.\nSecond line: naïve résumé.\n"


@pytest.mark.parametrize(
    "data",
    [
        SAMPLE.encode("utf-8"),
        codecs.BOM_UTF8 + SAMPLE.encode("utf-8"),
        codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"),
        codecs.BOM_UTF32_LE + SAMPLE.encode("utf-32-le"),
        codecs.BOM_UTF32_BE + SAMPLE.encode("utf-32-be"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"],
)
def test_unicode_encodings_decode_to_the_same_text(data):
    assert decode(data, LIMITS) == SAMPLE


def test_bom_is_removed_and_not_part_of_the_title():
    parsed = parse(codecs.BOM_UTF8 + b"Glaciers\n\nIce moves slowly downhill.", format="text")
    assert parsed.title == "Glaciers"
    assert "\ufeff" not in parsed.text


def test_cp1252_curly_quotes_and_accents():
    text = "“Crème brûlée” is the chef’s favourite – and it costs 5 €."
    data = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert decode(data, LIMITS) == text


def test_bytes_cp1252_leaves_undefined_fall_back_to_latin1():
    # 0x81 is undefined in cp1252; the byte keeps its Latin-1 meaning (U+0081) and the
    # rest of the file still decodes as cp1252 / Latin-1.
    data = b"Caf\xe9 au lait, cr\xe8me, d\xe9j\xe0 vu. " * 4 + b"\x81" + b" \x93fin\x94"
    text = decode(data, LIMITS)
    assert text.startswith("Café au lait, crème, déjà vu. ")
    assert "\x81" in text
    assert text.endswith(" “fin”")


def test_pure_latin1_text():
    data = "Über die Brücke gehen wir zur Straße.".encode("latin-1")
    assert decode(data, LIMITS) == "Über die Brücke gehen wir zur Straße."


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\u2028", "\u2029"])
def test_line_endings_become_newlines(newline):
    text = newline.join(["Title", "", "First paragraph.", "", "Second."])
    assert decode(text.encode("utf-8"), LIMITS) == "Title\n\nFirst paragraph.\n\nSecond."


def test_crlf_document_parses_like_lf():
    lf = "Rocks\n\nIntro text here.\n\nIgneous Rocks\n\nThey cool from magma.\n"
    crlf = parse(lf.replace("\n", "\r\n").encode(), format="text")
    assert crlf == parse(lf.encode(), format="text")
    assert [s.heading for s in crlf.sections] == ["Introduction", "Igneous Rocks"]


def test_nfd_input_is_normalised_to_nfc():
    nfd = "Cafe\u0301 and re\u0301sume\u0301"
    assert decode(nfd.encode("utf-8"), LIMITS) == "Café and résumé"


def test_typographic_quotes_are_kept():
    text = "“Don’t,” she said — ‘not yet’. «Bien» „gut“"
    assert decode(text.encode("utf-8"), LIMITS) == text


def test_utf16_with_odd_byte_count_is_refused():
    data = codecs.BOM_UTF16_LE + "Hello".encode("utf-16-le") + b"x"
    with pytest.raises(IngestError, match="UTF-16"):
        decode(data, LIMITS)


def test_utf16_with_lone_surrogate_is_refused():
    data = (
        codecs.BOM_UTF16_LE + "Hi ".encode("utf-16-le") + b"\x00\xd8" + "there".encode("utf-16-le")
    )
    with pytest.raises(IngestError, match=r"not valid UTF-16 \(the problem is at byte"):
        decode(data, LIMITS)


def test_utf8_bom_with_invalid_bytes_is_refused():
    with pytest.raises(IngestError, match="not valid UTF-8"):
        decode(codecs.BOM_UTF8 + b"caf\xe9", LIMITS)


def test_utf16_with_nul_character_is_binary():
    data = codecs.BOM_UTF16_LE + "Hello\x00world".encode("utf-16-le")
    with pytest.raises(IngestError, match="NUL"):
        decode(data, LIMITS)


def test_text_full_of_control_characters_is_binary():
    data = bytes(range(1, 9)) * 50 + b"some words"
    with pytest.raises(IngestError, match="control codes"):
        decode(data, LIMITS)


def test_a_few_control_characters_are_tolerated():
    text = "Page one.\fPage two has a tab\tand a bell\x07 in it." + " filler" * 30
    assert decode(text.encode(), LIMITS) == text


def test_long_line_check_names_the_line_and_is_fast():
    limits = Limits(max_line_bytes=1024 * 1024)
    ok = ("x" * 1000 + "\n") * 1000  # about 1 MB of ordinary lines
    assert decode(ok.encode(), limits) == ok
    bad = "short\nshort\n" + "é" * 600_000 + "\nshort"  # 1.2 MB in UTF-8 on line 3
    with pytest.raises(IngestError) as error:
        decode(bad.encode(), limits)
    assert str(error.value) == "Line 3 is 1.1 MB long; the longest line allowed is 1.0 MB."
