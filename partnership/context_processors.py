from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partnership import registry
from partnership.access import can_search_access_log, membership_of
from partnership.registry import NavigationItem

# Partnership's own menu items and where they sit among those other apps register
# (partnership.registry): "Home" first, "Access log" after the casework pages, "Administration" last.
HOME_ORDER, ACCESS_LOG_ORDER, ADMINISTRATION_ORDER = 0, 60, 100


def _own_items() -> list[NavigationItem]:
    return [
        NavigationItem(label=_("Home"), url_name="home", shown_to=lambda user: True, order=HOME_ORDER),
        NavigationItem(
            label=_("Access log"), url_name="access_log", shown_to=can_search_access_log, order=ACCESS_LOG_ORDER
        ),
        NavigationItem(
            label=_("Administration"),
            url_name="admin:index",
            shown_to=lambda user: user.is_staff,
            order=ADMINISTRATION_ORDER,
        ),
    ]


def _navigation(request, user) -> list[dict]:
    everything = sorted([*_own_items(), *registry.navigation_items()], key=lambda item: item.order)
    items = [(item.label, reverse(item.url_name)) for item in everything if item.shown_to(user)]
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
