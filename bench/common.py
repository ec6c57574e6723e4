"""Shared by the benchmarks: a fresh SQLite database and generated documents."""

from __future__ import annotations

import os
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The article-sized document generation is timed on: a real article of the reader's own
# when LECTERN_SEED_DOCUMENT names one, else the demo course's longer document.
SEED = Path(
    os.environ.get("LECTERN_SEED_DOCUMENT") or ROOT / "quizzes" / "demo" / "the-printing-press.md"
)
WORDS = """
river delta glacier basalt monsoon harbour treaty senate empire merchant orbit comet lattice
enzyme protein neuron quartz granite valley plateau archive ledger voyage compass meridian
tide estuary canal furnace engine turbine harvest
""".split()
NAMES = """
Amara Okafor, Lisbon, Tomas Novak, the Hanseatic League, Kyoto, Ines Duarte, Reykjavik,
the Royal Society, Mehmet Aydin, Valparaiso, Sofia Lindqvist, the Danube Commission
""".replace("\n", " ").split(", ")


def setup_django() -> None:
    """Point Django at a new SQLite file, set it up and migrate."""
    workdir = tempfile.mkdtemp(prefix="lectern-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def markdown_document(total_bytes: int = 1_000_000, sections: int = 150, seed: int = 7) -> bytes:
    """A Markdown handbook of about ``total_bytes`` in ``sections`` sections, with names,
    years and numbers for the question generator to find."""
    rng = random.Random(seed)
    per_section = total_bytes // sections
    parts = ["# A generated handbook\n\nAn opening paragraph before the first section.\n"]
    for number in range(1, sections + 1):
        parts.append(f"\n## Section {number}: {rng.choice(WORDS).title()} notes\n\n")
        size = 0
        while size < per_section:
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 18)))
            sentence = (
                f"{rng.choice(NAMES)} studied the {words} in {rng.randint(1400, 2020)}, "
                f"measuring {rng.randint(2, 900)} samples."
            )
            paragraph = " ".join([sentence, sentence.replace("studied", "mapped")])
            if rng.random() < 0.1:
                paragraph = "- " + paragraph + "\n- a second item\n"
            parts.append(paragraph + "\n\n")
            size += len(paragraph) + 2
    return "".join(parts).encode()
