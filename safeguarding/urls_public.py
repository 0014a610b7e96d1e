"""Safeguarding's public pages (no sign-in): making a complaint or paying a compliment (SAF-4)."""

from django.urls import path

from safeguarding import views_public

app_name = "safeguarding_public"
urlpatterns = [
    path("", views_public.complaint_form, name="form"),
    path("done/", views_public.done, name="done"),
]
