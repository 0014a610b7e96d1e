"""Models arrive with the reporting issue; the app is installed now so the layout is fixed."""
