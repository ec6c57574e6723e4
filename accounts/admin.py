"""Accounts in the admin: Django's user and group admins, answering a refused post as
Lectern's own admins do (400 with the form and its errors; a tampered bulk selection is
refused instead of failing)."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from accounts.models import User
from quizzes.admin.refusals import RefusalStatusMixin


class LecternUserAdmin(RefusalStatusMixin, UserAdmin):
    """Only superusers manage accounts: the Teachers group holds no user permissions."""


class LecternGroupAdmin(RefusalStatusMixin, GroupAdmin):
    pass


admin.site.register(User, LecternUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, LecternGroupAdmin)
