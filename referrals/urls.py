"""Staff pages for referrals. Each views module owns its own ``urlpatterns``."""

from referrals.data_rights import views as data_rights
from referrals.views import (
    appointments,
    consent,
    detail,
    feedback,
    intake,
    person_record,
    queue,
    restricted,
    shared_record,
    sharing,
    treatment_withdraw,
    triage,
    worklists,
)

app_name = "referrals"

urlpatterns = [
    *queue.urlpatterns,
    # Before the referral pages, so /worklists/ is never read as a reference.
    *worklists.urlpatterns,
    *detail.urlpatterns,
    *intake.urlpatterns,
    *person_record.urlpatterns,
    *triage.urlpatterns,
    *restricted.urlpatterns,
    *appointments.urlpatterns,
    *feedback.urlpatterns,
    *consent.urlpatterns,
    *sharing.urlpatterns,
    *shared_record.urlpatterns,
    *treatment_withdraw.urlpatterns,
    *data_rights.urlpatterns,
]
