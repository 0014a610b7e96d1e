"""The managers' equity and disengagement-risk dashboards (RPT-6)."""

urlpatterns: list = []
