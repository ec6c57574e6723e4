"""The same text gives the same questions: in one process, across processes with
different hash seeds, and whatever the order of ``only``."""

import json
import os
import subprocess
import sys
from dataclasses import asdict

from quizzes.generation import generate_questions

from .documents import DOCUMENTS, ROOT, lessons_of

SCRIPT = """
import json, sys
from dataclasses import asdict
from pathlib import Path
sys.path.insert(0, {root!r})
from quizzes.generation import LessonText, generate_questions
from quizzes.ingest import parse
out = {{}}
for name in {paths!r}:
    parsed = parse(Path(name).read_bytes(), filename=name)
    lessons = [LessonText(n, s.heading, s.body) for n, s in enumerate(parsed.sections)]
    result = generate_questions(lessons)
    out[name] = {{str(k): [asdict(q) for q in v] for k, v in result.items()}}
print(json.dumps(out, sort_keys=True))
"""


def as_json(result):
    return {str(key): [asdict(q) for q in drafts] for key, drafts in result.items()}


def test_two_runs_in_one_process_agree():
    for path in DOCUMENTS:
        lessons = lessons_of(path)
        assert as_json(generate_questions(lessons)) == as_json(generate_questions(lessons))


def test_runs_with_different_hash_seeds_agree():
    paths = [str(path) for path in DOCUMENTS]
    script = SCRIPT.format(root=str(ROOT), paths=paths)
    outputs = []
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        outputs.append(json.loads(run.stdout))
    assert outputs[0] == outputs[1] == outputs[2]
    assert sum(len(v) for doc in outputs[0].values() for v in doc.values()) > 50


def test_only_gives_the_same_questions_as_the_whole_run():
    path = next(p for p in DOCUMENTS if p.name == "the-printing-press.md")
    lessons = lessons_of(path)
    whole = generate_questions(lessons)
    part = generate_questions(lessons, only=[5, 2])
    assert sorted(part) == [2, 5]
    assert part[2] == whole[2] and part[5] == whole[5]
    assert generate_questions(lessons, only={2, 5}) == part
