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


# Long enough per section (80+ words) for the generator's quality floor to apply.
ARTICLE = """Engineers Finish the Longest Rail Tunnel Under the Alps

Swiss engineers completed the Gotthard Base Tunnel in 2016 after seventeen years of construction. The tunnel runs for 57 kilometres beneath the Alps and links the cantons of Uri and Ticino. Trains now cross the mountains in about twenty minutes less than before, and freight moves faster between Rotterdam and Genoa.

Planning and Funding

Swiss voters approved the project in a national referendum held in 1992. The federal government financed most of the work through a fuel tax and a heavy vehicle fee. Planners chose a route at a low altitude so that freight trains could travel without steep climbs. The budget grew to roughly 12 billion Swiss francs by the time the tunnel opened. Critics in parliament argued that road freight would still dominate, but the referendum result held. Engineers from the company AlpTransit Gotthard managed the construction for the Swiss Federal Railways.

Digging Through the Mountain

Four tunnel boring machines cut most of the rock, while crews used explosives in the hardest sections. Each machine was about 400 metres long and weighed roughly 3,000 tonnes. Geologists worried about a zone of soft rock near Faido, where the mountain pressed hard on the walls. Workers removed about 28 million tonnes of rock during the project. The final breakthrough took place in October 2010, when a machine cut into the eastern tube near Sedrun.

Safety and Operation

Two single-track tubes run side by side and are joined by cross passages every 325 metres. Emergency stations near Faido and Sedrun let passengers leave a train and wait in fresh air. Passenger trains can reach speeds of 200 kilometres per hour inside the tunnel. The Swiss Federal Railways runs more than 200 trains through the tunnel on a typical day. Controllers in Pollegio watch every train from a central operations room.
"""


def document_form(**overrides: object) -> dict:
    """The admin's document form as a browser posts it, with ``overrides`` on top: no
    lessons, and the quiz settings the change form always sends."""
    return {
        "title": "",
        "pasted_text": "",
        "import_format": "auto",
        "lessons-TOTAL_FORMS": "0",
        "lessons-INITIAL_FORMS": "0",
        "quiz_feedback": "immediate",
        "test_question_count": "20",
        **overrides,
    }
