"""manage.py import_document: formats, stdin, several files, and every kind of bad input."""

import io
import sys

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError

from quizzes.models import Document, Lesson, Question
from tests.quizzes.documents import HTML, MARKDOWN, PLAIN, crowded_zip, docx_bytes, zip_bomb

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_document", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "fmt", "title", "headings"),
    [
        ("rivers.txt", PLAIN.encode(), "text", "Rivers of Ice", 4),
        ("sourdough.md", MARKDOWN.encode(), "markdown", "Sourdough Basics", 4),
        ("volcanoes.html", HTML.encode(), "html", "Volcanoes", 2),
        ("tides.docx", docx_bytes(), "docx", "Tides", 2),
    ],
)
def test_it_imports_each_format(tmp_path, teacher, name, content, fmt, title, headings):
    path = tmp_path / name
    path.write_bytes(content)

    out, _ = run(str(path), "--owner", teacher.username)

    document = Document.objects.get()
    assert (document.title, document.source_format, document.owner) == (title, fmt, teacher)
    assert document.lessons.count() == headings
    drafts = Question.objects.filter(lesson__document=document).count()
    assert out.strip() == (
        f"{path}: “{title}”: {headings} created, 0 updated, 0 unchanged, 0 archived; "
        f"{drafts} draft questions to review (0 replaced, 0 kept) (document {document.pk})"
    )


def test_html_import_drops_scripts_styles_and_event_attributes(tmp_path, teacher):
    path = tmp_path / "volcanoes.html"
    path.write_text(HTML)

    run(str(path), "--owner", teacher.username)

    stored = (
        " ".join(Lesson.objects.values_list("body", flat=True))
        + Document.objects.get().source_text
    )
    assert "Magma is molten rock" in stored
    for hostile in ("alert", "steal", "onclick", "color: red", "<script"):
        assert hostile not in stored


def test_the_second_identical_import_reports_everything_unchanged(tmp_path, teacher):
    path = tmp_path / "rivers.txt"
    path.write_text(PLAIN)
    run(str(path), "--owner", teacher.username)

    out, _ = run(str(path), "--owner", teacher.username)

    assert "0 created, 0 updated, 4 unchanged, 0 archived" in out
    assert Document.objects.count() == 1


def test_it_reads_standard_input(monkeypatch, teacher):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(MARKDOWN.encode())))

    out, _ = run("-", "--owner", teacher.username)

    assert out.startswith("<stdin>: “Sourdough Basics”: 4 created")
    assert Document.objects.get().source_format == "markdown"


def test_several_files_print_progress_and_one_line_each(tmp_path, teacher):
    (tmp_path / "a.txt").write_text(PLAIN)
    (tmp_path / "b.md").write_text(MARKDOWN)

    out, err = run(str(tmp_path / "a.txt"), str(tmp_path / "b.md"), "--owner", teacher.username)

    assert len(out.strip().splitlines()) == 2
    assert "[1/2] reading" in err and "[2/2] reading" in err
    assert Document.objects.count() == 2


def test_re_import_into_a_document_by_id(tmp_path, teacher):
    path = tmp_path / "rivers.txt"
    path.write_text(PLAIN)
    run(str(path), "--owner", teacher.username)
    document = Document.objects.get()
    path.write_text(PLAIN.replace("Rivers of Ice", "Glaciers, second edition"))

    out, _ = run(str(path), "--owner", teacher.username, "--document", str(document.pk))

    assert Document.objects.get().title == "Rivers of Ice"
    assert "4 unchanged" in out


def test_the_owner_defaults_to_the_only_teacher(tmp_path, teacher):
    path = tmp_path / "rivers.txt"
    path.write_text(PLAIN)

    run(str(path))

    assert Document.objects.get().owner == teacher


def test_with_several_teachers_the_owner_must_be_named(tmp_path, teacher, other_teacher):
    path = tmp_path / "rivers.txt"
    path.write_text(PLAIN)

    with pytest.raises(CommandError, match="--owner"):
        run(str(path))


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty"),
        (b"  \n\t\n  ", "empty"),
        (b"Title\n\nSome\x00thing binary\x00\x01\x02", "binary"),
        (bytes(range(256)) * 40, "binary"),
    ],
)
def test_bad_text_is_refused_with_one_line_and_nothing_stored(tmp_path, teacher, content, problem):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)

    with pytest.raises(CommandError) as raised:
        run(str(path), "--owner", teacher.username)

    message = str(raised.value)
    assert problem in message.lower() and "\n" not in message
    assert message.startswith(f"{path}: ")
    assert not Document.objects.exists() and not Lesson.objects.exists()


def test_a_document_over_the_size_limit_is_refused(tmp_path, teacher, settings):
    settings.LECTERN_MAX_DOCUMENT_BYTES = 1000
    path = tmp_path / "big.txt"
    path.write_text(PLAIN * 3)

    with pytest.raises(CommandError, match=r"is \d\.\d KB; the limit is 1,000 bytes"):
        run(str(path), "--owner", teacher.username)
    assert not Document.objects.exists()


def test_a_line_over_the_line_limit_is_refused(tmp_path, teacher, settings):
    settings.LECTERN_MAX_LINE_BYTES = 100
    path = tmp_path / "long.txt"
    path.write_text("Title\n\n" + "word " * 50)

    with pytest.raises(CommandError, match=r"[Ll]ine 3"):
        run(str(path), "--owner", teacher.username)
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"this is not a zip file at all", "zip"),
        (zip_bomb(60 * 1024 * 1024), "unpack"),
        (crowded_zip(1001), "1,001"),
    ],
    ids=["not-a-zip", "zip-bomb", "too-many-entries"],
)
def test_bad_docx_is_refused_and_nothing_stored(tmp_path, teacher, content, problem):
    path = tmp_path / "bad.docx"
    path.write_bytes(content)

    with pytest.raises(CommandError) as raised:
        run(str(path), "--owner", teacher.username)

    assert problem in str(raised.value)
    assert not Document.objects.exists()


def test_html_with_no_text_is_refused(tmp_path, teacher):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><script>x()</script></head><body><p> </p></body></html>")

    with pytest.raises(CommandError, match="no text"):
        run(str(path), "--owner", teacher.username)
    assert not Document.objects.exists()


def test_a_missing_file_is_named(tmp_path, teacher):
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "nope.txt"), "--owner", teacher.username)


def test_one_bad_file_among_several_stores_the_good_ones_and_exits_with_1(
    tmp_path, teacher, capsys, monkeypatch
):
    # run_from_argv closes every connection when it ends, the test's own included.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    (tmp_path / "good.txt").write_text(PLAIN)
    (tmp_path / "bad.txt").write_bytes(b"")
    command = load_command_class(get_commands()["import_document"], "import_document")

    with pytest.raises(SystemExit) as exited:
        command.run_from_argv(
            [
                "manage.py",
                "import_document",
                str(tmp_path / "good.txt"),
                str(tmp_path / "bad.txt"),
                "--owner",
                teacher.username,
            ]
        )

    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert f"error: {tmp_path / 'bad.txt'}: " in err
    assert "1 of 2 documents could not be imported" in err
    assert Document.objects.count() == 1
