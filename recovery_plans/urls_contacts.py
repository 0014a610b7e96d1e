"""Contacts, engagement, outreach and groups (PLN-3, PLN-4, PLN-6). Each views module owns
its own ``urlpatterns``."""

from recovery_plans.views import contacts, groups, outreach

app_name = "contacts"

urlpatterns = [*contacts.urlpatterns, *outreach.urlpatterns, *groups.urlpatterns]
