"""Create the Teachers group with the content permissions (and nothing about users)."""

from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TEACHERS_GROUP = "Teachers"
CONTENT_MODELS = ["document", "lesson", "question", "choice"]
ACTIONS = ["add", "change", "delete", "view"]


def create_teachers_group(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # Permissions are normally created after all migrations run; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name=TEACHERS_GROUP)
    codenames = [f"{action}_{model}" for model in CONTENT_MODELS for action in ACTIONS]
    group.permissions.set(
        permission_model.objects.filter(content_type__app_label="quizzes", codename__in=codenames)
    )


def remove_teachers_group(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("auth", "Group").objects.filter(name=TEACHERS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_teachers_group, remove_teachers_group)]
