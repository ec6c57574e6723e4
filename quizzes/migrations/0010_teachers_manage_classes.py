"""Give the Teachers group add/change/delete/view on classes and their memberships, so
a teacher can run their classes in the admin (which still shows only their own)."""

from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TEACHERS_GROUP = "Teachers"
CLASS_MODELS = ["classroom", "membership"]
ACTIONS = ["add", "change", "delete", "view"]


def _codenames() -> list[str]:
    return [f"{action}_{model}" for model in CLASS_MODELS for action in ACTIONS]


def grant_class_permissions(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # Permissions are normally created after all migrations run; make sure they exist now.
    quizzes = apps.get_app_config("quizzes")
    quizzes.models_module = True
    create_permissions(quizzes, apps=apps, verbosity=0)
    quizzes.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name=TEACHERS_GROUP)
    group.permissions.add(
        *permission_model.objects.filter(
            content_type__app_label="quizzes", codename__in=_codenames()
        )
    )


def revoke_class_permissions(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    group = apps.get_model("auth", "Group").objects.filter(name=TEACHERS_GROUP).first()
    if group is None:
        return
    permission_model = apps.get_model("auth", "Permission")
    group.permissions.remove(
        *permission_model.objects.filter(
            content_type__app_label="quizzes", codename__in=_codenames()
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0009_classes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_class_permissions, revoke_class_permissions)]
