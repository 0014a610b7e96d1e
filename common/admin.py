"""Admin building blocks every app uses."""

from django.contrib import admin


class ReadOnlyAdminMixin:
    """The admin only reads: records are written through services, which keep the rules, the
    history and the access log (CONVENTIONS: every write goes through a service)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass
