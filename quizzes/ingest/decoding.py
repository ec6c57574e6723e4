"""Bytes → normalised text, for the text formats (plain text, Markdown, HTML).

Order of attempts:

1. a byte-order mark decides: UTF-32 LE/BE, UTF-16 LE/BE, UTF-8 (the BOM is removed;
   invalid data after a BOM is an error, since the file announced its encoding);
2. strict UTF-8;
3. Windows-1252, where the five bytes it leaves undefined (0x81 0x8D 0x8F 0x90 0x9D)
   fall back to Latin-1, as browsers do — so this step also is the Latin-1 fallback and
   never fails.

Then: NUL characters, or more than 1% control characters, mean "binary"; line endings
become ``\\n``; the text is put in Unicode NFC (typographic quotes are left alone); a
document with no visible text is empty; no line may exceed ``limits.max_line_bytes``.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from .common import is_blank, too_big
from .types import IngestError, Limits

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


def _windows_1252_table() -> str:
    chars = []
    for byte in range(256):
        try:
            chars.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(byte))  # Latin-1 for the bytes cp1252 leaves undefined
    return "".join(chars)


_WINDOWS_1252 = _windows_1252_table()

# C0 controls other than tab, newline, carriage return and form feed; DEL; C1 controls.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_MAX_CONTROL_SHARE = 0.01


def _decode_with_bom(data: bytes) -> str | None:
    for bom, codec, name in _BOMS:
        if not data.startswith(bom):
            continue
        body = data[len(bom) :]
        try:
            return body.decode(codec)
        except UnicodeDecodeError as error:
            if name == "UTF-32":
                continue  # FF FE 00 00 may also be a UTF-16 LE BOM followed by U+0000
            raise IngestError(
                f"The file says it is {name} (it starts with a {name} byte-order mark), "
                f"but it is not valid {name} (the problem is at byte {error.start + len(bom):,})."
            ) from None
    return None


def decode_bytes(data: bytes) -> str:
    """Decode without any checks (see the module docstring for the order)."""
    text = _decode_with_bom(data)
    if text is not None:
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return codecs.charmap_decode(data, "strict", _WINDOWS_1252)[0]


def sniff_text(data: bytes, size: int = 256 * 1024) -> str:
    """A lenient decode of the start of ``data``, for format detection only."""
    head = data[:size]
    for bom, codec, _name in _BOMS:
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="replace")
    return head.decode("utf-8", errors="replace")


def normalise_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u2028" in text or "\u2029" in text:
        text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return text


def check_line_lengths(text: str, max_line_bytes: int) -> None:
    """Raise when a line is longer than ``max_line_bytes`` in UTF-8. Linear time: a line
    is only encoded when it has more than a quarter of the limit in characters."""
    safe_chars = max_line_bytes // 4
    if len(text) <= safe_chars:
        return
    lines = text.split("\n")
    if max(map(len, lines)) <= safe_chars:
        return
    for number, line in enumerate(lines, start=1):
        if len(line) > safe_chars:
            size = len(line.encode("utf-8", errors="surrogatepass"))
            if size > max_line_bytes:
                got, allowed = too_big(size, max_line_bytes)
                raise IngestError(
                    f"Line {number:,} is {got} long; the longest line allowed is {allowed}."
                )


def check_not_binary(text: str) -> None:
    if "\x00" in text:
        raise IngestError("The file looks binary (it contains NUL bytes), not a text document.")
    if not text:
        return
    controls = len(_CONTROL_RE.findall(text))
    if controls and controls > _MAX_CONTROL_SHARE * len(text):
        share = max(1, round(100 * controls / len(text)))
        raise IngestError(
            f"The file looks binary or uses an unknown encoding ({share}% of its characters "
            "are control codes), not a text document."
        )


def decode(data: bytes, limits: Limits) -> str:
    """Decode and normalise a text document; raise ``IngestError`` when it is unusable."""
    text = decode_bytes(data)
    check_not_binary(text)
    text = normalise_newlines(text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if is_blank(text):
        raise IngestError("The document is empty.")
    check_line_lengths(text, limits.max_line_bytes)
    return text
