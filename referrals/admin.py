"""Admin: response targets are edited here (§4.3.6); referrals and people are read-only.

Referrals and people change only through the services (history, transitions and permission
checks live there), so the admin shows them and their history but never edits them.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from common.admin import ReadOnlyAdmin, ReadOnlyAdminMixin
from referrals.models import Consent, Disclosure, Person, Referral, ResponseTarget


@admin.register(ResponseTarget)
class ResponseTargetAdmin(SimpleHistoryAdmin):
    list_display = ["priority", "measure", "amount", "unit", "effective_from"]
    list_filter = ["priority", "measure"]
    ordering = ["priority", "measure", "-effective_from"]


class ReadOnlyHistoryAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    pass


@admin.register(Referral)
class ReferralAdmin(ReadOnlyHistoryAdmin):
    list_display = ["reference", "status", "priority", "channel", "source", "received_at"]
    search_fields = ["=reference"]
    ordering = ["-received_at"]
    list_select_related = True
    show_full_result_count = False


@admin.register(Person)
class PersonAdmin(ReadOnlyHistoryAdmin):
    # No names in the list: the change page shows the record to someone who opens it.
    list_display = ["id", "created_at"]
    ordering = ["-created_at"]
    show_full_result_count = False


@admin.register(Consent)
class ConsentAdmin(ReadOnlyHistoryAdmin):
    """Consent is recorded and withdrawn through the service pages, which keep the rules
    (review dates, immediate withdrawal of access); the admin only reads it."""

    list_display = ["person_id", "recipient", "given", "lawful_basis", "recorded_at", "withdrawn_at"]
    list_filter = ["recipient", "given", "lawful_basis"]
    search_fields = ["=person__id"]


@admin.register(Disclosure)
class DisclosureAdmin(ReadOnlyAdmin):
    """Read-only: the disclosure log is append-only (PAR-5) and keeps no history of its own."""

    list_display = ["at", "by", "to_organisation_name", "dataset", "lawful_basis", "person_id"]
    list_filter = ["dataset", "lawful_basis"]
    search_fields = ["by__username", "=person__id"]
    date_hierarchy = "at"
