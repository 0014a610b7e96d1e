from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from common.admin import ReadOnlyAdmin
from partnership.models import AccessLog, Hub, Membership, Organisation
from partnership.services import membership_save


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]


@admin.register(Hub)
class HubAdmin(SimpleHistoryAdmin):
    """Where a service administrator sets each hub's council (the reports count by council)."""

    list_display = ["name", "organisation", "council"]
    list_filter = ["council"]
    fields = ["name", "organisation", "council"]


class MembershipInline(admin.StackedInline):
    """Saved through ``membership_save`` (see ``StaffUserAdmin.save_formset``), so a change of
    role or hub moves the user's groups, and so what they may see, at once."""

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

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        # Not formset.save(): the service saves with history and puts the user in their groups.
        for membership in formset.save(commit=False):
            membership_save(membership=membership, by=request.user, reason="Changed in the admin")
        formset.save_m2m()


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    """Read-only: the access log is append-only (SEC-2)."""

    list_display = ["at", "user", "action", "object_type", "object_id", "person_id", "reason"]
    list_filter = ["action", "object_type"]
    search_fields = ["user__username", "=person_id", "=object_id"]
    date_hierarchy = "at"
