"""The public self-referral form (REF-3): no login."""

app_name = "public"

urlpatterns: list = []
