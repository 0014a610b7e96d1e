from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partnership.access import (
    can_run_subject_access,
    can_search_access_log,
    can_work_front_door,
    membership_of,
    sees_allocated_caseload,
    sees_hub_caseload,
    works_for_treatment_service,
)


def _navigation(request, user) -> list[dict]:
    items = [(_("Home"), reverse("home"))]
    if can_work_front_door(user):
        items += [(_("SPOC queue"), reverse("referrals:queue")), (_("Record a referral"), reverse("referrals:new"))]
    if sees_allocated_caseload(user):
        items.append((_("My caseload"), reverse("referrals:caseload")))
    elif sees_hub_caseload(user):
        # Managers: their hub's caseload (hub workers reach it from "My caseload").
        items.append((_("Hub caseload"), reverse("referrals:hub_caseload")))
    if works_for_treatment_service(user):
        items.append((_("People shared with us"), reverse("referrals:shared_people")))
    if can_search_access_log(user):
        items.append((_("Access log"), reverse("access_log")))
    if can_run_subject_access(user):
        items.append((_("Data rights"), reverse("referrals:data_rights")))
    if user.is_staff:
        items.append((_("Administration"), reverse("admin:index")))
    path = request.path
    # The longest matching prefix is the current section ("Home" is "/", which matches everything).
    best = max((url for _label, url in items if path.startswith(url)), key=len, default=None)
    return [{"label": label, "url": url, "active": url == best} for label, url in items]


def service(request):
    """The configurable service name, the signed-in member of staff's place and their menu."""
    context = {"service_name": settings.SERVICE_NAME, "service_phone": settings.SERVICE_PHONE}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["membership"] = membership_of(user)
        context["nav_items"] = _navigation(request, user)
    return context
