"""Report runs, preview, publishing and the commissioners' archive (RPT-1, RPT-5)."""

urlpatterns: list = []
