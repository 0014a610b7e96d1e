"""Safeguarding pages: complaints."""

urlpatterns: list = []
