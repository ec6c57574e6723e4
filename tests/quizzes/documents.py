"""Small documents written for the tests, in each format, and bad ones."""

from __future__ import annotations

from tests.ingest.helpers import build_docx, build_zip

PLAIN = """Rivers of Ice

Glaciers hold about two thirds of the fresh water on Earth. They shape valleys, feed rivers and record past climates.

How a Glacier Forms

Snow that survives the summer melt is buried by the next winter’s snow. Over decades it is squeezed into firn and then into dense blue ice.

How a Glacier Moves

A glacier flows because ice deforms under its own weight. Meltwater at the base lets it slide faster, sometimes metres in a day.

What Glaciers Leave Behind

Moraines are ridges of rock debris dropped at a glacier’s edges. A U-shaped valley is the clearest sign that ice once filled it.
"""

MARKDOWN = """# Sourdough Basics

A short guide for the school kitchen club.

## The Starter

A starter is flour and water colonised by wild yeast and lactic acid bacteria.

- Feed it equal weights of flour and water.
- Keep it at about 24 °C.

## Mixing the Dough

```
500 g flour
350 g water
```

Autolyse means resting flour and water before salt is added.

## Baking

Bake at 250 °C with steam for the first 20 minutes.
"""

HTML = """<!doctype html><html><head><title>Volcanoes</title>
<style>body { color: red }</style><script>alert('x')</script></head>
<body><h1>Volcanoes</h1>
<h2>Magma</h2><p onclick="steal()">Magma is molten rock below the surface.</p>
<h2>Eruptions</h2><p>Gas pressure drives explosive eruptions.</p>
</body></html>
"""


def docx_bytes(title: str = "Tides", sections: tuple[tuple[str, str], ...] = ()) -> bytes:
    sections = sections or (
        ("Why Tides Happen", "The Moon’s gravity pulls the oceans into two bulges."),
        ("Spring and Neap Tides", "Spring tides come when the Sun and Moon line up."),
    )
    paragraphs: list[tuple[str, str | None]] = [(title, "Title")]
    for heading, text in sections:
        paragraphs += [(heading, "Heading 1"), (text, None)]
    return build_docx(paragraphs)


def zip_bomb(unpacked_bytes: int) -> bytes:
    return build_zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"\0" * unpacked_bytes})


def crowded_zip(entries: int) -> bytes:
    return build_zip({f"word/media/{n}.txt": b"" for n in range(entries)})
