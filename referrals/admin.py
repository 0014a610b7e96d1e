"""Admin: response targets are edited here (§4.3.6); referrals and people are read-only.

Referrals and people change only through the services (history, transitions and permission
checks live there), so the admin shows them and their history but never edits them.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from referrals.models import Person, Referral, ResponseTarget


@admin.register(ResponseTarget)
class ResponseTargetAdmin(SimpleHistoryAdmin):
    list_display = ["priority", "measure", "amount", "unit", "effective_from"]
    list_filter = ["priority", "measure"]
    ordering = ["priority", "measure", "-effective_from"]


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ["reference", "status", "priority", "channel", "source", "received_at"]
    search_fields = ["=reference"]
    ordering = ["-received_at"]
    list_select_related = True
    show_full_result_count = False


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    # No names in the list: the change page shows the record to someone who opens it.
    list_display = ["id", "created_at"]
    ordering = ["-created_at"]
    show_full_result_count = False
