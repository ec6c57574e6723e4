"""Multiple-choice answers keep a copy of their options ({"id", "text", "correct"}) instead
of bare choice ids, so editing a question's options mid-attempt changes nothing for the
student. Existing rows are copied from the options as they are now; an option deleted
since its attempt started is dropped (it could not be answered before either)."""

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def ids_to_snapshots(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Answer = apps.get_model("quizzes", "Answer")
    Choice = apps.get_model("quizzes", "Choice")
    answers = Answer.objects.exclude(choice_order=[]).only("pk", "choice_order")
    for answer in answers.iterator(chunk_size=500):
        ids = [item for item in answer.choice_order if isinstance(item, int)]
        if not ids:
            continue  # already a copy
        rows = {
            pk: {"id": pk, "text": text, "correct": correct}
            for pk, text, correct in Choice.objects.filter(pk__in=ids).values_list(
                "pk", "text", "is_correct"
            )
        }
        answer.choice_order = [rows[pk] for pk in ids if pk in rows]
        answer.save(update_fields=["choice_order"])


def snapshots_to_ids(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Answer = apps.get_model("quizzes", "Answer")
    answers = Answer.objects.exclude(choice_order=[]).only("pk", "choice_order")
    for answer in answers.iterator(chunk_size=500):
        answer.choice_order = [
            item["id"] if isinstance(item, dict) else item for item in answer.choice_order
        ]
        answer.save(update_fields=["choice_order"])


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0005_quiz_attempts_and_quiz_settings"),
    ]

    operations = [
        migrations.AlterField(
            model_name="answer",
            name="choice_order",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text=(
                    "The options as they were when the attempt started, in the order this "
                    'student sees them: {"id", "text", "correct"} each.'
                ),
            ),
        ),
        migrations.RunPython(ids_to_snapshots, snapshots_to_ids),
    ]
