"""Sync versions (see quizzes.sync): a sync_version on lessons, questions, review logs and
card states, the counters that hand them out, and tombstones for deleted content. Every
existing row starts at version 0, before any new one; the triggers that stamp content
are the next migration."""

import django.db.models.functions.datetime
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('quizzes', '0006_answer_option_snapshot'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ContentTombstone',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('lesson', 'Lesson'), ('question', 'Question')], max_length=12)),
                ('object_id', models.BigIntegerField()),
                ('sync_version', models.BigIntegerField(db_index=True, help_text='Where the row stands in its sync stream (quizzes.sync): the value of a SyncCounter taken in the transaction that last wrote it.')),
                ('deleted_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
            ],
        ),
        migrations.CreateModel(
            name='SyncCounter',
            fields=[
                ('key', models.CharField(max_length=64, primary_key=True, serialize=False)),
                ('value', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.AddField(
            model_name='cardstate',
            name='sync_version',
            field=models.BigIntegerField(default=0, editable=False, help_text='Where the row stands in its sync stream (quizzes.sync): the value of a SyncCounter taken in the transaction that last wrote it.'),
        ),
        migrations.AddField(
            model_name='lesson',
            name='sync_version',
            field=models.BigIntegerField(db_index=True, default=0, editable=False, help_text='Where the row stands in its sync stream (quizzes.sync): the value of a SyncCounter taken in the transaction that last wrote it.'),
        ),
        migrations.AddField(
            model_name='question',
            name='sync_version',
            field=models.BigIntegerField(db_index=True, default=0, editable=False, help_text='Where the row stands in its sync stream (quizzes.sync): the value of a SyncCounter taken in the transaction that last wrote it.'),
        ),
        migrations.AddField(
            model_name='reviewlog',
            name='sync_version',
            field=models.BigIntegerField(default=0, editable=False, help_text='Where the row stands in its sync stream (quizzes.sync): the value of a SyncCounter taken in the transaction that last wrote it.'),
        ),
        migrations.AddIndex(
            model_name='cardstate',
            index=models.Index(fields=['user', 'sync_version', 'id'], name='cardstate_user_sync'),
        ),
        migrations.AddIndex(
            model_name='reviewlog',
            index=models.Index(fields=['user', 'sync_version', 'id'], name='reviewlog_user_sync'),
        ),
        migrations.AddConstraint(
            model_name='contenttombstone',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['lesson', 'question'])), name='tombstone_kind_valid'),
        ),
    ]
