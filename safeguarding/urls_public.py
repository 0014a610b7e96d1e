"""Safeguarding's public pages (no sign-in): making a complaint or paying a compliment (SAF-4)."""

app_name = "safeguarding_public"
urlpatterns: list = []
