"""Safeguarding pages: notifications."""

urlpatterns: list = []
