"""Safeguarding pages: concerns."""

urlpatterns: list = []
