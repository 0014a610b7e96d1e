from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("partnership.urls")),
    path("refer/", include("referrals.urls_public")),
    path("referrals/", include("referrals.urls")),
    path("", include("assessments.urls")),
    path("", include("recovery_plans.urls_contacts")),
    path("", include("recovery_plans.urls")),
    path("reports/", include("reporting.urls")),
    path("safeguarding/", include("safeguarding.urls")),
    path("complaints/", include("safeguarding.urls_public")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# The server error page: translated on the public pages, with the phone number.
handler500 = "common.errors.server_error"
