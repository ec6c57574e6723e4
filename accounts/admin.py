from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import User

# Only superusers manage accounts: the Teachers group holds no user permissions.
admin.site.register(User, UserAdmin)
