"""The public self-referral form (REF-3): no login."""

from django.urls import path

from referrals.views import public

app_name = "public"

urlpatterns = [
    path("", public.start, name="start"),
    path("form/", public.referral_form, name="form"),
    path("done/", public.done, name="done"),
]
