"""Staff pages for referrals. Each views module owns its own ``urlpatterns``."""

from .views import intake, queue, triage

app_name = "referrals"

urlpatterns = [*queue.urlpatterns, *intake.urlpatterns, *triage.urlpatterns]
