"""Safeguarding's staff pages under one namespace, joined from each part's own module."""

from safeguarding.urls_complaints import urlpatterns as complaint_patterns
from safeguarding.urls_concerns import urlpatterns as concern_patterns
from safeguarding.urls_notifications import urlpatterns as notification_patterns

app_name = "safeguarding"
urlpatterns = [*concern_patterns, *notification_patterns, *complaint_patterns]
