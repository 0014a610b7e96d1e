from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from partnership.models import AccessLog, Consent, Disclosure, Hub, Membership, Organisation


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]


@admin.register(Hub)
class HubAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation"]


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    fk_name = "user"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    list_select_related = ["membership"]


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the access log is append-only (SEC-2)."""

    list_display = ["at", "user", "action", "object_type", "object_id", "person_id", "reason"]
    list_filter = ["action", "object_type"]
    search_fields = ["user__username", "=person_id", "=object_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Consent)
class ConsentAdmin(SimpleHistoryAdmin):
    """Consent is recorded and withdrawn through the service pages, which keep the rules
    (review dates, immediate withdrawal of access); the admin only reads it."""

    list_display = ["person_id", "recipient", "given", "lawful_basis", "recorded_at", "withdrawn_at"]
    list_filter = ["recipient", "given", "lawful_basis"]
    search_fields = ["=person__id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Disclosure)
class DisclosureAdmin(AccessLogAdmin):
    """Read-only: the disclosure log is append-only (PAR-5)."""

    list_display = ["at", "by", "to_organisation_name", "dataset", "lawful_basis", "person_id"]
    list_filter = ["dataset", "lawful_basis"]
    search_fields = ["by__username", "=person__id"]
